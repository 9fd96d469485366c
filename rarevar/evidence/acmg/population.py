"""Population criteria: PM2 (at Supporting, ClinGen SVI 2020), BA1, BS1 and BS2, with mode-aware limits.

The frequency compared is the group maximum (grpmax / popmax) where the population file has it, else the overall
AF: a variant common in one population is common. The limits (below) are generic; an expert panel's
gene-specific ones are better where they exist.
- PM2_Supporting: absent, or below the mode's limit; a recessive call also needs no homozygotes. Dominant, de
  novo and X-linked calls: AF <= 2e-5 (about 30 of gnomAD v4's ~1.6 million alleles; the level several ClinGen
  expert panels use for dominant disease), recessive calls: AF <= 1e-3 with no homozygote.
- BA1: AF > 0.05 (stand-alone benign, Richards et al. 2015; SVI 2018).
- BS1: AF above the highest frequency a causal allele could credibly have: > 1e-3 dominant, > 0.01 recessive.
- BS2: homozygotes in the population database, which an early-onset fully penetrant disease would not allow:
  > 2 for a recessive (or X-linked) call, > 5 for a dominant one (Exomiser's levels); 1-2 homozygotes for a
  recessive call are left for review (late onset, reduced penetrance).
Where a call fits modes of both kinds, pathogenic evidence takes the stricter limit and benign the looser one.
"""

from __future__ import annotations

from rarevar.base.messages import N_, message, word
from rarevar.evidence.acmg.model import Criterion, met

RECESSIVE = {"autosomal_recessive", "compound_heterozygous", "uniparental_isodisomy", "x_linked_recessive"}
PM2_MAX_AF = {"dominant": 2e-5, "recessive": 1e-3}
BS1_MIN_AF = {"dominant": 1e-3, "recessive": 0.01}
BA1_MIN_AF = 0.05
BS2_MIN_HOMOZYGOTES = {"dominant": 6, "recessive": 3}


def mode_kinds(c: dict) -> set[str]:
    """'dominant' and/or 'recessive' for the call's modes (confirmed ones, else the possible ones)."""
    modes = c.get("inheritance") or c.get("possible_inheritance") or []
    return {N_("recessive") if m in RECESSIVE else N_("dominant") for m in modes} or {"dominant"}


def frequency(c: dict) -> tuple[float | None, str]:
    """(the frequency compared, its name): grpmax where present, else AF; None = not observed."""
    values = [(c.get("population_af_grpmax"), "grpmax AF"), (c.get("population_af"), "AF")]
    present = [(v, name) for v, name in values if v is not None]
    return max(present) if present else (None, "AF")


def pm2(c: dict, population_configured: bool) -> Criterion | None:
    """`population_configured`: whether the run had any population source; the candidate's `population_source`
    (when the rank stage set it) whether one covered this record. Absence counts only where one was consulted."""
    if not population_configured:
        return Criterion("PM2", "supporting", False, message("No population database was configured: PM2 not "
                                                             "assessed."))  # fmt: skip
    if "population_source" in c and c["population_source"] is None:
        return Criterion("PM2", "supporting", False, message(
            "No population source covers this record (a contig the population data do not hold, or a field the input "
            "lacks): PM2 not assessed."))  # fmt: skip
    af, name = frequency(c)
    kinds = mode_kinds(c)
    kind = "dominant" if "dominant" in kinds else "recessive"
    limit = PM2_MAX_AF[kind]
    homozygotes = c.get("population_homozygotes") or 0
    if af is None:
        source = c.get("population_source") or {}
        if source.get("kind") == "input":
            return met("PM2", "supporting", message("Absent from the input's own population fields ({fields}).",
                                                    fields=source.get("name", "")))  # fmt: skip
        return met("PM2", "supporting", message("Absent from the population database (coverage at the site not "
                                                "checked)."))  # fmt: skip
    fields = {"name": name, "af": f"{af:.2g}", "limit": f"{limit:g}", "kind": word(kind)}
    if af <= limit and (kind == "dominant" or homozygotes == 0):
        template = (
            N_("Population {name} {af} <= {limit}, the limit for a {kind} call and no homozygote.")
            if kind == "recessive"
            else N_("Population {name} {af} <= {limit}, the limit for a {kind} call.")
        )
        return met("PM2", "supporting", message(template, **fields))
    if homozygotes:
        return Criterion("PM2", "supporting", False, message(
            "Population {name} {af} above the {kind} limit {limit} or {n} homozygotes.", n=f"{homozygotes:g}",
            **fields))  # fmt: skip
    return Criterion("PM2", "supporting", False, message("Population {name} {af} above the {kind} limit {limit}.",
                                                         **fields))  # fmt: skip


def ba1_bs1(c: dict) -> Criterion | None:
    af, name = frequency(c)
    if af is None:
        return None
    if af > BA1_MIN_AF:
        return met("BA1", "stand_alone", message("Population {name} {af} > {limit}.", name=name, af=f"{af:.3g}",
                                                 limit=f"{BA1_MIN_AF:g}"))  # fmt: skip
    kind = "recessive" if "recessive" in mode_kinds(c) else "dominant"
    limit = BS1_MIN_AF[kind]
    if af > limit:
        return met("BS1", "strong", message("Population {name} {af} > {limit}, more than a {kind} disease allele "
                   "could credibly have.", name=name, af=f"{af:.3g}", limit=f"{limit:g}", kind=word(kind)))  # fmt: skip
    return None


def bs2(c: dict) -> tuple[Criterion | None, tuple[str, dict] | None]:
    """(BS2 when met, else None; (code, reason) for review when the count is borderline)."""
    homozygotes = c.get("population_homozygotes")
    if not homozygotes:
        return None, None
    kind = "recessive" if "recessive" in mode_kinds(c) else "dominant"
    needed = BS2_MIN_HOMOZYGOTES[kind]
    x_linked = any(m.startswith("x_linked") for m in (c.get("inheritance") or []))
    who = word(N_("homozygotes (hemizygotes as the database counts them)") if x_linked else N_("homozygotes"))
    if homozygotes >= needed:
        return met("BS2", "strong", message("{n} {who} in the population database, too many for an early-onset "
                   "fully penetrant {kind} disease.", n=f"{homozygotes:g}", who=who,
                   kind=word(kind))), None  # fmt: skip
    if kind == "recessive":
        return None, ("BS2", message("{n} {who} in the population database; consider onset and penetrance.",
                                     n=f"{homozygotes:g}", who=who))  # fmt: skip
    return None, None
