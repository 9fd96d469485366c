"""Population frequency from a gnomAD-style sites VCF or the input's own fields, and the rare-variant prefilter."""

from __future__ import annotations

import os

import pysam

from rarevar.annotate.annotation_profiles import configured_fields
from rarevar.annotate.input_annotations import (
    annotate_from_input,
    present_fields,
    sources_header_line,
    sources_summary,
    store_coverage,
)
from rarevar.base.atomic import publish_indexed, temporary_name
from rarevar.base.bcftools import bcftools, count_records
from rarevar.base.clinvar_fields import CLINVAR_COLUMNS, CLINVAR_PATHOGENIC
from rarevar.base.funnel import FREQUENCY_NOT_ASSESSED, RARE, RARE_OR_CLINVAR, step, write_steps

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


# Compressing the output is most of this stage's time (a whole genome's records, more than a plain copy since
# the frequencies are added): one htslib worker thread compresses while bcftools annotates or filters, and the
# annotated file, which nothing reads again in the workflow, is compressed at level 1 (the same BCF, ~15% larger).
THREADS = ("--threads", "1")
FAST_BCF = "-Ob1"
STAGED_BCF = "-Ob0"  # the population-annotated records before ClinVar's are added: read once, not compressed


def _annotate(vcf: str, source: str, columns: str, out: str, output_type: str = FAST_BCF,
              header: str | None = None) -> None:  # fmt: skip
    # exact: every ALT must match, so a split multi-allelic record takes its own allele's values only.
    tmp = temporary_name(out)
    extra = ("-h", header) if header else ()
    bcftools("annotate", "--no-version", *THREADS, "-a", source, "-c", columns, "--pair-logic", "exact", *extra,
             output_type, "-o", tmp, "-W", vcf)  # fmt: skip
    publish_indexed(tmp, out)


def _add_header(vcf: str, header: str, out: str) -> None:
    tmp = temporary_name(out)
    bcftools("annotate", "--no-version", *THREADS, "-h", header, FAST_BCF, "-o", tmp, "-W", vcf)
    publish_indexed(tmp, out)


def annotate_and_filter(vcf: str, population: str | None, max_af: float, annotated: str, rare: str, funnel: str,
                        clinvar: str | None = None, annotations: dict | None = None) -> None:  # fmt: skip
    """Population frequency and ClinVar on every record, then keep the rare ones.

    Sources, the configured local resource first: the population store (on the contigs it holds), the ClinVar
    store, and the input's own annotation fields (rarevar.annotate.input_annotations) where no store covers the
    record. Records on a store's contigs that are absent from it were not observed there: kept. A record no source
    covers is kept too, and said to be not assessed (never "not observed"). Records whose AF or group-max AF is
    above `max_af` are dropped, except a ClinVar (likely) pathogenic variant, kept at any frequency so that a known
    cause common in some population (HFE p.C282Y, GJB2 c.35delG) is still shown."""
    with pysam.VariantFile(vcf) as handle:
        header = handle.header.copy()
    fields = present_fields(header, configured_fields(annotations))
    store = store_coverage(population, header)
    summary = sources_summary(fields, store, clinvar)
    passes = []  # (step, its output type): each reads the previous one's output
    if fields:
        passes.append(lambda src, out, kind, hdr: annotate_from_input(src, out, fields, set(store["contigs"]),
                                                                      bool(clinvar), kind, hdr))  # fmt: skip
    if store["state"] == "used":
        store_fields = available_fields(population)
        if "POP_AF" not in store_fields:
            raise ValueError(f"{population}: no INFO/AF field: not a population-frequency VCF")
        columns = ",".join(f"INFO/{ours}:=INFO/{theirs}" for ours, theirs in store_fields.items())
        passes.append(lambda src, out, kind, hdr: _annotate(src, population, columns, out, kind, hdr))
    if clinvar:
        passes.append(lambda src, out, kind, hdr: _annotate(src, clinvar, CLINVAR_COLUMNS, out, kind, hdr))
    _run_passes(vcf, passes, annotated, summary)
    with pysam.VariantFile(annotated) as handle:
        written = set(handle.header.info)
    # bcftools cannot negate a bracketed expression, so the filter says what to keep.
    rare_enough = " && ".join(
        f'(INFO/{f}<={max_af} || INFO/{f}=".")' for f in ("POP_AF", "POP_AF_GRPMAX") if f in written
    )
    keep_clinvar = "CLINVAR_SIG" in written
    keep = f"({rare_enough}) || {CLINVAR_PATHOGENIC}" if keep_clinvar and rare_enough else rare_enough
    tmp = temporary_name(rare)
    bcftools("view", "--no-version", *THREADS, *(("-i", keep) if keep else ()), "-Ob", "-o", tmp, "-W", annotated)
    publish_indexed(tmp, rare)
    if not rare_enough:
        write_steps(funnel, [step(FREQUENCY_NOT_ASSESSED, count_records(rare))])
        return
    write_steps(funnel, [step(RARE_OR_CLINVAR if keep_clinvar else RARE, count_records(rare), {"max_af": max_af})])


def _run_passes(vcf: str, passes: list, annotated: str, summary: dict) -> None:
    """Run the annotation passes in turn; the last writes `annotated` with the sources summary in its header."""
    header = temporary_name(annotated, "sources", ".hdr")
    staged: list[str] = []
    try:
        with open(header, "w", encoding="utf-8") as handle:
            handle.write(sources_header_line(summary))
        if not passes:
            _add_header(vcf, header, annotated)
            return
        source = vcf
        for i, annotate in enumerate(passes):
            last = i == len(passes) - 1
            out = annotated if last else temporary_name(annotated, f"pass{i}", ".bcf")
            annotate(source, out, FAST_BCF if last else STAGED_BCF, header if last else None)
            if not last:
                staged.append(out)
            source = out
    finally:
        for leftover in [header, *staged, *(f"{s}.csi" for s in staged)]:
            if os.path.exists(leftover):
                os.unlink(leftover)
