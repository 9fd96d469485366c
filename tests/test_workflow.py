"""The real workflow, run by Snakemake on the bundled demo: what a user gets from `make demo`."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from html.parser import HTMLParser

import pysam

from tests.conftest import DEMO, REPO, demo_row, rarevar, write_config

OUTPUTS = ("candidates.json", "candidates.tsv", "candidates.vcf.gz", "candidates.vcf.gz.tbi", "candidates.xlsx",
           "phenopacket.json", "report.html", "report.pdf")  # fmt: skip


def key(variant: dict) -> tuple:
    return (variant["chrom"], int(variant["pos"]), variant["ref"], variant["alt"])


def load(demo_run, truth) -> dict:
    return json.loads((demo_run / truth["family"] / "candidates.json").read_text())


def test_planted_variant_ranks_first(demo_run, truth):
    top = load(demo_run, truth)["candidates"][0]
    assert key(top) == key(truth)
    assert top["rank"] == 1 and top["gene"] == truth["gene"]
    assert "de_novo" in top["inheritance"]
    # the mother has one stray alt read in 37: still a confident de novo, as slivar's denovo() would call it
    assert top["de_novo_confidence"] == "high" and top["parents_genotyped"] == "both"
    assert top["population_af"] is None  # never observed
    assert top["why"] and top["hgvs_p"] == "p.Arg100Pro" and top["hgvs_c"] == "c.299G>C"


def test_only_the_planted_variant_stands_out(demo_run, truth):
    """The reader sees one likely diagnosis: every decoy left among the candidates is far less probable. (Its rank
    among the other improbable candidates is not the point: a biallelic loss-of-function in a gene whose known
    disease does not fit counts as a possible undescribed disease of that gene, so it may lead them.)"""
    candidates = load(demo_run, truth)["candidates"]
    assert key(candidates[0]) == key(truth) and candidates[0]["score"] > 0.9
    assert sum(c["score"] for c in candidates[1:]) < 0.01
    for decoy in truth["decoys"]:
        kept = [c for c in candidates if key(c) == key(decoy)]
        assert not kept or kept[0]["score"] < candidates[0]["score"] / 100, decoy["kind"]


def test_decoys_are_removed_for_the_right_reason(demo_run, truth):
    candidates = {key(c): c for c in load(demo_run, truth)["candidates"]}
    decoys = {d["kind"]: d for d in truth["decoys"]}
    # Too common in the population and too poor a genotype: filtered out, not merely ranked low.
    assert key(decoys["common_in_right_gene"]) not in candidates
    assert key(decoys["low_quality_de_novo"]) not in candidates
    # A real de novo loss-of-function, in a gene whose diseases do not fit the patient: kept but ranked below.
    unrelated = candidates[key(decoys["unrelated_gene"])]
    assert unrelated["rank"] > 1 and unrelated["phenotype_score"] < 0.3


def test_all_outputs_written(demo_run, truth):
    folder = demo_run / truth["family"]
    for name in OUTPUTS:
        assert (folder / name).stat().st_size > 0, name
    assert not list(folder.glob(".*tmp*")), "temporary files left behind"


def test_tsv_and_vcf_hold_the_same_candidates(demo_run, truth):
    folder = demo_run / truth["family"]
    candidates = load(demo_run, truth)["candidates"]
    with open(folder / "candidates.tsv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert [key(r) for r in rows] == [key(c) for c in candidates]
    with pysam.VariantFile(str(folder / "candidates.vcf.gz")) as vcf:
        records = {(r.chrom, r.pos, r.ref, r.alts[0]): r.info["RAREVAR_RANK"] for r in vcf}
        first = next(vcf.fetch(truth["chrom"], truth["pos"] - 1, truth["pos"]))  # the index works
    assert records == {key(c): c["rank"] for c in candidates}
    assert first.info["RAREVAR_RANK"] == 1


def test_funnel_accounts_for_each_step(demo_run, truth):
    funnel = load(demo_run, truth)["funnel"]
    counts = [step["variants"] for step in funnel]
    assert funnel[0]["step"] == "input records"
    with pysam.VariantFile(str(DEMO / "trio.vcf.gz")) as vcf:
        assert counts[0] == sum(1 for _ in vcf)
    assert counts[1] >= counts[0]  # splitting multi-allelic records adds records
    assert all(later <= earlier for earlier, later in zip(counts[1:], counts[2:], strict=False))
    assert counts[-1] == len(load(demo_run, truth)["candidates"])


def test_report_records_versions_and_settings(demo_run, truth):
    payload = load(demo_run, truth)
    assert payload["versions"]["rarevar"] and payload["versions"]["hpo_ontology"]
    assert payload["versions"]["resources"]["population"]["sha256"]
    assert payload["settings"]["max_population_af"] == 0.01
    assert {s["role"] for s in payload["samples"]} == {"proband", "mother", "father"}
    assert [t["id"] for t in payload["phenotype"]["observed"]] == truth["hpo"]


class ExternalResources(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href"):
            value = attrs.get(name) or ""
            if value.startswith(("http", "//")) and not (tag == "a" and "noopener" in (attrs.get("rel") or "")):
                self.found.append((tag, value))


def test_report_is_self_contained_and_names_the_top_gene(demo_run, truth):
    html = (demo_run / truth["family"] / "report.html").read_text(encoding="utf-8")
    parser = ExternalResources()
    parser.feed(html)
    assert parser.found == []
    assert truth["gene"] in html


def test_single_family_shortcut_gives_the_same_ranking(demo_run, truth, tmp_path):
    out = tmp_path / "one"
    result = rarevar(
        "run",
        "--vcf",
        str(DEMO / "trio.vcf.gz"),
        "--ped",
        str(DEMO / "demo.ped"),
        "--hpo",
        ";".join(truth["hpo"]),
        "--out",
        str(out),
        "--cores",
        "2",
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert str(out / truth["family"] / "report.html") in result.stdout
    ours = json.loads((out / truth["family"] / "candidates.json").read_text())
    batch = load(demo_run, truth)
    # Same inputs, same outputs: the whole candidate list is identical.
    assert ours["candidates"] == batch["candidates"]
    assert ours["funnel"] == batch["funnel"]


def test_snakemake_lint_is_clean():
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--lint", "--cores", "1"], cwd=REPO, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Congratulations, your workflow is in a good condition!" in result.stdout + result.stderr


def test_input_with_its_own_annotation_is_used_as_is(truth, tmp_path):
    """A VCF annotated upstream (here with bcftools csq's BCSQ) is ranked from its own consequences."""
    annotated = tmp_path / "annotated.bcf"
    step = rarevar(
        "consequence", "--vcf", str(DEMO / "trio.vcf.gz"), "--reference", str(DEMO / "reference.fa"),
        "--genes", str(DEMO / "genes.gff3.gz"), "--source", "bcftools-csq", "--out", str(annotated),
        "--funnel", str(tmp_path / "funnel.json"),
    )  # fmt: skip
    assert step.returncode == 0, step.stderr
    config = write_config(tmp_path, [demo_row(vcf=str(annotated))])
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    payload = json.loads((tmp_path / "results" / truth["family"] / "candidates.json").read_text())
    assert key(payload["candidates"][0]) == key(truth)
    assert "consequences annotated (BCSQ)" in [step["step"] for step in payload["funnel"]]


def test_clinvar_evidence_reaches_the_candidate(demo_run, truth):
    payload = load(demo_run, truth)
    top = payload["candidates"][0]
    assert top["clinvar"] is None  # the cause is novel
    codon = top["clinvar_codon"]["other_change_at_codon"]
    assert [hit["significance"] for hit in codon] == ["Pathogenic"]
    assert any("Another change at this codon" in sentence for sentence in top["why"])


def test_qc_passes_on_the_demo(demo_run, truth):
    qc = load(demo_run, truth)["qc"]
    assert qc["passed"] and qc["failures"] == []
    assert {s: v["inferred_sex"] for s, v in qc["samples"].items()} == {
        "proband": "male", "mother": "female", "father": "male",
    }  # fmt: skip
    assert all(pair["ok"] for pair in qc["relatedness"])


def test_swapped_sample_and_sex_mismatch_are_flagged_and_stop_the_family(truth, tmp_path):
    """Proband and father columns swapped in the VCF, proband coded female in the PED: QC must say so."""
    vcf = tmp_path / "swapped.vcf.gz"
    with pysam.VariantFile(str(DEMO / "trio.vcf.gz")) as source:
        names = {"proband": "father", "father": "proband"}
        header = pysam.VariantHeader()
        for line in str(source.header).splitlines()[1:-1]:
            header.add_line(line)
        for sample in source.header.samples:
            header.add_sample(names.get(sample, sample))
        with pysam.VariantFile(str(vcf), "wz", header=header) as out:
            for record in source:
                new = header.new_record(
                    contig=record.chrom, start=record.start, alleles=record.alleles, info=dict(record.info)
                )
                for index, sample in enumerate(source.header.samples):
                    for key, value in record.samples[sample].items():
                        new.samples[index][key] = value
                    new.samples[index].phased = record.samples[sample].phased
                out.write(new)
    pysam.tabix_index(str(vcf), preset="vcf", force=True)
    ped = tmp_path / "family.ped"
    ped.write_text(
        (DEMO / "demo.ped").read_text().replace("proband\tfather\tmother\t1\t2", "proband\tfather\tmother\t2\t2")
    )
    config = write_config(tmp_path, [demo_row(vcf=str(vcf), ped=str(ped))], qc={"stop_on_failure": True})
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    payload = json.loads((tmp_path / "results" / truth["family"] / "candidates.json").read_text())
    failures = " ".join(payload["qc"]["failures"])
    assert not payload["qc"]["passed"]
    assert "proband" in failures and "sex" in failures.lower()
    assert any(not pair["ok"] for pair in payload["qc"]["relatedness"] if pair["ok"] is not None)
    assert payload["candidates"] == []
    assert payload["funnel"][-1]["step"] == "reported: none, sample QC failed"
    assert payload["not_assessed"][0].startswith("Sample QC failed:")
    html = (tmp_path / "results" / truth["family"] / "report.html").read_text()
    assert "QC failed." in html


def test_yield_per_mode_is_reported(demo_run, truth):
    yields = load(demo_run, truth)["yield"]
    assert yields["de_novo"] == {"candidates": 2, "expected_wgs_trio": 3}  # the cause and the XPC decoy
    assert yields["compound_heterozygous"]["candidates"] == 4  # PEX26 pair and XPC pair
    assert not any("typical genome trio" in w for w in load(demo_run, truth)["qc"]["warnings"])


def test_slurm_profile_plans_grouped_jobs(tmp_path):
    """The SLURM profile parses with the executor plugin and groups each family's later steps."""
    result = subprocess.run(
        [sys.executable, "-m", "snakemake", "--profile", "workflow/profiles/slurm", "--dry-run", "--cores", "1",
         "--config", f"results_dir={tmp_path}"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Group job family_tail" in output
