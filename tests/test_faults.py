"""A run killed at any stage and started again gives the same outputs as one that was never interrupted."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rarevar.base.atomic import is_temporary
from tests.conftest import REPO, demo_row, write_config

# A file a stage writes early, midway and last in the workflow: the kill lands while that stage, or the next, is
# running. (Every stage publishes its outputs the same way, atomically, and Snakemake reruns an incomplete job.)
STAGE_MARKERS = [
    "work/normalized.bcf",
    "work/consequence.bcf",
    "candidates.json",
]
COMPARED = ["candidates.json", "candidates.tsv", "candidates.vcf.gz", "candidates.xlsx", "qc.json"]


def start(config: Path) -> subprocess.Popen:
    # A session of its own, so the kill reaches rarevar, Snakemake and the running job alike (kill_session).
    return subprocess.Popen(
        [sys.executable, "-m", "rarevar", "run", "--config", str(config), "--cores", "1"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip


def kill_when(process: subprocess.Popen, marker: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if process.poll() is None:
        kill_session(process.pid)
    process.wait()


def kill_session(session: int) -> None:
    """SIGKILL every process of the session: rarevar runs its workflow in a process group of its own."""
    while groups := {fields[2] for fields in _stats() if fields[3] == str(session) and fields[0] != "Z"}:
        for group in groups:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int(group), signal.SIGKILL)
        time.sleep(0.01)


def _stats() -> list[list[str]]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            found.append(stat.read_text().rsplit(")", 1)[1].split())  # state, ppid, pgrp, session, ...
    return found


def without_date(html: str, generated: str) -> str:
    # The run date is the one field that may differ between runs (documented in the README).
    return html.replace(generated, "DATE")


def generated(html: str) -> str:
    return re.search(r"Report generated:</b> ([^<]+)<", html).group(1)


@pytest.mark.parametrize("marker", STAGE_MARKERS)
def test_killed_run_resumes_to_identical_outputs(demo_run, truth, tmp_path, marker):
    config = write_config(tmp_path, [demo_row()])
    family = tmp_path / "results" / truth["family"]
    kill_when(start(config), family / marker)
    rerun = subprocess.run(
        [sys.executable, "-m", "rarevar", "run", "--config", str(config), "--cores", "2"],
        cwd=REPO, capture_output=True, text=True,
    )  # fmt: skip
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    reference = demo_run / truth["family"]
    for name in COMPARED:
        assert (family / name).read_bytes() == (reference / name).read_bytes(), name
    html = (family / "report.html").read_text(encoding="utf-8")
    expected = (reference / "report.html").read_text(encoding="utf-8")
    assert without_date(html, generated(html)) == without_date(expected, generated(expected))
    assert not [p.name for p in family.rglob("*") if is_temporary(p.name)], "a temporary file was left behind"
