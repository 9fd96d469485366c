"""ClinVar: the store built from NCBI's layout, stars, the codon look-ups, and pathogenic variants kept
past the frequency filter."""

from __future__ import annotations

import gzip
import json

import pysam
import pytest

from rarevar.annotate.clinvar import codon_evidence, is_benign, is_pathogenic, read_codon_table, stars
from rarevar.annotate.frequency import annotate_and_filter
from tests.conftest import DEMO, rarevar


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        ("practice_guideline", 4),
        ("reviewed_by_expert_panel", 3),
        ("criteria_provided,_multiple_submitters,_no_conflicts", 2),
        ("criteria_provided,_single_submitter", 1),
        ("criteria_provided,_conflicting_classifications", 1),
        ("no_assertion_criteria_provided", 0),
        ("", 0),
    ],
)
def test_review_status_stars(status, expected):
    assert stars(status) == expected


def test_significance_classes():
    assert is_pathogenic("Pathogenic/Likely_pathogenic") and is_pathogenic("Likely_pathogenic")
    assert not is_pathogenic("Conflicting_classifications_of_pathogenicity")
    assert is_benign("Benign/Likely_benign") and not is_benign("Uncertain_significance")


def test_store_is_built_from_ncbi_layout(tmp_path):
    out = tmp_path / "clinvar.bcf"
    result = rarevar(
        "resources", "build-clinvar", "--vcf", str(DEMO / "clinvar_source.vcf.gz"),
        "--reference", str(DEMO / "reference.fa"), "--genes", str(DEMO / "genes.gff3.gz"), "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with pysam.VariantFile(str(DEMO / "clinvar_source.vcf.gz")) as source:
        expected = [(f"chr{r.chrom}", r.pos, r.ref, r.alts[0], r.id) for r in source]
    with pysam.VariantFile(str(out)) as store:
        got = [(r.chrom, r.pos, r.ref, r.alts[0], str(r.info["CLNVID"])) for r in store]
    assert got == expected  # contigs renamed to the reference's, nothing lost
    with gzip.open(f"{out}.codons.tsv.gz", "rt") as new, gzip.open(DEMO / "clinvar.bcf.codons.tsv.gz", "rt") as shipped:
        assert new.read() == shipped.read()


def test_codon_lookups(truth):
    table = read_codon_table(str(DEMO / "clinvar.bcf.codons.tsv.gz"))
    transcript = "ENST00000360372"
    other = codon_evidence(table, transcript, "p.Arg100Pro")
    assert [h.alt_aa for h in other["other_change_at_codon"]] == ["L"] and other["same_amino_acid_change"] == []
    same = codon_evidence(table, f"{transcript}.4", "p.Arg100Leu")  # versions ignored
    assert [h.stars for h in same["same_amino_acid_change"]] == [2]
    assert codon_evidence(table, transcript, "p.Arg101Pro") == {
        "same_amino_acid_change": [],
        "other_change_at_codon": [],
    }


def test_pathogenic_variant_is_kept_whatever_its_frequency(tmp_path):
    """A ClinVar pathogenic allele at 30% in the population (think HFE p.C282Y) survives the 1% filter."""
    with pysam.VariantFile(str(DEMO / "population.vcf.gz")) as population:
        common = next(r for r in population if r.info["AF"][0] > 0.2)
    header = pysam.VariantHeader()
    with pysam.VariantFile(str(DEMO / "trio.vcf.gz")) as trio:
        for contig in trio.header.contigs.values():
            header.contigs.add(contig.name, length=contig.length)
    header.add_line('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
    header.add_sample("kid")
    sample = tmp_path / "sample.vcf.gz"
    with pysam.VariantFile(str(sample), "wz", header=header) as out:
        record = out.new_record(contig=common.chrom, start=common.start, alleles=(common.ref, common.alts[0]))
        record.samples["kid"]["GT"] = (1, 1)
        out.write(record)
    pysam.tabix_index(str(sample), preset="vcf", force=True)
    clinvar_header = pysam.VariantHeader()
    for contig in header.contigs.values():
        clinvar_header.contigs.add(contig.name, length=contig.length)
    for line in (
        '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="sig">',
        '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="rev">',
        '##INFO=<ID=CLNDN,Number=.,Type=String,Description="dn">',
        '##INFO=<ID=CLNVID,Number=1,Type=Integer,Description="id">',
    ):
        clinvar_header.add_line(line)
    clinvar = tmp_path / "clinvar.bcf"
    with pysam.VariantFile(str(clinvar), "wb", header=clinvar_header) as out:
        record = out.new_record(contig=common.chrom, start=common.start, alleles=(common.ref, common.alts[0]))
        record.info.update({"CLNSIG": ("Pathogenic",), "CLNREVSTAT": ("practice_guideline",), "CLNVID": 10})
        out.write(record)
    pysam.bcftools.index(str(clinvar))
    funnel = tmp_path / "funnel.json"
    for with_clinvar, expected in ((None, 0), (str(clinvar), 1)):
        rare = tmp_path / f"rare{expected}.bcf"
        annotate_and_filter(str(sample), str(DEMO / "population.vcf.gz"), 0.01, str(tmp_path / f"a{expected}.bcf"),
                            str(rare), str(funnel), with_clinvar)  # fmt: skip
        with pysam.VariantFile(str(rare)) as kept:
            assert sum(1 for _ in kept) == expected
    assert "ClinVar pathogenic kept" in json.loads(funnel.read_text())[0]["step"]
