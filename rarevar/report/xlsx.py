"""candidates.xlsx: the candidates, the sample QC and the settings of one family as three sheets."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

from rarevar.base.atomic import write_bytes_atomic
from rarevar.family.qc import verdict
from rarevar.report.i18n import Translator
from rarevar.report.messages import SOURCE_LANGUAGE
from rarevar.report.outputs import TSV_COLUMNS, candidate_rows

# Excel's limit on the characters of one cell; a longer value is cut, and the cell says so.
CELL_LIMIT = 32_767
# A fixed document date: the file's contents depend on the analysis only (the run date is in the report).
DOCUMENT_DATE = dt.datetime(2000, 1, 1)


def _fit(text: str) -> str:
    """The cell's text, cut to Excel's limit with a marker saying where the whole value is."""
    if len(text) <= CELL_LIMIT:
        return text
    marker = f"… [cut: {len(text):,} characters; full value in candidates.tsv/json]"
    return text[: CELL_LIMIT - len(marker)] + marker


def _typed(text: str):
    """Numbers as numbers, so the sheet sorts and filters them as such; everything else as text."""
    try:
        number = float(text)
    except (TypeError, ValueError):
        return text
    return int(number) if number.is_integer() and text.lstrip("-").isdigit() else number


def _qc_rows(qc: dict, t: Translator) -> list[list[str]]:
    """The verdict (passed / failed / not fully checked), the findings, then one row per check; a check without
    enough data reads "not checked", never "ok" or a failure."""
    rows = [[t("check"), t("result"), t("detail")]]
    rows.append([t("overall"), t.word(verdict(qc)), ""])
    rows += [[t("failure"), "", text] for text in t.said(qc, "failures")]
    not_checked = t.said(qc, "not_checked")
    rows += [[t("not checked"), "", text] for text in not_checked]
    rows += [[t("warning"), "", text] for text in t.said(qc, "warnings") if text not in not_checked]

    def result(ok, failed: str) -> str:
        return failed if ok is False else t("ok") if ok else t("not checked")

    for sample, facts in qc.get("samples", {}).items():
        rows.append([t("sample {sample}", sample=sample), result(facts.get("sex_ok", True), t("sex mismatch")),
                     _facts(facts)])  # fmt: skip
    for pair in qc.get("relatedness", []):
        rows.append([t("relatedness"), result(pair.get("ok", True), t("flagged")), _facts(pair)])
    for trio in qc.get("mendelian", []):
        rows.append([t("Mendelian errors"), result(trio.get("ok", True), t("flagged")), _facts(trio)])
    return rows


def _candidate_rows(candidates: list[dict], t: Translator) -> list[list[str]]:
    """The TSV's rows (column names are field names, as in the TSV); the why-lines in the report's language."""
    rows = candidate_rows(candidates)
    if t.language != SOURCE_LANGUAGE:
        why = TSV_COLUMNS.index("why")
        for row, candidate in zip(rows, candidates, strict=True):
            row[why] = " | ".join(t.said(candidate, "why"))
    return rows


def _facts(facts: dict) -> str:
    return "; ".join(f"{key}={value}" for key, value in facts.items() if not isinstance(value, dict | list))


def _settings_rows(payload: dict) -> list[list[str]]:
    rows = [["setting", "value"]]
    rows += [[key, str(value)] for key, value in sorted(payload.get("settings", {}).items())]
    for name, value in sorted(payload.get("versions", {}).items()):
        rows.append([f"version: {name}", str(value)])
    return rows


def write_xlsx(payload: dict, path: str | Path, language: str = "en") -> None:
    """Three sheets: candidates, QC and settings; texts for a reader in the report's language."""
    from openpyxl import Workbook

    t = Translator(language)
    book = Workbook()
    sheets = {
        "candidates": [TSV_COLUMNS, *_candidate_rows(payload.get("candidates", []), t)],
        "QC": _qc_rows(payload.get("qc", {}), t),
        "settings": _settings_rows(payload),
    }
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                cell = sheet.cell(r, c, _typed(_fit(value)))
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text from an input file is data, never a formula
        sheet.freeze_panes = "A2"
    book.properties.created = DOCUMENT_DATE
    buffer = io.BytesIO()
    book.save(buffer)
    write_bytes_atomic(path, _reproducible(buffer.getvalue()))


def _reproducible(xlsx: bytes) -> bytes:
    """The same workbook bytes for the same analysis: openpyxl stamps the save time into the document
    properties and into every zip entry."""
    fixed = DOCUMENT_DATE.strftime("%Y-%m-%dT%H:%M:%SZ")
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + fixed.encode(), data)
            target.writestr(zipfile.ZipInfo(entry.filename, date_time=DOCUMENT_DATE.timetuple()[:6]), data,
                            compress_type=zipfile.ZIP_DEFLATED)  # fmt: skip
    return out.getvalue()
