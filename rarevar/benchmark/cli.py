"""`rarevar benchmark --mode MODE --cases cases.tsv`: rank solved cases' causal genes or variants and print the
summary table. Each mode lives in its own module; this file only parses the arguments and dispatches by mode:
phenotype (mode A, HPO terms only: rank of the causal gene) and full (mode B, causal variants spiked into a
background trio and run through the pipeline: rank of the causal variant)."""

from __future__ import annotations

import sys

from rarevar.benchmark.cases import read_cases
from rarevar.benchmark.table import format_table


def register(sub) -> None:
    p = sub.add_parser("benchmark", help="rank the causal genes/variants of published solved cases (top-1/3/10)")
    p.add_argument("--mode", required=True, choices=sorted(MODES),
                   help="phenotype: HPO terms only (mode A); full: spiked into a background trio (mode B)")  # fmt: skip
    p.add_argument("--cases", required=True, help="cases.tsv of a phenopacket-store split")
    p.add_argument("--limit", type=int, help="only N cases (phenotype: evenly spaced; full: a seeded sample)")
    p.add_argument("--out", help="write one row per case to this TSV")
    p.add_argument("--compare-limit", type=int, default=0,
                   help="phenotype mode: also rank N of the cases by the previous funSimMax score")  # fmt: skip
    from rarevar.benchmark import full

    full.register_arguments(p)
    p.set_defaults(handler=_dispatch)


def phenotype_mode(args) -> int:
    from rarevar.benchmark import phenotype_only as mode

    cases, skipped = mode.askable(mode.spread(read_cases(args.cases), args.limit))
    results = {"lr": mode.run(cases, "lr")}
    if args.compare_limit:
        subset = mode.spread([c for c, _ in cases], args.compare_limit)
        chosen = {c.case_id for c in subset}
        compared = [(c, p) for c, p in cases if c.case_id in chosen]
        results["funsimmax"] = mode.run(compared, "funsimmax")
        results["lr (same cases)"] = [r for r in results["lr"] if r.outcome.case_id in chosen]
    for method, ranked in results.items():
        print(f"\n== {method}: rank of the causal gene among {ranked[0].n_genes if ranked else 0} genes "
              f"with HPO disease annotations ({len(ranked)} cases)")  # fmt: skip
        format_table([r.outcome for r in ranked], mode.GROUPS if method == "lr" else ())
    print("\nleft out: " + ", ".join(f"{n} {why}" for why, n in skipped.items()))
    print("note: HPO disease annotations are partly curated from these same publications; mode A is flattered.")
    if args.out:
        mode.write_rows(args.out, {m: r for m, r in results.items() if m != "lr (same cases)"})
        print(f"rarevar: per-case ranks written to {args.out}", file=sys.stderr)
    return 0


def full_mode(args) -> int:
    from rarevar.benchmark import full

    return full.run(args)


MODES = {"phenotype": phenotype_mode, "full": full_mode}


def _dispatch(args) -> int:
    return MODES[args.mode](args)
