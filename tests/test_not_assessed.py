"""Not checked is not absent: the demo run with its resources removed in turn (the population store; ClinVar and
the score files), every output scanned, beside the full demo run (tests/conftest.py) and a run whose frequencies are
the input's own (tests/test_input_annotations.py). Each "not observed", "not in ClinVar" or PM2 must be backed by a
source that was actually consulted; where none was, the outputs say "not assessed" or "not checked", and why."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO, demo_row, write_config

REMOVED = {"population": ("population",), "clinvar_and_scores": ("clinvar", "scores")}
SCANNED = ("candidates.json", "candidates.tsv", "report.html", "phenopacket.json")


def _config_without(tmp: Path, resources: tuple[str, ...]) -> Path:
    config = write_config(tmp, [demo_row()])
    settings = yaml.safe_load(config.read_text())
    for resource in resources:
        if resource == "scores":
            settings["scores"] = []
        else:
            del settings["resources"][resource]
    config.write_text(yaml.safe_dump(settings))
    return config


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, Path]:
    """One demo run per set of removed resources, started together."""
    folders = {name: tmp_path_factory.mktemp(f"without_{name}") for name in REMOVED}
    configs = {name: _config_without(tmp, REMOVED[name]) for name, tmp in folders.items()}
    started = {
        name: subprocess.Popen([sys.executable, "-m", "rarevar", "run", "--config", str(config), "--cores", "1"],
                               cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name, config in configs.items()
    }  # fmt: skip
    for name, process in started.items():
        out, err = process.communicate()
        assert process.returncode == 0, f"without {name}: {out[-2000:]}{err[-2000:]}"
    return {name: tmp / "results" / "DEMO1" for name, tmp in folders.items()}


def _outputs(folder: Path) -> dict[str, str]:
    return {name: (folder / name).read_text(encoding="utf-8") for name in SCANNED}


def _candidates(folder: Path) -> list[dict]:
    return json.loads((folder / "candidates.json").read_text())["candidates"]


def _met(candidate: dict, code: str) -> bool:
    return any(c["code"] == code for c in candidate["acmg"]["criteria"])


def _assert_backed(folder: Path) -> None:
    """The invariant every run must keep, whatever was configured."""
    for c in _candidates(folder):
        source = c.get("population_source")
        if _met(c, "PM2"):
            assert source is not None, (c["gene"], c["pos"])
        if any("Not observed" in line for line in c["why"]):
            assert source is not None, (c["gene"], c["pos"], c["why"])
        if c["clinvar"] is None and c.get("clinvar_source") is None:
            assert not any("ClinVar:" in line for line in c["why"])


def test_without_population_nothing_is_not_observed_and_nothing_gets_pm2(runs):
    folder = runs["population"]
    _assert_backed(folder)
    for name, text in _outputs(folder).items():
        assert "not observed" not in text.lower(), name
    candidates = _candidates(folder)
    assert candidates and all(c["population_source"] is None for c in candidates)
    assert not any(_met(c, "PM2") for c in candidates)
    assert all("Population frequency not assessed: no population source covers this record." in c["why"]
               for c in candidates)  # fmt: skip
    assert "population frequency not assessed" in _outputs(folder)["report.html"]
    notes = json.loads((folder / "candidates.json").read_text())["not_assessed"]
    assert any("no population store was configured" in n for n in notes)


def test_without_clinvar_nothing_is_not_in_clinvar(runs):
    folder = runs["clinvar_and_scores"]
    _assert_backed(folder)
    outputs = _outputs(folder)
    for name, text in outputs.items():
        assert "not in clinvar" not in text.lower(), name
    assert "not checked: no ClinVar source" in outputs["report.html"]
    assert all(c["clinvar_source"] is None and c["clinvar"] is None for c in _candidates(folder))


def test_without_score_files_no_variant_is_said_to_lack_a_score(runs):
    folder = runs["clinvar_and_scores"]
    _assert_backed(folder)
    outputs = _outputs(folder)
    assert "no score for this variant" not in outputs["report.html"]
    assert "not assessed (no score files configured)" in outputs["report.html"]


def test_with_every_resource_absence_names_the_source_consulted(demo_run):
    folder = demo_run / "DEMO1"
    _assert_backed(folder)
    candidates = _candidates(folder)
    assert all(c["population_source"] == {"kind": "store", "name": "population.vcf.gz"} for c in candidates)
    assert any(_met(c, "PM2") for c in candidates)
    html = _outputs(folder)["report.html"]
    assert "not in ClinVar (checked: clinvar.bcf)" in html
    sources = json.loads((folder / "candidates.json").read_text())["versions"]["annotation_sources"]
    assert sources["population"]["store"] == {"state": "used", "file": "population.vcf.gz",
                                              "contigs": sources["population"]["store"]["contigs"]}  # fmt: skip
    assert "chr1" in sources["population"]["store"]["contigs"]
