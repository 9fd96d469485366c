"""The combined probability: likelihood ratios multiply, a family's candidates share one prior, and the
demo's planted cause gets almost all of it."""

import json
import math

import pytest

from rarevar import posterior
from rarevar.benchmark.calibration import reliability
from tests.conftest import DEMO


def test_without_evidence_the_candidates_share_the_diagnostic_yield():
    p = posterior.probabilities([0.0] * 8)
    assert sum(p) == pytest.approx(posterior.DIAGNOSTIC_YIELD)
    assert len(set(p)) == 1


def test_eight_acmg_points_are_odds_of_350_and_benign_points_lower_the_odds():
    assert 10 ** posterior.variant_log10_lr(8) == pytest.approx(350.0)
    assert 10 ** posterior.variant_log10_lr(1) == pytest.approx(350 ** (1 / 8))  # Supporting: x2.08
    assert posterior.variant_log10_lr(-4) < 0 < posterior.variant_log10_lr(2)


def test_each_factor_moves_the_odds_the_documented_way():
    strong = posterior.factors(3.0, "HIGH", 8, True, True)
    assert strong.total == pytest.approx(0.5 * 3.0 + 0.0 + math.log10(350) + 0 + 0)
    assert posterior.factors(3.0, "LOW", 8, True, True).total < strong.total  # a synonymous change
    assert posterior.factors(3.0, "HIGH", 8, False, True).total < strong.total  # mode only possible
    assert posterior.factors(3.0, "HIGH", 8, True, False).total < posterior.factors(3.0, "HIGH", 8, True, None).total
    assert posterior.factors(None, "HIGH", 8, True, None).phenotype == math.log10(posterior.UNANNOTATED_GENE_LR)


def test_strong_evidence_takes_the_probability_from_the_others():
    p = posterior.probabilities([6.0, 0.0, -1.0])
    assert p[0] > 0.99 and sum(p) < 1.0
    assert p[1] > p[2]
    assert posterior.probabilities([400.0, 0.0]) == pytest.approx([1.0, 0.0])  # no overflow in log space


def test_reliability_table_counts_each_prediction_in_its_bin():
    rows = reliability([(0.005, False), (0.95, True), (0.97, False), (1.0, True)])
    by_bin = {(r["low"], r["high"]): r for r in rows}
    assert by_bin[(0.0, 0.01)]["candidates"] == 1 and by_bin[(0.0, 0.01)]["observed"] == 0.0
    assert by_bin[(0.9, 0.99)]["candidates"] == 2 and by_bin[(0.9, 0.99)]["observed"] == 0.5
    assert by_bin[(0.99, 1.0)]["candidates"] == 1 and by_bin[(0.99, 1.0)]["mean_predicted"] == 1.0


def test_demo_cause_is_first_with_almost_all_the_probability(demo_run):
    truth = json.loads((DEMO / "truth.json").read_text())
    candidates = json.loads((demo_run / truth["family"] / "candidates.json").read_text())["candidates"]
    first = candidates[0]
    assert (first["gene"], first["pos"]) == (truth["gene"], truth["pos"])
    assert first["score"] == first["posterior"]["probability"] > 0.9
    assert sum(c["score"] for c in candidates) <= 1.0
    assert [c["score"] for c in candidates] == sorted((c["score"] for c in candidates), reverse=True)
    assert any(w.startswith(f"Probability {first['score']:.3g} that this variant explains") for w in first["why"])
