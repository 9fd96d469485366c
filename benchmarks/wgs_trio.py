"""A whole simulated genome trio through the whole workflow, against one plain `bcftools view` pass of its VCF.

`rarevar simulate --genome-scale --reference` writes a WGS-like trio (SNVs, indels, multi-allelics, missing calls,
hemizygous X/Y calls in the father), its population store, a reference holding every REF and the planted
gene's model. Then, in the same run: `bcftools view` of the trio VCF (the default VCF output, to /dev/null) and
`rarevar run --cores N` with the whole-genome stages in `--shards` shards. Prints the wall time and peak memory of
each workflow job (Snakemake's own benchmark files), the total, the ratio total / `bcftools view`, and whether the
planted de novo is ranked first.

    python benchmarks/wgs_trio.py                                  # 5,000,000 records, GRCh38, 2 cores, 2 shards
    python benchmarks/wgs_trio.py --records 500000 --shrink 10     # a quick run on chromosomes 10x shorter

Targets: total <= 10x the `bcftools view` pass and <= 3 minutes on 2 cores; every job's peak memory < 2 GB;
the planted variant ranked first.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
from pathlib import Path

import yaml
from measure import measure, python_step

REPO = Path(__file__).resolve().parents[1]
VIEW = ("import sys; from rarevar.base.bcftools import bcftools; "
        "bcftools('view', '--no-version', '-o', '/dev/null', sys.argv[1])")
TARGET_RATIO, TARGET_SECONDS, TARGET_PEAK_MIB = 10.0, 180.0, 2048.0


def simulate(work: Path, args) -> Path:
    sim = work / "sim"
    command = [sys.executable, "-m", "rarevar", "simulate", "--genome-scale", "--reference", "--records",
               str(args.records), "--seed", str(args.seed), "--out", str(sim)]  # fmt: skip
    if args.shrink > 1:
        from rarevar.base import genome

        fai = work / "shrunk.fai"
        fai.write_text("".join(f"{name}\t{max(length // args.shrink, 20_000)}\t0\t60\t61\n"
                               for name, length in genome.CHROMOSOMES["GRCh38"].items()))  # fmt: skip
        command += ["--fai", str(fai)]
    made = measure("simulate", command)
    print(f"simulated {args.records:,} trio records (+ store, reference, genes) in {made.wall:.0f} s, "
          f"peak {made.peak_mib:.0f} MiB")  # fmt: skip
    return sim


def write_config(work: Path, sim: Path, args) -> Path:
    config = yaml.safe_load((REPO / "config" / "config.yaml").read_text())
    sheet = work / "families.tsv"
    sheet.write_text("family_id\tvcf\tped\thpo\n"
                     f"SIM1\t{sim / 'trio.vcf.gz'}\t{sim / 'trio.ped'}\tHP:0001166;HP:0001083\n")  # fmt: skip
    config.update({
        "families": str(sheet), "results_dir": str(work / "results"), "shards": args.shards, "scores": [],
        "genome_build": "GRCh38" if args.shrink == 1 else "demo",
        "resources": {"dir": str(sim), "reference": "reference.fa", "genes": "genes.gff3.gz",
                      "population": "population.bcf"},
    })  # fmt: skip
    config["report"]["pdf"] = False
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    return path


def job_figures(results: Path) -> list[tuple[str, float, float, float]]:
    """(job, wall s, peak MiB, CPU s) from each job's Snakemake benchmark file."""
    rows = []
    for tsv in sorted((results / "benchmarks").glob("*/*.tsv")):
        with open(tsv, newline="") as handle:
            last = list(csv.DictReader(handle, delimiter="\t"))[-1]
        rows.append((f"{tsv.parent.name} {tsv.stem}", float(last["s"]), _number(last["max_rss"]),
                     _number(last["cpu_time"])))  # fmt: skip
    return rows


def _number(text: str) -> float:
    return float(text) if text not in ("", "NA", "-") else float("nan")


def planted_rank(results: Path, sim: Path) -> int | None:
    causal = json.loads((sim / "truth.json").read_text())["causal"]
    candidates = json.loads((results / "SIM1" / "candidates.json").read_text())["candidates"]
    for rank, c in enumerate(candidates, start=1):
        if (c["chrom"], c["pos"], c["ref"], c["alt"]) == (causal["chrom"], causal["pos"], causal["ref"], causal["alt"]):
            return rank
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=5_000_000)
    parser.add_argument("--shrink", type=int, default=1, help="chromosomes this many times shorter (quick runs)")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--shards", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workdir", help="folder for the generated genome and results (default: a temporary one)")
    parser.add_argument("--genome", help="a folder an earlier `rarevar simulate --genome-scale --reference` wrote "
                                         "(reused instead of simulating; --records and --shrink then describe it)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="rarevar-wgs-", dir=args.workdir) as tmp:
        work = Path(tmp)
        sim = Path(args.genome) if args.genome else simulate(work, args)
        config = write_config(work, sim, args)
        view = measure("bcftools view", python_step(VIEW, str(sim / "trio.vcf.gz")))
        view_records = json.loads((sim / "truth.json").read_text())["records"]
        run = measure("rarevar run", [sys.executable, "-m", "rarevar", "run", "--config", str(config),
                                      "--cores", str(args.cores)])  # fmt: skip
        results = work / "results"
        jobs = job_figures(results)
        rank = planted_rank(results, sim)

    print(f"\n{view_records:,} records, --cores {args.cores}, shards {args.shards}")
    width = max(len(name) for name, *_ in jobs)
    print(f"  {'job':<{width}}  {'wall s':>8}  {'CPU s':>7}  {'peak MiB':>9}")
    for name, wall, peak, cpu in jobs:
        print(f"  {name:<{width}}  {wall:8.1f}  {cpu:7.1f}  {peak:9.0f}")
    in_jobs = max(wall for _, wall, _, _ in jobs)
    peak = max(p for _, _, p, _ in jobs)
    print(f"  CPU of all jobs: {sum(cpu for *_, cpu in jobs):.0f} s; of the whole run (input checks, Snakemake): "
          f"{run.cpu:.0f} s")  # fmt: skip
    ratio = run.wall / view.wall
    print(f"  bcftools view (same input, same run): {view.wall:.1f} s")
    print(f"  rarevar run total: {run.wall:.1f} s (input checks and scheduling included; longest job {in_jobs:.1f} s)")
    print(f"  ratio total / bcftools view: {ratio:.1f}x (target <= {TARGET_RATIO:.0f}x)")
    print(f"  total: {run.wall:.0f} s (target <= {TARGET_SECONDS:.0f} s); largest job peak: {peak:.0f} MiB "
          f"(target < {TARGET_PEAK_MIB:.0f})")  # fmt: skip
    print(f"  planted de novo ranked: {rank}")
    met = ratio <= TARGET_RATIO and run.wall <= TARGET_SECONDS and peak < TARGET_PEAK_MIB and rank == 1
    print("  targets met" if met else "  targets NOT met")
    return 0


if __name__ == "__main__":
    sys.exit(main())
