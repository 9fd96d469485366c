"""Every case of the hostile-input corpus (tests/hostile): an invalid input is refused before any job with one line
naming what is wrong; a legal one runs to a correct result; none prints a traceback, hangs or changes a user's file.
`benchmarks/hostile_corpus.py` runs the same cases and prints the outcome counts."""

from __future__ import annotations

import pytest

from tests.hostile import all_cases
from tests.hostile.runner import run_case

CASES = all_cases()


def test_the_corpus_is_large_and_every_case_says_what_is_wrong():
    assert len(CASES) >= 60
    for case in CASES:
        assert case.kind in ("invalid", "legal") and len(case.what) > 15, case.name
        assert case.kind == "legal" or case.expect, f"{case.name}: an invalid case names the message it expects"


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_case(case, tmp_path):
    outcome = run_case(case, tmp_path, in_process=True)
    assert outcome.as_expected, f"{case.name} ({case.what}): {outcome.result}: {outcome.detail}"
