"""The input's own annotations as evidence: population frequency, ClinVar and scores read from real annotated VCFs
(genmod's, GEMINI's and vcfanno's test files) and from a VEP-layout file (tests/data/vep_gnomad_clinvar.vcf), and a
demo run whose only population frequencies are the input's own."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pysam
import pytest
import yaml

from rarevar.annotate.annotation_profiles import configured_fields
from rarevar.annotate.frequency import annotate_and_filter
from rarevar.annotate.input_annotations import clinvar_significance, extract, present_fields, read_sources
from tests.conftest import DEMO, REPO, demo_row, rarevar, shared_data, write_config

VEP_FILE = REPO / "tests" / "data" / "vep_gnomad_clinvar.vcf"


def _split(vcf: Path, out: Path) -> str:
    """bcftools norm -m -any, as the normalize stage splits (in a child process: pysam's bcftools keeps state)."""
    code = ("import sys, pysam.bcftools as b; "
            "b.norm('-m', '-any', '-Ob', '-o', sys.argv[2], '-W', sys.argv[1], catch_stdout=False)")
    subprocess.run([sys.executable, "-c", code, str(vcf), str(out)], check=True, capture_output=True)
    return str(out)


def _records(path: str) -> dict[tuple, dict]:
    with pysam.VariantFile(path) as vcf:
        return {(r.chrom, r.pos, r.alts[0]): dict(r.info) for r in vcf}


def _extracted(path: Path):
    with pysam.VariantFile(str(path)) as vcf:
        fields = present_fields(vcf.header, configured_fields(None))
    chrom, pos, _, alt, found = extract(str(path), fields, set(), False)
    keys = list(zip(chrom, pos.tolist(), alt.to_pylist(), strict=True))
    return keys, found


@pytest.fixture(scope="module")
def vep_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("vep")
    split = _split(VEP_FILE, tmp / "split.bcf")
    annotate_and_filter(split, None, 0.01, str(tmp / "annotated.bcf"), str(tmp / "rare.bcf"), str(tmp / "f.json"))
    return tmp


def test_vep_frequencies_filter_common_variants_and_the_haplogroup_marker(vep_run):
    rare = _records(str(vep_run / "rare.bcf"))
    assert ("chr1", 94763, "G") not in rare  # gnomAD exomes 0.48
    assert ("chrM", 73, "G") not in rare  # MTAF 0.99
    assert ("chr2", 47403192, "T") not in rare  # this allele's own entry: 0.21
    # the other allele of the split site keeps its own frequency; the deletion's entry is VEP's '-'
    assert rare[("chr2", 47403192, "G")]["POP_AF"] == pytest.approx(2e-5)
    assert rare[("chr7", 117559590, "A")]["POP_AF"] == pytest.approx(0.0071)
    assert rare[("chr7", 117559590, "A")]["POP_AF_GRPMAX"] == pytest.approx(0.0127, rel=1e-4)
    # never seen in gnomAD: kept, not observed, and the fields consulted are named
    tp53 = rare[("chr17", 7674220, "T")]
    assert "POP_AF" not in tp53 and "gnomADe_AF" in tp53["POP_SOURCE"]


def test_vep_clinvar_and_scores(vep_run):
    records = _records(str(vep_run / "annotated.bcf"))
    gba = records[("chr1", 155235252, "G")]
    assert gba["CLINVAR_SIG"] == ("Pathogenic/Likely_pathogenic",)
    assert gba["POP_AF"] == pytest.approx(0.0012)  # the largest of '0.0012&0.00001'
    assert gba["SCORE_REVEL"] == pytest.approx(0.74)
    assert gba["SCORE_SPLICEAI"] == pytest.approx(0.12)  # the largest of the four delta scores
    assert gba["SCORE_ALPHAMISSENSE"] == pytest.approx(0.96)
    assert "revel:CSQ/REVEL" in gba["SCORE_SOURCES"]
    assert records[("chr1", 94763, "G")]["CLINVAR_SIG"] == ("Benign",)
    sources = read_sources(str(vep_run / "annotated.bcf"))
    assert sources["population"]["store"]["state"] == "not_configured"
    assert {"field": "INFO/MTAF", "scope": "mitochondrial", "absent": "not_observed"} in \
        sources["population"]["input_fields"]  # fmt: skip


def test_call_set_af_is_not_a_population_frequency(vep_run):
    # INFO/AF (0.5 on every record) is GATK's own; only a header saying gnomAD makes it a population's
    records = _records(str(vep_run / "annotated.bcf"))
    assert "POP_AF" not in records[("chr17", 7674220, "T")]


def test_genmod_1000g_frequency_and_nuclear_scope():
    """genmod's annotated fixture (MIP's INFO names): 1000GAF is Number=A; its MT record is outside 1000 Genomes'
    nuclear scope, so it is not covered (not assessed), never 'not observed'."""
    keys, found = _extracted(shared_data() / "genmod" / "fixtures__test_vcf_annotated.vcf")
    by_key = dict(zip(keys, range(len(keys)), strict=True))
    common = [k for k in keys if found.columns["POP_AF"][by_key[k]] > 0.5]
    assert common and all(found.sources["POP_SOURCE"][by_key[k]] == "INFO/1000GAF" for k in common)
    mito = [k for k in keys if k[0] == "MT"]
    assert mito and all(found.sources["POP_SOURCE"][by_key[k]] == "" for k in mito)
    assert all(np.isnan(found.columns["POP_AF"][by_key[k]]) for k in mito)


def test_gemini_numeric_clinvar_codes():
    keys, found = _extracted(shared_data() / "gemini" / "test.clinvar.vcf")
    significance = dict(zip([k[1] for k in keys], found.columns["CLINVAR_SIG"], strict=True))
    assert significance[985955] == "Pathogenic"  # CLNSIG=5
    assert significance[1199489] == "not_provided"  # CLNSIG=1
    assert "Benign" in significance.values()  # CLNSIG=2
    assert set(found.sources["CLINVAR_SOURCE"]) == {"INFO/CLNSIG"}


def test_vcfanno_exac_old_vep_allele_frequencies():
    """vcfanno's ExAC subset carries an older VEP's GMAF as 'allele:frequency': taken only for the record's allele."""
    keys, found = _extracted(shared_data() / "vcfanno" / "exac.vcf.gz")
    observed = {k: found.columns["POP_AF"][i] for i, k in enumerate(keys) if not np.isnan(found.columns["POP_AF"][i])}
    assert observed and all(0 < v < 1 for v in observed.values())
    assert all(found.sources["POP_SOURCE"][i].startswith("CSQ/GMAF") for i in range(len(keys)))


@pytest.mark.parametrize("text, expected", [
    ("5", "Pathogenic"), ("2", "Benign"), ("4|5", "Pathogenic/Likely_pathogenic"), ("2|3", "Benign/Likely_benign"),
    ("5|2", "Conflicting_classifications_of_pathogenicity"), ("likely_benign&benign", "Benign/Likely_benign"),
    ("Pathogenic/Likely_pathogenic", "Pathogenic/Likely_pathogenic"),
    ("uncertain_significance", "Uncertain_significance"),
    ("conflicting_interpretations_of_pathogenicity", "Conflicting_classifications_of_pathogenicity"),
])  # fmt: skip
def test_clinvar_significance_words_and_codes(text, expected):
    assert clinvar_significance(text) == expected


def _pipeline_trio(tmp: Path) -> Path:
    """The demo trio as a clinical pipeline hands it over: the population's AF copied into INFO/GNOMADAF (MIP's
    name), with no population store configured."""
    out = tmp / "trio.gnomadaf.vcf.gz"
    code = ("import sys, pysam.bcftools as b; b.annotate('-a', sys.argv[1], '-c', 'INFO/GNOMADAF:=INFO/AF', "
            "'-Oz', '-o', sys.argv[2], '-W=tbi', sys.argv[3], catch_stdout=False)")  # fmt: skip
    subprocess.run([sys.executable, "-c", code, str(DEMO / "population.vcf.gz"), str(out), str(DEMO / "trio.vcf.gz")],
                   check=True, capture_output=True)  # fmt: skip
    return out


@pytest.fixture(scope="module")
def input_frequency_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("input_af")
    config = write_config(tmp, [demo_row(vcf=str(_pipeline_trio(tmp)))])
    settings = yaml.safe_load(config.read_text())
    del settings["resources"]["population"]
    config.write_text(yaml.safe_dump(settings))
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return json.loads((tmp / "results" / "DEMO1" / "candidates.json").read_text())


def test_the_inputs_own_frequency_filters_the_common_decoy(input_frequency_run, truth):
    common = [d for d in truth["decoys"] if d["kind"] == "common_in_right_gene"]
    assert common
    shown = {(c["chrom"], c["pos"], c["alt"]) for c in input_frequency_run["candidates"]}
    for decoy in common:
        assert (decoy["chrom"], decoy["pos"], decoy["alt"]) not in shown
    top = input_frequency_run["candidates"][0]
    assert (top["chrom"], top["pos"]) == (truth["chrom"], truth["pos"])


def test_each_candidate_says_the_input_gave_its_frequency(input_frequency_run):
    assert input_frequency_run["versions"]["annotation_sources"]["population"]["input_fields"][0]["field"] == \
        "INFO/GNOMADAF"  # fmt: skip
    for c in input_frequency_run["candidates"]:
        assert c["population_source"] == {"kind": "input", "name": "INFO/GNOMADAF"}
        if c["population_af"] is None:
            assert "Not observed in the input's own population fields (INFO/GNOMADAF)." in c["why"]
        pm2 = [x for x in c["acmg"]["criteria"] if x["code"] == "PM2"]
        assert all("INFO/GNOMADAF" in x["evidence"] or "Population" in x["evidence"] for x in pm2)
