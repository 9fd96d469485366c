"""Population frequency from a gnomAD-style sites VCF, and the rare-variant prefilter (all in htslib)."""

from __future__ import annotations

import os

import pysam

from rarevar.base.atomic import publish_indexed, temporary_name
from rarevar.base.bcftools import bcftools, count_records
from rarevar.base.funnel import RARE, RARE_OR_CLINVAR, step, write_steps

# gnomAD field names (v2-v4) -> the INFO names rarevar writes. The first present of each list is used.
FIELDS = {
    "POP_AF": ["AF"],
    "POP_AF_GRPMAX": ["AF_grpmax", "AF_popmax", "popmax_AF", "AF_POPMAX"],
    "POP_AF_EAS": ["AF_eas", "EAS_AF", "AF_EAS"],
    "POP_AC": ["AC"],
    "POP_AN": ["AN"],
    "POP_NHOMALT": ["nhomalt", "AC_Hom", "nHomAlt"],
}


def available_fields(population: str) -> dict[str, str]:
    with pysam.VariantFile(population) as vcf:
        present = set(vcf.header.info)
    return {
        ours: next(f for f in theirs if f in present)
        for ours, theirs in FIELDS.items()
        if any(f in present for f in theirs)
    }


CLINVAR_COLUMNS = ",".join(
    f"INFO/CLINVAR_{ours}:=INFO/{theirs}"
    for ours, theirs in (("ID", "CLNVID"), ("SIG", "CLNSIG"), ("REVSTAT", "CLNREVSTAT"), ("DN", "CLNDN"))
)
CLINVAR_PATHOGENIC = 'INFO/CLINVAR_SIG~"^Pathogenic" || INFO/CLINVAR_SIG~"^Likely_pathogenic"'


# Compressing the output is most of this stage's time (a whole genome's records, more than a plain copy since
# the frequencies are added): one htslib worker thread compresses while bcftools annotates or filters, and the
# annotated file, which nothing reads again in the workflow, is compressed at level 1 (the same BCF, ~15% larger).
THREADS = ("--threads", "1")
FAST_BCF = "-Ob1"
STAGED_BCF = "-Ob0"  # the population-annotated records before ClinVar's are added: read once, not compressed


def _annotate(vcf: str, source: str, columns: str, out: str, output_type: str = FAST_BCF) -> None:
    # exact: every ALT must match, so a split multi-allelic record takes its own allele's values only.
    tmp = temporary_name(out)
    bcftools("annotate", "--no-version", *THREADS, "-a", source, "-c", columns, "--pair-logic", "exact",
             output_type, "-o", tmp, "-W", vcf)  # fmt: skip
    publish_indexed(tmp, out)


def annotate_and_filter(vcf: str, population: str, max_af: float, annotated: str, rare: str, funnel: str,
                        clinvar: str | None = None) -> None:  # fmt: skip
    """Copy frequencies from `population` (and ClinVar, when given) to records with the same CHROM/POS/REF/ALT,
    then keep records whose AF and group-max AF are at most `max_af`. Absent from the population file means
    not observed: kept. A ClinVar (likely) pathogenic variant is kept whatever its frequency, so that a known
    cause that is common in some population (HFE p.C282Y, GJB2 c.35delG) is still shown."""
    fields = available_fields(population)
    if "POP_AF" not in fields:
        raise ValueError(f"{population}: no INFO/AF field: not a population-frequency VCF")
    columns = ",".join(f"INFO/{ours}:=INFO/{theirs}" for ours, theirs in fields.items())
    if clinvar:
        staged = temporary_name(annotated, "population", ".bcf")
        _annotate(vcf, population, columns, staged, STAGED_BCF)
        try:
            _annotate(staged, clinvar, CLINVAR_COLUMNS, annotated)
        finally:
            for leftover in (staged, f"{staged}.csi"):
                os.unlink(leftover)
    else:
        _annotate(vcf, population, columns, annotated)
    # bcftools cannot negate a bracketed expression, so the filter says what to keep.
    rare_enough = " && ".join(
        f'(INFO/{f}<={max_af} || INFO/{f}=".")' for f in ("POP_AF", "POP_AF_GRPMAX") if f in fields
    )
    keep = f"({rare_enough}) || {CLINVAR_PATHOGENIC}" if clinvar else rare_enough
    tmp = temporary_name(rare)
    bcftools("view", "--no-version", *THREADS, "-i", keep, "-Ob", "-o", tmp, "-W", annotated)
    publish_indexed(tmp, rare)
    write_steps(funnel, [step(RARE_OR_CLINVAR if clinvar else RARE, count_records(rare), {"max_af": max_af})])
