"""A run that fills the disk stops with one line saying so and where, publishes no half-written output and leaves no
temporary behind; once space is freed, the same command completes with the results of a clean run.

The results folder is a small tmpfs (mounting one needs root; without it the function-level test in
tests/test_results_folder.py, on /dev/full, still checks the atomic writes)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from rarevar.base.atomic import is_temporary
from tests.conftest import REPO, demo_row, write_config

COMPARED = ["candidates.json", "candidates.tsv", "candidates.vcf.gz", "qc.json"]


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()

    def resize(size_kb: int) -> None:
        options = f"{'remount,' if resize.mounted else ''}size={size_kb}k"
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount)], capture_output=True)
        if done.returncode != 0:
            pytest.fail(f"cannot mount a tmpfs here (needs root, as `make test` in CI has): "
                        f"{done.stderr.decode().strip()}")  # fmt: skip
        resize.mounted = True

    resize.mounted = False
    yield mount, resize
    if resize.mounted:
        subprocess.run(["umount", str(mount)], check=True)


def _size_kb(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and p.name != "report.pdf") // 1024


@pytest.mark.parametrize("share", [0.2, 0.45, 0.85])  # of a clean run's results: full early, midway, late
def test_a_full_disk_stops_with_one_line_and_a_rerun_completes(demo_run, truth, tmp_path, small_disk, share):
    mount, resize = small_disk
    resize(int(_size_kb(demo_run) * share))
    config = write_config(tmp_path, [demo_row()], results_dir=str(mount / "results"))
    run = [sys.executable, "-m", "rarevar", "run", "--config", str(config), "--cores", "1"]
    failed = subprocess.run(run, cwd=REPO, capture_output=True, text=True)
    results = mount / "results"
    assert failed.returncode == 1, failed.stderr[-2000:]
    last = failed.stderr.strip().splitlines()[-1]
    assert last.startswith(f"rarevar: error: {results}: no space left on device "), last
    assert "(a job stopped: " in last or "KB free)" in last, last
    assert "Traceback" not in failed.stderr
    assert not [p for p in results.rglob("*") if is_temporary(p.name)], "a temporary left behind"
    # Whatever was published is whole: byte for byte what a clean run publishes.
    family, reference = results / truth["family"], demo_run / truth["family"]
    published = [p for p in family.rglob("*") if p.is_file()]
    for path in published:
        assert path.read_bytes() == (reference / path.relative_to(family)).read_bytes(), path
    assert not (family / "report.html").exists()

    resize(16 * 1024)  # space freed
    rerun = subprocess.run(run, cwd=REPO, capture_output=True, text=True)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    for name in COMPARED:
        assert (family / name).read_bytes() == (reference / name).read_bytes(), name
