"""Population frequency from a gnomAD-style sites VCF, and the rare-variant prefilter (all in htslib)."""

from __future__ import annotations

import os

import pysam

from rarevar.bcftools import bcftools, count_records
from rarevar.funnel import write_steps

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


def annotate_and_filter(vcf: str, population: str, max_af: float, annotated: str, rare: str, funnel: str) -> None:
    """Copy frequencies from `population` to records with the same CHROM/POS/REF/ALT, then keep records
    whose AF and group-max AF are at most `max_af`; absent from the population file = not observed = kept."""
    fields = available_fields(population)
    if "POP_AF" not in fields:
        raise ValueError(f"{population}: no INFO/AF field: not a population-frequency VCF")
    columns = ",".join(f"INFO/{ours}:=INFO/{theirs}" for ours, theirs in fields.items())
    tmp = f"{annotated}.tmp{os.getpid()}"
    bcftools(
        "annotate",
        "--no-version",
        "-a",
        population,
        "-c",
        columns,
        "--pair-logic",
        "exact",
        "-Ob",
        "-o",
        tmp,
        "-W",
        vcf,
    )
    os.replace(tmp, annotated)
    os.replace(f"{tmp}.csi", f"{annotated}.csi")
    frequency = " || ".join(f"INFO/{f}>{max_af}" for f in ("POP_AF", "POP_AF_GRPMAX") if f in fields)
    tmp = f"{rare}.tmp{os.getpid()}"
    bcftools("view", "--no-version", "-e", frequency, "-Ob", "-o", tmp, "-W", annotated)
    os.replace(tmp, rare)
    os.replace(f"{tmp}.csi", f"{rare}.csi")
    write_steps(funnel, [(f"population AF <= {max_af} or not observed", count_records(rare))])
