"""How strong each inheritance call is, per record: who of the parents could be assessed, and how
confident a de novo call is (slivar/GATK-style checks on the parents' reads and the child's allele balance).

Compound-het phase evidence (parents > reads > unphased) comes from `inheritance.compound_heterozygous`.
"""

from __future__ import annotations

import numpy as np

from rarevar.family.gates import GenotypeQuality
from rarevar.family.inheritance import (
    HET,
    HOM_ALT,
    HOM_REF,
    MISSING,
    Family,
    Person,
    lowest_affected_level,
    shared_paternal_heteroplasmy,
    unaffected_level_not_lower,
)

# A de novo call is `high` when every check passes, `low` when the reads speak against it (a parent
# shows alt reads, the child's allele balance is off), `medium` when nothing speaks against it but a
# parent's depth or GQ is short or a field is missing.
# One stray alt read in a parent is a sequencing error more often than a transmitted allele: slivar's
# denovo() allows one across both parents; a parent's alt fraction above 5% is held against the call.
DE_NOVO_CHECKS = {"parent_min_dp": 10, "parent_min_gq": 20, "parents_max_alt_reads": 1, "parent_max_alt_fraction": 0.05,
                  "child_het_ab": (0.2, 0.8)}  # fmt: skip
CONFIDENCE = ("high", "medium", "low")
COMPLETENESS = ("both", "one", "none")


def parents_genotyped(family: Family) -> np.ndarray:
    """Per record: 'both', 'one' or 'none' -- how many parents of an affected individual are sequenced and
    called there (the best-covered affected individual counts)."""
    most = np.zeros(family.n, dtype=np.int64)
    for person in family.affected:
        called = sum((parent.gt != MISSING).astype(np.int64) for parent in person.parents)
        most = np.maximum(most, called)
    return np.array(["none", "one", "both"], dtype=object)[most]


def unassessable_parents(family: Family, mito: np.ndarray | None = None) -> list[list[str]]:
    """Per record: the sequenced parents of affected individuals whose genotype is missing there. On mtDNA records
    (`mito`) only mothers: a father passes on no mtDNA, so his missing call leaves nothing open."""
    missing: list[list[str]] = [[] for _ in range(family.n)]
    mothers = {person.mother.sample for person in family.affected if person.mother is not None}
    parents = {parent.sample: parent for person in family.affected for parent in person.parents}
    nuclear = np.ones(family.n, dtype=bool) if mito is None else ~mito
    for sample, parent in parents.items():
        for i in np.flatnonzero((parent.gt == MISSING) & (nuclear | (sample in mothers))):
            missing[i].append(sample)
    return missing


def _parent_checks(parent: Person, column: int, quality: GenotypeQuality) -> tuple[np.ndarray, np.ndarray]:
    """(against, short) per record: the parent's alt-read fraction is too high; the parent's depth/GQ is short
    or unknown."""
    dp, gq, alt = quality.dp[:, column], quality.gq[:, column], quality.alt_reads[:, column]
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = alt / dp
    against = ~np.isnan(fraction) & (alt > 0) & (fraction > DE_NOVO_CHECKS["parent_max_alt_fraction"])
    deep = ~np.isnan(dp) & (dp >= DE_NOVO_CHECKS["parent_min_dp"])
    confident = ~np.isnan(gq) & (gq >= DE_NOVO_CHECKS["parent_min_gq"])
    return against, ~(deep & confident & ~np.isnan(alt))


def _parental_alt_reads(kid: Person, columns: dict[str, int], quality: GenotypeQuality) -> np.ndarray:
    """Alt reads of both parents together (NaN counts as none: a missing AD is a doubt, not evidence)."""
    return sum(np.nan_to_num(quality.alt_reads[:, columns[p.sample]]) for p in (kid.mother, kid.father))


def _child_checks(kid: Person, column: int, quality: GenotypeQuality) -> tuple[np.ndarray, np.ndarray]:
    """(against, unknown) per record: the child's allele balance does not fit its call; no AD."""
    ab = quality.allele_balance[:, column]
    low, high = DE_NOVO_CHECKS["child_het_ab"]
    unknown = np.isnan(ab)
    off = ((kid.gt == HET) & ((ab < low) | (ab > high))) | ((kid.gt == HOM_ALT) & (ab < high))
    return ~unknown & off, unknown


def heteroplasmy(family: Family, columns: dict[str, int], quality: GenotypeQuality, mito: np.ndarray) -> list[dict]:
    """Per mtDNA record: each sequenced family member's heteroplasmy level (alt fraction, 3 decimals) where
    known; an empty dict for other records."""
    levels: list[dict] = [{} for _ in range(family.n)]
    fraction = quality.heteroplasmy
    for i in np.flatnonzero(mito):
        for person in family.people:
            value = fraction[i, columns[person.sample]]
            if not np.isnan(value):
                levels[i][person.sample] = round(float(value), 3)
    return levels


# Why a mitochondrial call is only possible (inheritance.mitochondrial), said per record by evidence.rank.
MITO_DOUBTS = ("paternal_heteroplasmy", "unaffected_level")


def mitochondrial_doubts(family: Family, mito: np.ndarray) -> list[list[dict]]:
    """Per mtDNA record, what speaks against maternal inheritance, each as {reason, sample, affected}:
    `paternal_heteroplasmy`, the father (`sample`) shares his affected child's heteroplasmy (a likely artefact: mtDNA
    is not passed on by fathers); `unaffected_level`, an unaffected relative is heteroplasmic at the level of an
    affected individual or above (the affected one with the lowest level). `family` carries the levels."""
    doubts: list[list[dict]] = [[] for _ in range(family.n)]
    for kid in family.affected:
        for i in np.flatnonzero(mito & shared_paternal_heteroplasmy(kid)):
            doubts[i].append({"reason": "paternal_heteroplasmy", "sample": kid.father.sample, "affected": kid.sample})
    if not family.affected:
        return doubts
    lowest = lowest_affected_level(family)
    levels = np.column_stack([a.mito_level for a in family.affected])
    lowest_of = levels.argmin(axis=1)  # where a level is not known, none is held against the mode
    for person in family.unaffected:
        for i in np.flatnonzero(mito & unaffected_level_not_lower(person, lowest)):
            if any(d["sample"] == person.sample for d in doubts[i]):  # a father already said to share it
                continue
            affected = family.affected[lowest_of[i]].sample
            doubts[i].append({"reason": "unaffected_level", "sample": person.sample, "affected": affected})
    return doubts


def de_novo_confidence(
    family: Family, columns: dict[str, int], quality: GenotypeQuality, called: np.ndarray
) -> np.ndarray:
    """Per record called de novo (`called`): 'high', 'medium' or 'low' for the allele new in an affected
    child of two hom-ref parents (the most confident such child counts); 'low' where a parent's call is
    missing; '' for records not called de novo. `family` holds the calls before the quality gates."""
    best = np.full(family.n, 2, dtype=np.int64)
    for kid in family.affected_trios:
        arose = (kid.gt >= HET) & (kid.mother.gt == HOM_REF) & (kid.father.gt == HOM_REF)
        against, doubt = _child_checks(kid, columns[kid.sample], quality)
        for parent in (kid.mother, kid.father):
            parent_against, parent_short = _parent_checks(parent, columns[parent.sample], quality)
            against, doubt = against | parent_against, doubt | parent_short
        against |= _parental_alt_reads(kid, columns, quality) > DE_NOVO_CHECKS["parents_max_alt_reads"]
        level = np.where(against, 2, np.where(doubt, 1, 0))
        best = np.where(arose, np.minimum(best, level), best)
    return np.where(called, np.array(CONFIDENCE, dtype=object)[best], "")
