"""The benchmark scripts run end to end at a tiny size and print their figures (the figures themselves are
measured by running the scripts at full size, never in the test suite)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

from tests.conftest import REPO


def run_script(name: str, *args: str) -> tuple[str, dict]:
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / name), *args], capture_output=True, text=True,
                            cwd=REPO, timeout=600)  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    figures = next(line for line in result.stdout.splitlines() if line.startswith("figures: "))
    return result.stdout, json.loads(figures.removeprefix("figures: "))


def test_benchmark_scripts_print_their_figures(tmp_path):
    # genmod is a benchmark-only dependency (the `bench` extra); without it, the rarevar half runs alone.
    with_genmod = importlib.util.find_spec("genmod") is not None
    out, inheritance = run_script("inheritance_vs_genmod.py", "--records", "3000", "--workdir", str(tmp_path),
                                  *([] if with_genmod else ["--rarevar-only"]))  # fmt: skip
    assert inheritance["records"] >= 3000 and inheritance["rarevar_s"] > 0 and inheritance["rarevar_peak_mib"] > 0
    # The simulated trio's planted de novo and its other de novos are found.
    assert inheritance["rarevar_fits"]["de_novo"] >= 1 and inheritance["rarevar_fits"]["autosomal_recessive"] > 10
    assert "rarevar inheritance" in out and "records/s" in out
    if with_genmod:
        assert inheritance["ratio"] > 0 and 0.5 < inheritance["agreement"] <= 1
        assert "Agreement per mode" in out and "genmod models -p 2" in out

    out, annotation = run_script("annotation.py", "--records", "3000", "--sites", "12000", "--workdir", str(tmp_path))
    assert annotation["records"] >= 3000 and annotation["sites"] == 12000
    assert annotation["ratio"] > 0 and annotation["frequency_peak_mib"] > 0
    # About 6% of a simulated genome's records are rare or never observed (see rarevar.simulate.genome.Mix).
    assert 0.02 < annotation["rare"] / annotation["records"] < 0.12
    assert "rarevar frequency" in out and "bcftools view" in out
    assert list(tmp_path.iterdir()) == []  # the benchmarks clean up after themselves
