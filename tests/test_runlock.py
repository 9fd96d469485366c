"""Two runs on one results folder: the second refuses with a clear message; a killed run leaves no lock."""

from __future__ import annotations

import subprocess
import sys

import pytest

from rarevar.errors import InputError
from rarevar.runlock import exclusive
from tests.conftest import demo_row, rarevar, write_config

HOLD = """
import sys, time
from rarevar.runlock import exclusive
with exclusive(sys.argv[1]):
    print("held", flush=True)
    time.sleep(60)
"""


def test_second_run_on_the_same_results_folder_refuses(tmp_path):
    config = write_config(tmp_path, [demo_row()])
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path / "results")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        result = rarevar("run", "--config", str(config), "--cores", "1")
        assert result.returncode == 2
        assert "another rarevar run (pid" in result.stderr and "is writing to this results folder" in result.stderr
        assert not (tmp_path / "results" / "DEMO1").exists()
    finally:
        holder.kill()
        holder.wait()
    # The killed holder's lock went with it.
    with exclusive(tmp_path / "results"):
        pass


def test_lock_is_exclusive_within_one_process(tmp_path):
    with exclusive(tmp_path):
        with pytest.raises(InputError, match="another rarevar run"):
            with exclusive(tmp_path):
                pass
