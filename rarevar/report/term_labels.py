"""Translated HPO term labels for the report (optional resource `hpo_labels`).

Two layouts are read:
- a plain TSV of term id and label (`HP:0001250<TAB>癫痫发作`), `#` lines ignored;
- a Babelon translation profile, as the HPO translations are published (`hp-zh.babelon.tsv`: a header with
  `subject_id`, `translation_value` and optionally `predicate_id`, `translation_language`, `translation_status`):
  the `rdfs:label` rows that hold a translation.
A term without a translated label is shown with its English label.
"""

from __future__ import annotations

import re
from pathlib import Path

from rarevar.base.text_input import read_text
from rarevar.errors import InputError

WHAT = "HPO label file"
TERM = re.compile(r"HP:\d{7}")
BABELON = {"subject_id", "translation_value"}
UNTRANSLATED = {"NOT_TRANSLATED", "CANDIDATE"}  # Babelon statuses without a reviewed translation


def read_term_labels(path: str | Path, language: str | None = None) -> dict[str, str]:
    """term id → translated label. `language` (the report's) must match a Babelon profile's translation_language."""
    lines = read_text(path, WHAT).splitlines()
    header = lines[0].split("\t") if lines else []
    if BABELON <= set(header):
        labels = _babelon(path, header, lines[1:], language)
    else:
        labels = _plain(path, lines)
    if not labels:
        raise InputError(path, f"the {WHAT} holds no translated term label", "Fix `resources: hpo_labels`")
    return labels


def _plain(path, lines: list[str]) -> dict[str, str]:
    labels = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not TERM.fullmatch(fields[0].strip()) or not fields[1].strip():
            raise InputError(
                path, f"expected an HPO term id and its label separated by a tab, found {line[:60]!r}",
                "Give one `HP:nnnnnnn<TAB>label` per line, or a Babelon translation profile", f"line {number}",
            )  # fmt: skip
        labels[fields[0].strip()] = fields[1].strip()
    return labels


def _babelon(path, header: list[str], rows: list[str], language: str | None) -> dict[str, str]:
    column = {name: i for i, name in enumerate(header)}
    labels = {}
    for number, line in enumerate(rows, start=2):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != len(header):
            raise InputError(path, f"{len(fields)} columns where the header has {len(header)}",
                             "Fix the Babelon profile", f"line {number}")  # fmt: skip
        row = {name: fields[i].strip() for name, i in column.items()}
        if language and row.get("translation_language", language).split("-")[0].lower() != language:
            raise InputError(
                path, f"the labels are in {row['translation_language']!r} but the report is in {language!r}",
                "Give the profile of the report's language, or change `report: language`", f"line {number}",
            )  # fmt: skip
        if row.get("predicate_id", "rdfs:label") != "rdfs:label" or row.get("translation_status") in UNTRANSLATED:
            continue
        if TERM.fullmatch(row["subject_id"]) and row["translation_value"]:
            labels[row["subject_id"]] = row["translation_value"]
    return labels
