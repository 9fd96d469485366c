"""Around the Snakemake run: the profile it is given is checked before anything starts, and a failed run is told
apart from a full disk, which is then named as the cause."""

from __future__ import annotations

import shutil
from pathlib import Path

from rarevar.base.bcftools import FULL
from rarevar.errors import InputError

PROFILES = Path(__file__).resolve().parents[2] / "workflow" / "profiles"


def check_profile(profile: str) -> None:
    """A Snakemake profile is a folder with a config.yaml (or config.v8+.yaml, profile.yaml), given as a path or as
    the name of a folder in Snakemake's user or system profile folders."""
    folders = [Path(profile)]
    if "/" not in profile:
        folders += [Path.home() / ".config" / "snakemake" / profile, Path("/etc/xdg/snakemake") / profile]
    for folder in folders:
        if any((folder / name).is_file() for name in ("config.yaml", "config.v8+.yaml", "profile.yaml")):
            return
    raise InputError(profile, "is not a Snakemake profile (no folder with a config.yaml of that path or name)",
                     f"Give a profile folder, e.g. {PROFILES / 'slurm'}", "--profile")


def disk_full(results: Path, since: float) -> str | None:
    """Whether a failed run ran out of space, and where: a job's log says so, or the disk is still full (a job
    could not even write its error). One line saying so and what to do."""
    fix = "Free space there, or give another results folder, and run the same command again: finished steps are kept"
    for log in sorted((results / "logs").rglob("*.log")) if (results / "logs").is_dir() else []:
        try:
            text = log.read_text(encoding="utf-8", errors="replace") if log.stat().st_mtime >= since else ""
        except OSError:
            continue
        if "no space left on device" in text.lower():
            return f"{results}: no space left on device (a job stopped: {log}). {fix}"
    try:
        free = shutil.disk_usage(results).free
    except OSError:
        return None
    return f"{results}: no space left on device ({free // 1024} KB free). {fix}" if free < FULL else None
