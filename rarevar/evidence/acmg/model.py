"""One ACMG/AMP criterion as rarevar applies it, and the strengths and points of the Bayesian scale.

Strength names follow the ClinGen SVI nomenclature: a criterion used at its default strength is written bare
(`PS2`, `PM2`), one used at another strength gets a suffix (`PM2_Supporting`, `PVS1_Strong`, `PP3_Moderate`).
Points follow Tavtigian et al. 2018 / 2020 (a naturally scaled point system fitted to the 2015 rules):
supporting 1, moderate 2, strong 4, very strong 8; benign evidence counts negative.
"""

from __future__ import annotations

from dataclasses import dataclass

from rarevar.base.messages import N_, english, joined, message

STRENGTHS = ("supporting", "moderate", "strong", "very_strong", "stand_alone")
POINTS = {"supporting": 1, "moderate": 2, "strong": 4, "very_strong": 8, "stand_alone": 8}
# Strengths as words in a sentence ("very strong").
STRENGTH_WORDS = {"supporting": N_("supporting"), "moderate": N_("moderate"), "strong": N_("strong"),
                  "very_strong": N_("very strong")}  # fmt: skip
SUFFIX = {"supporting": "Supporting", "moderate": "Moderate", "strong": "Strong", "very_strong": "VeryStrong",
          "stand_alone": "StandAlone"}  # fmt: skip
# The strength each code has in Richards et al. 2015, by its letters.
DEFAULT_STRENGTH = {"PVS": "very_strong", "PS": "strong", "PM": "moderate", "PP": "supporting",
                    "BA": "stand_alone", "BS": "strong", "BP": "supporting"}  # fmt: skip


def default_strength(code: str) -> str:
    return DEFAULT_STRENGTH[code.rstrip("0123456789")]


def weaker(strength: str) -> str | None:
    """One step down (very strong -> strong ...); None below supporting."""
    index = STRENGTHS.index(strength)
    return STRENGTHS[index - 1] if index > 0 else None


def strength_for_points(points: float) -> str | None:
    """SVI point tallies (PM3, de novo) to a strength: 0.5 supporting, 1 moderate, 2 strong, 4 very strong."""
    for limit, strength in ((4, "very_strong"), (2, "strong"), (1, "moderate"), (0.5, "supporting")):
        if points >= limit:
            return strength
    return None


@dataclass(frozen=True)
class Criterion:
    code: str  # PVS1, PS2, ... BP7
    strength: str  # one of STRENGTHS
    met: bool
    message: dict  # one sentence as a message (rarevar.base.messages): the data that triggered it, or why not met

    @property
    def evidence(self) -> str:
        return english(self.message)

    @property
    def pathogenic(self) -> bool:
        return self.code.startswith("P")

    @property
    def label(self) -> str:
        """'PS2', 'PM2_Supporting', 'PVS1_Strong'."""
        if self.strength == default_strength(self.code):
            return self.code
        return f"{self.code}_{SUFFIX[self.strength]}"

    @property
    def points(self) -> int:
        return POINTS[self.strength] * (1 if self.pathogenic else -1)

    def as_dict(self) -> dict:
        return {"code": self.code, "label": self.label, "strength": self.strength, "points": self.points,
                "evidence": self.evidence, "evidence_message": self.message}  # fmt: skip


def met(code: str, strength: str | None, said: dict) -> Criterion:
    return Criterion(code, strength or default_strength(code), True, said)


def clauses(parts: list) -> dict:
    """Clauses (messages) joined by '; ' into one sentence, its first letter capitalised: 'A; b; c.'"""
    return message("{clauses}.", clauses=joined(parts, "; ", capitalize=True))
