"""A batch of 50 simulated families (trios, duos, singletons) through the local profile and through the shipped SLURM
profile on a real one-node cluster: the same candidates, every family in the batch summary, every planted cause
ranked at the top, and a re-run after deleting one family's outputs recomputes only that family.

Needs root (the `cluster` fixture of conftest.py); `make test-cluster` runs it with `-s`, which prints the wall
times and the number of SLURM jobs.
"""

from __future__ import annotations

import csv
import json
import re
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import REPO, rarevar, write_config

FAMILIES = 50
SLURM_PROFILE = str(REPO / "workflow" / "profiles" / "slurm")
OUTPUTS = ["candidates.json", "candidates.tsv", "candidates.vcf.gz"]
# The rules of one family that run in SLURM jobs; the later ones share one job (group family_tail).
OWN_JOBS = {"normalize", "qc", "frequency"}
FAMILY_TAIL = {"consequence", "regenotype", "scores", "candidates", "rank", "report"}
DELETED = "FAM017"  # a duo; its outputs are deleted before the re-run


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("batch50")
    start = time.monotonic()
    result = rarevar("simulate", "--families", str(FAMILIES), "--out", str(folder / "data"))
    assert result.returncode == 0, result.stderr
    print(f"\n{FAMILIES} families simulated in {time.monotonic() - start:.1f} s")
    return folder


def truth(batch: Path) -> list[dict]:
    return json.loads((batch / "data" / "truth.json").read_text())["families"]


def run(batch: Path, name: str, *args: str) -> tuple[Path, float]:
    """The batch's sheet through `rarevar run` in its own folder (own results, own .snakemake)."""
    folder = batch / name
    folder.mkdir(exist_ok=True)
    with open(batch / "data" / "families.tsv", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    config = write_config(folder, rows)
    start = time.monotonic()
    result = rarevar("run", "--config", str(config), *args, cwd=folder)
    elapsed = time.monotonic() - start
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-5000:]
    return folder, elapsed


@pytest.fixture(scope="module")
def local(batch) -> Path:
    folder, seconds = run(batch, "local", "--cores", "2")
    print(f"\n{FAMILIES}-family batch, local profile (2 cores): {seconds:.0f} s")
    return folder


@pytest.fixture(scope="module")
def slurm(batch, cluster) -> Path:
    folder, seconds = run(batch, "slurm", "--profile", SLURM_PROFILE, "--", "--slurm-keep-successful-logs")
    print(f"\n{FAMILIES}-family batch, SLURM profile (one node, 2 CPUs): {seconds:.0f} s, "
          f"{len(job_logs(folder))} jobs")  # fmt: skip
    return folder


def job_logs(folder: Path) -> list[Path]:
    """One log per SLURM job: .snakemake/slurm_logs/<rule_x or group_x>/<wildcards>/<job id>.log"""
    return sorted((folder / ".snakemake" / "slurm_logs").rglob("*.log"))


def snakemake_jobs(log: str) -> list[tuple[str, str]]:
    """(rule, family) of every job a Snakemake log says it ran (grouped jobs are listed one by one, indented);
    the batch-level rules have family ''."""
    jobs: list[list[str]] = []
    for line in log.splitlines():
        if rule := re.match(r"\s*(?:local)?rule (\w+):$", line):
            jobs.append([rule.group(1), ""])
        elif (family := re.match(r"\s*wildcards: family=(\S+)", line)) and jobs:
            jobs[-1][1] = family.group(1)
    return [(rule, family) for rule, family in jobs]


def newest_log(folder: Path) -> str:
    logs = sorted((folder / ".snakemake" / "log").glob("*.snakemake.log"), key=lambda p: p.stat().st_mtime)
    return logs[-1].read_text()


def test_local_batch_summary_lists_every_family_and_ranks_each_planted_cause_first(batch, local):
    families = truth(batch)
    assert sorted(f["layout"] for f in families) == sorted(["trio"] * 17 + ["duo"] * 17 + ["singleton"] * 16)
    summary = (local / "results" / "summary.html").read_text()
    for family in families:
        assert f'href="{family["family"]}/report.html"' in summary, f"{family['family']} missing from the summary"
        candidates = json.loads((local / "results" / family["family"] / "candidates.json").read_text())
        top = [(c["chrom"], c["pos"], c["ref"], c["alt"]) for c in candidates["candidates"]]
        planted = [(v["chrom"], v["pos"], v["ref"], v["alt"]) for v in family["planted"]]
        # The planted cause is the top candidate; a compound heterozygote's two alleles are the top two.
        assert sorted(top[: len(planted)]) == sorted(planted), (family["family"], family["mode"], top[:3])
        # ... with the consequence planted (truth.json names it as bcftools csq does, the candidates in SO terms).
        first = candidates["candidates"][0]
        consequences = {v["consequence"] for v in family["planted"]}
        assert first["gene"] == family["gene"] and first["consequence"].removesuffix("_variant") in consequences


def test_slurm_batch_equals_local_batch_in_few_jobs_per_family(batch, local, slurm, cluster):
    logs = job_logs(slurm)
    finished = cluster.finished_jobs()
    assert {log.stem: finished.get(log.stem, {}).get("JobState") for log in logs} == dict.fromkeys(
        (log.stem for log in logs), "COMPLETED"
    )
    # Each family's steps ran as 4 SLURM jobs (3 single rules and one group of its later steps), not 9.
    per_family = Counter()
    for log in logs:
        text = log.read_text()
        rules = set(re.findall(r"\(Rule: (\w+)\)", text))
        families = set(re.findall(r"wildcards: family=(\S+)", text))
        if rules == {"summary"}:
            continue
        assert len(families) == 1 and (rules <= OWN_JOBS and len(rules) == 1 or rules == FAMILY_TAIL), (log, rules)
        per_family[families.pop()] += 1
    assert per_family == Counter({family["family"]: len(OWN_JOBS) + 1 for family in truth(batch)})

    for family in truth(batch):
        for name in OUTPUTS:
            left = (local / "results" / family["family"] / name).read_bytes()
            right = (slurm / "results" / family["family"] / name).read_bytes()
            assert left == right, f"{family['family']}/{name} differs between the SLURM and the local run"
    assert "FAM050/report.html" in (slurm / "results" / "summary.html").read_text()


def test_rerun_after_deleting_one_family_recomputes_only_that_family(batch, slurm):
    results = slurm / "results"
    others = {p: p.stat().st_mtime_ns for p in results.glob("FAM*/**/*") if p.is_file() and DELETED not in p.parts}
    before = (results / DELETED / "candidates.json").read_bytes()
    for path in sorted((results / DELETED).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()
    (results / DELETED).rmdir()

    folder, seconds = run(batch, "slurm", "--profile", SLURM_PROFILE)
    print(f"\nre-run after deleting {DELETED}'s outputs: {seconds:.0f} s")
    jobs = snakemake_jobs(newest_log(folder))
    assert {family for _, family in jobs} <= {DELETED, ""}, jobs
    assert {rule for rule, family in jobs if family == DELETED} == OWN_JOBS | FAMILY_TAIL
    assert {rule for rule, family in jobs if family == ""} <= {"summary", "all"}
    assert {p: p.stat().st_mtime_ns for p in others} == others  # the other 49 families' files untouched
    assert (results / DELETED / "candidates.json").read_bytes() == before
