"""Run every case of the hostile-input corpus (tests/hostile) as a user would, and print what happened to each and
the counts the hardening issue asks for: tracebacks, hangs, user files changed, silently wrong results, and the share
of invalid inputs refused before any job starts.

    .venv/bin/python benchmarks/hostile_corpus.py [--only NAME ...] [--work DIR]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hostile import all_cases  # noqa: E402
from tests.hostile.runner import (  # noqa: E402
    ACCEPTED,
    FILES_CHANGED,
    HANG,
    LATE,
    REFUSED,
    TRACEBACK,
    WRONG_RESULT,
    run_case,
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", nargs="*", help="case names to run (default: all)")
    parser.add_argument("--work", help="folder for the cases' files (default: a temporary one)")
    args = parser.parse_args()
    cases = [case for case in all_cases() if not args.only or case.name in args.only]
    work = Path(args.work or tempfile.mkdtemp(prefix="hostile-"))
    outcomes = []
    start = time.monotonic()
    for case in cases:
        outcome = run_case(case, work / case.name)
        outcomes.append(outcome)
        mark = "ok  " if outcome.as_expected else "FAIL"
        print(f"{mark} {case.kind:7} {case.name:45} {outcome.result}: {outcome.detail[:150]}", flush=True)
    counts = Counter(outcome.result for outcome in outcomes)
    invalid = [o for o in outcomes if o.case.kind == "invalid"]
    refused = sum(o.result == REFUSED for o in invalid)
    print(f"\n{len(cases)} cases ({len(invalid)} invalid, {len(cases) - len(invalid)} legal) "
          f"in {time.monotonic() - start:.0f} s")  # fmt: skip
    print(f"tracebacks: {counts[TRACEBACK]}")
    print(f"hangs: {counts[HANG]}")
    print(f"user files changed or deleted: {counts[FILES_CHANGED]}")
    print(f"silently wrong results (legal input, wrong result; invalid input accepted): "
          f"{counts[WRONG_RESULT] + counts[ACCEPTED]}")  # fmt: skip
    print(f"late errors (a job failed after validation passed): {counts[LATE]}")
    print(f"invalid inputs refused before any job: {refused} of {len(invalid)} "
          f"({100 * refused / max(len(invalid), 1):.1f}%)")  # fmt: skip
    print(f"as expected: {sum(o.as_expected for o in outcomes)} of {len(outcomes)}")
    return 0 if all(o.as_expected for o in outcomes) else 1


if __name__ == "__main__":
    sys.exit(main())
