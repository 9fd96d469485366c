"""Acceptance against genmod `models`: per-variant models and compound-het partners, record by record.

Input is genmod's own example (`test_vcf_regions.vcf` + `recessive_trio.ped`, family 1: father, mother,
affected son); the answer is genmod's output `test_vcf_regions_models.vcf`, flattened into
`genmod_models_expected__test_vcf_regions.tsv`. Samples `*_2` are not in the PED and are ignored.
"""

from __future__ import annotations

import csv

import cyvcf2
import numpy as np
import pytest
from conftest import shared_data

from rarevar.family.inheritance import MODES, genotype_codes_from_cyvcf2, inheritance_modes
from rarevar.inputs.pedigree import read_ped

GENMOD = shared_data() / "genmod"

# genmod's model codes in our modes (genmod does not separate "fits" from "possible": its non-strict
# answer is our fits + possible). `_dn` = the model needs a de novo event.
GENMOD_CODES = {
    "AR_hom": "autosomal_recessive",
    "AR_hom_dn": "uniparental_isodisomy",  # hom-alt child, one parent hom-ref: the other allele is not inherited
    "AR_comp": "compound_heterozygous",
    "AR_comp_dn": "compound_heterozygous",
    "AD": "autosomal_dominant",
    "AD_dn": "de_novo",
    "XR": "x_linked_recessive",
    "XR_dn": "x_linked_de_novo",
    "XD": "x_linked_dominant",
    "XD_dn": "x_linked_de_novo",
}

# Records where genmod's answer differs from the textbook definition: what we answer instead
# (modes that fit or are possible) and why. Every other record must agree with genmod exactly.
GENMOD_DIFFERENT = {
    # Father no-call, mother hom-ref, affected son het. genmod's non-strict AD lets the unaffected
    # father be the parent who passed it on. A fully penetrant dominant allele in an unaffected father
    # would have made him affected, so the son's allele is de novo (possible: the father is not assessed).
    ("10", 76154076): {"de_novo"},
    # chrX:302,253 lies in the GRCh37 pseudo-autosomal region PAR1 (60,001-2,699,520), where a son has a
    # copy from each parent, as on an autosome. genmod knows no PAR and answers XD|XR. The hom-alt son of a
    # hom-ref father and carrier mother is then the isodisomy pattern, as at the autosomal 1:879595.
    ("X", 302253): {"uniparental_isodisomy"},
    # genmod reads MT as an autosome (hom-alt child, hom-ref father -> AR_hom_dn). mtDNA is inherited
    # from the mother only: the son's variant is also in his mother, so it fits maternal inheritance.
    ("MT", 302253): {"mitochondrial"},
}


def _expected_rows() -> list[dict]:
    with open(GENMOD / "genmod_models_expected__test_vcf_regions.tsv", newline="") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def _key(chrom, pos, ref, alt) -> str:
    return f"{chrom}_{pos}_{ref}_{alt}"


def _run_genmod_example(path=GENMOD / "test_vcf_regions.vcf", whole_gene=False):
    """Our modes per record, with compound partners, for genmod's example family.

    A record annotated to several genes is run once per gene and the answers are joined. As genmod does by
    default (without --whole_gene), only records its region annotation marks `Exonic` pair as compounds.
    """
    vcf = cyvcf2.VCF(str(path))
    records = list(vcf)
    samples = list(vcf.samples)
    family = read_ped(GENMOD / "recessive_trio.ped")["1"]
    rows, genes = [], []
    for i, record in enumerate(records):
        exonic = whole_gene or record.INFO.get("Exonic") is not None
        for gene in (record.INFO.get("Annotation") or "").split(",") or [""]:
            rows.append(i)
            genes.append(gene if exonic else "")
    rows = np.array(rows)
    gt = np.array([genotype_codes_from_cyvcf2(records[i].gt_types) for i in rows], dtype=np.int8)
    chrom = np.array([records[i].CHROM for i in rows])
    pos = np.array([records[i].POS for i in rows])
    result = inheritance_modes(gt, samples, family, chrom, pos, np.array(genes), "GRCh37")
    keys = [_key(r.CHROM, r.POS, r.REF, r.ALT[0]) for r in records]
    answers = {}
    for copy, i in enumerate(rows):
        modes, partners = answers.setdefault(keys[i], (set(), set()))
        modes.update(m for m in MODES if result.modes[m][copy] or result.possible[m][copy])
        partners.update(keys[rows[j]] for j in result.partners[copy])
    return answers


@pytest.fixture(scope="module")
def ours():
    return _run_genmod_example()


def _genmod_models(row: dict) -> set[str]:
    codes = row["expected_genetic_models"]
    return {GENMOD_CODES[code] for code in codes.split("|")} if codes else set()


@pytest.mark.parametrize("row", _expected_rows(), ids=lambda r: f"{r['chrom']}:{r['pos']}")
def test_models_match_genmod(row, ours):
    key = _key(row["chrom"], row["pos"], row["ref"], row["alt"])
    modes, partners = ours[key]
    expected = GENMOD_DIFFERENT.get((row["chrom"], int(row["pos"])), _genmod_models(row))
    assert modes == expected
    assert partners == (set(row["compounds"].split("|")) if row["compounds"] else set())


def test_every_record_is_compared(ours):
    expected = {_key(r["chrom"], r["pos"], r["ref"], r["alt"]) for r in _expected_rows()}
    assert set(ours) == expected and len(expected) == 15


def test_listed_differences_really_differ():
    """A record stays on the list of disagreements only while genmod's answer is not ours."""
    listed = [r for r in _expected_rows() if (r["chrom"], int(r["pos"])) in GENMOD_DIFFERENT]
    assert len(listed) == len(GENMOD_DIFFERENT)
    for row in listed:
        assert _genmod_models(row) != GENMOD_DIFFERENT[(row["chrom"], int(row["pos"]))]


def test_chr_prefixed_contigs_give_the_same_models(tmp_path):
    """genmod's `chr`-named copy (chr1, chr10, chrX, chrM) answers as the same records named 1, 10, X, MT."""
    with_chr = GENMOD / "fixtures__test_vcf_regions_with_chr.vcf"
    plain = tmp_path / "plain.vcf"
    lines = with_chr.read_text().splitlines()
    renamed = [line.replace("ID=chrM", "ID=MT").replace("ID=chr", "ID=") for line in lines if line.startswith("#")]
    for line in lines:
        if not line.startswith("#"):
            chrom, rest = line.split("\t", 1)
            renamed.append(("MT" if chrom == "chrM" else chrom[3:]) + "\t" + rest)
    plain.write_text("\n".join(renamed) + "\n")
    ours_chr = _run_genmod_example(with_chr, whole_gene=True)
    ours_plain = _run_genmod_example(plain, whole_gene=True)

    def strip(key):
        return key.replace("chrM_", "MT_").removeprefix("chr")

    def unprefixed(answers):
        return {strip(k): (modes, {strip(p) for p in partners}) for k, (modes, partners) in answers.items()}

    assert unprefixed(ours_chr) == ours_plain
    assert ours_plain["MT_4336_T_C"][0] == {"mitochondrial"}
    assert ours_plain["1_880012_A_G"][1]  # compound partners found, also across the renamed contigs
