"""Wall time of the rank stage on the demo family, without and with the per-user cache (rarevar.base.user_cache).

Usage: python benchmarks/rank_stage.py [--reference-gb 1.0] [--repeats 3]
Runs the demo once (report stages off), takes the `rarevar rank` command Snakemake ran from its output, and runs it
again as a user's next run would, in three states:
  before  RAREVAR_CACHE_DIR=off: the phenotype model is built and every resource without a manifest checksum is
          read, on every run (as before the cache);
  first   an empty cache: the same work, plus storing it;
  after   the cache filled by `first` (median of --repeats).
With --reference-gb > 0 the stage's `reference` is a file of that size without a manifest entry (a real genome's
FASTA is about 3.2 GB), so its checksum is part of the figure. Target: `after` at most 2 s.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "resources" / "demo"
TARGET_SECONDS = 2.0


def demo_run(work: Path) -> list[str]:
    """Run the demo; the rank stage's command as Snakemake printed it (without its log redirection)."""
    truth = json.loads((DEMO / "truth.json").read_text())
    sheet = work / "families.tsv"
    row = [truth["family"], str(DEMO / "trio.vcf.gz"), str(DEMO / "demo.ped"), ";".join(truth["hpo"])]
    sheet.write_text("family_id\tvcf\tped\thpo\n" + "\t".join(row) + "\n")
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    config["resources"]["dir"] = str(DEMO)
    config.update(families=str(sheet), results_dir=str(work / "results"), stages={"report": False})
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    command = [sys.executable, "-m", "rarevar", "run", "--config", str(work / "config.yaml"), "--cores", "2"]
    run = subprocess.run(command, cwd=REPO, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"the demo run failed:\n{run.stderr[-3000:]}")
    printed = "Shell command: "
    line = next(line for line in (run.stdout + run.stderr).splitlines() if line.startswith(f"{printed}rarevar rank"))
    words = shlex.split(line.removeprefix(printed))
    return words[: words.index("2>")] if "2>" in words else words


def with_reference(command: list[str], work: Path, gigabytes: float) -> list[str]:
    """The command with its outputs in `work` and, for gigabytes > 0, a reference of that size to checksum."""
    command = list(command)
    for option, name in (("--out-json", "c.json"), ("--out-tsv", "c.tsv"), ("--out-vcf", "c.vcf.gz")):
        command[command.index(option) + 1] = str(work / name)
    if gigabytes > 0:
        big = work / "reference.fa"
        block = (DEMO / "reference.fa").read_bytes()
        with open(big, "wb") as handle:
            for _ in range(int(gigabytes * 1e9 / len(block)) + 1):
                handle.write(block)
        at = command.index("--resources") + 1
        command[at] = json.dumps({**json.loads(command[at]), "reference": str(big)})
    return [sys.executable, "-m", "rarevar", *command[1:]]


def timed(command: list[str], cache: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True,
                            env={**os.environ, "RAREVAR_CACHE_DIR": cache})  # fmt: skip
    if result.returncode != 0:
        sys.exit(f"rarevar rank failed:\n{result.stderr[-3000:]}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference-gb", type=float, default=1.0)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rarevar-rank-bench-") as tmp:
        work = Path(tmp)
        command = with_reference(demo_run(work), work, args.reference_gb)
        before = statistics.median(timed(command, "off") for _ in range(args.repeats))
        first = timed(command, str(work / "cache"))
        after = statistics.median(timed(command, str(work / "cache")) for _ in range(args.repeats))
    print(f"rank stage, demo family, reference of {args.reference_gb:g} GB without a manifest checksum:")
    print(f"  before (no cache, median of {args.repeats}): {before:.2f} s")
    print(f"  first run (fills the cache):        {first:.2f} s")
    verdict = "met" if after <= TARGET_SECONDS else "NOT met"
    print(f"  after (cache filled, median of {args.repeats}):  {after:.2f} s = {before / after:.1f}x faster "
          f"(target <= {TARGET_SECONDS:.0f} s: {verdict})")  # fmt: skip


if __name__ == "__main__":
    main()
