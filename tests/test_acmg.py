"""ACMG/AMP evidence (evidence.acmg): each automated criterion with a real variant (or a ClinVar-style record) that
triggers it and one that must not, the two combining schemes, and the demo's planted de novo through a real run.

Real data: ExAC r0.3 sites with VEP CSQ (frequencies, homozygote counts, exon numbers, HGVS), the Ensembl 84 chr21
gene models (APP, 18 exons, minus strand), the demo genome and its ClinVar codon table, and the demo's own run.
"""

from __future__ import annotations

import json
import re
from functools import cache

import cyvcf2
import pandas as pd
import pysam
import pytest

from rarevar.annotate.clinvar import codon_evidence, read_codon_table
from rarevar.annotate.consequence import display_consequence, parse_vep, vep_fields
from rarevar.annotate.hgvs import TranscriptModels
from rarevar.evidence.acmg import AcmgContext, assess, exons, parentage_from_qc, summary_sentence
from rarevar.evidence.acmg.combine import classify_2015, classify_points, total_points
from rarevar.evidence.acmg.model import Criterion, default_strength
from rarevar.evidence.acmg.repeats import tandem_repeat
from rarevar.evidence.candidates import select_candidates
from rarevar.evidence.rank import _codon_hits_dict, rank_candidates
from rarevar.inputs.pedigree import family_for
from rarevar.phenotype.hpo import read_phenotype
from tests.conftest import DEMO, shared_data
from tests.test_transcript_choice import APP_MANE, BCSQ_HEADER, SETTINGS, trio_vcf

EXAC = shared_data() / "vcfanno" / "exac.vcf.gz"
CHR21_GFF = shared_data() / "ensembl-vep" / "test.gff.gz"
CONFIRMED = AcmgContext(True, "parentage confirmed by relatedness and Mendelian-error QC")


# --------------------------------------------------------------------------------------------- helpers


@cache
def exac_records() -> dict[tuple[int, str], dict]:
    """ExAC records as candidates.json describes a candidate: (pos, alt) -> the fields ACMG reads."""
    vcf = cyvcf2.VCF(str(EXAC))
    fields = vep_fields(vcf.get_header_type("CSQ")["Description"])
    out = {}
    for record in vcf:
        for index, alt in enumerate(record.ALT):
            shown, _ = display_consequence(parse_vep(record.INFO["CSQ"].split(","), fields, record.REF, alt))
            if shown is None:
                continue
            af, hom = record.INFO.get("AF"), record.INFO.get("AC_Hom")
            out[(record.POS, alt)] = {
                "gene": shown.gene, "chrom": record.CHROM, "pos": record.POS, "ref": record.REF, "alt": alt,
                "consequence": "&".join(shown.terms), "transcript": shown.transcript, "hgvs_c": shown.hgvs_c,
                "hgvs_p": shown.hgvs_p, "exon_context": exons.from_annotation(shown.exon, shown.intron),
                "population_af": af[index] if isinstance(af, tuple) else af, "population_af_grpmax": None,
                "population_homozygotes": hom[index] if isinstance(hom, tuple) else hom,
                "inheritance": ["autosomal_dominant"], "possible_inheritance": [], "computational_evidence": [],
                "scores": {}, "constraint": None, "clinvar_codon": {}, "phenotype_score": 0.5,
            }  # fmt: skip
    return out


def exac(pos: int, alt: str, **changes) -> dict:
    return {**exac_records()[(pos, alt)], **changes}


def codes(result: dict) -> dict[str, str]:
    """Met criteria: code -> label (PM2 -> PM2_Supporting)."""
    return {item["code"]: item["label"] for item in result["criteria"]}


def reviewed(result: dict) -> set[str]:
    return {item["code"] for item in result["for_review"]}


@cache
def app() -> TranscriptModels:
    return TranscriptModels.from_gff(str(CHR21_GFF))


def app_position(tx_pos: int) -> int:
    """Genomic position of transcript base `tx_pos` of APP-770 (minus strand)."""
    tx = app().transcripts[APP_MANE]
    for start, end in reversed(tx.exons):
        if tx_pos <= end - start + 1:
            return end - tx_pos + 1
        tx_pos -= end - start + 1
    raise ValueError("beyond the transcript")


def app_stop(tx_pos: int, **changes) -> dict:
    """A nonsense candidate at transcript base `tx_pos` of APP-770, its exon facts from the real gene models."""
    tx = app().transcripts[APP_MANE]
    context = exons.from_models(tx, app_position(tx_pos))
    codon = (tx_pos - tx.cds[0]) // 3 + 1
    base = {"gene": "APP", "consequence": "stop_gained", "hgvs_p": f"p.Gln{codon}Ter", "exon_context": context,
            "inheritance": ["de_novo"], "constraint": {"pli": 1.0, "loeuf": 0.31, "lof_intolerant": True}}
    return {**base, **changes}


# --------------------------------------------------------------------------------------------- combining


def met(*labels: str) -> list[Criterion]:
    out = []
    for label in labels:
        code, _, suffix = label.partition("_")
        strength = {"": None, "Supporting": "supporting", "Moderate": "moderate", "Strong": "strong",
                    "VeryStrong": "very_strong"}[suffix]  # fmt: skip
        out.append(Criterion(code, strength or default_strength(code), True, "test"))
    return out


@pytest.mark.parametrize("labels, rules_2015, points, by_points", [
    (("PVS1", "PS1"), "Pathogenic", 12, "Pathogenic"),
    (("PS2", "PM5", "PP3_Moderate", "PM2_Supporting"), "Likely pathogenic", 9, "Likely pathogenic"),
    (("PVS1", "PM2_Supporting"), "Likely pathogenic", 9, "Likely pathogenic"),  # SVI PM2 2020
    (("PS2", "PS1"), "Pathogenic", 8, "Likely pathogenic"),  # the two schemes differ here
    (("PM2_Supporting", "PP3"), "Uncertain significance", 2, "Uncertain significance"),
    (("PM2_Supporting", "BP4_Moderate"), "Uncertain significance", -1, "Likely benign"),
    (("BA1",), "Benign", -8, "Benign"),
    (("BS1", "BS2"), "Benign", -8, "Benign"),
    (("BS1", "BP4"), "Likely benign", -5, "Likely benign"),
    (("PVS1", "PS2", "BS1", "BS2"), "Uncertain significance", 4, "Uncertain significance"),  # contradictory
])  # fmt: skip
def test_2015_rules_and_points_scale(labels, rules_2015, points, by_points):
    criteria = met(*labels)
    assert classify_2015(criteria) == rules_2015
    assert total_points(criteria) == points
    assert classify_points(points) == by_points


@pytest.mark.parametrize("points, expected", [
    (10, "Pathogenic"), (9, "Likely pathogenic"), (6, "Likely pathogenic"), (5, "Uncertain significance"),
    (0, "Uncertain significance"), (-1, "Likely benign"), (-6, "Likely benign"), (-7, "Benign"),
])  # fmt: skip
def test_points_boundaries(points, expected):
    assert classify_points(points) == expected


# --------------------------------------------------------------------------------------------- PVS1


def test_pvs1_nonsense_with_nmd_in_a_lof_intolerant_gene_is_very_strong():
    candidate = app_stop(200)  # exon 2 of 18
    result = assess(candidate, CONFIRMED)
    assert codes(result)["PVS1"] == "PVS1"
    evidence = next(c["evidence"] for c in result["criteria"] if c["code"] == "PVS1")
    assert "NMD predicted" in evidence and "intolerant of loss of function" in evidence


def test_pvs1_nmd_rule_last_exon_and_last_50_nt_of_the_penultimate_exon():
    tx = app().transcripts[APP_MANE]
    junction = sum(end - start + 1 for start, end in tx.exons[1:])  # all exons but the last (genomic first)
    last_exon = assess(app_stop(tx.cds[1] - 30))
    within_50 = assess(app_stop(junction - 20))
    before_50 = assess(app_stop(junction - 80))
    assert codes(before_50)["PVS1"] == "PVS1"
    for result, where in ((last_exon, "last exon"), (within_50, "last 50 nt of the penultimate exon")):
        criterion = next(c for c in result["criteria"] if c["code"] == "PVS1")
        assert where in criterion["evidence"] and "NMD is not predicted" in criterion["evidence"]
        # little of APP-770 is lost that close to its end: Moderate, not Strong
        assert criterion["label"] == "PVS1_Moderate"


def test_pvs1_gene_level_step_from_constraint_and_mode():
    tolerant = {"pli": 0.0, "loeuf": 1.4, "lof_intolerant": False}
    dominant = assess(app_stop(200, constraint=tolerant))
    assert "PVS1" not in codes(dominant)
    assert any(item["code"] == "PVS1" and "tolerates heterozygous" in item["evidence"] for item in dominant["not_met"])
    recessive = assess(app_stop(200, constraint=tolerant, inheritance=["autosomal_recessive"]))
    assert codes(recessive)["PVS1"] == "PVS1_Strong"  # one step down: constraint says nothing of biallelic loss
    unknown = assess(app_stop(200, constraint=None))
    assert codes(unknown)["PVS1"] == "PVS1_Strong"


def test_pvs1_single_exon_gene_from_vep_exon_numbers():
    # ExAC: OR4F5 c.426G>A p.Trp142Ter, VEP EXON=1/1: no NMD; no gene models, so the share removed is unknown.
    result = assess(exac(69516, "A"))
    criterion = next(c for c in result["criteria"] if c["code"] == "PVS1")
    assert "single-exon transcript" in criterion["evidence"]
    assert criterion["label"] == "PVS1_Supporting"  # Moderate, one step down: OR4F5's constraint is not known
    assert "PVS1" not in codes(assess(exac(69134, "G")))  # a missense variant of the same gene


@pytest.mark.parametrize("exon, expected, why", [
    (2, "PVS1_Moderate", "skipping exon 2/18 keeps the frame"),  # 168 coding nt: 56 of 771 codons, 7%
    (3, "PVS1", "shifts the frame with at least two exons downstream"),  # 130 coding nt
    (16, "PVS1", "shifts the frame with at least two exons downstream"),  # 101 coding nt, two exons follow
])  # fmt: skip
def test_pvs1_canonical_splice_site_by_skipped_exon_frame(exon, expected, why):
    tx = app().transcripts[APP_MANE]
    exon_start, _ = list(reversed(tx.exons))[exon - 1]  # minus strand: the donor lies just before its start
    donor = exons.from_models(tx, exon_start - 1)
    assert donor["intron"] == [exon, 17] and donor["affected_exon"]["number"] == exon
    result = assess(app_stop(0, consequence="splice_donor_variant", hgvs_p="", exon_context=donor))
    assert codes(result)["PVS1"] == expected
    assert why in next(c["evidence"] for c in result["criteria"] if c["code"] == "PVS1")
    assert "PVS1" in codes(assess(app_stop(0, consequence="splice_donor_variant", exon_context=None))) and codes(
        assess(app_stop(0, consequence="splice_donor_variant", exon_context=None))
    )["PVS1"] == "PVS1_Moderate"  # no gene models: the splicing outcome is not modelled


def test_pvs1_start_lost_is_supporting():
    result = assess(app_stop(0, consequence="start_lost", hgvs_p="p.Met1?"))
    assert codes(result)["PVS1"] == "PVS1_Supporting"


def csq_suite_frameshifts() -> list[tuple]:
    """Frameshifts of bcftools' csq suite whose expected protein change ends at a new stop codon ('*')."""
    suite = shared_data() / "bcftools-csq"
    out = []
    for line in (suite / "bcftools_csq_expected.tsv").read_text().splitlines():
        if line.startswith("#"):
            continue
        folder, _, fasta, gff, _, pos, ref, alt, expected = line.split("\t")[:9]
        for entry in expected.split(","):
            fields = entry.split("|")
            change = re.fullmatch(r"\d+[A-Z*]+>(\d+)([A-Z*]+)", fields[5]) if len(fields) > 5 else None
            if fields[0] == "frameshift" and change and change.group(2).endswith("*"):
                stop = int(change.group(1)) + len(change.group(2)) - 1  # amino-acid position of the new stop
                out.append((folder, str(suite / folder / gff), str(suite / folder / fasta), fields[2], int(pos), ref,
                            alt, stop))  # fmt: skip
    return out


@pytest.mark.parametrize("folder, gff, fasta, transcript, pos, ref, alt, stop", csq_suite_frameshifts(),
                         ids=lambda v: v if isinstance(v, str) and v.startswith("ENS") else None)  # fmt: skip
def test_a_frameshift_meets_the_stop_codon_bcftools_csq_finds(folder, gff, fasta, transcript, pos, ref, alt, stop):
    models = TranscriptModels.from_gff(gff, fasta)
    tx = models.transcript(transcript)
    found = exons.new_stop(tx, models.fasta, pos, ref, alt)
    if folder == "ENST00000573314":
        # Written right-shifted, the 17-base duplication lies past the transcript's 5' end (csq shifts it back on
        # the transcript; rarevar left-aligns every record before this step): no stop is claimed.
        assert found is None
        return
    # csq numbers the new protein; we number the reference transcript (the change's length taken back off)
    assert found["new_stop"] == tx.cds[0] + 3 * (stop - 1) - (len(alt) - len(ref))
    # and PVS1 reads that stop for its NMD branch, with no p. change to go by (bcftools csq gives none)
    context = exons.from_models(tx, pos, ref, alt, models.fasta)
    result = assess({"consequence": "frameshift_variant", "exon_context": context, "inheritance": ["de_novo"],
                     "constraint": {"pli": 1.0, "lof_intolerant": True}})  # fmt: skip
    evidence = next(c["evidence"] for c in result["criteria"] if c["code"] == "PVS1")
    junction = context["last_junction"]
    nmd = junction is not None and found["new_stop"] <= junction - 50
    assert ("NMD predicted" in evidence) == nmd and ("NMD is not predicted" in evidence or "no NMD" in evidence) != nmd


# --------------------------------------------------------------------------------------------- population


def test_pm2_supporting_for_absent_and_rare_but_not_for_a_frequent_allele():
    assert codes(assess(exac(69516, "A", population_af=None)))["PM2"] == "PM2_Supporting"
    assert codes(assess(exac(69474, "G")))["PM2"] == "PM2_Supporting"  # AF 9.9e-6, dominant call
    assert "PM2" not in codes(assess(exac(69218, "C")))  # AF 4.5e-5 > 2e-5 for a dominant call
    recessive = assess(exac(69218, "C", inheritance=["compound_heterozygous"]))
    assert codes(recessive)["PM2"] == "PM2_Supporting"  # below 1e-3 with no homozygote
    with_homozygote = assess(exac(69395, "A", inheritance=["compound_heterozygous"]))  # AF 2.3e-5, 1 homozygote
    assert "PM2" not in codes(with_homozygote)
    unconfigured = assess(exac(69516, "A", population_af=None), AcmgContext(population_configured=False))
    assert "PM2" not in codes(unconfigured)


def test_ba1_bs1_bs2_from_real_exac_frequencies():
    common = assess(exac(69511, "G"))  # OR4F5 p.Thr141Ala, AF 0.89, 35,477 homozygotes
    assert codes(common)["BA1"] == "BA1" and common["class_2015"] == "Benign"
    bs1 = assess(exac(69428, "G"))  # AF 0.022, 746 homozygotes
    assert {"BS1", "BS2"} <= set(codes(bs1)) and bs1["class_2015"] == "Benign"
    assert "BS1" not in codes(assess(exac(69590, "A", inheritance=["autosomal_recessive"])))  # AF 1.2e-3 < 0.01
    rare = assess(exac(69516, "A"))
    assert not {"BA1", "BS1", "BS2"} & set(codes(rare))
    borderline = assess(exac(69395, "A", inheritance=["autosomal_recessive"]))  # one homozygote
    assert "BS2" not in codes(borderline) and "BS2" in reviewed(borderline)


# --------------------------------------------------------------------------------------------- ClinVar codon


def _tnnt2(hgvs_p: str, alt: str) -> dict:
    """A TNNT2 missense at the demo's ClinVar-pathogenic codon 100, looked up in the demo's real codon table."""
    table = read_codon_table(str(DEMO / "clinvar.bcf.codons.tsv.gz"))
    hits = codon_evidence(table, "ENST00000360372", hgvs_p)
    return {"gene": "TNNT2", "chrom": "chr1", "pos": 35793, "ref": "C", "alt": alt, "consequence": "missense_variant",
            "hgvs_p": hgvs_p, "clinvar_codon": _codon_hits_dict(hits), "inheritance": ["autosomal_dominant"]}


def test_ps1_same_amino_acid_change_from_another_nucleotide_and_not_the_variant_itself():
    # ClinVar's pathogenic chr1:35793:C:A is p.Arg100Leu; another codon change giving Leu gets PS1 ...
    other_nucleotide = _tnnt2("p.Arg100Leu", "T")
    other_nucleotide["pos"] = 35794
    result = assess(other_nucleotide)
    assert codes(result)["PS1"] == "PS1" and "800002" in result["criteria"][0]["evidence"]
    # ... the ClinVar variant itself does not (its own classification is never a criterion).
    assert "PS1" not in codes(assess(_tnnt2("p.Arg100Leu", "A")))


def test_pm5_another_pathogenic_change_at_the_codon():
    assert codes(assess(_tnnt2("p.Arg100Pro", "G")))["PM5"] == "PM5"  # 2-star ClinVar record
    assert "PM5" not in codes(assess(_tnnt2("p.Arg101Pro", "G")))


# --------------------------------------------------------------------------------------------- de novo


def _de_novo(**changes) -> dict:
    base = {"gene": "TNNT2", "consequence": "missense_variant", "inheritance": ["de_novo"], "population_af": None,
            "de_novo_confidence": "high", "parents_genotyped": "both", "phenotype_score": 0.88}
    return {**base, **changes}


def test_ps2_confirmed_de_novo_vs_pm6_assumed():
    assert codes(assess(_de_novo(), CONFIRMED))["PS2"] == "PS2"  # 2 points: phenotype highly specific
    assert codes(assess(_de_novo(phenotype_score=0.5), CONFIRMED))["PS2"] == "PS2_Moderate"
    medium = assess(_de_novo(de_novo_confidence="medium"), CONFIRMED)
    assert codes(medium)["PM6"] == "PM6" and "PS2" not in codes(medium)
    unconfirmed = assess(_de_novo(), AcmgContext(False, "parentage NOT confirmed"))
    assert codes(unconfirmed)["PM6"] == "PM6"
    low = assess(_de_novo(de_novo_confidence="low"), CONFIRMED)
    assert not {"PS2", "PM6"} & set(codes(low)) and "PM6" in reviewed(low)
    assert not {"PS2", "PM6"} & set(codes(assess(_de_novo(inheritance=["autosomal_dominant"]), CONFIRMED)))


def test_parentage_from_the_family_qc(demo_run):
    qc = json.loads((demo_run / "DEMO1" / "candidates.json").read_text())["qc"]
    assert parentage_from_qc(qc)[0] is True
    swapped = {**qc, "relatedness": [{**pair, "ok": False} if pair["expected"] == "parent-child" else pair
                                     for pair in qc["relatedness"]]}  # fmt: skip
    assert parentage_from_qc(swapped)[0] is False
    assert parentage_from_qc({})[0] is None


# --------------------------------------------------------------------------------------------- PM3


def _compound(phase: str, partner_significance: str | None) -> tuple[dict, AcmgContext]:
    candidate = {"gene": "PEX26", "consequence": "missense_variant", "inheritance": ["compound_heterozygous"],
                 "compound_partners": ["chr22:97:G:T"], "phase_evidence": phase, "population_af": 2.7e-5}
    clinvar = {"id": "1", "significance": partner_significance, "stars": 2} if partner_significance else None
    return candidate, AcmgContext(partner_clinvar={"chr22:97:G:T": clinvar})


def test_pm3_in_trans_with_a_pathogenic_partner():
    assert codes(assess(*_compound("parents", "Pathogenic")))["PM3"] == "PM3"  # 1.0 point: Moderate
    assert codes(assess(*_compound("reads", "Likely_pathogenic")))["PM3"] == "PM3_Supporting"  # 0.5
    assert codes(assess(*_compound("unphased", "Pathogenic")))["PM3"] == "PM3_Supporting"  # phase unknown: 0.5
    unphased_lp = assess(*_compound("unphased", "Likely_pathogenic"))  # 0.25 points: below Supporting
    assert "PM3" not in codes(unphased_lp)
    uncertain = assess(*_compound("parents", "Uncertain_significance"))
    assert "PM3" not in codes(uncertain) and "PM3" in reviewed(uncertain)


# --------------------------------------------------------------------------------------------- PM4, PP3/BP4, BP7


def test_tandem_repeat_check_on_the_demo_reference():
    fasta = pysam.FastaFile(str(DEMO / "reference.fa"))
    contig = fasta.references[0]
    seq = fasta.fetch(contig).upper()
    # a trinucleotide repeated three times in the reference, and a trinucleotide not followed by itself
    at = next(i for i in range(1, len(seq) - 9) if seq[i:i + 3] * 3 == seq[i:i + 9] and len(set(seq[i:i + 3])) > 1)
    unique = next(i for i in range(1, len(seq) - 6) if seq[i:i + 3] != seq[i + 3:i + 6] and len(set(seq[i:i + 3])) == 3
                  and seq[i + 3:i + 6].count(seq[i]) == 0)  # fmt: skip
    # VCF positions are 1-based; the padding base sits just before the deleted codon
    assert tandem_repeat(fasta, contig, at, seq[at - 1:at + 3], seq[at - 1]) is True
    assert tandem_repeat(fasta, contig, unique, seq[unique - 1:unique + 3], seq[unique - 1]) is False
    assert tandem_repeat(fasta, contig, unique, "A", "C") is None  # not an indel


def test_pm4_in_frame_and_stop_lost():
    inframe = {"consequence": "inframe_deletion", "inheritance": ["autosomal_dominant"]}
    assert codes(assess({**inframe, "repeat_region": False}))["PM4"] == "PM4"
    assert "PM4" not in codes(assess({**inframe, "repeat_region": True}))
    assert codes(assess({**inframe, "repeat_region": None}))["PM4"] == "PM4_Supporting"  # repeat status unknown
    assert codes(assess({"consequence": "stop_lost"}))["PM4"] == "PM4"
    assert "PM4" not in codes(assess({"consequence": "missense_variant"}))


def test_pp3_bp4_taken_as_computed_and_pp3_not_added_to_pvs1():
    pp3 = [{"criterion": "PP3", "strength": "moderate", "source": "cadd", "value": 29.6, "threshold": 28.1}]
    bp4 = [{"criterion": "BP4", "strength": "supporting", "source": "revel", "value": 0.2, "threshold": 0.29}]
    assert codes(assess({"consequence": "missense_variant", "computational_evidence": pp3}))["PP3"] == "PP3_Moderate"
    assert codes(assess({"consequence": "missense_variant", "computational_evidence": bp4}))["BP4"] == "BP4"
    assert not {"PP3", "BP4"} & set(codes(assess({"consequence": "missense_variant"})))
    with_null = assess(app_stop(200, computational_evidence=pp3))
    assert "PVS1" in codes(with_null) and "PP3" not in codes(with_null)


def test_bp7_synonymous_needs_spliceai():
    synonymous = exac(69300, "C")  # OR4F5 c.210A>C (p.=)
    assert codes(assess({**synonymous, "scores": {"spliceai": 0.02}}))["BP7"] == "BP7"
    assert "BP7" not in codes(assess({**synonymous, "scores": {"spliceai": 0.35}}))
    unscored = assess(synonymous)
    assert "BP7" not in codes(unscored) and "BP7" in reviewed(unscored)
    deep = {"consequence": "intron_variant", "hgvs_c": "c.100+25A>G", "scores": {"spliceai": 0.0}}
    assert codes(assess(deep))["BP7"] == "BP7"
    assert "BP7" not in codes(assess({**deep, "hgvs_c": "c.100+3A>G"}))  # in the splice region
    assert "BP7" not in codes(assess(exac(69134, "G", scores={"spliceai": 0.0})))  # missense


def test_what_is_never_automated_is_listed_for_review():
    result = assess(_de_novo(), CONFIRMED)
    assert {"PS3", "PS4", "PM1", "PP1", "PP4", "BS3", "BS4", "BP2", "BP5"} <= reviewed(result)
    assert not {"PP5", "BP6"} & (set(codes(result)) | reviewed(result))


# --------------------------------------------------------------------------------------------- real code paths


def test_a_de_novo_nonsense_through_candidate_selection_and_ranking(tmp_path):
    """bcftools-csq-style BCSQ on the real chr21 gene models: exon facts come from the GFF3 to PVS1."""
    early, late = app_position(200), app_position(2300)  # exon 2 and the last exon of APP-770
    records = [(early, "G", "A", f"BCSQ=stop_gained|APP|{APP_MANE}|protein_coding|-|56Q>56*|{early}G>A"),
               (late, "G", "A", f"BCSQ=stop_gained|APP|{APP_MANE}|protein_coding|-|756Q>756*|{late}G>A")]
    records.sort()
    vcf = trio_vcf(tmp_path / "trio.vcf", BCSQ_HEADER, records)
    ped = tmp_path / "trio.ped"
    ped.write_text("F1\tkid\tdad\tmum\t1\t2\nF1\tdad\t0\t0\t1\t1\nF1\tmum\t0\t0\t2\t1\n")
    out = tmp_path / "candidates.parquet"
    constraint = {"APP": {"pli": 1.0, "loeuf": 0.31, "mis_z": 3.1, "version": "v4"}}
    select_candidates(vcf, "BCSQ", family_for(str(ped), "F1"), "GRCh38", SETTINGS, str(out),
                      str(tmp_path / "funnel.json"), str(tmp_path / "modes.json"), app(), constraint)  # fmt: skip
    table = pd.read_parquet(out)
    ranked = {c["pos"]: c for c in rank_candidates(table, read_phenotype("HP:0002511", "test"), 0.01, None,
                                                   CONFIRMED)}  # fmt: skip
    first, last = ranked[early], ranked[late]
    assert first["exon_context"]["exon"] == [2, 18] and last["exon_context"]["exon"] == [18, 18]
    assert codes(first["acmg"])["PVS1"] == "PVS1" and codes(last["acmg"])["PVS1"] == "PVS1_Moderate"
    assert summary_sentence(first["acmg"]) in first["why"] and summary_sentence(first["acmg"]).startswith("ACMG: ")
    assert first["acmg"]["points"] >= 8 and first["score"] == first["posterior"]["probability"]


def test_the_demo_de_novo_gets_its_criteria_and_both_classes(demo_run):
    payload = json.loads((demo_run / "DEMO1" / "candidates.json").read_text())
    tnnt2 = next(c for c in payload["candidates"] if c["gene"] == "TNNT2")
    acmg = tnnt2["acmg"]
    found = codes(acmg)
    assert "PS2" in found or ("PM6" in found and any(i["code"] == "PM6" for i in acmg["criteria"]))
    assert found["PM2"] == "PM2_Supporting" and "PP3" in found and "PM5" in found
    assert acmg["class_2015"] == "Likely pathogenic" and acmg["class_points"] == "Likely pathogenic"
    assert acmg["points"] == sum(item["points"] for item in acmg["criteria"])
    assert any(w.startswith("ACMG: Likely pathogenic") for w in tnnt2["why"])
    # the planted nonsense in XPC: exon 2 of 16 from the demo gene models, NMD predicted
    xpc = next(c for c in payload["candidates"] if c["consequence"] == "stop_gained")
    assert "PVS1" in codes(xpc["acmg"]) and "NMD predicted" in xpc["acmg"]["criteria"][0]["evidence"]
    html = (demo_run / "DEMO1" / "report.html").read_text()
    for text in ("ACMG/AMP class (2015 rules)", "ACMG/AMP class (points)", "PM2_Supporting", "PM5",
                 "Likely pathogenic (9 points)", "For review (not assessed automatically):", ">PS3<"):
        assert text in html, text
    header = (demo_run / "DEMO1" / "candidates.tsv").read_text().splitlines()
    columns = header[0].split("\t")
    row = dict(zip(columns, header[1].split("\t"), strict=True))
    assert row["acmg_class"] == "Likely pathogenic" and "PM5" in row["acmg_criteria"]
    packet = json.loads((demo_run / "DEMO1" / "phenopacket.json").read_text())
    first = packet["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]["variantInterpretation"]
    assert first["acmgPathogenicityClassification"] == "LIKELY_PATHOGENIC"
