"""One run per results folder, for the whole run: a second `rarevar run` on the same folder refuses instead of
interleaving, while the first run or any job it started is alive.

The workflow runs in a process group of its own, recorded in the lock file. A SIGTERM, SIGINT or SIGHUP to
`rarevar run` stops that whole group (TERM, then KILL after a grace period) before the lock is released. If
`rarevar run` itself dies without that (`kill -9`), the lock goes with it, but the next run still refuses while
any process of the recorded group is alive."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
import signal
import subprocess
import time
from pathlib import Path

from rarevar.errors import InputError
from rarevar.run.results_folder import LOCK_NAME

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
GRACE_SECONDS = 10  # after TERM, before KILL: Snakemake and its jobs end cleanly well within it
_GROUP = re.compile(r"jobs in process group (\d+) \(leader started at tick (\d+)\)")


class RunLock:
    """The held lock. `record_group` writes the workflow's process group into the lock file."""

    def __init__(self, handle, header: str):
        self._handle = handle
        self._header = header

    def record_group(self, pgid: int) -> None:
        tick = _start_tick(pgid) or 0
        self._write(f"{self._header}, jobs in process group {pgid} (leader started at tick {tick})")

    def _write(self, text: str) -> None:
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(text)
        self._handle.flush()


@contextlib.contextmanager
def exclusive(results_dir: str | Path):
    """Hold an advisory lock on the results folder for the whole run. The kernel drops it when the process
    ends, however it ends, so a killed run never leaves a stale lock behind; jobs it left running are found by
    the process group the lock file names."""
    folder = Path(results_dir)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / LOCK_NAME
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - held open for the run's lifetime
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise InputError(
                folder,
                f"another rarevar run ({holder}) is writing to this results folder",
                "Wait for it to finish, or give this run another results_dir",
            ) from None
        handle.seek(0)
        survivors = _surviving_group(handle.read())
        if survivors is not None:
            raise InputError(
                folder,
                f"jobs of an earlier rarevar run on this results folder are still running (process group {survivors})",
                f"Wait for them to end, or stop them with `kill -TERM -- -{survivors}`, then run again",
            )
        lock = RunLock(handle, f"pid {os.getpid()}, started {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC")
        lock._write(lock._header)
        yield lock
    finally:
        handle.close()


def _surviving_group(text: str) -> int | None:
    """The process group an earlier run recorded, if any process of it is still alive."""
    match = _GROUP.search(text)
    if not match:
        return None
    pgid, tick = int(match.group(1)), int(match.group(2))
    leader = _start_tick(pgid)
    if leader is not None and leader != tick:
        return None  # the id now belongs to another process: the recorded group ended
    return pgid if group_alive(pgid) else None


def _proc_stat(pid: str | int) -> list[str] | None:
    """Fields of /proc/<pid>/stat after the command name (state, ppid, pgrp, ...); None where unavailable."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def _start_tick(pid: int) -> int | None:
    """When the process started (clock ticks since boot): tells a group's leader from a later process that
    took its id. None: no such process, or no /proc."""
    fields = _proc_stat(pid)
    return int(fields[19]) if fields else None


def group_alive(pgid: int) -> bool:
    """Whether any live (not zombie) process belongs to the process group."""
    if not Path("/proc/self/stat").is_file():  # no /proc: ask the kernel (zombies count there)
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            fields = _proc_stat(entry.name)
            if fields and fields[2] == str(pgid) and fields[0] not in ("Z", "X"):
                return True
    return False


def _signal_group(pgid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signum)


def stop_group(child: subprocess.Popen, grace: float = GRACE_SECONDS) -> None:
    """TERM the child's whole process group, KILL what is left after `grace` seconds, and return once no
    process of the group is alive."""
    pgid = child.pid
    for signum, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 30.0)):
        _signal_group(pgid, signum)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            child.poll()  # reap the leader, which would otherwise linger as a zombie of ours
            if not group_alive(pgid):
                child.wait()
                return
            time.sleep(0.05)
    child.wait()


class Stopped(Exception):
    """The run was stopped by a signal, after its whole process group was."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def run_in_group(command: list[str], env: dict, lock: RunLock) -> int:
    """Run the workflow in a process group of its own, recorded in the lock; return its exit status. On
    SIGTERM, SIGINT or SIGHUP stop the whole group, then raise Stopped (the caller's lock is still held)."""
    received: list[int] = []
    started: list[subprocess.Popen] = []

    def on_signal(signum, _frame):
        received.append(signum)
        if started and len(received) == 1:  # a second signal must not cut the stopping short
            raise Stopped(signum)

    previous = {signum: signal.signal(signum, on_signal) for signum in STOP_SIGNALS}
    try:
        child = subprocess.Popen(command, env=env, process_group=0)
        started.append(child)
        try:
            lock.record_group(child.pid)
            if received:
                raise Stopped(received[0])
            return child.wait()
        except Stopped:
            stop_group(child)
            raise
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
