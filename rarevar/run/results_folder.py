"""The results folder is rarevar's: it writes there only into a folder it created or recognises as its own, and
its clean-up removes only its own temporaries, in the folders it writes.

A folder becomes rarevar's when `rarevar run` creates or adopts it: it then holds a marker file, `MARKER`. An
existing folder without the marker is adopted only when it is empty or holds nothing but rarevar's own layout (the
results of a version that wrote no marker): family folders with candidates.json or work/, logs/, benchmarks/,
summary.html and rarevar's hidden files. Any other folder is the user's, and refused: rarevar never writes into it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rarevar.base.atomic import is_temporary
from rarevar.errors import InputError

MARKER = ".rarevar-results"
LOCK_NAME = ".rarevar.lock"
META = ".rarevar"  # one-family mode's generated families sheet and config
# What the workflow writes at the top of the results folder (workflow/rules/*.smk) besides the family folders.
TOP_LEVEL = ("summary.html", "logs", "benchmarks")
HIDDEN = (MARKER, LOCK_NAME, META)
FAMILY_FOLDER = ("candidates.json", "work")  # an earlier run's family folder holds one of these

_FIX = "Give a new or empty folder, or the results folder of an earlier rarevar run"


def check_results_dir(value, where: str = "results_dir in the config") -> Path:
    """Refuse a results folder rarevar must not write into; return it resolved. Reads only."""
    text = "" if value is None else str(value)
    if not text.strip():
        raise InputError(where, "no folder given (an empty value)", "Set it to a folder for rarevar's results")
    if "{" in text or "}" in text:
        raise InputError(text, f"{where} holds '{{' or '}}'", "Name the results folder without braces")
    if text.startswith("~"):
        raise InputError(text, f"{where} starts with '~', which rarevar does not expand", "Give the full path")
    path = Path(text).resolve()
    if path == Path(path.anchor) or path == Path.home().resolve():
        raise InputError(
            path, f"{where} is the filesystem root or the home folder", "Give a folder of its own for the results"
        )
    if path.exists() and not path.is_dir():
        raise InputError(path, f"{where} names a file, not a folder", _FIX)
    if path.is_dir() and not is_results_folder(path):
        raise InputError(path, f"{where} is a folder with other files in it, not a rarevar results folder", _FIX)
    return path


def is_results_folder(folder: Path) -> bool:
    """Marked as rarevar's, empty, or holding only rarevar's layout (adopted, then marked by the run)."""
    if (folder / MARKER).is_file():
        return True
    return all(_is_own(entry) for entry in folder.iterdir())


def _is_own(entry: Path) -> bool:
    if entry.name in HIDDEN or (entry.name == "summary.html" and entry.is_file()):
        return True
    if not entry.is_dir() or entry.is_symlink():
        return False
    return entry.name in ("logs", "benchmarks") or any((entry / name).exists() for name in FAMILY_FOLDER)


def mark(folder: Path) -> None:
    """Make (or adopt) the folder as rarevar's. Called by `rarevar run` once the folder passed the checks."""
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / MARKER
    if not marker.is_file():
        marker.write_text(
            "This folder holds rarevar's results. rarevar writes here and removes only its own temporary files "
            "(named .<name>.rarevar-tmp<pid>...).\n",
            encoding="utf-8",
        )


def check_family_ids(rows, sheet) -> None:
    """A family's folder must not be a name the workflow writes itself at the top of the results folder."""
    reserved = {name.casefold() for name in TOP_LEVEL}
    for row in rows:
        if row.family_id.casefold() in reserved:
            raise InputError(
                sheet,
                f"family_id '{row.family_id}' is a name rarevar writes in the results folder",
                f"Rename the family (not {', '.join(TOP_LEVEL)})",
                f"line {row.line}",
            )


def remove_stale_temporaries(folder: Path, families: list[str]) -> list[str]:
    """rarevar's own temporaries left by a killed or failed run, only in the folders rarevar writes: the top
    of a marked results folder, logs/, benchmarks/, the one-family settings and this batch's family folders.
    Only called under the lock, with no job of an earlier run alive (rarevar.run.lock)."""
    if not (folder / MARKER).is_file():
        return []
    removed = [path for path in folder.iterdir() if is_temporary(path.name)]
    for name in (*TOP_LEVEL, META, *families):
        top = folder / name
        if top.is_dir() and not top.is_symlink():
            removed += [path for path in top.rglob(".*") if is_temporary(path.name)]
    for path in removed:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return [str(path) for path in removed]
