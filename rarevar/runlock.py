"""One run per results folder: a second `rarevar run` on the same folder refuses instead of interleaving."""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import re
from pathlib import Path

from rarevar.errors import InputError

LOCK_NAME = ".rarevar.lock"


@contextlib.contextmanager
def exclusive(results_dir: str | Path):
    """Hold an advisory lock on the results folder for the whole run. The kernel drops it when the process
    ends, however it ends, so a killed run never leaves a stale lock behind."""
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
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        yield
    finally:
        handle.close()


# Names of the temporary files the stages write before renaming (see the stage modules).
STALE = re.compile(r"\.tmp\d+|\.subset\.bcf|\.population\d+\.bcf|\.slim\d+\.bcf|\.csq\d+\.bcf")


def remove_stale_temporaries(results_dir: str | Path) -> list[str]:
    """Temporary files of a run that was killed. Only called under the lock: no live run owns them."""
    removed = []
    folder = Path(results_dir)
    for path in folder.rglob("*") if folder.is_dir() else []:
        if path.is_file() and STALE.search(path.name):
            path.unlink()
            removed.append(str(path))
    return removed
