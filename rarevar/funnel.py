"""The filtering funnel: every stage records how many variants it kept and why the rest went."""

from __future__ import annotations

import json
import os
from pathlib import Path


def write_json_atomic(path: str | Path, data) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, sort_keys=False, ensure_ascii=False)
        handle.write("\n")
    os.replace(tmp, path)


def write_steps(path: str | Path, steps: list[tuple[str, int]]) -> None:
    """One stage's steps, in order: [(what remains, count), ...]."""
    write_json_atomic(path, [{"step": step, "variants": int(count)} for step, count in steps])


def read_steps(paths: list[str | Path]) -> list[dict]:
    steps: list[dict] = []
    for path in paths:
        with open(path, encoding="utf-8") as handle:
            steps.extend(json.load(handle))
    return steps
