"""results/summary.html: one row per family of a batch, linking to each family's report."""

from __future__ import annotations

from pathlib import Path

from rarevar import __version__
from rarevar.base.atomic import write_bytes_atomic
from rarevar.base.messages import N_
from rarevar.family.qc import NOT_FULLY_CHECKED, PASSED, verdict
from rarevar.report.html import INHERITANCE_WORDS, environment
from rarevar.report.i18n import Translator
from rarevar.report.outputs import read_json


def _mode(mode: str, t: Translator) -> str:
    return t.mode(INHERITANCE_WORDS.get(mode, mode.replace("_", " ")))


def _top(candidate: dict, t: Translator) -> dict:
    modes = [_mode(m, t) for m in candidate.get("inheritance") or []] or [
        t("possibly {mode}", mode=_mode(m, t)) for m in candidate.get("possible_inheritance", [])
    ]
    disease = candidate.get("matched_disease") or {}
    score = candidate.get("phenotype_score")
    phenotype = f"{score:.2f}" if isinstance(score, int | float) else t("not available")
    if disease:
        phenotype += f" ({disease.get('name') or disease.get('id')})"
    return {
        "gene": candidate.get("gene") or "",
        "variant": f"{candidate.get('chrom')}:{candidate.get('pos')} {candidate.get('ref')}>{candidate.get('alt')}",
        "hgvs": " ".join(x for x in (candidate.get("hgvs_c"), candidate.get("hgvs_p")) if x),
        "inheritance": t.join(modes),
        "classification": t.word((candidate.get("acmg") or {}).get("classification") or "not classified"),
        "phenotype": phenotype,
    }


def family_row(candidates_json: Path, results_dir: Path, t: Translator) -> dict:
    payload = read_json(candidates_json)
    qc = payload.get("qc", {})
    candidates = payload.get("candidates", [])
    if not qc.get("passed", True) and payload.get("settings", {}).get("qc_stop_on_failure"):
        status = N_("stopped: sample QC failed")
    else:
        status = N_("candidates found") if candidates else N_("no candidate")
    report = candidates_json.parent / "report.html"
    return {
        "family": payload.get("family", candidates_json.parent.name),
        "report": report.relative_to(results_dir).as_posix(),
        "status": t(status),
        "flagged": status != "candidates found",
        "qc_passed": qc.get("passed", True),
        # passed / failed / not fully checked (a check without enough data is never shown as passed)
        "qc_verdict": t.word(verdict(qc)),
        "qc_flagged": verdict(qc) != PASSED,
        "qc_not_fully_checked": verdict(qc) == NOT_FULLY_CHECKED,
        "qc_flags": t.said(qc, "failures") + t.said(qc, "warnings"),
        "n_candidates": len(candidates),
        "top": _top(candidates[0], t) if candidates else None,
    }


def write_summary(
    candidates_jsons: list[str], results_dir: str, generated: str, out: str, language: str = "en"
) -> None:
    results, t = Path(results_dir), Translator(language)
    families = sorted((family_row(Path(p), results, t) for p in candidates_jsons), key=lambda f: f["family"])
    html = (
        environment()
        .get_template("summary.html.j2")
        .render(
            _=t,
            t=t,
            families=families,
            with_candidates=sum(1 for f in families if f["n_candidates"]),
            qc_failed=sum(1 for f in families if not f["qc_passed"]),
            qc_not_fully_checked=sum(1 for f in families if f["qc_not_fully_checked"]),
            generated=generated,
            version=__version__,
        )
    )
    write_bytes_atomic(out, html.encode("utf-8"))
