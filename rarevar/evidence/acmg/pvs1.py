"""PVS1, the loss-of-function criterion, by the ClinGen SVI decision tree (Abou Tayoun et al. 2018, Figure 1).

Branches, each stated in the evidence sentence:
- nonsense / frameshift: NMD predicted (the premature stop lies before the last 50 nt of the penultimate exon)
  -> PVS1; NMD not predicted -> the removed region's role is unknown here (no domain resource), so by the share
  of the protein removed: > 10% -> Strong, else Moderate;
- canonical +/-1,2 splice site: the exon whose site is hit is assumed skipped (cryptic sites are not modelled):
  frameshifting and followed by at least two exons (NMD) -> PVS1; frameshifting otherwise, or in frame -> by the
  share of the protein removed (> 10% Strong, else Moderate); a non-coding exon -> not applicable;
- start lost -> Supporting (alternative start codons and pathogenic variants upstream of them are not checked);
- whole transcript deleted -> PVS1.
Then the gene: LoF must be a mechanism of disease. gnomAD constraint (LOEUF / pLI) is the evidence at hand: an
intolerant gene keeps the strength; a gene that tolerates heterozygous LoF gets no PVS1 for a dominant or de novo
call; where intolerance is unknown, or the call is recessive (constraint says nothing about biallelic loss), the
strength drops one step. Missing data always takes the weaker branch, and says so.
"""

from __future__ import annotations

import re

from rarevar.base.messages import N_, message, word
from rarevar.evidence.acmg.model import Criterion, clauses, weaker

NULL_TERMS = {"stop_gained", "frameshift_variant", "splice_acceptor_variant", "splice_donor_variant", "start_lost",
              "transcript_ablation"}  # fmt: skip
RECESSIVE_MODES = {"autosomal_recessive", "compound_heterozygous", "x_linked_recessive", "uniparental_isodisomy"}
NMD_BOUNDARY = 50  # nt before the last exon-exon junction (Abou Tayoun et al. 2018)
REMOVED_STRONG = 0.10  # share of the protein removed above which a non-NMD truncation is Strong
STOP = re.compile(r"^p\.\(?[A-Z][a-z]{2}(\d+)(?:Ter|\*)\)?$")
FRAMESHIFT = re.compile(r"^p\.\(?[A-Z][a-z]{2}(\d+)(?:[A-Z][a-z]{2})?fs(?:Ter|\*)(\d+)\)?$")
FRAMESHIFT_START = re.compile(r"^p\.\(?[A-Z][a-z]{2}(\d+)")


def null_terms(consequence: str) -> set[str]:
    return set((consequence or "").split("&")) & NULL_TERMS


def _stop_codon(terms: set[str], hgvs_p: str) -> int | None:
    """Amino-acid position of the premature stop codon, from the HGVS p. change."""
    if "stop_gained" in terms and (match := STOP.match(hgvs_p)):
        return int(match.group(1))
    if "frameshift_variant" in terms and (match := FRAMESHIFT.match(hgvs_p)):
        return int(match.group(1)) + int(match.group(2)) - 1
    return None


def _codons(context: dict) -> int | None:
    cds = context.get("cds")
    return (cds[1] - cds[0] + 1) // 3 if cds else None


def _nmd(terms: set[str], hgvs_p: str, context: dict) -> tuple[bool, dict]:
    """(NMD predicted, why: a clause) for a nonsense or frameshift variant. Unknown -> False (the weaker branch)."""
    stop = _stop_codon(terms, hgvs_p)
    if context.get("source") == "gene models":
        junction, cds = context.get("last_junction"), context.get("cds")
        if junction is None:
            return False, message("single-exon transcript, so no NMD is expected")
        if "new_stop" in context and context["new_stop"] is None:
            return False, message("the new reading frame meets no stop codon before the transcript ends: no NMD")
        if context.get("new_stop") is not None:
            where = context["new_stop"]  # translated from the reference: the frameshift's own stop codon
        elif stop is not None and cds:
            where = cds[0] + 3 * (stop - 1)
        elif context["tx_pos"] > junction - NMD_BOUNDARY:
            where = context["tx_pos"]  # the new stop can only lie further 3'
        else:
            return False, message("NMD not assessed: the new stop codon's position is not known here")
        if where > junction:
            return False, message("the premature stop lies in the last exon, so NMD is not predicted")
        if where > junction - NMD_BOUNDARY:
            return False, message("the premature stop lies in the last 50 nt of the penultimate exon, so NMD is not "
                                  "predicted")  # fmt: skip
        return True, message("the premature stop lies {nt} nt before the last exon junction: NMD predicted",
                             nt=junction - where + 1)  # fmt: skip
    exon = context.get("exon")
    if not exon:
        return False, message("NMD not assessed: the variant's exon is not known (no gene models, no exon number)")
    k, n = exon
    if n == 1:
        return False, message("single-exon transcript, so no NMD is expected")
    if k == n:
        return False, message("in the last exon ({exon}), so NMD is not predicted", exon=f"{k}/{n}")
    if k == n - 1:
        return False, message("in the penultimate exon ({exon}): the 50-nt rule needs the gene models, NMD not "
                              "assumed", exon=f"{k}/{n}")  # fmt: skip
    if "frameshift_variant" in terms and stop is None:
        return False, message("NMD not assessed: the new stop codon's position is not known here")
    return True, message("in exon {exon}, before the penultimate exon: NMD predicted (by exon number)", exon=f"{k}/{n}")


def _by_removed_share(removed: int | None, codons: int | None, what: dict) -> tuple[str, list[dict]]:
    if removed is None or not codons:
        return "moderate", [what, message("the share of the protein removed is not known (no gene models): Moderate")]
    share = removed / codons
    strong = share > REMOVED_STRONG
    template = (N_("the region's role is not known here and {share} of the {codons} codons are removed (more than "
                   "10%): Strong") if strong
                else N_("the region's role is not known here and {share} of the {codons} codons are removed (not more "
                        "than 10%): Moderate"))  # fmt: skip
    return "strong" if strong else "moderate", [what, message(template, share=f"{share:.0%}", codons=codons)]


def _truncating(terms: set[str], hgvs_p: str, context: dict, kind: str) -> tuple[str, list[dict]]:
    nmd, nmd_why = _nmd(terms, hgvs_p, context)
    why = message("{kind}: {why}", kind=word(kind), why=nmd_why)  # nonsense: ... / frameshift: ...
    if nmd:
        return "very_strong", [why]
    stop = _stop_codon(terms, hgvs_p)
    start = FRAMESHIFT_START.match(hgvs_p or "")
    first_lost = stop if stop is not None else (int(start.group(1)) if start else None)
    codons = _codons(context)
    if first_lost is None and context.get("cds") and context.get("tx_pos"):  # bcftools csq: no usable p. change
        first_lost = (context["tx_pos"] - context["cds"][0]) // 3 + 1
    removed = codons - first_lost + 1 if codons and first_lost is not None else None
    return _by_removed_share(removed, codons, why)


def _splice(context: dict) -> tuple[str | None, list[dict]]:
    exon = context.get("affected_exon")
    if not exon:
        return "moderate", [
            message("canonical splice site"),
            message("the splicing outcome is not modelled (no gene models): Moderate"),
        ]
    k, n, coding = exon["number"], (context.get("intron") or [0, 0])[1] + 1, exon["coding_length"]
    codons = _codons(context)
    if coding == 0:
        return None, [message("canonical splice site of exon {exon}, which holds no coding sequence: PVS1 not "
                              "applicable", exon=k)]  # fmt: skip
    if coding % 3:
        if k <= n - 2:
            return "very_strong", [message("canonical splice site: skipping exon {exon} ({nt} coding nt) shifts the "
                                           "frame with at least two exons downstream: NMD predicted",
                                           exon=f"{k}/{n}", nt=coding)]  # fmt: skip
        removed = exon["coding_from_exon"] // 3
        return _by_removed_share(removed, codons, message("canonical splice site: skipping exon {exon} shifts the "
                                 "frame too close to the end for NMD", exon=f"{k}/{n}"))  # fmt: skip
    return _by_removed_share(coding // 3, codons, message("canonical splice site: skipping exon {exon} keeps the "
                                                          "frame", exon=f"{k}/{n}"))  # fmt: skip


def _variant_branch(terms: set[str], c: dict) -> tuple[str | None, list[dict]]:
    """The variant step: (strength, or None when PVS1 does not apply; the clauses saying why)."""
    context = c.get("exon_context") or {}
    if "transcript_ablation" in terms:
        return "very_strong", [message("the whole transcript is deleted")]
    if terms & {"stop_gained", "frameshift_variant"}:
        kind = N_("nonsense") if "stop_gained" in terms else N_("frameshift")
        return _truncating(terms, c.get("hgvs_p") or "", context, kind)
    if terms & {"splice_acceptor_variant", "splice_donor_variant"}:
        return _splice(context)
    return "supporting", [message("start lost: alternative start codons and pathogenic variants upstream of the next "
                                  "in-frame start are not checked here: Supporting")]  # fmt: skip


def _mechanism(c: dict, strength: str) -> tuple[str | None, dict]:
    """The gene-level step: is loss of function a plausible mechanism, from gnomAD constraint."""
    gene = c.get("gene") or "the gene"
    modes = set(c.get("inheritance") or []) | set(c.get("possible_inheritance") or [])
    constraint = c.get("constraint") or {}
    known = constraint.get("loeuf") is not None or constraint.get("pli") is not None
    values = ", ".join(f"{name} {constraint[key]:.2f}" for name, key in (("LOEUF", "loeuf"), ("pLI", "pli"))
                       if constraint.get(key) is not None)  # fmt: skip
    if known and constraint.get("lof_intolerant"):
        return strength, message("{gene} is intolerant of loss of function in gnomAD ({values})", gene=gene,
                                 values=values)  # fmt: skip
    if modes & RECESSIVE_MODES:
        if values:
            return weaker(strength), message("recessive call: gnomAD constraint does not speak to biallelic loss and "
                                             "the disease mechanism is not known here, so one step weaker ({values})",
                                             values=values)  # fmt: skip
        return weaker(strength), message("recessive call: gnomAD constraint does not speak to biallelic loss and the "
                                         "disease mechanism is not known here, so one step weaker")  # fmt: skip
    if known:
        return None, message("{gene} tolerates heterozygous loss of function in gnomAD ({values}): haploinsufficiency, "
                             "which a dominant or de novo null variant needs, is not supported", gene=gene,
                             values=values)  # fmt: skip
    return weaker(strength), message("gene constraint is not known (no gnomAD constraint table), so one step weaker")


def pvs1(c: dict) -> Criterion | None:
    """PVS1 at its strength, or a not-met Criterion saying why not; None when the variant is not a null variant."""
    terms = null_terms(c.get("consequence") or "")
    if not terms:
        return None
    strength, why = _variant_branch(terms, c)
    if strength is None:
        return Criterion("PVS1", "very_strong", False, clauses(why))
    final, gene_step = _mechanism(c, strength)
    sentence = clauses([*why, gene_step])
    if final is None:
        return Criterion("PVS1", strength, False, message("{sentence} PVS1 not applied.", sentence=sentence))
    return Criterion("PVS1", final, True, sentence)
