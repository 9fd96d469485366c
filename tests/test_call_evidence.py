"""Genotype gates with allele balance, per mode, and the evidence behind each call in candidates.parquet:
phase evidence, how many parents were assessable, and de novo confidence."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from rarevar.evidence.candidates import select_candidates
from rarevar.family import gates
from rarevar.family.call_evidence import de_novo_confidence
from rarevar.family.inheritance import family_from_pedigree
from rarevar.inputs.pedigree import Individual, Pedigree

SAMPLES = ["dad", "mom", "kid"]
TRIO = Pedigree(
    "F",
    [
        Individual("F", "dad", None, None, "male", "unaffected"),
        Individual("F", "mom", None, None, "female", "unaffected"),
        Individual("F", "kid", "dad", "mom", "male", "affected"),
    ],
)
SETTINGS = {"keep_impacts": ["HIGH", "MODERATE", "LOW"], "min_gq": 20, "min_dp": 10}
HEADER = """##fileformat=VCFv4.2
##contig=<ID=1,length=249250621>
##contig=<ID=MT,length=16569>
##INFO=<ID=BCSQ,Number=.,Type=String,Description="Local consequence annotation from BCFtools/csq">
##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">
##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">
##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">
##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">
##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">
##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">
##FORMAT=<ID=HP,Number=.,Type=String,Description="Read-backed phasing haplotype identifiers">
#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tdad\tmom\tkid
"""


def call(gt: str, ref: int, alt: int, gq: int = 60, ps: str = ".") -> str:
    return f"{gt}:{ref},{alt}:{ref + alt}:{gq}:{ps}"


def vcf_line(pos: int, gene: str, calls: list[str], chrom: str = "1") -> str:
    info = f"BCSQ=missense|{gene}|ENST{gene}|protein_coding|+|{pos}A>{pos}T"
    return "\t".join([chrom, str(pos), ".", "A", "T", "50", "PASS", info, "GT:AD:DP:GQ:PS", *calls])


def candidates(tmp_path, lines, settings=SETTINGS, pedigree=TRIO):
    vcf = tmp_path / "family.vcf"
    vcf.write_text(HEADER + "\n".join(lines) + "\n")
    out, funnel, modes = tmp_path / "c.parquet", tmp_path / "funnel.json", tmp_path / "modes.json"
    select_candidates(str(vcf), "BCSQ", pedigree, "GRCh37", settings, str(out), str(funnel), str(modes))
    table = pd.read_parquet(out).set_index("pos")
    return table, json.loads(modes.read_text()), json.loads(funnel.read_text())


def test_allele_balance_gates_a_call_like_slivar_hq():
    # one record, three calls: het, hom-alt, hom-ref, each with an allele balance
    gt = np.array([[1, 2, 0], [1, 2, 0], [1, 2, 0]], dtype=np.int8)
    ref = np.array([[15, 1, 30], [19, 2, 26], [np.nan] * 3])
    alt = np.array([[15, 29, 0], [1, 18, 4], [np.nan] * 3])
    quality = gates.GenotypeQuality(np.full(gt.shape, 60.0), np.full(gt.shape, 30.0), ref, alt)
    gate = gates.mode_gates(SETTINGS)["default"]
    assert gates.passes(gt, quality, gate).tolist() == [
        [True, True, True],  # AB 0.5, 0.97, 0
        [False, True, False],  # het AB 0.05 fails; hom-alt 0.9 passes; hom-ref 0.13 fails
        [True, True, True],  # no AD: not gated on allele balance
    ]


def test_mode_gates_default_from_thresholds_and_per_mode_overrides():
    settings = {**SETTINGS, "min_gq": 30, "genotype_gates": {"modes": {"de_novo": {"min_dp": 20}}}}
    by_mode = gates.mode_gates(settings)
    assert by_mode["default"] == {**gates.DEFAULT_GATE, "min_gq": 30}
    assert by_mode["de_novo"]["min_dp"] == 20 and by_mode["de_novo"]["min_gq"] == 30
    assert by_mode["autosomal_recessive"] == by_mode["default"]
    assert len(gates.distinct(by_mode)) == 3  # shared, de novo, and mtDNA (heteroplasmy: no het balance)
    assert by_mode["mitochondrial"]["het_ab"] == [0.0, 1.0] and by_mode["mitochondrial"]["min_gq"] == 30


def test_low_allele_balance_het_parent_call_is_a_no_call(tmp_path):
    """The mother's 0/1 rests on 2 of 40 reads: not trusted, so she is not assessable at that record."""
    lines = [vcf_line(1000, "G1", [call("0/0", 30, 0), call("0/1", 38, 2), call("0/1", 15, 15)])]
    table, _, _ = candidates(tmp_path, lines)
    row = table.loc[1000]
    assert json.loads(row["unassessable_parents"]) == ["mom"]
    assert row["parents_genotyped"] == "one"
    assert json.loads(row["possible_inheritance"]) == ["de_novo"] and json.loads(row["inheritance"]) == []
    assert row["de_novo_confidence"] == "low"  # the mother shows alt reads


def test_de_novo_confidence_levels(tmp_path):
    lines = [
        vcf_line(1000, "G1", [call("0/0", 30, 0), call("0/0", 25, 0), call("0/1", 15, 14)]),  # clean
        vcf_line(2000, "G2", [call("0/0", 30, 0), call("0/0", 12, 0, gq=15), call("0/1", 15, 14)]),  # GQ 15
        vcf_line(3000, "G3", [call("0/0", 29, 1), call("0/0", 25, 1), call("0/1", 15, 14)]),  # an alt read each
        vcf_line(4000, "G4", [call("0/0", 30, 0), call("0/0", 25, 0), call("0/1", 22, 8)]),  # AB 0.27
        vcf_line(5000, "G5", [call("0/0", 36, 1), call("0/0", 34, 0), call("0/1", 16, 20)]),  # one stray alt read
        vcf_line(6000, "G6", [call("0/0", 10, 1), call("0/0", 34, 0), call("0/1", 16, 20)]),  # 1 of 11 reads: 9%
    ]
    settings = {**SETTINGS, "genotype_gates": {"modes": {"de_novo": {"min_gq": 10}}}}
    table, _, _ = candidates(tmp_path, lines, settings)
    confidence = table["de_novo_confidence"].to_dict()
    assert confidence == {1000: "high", 2000: "medium", 3000: "low", 4000: "high", 5000: "high", 6000: "low"}
    # the mother's GQ 15 call passes the de novo gate (GQ >= 10) but not the shared one (GQ >= 20)
    genotyped = table["parents_genotyped"].to_dict()
    assert genotyped == {1000: "both", 2000: "one", 3000: "both", 4000: "both", 5000: "both", 6000: "both"}
    assert json.loads(table.loc[2000, "unassessable_parents"]) == ["mom"]
    assert json.loads(table.loc[2000, "inheritance"]) == ["de_novo"]
    assert (table["phase_evidence"] == "").all()


def test_de_novo_confidence_child_allele_balance():
    family = family_from_pedigree(TRIO, SAMPLES, np.array([[0, 0, 1], [0, 0, 1]], dtype=np.int8))
    shape = (2, 3)
    quality = gates.GenotypeQuality(
        np.full(shape, 60.0), np.full(shape, 30.0), np.array([[30, 30, 27], [30, 30, 15]]) * 1.0,
        np.array([[0, 0, 3], [0, 0, 15]]) * 1.0,
    )  # fmt: skip
    levels = de_novo_confidence(family, {s: i for i, s in enumerate(SAMPLES)}, quality, np.array([True, True]))
    assert levels.tolist() == ["low", "high"]  # 3 of 30 reads (AB 0.1) looks like noise or mosaicism


def test_per_mode_gate_makes_de_novo_stricter(tmp_path):
    """With DP >= 40 for de novo only, a parent at depth 25 is not assessable for de novo (possible),
    while the shared gate still accepts the record for the other modes."""
    lines = [vcf_line(1000, "G1", [call("0/0", 30, 0), call("0/0", 25, 0), call("0/1", 25, 25)])]
    strict = {**SETTINGS, "genotype_gates": {"modes": {"de_novo": {"min_dp": 40}}}}
    table, _, funnel = candidates(tmp_path, lines, strict)
    assert json.loads(table.loc[1000, "possible_inheritance"]) == ["de_novo"]
    assert "own gates for de_novo" in funnel[1]["step"]
    table, _, _ = candidates(tmp_path, lines)
    assert json.loads(table.loc[1000, "inheritance"]) == ["de_novo"]


def test_compound_het_phase_evidence_in_the_table(tmp_path):
    """A singleton with two hets phased in trans by reads: a confirmed compound het, evidence 'reads'."""
    alone = Pedigree("F", [Individual("F", "kid", None, None, "male", "affected")])
    lines = [
        vcf_line(1000, "G1", [call("0/0", 30, 0), call("0/0", 30, 0), call("1|0", 15, 15, ps="900")]),
        vcf_line(1500, "G1", [call("0/0", 30, 0), call("0/0", 30, 0), call("0|1", 15, 15, ps="900")]),
    ]
    table, _, _ = candidates(tmp_path, lines, pedigree=alone)
    assert table["phase_evidence"].tolist() == ["reads", "reads"]
    assert json.loads(table.loc[1000, "inheritance"]) == ["autosomal_dominant", "compound_heterozygous"]
    assert table["parents_genotyped"].tolist() == ["none", "none"]


def test_gatk_read_backed_phasing_hp_tags(tmp_path):
    """GATK ReadBackedPhasing writes unphased GTs with HP: '24-1,24-2' = ref on haplotype 1, alt on 2."""
    alone = Pedigree("F", [Individual("F", "kid", None, None, "male", "affected")])

    def hp_line(pos, gene, hp):
        line = vcf_line(pos, gene, [call("0/0", 30, 0), call("0/0", 30, 0), call("0/1", 15, 15, ps=hp)])
        return line.replace("GT:AD:DP:GQ:PS", "GT:AD:DP:GQ:HP")

    lines = [hp_line(1000, "G1", "24-1,24-2"), hp_line(1200, "G1", "24-2,24-1")]  # trans
    lines += [hp_line(2000, "G2", "50-1,50-2"), hp_line(2200, "G2", "50-1,50-2")]  # cis
    table, _, _ = candidates(tmp_path, lines, pedigree=alone)
    assert table["phase_evidence"].to_dict() == {1000: "reads", 1200: "reads", 2000: "", 2200: ""}
    assert json.loads(table.loc[1000, "partners"]) == ["1:1200:A:T"]
    assert json.loads(table.loc[2000, "inheritance"]) == ["autosomal_dominant"]  # no compound het in cis


def test_no_allele_depths_means_no_allele_balance_gate(tmp_path):
    lines = [vcf_line(1000, "G1", [call("0/0", 30, 0), call("0/0", 25, 0), call("0/1", 15, 14)])]
    for depths in ("GT:AD:", ":30,0:", ":25,0:", ":15,14:"):
        lines = [line.replace(depths, "GT:" if depths == "GT:AD:" else ":") for line in lines]
    table, modes, _ = candidates(tmp_path, lines)
    assert "gate_AB" in modes["not_testable"]
    assert table.loc[1000, "de_novo_confidence"] == "medium"  # no alt-read counts to check the parents


@pytest.mark.parametrize("gate", [{"het_ab": [0.3, 0.7]}, {"hom_ref_max_ab": 0.02}])
def test_configured_default_gate_applies_to_every_mode(gate):
    by_mode = gates.mode_gates({**SETTINGS, "genotype_gates": gate})
    ((name, value),) = gate.items()
    assert all(g[name] == value for mode, g in by_mode.items() if mode != "mitochondrial" or name == "hom_ref_max_ab")


def test_ranking_explains_the_evidence(tmp_path):
    """candidates.json carries the evidence columns and says them in plain words."""
    from rarevar.evidence.rank import rank_candidates
    from rarevar.phenotype.hpo import Phenotype

    lines = [
        vcf_line(1000, "G1", [call("0/0", 30, 0), call("0/0", 25, 0), call("0/1", 15, 14)]),
        vcf_line(2000, "G2", [call("./.", 0, 0), call("0/0", 25, 0), call("0/1", 15, 14)]),
    ]
    table, _, _ = candidates(tmp_path, lines)
    ranked = {c["pos"]: c for c in rank_candidates(table.reset_index(), Phenotype(), 0.01)}
    assert ranked[1000]["de_novo_confidence"] == "high" and ranked[1000]["parents_genotyped"] == "both"
    assert any(w.startswith("De novo call confidence high") for w in ranked[1000]["why"])
    assert ranked[2000]["unassessable_parents"] == ["dad"] and ranked[2000]["parents_genotyped"] == "one"
    assert any("Parent not assessable here (dad" in w for w in ranked[2000]["why"])
    assert ranked[2000]["possible_inheritance"] == ["de_novo"]


def test_mitochondrial_candidate_with_heteroplasmy(tmp_path):
    """A 10% heteroplasmic mother and an 80% son: maternal mtDNA inheritance, levels shown. The mother's
    call (2 of 20 reads) would fail the nuclear het balance gate; on mtDNA any level is a real call."""
    calls = [
        [call("0/0", 30, 0) + ":.", call("0/1", 18, 2) + ":0.12", call("0/1", 6, 24) + ":."],
        [call("0/1", 20, 20) + ":.", call("0/0", 40, 0) + ":.", call("0/0", 40, 0) + ":."],
    ]
    lines = [
        vcf_line(pos, "MT-TL1", row, chrom="MT").replace("GT:AD:DP:GQ:PS", "GT:AD:DP:GQ:PS:AF")
        for pos, row in zip((3243, 3300), calls, strict=True)
    ]
    table, modes, funnel = candidates(tmp_path, lines)
    assert list(table.index) == [3243]  # 3300: only the father carries it
    row = table.loc[3243]
    assert json.loads(row["inheritance"]) == ["mitochondrial"]
    # mother: FORMAT/AF 0.12 wins over her AD (2 of 20); father and son from AD
    assert json.loads(row["heteroplasmy"]) == {"dad": 0.0, "mom": 0.12, "kid": 0.8}
    assert "mitochondrial" not in modes["not_testable"]
    assert funnel[1]["variants"] == 1
