"""Reanalysis: what changed between two runs of the same family (e.g. after a new ClinVar or HPO release).

Labs re-run unsolved cases when a resource changes and want to read only the differences: candidates that are new,
candidates that are gone (with the reason where the two runs tell it), rank moves, ClinVar or ACMG
reclassifications, phenotype-score changes, and what changed in the run itself (versions, resource checksums,
settings, HPO terms). Candidates are matched by their normalised variant (chrom, pos, ref, alt).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from rarevar.annotate.clinvar import is_benign, is_pathogenic
from rarevar.base.atomic import write_bytes_atomic
from rarevar.base.genome import strip_chr
from rarevar.base.messages import N_, english, joined, message, word
from rarevar.errors import InputError
from rarevar.report.reanalyze_trace import clinvar_words, term, traced

CANDIDATES = "candidates.json"
# A phenotype score is shown with two decimals; smaller differences are noise, not news.
SCORE_CHANGE = 0.005
SCORES = {"phenotype_score": N_("phenotype score {before} -> {after}"),
          "variant_score": N_("variant score {before} -> {after}")}  # fmt: skip


# --- reading the runs ----------------------------------------------------------------------------


def read_run(folder) -> dict:
    """The candidates.json payload of one family's results folder, or one clear InputError."""
    folder = Path(folder)
    path = folder / CANDIDATES
    if not path.is_file():
        below = sorted(p.parent.name for p in folder.glob(f"*/{CANDIDATES}")) if folder.is_dir() else []
        hint = f" (it holds the families {', '.join(below)})" if below else ""
        raise InputError(
            folder,
            f"has no {CANDIDATES}{hint}",
            "Point --previous and --current at the results folder of one family, <results_dir>/<family_id>/",
        )
    try:
        payload = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(path, f"is not valid JSON ({error})", "Re-run the family to write it again") from None
    if not isinstance(payload, dict) or not isinstance(payload.get("candidates"), list) or not payload.get("family"):
        raise InputError(path, "is not a rarevar candidates file (no family or candidates list)",
                         "Point at the candidates.json written by `rarevar run`")  # fmt: skip
    return payload


def variant_key(candidate: dict) -> tuple[str, int, str, str] | None:
    """(chrom, pos, ref, alt) with 'chr' and case ignored, so runs on differently named contigs still match."""
    chrom = strip_chr(str(candidate.get("chrom") or "").strip()).upper()
    chrom = "MT" if chrom == "M" else chrom
    try:
        pos = int(candidate.get("pos"))
    except (TypeError, ValueError):
        return None
    ref, alt = (str(candidate.get(k) or "").strip().upper() for k in ("ref", "alt"))
    return (chrom, pos, ref, alt) if chrom and ref and alt else None


def _by_variant(payload: dict) -> dict[tuple, dict]:
    """Best-ranked candidate per variant (a variant listed twice, e.g. under two genes, is one finding)."""
    found: dict[tuple, dict] = {}
    for candidate in _ranked(payload.get("candidates")):
        key = variant_key(candidate)
        if key is not None and key not in found:
            found[key] = candidate
    return found


def _ranked(candidates) -> list[dict]:
    items = [c for c in candidates or [] if isinstance(c, dict)]
    return sorted(items, key=lambda c: (_number(c.get("rank")) is None, _number(c.get("rank")) or 0.0))


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


# --- what changed in the run ---------------------------------------------------------------------


def _flatten(value, prefix: str = "") -> dict[str, object]:
    """Nested settings/versions as dotted keys, so each change is one row."""
    if isinstance(value, dict) and value:
        rows = {}
        for key, item in value.items():
            rows.update(_flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return rows
    return {prefix: value}


def _shown(value) -> str:
    if value is None:
        return "absent"
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)


def run_changes(previous: dict, current: dict) -> list[dict]:
    """One row per version, resource checksum or setting that differs, e.g. a new ClinVar sha256."""
    rows = []
    for section in ("versions", "settings"):
        before = _flatten(previous.get(section) if isinstance(previous.get(section), dict) else {})
        after = _flatten(current.get(section) if isinstance(current.get(section), dict) else {})
        for key in sorted(set(before) | set(after)):
            if before.get(key) != after.get(key):
                rows.append({"section": section, "key": key, "before": _shown(before.get(key)),
                             "after": _shown(after.get(key))})  # fmt: skip
    return rows


def _term_ids(payload: dict, kind: str) -> dict[str, str]:
    phenotype = payload.get("phenotype") if isinstance(payload.get("phenotype"), dict) else {}
    terms = {}
    for item in phenotype.get(kind) or []:
        if isinstance(item, dict) and item.get("id"):
            terms[str(item["id"])] = str(item.get("label") or "")
        elif isinstance(item, str) and item:
            terms[item] = ""
    return terms


def phenotype_changes(previous: dict, current: dict) -> list[dict]:
    """HPO terms added to or removed from the patient between the runs."""
    rows = []
    for kind in (N_("observed"), N_("excluded")):
        before, after = _term_ids(previous, kind), _term_ids(current, kind)
        for change, terms, labels in ((N_("added"), set(after) - set(before), after),
                                      (N_("removed"), set(before) - set(after), before)):  # fmt: skip
            rows += [{"kind": kind, "change": change, "id": t, "label": labels[t]} for t in sorted(terms)]
    return rows


# --- per-candidate differences -------------------------------------------------------------------


def _clinvar(candidate: dict | None) -> dict | None:
    own = candidate.get("clinvar") if isinstance(candidate, dict) else None
    if not isinstance(own, dict) or not own.get("significance"):
        return None
    stars = _number(own.get("stars"))
    return {"significance": str(own["significance"]), "stars": None if stars is None else int(stars),
            "id": own.get("id")}  # fmt: skip


def _clinvar_words(record: dict | None) -> dict | str:
    return word("not in ClinVar") if record is None else clinvar_words(record["significance"], record["stars"])


def _acmg(candidate: dict | None) -> str | None:
    acmg = candidate.get("acmg") if isinstance(candidate, dict) else None
    value = acmg.get("classification") if isinstance(acmg, dict) else None
    return str(value) if value else None


def _summary(candidate: dict, key: tuple) -> dict:
    gene = candidate.get("gene")
    return {
        "variant": {"chrom": key[0], "pos": key[1], "ref": key[2], "alt": key[3]},
        "label": f"{candidate.get('chrom')}:{candidate.get('pos')} {candidate.get('ref')}>{candidate.get('alt')}",
        "gene": "" if gene is None else str(gene),
        "hgvs_c": str(candidate.get("hgvs_c") or ""),
        "hgvs_p": str(candidate.get("hgvs_p") or ""),
    }


def _settings(payload: dict) -> dict:
    return payload.get("settings") if isinstance(payload.get("settings"), dict) else {}


def _population_af(candidate: dict) -> float | None:
    """The higher of AF and group-max AF: the frequency prefilter drops a variant above the limit in either."""
    values = [_number(candidate.get(k)) for k in ("population_af", "population_af_grpmax")]
    return max((v for v in values if v is not None), default=None)


def _was(value) -> dict | str:
    """A setting's value in a reason: "absent" is a word, translated."""
    return word("absent") if value is None else _shown(value)


def _reasons(messages: list[dict]) -> dict:
    """The reasons of an item: the English texts, and beside them the messages for the report's language."""
    return {"reasons": [english(m) for m in messages], "reasons_messages": messages}


def _untold(changes: list[dict]) -> dict:
    keys = [row["key"] for row in changes]
    return message("not told by the two runs' outputs; what changed in the run: {changes}",
                   changes=joined(keys, ", ") if keys else word("nothing recorded"))  # fmt: skip


def _qc_stopped(payload: dict) -> bool:
    steps = [s for s in payload.get("funnel") or [] if isinstance(s, dict)]
    return not payload.get("candidates") and any("sample QC failed" in str(s.get("step")) for s in steps)


def _gone_reasons(old: dict, previous: dict, current: dict, changes: list[dict]) -> list[dict]:
    """Why a candidate of the previous run is not in the current one, as far as the two payloads tell."""
    before, after = _settings(previous), _settings(current)
    reasons = []
    af, limit = _population_af(old), _number(after.get("max_population_af"))
    was_pathogenic = is_pathogenic((_clinvar(old) or {}).get("significance"))
    if af is not None and limit is not None and af > limit:
        if was_pathogenic:
            reasons.append(message("its population AF {af} is above the limit {limit}: it was kept only because "
                                   "ClinVar called it pathogenic, and the current run no longer does",
                                   af=f"{af:g}", limit=f"{limit:g}"))  # fmt: skip
        else:
            reasons.append(message("now filtered by population frequency: AF {af} is above the limit {limit} "
                                   "(was {before})", af=f"{af:g}", limit=f"{limit:g}",
                                   before=_was(before.get("max_population_af"))))  # fmt: skip
    impacts = after.get("keep_impacts")
    if isinstance(impacts, list) and old.get("impact") and old["impact"] not in impacts:
        reasons.append(message("its impact {impact} is no longer kept (keep_impacts: {impacts})",
                               impact=str(old["impact"]), impacts=", ".join(map(str, impacts))))  # fmt: skip
    rank, top = _number(old.get("rank")), _number(after.get("max_candidates"))
    if rank is not None and top is not None and rank > top:
        reasons.append(message("no longer within the top {top}: it was ranked {rank} and the limit is now {limit} "
                               "(was {before})", top=int(top), rank=int(rank), limit=int(top),
                               before=_was(before.get("max_candidates"))))  # fmt: skip
    elif top is not None and len(current.get("candidates") or []) >= top:
        lowest = min((s for s in (_number(c.get("score")) for c in current["candidates"] if isinstance(c, dict))
                      if s is not None), default=None)  # fmt: skip
        reasons.append(message("no longer reaching the top {top}", top=int(top)) if lowest is None else
                       message("no longer reaching the top {top} (lowest reported score now {lowest}, its previous "
                               "score {score})", top=int(top), lowest=f"{lowest:.3g}",
                               score=_was(old.get("score"))))  # fmt: skip
    for gate in ("min_gq", "min_dp"):
        if before.get(gate) != after.get(gate) and gate in after:
            reasons.append(message("genotype gate {gate} changed from {before} to {after}", gate=gate,
                                   before=_was(before.get(gate)), after=_was(after[gate])))  # fmt: skip
    return reasons or [_untold(changes)]


def _new_reasons(new: dict, previous: dict, current: dict) -> list[dict]:
    before, after = _settings(previous), _settings(current)
    reasons = []
    record = _clinvar(new)
    if record and is_pathogenic(record["significance"]):
        reasons.append(message("ClinVar classifies it {classification}", classification=_clinvar_words(record)))
    af, limit = _population_af(new), _number(before.get("max_population_af"))
    if af is not None and limit is not None and af > limit:
        reasons.append(message("its population AF {af} was above the previous limit {limit}", af=f"{af:g}",
                               limit=f"{limit:g}"))  # fmt: skip
    top = _number(before.get("max_candidates"))
    if top is not None and len(previous.get("candidates") or []) >= top and (_number(new.get("rank")) or 0) <= top:
        reasons.append(message("it now reaches the top {top}", top=int(top)))
    if _number(after.get("max_candidates")) and top and _number(after["max_candidates"]) > top:
        reasons.append(message("the candidate limit was raised from {before} to {after}", before=int(top),
                               after=int(after["max_candidates"])))  # fmt: skip
    return reasons


def _moved(old: dict, new: dict) -> dict | None:
    before, after = _number(old.get("rank")), _number(new.get("rank"))
    if before is None or after is None or before == after:
        return None
    direction = N_("up") if after < before else N_("down")
    return {"rank_before": int(before), "rank_after": int(after), "direction": direction,
            **_reasons(_move_reasons(old, new))}  # fmt: skip


def _move_reasons(old: dict, new: dict) -> list[dict]:
    """What changed in the candidate's own evidence; if nothing did, others moved around it."""
    reasons = []
    reclassified = _reclassified(old, new) or {}
    if "clinvar_text_message" in reclassified:
        reasons.append(message("ClinVar {change}", change=reclassified["clinvar_text_message"]))
    if "acmg_text_message" in reclassified:
        reasons.append(message("ACMG {change}", change=reclassified["acmg_text_message"]))
    for field, template in SCORES.items():
        before, after = _number(old.get(field)), _number(new.get(field))
        if before is not None and after is not None and abs(after - before) >= SCORE_CHANGE:
            reasons.append(message(template, before=f"{before:.2f}", after=f"{after:.2f}"))
    return reasons or [message("its own scores are unchanged: other candidates moved past it or fell behind it")]


def _reclassified(old: dict, new: dict) -> dict | None:
    """ClinVar significance or stars, or the ACMG class, differ between the runs."""
    clinvar_before, clinvar_after = _clinvar(old), _clinvar(new)
    acmg_before, acmg_after = _acmg(old), _acmg(new)
    same_clinvar = (clinvar_before or {}).get("significance") == (clinvar_after or {}).get("significance") and (
        clinvar_before or {}
    ).get("stars") == (clinvar_after or {}).get("stars")
    if same_clinvar and acmg_before == acmg_after:
        return None
    out = {}
    if not same_clinvar:
        out["clinvar_before"] = clinvar_before
        out["clinvar_after"] = clinvar_after
        out.update(_text("clinvar_text", _clinvar_words(clinvar_before), _clinvar_words(clinvar_after)))
        significance = (clinvar_after or {}).get("significance")
        out["direction"] = ("now pathogenic" if is_pathogenic(significance) else
                            "now benign" if is_benign(significance) else "changed")  # fmt: skip
    if acmg_before != acmg_after:
        out["acmg_before"] = acmg_before
        out["acmg_after"] = acmg_after
        out.update(_text("acmg_text", _acmg_words(acmg_before), _acmg_words(acmg_after)))
    return out


def _acmg_words(classification: str | None) -> dict | str:
    return term(classification) if classification else word("not classified")


def _text(key: str, before, after) -> dict:
    """A before -> after change as its English text under `key` and its message under `key + "_message"`."""
    said = message("{before} -> {after}", before=before, after=after)
    return {key: english(said), key + "_message": said}


def _score_change(old: dict, new: dict) -> dict | None:
    before, after = _number(old.get("phenotype_score")), _number(new.get("phenotype_score"))
    if before == after or (before is not None and after is not None and abs(after - before) < SCORE_CHANGE):
        return None
    return {"phenotype_score_before": before, "phenotype_score_after": after}


def compare(previous: dict, current: dict, trace=None) -> dict:
    """The differences between two candidates.json payloads of one family.

    `trace(candidate)` may follow a gone candidate through the current run's own files and return the reasons it
    stopped, as messages; without it, or when it cannot tell, the reasons are inferred from the two payloads. Each
    item's `reasons` (English) has its messages beside it in `reasons_messages`.
    """
    if str(previous.get("family")) != str(current.get("family")):
        raise InputError(
            "--previous/--current",
            f"the runs are of different families ({previous.get('family')!r} and {current.get('family')!r})",
            "Compare two runs of the same family",
        )
    old, new = _by_variant(previous), _by_variant(current)
    changes = run_changes(previous, current)
    result = {
        "family": str(current["family"]),
        "run_changes": changes,
        "phenotype_changes": phenotype_changes(previous, current),
        "new": [], "gone": [], "moved": [], "reclassified": [], "phenotype_score_changed": [],
    }  # fmt: skip
    for key, candidate in new.items():
        if key not in old:
            reasons = _new_reasons(candidate, previous, current) or [_untold(changes)]
            result["new"].append({**_summary(candidate, key), "rank": candidate.get("rank"), **_reasons(reasons)})
    for key, candidate in old.items():
        if key not in new:
            if _qc_stopped(current):
                reasons = [message("the current run reported no candidates: its sample QC failed")]
            else:
                reasons = (trace(candidate) if trace else []) or _gone_reasons(candidate, previous, current, changes)
            result["gone"].append({**_summary(candidate, key), "previous_rank": candidate.get("rank"),
                                   **_reasons(reasons)})  # fmt: skip
    changed = set()
    for key in [k for k in new if k in old]:
        for kind, found in (("moved", _moved(old[key], new[key])), ("reclassified", _reclassified(old[key], new[key])),
                            ("phenotype_score_changed", _score_change(old[key], new[key]))):  # fmt: skip
            if found:
                rank = {"rank_before": old[key].get("rank"), "rank_after": new[key].get("rank")}
                result[kind].append({**_summary(new[key], key), **rank, **found})
                changed.add(key)
    result["unchanged"] = sum(1 for k in new if k in old and k not in changed)
    result["counts"] = {k: len(result[k]) for k in ("new", "gone", "moved", "reclassified", "phenotype_score_changed")}
    return result


# --- outputs -------------------------------------------------------------------------------------


def render_html(result: dict, language: str = "en") -> str:
    from rarevar.report.html import environment
    from rarevar.report.i18n import Translator

    t = Translator(language)
    return environment().get_template("reanalysis.html.j2").render(r=result, _=t, t=t)


def reanalyze(previous_dir, current_dir, out_dir, language: str = "en") -> dict:
    """Compare two runs and write reanalysis.json and reanalysis.html into out_dir (each whole or not at all)."""
    previous, current = read_run(previous_dir), read_run(current_dir)
    result = {
        "previous": {"folder": str(Path(previous_dir))},
        "current": {"folder": str(Path(current_dir))},
        **compare(previous, current, lambda candidate: traced(current_dir, candidate, _settings(current))),
    }
    out = Path(out_dir)
    html = render_html(result, language)  # render first: a template error leaves no half of the pair behind
    write_bytes_atomic(out / "reanalysis.json", (json.dumps(result, indent=2, sort_keys=True) + "\n").encode())
    write_bytes_atomic(out / "reanalysis.html", html.encode("utf-8"))
    return result
