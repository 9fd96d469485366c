"""Outputs appear whole or not at all: write to a temporary file beside the target, then rename.

Every temporary file rarevar writes is named by `temporary_name`: `.<name>[.<part>].rarevar-tmp<pid>[<suffix>]`.
No user file plausibly has that form, so the clean-up after a killed run (rarevar.run.results_folder) can remove exactly
rarevar's own temporaries and nothing else."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

TEMPORARY_MARK = ".rarevar-tmp"
# The whole name: hidden, the mark and the writing process's id, then an optional suffix (.bcf, .csi, a random
# part of a temporary folder's name).
_TEMPORARY = re.compile(r"^\..+" + re.escape(TEMPORARY_MARK) + r"\d+(\.[^/]*)?$")


def temporary_name(path: str | Path, part: str = "", suffix: str = "") -> str:
    """The temporary a stage writes before renaming it to `path` (or uses on the way to it), in the same
    folder. `part` tells apart several temporaries for one output; `suffix` keeps a format's extension
    (bcftools and pysam choose the format by it)."""
    path = Path(path)
    middle = f".{part}" if part else ""
    return str(path.with_name(f".{path.name}{middle}{TEMPORARY_MARK}{os.getpid()}{suffix}"))


def is_temporary(name: str) -> bool:
    """Whether a file or folder name is one `temporary_name` gives (by any process)."""
    return bool(_TEMPORARY.match(name))


def write_bytes_atomic(path: str | Path, data: bytes) -> None:
    """Write whole or not at all: on any failure (a full disk too) the temporary is removed and `path` is left
    as it was."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(temporary_name(path))
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
    from rarevar.base.bcftools import bcftools

    tmp = temporary_name(out)
    try:
        if str(src).endswith(".bcf") and str(out).endswith(".bcf") and os.path.exists(f"{src}.{index}"):
            shutil.copyfile(src, tmp)
            shutil.copyfile(f"{src}.{index}", f"{tmp}.{index}")
        else:
            bcftools("view", "--no-version", "-Ob", "-o", str(tmp), "-W", str(src))
        publish_indexed(tmp, out, index)
    except BaseException:
        remove_indexed(tmp, index)
        raise


def publish_indexed(tmp: str | Path, out: str | Path, index: str = "csi") -> None:
    """Rename a finished file and its index (`<tmp>.<index>`) into place, data first: a reader takes the file
    only once its index is there too."""
    os.replace(tmp, out)
    os.replace(f"{tmp}.{index}", f"{out}.{index}")


def remove_indexed(tmp: str | Path, index: str = "csi") -> None:
    """A failed step's temporary and its index, so a full disk is not left fuller."""
    for leftover in (Path(tmp), Path(f"{tmp}.{index}")):
        leftover.unlink(missing_ok=True)
