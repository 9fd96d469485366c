"""Reanalysis reasons as messages: each item's English `reasons` has `reasons_messages` beside it, whose English is
the text and whose Chinese is rendered from the catalogue with the values (ranks, AFs, setting names) kept."""

from __future__ import annotations

import json

from rarevar.base.messages import english
from rarevar.report.messages import render
from rarevar.report.reanalyze import compare, reanalyze
from rarevar.report.reanalyze_trace import trace, traced
from tests import test_reanalyze
from tests.test_reanalyze import _by_gene, _clinvar, _records, _write_run

runs = test_reanalyze.runs  # the two small runs of the reanalysis tests, a fixture
KINDS = ("new", "gone", "moved")


def _said(item: dict) -> list[tuple[str, dict]]:
    assert len(item["reasons_messages"]) == len(item["reasons"])
    return list(zip(item["reasons"], item["reasons_messages"], strict=True))


def _zh(result: dict, kind: str, gene: str) -> list[str]:
    return [render(m, "zh") for m in _by_gene(result[kind])[gene]["reasons_messages"]]


def test_every_reason_has_a_message_whose_english_is_the_text(runs):
    previous, current = runs
    previous["candidates"][2]["population_af"] = 0.004  # XPC, gone by frequency
    current["settings"].update(max_population_af=0.001, min_gq=20)
    current["candidates"][1]["phenotype_score"] = 0.9  # TNNT2 moves with a new phenotype score
    result = compare(previous, current)
    items = [item for kind in KINDS for item in result[kind]]
    assert {kind for kind in KINDS if result[kind]} == set(KINDS)
    for item in items:
        for text, said in _said(item):
            assert english(said) == text
    for item in result["reclassified"]:
        assert english(item["clinvar_text_message"]) == item["clinvar_text"]


def test_reasons_in_chinese_keep_the_values(runs):
    previous, current = runs
    previous["candidates"][2]["population_af"] = 0.004
    current["settings"].update(max_population_af=0.001, min_gq=20)
    current["candidates"][1]["phenotype_score"] = 0.9
    result = compare(previous, current)
    assert _zh(result, "gone", "XPC") == [
        "现已被人群频率过滤：等位基因频率 0.004 高于上限 0.001（之前为 0.01）",
        "基因型门槛 min_gq 由 无 改为 20",  # the setting was absent in the previous run
    ]
    assert _zh(result, "moved", "PEX26") == ["ClinVar：意义不明（1 星） → 致病（2 星）"]
    assert _zh(result, "moved", "TNNT2") == ["表型评分 0.50 → 0.90"]
    [change] = result["reclassified"]
    assert render(change["clinvar_text_message"], "zh") == "意义不明（1 星） → 致病（2 星）"


def test_untold_reason_names_what_changed_in_chinese(runs):
    result = compare(*runs)
    [untold] = _zh(result, "new", "TLR8")
    # setting names stay as the run wrote them; the list separator is Chinese
    assert untold == "两次运行的输出无法说明原因；运行中的变化：hpo_ontology、resources.clinvar.sha256"
    previous, current = runs
    current["versions"] = previous["versions"]
    assert _zh(compare(previous, current), "gone", "XPC") == ["两次运行的输出无法说明原因；运行中的变化：无记录"]


def test_clinvar_and_acmg_words_are_translated(runs):
    previous, current = runs
    current["candidates"][2]["clinvar"] = _clinvar("Likely_pathogenic", 1)  # TLR8, new
    previous["candidates"][0]["acmg"] = {"classification": "Likely pathogenic"}  # TNNT2 loses its class
    result = compare(previous, current)
    assert _zh(result, "new", "TLR8") == ["ClinVar 将其分类为 可能致病（1 星）"]
    assert _zh(result, "moved", "TNNT2") == ["ACMG：可能致病 → 未分类"]
    tnnt2 = _by_gene(result["reclassified"])["TNNT2"]
    assert english(tnnt2["acmg_text_message"]) == tnnt2["acmg_text"] == "Likely pathogenic -> not classified"


def test_a_classification_with_braces_stays_plain_text(runs):
    """A hand-edited file's ClinVar significance is shown as it is, not taken for a template."""
    previous, current = runs
    current["candidates"][0]["clinvar"]["significance"] = "Benign{x}"
    [pex26] = [item for item in compare(previous, current)["moved"] if item["gene"] == "PEX26"]
    assert pex26["reasons"] == ["ClinVar Uncertain significance (1 star) -> Benign{x} (2 stars)"]
    assert render(pex26["reasons_messages"][0], "zh") == "ClinVar：意义不明（1 星） → Benign{x}（2 星）"


def test_reanalysis_json_carries_the_messages_and_the_chinese_page_shows_them(runs, tmp_path):
    previous, current = runs
    current["candidates"][2]["clinvar"] = _clinvar("Pathogenic", 2)  # TLR8, new
    a, b = _write_run(tmp_path / "a", previous), _write_run(tmp_path / "b", current)
    reanalyze(a, b, tmp_path / "out", language="zh")
    written = json.loads((tmp_path / "out" / "reanalysis.json").read_text())
    for kind in KINDS:
        for item in written[kind]:
            assert [english(m) for m in item["reasons_messages"]] == item["reasons"]
    html = (tmp_path / "out" / "reanalysis.html").read_text()
    assert "ClinVar 将其分类为 致病（2 星）" in html
    assert "ClinVar：意义不明（1 星） → 致病（2 星）" in html
    assert "运行中的变化：hpo_ontology、resources.clinvar.sha256" in html


def test_traced_reasons_through_a_real_run(demo_run):
    folder = demo_run / "DEMO1"
    payload = json.loads((folder / "candidates.json").read_text())
    settings = payload["settings"]
    chrom, pos, ref, alt, _ = next(r for r in _records(folder / "work" / "population.bcf")
                                   if "Benign" in r[4].get("CLINVAR_SIG", ()))  # fmt: skip
    common = {"chrom": chrom, "pos": pos, "ref": ref, "alt": alt}
    for candidate in (common, payload["candidates"][-1]):
        assert [english(m) for m in traced(folder, candidate, settings)] == trace(folder, candidate, settings)
    benign, frequency = (render(m, "zh") for m in traced(folder, common, settings))
    assert benign.startswith("ClinVar 现将其分类为 良性（") and benign.endswith(" 星）")
    assert frequency.startswith("现已被人群频率过滤：AF ")
    assert frequency.endswith(f"高于上限 {settings['max_population_af']}，且 ClinVar 不再判为致病")
    [outranked] = traced(folder, payload["candidates"][-1], settings)
    assert render(outranked, "zh") == f"仍是候选变异，但排名已不在前 {settings['max_candidates']} 名之内"
