"""Population-frequency annotation + prefilter (`rarevar frequency`) against a plain `bcftools view` pass.

A simulated trio (multi-allelic records split, BCF: the frequency stage's input after normalisation) and a
population store in rarevar's store format; both commands read the same input and write an indexed BCF.
Prints records/s of both, their ratio and peak memory.

    python benchmarks/annotation.py                                  # 5,000,000 records, 20,000,000 sites
    python benchmarks/annotation.py --records 20000 --sites 80000    # a quick run

Target: the frequency stage at >= 0.5x the speed of the `bcftools view` pass, peak memory < 2 GB.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from measure import measure, python_step, show

VIEW = (
    "import sys; from rarevar.base.bcftools import bcftools; "
    "bcftools('view', '--no-version', *sys.argv[3:], '-Ob', '-o', sys.argv[2], '-W', sys.argv[1])"
)
MAX_AF = "0.01"


def prepare(work: Path, records: int, sites: int, seed: int) -> Path:
    from rarevar.base.bcftools import bcftools

    simulated = measure("simulate", [sys.executable, "-m", "rarevar", "simulate", "--genome-scale", "--records",
                                     str(records), "--population-sites", str(sites), "--seed", str(seed),
                                     "--out", str(work / "sim")])  # fmt: skip
    split = work / "trio.bcf"
    bcftools("norm", "--no-version", "-m", "-any", "-Ob", "-o", str(split), "-W", str(work / "sim" / "trio.vcf.gz"))
    print(f"simulated {records:,} trio records and {sites:,} population sites in {simulated.wall:.0f} s "
          f"(peak {simulated.peak_mib:.0f} MiB)")  # fmt: skip
    return split


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=5_000_000, help="trio records")
    parser.add_argument("--sites", type=int, default=20_000_000, help="population store sites")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", help="folder for the temporary files (default: the system's)")
    args = parser.parse_args(argv)

    from rarevar.base.bcftools import count_records

    with tempfile.TemporaryDirectory(prefix="rarevar-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        split = prepare(work, args.records, args.sites, args.seed)
        records = count_records(str(split))
        frequency = measure("rarevar frequency", [sys.executable, "-m", "rarevar", "frequency", "--vcf", str(split),
                                                  "--population", str(work / "sim" / "population.bcf"),
                                                  "--max-af", MAX_AF, "--annotated", str(work / "annotated.bcf"),
                                                  "--rare", str(work / "rare.bcf"),
                                                  "--funnel", str(work / "funnel.json")])  # fmt: skip
        view = measure("bcftools view", python_step(VIEW, str(split), str(work / "view.bcf")))
        # The frequency stage lets one htslib thread compress; the same for a plain copy, for comparison.
        threaded = measure("bcftools view --threads 1", python_step(VIEW, str(split), str(work / "view1.bcf"),
                                                                    "--threads", "1"))  # fmt: skip
        rare = json.loads((work / "funnel.json").read_text())[0]["variants"]
        print(f"\n{records:,} records (multi-allelic split, BCF) against {args.sites:,} population sites:")
        show([frequency, view, threaded], records)
        ratio = view.wall / frequency.wall
        print(f"speed: rarevar frequency at {ratio:.2f}x the records/s of bcftools view (target >= 0.5x); "
              f"{threaded.wall / frequency.wall:.2f}x that of bcftools view --threads 1")  # fmt: skip
        print(f"peak memory: rarevar frequency {frequency.peak_mib:.0f} MiB (target < 2048)")
        print(f"kept as rare (AF <= {MAX_AF} or not observed): {rare:,} of {records:,} ({rare / records:.1%})")
        figures = {"records": records, "sites": args.sites, "frequency_s": frequency.wall, "view_s": view.wall,
                   "view_threads1_s": threaded.wall,
                   "ratio": ratio, "frequency_peak_mib": frequency.peak_mib, "rare": rare}  # fmt: skip
        print("figures: " + json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
