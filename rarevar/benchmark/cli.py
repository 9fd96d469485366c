"""`rarevar benchmark`: ranking benchmarks on published solved cases."""

from __future__ import annotations


def register(sub) -> None:
    from rarevar.benchmark import full

    p = sub.add_parser("benchmark", help="rank the causal variants of published solved cases (top-1/3/10, median)")
    p.add_argument("--mode", required=True, choices=["full"],
                   help="full: causal variants spiked into a background trio, run through the pipeline")  # fmt: skip
    p.add_argument("--cases", required=True, help="the flattened phenopacket-store cases.tsv")
    full.register_arguments(p)
    p.set_defaults(benchmark_handler=run)


def run(args) -> int:
    from rarevar.benchmark import full

    handlers = {"full": full.run}
    return handlers[args.mode](args)
