"""Benchmark mode A (phenotype only) on solved phenopacket-store cases, and the speed of the phenotype LR.

    python benchmarks/phenopackets.py --cases <phenopacket-store-dev>/cases.tsv [--limit N] [--compare 100]

Prints (1) how long the LR model takes to build once per process and to score one patient against every gene
with HPO disease annotations (median over the cases' own term sets), then (2) the rank of each case's causal
gene by the LR (`rarevar benchmark --mode phenotype`), with the previous funSimMax score on `--compare` of the
same cases in the same run (funSimMax takes seconds per case, so it runs on a subset).
CAUTION: HPO's disease annotations are partly curated from these very publications, which flatters mode A.
"""

from __future__ import annotations

import argparse
import statistics
import time

from rarevar.benchmark import phenotype_only
from rarevar.benchmark.cases import read_cases
from rarevar.cli import main


def speed(cases_path: str, n: int) -> None:
    from rarevar.phenotype.hpo import ontology
    from rarevar.phenotype.likelihood import gene_log10_lrs, model, score_genes

    ontology()
    start = time.perf_counter()
    built = model()
    build = time.perf_counter() - start
    cases, _ = phenotype_only.askable(phenotype_only.spread(read_cases(cases_path), n))
    ranked, explained = [], []
    for _, phenotype in cases:
        start = time.perf_counter()
        gene_log10_lrs(phenotype)
        ranked.append(time.perf_counter() - start)
        start = time.perf_counter()
        score_genes(phenotype)
        explained.append(time.perf_counter() - start)
    terms = statistics.median(len(p.observed) + len(p.excluded) for _, p in cases)
    print(f"model: {len(built.diseases)} diseases, {len(built.genes)} genes, {len(built.term_ids)} terms; "
          f"built in {build:.2f} s (once per process)")  # fmt: skip
    print(f"one patient vs all {len(built.genes)} genes ({len(cases)} cases, median {terms:g} terms): "
          f"ranking {statistics.median(ranked) * 1000:.0f} ms median (max {max(ranked) * 1000:.0f} ms), "
          f"with every gene's explanation {statistics.median(explained) * 1000:.0f} ms median")  # fmt: skip


def main_benchmark() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", required=True, help="cases.tsv of a phenopacket-store split")
    parser.add_argument("--limit", type=int, help="only N cases, evenly spaced through the table")
    parser.add_argument("--compare", type=int, default=100, help="cases also ranked by funSimMax (0: none)")
    parser.add_argument("--speed-cases", type=int, default=200)
    parser.add_argument("--out", help="per-case ranks (TSV)")
    args = parser.parse_args()
    speed(args.cases, args.speed_cases)
    argv = ["benchmark", "--mode", "phenotype", "--cases", args.cases, "--compare-limit", str(args.compare)]
    argv += ["--limit", str(args.limit)] if args.limit else []
    argv += ["--out", args.out] if args.out else []
    return main(argv)


if __name__ == "__main__":
    raise SystemExit(main_benchmark())
