"""How multi-allelic records are split: each split record speaks of its own allele only.

`bcftools norm -m -any` writes a `1/2` call as `1/0` on the first allele's record and `0/1` on the second's, the
`0` standing for the other ALT, not the reference. `--multi-overlaps .` writes that copy as `.` instead (`1/.`,
`./1`): "carries another allele at this site", which rarevar.family reads as such, never as a reference copy or a
no-call. `--keep-sum AD` makes the split AD (reads of every other allele, reads of this allele), so a `1/2` call's
allele balance is this allele's share of all its reads (about half), not 9 of 9 reads against no reference read.
"""

from __future__ import annotations

import pysam

SPLIT_OPTIONS = ("-m", "-any", "--multi-overlaps", ".")
# A split record's allele is carried by a sample whose genotype names it: 0/1, 1/1, and also 1/. and ./1 (a 1/2
# call split), which bcftools' GT="alt" does not match (it reads a genotype with a '.' as missing). After splitting
# every record has one ALT, so '1' in the genotype text is exactly a copy of it.
CARRIES_ALLELE = 'GT~"1"'


def split_options(vcf: str) -> tuple[str, ...]:
    """The `bcftools norm` options that split `vcf`'s multi-allelic records. `--keep-sum AD` only where AD has one
    value per allele (Number=R, as GATK and DeepVariant write it): bcftools refuses it on a VCF without AD."""
    with pysam.VariantFile(vcf) as source:
        ad = source.header.formats.get("AD")
    per_allele = ad is not None and ad.number == "R" and ad.type == "Integer"
    return SPLIT_OPTIONS + (("--keep-sum", "AD") if per_allele else ())
