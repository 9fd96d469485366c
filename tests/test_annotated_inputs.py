"""Every VEP, snpEff and bcftools-annotated VCF in the public test data parses to known consequences."""

from __future__ import annotations

import cyvcf2
import pytest

from rarevar.annotate.consequence import RANK, parse_ann, parse_bcsq, parse_eff, parse_vep, vep_fields
from tests.conftest import shared_data

ANNOTATED = sorted(
    path
    for folder in ("gemini", "ga4gh-server", "genmod", "peddy", "vcfanno")
    for pattern in ("*.vcf", "*.vcf.gz")
    for path in (shared_data() / folder).glob(pattern)
    # Malformed on purpose upstream (a header ending in a tab; a space for a tab): bad-input cases instead.
    if path.name not in ("1KG_GRCh37_VEP_edit.vcf.gz", "test_vcf.vcf")
)
# The published ExAC subset split this site's alleles but kept the other allele's CSQ (C on an A record):
# no entry matches, and none must be taken.
NO_MATCHING_ALLELE = {("exac.vcf.gz", "1", 98683)}


def consequences(vcf: cyvcf2.VCF, variant, key: str) -> list:
    values = variant.INFO[key].split(",")
    if key == "CSQ":
        fields = vep_fields(vcf.get_header_type("CSQ")["Description"])
        return [c for alt in variant.ALT for c in parse_vep(values, fields, variant.REF, alt)]
    if key == "ANN":
        return [c for alt in variant.ALT for c in parse_ann(values, alt)]
    return parse_eff(values) if key == "EFF" else parse_bcsq(values)


@pytest.mark.parametrize("path", ANNOTATED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_record_parses_to_known_terms(path):
    vcf = cyvcf2.VCF(str(path))
    keys = [k for k in ("CSQ", "ANN", "EFF", "BCSQ") if vcf.contains(k)]
    for variant in vcf:
        for key in keys:
            if variant.INFO.get(key) is None:
                continue
            parsed = consequences(vcf, variant, key)
            if (path.name, variant.CHROM, variant.POS) in NO_MATCHING_ALLELE:
                assert parsed == []
                continue
            assert parsed, f"{path.name} {variant.CHROM}:{variant.POS} {key}: no consequence parsed"
            unknown = {t for c in parsed for t in c.terms if t not in RANK}
            assert not unknown, f"{path.name} {variant.CHROM}:{variant.POS}: unknown terms {unknown}"
