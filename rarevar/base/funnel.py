"""The filtering funnel: every stage records how many variants it kept and why the rest went."""

from __future__ import annotations

import json
from pathlib import Path

from rarevar.base.atomic import write_bytes_atomic


def write_json_atomic(path: str | Path, data) -> None:
    text = json.dumps(data, indent=1, sort_keys=False, ensure_ascii=False) + "\n"
    write_bytes_atomic(path, text.encode("utf-8"))


def write_steps(path: str | Path, steps: list[tuple[str, int]]) -> None:
    """One stage's steps, in order: [(what remains, count), ...]."""
    write_json_atomic(path, [{"step": step, "variants": int(count)} for step, count in steps])


def read_steps(paths: list[str | Path]) -> list[dict]:
    steps: list[dict] = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            steps.extend(json.load(handle))
    return steps
