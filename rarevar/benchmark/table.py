"""The benchmark's summary table: top-1/3/10 and median rank, overall and per group."""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

CUTOFFS = (1, 3, 10)


@dataclass(frozen=True)
class Outcome:
    case_id: str
    rank: int | None  # 1-based rank of the causal gene/variant; None = not among the ranked results
    groups: dict  # e.g. {"inheritance": "autosomal dominant", "consequence": "missense"}
    seconds: float = 0.0


def summarise(outcomes: list[Outcome]) -> dict:
    """Counts and fractions; a case whose answer was not ranked counts as a miss and as rank infinity."""
    n = len(outcomes)
    ranks = [o.rank if o.rank is not None else float("inf") for o in outcomes]
    row = {"cases": n}
    for k in CUTOFFS:
        hits = sum(1 for r in ranks if r <= k)
        row[f"top{k}"] = hits
        row[f"top{k}_fraction"] = hits / n if n else 0.0
    row["median_rank"] = statistics.median(ranks) if n else None
    row["not_ranked"] = sum(1 for o in outcomes if o.rank is None)
    row["seconds_per_case"] = sum(o.seconds for o in outcomes) / n if n else 0.0
    return row


def by_group(outcomes: Iterable[Outcome], key: str) -> dict[str, dict]:
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[str(outcome.groups.get(key, ""))].append(outcome)
    return {name: summarise(members) for name, members in sorted(groups.items())}


def format_table(outcomes: list[Outcome], group_keys: Iterable[str], write: Callable[[str], None] = print) -> None:
    """Plain-text table: one line overall, then one per value of each group key."""
    header = f"{'group':<48} {'cases':>6} {'top1':>7} {'top3':>7} {'top10':>7} {'median':>7} {'s/case':>7}"
    write(header)
    write("-" * len(header))

    def line(name: str, row: dict) -> None:
        median = row["median_rank"]
        median_text = "-" if median is None else ("inf" if median == float("inf") else f"{median:g}")
        write(f"{name[:48]:<48} {row['cases']:>6} {row['top1_fraction']:>7.1%} {row['top3_fraction']:>7.1%} "
              f"{row['top10_fraction']:>7.1%} {median_text:>7} {row['seconds_per_case']:>7.3f}")

    line("all", summarise(outcomes))
    for key in group_keys:
        for name, row in by_group(outcomes, key).items():
            line(f"{key}: {name or '(none)'}", row)
