"""Combining met criteria into a class, two ways: the rules of Richards et al. 2015 (Table 5) and the points
scale of Tavtigian et al. 2018/2020 (P >= 10, LP 6..9, VUS 0..5, LB -1..-6, B <= -7).

Each criterion counts at the strength it was applied at (PM2_Supporting counts as supporting, PP3_Moderate as
moderate), as the ClinGen SVI asks. Two additions to the 2015 table, both from the SVI: PVS1 with PM2_Supporting
alone is Likely pathogenic (SVI PM2 recommendation, 2020), and two very strong criteria are Pathogenic.
"""

from __future__ import annotations

from collections import Counter

from rarevar.evidence.acmg.model import Criterion

PATHOGENIC, LIKELY_PATHOGENIC, UNCERTAIN = "Pathogenic", "Likely pathogenic", "Uncertain significance"
LIKELY_BENIGN, BENIGN = "Likely benign", "Benign"
CLASSES = (PATHOGENIC, LIKELY_PATHOGENIC, UNCERTAIN, LIKELY_BENIGN, BENIGN)


def _counts(criteria: list[Criterion], pathogenic: bool) -> Counter:
    return Counter(c.strength for c in criteria if c.met and c.pathogenic == pathogenic)


def _pathogenic_2015(criteria: list[Criterion]) -> str | None:
    n = _counts(criteria, pathogenic=True)
    vs, s, m, p = n["very_strong"], n["strong"], n["moderate"], n["supporting"]
    if vs >= 2 or (vs and (s >= 1 or m >= 2 or (m == 1 and p >= 1) or p >= 2)):
        return PATHOGENIC
    if s >= 2 or (s == 1 and (m >= 3 or (m == 2 and p >= 2) or (m == 1 and p >= 4))):
        return PATHOGENIC
    pvs1_pm2 = any(c.met and c.code == "PVS1" and c.strength == "very_strong" for c in criteria) and any(
        c.met and c.code == "PM2" for c in criteria
    )
    if (vs and m >= 1) or pvs1_pm2:
        return LIKELY_PATHOGENIC
    if (s == 1 and (m >= 1 or p >= 2)) or m >= 3 or (m == 2 and p >= 2) or (m == 1 and p >= 4):
        return LIKELY_PATHOGENIC
    return None


def _benign_2015(criteria: list[Criterion]) -> str | None:
    n = _counts(criteria, pathogenic=False)
    strong = n["strong"] + n["very_strong"]
    if n["stand_alone"] or strong >= 2:
        return BENIGN
    if (strong == 1 and n["supporting"] + n["moderate"] >= 1) or n["supporting"] + n["moderate"] >= 2:
        return LIKELY_BENIGN
    return None


def classify_2015(criteria: list[Criterion]) -> str:
    """2015 rules; pathogenic and benign criteria that both reach a class contradict each other: VUS."""
    pathogenic, benign = _pathogenic_2015(criteria), _benign_2015(criteria)
    if pathogenic and benign:
        return UNCERTAIN
    return pathogenic or benign or UNCERTAIN


def total_points(criteria: list[Criterion]) -> int:
    return sum(c.points for c in criteria if c.met)


def classify_points(points: int) -> str:
    if points >= 10:
        return PATHOGENIC
    if points >= 6:
        return LIKELY_PATHOGENIC
    if points >= 0:
        return UNCERTAIN
    if points >= -6:
        return LIKELY_BENIGN
    return BENIGN
