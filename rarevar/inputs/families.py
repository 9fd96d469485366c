"""The families sheet: one row per family with its VCF, PED and HPO terms."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import jsonschema

from rarevar.base.text_input import read_text
from rarevar.errors import InputError
from rarevar.inputs.config import load_schema

COLUMNS = ("family_id", "vcf", "ped", "hpo")
OPTIONAL_COLUMNS = ("gvcf",)  # comma-separated gVCFs of family members, to fill missing genotypes from


@dataclass(frozen=True)
class FamilyRow:
    family_id: str
    vcf: str
    ped: str
    hpo: str
    line: int
    gvcf: str = ""

    @property
    def gvcfs(self) -> list[str]:
        return [path.strip() for path in self.gvcf.split(",") if path.strip()]


def read_families(path: str | Path) -> list[FamilyRow]:
    """Read and check the sheet; raise InputError naming the line at fault."""
    path = Path(path)
    schema = load_schema("families.schema.yaml")
    text = read_text(path, "families sheet")
    numbered = [(number, line) for number, line in enumerate(io.StringIO(text, newline=""), start=1)
                if line.strip() and not line.startswith("##")]  # fmt: skip
    lines = [line for _, line in numbered]
    if not lines:
        raise InputError(path, "families sheet is empty", f"Add a header ({', '.join(COLUMNS)}) and one row per family")
    reader = csv.DictReader(lines, delimiter="\t")
    header = [name.lstrip("#").strip() for name in reader.fieldnames or []]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise InputError(
            path,
            f"missing column(s) {', '.join(missing)} (found: {', '.join(header)})",
            f"The tab-separated header must name {', '.join(COLUMNS)}",
            "line 1",
        )
    reader.fieldnames = header
    rows: list[FamilyRow] = []
    seen: dict[str, int] = {}
    for record in reader:
        lineno = numbered[reader.line_num - 1][0]  # the file's own line number (blank and ## lines skipped)
        if record.get(None):  # values beyond the header's columns: a stray tab shifts what follows
            raise InputError(path, f"{len(header) + len(record[None])} values but {len(header)} column names",
                             "Remove the extra tab-separated values, or name their column in the header",
                             f"line {lineno}")  # fmt: skip
        values = {name: (record.get(name) or "").strip() for name in COLUMNS + OPTIONAL_COLUMNS if name in header}
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(values))
        empty = [name for name in COLUMNS if not values[name]]
        if empty:
            raise InputError(path, f"empty {', '.join(empty)}", "Fill every column of every row", f"line {lineno}")
        if errors:
            error = errors[0]
            field = ".".join(str(p) for p in error.path)
            raise InputError(
                path,
                f"{field} '{values.get(field, '')}' is invalid: {error.message}",
                "Fix the value",
                f"line {lineno}",
            )
        family = values["family_id"]
        if family in seen:
            raise InputError(
                path,
                f"family_id '{family}' is repeated (first on line {seen[family]})",
                "Give each family one row and a unique id",
                f"line {lineno}",
            )
        seen[family] = lineno
        rows.append(FamilyRow(line=lineno, **values))
    if not rows:
        raise InputError(path, "families sheet has a header but no family", "Add one row per family")
    return rows
