"""Two runs on one results folder: the second refuses with a clear message while the first, or any job it started,
is alive; a signal to `rarevar run` stops every job before the lock is released; a killed run leaves no lock."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rarevar.base.atomic import is_temporary
from rarevar.errors import InputError
from rarevar.run.lock import exclusive, group_alive
from tests.conftest import REPO, demo_row, rarevar, write_config

HOLD = """
import sys, time
from rarevar.run.lock import exclusive
with exclusive(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def test_second_run_on_the_same_results_folder_refuses(tmp_path):
    config = write_config(tmp_path, [demo_row()])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "results")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = rarevar("run", "--config", str(config), "--cores", "1")
        assert result.returncode == 2
        assert "another rarevar run (pid" in result.stderr and "is writing to this results folder" in result.stderr
        assert not (tmp_path / "results" / "DEMO1").exists()
    finally:
        holder.kill()
        holder.wait()
    # The killed holder's lock went with it.
    with exclusive(tmp_path / "results"):
        pass


def test_lock_is_exclusive_within_one_process(tmp_path):
    with exclusive(tmp_path):
        with pytest.raises(InputError, match="another rarevar run"):
            with exclusive(tmp_path):
                pass


# The whole run holds the folder: its Snakemake runs in a process group of its own, recorded in the lock file.


def _group_of(lock: Path, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        match = re.search(r"process group (\d+)", lock.read_text() if lock.is_file() else "")
        if match:
            return int(match.group(1))
        time.sleep(0.05)
    raise AssertionError(f"no process group recorded in {lock}")


def _members(pgid: int) -> list[str]:
    """Command lines of the live processes of a process group."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue
        if fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
            found.append(command)
    return found


def _wait_for_a_job(pgid: int, timeout: float = 120) -> None:
    """Until a stage command (a job Snakemake started) runs in the group."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any("snakemake" not in command and "rarevar" in command for command in _members(pgid)):
            return
        time.sleep(0.02)
    raise AssertionError(f"no job started in process group {pgid}")


def _start(config: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "rarevar", "run", "--config", str(config), "--cores", "1"],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT, signal.SIGHUP])
def test_a_signal_stops_every_job_before_the_lock_is_released(tmp_path, truth, signum):
    config = write_config(tmp_path, [demo_row()])
    run = _start(config)
    try:
        pgid = _group_of(tmp_path / "results" / ".rarevar.lock")
        _wait_for_a_job(pgid)
        run.send_signal(signum)
        _, stderr = run.communicate(timeout=120)
    finally:
        run.kill()
    assert run.returncode == 128 + signum
    last = stderr.strip().splitlines()[-1]
    name = signal.Signals(signum).name
    assert last.startswith(f"rarevar: error: {tmp_path / 'results'}: the run was stopped by {name}; its jobs were")
    assert not group_alive(pgid) and not _members(pgid), _members(pgid)
    assert not [p for p in (tmp_path / "results").rglob("*") if is_temporary(p.name)], "a temporary left behind"
    again = rarevar("run", "--config", str(config), "--cores", "2")
    assert again.returncode == 0, again.stderr[-2000:]
    candidates = json.loads((tmp_path / "results" / truth["family"] / "candidates.json").read_text())
    assert (candidates["candidates"][0]["chrom"], candidates["candidates"][0]["pos"]) == (truth["chrom"], truth["pos"])


def test_a_run_is_refused_while_jobs_of_a_killed_run_are_alive(tmp_path):
    config = write_config(tmp_path, [demo_row()])
    run = _start(config)
    pgid = _group_of(tmp_path / "results" / ".rarevar.lock")
    try:
        _wait_for_a_job(pgid)
        run.kill()  # `kill -9` of rarevar run alone: the kernel releases its lock, its Snakemake lives on
        run.wait()
        # Stopped, the orphaned jobs stay alive for as long as the test needs. (Stopped before their parent died,
        # the kernel would hang them up as it orphaned them.)
        os.killpg(pgid, signal.SIGSTOP)
        assert group_alive(pgid), "the workflow ended before the test could hold it"
        result = rarevar("run", "--config", str(config), "--cores", "1")
        assert result.returncode == 2
        assert result.stderr.strip() == (
            f"rarevar: error: {tmp_path / 'results'}: jobs of an earlier rarevar run on this results folder are still "
            f"running (process group {pgid}). Wait for them to end, or stop them with `kill -TERM -- -{pgid}`, "
            "then run again"
        )
    finally:
        os.killpg(pgid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.05)
    # Once they are gone, the next run resumes.
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_recorded_group_is_refused_only_while_it_lives(tmp_path):
    sleeper = subprocess.Popen(["sleep", "60"], process_group=0)
    try:
        lock = tmp_path / ".rarevar.lock"
        tick = Path(f"/proc/{sleeper.pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
        lock.write_text(f"pid 1, started then, jobs in process group {sleeper.pid} (leader started at tick {tick})")
        with pytest.raises(InputError, match=f"still running \\(process group {sleeper.pid}\\)"):
            with exclusive(tmp_path):
                pass
        # The same id, but a process started at another time: the recorded group has ended.
        lock.write_text(f"pid 1, started then, jobs in process group {sleeper.pid} (leader started at tick 1)")
        with exclusive(tmp_path):
            pass
    finally:
        sleeper.kill()
        sleeper.wait()
    lock.write_text(f"pid 1, started then, jobs in process group {sleeper.pid} (leader started at tick {tick})")
    with exclusive(tmp_path):
        pass
