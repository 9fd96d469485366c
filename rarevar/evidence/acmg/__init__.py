"""ACMG/AMP 2015 criteria with the ClinGen SVI refinements, for one ranked candidate: `assess(candidate, context)`.

Returns the met criteria (code, strength, points, the evidence sentence), those considered but not met (with the
reason), the codes a person must judge (`for_review`), and the class by the 2015 combining rules and by the
Bayesian points scale (acmg.combine). `classification` is the 2015 class, the one the guideline defines;
`points` is exposed for ranking. This is automated evidence for a reviewer, not a clinical classification.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rarevar.base.messages import N_, english, message, word
from rarevar.evidence.acmg import criteria, population
from rarevar.evidence.acmg.combine import classify_2015, classify_points, total_points
from rarevar.evidence.acmg.model import Criterion
from rarevar.evidence.acmg.pvs1 import pvs1

# Codes that need data or judgement this pipeline does not have: always left to a reviewer.
ALWAYS_FOR_REVIEW = {
    "PS3": N_("functional studies"),
    "PS4": N_("prevalence in affected people over controls"),
    "PM1": N_("hotspot or critical functional domain (no hotspot resource configured)"),
    "PP1": N_("co-segregation with disease in further affected relatives"),
    "PP2": N_("missense in a gene with few benign missense variants (gene-level ClinVar counts not at hand)"),
    "PP4": N_("phenotype highly specific for the gene (the HPO match already weighs the de novo points)"),
    "BS3": N_("functional studies showing no effect"),
    "BS4": N_("non-segregation in affected relatives"),
    "BP1": N_(
        "missense in a gene where only truncating variants cause disease (gene-level ClinVar counts not at hand)"
    ),
    "BP2": N_("in trans with a pathogenic variant for a dominant disease, or in cis with one"),
    "BP5": N_("an alternative molecular cause in this patient"),
}


@dataclass(frozen=True)
class AcmgContext:
    """What the family and the run tell beyond the candidate itself."""

    parentage_confirmed: bool | None = None  # relatedness and Mendelian QC passed for the proband's parents
    parentage_note: str = N_("parentage not checked")  # a fixed clause of the de novo evidence
    partner_clinvar: dict[str, dict | None] = field(default_factory=dict)  # compound-het partner key -> ClinVar
    population_configured: bool = True


def parentage_from_qc(qc: dict | None) -> tuple[bool | None, str]:
    """(confirmed?, words) from the family's QC: every parent-child pair related as the PED says, and the
    Mendelian error rate within limits."""
    qc = qc or {}
    pairs = [p for p in qc.get("relatedness") or [] if p.get("expected") == "parent-child"]
    trios = qc.get("mendelian") or []
    if not pairs:
        return None, N_("parentage not checked (no parent-child pair assessed by QC)")
    if all(p.get("ok") for p in pairs) and all(t.get("ok") for t in trios):
        return True, (N_("parentage confirmed by relatedness and Mendelian-error QC") if trios
                      else N_("parentage confirmed by relatedness QC"))  # fmt: skip
    return False, N_("parentage NOT confirmed: the family's relatedness or Mendelian-error QC flagged a parent")


def _terms(c: dict) -> set[str]:
    return set((c.get("consequence") or "").split("&"))


def assess(c: dict, context: AcmgContext | None = None) -> dict:
    context = context or AcmgContext()
    terms = _terms(c)
    considered: list[Criterion] = []
    review: dict[str, dict] = {code: message(reason) for code, reason in ALWAYS_FOR_REVIEW.items()}

    def add(item: Criterion | None) -> None:
        if item is not None:
            considered.append(item)

    def add_review(reason: tuple[str, dict] | None) -> None:
        if reason:
            code, said = reason
            review[code] = said

    null = pvs1(c)
    add(null)
    add(population.pm2(c, context.population_configured))
    add(population.ba1_bs1(c))
    bs2, why = population.bs2(c)
    add(bs2)
    add_review(why)
    add(criteria.de_novo(c, context.parentage_confirmed, context.parentage_note))
    pm3, why = criteria.pm3(c, context.partner_clinvar)
    add(pm3)
    add_review(why)
    for item in criteria.ps1_pm5(c):
        add(item)
    if not (null and null.met):
        add(criteria.pm4(c, terms))
    for item in criteria.computational(c, bool(null and null.met)):
        add(item)
    bp7, why = criteria.bp7(c, terms)
    add(bp7)
    add_review(why)
    for item in considered:
        if not item.met and item.code in ("PS2", "PM6", "PVS1"):
            review.setdefault(item.code, item.message)
    # Pathogenic first, strongest first, as curators list them (PS2, PM5, PP3_Moderate, PM2_Supporting).
    applied = sorted((c for c in considered if c.met), key=lambda c: (not c.pathogenic, -abs(c.points), c.code))
    points = total_points(applied)
    class_2015 = classify_2015(applied)
    return {
        "criteria": [item.as_dict() for item in applied],
        "not_met": [
            {"code": item.code, "evidence": item.evidence, "evidence_message": item.message}
            for item in considered
            if not item.met
        ],
        "for_review": [
            {"code": code, "reason": english(reason), "reason_message": reason}
            for code, reason in sorted(review.items())
        ],
        "points": points,
        "class_2015": class_2015,
        "class_points": classify_points(points),
        "classification": class_2015,
    }


def summary_sentence(acmg: dict) -> str:
    """'ACMG: Likely pathogenic (7 points: PS2, PM2_Supporting, PP3_Moderate).' ('by points' when they differ)."""
    return english(summary_message(acmg))


def summary_message(acmg: dict) -> dict:
    """The summary sentence as a message (rarevar.base.messages)."""
    labels = ", ".join(item["label"] for item in acmg["criteria"])
    fields = {"acmg_class": word(acmg["class_2015"]), "points": acmg["points"],
              "criteria": labels or word("no criterion met")}  # fmt: skip
    one = abs(acmg["points"]) == 1
    if acmg["class_points"] == acmg["class_2015"]:
        template = N_("ACMG: {acmg_class} ({points} point: {criteria}).") if one else N_(
            "ACMG: {acmg_class} ({points} points: {criteria}).")  # fmt: skip
        return message(template, **fields)
    template = N_("ACMG: {acmg_class} ({points} point: {criteria}; by points {class_points}).") if one else N_(
        "ACMG: {acmg_class} ({points} points: {criteria}; by points {class_points}).")  # fmt: skip
    return message(template, class_points=word(acmg["class_points"]), **fields)
