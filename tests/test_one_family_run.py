"""One-family runs on an annotated VCF without local resources (issue 19, part 4): `rarevar run --vcf --ped --hpo
--build` with no reference FASTA, gene models or population store, on genmod's real VEP-annotated GRCh37 trio and on
the VEP-layout GRCh38 file of tests/data; the build detected from the VCF's header and a mismatch named; relative
paths of a --base-config taken from its folder; normalisation that splits without a reference."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pysam
import pytest
import yaml

from rarevar.run.without_resources import NO_GENE_MODELS, NO_REFERENCE
from tests.conftest import REPO, rarevar, shared_data

VEP_FILE = REPO / "tests" / "data" / "vep_gnomad_clinvar.vcf"
HPO = "HP:0001250;HP:0001263"


def _declare_aa(source: Path, out: Path) -> Path:
    """genmod's small_vep.vcf writes INFO/AA without declaring it, which the input checks refuse ("Declare it with a
    ##INFO=<ID=AA,...> header line"): done here as the message says, the records unchanged."""
    header = out.with_suffix(".hdr")
    header.write_text('##INFO=<ID=AA,Number=1,Type=String,Description="Ancestral allele">\n')
    code = ("import sys, pysam.bcftools as b; "
            "b.annotate('-h', sys.argv[1], '-o', sys.argv[3], sys.argv[2], catch_stdout=False)")
    subprocess.run([sys.executable, "-c", code, str(header), str(source), str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="module")
def vep_trio(tmp_path_factory):
    """genmod's VEP-annotated GRCh37 trio run with only --vcf --ped --hpo --build."""
    tmp = tmp_path_factory.mktemp("vep_trio")
    genmod = shared_data() / "genmod"
    vcf = _declare_aa(genmod / "small_vep.vcf", tmp / "small_vep.vcf")
    out = tmp / "out"
    result = rarevar("run", "--vcf", str(vcf), "--ped", str(genmod / "recessive_trio.ped"), "--hpo", HPO,
                     "--build", "GRCh37", "--out", str(out), "--cores", "2")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result, out / "1"


def test_annotated_trio_runs_without_local_resources(vep_trio):
    result, family = vep_trio
    assert "genome build GRCh37 (--build, as the VCF says (##contig 1 is 249,250,621 bp))" in result.stdout
    payload = json.loads((family / "candidates.json").read_text())
    assert payload["settings"]["genome_build"] == "GRCh37"
    assert payload["versions"]["resources"] == {}  # no reference, gene models or store was read
    genes = {c["gene"] for c in payload["candidates"]}
    assert {"ACOT11", "FLG"} <= genes  # the proband's hom-alt ACOT11 and de novo FLG missense
    acot11 = next(c for c in payload["candidates"] if c["gene"] == "ACOT11")
    assert acot11["hgvs_c"] == "c.1511A>G"  # from the VEP annotation: no gene models
    ids = [note["id"] for note in payload["not_assessed_messages"]]
    assert NO_REFERENCE in ids and NO_GENE_MODELS in ids
    html = (family / "report.html").read_text(encoding="utf-8")
    assert "indels were not left-aligned and REF was not checked" in html
    assert (family / "report.pdf").stat().st_size > 0


def test_no_candidate_is_common_by_the_inputs_own_frequencies(tmp_path):
    """The VEP-layout GRCh38 file: its gnomAD 0.48 missense, the other allele of a split site at 0.21 and a chrM
    haplogroup marker at MTAF 0.99 are no candidates; every candidate's input frequency is at most the threshold.
    Run through a --base-config in another folder whose resources.dir is relative to it (the translated HPO labels)."""
    (tmp_path / "proband.ped").write_text("F1\tproband\t0\t0\t1\t2\n")
    folder = tmp_path / "settings"
    (folder / "res").mkdir(parents=True)
    shutil.copy(REPO / "tests" / "data" / "hpo_labels_zh.babelon.tsv", folder / "res" / "hp-zh.babelon.tsv")
    base = {"genome_build": "GRCh38", "resources": {"dir": "res", "hpo_labels": "hp-zh.babelon.tsv"},
            "report": {"pdf": False, "language": "zh"}, "thresholds": {"max_population_af": 0.01}}  # fmt: skip
    (folder / "base.yaml").write_text(yaml.safe_dump(base))
    out = tmp_path / "out"
    result = rarevar("run", "--vcf", str(VEP_FILE), "--ped", str(tmp_path / "proband.ped"), "--hpo", "HP:0001639",
                     "--base-config", str(folder / "base.yaml"), "--out", str(out), "--cores", "2")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "genome build GRCh38" in result.stdout
    written = yaml.safe_load((out / ".rarevar" / "config.yaml").read_text())
    assert written["resources"]["dir"] == str(folder / "res")
    payload = json.loads((out / "F1" / "candidates.json").read_text())
    keys = {(c["chrom"], c["pos"], c["alt"]) for c in payload["candidates"]}
    assert keys and not keys & {("chr1", 94763, "G"), ("chrM", 73, "G"), ("chr2", 47403192, "T")}
    with pysam.VariantFile(str(out / "F1" / "work" / "population.bcf")) as annotated:
        # above the threshold by the input's own frequencies, and not kept as ClinVar (likely) pathogenic
        common = {(r.chrom, r.pos, r.alts[0]) for r in annotated
                  if max(r.info.get("POP_AF", 0), r.info.get("POP_AF_GRPMAX", 0)) > 0.01
                  and not any("athogenic" in s for s in r.info.get("CLINVAR_SIG", ()))}  # fmt: skip
    assert ("chr1", 94763, "G") in common and not keys & common
    assert "肥厚型心肌病" in (out / "F1" / "report.html").read_text(encoding="utf-8")  # the label file was read


def test_a_build_mismatch_names_both_builds_and_writes_nothing(tmp_path):
    genmod = shared_data() / "genmod"
    vcf = _declare_aa(genmod / "small_vep.vcf", tmp_path / "small_vep.vcf")
    for build in ("GRCh38", "demo"):
        out = tmp_path / f"out_{build}"
        result = rarevar("run", "--vcf", str(vcf), "--ped", str(genmod / "recessive_trio.ped"), "--hpo", HPO,
                         "--build", build, "--out", str(out))  # fmt: skip
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert f"the VCF is GRCh37 (##contig 1 is 249,250,621 bp) but the run's genome build is {build}" in \
            result.stderr  # fmt: skip
        assert "Rename the contigs" not in result.stderr and not out.exists()


def test_a_vcf_naming_no_build_or_without_consequences_is_refused(tmp_path):
    """bcftools' mendelian test trio: ##contig lines without lengths, no ##reference, no consequences."""
    ped = tmp_path / "trio.ped"
    ped.write_text("T\tchild1\tdad1\tmom1\t1\t2\nT\tdad1\t0\t0\t1\t1\nT\tmom1\t0\t0\t2\t1\n")
    args = ["run", "--vcf", str(shared_data() / "bcftools-mendelian" / "mendelian.vcf"), "--ped", str(ped),
            "--hpo", HPO]  # fmt: skip
    result = rarevar(*args, "--out", str(tmp_path / "a"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "names no genome build" in result.stderr and "Give --build GRCh37 or --build GRCh38" in result.stderr
    result = rarevar(*args, "--build", "GRCh37", "--out", str(tmp_path / "b"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
    assert "carries no consequences" in result.stderr and "no gene models are configured" in result.stderr


def test_gemini_hg19_contigs_are_detected_as_grch37():
    from rarevar.inputs.vcf_build import detect_build

    detected = detect_build(shared_data() / "gemini" / "test.x-linked.vcf")
    assert detected.build == "GRCh37" and "chr1" in detected.evidence


def test_base_config_paths_are_relative_to_it(tmp_path):
    """A missing resource named relative to a --base-config is looked for beside that config, not in the repo."""
    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "base.yaml").write_text(yaml.safe_dump({"genome_build": "GRCh38",
                                                      "resources": {"dir": "refs", "reference": "genome.fa"}}))
    (tmp_path / "proband.ped").write_text("F1\tproband\t0\t0\t1\t2\n")
    result = rarevar("run", "--vcf", str(VEP_FILE), "--ped", str(tmp_path / "proband.ped"), "--hpo", HPO,
                     "--base-config", str(folder / "base.yaml"), "--out", str(tmp_path / "out"))  # fmt: skip
    assert result.returncode == 2
    assert result.stderr.startswith(f"rarevar: error: {folder / 'refs' / 'genome.fa'}: the reference resource does "
                                    "not exist"), result.stderr  # fmt: skip


def test_normalize_without_a_reference_splits_only(tmp_path):
    out, funnel = tmp_path / "normalized.bcf", tmp_path / "funnel.json"
    result = rarevar("normalize", "--vcf", str(VEP_FILE), "--samples", "proband", "--out", str(out),
                     "--funnel", str(funnel))  # fmt: skip
    assert result.returncode == 0, result.stderr
    with pysam.VariantFile(str(out)) as vcf:
        records = {(r.chrom, r.pos, r.ref, r.alts[0]): r.samples["proband"]["GT"] for r in vcf}
    # the 1/2 call: each split record carries this allele and another one ('.'), never a reference copy
    assert records[("chr2", 47403192, "C", "T")] == (1, None)
    assert records[("chr2", 47403192, "C", "G")] == (None, 1)
    assert ("chr7", 117559590, "ATCT", "A") in records  # written as it came: nothing to left-align against
    steps = {s["step"]: s["variants"] for s in json.loads(funnel.read_text())}
    assert steps["input records"] == 7 and steps["after splitting multi-allelics"] == 8


@pytest.mark.parametrize(("settings", "said"), [
    ({"resources": {"genes": "genes.gff3.gz"}}, "'resources.genes' needs 'resources.reference'"),
    ({"consequence": {"source": "bcftools-csq"}}, "no gene models (resources.genes) are configured"),
    ({"shards": 4}, "no reference FASTA (resources.reference) is configured"),
])  # fmt: skip
def test_a_resource_another_needs_is_refused_before_any_job(settings, said):
    from rarevar.errors import InputError
    from rarevar.inputs.config import validate_config

    with pytest.raises(InputError, match=re.escape(said)):
        validate_config({"families": "families.tsv", "genome_build": "GRCh38", **settings})
