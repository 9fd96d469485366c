"""A per-user cache of values derived from files that rarely change (a multi-gigabyte resource's checksum, the
phenotype model built from the HPO tables), so a run does not recompute them when the files are unchanged.

Where: `$RAREVAR_CACHE_DIR` (`off`: no cache), else `$XDG_CACHE_HOME/rarevar`, else `~/.cache/rarevar`. The
folder is created private (0700); one owned by another user, or that others may write, is not used (an entry is
trusted as the value it names). Entries are written whole (temporary + rename), so concurrent runs, on one machine or on
cluster nodes sharing the home folder, at worst compute the same value twice. Nothing cached: values are
computed every time, never an error.

An entry holds the identity of its files when it was computed (resolved path, device, inode, size, and the
modification and change times in ns) and is used only while every file still has it. Rewriting a file in place
changes its mtime and ctime; replacing it (mv, cp, a download) changes its inode or ctime; and `touch -d` or
`cp -p` can set mtime back but not ctime, which only the system clock sets. So a file replaced by another of
the same size and mtime is still seen as changed. A file that changed within TIMESTAMP_SLACK seconds of the
computation is not cached, so a filesystem with coarse time stamps cannot give a later change the same times.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Callable
from pathlib import Path

from rarevar.base.atomic import write_bytes_atomic

ENVIRONMENT = "RAREVAR_CACHE_DIR"
TIMESTAMP_SLACK = 2.0


def cache_dir() -> Path | None:
    """The private cache folder, created if needed; None when it cannot be used safely."""
    if os.environ.get(ENVIRONMENT) == "off":
        return None
    if os.environ.get(ENVIRONMENT):
        folder = Path(os.environ[ENVIRONMENT])
    else:
        base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
        folder = Path(base) / "rarevar"
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.stat()
    except OSError:
        return None
    private = info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    return folder if private else None


def file_identity(path: str | Path) -> list:
    """What changes whenever the file's content can have changed (see the module's notes)."""
    resolved = Path(path).resolve()
    info = resolved.stat()
    return [str(resolved), info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def cached(kind: str, files: list[str | Path], version: str, compute: Callable[[], bytes]) -> bytes:
    """`compute()`, or the bytes it gave for these files as they are now and this `version` (of the code and of
    anything else the value depends on). One entry per kind and files: a new value replaces the old one."""
    before = [file_identity(f) for f in files]
    folder = cache_dir()
    name = hashlib.sha256(json.dumps([kind, [b[0] for b in before]]).encode()).hexdigest()[:32]
    entry = folder / kind / name if folder else None
    key = json.dumps([version, before]).encode()
    if entry is not None:
        try:
            stored_key, _, data = entry.read_bytes().partition(b"\n")
            if stored_key == key:
                return data
        except OSError:
            pass
    started = time.time()
    data = compute()
    settled = all(identity[5] / 1e9 < started - TIMESTAMP_SLACK for identity in before)
    if entry is not None and settled and [file_identity(f) for f in files] == before:
        try:
            write_bytes_atomic(entry, key + b"\n" + data)
        except OSError:
            pass  # a full or read-only cache folder: computed again next time
    return data
