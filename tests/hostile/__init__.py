"""The hostile-input corpus: awkward and hostile inputs a new user might give rarevar, each built by a small generator
and each saying what is wrong with it.

A case is `invalid` (rarevar must refuse it before any job starts, with one line naming the file, line or record and
the fix; exit 2 for bad input, 1 for a failing environment) or `legal` (it must run to a correct result, checked by
the case's own `check`). Whatever the kind, rarevar must never print a traceback, hang, or change a file it did not
write (each case lists the user files it protects).

Cases live in `cases_<area>.py` modules, each exporting `CASES`. `tests/test_hostile_corpus.py` asserts every case;
`benchmarks/hostile_corpus.py` runs each one as a user would (validate, then run) and prints the outcome counts.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Setup:
    """What a case gives rarevar. By default: `rarevar validate --config <config>` then `rarevar run --config
    <config>`, the config being the demo's with `rows` as its families sheet and `config` merged over it (a
    `results_dir` of None means <case folder>/results). `command`, when given, is a whole `rarevar` command line
    instead (e.g. `run --vcf ... --out FILE`), run once; `{config}` in it is replaced by the written config."""

    rows: list[dict] | None = None  # None: the demo family
    config: dict = field(default_factory=dict)
    command: list[str] | None = None
    protected: list[Path] = field(default_factory=list)  # user files that must survive byte for byte
    raw_config: bytes | None = None  # written as the config file verbatim instead of the YAML of `config`


@dataclass
class Case:
    name: str  # unique, snake_case
    what: str  # what is wrong (or awkward) about the input, one sentence
    kind: str  # "invalid" or "legal"
    build: Callable[[Path], Setup]  # writes the case's files under the given (empty) folder
    expect: str = ""  # invalid: text the one-line error must contain
    exit_code: int = 2  # invalid: 2 for bad input, 1 for a failing environment
    check: Callable[[Path], None] | None = None  # legal: asserts on the results folder that the result is right


def all_cases() -> list[Case]:
    cases: list[Case] = []
    package = Path(__file__).parent
    for module in sorted(m.name for m in pkgutil.iter_modules([str(package)]) if m.name.startswith("cases_")):
        cases += importlib.import_module(f"tests.hostile.{module}").CASES
    names = [case.name for case in cases]
    duplicated = {name for name in names if names.count(name) > 1}
    assert not duplicated, f"case names repeated: {duplicated}"
    return cases
