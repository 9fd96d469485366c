"""Reliability table: of the candidates given a probability near p, how many were the cause.

Each candidate of each benchmark case is one prediction (its `score`, rarevar.posterior) with one outcome (is it
a causal record of the case). Well calibrated, the observed fraction in each bin is close to the mean predicted
probability there. All benchmark cases are solved ones, so "none of the candidates" never happens here, while the
probabilities assume a diagnostic yield (rarevar.posterior.DIAGNOSTIC_YIELD): the table shows how the two compare.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

EDGES = (0.0, 0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0)


def bin_index(p: float) -> int:
    for i in range(len(EDGES) - 1):
        if p < EDGES[i + 1]:
            return i
    return len(EDGES) - 2  # p == 1 falls into the last bin


def reliability(predictions: Iterable[tuple[float, bool]]) -> list[dict]:
    """One row per probability bin: candidates, mean predicted probability, fraction causal."""
    counts = [[0, 0.0, 0] for _ in EDGES[:-1]]
    for p, causal in predictions:
        row = counts[bin_index(p)]
        row[0] += 1
        row[1] += p
        row[2] += int(causal)
    return [{"low": EDGES[i], "high": EDGES[i + 1], "candidates": n, "mean_predicted": total / n if n else None,
             "observed": hits / n if n else None} for i, (n, total, hits) in enumerate(counts)]  # fmt: skip


def format_reliability(rows: list[dict], write: Callable[[str], None] = print) -> None:
    write(f"{'probability':<14} {'candidates':>10} {'mean p':>8} {'causal':>8}")
    for row in rows:
        if not row["candidates"]:
            continue
        write(f"{row['low']:.2f}-{row['high']:.2f}{'':<5} {row['candidates']:>10} {row['mean_predicted']:>8.3f} "
              f"{row['observed']:>8.3f}")
