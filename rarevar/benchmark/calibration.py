"""Reliability tables: of the candidates given a probability near p, how many were the cause.

Each candidate of each benchmark case is one prediction (its probability, evidence.posterior) with one outcome (is
it a causal record of the case). Well calibrated, the observed fraction in each bin is close to the mean predicted
probability there. All benchmark cases are solved ones, while the probabilities assume that only
DIAGNOSTIC_YIELD of families have their cause among the candidates, so the probabilities as reported are
underconfident on solved cases by design. Two views test them fairly:
- at the assumed yield: each case counts once as it is (weight DIAGNOSTIC_YIELD) and once as its unsolved twin,
  the same family with its causal records taken out (weight 1 - DIAGNOSTIC_YIELD: background candidates and the
  patient's phenotype, none causal), so predicted and observed refer to the same mix of solved and unsolved;
- given that one candidate is the cause: each candidate's odds over the sum of the family's odds, without the
  "none of them" hypothesis, which is what a solved case tests.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from rarevar.evidence import posterior

EDGES = (0.0, 0.01, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0)

Case = list[tuple[float, bool]]  # (log10 LR of the candidate, is it causal) for each candidate of one case


def bin_index(p: float) -> int:
    for i in range(len(EDGES) - 1):
        if p < EDGES[i + 1]:
            return i
    return len(EDGES) - 2  # p == 1 falls into the last bin


def reliability(predictions: Iterable[tuple]) -> list[dict]:
    """One row per probability bin from (probability, causal[, weight]) predictions: the (weighted) number of
    candidates, their mean predicted probability and the fraction of them that were causal."""
    counts = [[0.0, 0.0, 0.0] for _ in EDGES[:-1]]
    for p, causal, *weight in predictions:
        w = weight[0] if weight else 1.0
        row = counts[bin_index(p)]
        row[0] += w
        row[1] += w * p
        row[2] += w * int(causal)
    return [{"low": EDGES[i], "high": EDGES[i + 1], "candidates": n, "mean_predicted": total / n if n else None,
             "observed": hits / n if n else None} for i, (n, total, hits) in enumerate(counts)]  # fmt: skip


def as_reported(cases: Iterable[Case]) -> list[tuple]:
    """Every candidate with its probability as the ranking reports it."""
    return [(p, causal) for case in cases
            for p, (_, causal) in zip(posterior.probabilities([lr for lr, _ in case]), case, strict=True)]  # fmt: skip


def at_assumed_yield(cases: Iterable[Case], diagnostic_yield: float = posterior.DIAGNOSTIC_YIELD) -> list[tuple]:
    """Each case as it is at weight `diagnostic_yield`, and its unsolved twin (causal records removed) at the
    rest."""
    predictions = []
    for case in cases:
        predictions += [(p, causal, diagnostic_yield) for p, causal in as_reported([case])]
        unsolved = [(lr, False) for lr, causal in case if not causal]
        predictions += [(p, False, 1.0 - diagnostic_yield) for p, _ in as_reported([unsolved])]
    return predictions


def given_solved(cases: Iterable[Case]) -> list[tuple]:
    """Each candidate's share of its family's odds: its probability if one of the candidates is the cause."""
    predictions = []
    for case in cases:
        shares = posterior.shares_given_solved([lr for lr, _ in case])
        predictions += [(p, causal) for p, (_, causal) in zip(shares, case, strict=True)]
    return predictions


def format_reliability(rows: list[dict], write: Callable[[str], None] = print) -> None:
    write(f"{'probability':<14} {'candidates':>10} {'mean p':>8} {'causal':>8}")
    for row in rows:
        if not row["candidates"]:
            continue
        write(
            f"{row['low']:.2f}-{row['high']:.2f}{'':<5} {row['candidates']:>10.0f} {row['mean_predicted']:>8.3f} "
            f"{row['observed']:>8.3f}"
        )


def print_reliability(cases: list[Case], write: Callable[[str], None] = print) -> None:
    """The three views, one table each."""
    views = (
        (
            "as reported, on these solved cases (underconfident by design: the prior assumes a "
            f"{posterior.DIAGNOSTIC_YIELD:.0%} yield)",
            as_reported(cases),
        ),
        (
            f"at the assumed {posterior.DIAGNOSTIC_YIELD:.0%} yield (each case also counted as its unsolved twin, "
            "candidates weighted)",
            at_assumed_yield(cases),
        ),
        ("given that one of the family's candidates is the cause", given_solved(cases)),
    )
    for title, predictions in views:
        write(f"\nreliability of the candidates' probabilities, {title}:")
        format_reliability(reliability(predictions), write)
