"""FILTER: a call its variant caller marked as failing a filter (VQSR tranches, LowQual, ...) is set aside at its
own funnel step, counted and listed, unless the config allows that filter (`filters: {allow: [...]}`).

A record passes when every name in its FILTER is PASS or allowed, or FILTER is missing ('.'). bcftools tests a
record's filters by name (`FILTER~"X"`: X is one of them), so the failing names are the header's declared filters
less the allowed ones: htslib cannot write a record whose filter the header does not declare.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from itertools import islice
from pathlib import Path

from rarevar.base.bcftools import bcftools, count_records, read_in_order
from rarevar.base.clinvar_fields import CLINVAR_COLUMNS, CLINVAR_PATHOGENIC
from rarevar.base.funnel import MAX_LISTED
from rarevar.errors import InputError
from rarevar.inputs.split_alleles import CARRIES_ALLELE

LISTED = "%CHROM\t%POS\t%REF\t%ALT\t%FILTER"
WITH_CLINVAR = "\t%INFO/CLINVAR_SIG\t%INFO/CLINVAR_ID"
NOT_A_NAME = (" ", "\t", ";", ",", '"', "'")  # a FILTER id has no whitespace or ';' (VCF 4.3); the rest would break
# the bcftools expression or the --allow-filter options the workflow writes


def declared_filters(vcf: str | Path) -> list[str]:
    with read_in_order(str(vcf)) as handle:  # a family VCF, often without an index: no htslib noise
        return list(handle.header.filters)


def failing_names(path: str, allowed: list[str]) -> list[str]:
    """The filters of `path`'s header that fail a record: all but PASS and the allowed ones."""
    return [name for name in declared_filters(path) if name != "PASS" and name not in allowed]


def passing(failing: list[str]) -> str:
    """A clause to append to a bcftools `-i` expression: ' && ' and true for a record none of whose filters fail
    ('' when no filter fails)."""
    return "".join(f' && FILTER!~"{name}"' for name in failing)


def failed_alleles(path: str, failing: list[str], clinvar: str | None) -> tuple[list[list[str]], int]:
    """The carried alleles of `path` whose record fails a filter: how many (all, from an index), and the rows to
    list: CHROM, POS, REF, ALT, FILTER, then ClinVar's significance and id. Every ClinVar (likely) pathogenic one
    comes first, whatever their number; then the others, in order, up to MAX_LISTED rows in all."""
    if not failing:
        return [], 0
    fails = " || ".join(f'FILTER~"{name}"' for name in failing)
    with tempfile.TemporaryDirectory(prefix="rarevar-filter-") as tmp:
        failed = os.path.join(tmp, "failed.bcf")
        bcftools("view", "--no-version", "-i", f"{CARRIES_ALLELE} && ({fails})", "-Ob0", "-o", failed, "--write-index",
                 path)  # fmt: skip
        total = count_records(failed)
        if not total or not clinvar:
            return _rows(failed, tmp, LISTED, MAX_LISTED), total
        # Only the failed records meet the ClinVar store here (a few percent of a genome's records), by the same
        # exact-allele join as the frequency stage: a known pathogenic call that failed FILTER is named, not lost.
        joined = os.path.join(tmp, "clinvar.bcf")
        bcftools("annotate", "--no-version", "-a", clinvar, "-c", CLINVAR_COLUMNS, "--pair-logic", "exact", "-Ob0",
                 "-o", joined, failed)  # fmt: skip
        flagged = _rows(joined, tmp, LISTED + WITH_CLINVAR, None, "-i", CLINVAR_PATHOGENIC)
        others = _rows(joined, tmp, LISTED, max(0, MAX_LISTED - len(flagged)), "-e", CLINVAR_PATHOGENIC)
        return flagged + others, total


def _rows(path: str, tmp: str, columns: str, limit: int | None, *expression: str) -> list[list[str]]:
    """The first `limit` rows (None: all) of `path`'s records that match `expression`, as `columns`."""
    out = os.path.join(tmp, "listing.tsv")
    bcftools("query", *expression, "-f", f"{columns}\n", "-o", out, path)
    with open(out, encoding="utf-8") as handle:
        return [line.rstrip("\n").split("\t") for line in islice(handle, limit)]


# --- the config's `filters` ---------------------------------------------------------------------------------------


def check_filter_settings(config: dict, source: str) -> None:
    """`filters.allow`: FILTER ids, none of them PASS (which always passes)."""
    for index, name in enumerate(config.get("filters", {}).get("allow", [])):
        key = f"filters.allow.{index}"
        if name in ("PASS", "."):
            raise InputError(source, f"setting '{key}' is {name!r}, which always passes (the setting would be "
                             "ignored)", "Remove it; list only the filters to let through besides PASS")  # fmt: skip
        if not name or any(c in name for c in NOT_A_NAME):
            raise InputError(source, f"setting '{key}' is {name!r}, not a FILTER name (no spaces, ';', ',' or "
                             "quotes)", "Write the filter's ID as the VCF header declares it (##FILTER=<ID=...>)")


def check_allowed_declared(allowed: list[str], vcfs: list[str | Path], source: str) -> None:
    """Every allowed filter is declared by at least one of the batch's VCFs. A name none declares is most likely
    a typo: it would let nothing through, and the records meant to pass would be set aside. (A batch may mix
    callers, so a filter only some VCFs declare is fine.)"""
    if not allowed:
        return
    declared: set[str] = set()
    for vcf in vcfs:
        declared.update(declared_filters(vcf))
    for index, name in enumerate(allowed):
        if name not in declared:
            near = difflib.get_close_matches(name, sorted(declared), n=1, cutoff=0.6)
            hint = f"Did you mean '{near[0]}'? " if near else ""
            known = ", ".join(sorted(declared - {"PASS"})) or "none besides PASS"
            raise InputError(source, f"setting 'filters.allow.{index}' is '{name}', a filter no family VCF declares "
                             f"(their ##FILTER lines: {known})", f"{hint}Use a declared name or remove it")
