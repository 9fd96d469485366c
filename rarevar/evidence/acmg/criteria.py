"""The variant- and family-level criteria other than PVS1 and the population ones: one function per criterion,
each returning a Criterion (met, or not met with the reason) or None when it does not apply to the variant.

- PS2 / PM6 (ClinGen SVI de novo recommendation, v1.1): points per de novo occurrence by phenotype fit: confirmed
  de novo 2 (phenotype highly specific to the gene), 1 (consistent), 0.5 (weakly consistent); assumed de novo half
  of that. Points 0.5 / 1 / 2 / 4 give Supporting / Moderate / Strong / Very strong. "Confirmed" needs both
  parents genotyped, a high-confidence call and parentage confirmed by the family's relatedness and Mendelian
  QC; otherwise the de novo is "assumed" (PM6). The phenotype fit is read from the HPO match score.
- PM3 (SVI PM3 recommendation, v1.0): a partner in trans that ClinVar classifies pathogenic 1 point, likely
  pathogenic 0.5; phase unknown: half of that; homozygous in the proband 0.5.
- PS1 / PM5: ClinVar (likely) pathogenic missense at the same codon: the same amino-acid change from another
  nucleotide change (PS1) or another amino-acid change (PM5), weighted by the ClinVar review stars as Exomiser
  does (PS1: >= 2 stars Strong, 1 Moderate, 0 Supporting; PM5: >= 2 stars Moderate, else Supporting).
- PM4, PP3/BP4 (as computed from calibrated scores, rarevar.annotate.scores), BP7.
ClinVar's classification of the variant itself is never a criterion (PP5/BP6 are retired by the SVI).
"""

from __future__ import annotations

import re

from rarevar.base.messages import N_, message, word
from rarevar.evidence.acmg.model import Criterion, clauses, met, strength_for_points

DE_NOVO_MODES = {"de_novo", "x_linked_de_novo"}
# HPO match score -> (phenotype fit, points if confirmed de novo); an assumed de novo gets half.
PHENOTYPE_FIT = ((0.8, N_("highly specific"), 2.0), (0.3, N_("consistent"), 1.0), (1e-9, N_("weakly consistent"), 0.5))
# The de novo call confidences (rarevar.family) as the PM6 sentence says them.
CONFIDENCE_WORDS = (N_("high"), N_("medium"), N_("unknown"))  # "low" has a sentence of its own
PM3_POINTS = {("trans", "pathogenic"): 1.0, ("trans", "likely"): 0.5,
              ("unknown", "pathogenic"): 0.5, ("unknown", "likely"): 0.25}  # fmt: skip
HOMOZYGOUS_PM3_POINTS = 0.5
PHASE_CLAUSES = {"parents": N_("in trans (phase from parents)"), "reads": N_("in trans (phase from reads)"),
                 "unknown": N_("phase unknown")}  # fmt: skip
SPLICEAI_NO_IMPACT = 0.1  # Walker et al. 2023: BP7 and BP4 at <= 0.1
SOURCES = {"cadd": "CADD", "revel": "REVEL", "alphamissense": "AlphaMissense", "spliceai": "SpliceAI"}
DEEP_INTRONIC = re.compile(r"[+](\d+)|-(\d+)[ACGTN]")  # c.100+25A>G / c.101-30C>T


def _phenotype_fit(score: float | None) -> tuple[str, float] | None:
    for limit, fit, points in PHENOTYPE_FIT:
        if (score or 0) >= limit:
            return fit, points
    return None


def below_half_point(sentence: dict) -> dict:
    return message("{sentence} Below 0.5 points: not applied.", sentence=sentence)


def de_novo(c: dict, parentage_confirmed: bool | None, parentage_note: str) -> Criterion | None:
    """PS2 (confirmed de novo) or PM6 (assumed), with SVI points. `parentage_note`: a fixed clause of
    parentage_from_qc, said as it is."""
    modes = set(c.get("inheritance") or [])
    if not modes & DE_NOVO_MODES:
        if set(c.get("possible_inheritance") or []) & DE_NOVO_MODES:
            return Criterion("PM6", "moderate", False, message("De novo only possible (a parent is not genotyped "
                             "here): neither PS2 nor PM6 applied."))  # fmt: skip
        return None
    confidence = c.get("de_novo_confidence") or "unknown"
    fit = _phenotype_fit(c.get("phenotype_score"))
    if confidence == "low":
        return Criterion("PM6", "moderate", False, message("De novo call confidence low (alt reads in a parent or "
                         "the child's allele balance is off): neither PS2 nor PM6 applied."))  # fmt: skip
    if fit is None:
        return Criterion("PS2", "strong", False, message("De novo, but the patient's phenotype does not match the "
                         "gene's (HPO match 0): neither PS2 nor PM6 applied."))  # fmt: skip
    words, points = fit
    confirmed = confidence == "high" and bool(parentage_confirmed) and c.get("parents_genotyped") == "both"
    code = "PS2" if confirmed else "PM6"
    if not confirmed:
        points /= 2
    parentage = message(parentage_note)
    why = ([message("de novo confirmed: both parents genotyped, call confidence high, {parentage}",
                    parentage=parentage)] if confirmed
           else [message("de novo assumed, not confirmed: call confidence {confidence}", confidence=word(confidence)),
                 parentage])  # fmt: skip
    strength = strength_for_points(points)
    sentence = clauses([*why, message("phenotype {fit} (HPO match {score}): {points} SVI de novo points",
                                      fit=word(words), score=f"{c.get('phenotype_score') or 0:.2f}",
                                      points=f"{points:g}")])  # fmt: skip
    if strength is None:
        return Criterion(code, "supporting", False, below_half_point(sentence))
    return met(code, strength, sentence)


def _partner_class(clinvar: dict | None) -> str | None:
    significance = (clinvar or {}).get("significance") or ""
    if significance.startswith("Pathogenic"):
        return "pathogenic"
    if significance.startswith("Likely_pathogenic"):
        return "likely"
    return None


def pm3(c: dict, partner_clinvar: dict[str, dict | None]) -> tuple[Criterion | None, tuple[str, dict] | None]:
    """(PM3 for a recessive call, or None; (code, reason) for review where a partner's classification is missing)."""
    modes = set(c.get("inheritance") or [])
    if "compound_heterozygous" in modes:
        phase = "trans" if c.get("phase_evidence") in ("parents", "reads") else "unknown"
        scored = []
        for partner in c.get("compound_partners") or []:
            kind = _partner_class(partner_clinvar.get(partner))
            if kind:
                scored.append((PM3_POINTS[(phase, kind)], partner, kind))
        if not scored:
            return None, ("PM3", message("no compound-heterozygous partner is (likely) pathogenic in ClinVar; classify "
                                         "the partner first."))  # fmt: skip
        points, partner, kind = max(scored)
        strength = strength_for_points(points)
        sentence = message("With {partner}, {label} in ClinVar, {how}: {points} SVI PM3 points.", partner=partner,
                           label=word(N_("pathogenic") if kind == "pathogenic" else N_("likely pathogenic")),
                           how=message(PHASE_CLAUSES[c["phase_evidence"] if phase == "trans" else "unknown"]),
                           points=f"{points:g}")  # fmt: skip
        if strength is None:
            return Criterion("PM3", "supporting", False, below_half_point(sentence)), None
        return met("PM3", strength, sentence), None
    if modes & {"autosomal_recessive", "uniparental_isodisomy"}:
        sentence = message("Homozygous in the proband: {points} SVI PM3 points.", points=f"{HOMOZYGOUS_PM3_POINTS:g}")
        return met("PM3", strength_for_points(HOMOZYGOUS_PM3_POINTS), sentence), None
    return None, None


def _own_key(c: dict) -> str:
    return ":".join(str(c.get(k)) for k in ("chrom", "pos", "ref", "alt"))


def ps1_pm5(c: dict) -> list[Criterion]:
    codon = c.get("clinvar_codon") or {}
    out = []
    same = [h for h in codon.get("same_amino_acid_change") or [] if h.get("variant") != _own_key(c)]
    if same:
        best = max(same, key=lambda h: h.get("stars") or 0)
        stars = best.get("stars") or 0
        strength = "strong" if stars >= 2 else "moderate" if stars == 1 else "supporting"
        sentence = message(
            "The same amino-acid change ({hgvs_p}) from another nucleotide change ({variant}) is {significance} in "
            "ClinVar ({id}, {stars} stars); its splicing effect is not compared.",
            hgvs_p=str(c.get("hgvs_p")),
            **_hit_fields(best),
        )
        out.append(met("PS1", strength, sentence))
    other = codon.get("other_change_at_codon") or []
    if other:
        best = max(other, key=lambda h: h.get("stars") or 0)
        sentence = message(
            "Another missense change at this codon (to {aa}, {variant}) is {significance} in ClinVar ({id}, {stars} "
            "stars).",
            aa=str(best["alt_aa"]),
            **_hit_fields(best),
        )
        out.append(met("PM5", "moderate" if (best.get("stars") or 0) >= 2 else "supporting", sentence))
    return out


def _hit_fields(hit: dict) -> dict:
    """A ClinVar hit at the codon as fields of a sentence; its classification as words ('Likely pathogenic')."""
    return {"variant": str(hit["variant"]), "significance": word(hit["significance"].replace("_", " ")),
            "id": str(hit["id"]), "stars": hit.get("stars") or 0}  # fmt: skip


def pm4(c: dict, terms: set[str]) -> Criterion | None:
    if "stop_lost" in terms:
        return met("PM4", "moderate", message("Stop lost: the protein is lengthened."))
    if not terms & {"inframe_insertion", "inframe_deletion"}:
        return None
    repeat = c.get("repeat_region")
    if repeat is True:
        return Criterion("PM4", "moderate", False, message("In-frame indel in a tandem repeat of its own sequence in "
                         "the reference: PM4 not applied."))  # fmt: skip
    if repeat is False:
        return met("PM4", "moderate", message("In-frame indel outside a tandem repeat of its own sequence: protein "
                   "length changed."))  # fmt: skip
    return met("PM4", "supporting", message("In-frame indel; whether it lies in a repeat is not known (no reference "
               "at hand), so Supporting."))  # fmt: skip


def computational(c: dict, pvs1_met: bool) -> list[Criterion]:
    """PP3/BP4 as computed from calibrated scores; PP3 is not added to PVS1 (the same evidence twice)."""
    out = []
    for e in c.get("computational_evidence") or []:
        template = (N_("{source} {value} >= {threshold} (calibrated threshold).") if e["criterion"] == "PP3"
                    else N_("{source} {value} <= {threshold} (calibrated threshold)."))  # fmt: skip
        sentence = message(template, source=SOURCES.get(e["source"], e["source"]), value=f"{e['value']:g}",
                           threshold=f"{e['threshold']:g}")  # fmt: skip
        if e["criterion"] == "PP3" and pvs1_met:
            out.append(Criterion("PP3", e["strength"], False, message("{sentence} Not added to PVS1 (SVI).",
                                                                      sentence=sentence)))  # fmt: skip
            continue
        out.append(met(e["criterion"], e["strength"], sentence))
    return out


def _deep_intronic(hgvs_c: str) -> bool:
    """Beyond +6 of a donor or -20 of an acceptor (Walker et al. 2023's splice-region limits)."""
    match = DEEP_INTRONIC.search(hgvs_c or "")
    if not match:
        return False
    donor, acceptor = match.groups()
    return (donor is not None and int(donor) >= 7) or (acceptor is not None and int(acceptor) >= 21)


def bp7(c: dict, terms: set[str]) -> tuple[Criterion | None, tuple[str, dict] | None]:
    """(BP7 met or not, else None; (code, reason) for review when no SpliceAI score can rule out splicing)."""
    synonymous = "synonymous_variant" in terms
    if not synonymous and not ("intron_variant" in terms and _deep_intronic(c.get("hgvs_c") or "")):
        return None, None
    kind, capital = (N_("synonymous"), N_("Synonymous")) if synonymous else (N_("deep intronic"), N_("Deep intronic"))
    spliceai = (c.get("scores") or {}).get("spliceai")
    if spliceai is None:
        return None, ("BP7", message("{kind}, but no SpliceAI score to rule out a splicing effect.", kind=word(kind)))
    if spliceai <= SPLICEAI_NO_IMPACT:
        return met("BP7", "supporting", message("{kind} with SpliceAI {value} <= 0.1: no predicted splicing effect "
                   "(conservation not checked).", kind=word(capital), value=f"{spliceai:g}")), None  # fmt: skip
    return Criterion("BP7", "supporting", False, message("{kind}, but SpliceAI {value} > 0.1.",
                     kind=word(capital), value=f"{spliceai:g}")), None  # fmt: skip
