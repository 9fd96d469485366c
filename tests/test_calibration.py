"""The benchmark's reliability views: on families drawn from the model's own assumptions, the view at the
assumed yield and the view given a solved family are calibrated, while the probabilities as reported are not
on solved families alone."""

import math
import random

import pytest

from rarevar.benchmark.calibration import as_reported, at_assumed_yield, given_solved, reliability
from rarevar.evidence import posterior

SEPARATION = 2.0  # causal candidates' natural-log LR evidence: x ~ N(mu, 1) against N(0, 1) for the others


def _log10_lr(x: float) -> float:
    # The exact likelihood ratio of N(mu, 1) against N(0, 1) at x, in log10, made as overconfident as the
    # probabilities' tempering assumes the pipeline's product of likelihood ratios is.
    return (SEPARATION * x - SEPARATION**2 / 2) / math.log(10) / posterior.PROBABILITY_TEMPERATURE


def _solved_families(n_families: int = 6000, size: int = 8, seed: int = 3) -> list[list[tuple[float, bool]]]:
    """Families whose cause is among their candidates, as in the benchmark: one causal candidate at a random
    place, the others drawn from the non-causal distribution."""
    rng = random.Random(seed)
    families = []
    for _ in range(n_families):
        causal = rng.randrange(size)
        families.append([(_log10_lr(rng.gauss(SEPARATION if i == causal else 0.0, 1.0)), i == causal)
                         for i in range(size)])  # fmt: skip
    return families


def _worst_gap(predictions, min_weight: float = 300.0) -> float:
    rows = [r for r in reliability(predictions) if r["candidates"] >= min_weight]
    assert len(rows) >= 4  # the comparison covers most bins, not one
    return max(abs(r["observed"] - r["mean_predicted"]) for r in rows)


def test_the_views_at_the_assumed_yield_and_given_solved_are_calibrated_on_the_models_own_families():
    families = _solved_families()
    assert _worst_gap(at_assumed_yield(families)) < 0.05
    assert _worst_gap(given_solved(families)) < 0.05
    # The probabilities as reported count a 60% chance that no candidate is causal, which solved families lack.
    assert _worst_gap(as_reported(families)) > 0.2


def test_an_unsolved_twin_adds_the_family_without_its_causal_record_at_the_remaining_weight():
    family = [(2.0, True), (0.0, False), (-1.0, False)]
    predictions = at_assumed_yield([family])
    solved, twin = predictions[:3], predictions[3:]
    assert [(p, causal) for p, causal, _ in solved] == as_reported([family])
    assert {w for _, _, w in solved} == {posterior.DIAGNOSTIC_YIELD}
    assert [p for p, _, _ in twin] == pytest.approx(posterior.probabilities([0.0, -1.0]))
    assert all(not causal and w == pytest.approx(1 - posterior.DIAGNOSTIC_YIELD) for _, causal, w in twin)
    odds = [10 ** (posterior.PROBABILITY_TEMPERATURE * lr) for lr, _ in family]
    assert [p for p, _ in given_solved([family])] == pytest.approx([o / sum(odds) for o in odds])
    assert given_solved([family])[0][0] > 0.9


def test_weighted_predictions_count_by_their_weight():
    rows = reliability([(0.5, True, 0.25), (0.55, False, 0.75)])
    row = next(r for r in rows if r["low"] == 0.5)
    assert row["candidates"] == pytest.approx(1.0)
    assert row["observed"] == pytest.approx(0.25)
    assert row["mean_predicted"] == pytest.approx(0.5 * 0.25 + 0.55 * 0.75)
