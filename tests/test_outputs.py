"""Output helpers: the per-mode yield and its warning."""

from __future__ import annotations

from rarevar.report.outputs import mode_yield, yield_warnings


def test_a_flood_of_de_novo_calls_is_a_warning():
    candidates = [{"inheritance": ["de_novo"]} for _ in range(31)] + [{"inheritance": ["autosomal_recessive"]}]
    yields = mode_yield(candidates)
    assert yields["de_novo"]["candidates"] == 31 and yields["autosomal_recessive"]["candidates"] == 1
    warnings = yield_warnings(yields)
    assert len(warnings) == 1 and warnings[0].startswith("31 de novo candidates, over 10x the ~3")
