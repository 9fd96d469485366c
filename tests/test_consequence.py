"""Consequences from every annotation source the field uses, read from real annotated VCFs."""

from __future__ import annotations

import cyvcf2
import pytest

from rarevar.annotate.consequence import (
    bcsq_protein_hgvs,
    most_severe,
    parse_ann,
    parse_bcsq,
    parse_eff,
    parse_vep,
    so_terms,
    vep_allele,
    vep_fields,
)


def records(path):
    vcf = cyvcf2.VCF(str(path))
    yield from ((vcf, v) for v in vcf)


def test_vep_and_snpeff_agree_on_gemini_stop_lost(shared):
    # GEMINI's test.auto_dom.vcf: the first record is a stop_lost in WDR37 per both VEP (CSQ) and snpEff (EFF).
    vcf, first = next(records(shared / "gemini" / "test.auto_dom.vcf"))
    fields = vep_fields(vcf.get_header_type("CSQ")["Description"])
    vep = most_severe(parse_vep(first.INFO["CSQ"].split(","), fields, first.REF, first.ALT[0]))
    eff = most_severe(parse_eff(first.INFO["EFF"].split(",")))
    assert (vep.term, vep.gene, vep.transcript) == ("stop_lost", "WDR37", "ENST00000381329")
    assert (eff.term, eff.gene, eff.transcript, eff.impact) == (
        "stop_lost",
        "WDR37",
        "ENST00000381329",
        "HIGH",
    )


def test_every_gemini_record_gets_a_consequence(shared):
    path = shared / "gemini" / "test.comp_het.vcf"
    parsed = [most_severe(parse_eff(v.INFO["EFF"].split(","))) for _, v in records(path)]
    assert len(parsed) == 8 and all(p is not None and p.gene for p in parsed)


def test_vep_csq_with_allele_field_matches_the_record_allele(shared):
    path = shared / "ga4gh-server" / "1kg.17.ann.edit.vcf.gz"
    count = 0
    for vcf, variant in records(path):
        fields = vep_fields(vcf.get_header_type("CSQ")["Description"])
        assert fields[:5] == ["Allele", "Gene", "Feature", "Feature_type", "Consequence"]
        for alt in variant.ALT:
            for c in parse_vep(variant.INFO["CSQ"].split(","), fields, variant.REF, alt):
                assert c.terms, variant
        count += 1
    assert count == 20


def test_bcsq_string_from_bcftools_csq_suite():
    # Expected string of bcftools' own csq test ENST00000360372/mnp.vcf (TNNT2).
    parsed = parse_bcsq(["stop_gained|TNNT2|ENST00000360372|protein_coding|-|132EE>132D*|4391CC>AA"])
    assert parsed[0].term == "stop_gained" and parsed[0].gene == "TNNT2"
    assert parsed[0].hgvs_p == "p.Glu132_Glu133delinsAspTer"


@pytest.mark.parametrize(
    ("change", "hgvs"),
    [("132E>132D", "p.Glu132Asp"), ("145L", "p.Leu145="), ("20R>20*", "p.Arg20Ter"), ("", "")],
)
def test_protein_change_as_hgvs(change, hgvs):
    assert bcsq_protein_hgvs(change) == hgvs


def test_terms_are_ordered_by_severity_and_aliases_mapped():
    assert so_terms("splice_region&missense") == ("missense_variant", "splice_region_variant")
    assert so_terms("*missense") == ("missense_variant",)
    assert so_terms("NON_SYNONYMOUS_CODING") == ("missense_variant",)


def test_most_severe_prefers_canonical_among_equals():
    a = parse_vep(
        ["T|missense_variant|G|ENST2||NO"],
        ["Allele", "Consequence", "SYMBOL", "Feature", "BIOTYPE", "CANONICAL"],
        "C",
        "T",
    )
    b = parse_vep(
        ["T|missense_variant|G|ENST9||YES"],
        ["Allele", "Consequence", "SYMBOL", "Feature", "BIOTYPE", "CANONICAL"],
        "C",
        "T",
    )
    assert most_severe(a + b).transcript == "ENST9"


def test_vep_allele_of_indels():
    assert vep_allele("AT", "A") == "-"
    assert vep_allele("A", "AT") == "T"
    assert vep_allele("C", "T") == "T"


def test_snpeff_ann_selects_the_allele():
    values = ["T|stop_gained|HIGH|GENE1|G1|transcript|ENST1|protein_coding|2/5|c.100C>T|p.Arg34*|"]
    assert parse_ann(values, "T")[0].term == "stop_gained"
    assert parse_ann(values, "G") == []
