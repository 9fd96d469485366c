"""The filtering funnel: every stage records how many variants it kept and why the rest went.

A step is `{"step": <English text>, "variants": N, ..., "message": {"id": <template>, "fields": {...}}}`: the
English text for a reader of the file, the message for the report to render in its language. Every step's
template is listed here (STEPS), so that each has a translation in every catalogue the report ships.
"""

from __future__ import annotations

import json
from pathlib import Path

from rarevar.base.atomic import write_bytes_atomic
from rarevar.base.messages import N_, english, message

# normalize
INPUT_RECORDS = N_("input records")
SPLIT = N_("after splitting multi-allelics")
CARRIED = N_("alternate allele carried by a family member")
FILTER_PASS = N_("FILTER PASS or missing (alleles whose record failed a filter set aside, each listed)")
FILTER_ALLOWED = N_("FILTER PASS, missing or allowed ({allowed}) (alleles whose record failed another filter set "
                    "aside, each listed)")
ASSESSABLE = N_("alleles rarevar can assess ('*', reference-block and breakend alleles set aside, each listed)")
DEDUPLICATED = N_("one record per allele (a record that left-aligns onto another's allele merged into the first)")
# frequency
RARE = N_("population AF <= {max_af} or not observed")
RARE_OR_CLINVAR = N_("population AF <= {max_af} or not observed (ClinVar pathogenic kept at any frequency)")
FREQUENCY_NOT_ASSESSED = N_("population frequency not assessed (no population source configured or in the input): "
                            "no record filtered by it")
# cohort
COHORT_UNLIMITED = N_("local cohort annotated ({n} other families), no recurrence limit")
COHORT = N_("local cohort: seen in at most {allowed} of {n} other families")
COHORT_OR_CLINVAR = N_("local cohort: seen in at most {allowed} of {n} other families (ClinVar pathogenic kept)")
# consequence
CONSEQUENCES = N_("consequences annotated ({source})")
CONSEQUENCES_INPUT = N_("consequences annotated ({source} in the input; records without one set aside, each listed)")
# regenotype
REGENOTYPED = N_("missing genotypes looked up in gVCFs ({filled} filled, {left} left missing)")
# candidates
IMPACT = N_("consequence impact {impacts}")
IMPACT_OR_EXON = N_("consequence impact {impacts}, or an exon of a non-coding disease gene")
GATES = N_("an affected carrier passes genotype gates ({gates})")
FITS = N_("fits an inheritance mode")
# rank
REPORTED = N_("reported (top {n})")
REPORTED_NONE = N_("reported: none, sample QC failed")

STEPS = (INPUT_RECORDS, SPLIT, CARRIED, FILTER_PASS, FILTER_ALLOWED, ASSESSABLE, DEDUPLICATED, RARE,
         RARE_OR_CLINVAR, COHORT_UNLIMITED, COHORT, COHORT_OR_CLINVAR, CONSEQUENCES, CONSEQUENCES_INPUT, REGENOTYPED,
         IMPACT, IMPACT_OR_EXON, GATES, FITS, REPORTED, REPORTED_NONE)  # fmt: skip
STEPS = (*STEPS, FREQUENCY_NOT_ASSESSED)


# Set-aside records listed per step (in candidates.json and the report); all are counted.
MAX_LISTED = 1000


def listed(records: list[dict]) -> list[dict]:
    """The set-aside records a step lists: every one flagged as ClinVar (likely) pathogenic first, whatever their
    number (a known cause is never left out of the list), then the others in order, up to MAX_LISTED in all."""
    flagged = [r for r in records if r.get("clinvar")]
    others = [r for r in records if not r.get("clinvar")]
    return flagged + others[: max(0, MAX_LISTED - len(flagged))]


def step(template: str, variants: int, fields: dict | None = None, **extra) -> dict:
    """One funnel step: its English text, its count, any `extra` keys (set-aside records), then its message."""
    if template not in STEPS:
        raise ValueError(f"funnel step {template!r} is not listed in rarevar.base.funnel.STEPS")
    said = message(template, **(fields or {}))
    return {"step": english(said), "variants": int(variants), **extra, "message": said}


def write_json_atomic(path: str | Path, data) -> None:
    text = json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))


def write_steps(path: str | Path, steps: list[dict]) -> None:
    """One stage's steps, in order, each made by `step`."""
    write_json_atomic(path, steps)


def read_steps(paths: list[str | Path]) -> list[dict]:
    steps: list[dict] = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            steps.extend(json.load(handle))
    return steps
