"""Where a variant stopped in a run: read the run's own work files to say why a candidate is gone.

A family's results folder keeps the stage files of its run under work/: population.bcf (every normalised variant
with its population AF and ClinVar annotation), rare.bcf (what passed the frequency prefilter) and
candidates.parquet (what passed the impact filter, the genotype gates and an inheritance mode). Following a variant
through them tells "ClinVar now benign", "now filtered by frequency" or "outranked" from the run itself rather than
guessing. A folder without work files (copied results) gives no trace; the caller then infers from the payloads.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pysam

from rarevar.annotate.clinvar import info_text, is_benign, is_pathogenic, stars
from rarevar.base.genome import strip_chr
from rarevar.base.messages import N_, english, message, word

WORK = "work"
FILTERED = N_("now filtered by population frequency: {values} above the limit {limit}")
FILTERED_NOT_PATHOGENIC = N_(
    "now filtered by population frequency: {values} above the limit {limit} and ClinVar no longer calls it pathogenic"
)


def _record(path: Path, chrom: str, pos: int, ref: str, alt: str):
    """The record of exactly this allele in an indexed BCF, or None."""
    with pysam.VariantFile(str(path)) as handle:
        names = {chrom, strip_chr(chrom), f"chr{strip_chr(chrom)}"} & set(handle.header.contigs)
        for name in names:
            for record in handle.fetch(name, pos - 1, pos):
                if record.pos == pos and record.ref.upper() == ref and alt in [a.upper() for a in record.alts or ()]:
                    return record
    return None


def _in_table(path: Path, pos: int, ref: str, alt: str, chrom: str) -> bool:
    table = pd.read_parquet(path, columns=["chrom", "pos", "ref", "alt"])
    plain = table["chrom"].astype(str).map(strip_chr)
    hit = (plain == strip_chr(chrom)) & (table["pos"] == pos)
    return bool((hit & (table["ref"].str.upper() == ref) & (table["alt"].str.upper() == alt)).any())


def term(text: str) -> dict | str:
    """A word of a vocabulary read from a file (a ClinVar significance, an ACMG class), translated where the
    catalogue knows it; a text with braces is no template, so it stays a plain value."""
    return text if "{" in text or "}" in text else word(text)


def clinvar_words(significance: str, count: int | None) -> dict | str:
    """A ClinVar classification as the reasons show it: "Likely pathogenic (1 star)"."""
    said = term(significance.replace("_", " "))
    if count is None:
        return said
    return message("{significance} ({stars} star)" if count == 1 else "{significance} ({stars} stars)",
                   significance=said, stars=count)  # fmt: skip


def trace(folder, candidate: dict, settings: dict) -> list[str]:
    """Why this previous candidate is not among the run's reported candidates; [] when the folder cannot tell."""
    return [english(reason) for reason in traced(folder, candidate, settings)]


def traced(folder, candidate: dict, settings: dict) -> list[dict]:
    """The reasons of `trace` as messages (rarevar.base.messages)."""
    work = Path(folder) / WORK
    needed = [work / name for name in ("population.bcf", "rare.bcf", "candidates.parquet")]
    if not all(p.is_file() for p in needed):
        return []
    chrom, pos = str(candidate.get("chrom") or ""), int(candidate.get("pos"))
    ref, alt = str(candidate.get("ref") or "").upper(), str(candidate.get("alt") or "").upper()
    record = _record(needed[0], chrom, pos, ref, alt)
    if record is None:
        return [message("the current run's input does not hold this variant (after splitting and left-alignment)")]
    index = [a.upper() for a in record.alts].index(alt)
    info = record.info
    significance = info_text(info.get("CLINVAR_SIG")) if "CLINVAR_SIG" in info else ""
    review = info_text(info.get("CLINVAR_REVSTAT")) if "CLINVAR_REVSTAT" in info else ""
    reasons = []
    if significance and is_benign(significance):
        reasons.append(message("ClinVar now classifies it {classification}",
                               classification=clinvar_words(significance, stars(review))))  # fmt: skip
    if _record(needed[1], chrom, pos, ref, alt) is None:
        af = {
            name: _allele_value(info, key, index) for name, key in (("AF", "POP_AF"), ("group-max AF", "POP_AF_GRPMAX"))
        }
        shown = ", ".join(f"{name} {value:g}" for name, value in af.items() if value is not None)
        template = FILTERED if is_pathogenic(significance) else FILTERED_NOT_PATHOGENIC
        reasons.append(message(template, values=shown or "AF", limit=str(settings.get("max_population_af"))))
    elif not _in_table(needed[2], pos, ref, alt, chrom):
        reasons.append(message("in the current run it fails the impact filter, the genotype gates or every "
                               "inheritance mode"))  # fmt: skip
    else:
        reasons.append(message("still a candidate, but no longer ranked within the top {top}",
                               top=str(settings.get("max_candidates"))))  # fmt: skip
    return reasons


def _allele_value(info, key: str, index: int) -> float | None:
    if key not in info:
        return None
    value = info.get(key)
    value = value[index] if isinstance(value, tuple) else value
    return None if value is None else float(value)
