"""Local cohort counts on the rare survivors, and the recurrence filter (a streaming join in htslib)."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pysam

from rarevar.annotate.cohort_db import COHORT_COLUMNS, HEADER_KEY, cached_sites
from rarevar.annotate.frequency import CLINVAR_PATHOGENIC
from rarevar.base.atomic import publish_indexed, temporary_name
from rarevar.base.bcftools import bcftools, count_records
from rarevar.base.funnel import COHORT, COHORT_OR_CLINVAR, COHORT_UNLIMITED, step, write_steps


def allowed_families(n_families: int, max_families: int | None, max_frequency: float | None) -> int | None:
    """The most families an allele may be seen in and stay; None when nothing limits it."""
    limits = []
    if max_families is not None:
        limits.append(max_families)
    if max_frequency is not None and n_families:
        limits.append(math.floor(max_frequency * n_families))
    return min(limits) if limits else None


def annotate_and_filter(vcf: str, db: str, exclude: set[str], max_families: int | None, max_frequency: float | None,
                        annotated: str, out: str, funnel: str, create: bool = False) -> dict:  # fmt: skip
    """Join COHORT_* counts (the database without the `exclude`d families) to `vcf` by CHROM/POS/REF/ALT, then
    drop alleles seen in more families than allowed. ClinVar (likely) pathogenic alleles are kept, as by the
    population filter: a recurrent known cause is still a cause."""
    sites, summary = cached_sites(db, exclude, create, fallback=Path(annotated).parent)
    allowed = allowed_families(summary["n_families"], max_families, max_frequency)
    summary = {**summary, "max_families": max_families, "max_frequency": max_frequency, "allowed": allowed}
    header = temporary_name(annotated, "hdr")
    with open(header, "w", encoding="utf-8") as handle:
        handle.write(f"##{HEADER_KEY}={json.dumps(summary, separators=(',', ':'))}\n")
    tmp = temporary_name(annotated)
    try:
        bcftools("annotate", "--no-version", "-a", sites, "-c", COHORT_COLUMNS, "--pair-logic", "exact",
                 "-h", header, "-Ob", "-o", tmp, "-W", vcf)  # fmt: skip
    finally:
        os.unlink(header)
    publish_indexed(tmp, annotated)
    with pysam.VariantFile(annotated) as handle:
        has_clinvar = "CLINVAR_SIG" in handle.header.info
    keep = []  # no limit configured: every record stays, annotated
    if allowed is not None:
        keep = ["-i", f'INFO/COHORT_FAMILIES="." || INFO/COHORT_FAMILIES<={allowed}']
        if has_clinvar:
            keep[1] += f" || {CLINVAR_PATHOGENIC}"
    tmp = temporary_name(out)
    bcftools("view", "--no-version", *keep, "-Ob", "-o", tmp, "-W", annotated)
    publish_indexed(tmp, out)
    write_steps(funnel, [funnel_step(summary, has_clinvar, count_records(out))])
    return summary


def funnel_step(summary: dict, has_clinvar: bool, variants: int) -> dict:
    n = summary["n_families"]
    if summary["allowed"] is None:
        return step(COHORT_UNLIMITED, variants, {"n": n})
    return step(COHORT_OR_CLINVAR if has_clinvar else COHORT, variants, {"allowed": summary["allowed"], "n": n})
