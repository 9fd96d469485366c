"""FILTER (issue 19, part 1): a call that failed its caller's filter is set aside at its own funnel step, counted
and listed; `filters.allow` lets named filters through; a ClinVar (likely) pathogenic one is flagged in the report,
never silently gone."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import pytest
import yaml
from conftest import DEMO, REPO, copy_demo, demo_row, rarevar, write_config

from rarevar.base.bcftools import bcftools
from rarevar.base.funnel import CARRIED, FILTER_ALLOWED, FILTER_PASS, MAX_LISTED
from rarevar.inputs.filters import check_allowed_declared, failed_alleles, failing_names
from rarevar.inputs.normalize import normalize
from rarevar.report.messages import render
from rarevar.run.shards import gather_funnels

VQSR = "VQSRTrancheSNP99.90to100.00"  # a GATK VQSR tranche filter, as real exomes carry it (FIELD-NOTES.md)
SAMPLES = ["proband", "mother", "father"]


def soft_filtered(out: Path, failing: str, name: str = VQSR) -> Path:
    """The demo trio with FILTER set to `name` on the records `failing` (a bcftools expression) matches, written by
    bcftools itself (`bcftools filter --soft-filter`, which also declares the filter in the header)."""
    bcftools("filter", "--no-version", "-s", name, "-e", failing, "-Oz", "-o", str(out), "--write-index=tbi",
             str(DEMO / "trio.vcf.gz"))  # fmt: skip
    return out


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def resources(tmp_path_factory, truth) -> Path:
    """The demo resources with a ClinVar store that holds the planted causal variant as Pathogenic (the demo's
    store has another allele at that position): built by `rarevar resources build-clinvar`."""
    folder = copy_demo(tmp_path_factory.mktemp("filter_resources"))
    source = folder / "clinvar_source.vcf"
    chrom = truth["chrom"].removeprefix("chr")
    with gzip.open(DEMO / "clinvar_source.vcf.gz", "rt") as handle:
        lines = [line.split("\t") for line in handle]
    [entry] = [fields for fields in lines if fields[0] == chrom and fields[1] == str(truth["pos"])]
    assert "CLNSIG=Pathogenic" in entry[7]
    entry[4] = truth["alt"]
    source.write_text("".join("\t".join(fields) for fields in lines))
    built = rarevar("resources", "build-clinvar", "--vcf", str(source), "--reference", str(folder / "reference.fa"),
                    "--genes", str(folder / "genes.gff3.gz"), "--out", str(folder / "clinvar.bcf"))  # fmt: skip
    assert built.returncode == 0, built.stderr
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["files"]:  # the ClinVar files changed: record their new checksums
        entry["sha256"] = _sha256(folder / entry["name"])
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


def _step(funnel: list[dict], template: str) -> tuple[int, dict]:
    [(index, found)] = [(i, s) for i, s in enumerate(funnel) if s["message"]["id"] == template]
    return index, found


def _where(variant: dict) -> tuple:
    return variant["chrom"], variant["pos"], variant["ref"], variant["alt"]


# --- a real Snakemake run ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run(tmp_path_factory, resources, truth) -> Path:
    """One run of two copies of the demo family, with `filters: {allow: [LowQual]}`:
    DEMO1 with the planted cause and the common decoy in its gene failing VQSR (not allowed),
    DEMO2 with the planted cause failing LowQual (allowed; only DEMO2's VCF declares it)."""
    tmp = tmp_path_factory.mktemp("filter_run")
    decoy = next(d for d in truth["decoys"] if d["kind"] == "common_in_right_gene")
    failed = soft_filtered(tmp / "vqsr.vcf.gz", f"POS={truth['pos']} || POS={decoy['pos']}")
    allowed = soft_filtered(tmp / "lowqual.vcf.gz", f"POS={truth['pos']}", "LowQual")
    ped = tmp / "demo2.ped"
    ped.write_text((DEMO / "demo.ped").read_text().replace("DEMO1", "DEMO2"))
    rows = [demo_row(vcf=str(failed)), demo_row(family_id="DEMO2", vcf=str(allowed), ped=str(ped))]
    shipped = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config = write_config(tmp, rows, resources={**shipped["resources"], "dir": str(resources)},
                          filters={"allow": ["LowQual"]})  # fmt: skip
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return tmp / "results"


def test_a_filter_failed_record_is_not_a_candidate_but_counted_and_listed(run, truth):
    result = json.loads((run / "DEMO1" / "candidates.json").read_text())
    assert _where(truth) not in {_where(c) for c in result["candidates"]}
    funnel = result["funnel"]
    carried_at, carried = _step(funnel, CARRIED)
    filter_at, passed = _step(funnel, FILTER_ALLOWED)
    assert filter_at == carried_at + 1  # right after the carried alleles: the funnel adds up
    assert passed["step"] == ("FILTER PASS, missing or allowed (LowQual) (alleles whose record failed another "
                              "filter set aside, each listed)")  # fmt: skip
    assert passed["set_aside_total"] == 2
    assert passed["variants"] + passed["set_aside_total"] == carried["variants"]
    assert funnel[filter_at + 1]["variants"] <= passed["variants"]
    listed = {(r["chrom"], r["pos"]): r for r in passed["set_aside"]}
    cause = listed[(truth["chrom"], truth["pos"])]
    assert cause["filter"] == [VQSR]
    assert cause["reason"] == f"failed the variant caller's filter: {VQSR}"
    assert cause["clinvar"] == {"significance": "Pathogenic", "id": "800002"}
    decoy = next(d for d in truth["decoys"] if d["kind"] == "common_in_right_gene")
    assert "clinvar" not in listed[(decoy["chrom"], decoy["pos"])]  # Benign in ClinVar: listed, not flagged


def test_the_report_flags_a_clinvar_pathogenic_call_that_failed_filter(run, truth):
    html = (run / "DEMO1" / "report.html").read_text()
    table = html[html.index('id="set-aside"'):]
    table = table[: table.index("</table>")]
    assert "ClinVar pathogenic or likely pathogenic among them: 1." in table
    rows = table.split("<tr>")[2:]  # after the header row
    assert f"{truth['chrom']}:{truth['pos']}<" in rows[0]  # listed first
    assert '<strong class="clinvar-flag">ClinVar: Pathogenic (variation 800002)</strong>' in rows[0]
    assert f"filter: {VQSR}" in rows[0]
    assert sum("clinvar-flag" in row for row in rows) == 1


def test_an_allowed_filter_lets_its_records_through(run, truth):
    result = json.loads((run / "DEMO2" / "candidates.json").read_text())
    assert _where(result["candidates"][0]) == _where(truth)
    _, allowed = _step(result["funnel"], FILTER_ALLOWED)
    assert allowed["set_aside_total"] == 0 and allowed["set_aside"] == []
    said = render(allowed["message"], "zh")
    assert "LowQual" in said and said != allowed["step"]  # the step says which filter, in the report's language too


def test_without_failed_records_the_funnel_is_the_pass_step(demo_run):
    funnel = json.loads((demo_run / "DEMO1" / "candidates.json").read_text())["funnel"]
    _, passed = _step(funnel, FILTER_PASS)
    assert passed["set_aside_total"] == 0
    assert passed["variants"] == _step(funnel, CARRIED)[1]["variants"]


# --- many records failing: the ClinVar one is still listed, also across shards ----------------------------------


def test_a_clinvar_pathogenic_call_is_listed_even_beyond_the_listing_cap(tmp_path, resources, truth):
    decoy = next(d for d in truth["decoys"] if d["kind"] == "common_in_right_gene")
    vcf = soft_filtered(tmp_path / "trio.vcf.gz", f"POS!={decoy['pos']}")  # every record but one fails
    clinvar = str(resources / "clinvar.bcf")
    shards = []
    for index, regions in enumerate(("chr2,chr3,chr17,chr22,chrX", "chr1")):  # the cause's chromosome last
        funnel = tmp_path / f"funnel{index}.json"
        normalize(str(vcf), SAMPLES, str(DEMO / "reference.fa"), str(tmp_path / f"n{index}.bcf"), str(funnel),
                  regions, clinvar=clinvar)  # fmt: skip
        shards.append(funnel)
        _, failed = _step(json.loads(funnel.read_text()), FILTER_PASS)
        assert failed["set_aside_total"] > MAX_LISTED or regions == "chr1"
    gathered = tmp_path / "funnel.json"
    gather_funnels([str(s) for s in shards], str(gathered))
    _, failed = _step(json.loads(gathered.read_text()), FILTER_PASS)
    assert failed["set_aside_total"] > MAX_LISTED
    assert len(failed["set_aside"]) == MAX_LISTED
    assert (failed["set_aside"][0]["chrom"], failed["set_aside"][0]["pos"]) == (truth["chrom"], truth["pos"])
    assert failed["set_aside"][0]["clinvar"]["significance"] == "Pathogenic"


# --- a real GATK/VQSR trio ---------------------------------------------------------------------------------------


def test_a_real_vqsr_trio_lists_exactly_its_failed_calls(shared):
    vcf = str(shared / "unfazed" / "trio_hets_snvs_chr22.vcf.gz")  # CEPH 1463, GATK VQSR, 2 of 82 records failed
    rows, total = failed_alleles(vcf, failing_names(vcf, []), None)
    assert total == 2
    assert [row[:2] for row in rows] == [["22", "18844942"], ["22", "22868776"]]
    assert {row[4] for row in rows} == {VQSR}
    assert failing_names(vcf, [VQSR]) == ["LowQual", "VQSRTrancheINDEL99.00to99.90", "VQSRTrancheINDEL99.90to100.00+",
                                          "VQSRTrancheINDEL99.90to100.00", "VQSRTrancheSNP99.90to100.00+"]
    assert failed_alleles(vcf, failing_names(vcf, [VQSR]), None) == ([], 0)  # '...00+' is another filter


# --- the setting, checked before any job -------------------------------------------------------------------------


def test_an_allowed_filter_no_vcf_declares_is_refused_before_any_job(tmp_path, shared):
    vcf = tmp_path / "trio.vcf.gz"
    soft_filtered(vcf, "POS=35793")
    config = write_config(tmp_path, [demo_row(vcf=str(vcf))], filters={"allow": ["VQSRTrancheSNP99.90to100.0"]})
    result = rarevar("run", "--config", str(config), "--cores", "1")
    assert result.returncode != 0
    assert "filters.allow.0" in result.stderr and f"Did you mean '{VQSR}'?" in result.stderr
    assert not (tmp_path / "results" / "DEMO1").exists()
    real = shared / "unfazed" / "trio_hets_snvs_chr22.vcf.gz"
    check_allowed_declared(["LowQual"], [vcf, real], "config")  # declared by one VCF of the batch: accepted


@pytest.mark.parametrize("name", ["PASS", "Low Qual", 'Low"Qual'])
def test_an_allowed_filter_that_is_not_a_filter_name_is_refused(tmp_path, name):
    config = write_config(tmp_path, [demo_row()], filters={"allow": [name]})
    result = rarevar("validate", "--config", str(config))
    assert result.returncode != 0 and "filters.allow.0" in result.stderr, result.stderr
