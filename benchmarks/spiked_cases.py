"""Benchmark mode B: each solved case's causal variant(s) spiked into a seeded background trio and run through
the pipeline's stages; prints top-1/3/10 and median rank of the causal variant, overall, by the disease's mode
of inheritance, by the spiked family pattern and by consequence, with the seconds per case.

    python benchmarks/spiked_cases.py --cases cases.tsv --out spiked_cases.tsv                # every usable case
    python benchmarks/spiked_cases.py --cases cases.tsv --limit 50 --jobs 1                   # a quick look

Targets (once ranking improves): top-1 >= 80%, top-3 >= 93%, top-10 >= 97%. The per-case TSV (--out) holds each
case's rank, genes, mode, pattern, consequence and status, for failure analysis.
"""

from __future__ import annotations

import argparse
import sys

from rarevar.benchmark import full


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", required=True, help="the flattened phenopacket-store cases.tsv")
    parser.add_argument("--limit", type=int, help="a seeded sample of this many cases (default: all)")
    parser.add_argument("--out", help="per-case results TSV (case, rank, genes, mode, consequence, status)")
    full.register_arguments(parser)
    args = parser.parse_args(argv)
    return full.run(args)


if __name__ == "__main__":
    sys.exit(main())
