"""What reading FILTER costs the normalize stage (issue 19, part 1).

`rarevar simulate --genome-scale --reference` writes a WGS-like trio (chromosomes 10x shorter by default). A copy
gets a VQSR tranche filter on the records `--failing` matches (`bcftools filter --soft-filter`, as GATK writes
it). `rarevar normalize` then runs on the all-PASS trio and on the copy (medians of `--repeats`), and the figures
say how many carried alleles were set aside at the FILTER step and what the step cost.

    python benchmarks/filter_step.py                      # 1,000,000 records
    python benchmarks/filter_step.py --records 5000000 --shrink 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from measure import measure

FILTER = "VQSRTrancheSNP99.90to100.00"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--shrink", type=int, default=10)
    parser.add_argument("--failing", default="FMT/DP[0]<22", help="bcftools expression of the records that fail")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    from rarevar.base import genome
    from rarevar.base.bcftools import bcftools

    with tempfile.TemporaryDirectory(prefix="rarevar-filter-bench-") as tmp:
        work = Path(tmp)
        fai = work / "shrunk.fai"
        fai.write_text("".join(f"{name}\t{max(length // args.shrink, 20_000)}\t0\t60\t61\n"
                               for name, length in genome.CHROMOSOMES["GRCh38"].items()))  # fmt: skip
        sim = work / "sim"
        made = measure("simulate", [sys.executable, "-m", "rarevar", "simulate", "--genome-scale", "--reference",
                                    "--records", str(args.records), "--fai", str(fai), "--out", str(sim)])
        print(f"simulated {args.records:,} trio records in {made.wall:.0f} s")
        failing = work / "vqsr.vcf.gz"
        bcftools("filter", "--no-version", "-s", FILTER, "-e", args.failing, "-Oz", "-o", str(failing),
                 "--write-index=tbi", str(sim / "trio.vcf.gz"))  # fmt: skip
        samples = ",".join(line.split()[1] for line in (sim / "trio.ped").read_text().splitlines()
                           if line.strip() and not line.startswith("#"))  # fmt: skip
        for label, vcf in (("all PASS", sim / "trio.vcf.gz"), (f"{args.failing} failing {FILTER}", failing)):
            walls, peaks = [], []
            for _ in range(args.repeats):
                funnel = work / "funnel.json"
                run = measure("normalize", [sys.executable, "-m", "rarevar", "normalize", "--vcf", str(vcf),
                                            "--samples", samples, "--reference", str(sim / "reference.fa"),
                                            "--out", str(work / "n.bcf"), "--funnel", str(funnel)])  # fmt: skip
                walls.append(run.wall)
                peaks.append(run.peak_mib)
            steps = {s["message"]["id"]: s for s in json.loads(funnel.read_text())}
            [step] = [s for s in steps.values() if s["step"].startswith("FILTER")]
            print(f"normalize, {label}: {statistics.median(walls):.2f} s (median of {args.repeats}), peak "
                  f"{max(peaks):.0f} MiB; FILTER step: {step['set_aside_total']:,} carried alleles set aside, "
                  f"{len(step['set_aside'])} listed, {step['variants']:,} kept")  # fmt: skip


if __name__ == "__main__":
    main()
