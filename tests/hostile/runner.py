"""Run one hostile case as a user would and say what happened: refused before any job, ran, a late error (a job
failed after validation passed), a traceback, a hang, or user files changed."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from tests.hostile import Case, Setup

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo"
VALIDATE_SECONDS = 300
RUN_SECONDS = 900

REFUSED = "refused before any job"
RAN = "ran"
LATE = "late error"
TRACEBACK = "traceback"
HANG = "hang"
FILES_CHANGED = "user files changed"
WRONG_MESSAGE = "refused, but the message misses the point"
WRONG_RESULT = "ran, but the result is wrong"
ACCEPTED = "accepted although invalid"


@dataclass
class Outcome:
    case: Case
    result: str
    detail: str = ""

    @property
    def as_expected(self) -> bool:
        return self.result == (REFUSED if self.case.kind == "invalid" else RAN)


def demo_row(**changes) -> dict:
    import json

    truth = json.loads((DEMO / "truth.json").read_text())
    row = {"family_id": truth["family"], "vcf": str(DEMO / "trio.vcf.gz"), "ped": str(DEMO / "demo.ped"),
           "hpo": ";".join(truth["hpo"])}  # fmt: skip
    row.update(changes)
    return row


def write_case_config(folder: Path, setup: Setup) -> Path:
    """The shipped config with the case's families sheet, results folder and overrides."""
    path = folder / "config.yaml"
    if setup.raw_config is not None:
        path.write_bytes(setup.raw_config)
        return path
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["resources"]["dir"] = str(DEMO)
    config["report"] = {**config.get("report", {}), "pdf": False}
    rows = setup.rows if setup.rows is not None else [demo_row()]
    columns = list(dict.fromkeys(key for row in rows for key in ["family_id", "vcf", "ped", "hpo", *row]))
    sheet = folder / "families.tsv"
    lines = ["\t".join(columns)] + ["\t".join(str(row.get(c, "")) for c in columns) for row in rows]
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    config.update({"families": str(sheet), "results_dir": str(folder / "results")})
    for key, value in setup.config.items():
        if isinstance(value, dict) and isinstance(config.get(key), dict):
            config[key] = {**config[key], **value}
        else:
            config[key] = value
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, str]:
    files = {}
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            files[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return files


def rarevar(args: list[str], cwd: Path, timeout: int, in_process: bool = False) -> subprocess.CompletedProcess | None:
    """The command line as a user runs it; `in_process` calls the same entry point in this process (no interpreter
    start-up: the test suite runs `validate` of every case this way), an uncaught exception printed as a traceback."""
    if in_process:
        return _in_process(args)
    try:
        return subprocess.run([sys.executable, "-m", "rarevar", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)  # fmt: skip
    except subprocess.TimeoutExpired:
        return None


def _in_process(args: list[str]) -> subprocess.CompletedProcess:
    import contextlib
    import io
    import traceback

    from rarevar.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(args)
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
        except Exception:  # noqa: BLE001 - reported as the traceback a user would see
            traceback.print_exc()
            status = 1
    return subprocess.CompletedProcess(args, status, out.getvalue(), err.getvalue())


def _one_line_error(result: subprocess.CompletedProcess) -> str | None:
    lines = [line for line in result.stderr.splitlines() if line.strip() and not line.startswith("rarevar: warning")]
    if len(lines) == 1 and lines[0].startswith("rarevar: error: "):
        return lines[0]
    return None


def _refusal(case: Case, result: subprocess.CompletedProcess, stage: str) -> Outcome:
    if "Traceback (most recent call last)" in result.stderr:
        return Outcome(case, TRACEBACK, f"{stage}: {result.stderr.strip().splitlines()[-1]}")
    message = _one_line_error(result)
    if message is None:
        tail = result.stderr.strip().splitlines()[-3:]
        return Outcome(case, LATE if stage == "run" else WRONG_MESSAGE, f"{stage} exit {result.returncode}: {tail}")
    if case.kind == "invalid" and (case.expect not in message or result.returncode != case.exit_code):
        return Outcome(case, WRONG_MESSAGE, f"exit {result.returncode}: {message}")
    return Outcome(case, REFUSED, message)


def run_case(case: Case, folder: Path, in_process: bool = False) -> Outcome:
    folder.mkdir(parents=True, exist_ok=True)
    setup = case.build(folder)
    config = write_case_config(folder, setup)
    before = snapshot(folder)
    outcome = _run(case, setup, config, folder, in_process)
    after = snapshot(folder)
    changed = [path for path, digest in before.items() if after.get(path) != digest and path != str(config)]
    if changed:
        return Outcome(case, FILES_CHANGED, f"{outcome.result}; changed or deleted: {changed[:3]}")
    return outcome


def _run(case: Case, setup: Setup, config: Path, folder: Path, in_process: bool) -> Outcome:
    if setup.command is not None:
        command = [part.replace("{config}", str(config)) for part in setup.command]
        result = rarevar(command, folder, RUN_SECONDS)
        if result is None:
            return Outcome(case, HANG, f"no answer in {RUN_SECONDS} s")
        if result.returncode != 0:
            return _refusal(case, result, "run" if command[0] == "run" and _jobs_started(folder) else "command")
        return _ran(case, folder, setup)
    result = rarevar(["validate", "--config", str(config)], folder, VALIDATE_SECONDS, in_process)
    if result is None:
        return Outcome(case, HANG, f"validate gave no answer in {VALIDATE_SECONDS} s")
    if result.returncode != 0:
        return _refusal(case, result, "validate")
    result = rarevar(["run", "--config", str(config), "--cores", "2"], folder, RUN_SECONDS)
    if result is None:
        return Outcome(case, HANG, f"run gave no answer in {RUN_SECONDS} s")
    if result.returncode != 0:
        return _refusal(case, result, "run" if _jobs_started(folder) else "run checks")
    return _ran(case, folder, setup)


def _jobs_started(folder: Path) -> bool:
    return any((folder / ".snakemake" / "log").glob("*.log")) or any(folder.rglob("logs/*/*.log"))


def _ran(case: Case, folder: Path, setup: Setup) -> Outcome:
    if case.kind == "invalid":
        return Outcome(case, ACCEPTED, "the run finished")
    if case.check is not None:
        try:
            case.check(folder)
        except (AssertionError, LookupError, OSError, ValueError) as error:
            return Outcome(case, WRONG_RESULT, f"{type(error).__name__}: {error}"[:300])
    return Outcome(case, RAN)
