"""Outputs appear whole or not at all: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import os
from pathlib import Path


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write whole or not at all. The temporary name (`.<name>.tmp<pid>`) is the one a re-run after a kill
    recognises and removes (rarevar.runlock)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def publish_indexed(tmp: str | Path, out: str | Path, index: str = "csi") -> None:
    """Rename a finished file and its index (`<tmp>.<index>`) into place, data first: a reader takes the file
    only once its index is there too."""
    os.replace(tmp, out)
    os.replace(f"{tmp}.{index}", f"{out}.{index}")
