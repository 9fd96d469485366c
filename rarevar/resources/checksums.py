"""A resource's sha256, computed once per version of the file: a 3 GB reference took 7-11 s to read on every run.
Kept in the per-user cache (rarevar.base.user_cache) under the file's identity (path, inode, size, times), so a
file replaced by another, even of the same size and modification time, is read again."""

from __future__ import annotations

from pathlib import Path

from rarevar.base.user_cache import cached
from rarevar.resources.gene_disease import sha256


def cached_sha256(path: str | Path) -> str:
    return cached("sha256", [path], "1", lambda: sha256(path).encode()).decode()
