"""The demo batch through a real one-node SLURM cluster gives the same candidates as a local run, and a re-run after
deleting the family's candidates recomputes only what depends on them, with the same result.

Needs root (it starts munged, slurmctld and slurmd; `make test-cluster` / CI). Where the cluster cannot start, the
test fails and says why. Run with `-s` to see the wall times of both runs.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

from tests.conftest import REPO, demo_row, rarevar, write_config

# The shipped profile as it is: this cluster has no accounting database, and the profile asks squeue for job
# states (slurm.conf keeps finished jobs visible to it with MinJobAge=600).
SLURM_PROFILE = str(REPO / "workflow" / "profiles" / "slurm")
OUTPUTS = ["candidates.json", "candidates.tsv", "candidates.vcf.gz"]


def timed_run(folder: Path, *args: str) -> float:
    folder.mkdir(exist_ok=True)
    config = write_config(folder, [demo_row()])
    start = time.monotonic()
    result = rarevar("run", "--config", str(config), *args, cwd=folder)
    elapsed = time.monotonic() - start
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return elapsed


def test_demo_batch_through_slurm_equals_local_run(cluster, tmp_path):
    local_seconds = timed_run(tmp_path / "local", "--cores", "2")
    slurm_seconds = timed_run(tmp_path / "slurm", "--profile", SLURM_PROFILE, "--", "--slurm-keep-successful-logs")
    print(f"\ndemo batch wall time: local {local_seconds:.1f} s, SLURM {slurm_seconds:.1f} s "
          f"({slurm_seconds / local_seconds:.2f}x)")  # fmt: skip

    # Every job the executor submitted ran on the cluster and finished there: its log is
    # .snakemake/slurm_logs/<rule_x or group_x>/.../<SLURM job id>.log
    job_logs = list((tmp_path / "slurm" / ".snakemake" / "slurm_logs").rglob("*.log"))
    submitted = {log.stem for log in job_logs}
    assert submitted, "no SLURM job logs: the jobs did not go through SLURM"
    finished = cluster.finished_jobs()
    assert {job: finished.get(job, {}).get("JobState") for job in submitted} == dict.fromkeys(submitted, "COMPLETED")
    assert submitted <= set(re.findall(r"_job_complete: JobId=(\d+) done", cluster.log("slurmctld")))
    # ... and together they ran every step the local run ran (only the target rule `all` stays local), each
    # family's later steps as one grouped job.
    local_log = next((tmp_path / "local" / ".snakemake" / "log").glob("*.snakemake.log")).read_text()
    local_steps = set(re.findall(r"^localrule (\w+):", local_log, re.MULTILINE)) - {"all"}
    slurm_steps = set().union(*(re.findall(r"\(Rule: (\w+)\)", log.read_text()) for log in job_logs))
    assert slurm_steps == local_steps
    assert any(log.parent.name.startswith("group_family_tail") for log in job_logs)

    for name in OUTPUTS:
        local = (tmp_path / "local" / "results" / "DEMO1" / name).read_bytes()
        slurm = (tmp_path / "slurm" / "results" / "DEMO1" / name).read_bytes()
        assert slurm == local, f"{name} differs between the SLURM and the local run"

    # Resumable: delete the family's ranked candidates and run again through SLURM; only the stages from rank on
    # run again, and they give the same bytes.
    results = tmp_path / "slurm" / "results" / "DEMO1"
    before = {name: (results / name).read_bytes() for name in OUTPUTS}
    upstream = {p: p.stat().st_mtime_ns for p in (results / "work").rglob("*") if p.is_file()}
    for name in OUTPUTS:
        (results / name).unlink()
    rerun_seconds = timed_run(tmp_path / "slurm", "--profile", SLURM_PROFILE)
    print(f"re-run after deleting the candidates: {rerun_seconds:.1f} s")
    assert {name: (results / name).read_bytes() for name in OUTPUTS} == before
    assert {p: p.stat().st_mtime_ns for p in upstream if p.exists()} == upstream  # normalise..candidates not re-run
