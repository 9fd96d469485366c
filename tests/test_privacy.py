"""Patient data stays local: a run makes no network connection, logs carry no genotypes, and a family id cannot
write outside the results folder."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import DEMO, REPO, demo_row, write_config

# Loaded by every Python process of the run (the Snakemake driver and each `rarevar <stage>` job): any attempt
# to open an internet socket is written down and refused.
BLOCK_NETWORK = """
import os, socket
_log = os.environ["RAREVAR_TEST_NETWORK_LOG"]
_real_connect = socket.socket.connect

def _refuse(self, address, *args):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        with open(_log, "a") as handle:
            handle.write(f"{os.getpid()} {address!r}\\n")
        raise OSError("network access blocked by the test")
    return _real_connect(self, address, *args)

socket.socket.connect = _refuse
socket.socket.connect_ex = _refuse
_real_getaddrinfo = socket.getaddrinfo

def _no_lookup(host, *args, **kwargs):
    if host not in (None, "localhost", "127.0.0.1", "::1"):
        with open(_log, "a") as handle:
            handle.write(f"{os.getpid()} lookup {host!r}\\n")
        raise OSError("name lookup blocked by the test")
    return _real_getaddrinfo(host, *args, **kwargs)

socket.getaddrinfo = _no_lookup
"""


@pytest.fixture(scope="module")
def offline_run(tmp_path_factory) -> tuple[Path, Path, subprocess.CompletedProcess]:
    tmp = tmp_path_factory.mktemp("offline")
    hooks = tmp / "hooks"
    hooks.mkdir()
    (hooks / "sitecustomize.py").write_text(BLOCK_NETWORK)
    attempts = tmp / "network-attempts.log"
    attempts.touch()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hooks), os.environ.get("PYTHONPATH", "")]),
        "RAREVAR_TEST_NETWORK_LOG": str(attempts),
    }
    config = write_config(tmp, [demo_row()])
    command = [sys.executable, "-m", "rarevar", "run", "--config", str(config), "--cores", "2"]
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True)
    return tmp / "results", attempts, result


def test_the_hook_really_blocks_the_network(tmp_path):
    """The blocking hook is not vacuous: a process that tries to connect is refused and the attempt recorded."""
    (tmp_path / "sitecustomize.py").write_text(BLOCK_NETWORK)
    log = tmp_path / "attempts.log"
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "RAREVAR_TEST_NETWORK_LOG": str(log)}
    probe = (
        "import socket\n"
        "try:\n    socket.create_connection(('192.0.2.1', 80), timeout=1)\n"
        "except OSError as e:\n    print(e)"
    )
    out = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert "blocked by the test" in out.stdout and "192.0.2.1" in log.read_text()


def test_the_demo_runs_with_the_network_blocked(offline_run, truth):
    results, attempts, result = offline_run
    assert result.returncode == 0, result.stderr[-3000:]
    assert attempts.read_text() == "", f"network access attempted: {attempts.read_text()}"
    payload = json.loads((results / truth["family"] / "candidates.json").read_text())
    assert payload["candidates"][0]["pos"] == truth["pos"]


def genotype_fields() -> set[str]:
    """The per-sample columns of the demo VCF that carry a call with reads (GT:AD:DP:GQ:PL)."""
    fields = set()
    with gzip.open(DEMO / "trio.vcf.gz", "rt") as handle:
        for line in handle:
            if not line.startswith("#"):
                fields.update(f for f in line.rstrip("\n").split("\t")[9:] if f.count(":") >= 3)
    return fields


def test_logs_never_print_genotypes(offline_run):
    results, _, result = offline_run
    logs = [p for p in (results / "logs").rglob("*") if p.is_file()]
    assert logs, "the run wrote no logs"
    fields = genotype_fields()
    for text, where in [(p.read_text(errors="replace"), p) for p in logs] + [(result.stdout + result.stderr, "output")]:
        leaked = [f for f in fields if f in text]
        assert not leaked, f"{where} prints genotypes, e.g. {leaked[:2]}"


@pytest.mark.parametrize("family_id", ["../outside", "/abs/family", "a/../../b", ".hidden", "x y"])
def test_family_ids_that_would_leave_the_results_folder_are_refused(tmp_path, capsys, family_id):
    from rarevar.cli import main

    config = write_config(tmp_path, [demo_row(family_id=family_id)])
    assert main(["validate", "--config", str(config)]) == 2
    message = capsys.readouterr().err
    assert "family_id" in message and "line 2" in message
    assert not (tmp_path / "outside").exists() and not (tmp_path / "results").exists()
