"""Outputs appear whole or not at all: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import os
import shutil
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


def copy_indexed(src: str | Path, out: str | Path, index: str = "csi") -> None:
    """A stage with nothing to add passes its input on. An indexed BCF is copied byte for byte with its index
    (no decode and re-encode of every record); another form is converted to an indexed BCF."""
    from rarevar.bcftools import bcftools

    tmp = Path(out).with_name(f".{Path(out).name}.tmp{os.getpid()}")
    if str(src).endswith(".bcf") and str(out).endswith(".bcf") and os.path.exists(f"{src}.{index}"):
        shutil.copyfile(src, tmp)
        shutil.copyfile(f"{src}.{index}", f"{tmp}.{index}")
    else:
        bcftools("view", "--no-version", "-Ob", "-o", str(tmp), "-W", str(src))
    publish_indexed(tmp, out, index)


def publish_indexed(tmp: str | Path, out: str | Path, index: str = "csi") -> None:
    """Rename a finished file and its index (`<tmp>.<index>`) into place, data first: a reader takes the file
    only once its index is there too."""
    os.replace(tmp, out)
    os.replace(f"{tmp}.{index}", f"{out}.{index}")
