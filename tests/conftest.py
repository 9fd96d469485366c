"""Shared fixtures: the repository, the public test data beside it, and one real run of the demo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "resources" / "demo"


def shared_data() -> Path:
    return Path(os.environ.get("RAREVAR_SHARED_DATA", REPO.parent / "shared" / "data"))


@pytest.fixture(scope="session")
def shared() -> Path:
    path = shared_data()
    assert path.is_dir(), f"public test data not found at {path}; set RAREVAR_SHARED_DATA"
    return path


def rarevar(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real command line, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "rarevar", *args], cwd=cwd or REPO, capture_output=True, text=True)


def write_config(tmp: Path, families_rows: list[dict], **overrides) -> Path:
    """A config like the shipped one, with its own families sheet and results folder under `tmp`."""
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["resources"]["dir"] = str(DEMO)
    sheet = tmp / "families.tsv"
    columns = ["family_id", "vcf", "ped", "hpo"]
    lines = ["\t".join(columns)] + ["\t".join(str(row.get(c, "")) for c in columns) for row in families_rows]
    sheet.write_text("\n".join(lines) + "\n")
    # report.pdf takes WeasyPrint several seconds a run: only the runs whose tests read it make it.
    config["report"] = {**config.get("report", {}), "pdf": False}
    config.update({"families": str(sheet), "results_dir": str(tmp / "results"), **overrides})
    path = tmp / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def demo_row(**changes) -> dict:
    truth = json.loads((DEMO / "truth.json").read_text())
    row = {
        "family_id": truth["family"],
        "vcf": str(DEMO / "trio.vcf.gz"),
        "ped": str(DEMO / "demo.ped"),
        "hpo": ";".join(truth["hpo"]),
    }
    row.update(changes)
    return row


@pytest.fixture(scope="session")
def truth() -> dict:
    return json.loads((DEMO / "truth.json").read_text())


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """One real Snakemake run of the shipped demo config (results in a temporary folder)."""
    tmp = tmp_path_factory.mktemp("demo")
    config = write_config(tmp, [demo_row()], report={"pdf": True, "language": "en"})
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return tmp / "results"


SHARDED_DEMO = 3


@pytest.fixture(scope="session")
def demo_run_zh(tmp_path_factory) -> Path:
    """One real run of the demo with the report in Simplified Chinese (`report: {language: zh}`) and translated HPO
    labels (`resources: hpo_labels`, tests/data), its whole-genome stages in 3 shards (`shards: 3`): its candidates
    must equal the unsharded English run's (tests/test_shards.py)."""
    tmp = tmp_path_factory.mktemp("demo_zh")
    config = write_config(tmp, [demo_row()], report={"pdf": True, "language": "zh"}, shards=SHARDED_DEMO)
    settings = yaml.safe_load(config.read_text())
    settings["resources"]["hpo_labels"] = str(REPO / "tests" / "data" / "hpo_labels_zh.babelon.tsv")
    config.write_text(yaml.safe_dump(settings))
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return tmp / "results"


def copy_demo(tmp: Path) -> Path:
    target = tmp / "demo"
    shutil.copytree(DEMO, target)
    return target
