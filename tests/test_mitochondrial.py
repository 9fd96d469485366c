"""Mitochondrial calls through the real stages (issue 19, part 6), on a GATK Mutect2 mitochondria-mode trio
(tests/data/mito_trio_mutect2.vcf: every call written 0/1, the level in FORMAT/AF, gnomAD chrM AF_hom/AF_het in
INFO): common mtDNA variants are filtered by the input's frequencies, calls read homoplasmic or heteroplasmic (x%),
an unaffected homoplasmic mother rules the mode out, and a heteroplasmy the father shares is a likely artefact."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pysam
import pytest

from rarevar.annotate.frequency import annotate_and_filter
from rarevar.annotate.input_annotations import read_sources
from rarevar.base.messages import english
from rarevar.evidence.candidates import select_candidates
from rarevar.evidence.rank import rank_candidates
from rarevar.inputs.pedigree import Individual, Pedigree
from rarevar.phenotype.hpo import Phenotype
from rarevar.report.html import _genotypes
from rarevar.report.i18n import Translator
from rarevar.run.stages import add_sources
from tests.conftest import REPO

MUTECT2_TRIO = REPO / "tests" / "data" / "mito_trio_mutect2.vcf"
TRIO = Pedigree("F", [
    Individual("F", "father", None, None, "male", "unaffected"),
    Individual("F", "mother", None, None, "female", "unaffected"),
    Individual("F", "proband", "father", "mother", "male", "affected"),
])  # fmt: skip
SETTINGS = {"keep_impacts": ["HIGH", "MODERATE", "LOW"], "min_gq": 20, "min_dp": 10}
SAMPLES = [{"id": s, "sequenced": True} for s in ("father", "mother", "proband")]
ROLES = {"father": "father", "mother": "mother", "proband": "proband"}


def _split(vcf: Path, out: Path) -> str:
    """bcftools norm -m -any, as the normalize stage splits (in a child process: pysam's bcftools keeps state)."""
    code = ("import sys, pysam.bcftools as b; "
            "b.norm('-m', '-any', '-Ob', '-o', sys.argv[2], '-W', sys.argv[1], catch_stdout=False)")  # fmt: skip
    subprocess.run([sys.executable, "-c", code, str(vcf), str(out)], check=True, capture_output=True)
    return str(out)


def _stages(tmp: Path, vcf: Path) -> dict:
    """frequency (no population store: the input's own fields) -> candidates -> rank."""
    split = _split(vcf, tmp / "split.bcf")
    annotated, rare = str(tmp / "annotated.bcf"), str(tmp / "rare.bcf")
    annotate_and_filter(split, None, 0.01, annotated, rare, str(tmp / "2_frequency.json"))
    out, funnel = tmp / "candidates.parquet", tmp / "4_candidates.json"
    select_candidates(rare, "CSQ", TRIO, "GRCh38", SETTINGS, str(out), str(funnel), str(tmp / "modes.json"))
    table = pd.read_parquet(out)
    add_sources(table, annotated, read_sources(annotated), [])
    ranked = rank_candidates(table, Phenotype(["HP:0001250", "HP:0001251"], []), 0.01)
    with pysam.VariantFile(rare) as handle:
        kept = {record.pos: dict(record.info) for record in handle}
    return {"rare": kept, "table": table.set_index("pos"), "ranked": {c["pos"]: c for c in ranked},
            "order": [c["pos"] for c in ranked], "funnel": json.loads(funnel.read_text())}  # fmt: skip


@pytest.fixture(scope="module")
def mutect2(tmp_path_factory) -> dict:
    return _stages(tmp_path_factory.mktemp("mito"), MUTECT2_TRIO)


def test_common_mtdna_variants_are_filtered_by_gnomad_af_hom_and_af_het(mutect2):
    rare = mutect2["rare"]
    assert 73 not in rare  # haplogroup marker: AF_hom 0.79
    assert 302 not in rare  # a heteroplasmy a fifth of gnomAD carries (AF_het 0.21): counts like AF_hom
    assert rare[8993]["POP_AF"] == pytest.approx(1e-4)  # the larger of AF_hom 0 and AF_het 0.0001
    # neither field has a value: not observed in the fields consulted (both declared, both cover chrM)
    assert "POP_AF" not in rare[3460] and rare[3460]["POP_SOURCE"] == "INFO/AF_hom+INFO/AF_het"
    candidate = mutect2["ranked"][3460]
    assert "Not observed in the input's own population fields (INFO/AF_hom+INFO/AF_het)." in candidate["why"]


def test_maternal_heteroplasmy_fits_and_the_fathers_no_call_plays_no_part(mutect2):
    row = mutect2["table"].loc[8993]
    assert json.loads(row["inheritance"]) == ["mitochondrial"]
    assert json.loads(row["heteroplasmy"]) == {"mother": 0.121, "proband": 0.682}
    assert json.loads(row["unassessable_parents"]) == []  # the father's ./. (bcftools merge): mtDNA is maternal
    assert json.loads(mutect2["table"].loc[14484, "inheritance"]) == ["mitochondrial"]  # mother 40%, child 99.7%


def test_unaffected_homoplasmic_mother_rules_the_mode_out(mutect2):
    assert 11778 in mutect2["rare"] and 11778 not in mutect2["table"].index
    gates, fits = mutect2["funnel"][1], mutect2["funnel"][2]
    assert gates["variants"] - fits["variants"] == 1  # counted at the step 'fits an inheritance mode'


def test_heteroplasmy_shared_with_the_father_is_a_likely_artefact(mutect2):
    """The issue's case: 52% in father, mother and child. Only possible, said why, ranked below the real one."""
    candidate = mutect2["ranked"][9176]
    assert candidate["inheritance"] == [] and candidate["possible_inheritance"] == ["mitochondrial"]
    assert candidate["mitochondrial_doubts"] == [
        {"reason": "paternal_heteroplasmy", "sample": "father", "affected": "proband"},
        {"reason": "unaffected_level", "sample": "mother", "affected": "proband"},
    ]
    why = candidate["why"]
    assert "Inheritance could fit mitochondrial (maternal or de novo), with the doubts below." in why
    assert any(w.startswith("Likely artefact: the father father shows the same heteroplasmy (52%) as proband (52%)")
               for w in why)
    assert not any("missing relatives" in w for w in why)
    order = mutect2["order"]
    assert order.index(8993) < order.index(9176)  # same gene, same phenotype: the maternal one first


def test_unaffected_mother_at_a_higher_level_leaves_the_mode_possible(mutect2):
    candidate = mutect2["ranked"][3460]
    assert candidate["possible_inheritance"] == ["mitochondrial"]
    assert candidate["mitochondrial_doubts"] == [{"reason": "unaffected_level", "sample": "mother",
                                                  "affected": "proband"}]  # fmt: skip
    assert any(w.startswith("The unaffected mother is heteroplasmic at 75%, not below the affected proband (55%)")
               for w in candidate["why"])


@pytest.mark.parametrize("language", ["en", "zh"])
def test_report_says_homoplasmic_or_heteroplasmic_never_copies(mutect2, language):
    t = Translator(language)
    words = {pos: {g["sample"]: g["words"] for g in _genotypes(c, SAMPLES, ROLES, t)}
             for pos, c in mutect2["ranked"].items()}  # fmt: skip
    if language == "en":
        assert words[8993] == {"father": "no call", "mother": "heteroplasmic (12%)", "proband": "heteroplasmic (68%)"}
        assert words[14484]["proband"] == "homoplasmic" and words[14484]["mother"] == "heteroplasmic (40%)"
    else:
        assert words[14484]["proband"] == t("homoplasmic") != "homoplasmic"
        assert words[8993]["proband"] == t("heteroplasmic ({level})", level="68%") != "heteroplasmic (68%)"
        assert all(english(m) != t.message(m, english(m)) for c in mutect2["ranked"].values()
                   for m in c["why_messages"] if "heteroplasm" in english(m))  # fmt: skip
    shown = " ".join(w for calls in words.values() for w in calls.values())
    assert "homozygous" not in shown and "heterozygous" not in shown and "copies" not in shown


def test_mtoolbox_hf_gives_the_level(tmp_path):
    """MToolBox writes the heteroplasmy fraction as FORMAT/HF: read like Mutect2's AF, before AD."""
    text = MUTECT2_TRIO.read_text().replace("ID=AF,Number=A", "ID=HF,Number=A").replace("GT:AD:AF:", "GT:AD:HF:")
    text = text.replace("0/1:305,655:0.682:", "0/1:305,655:0.700:")  # the proband at 8993: HF, not AD's 0.682
    vcf = tmp_path / "mtoolbox.vcf"
    vcf.write_text(text)
    result = _stages(tmp_path, vcf)
    assert json.loads(result["table"].loc[8993, "heteroplasmy"])["proband"] == 0.7
