"""The report in Simplified Chinese (`report: {language: zh}`): the pipeline's messages are rendered in Chinese with
their ids and numbers kept, a text without a message stays English, input strings stay escaped, and a real run of the
demo gives a Chinese report.html, report.pdf and summary.html with every sentence in Chinese. (That every text has a
translation in the catalogue: tests/test_messages.py.)"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest
from pypdf import PdfReader

from rarevar.base.funnel import FITS, INPUT_RECORDS, step
from rarevar.base.messages import joined, message, with_messages, word
from rarevar.report.html import render_report
from rarevar.report.i18n import Translator
from rarevar.report.summary import write_summary
from tests.conftest import demo_row, rarevar, write_config
from tests.test_report import Page, _candidate

CHINESE = re.compile(r"[\u4e00-\u9fff]")
HOSTILE_GENE = '"><script>alert(1)</script>'
NOT_ASSESSED = "Structural and copy-number variants and repeat expansions are not assessed."


def test_a_message_is_rendered_with_ids_and_numbers_kept_and_a_text_without_one_stays_english():
    t = Translator("zh")
    missense = message("{consequence} in {gene} ({change}).", consequence=word("missense_variant"), gene="XPC",
                       change="p.Thr358Ile")  # fmt: skip
    assert t.message(missense, "missense_variant in XPC (p.Thr358Ile).") == "XPC 的错义变异（p.Thr358Ile）。"
    modes = message("Inheritance fits {modes} in this family.",
                    modes=joined([word("de novo"), word("compound heterozygous")], " and "))  # fmt: skip
    assert t.message(modes, "ignored") == "在此家系中符合新发（de novo）和复合杂合遗传。"
    # A disease name with brackets is a plain field: it stays whole.
    match = message("Phenotype likelihood ratio {lr} for {disease} ({id}); explained: {terms}.", lr="12",
                    disease="Cardiomyopathy (dilated), 1D", id="OMIM:601494", terms="Syncope")  # fmt: skip
    assert t.message(match, "ignored") == (
        "表型似然比 12，对应 Cardiomyopathy (dilated), 1D（OMIM:601494）；可解释的表型：Syncope。"
    )
    assert t.said({"why": ["A sentence without a message."]}, "why") == ["A sentence without a message."]
    assert Translator("en").message(missense, "missense_variant in XPC (p.Thr358Ile).") == (
        "missense_variant in XPC (p.Thr358Ile)."
    )
    with pytest.raises(ValueError, match="not one of en, zh"):
        Translator("fr")


def payload() -> dict:
    why = with_messages("why", [
        message("{consequence} in {gene} ({change}).", consequence=word("missense_variant"), gene=HOSTILE_GENE,
                change="p.Arg138Cys"),
        message("Not observed in the population database."),
    ])  # fmt: skip
    why["why"].append("A sentence no table knows.")  # no message (an older file): shown as written
    why["why_messages"].append(None)
    first = _candidate(1, HOSTILE_GENE, 4391, hgvs_c="c.412C>T", hgvs_p="p.Arg138Cys", **why)
    return {
        "family": "FAM<1>",
        "generated": "2026-12-02 02:00 UTC",
        "samples": [
            {"id": "proband", "role": "proband", "sex": "male", "phenotype": "affected", "sequenced": True},
            {"id": "mother", "role": "mother", "sex": "female", "phenotype": "unaffected", "sequenced": True},
        ],  # fmt: skip
        "phenotype": {"observed": [{"id": "HP:0001639", "label": "Hypertrophic cardiomyopathy"}], "excluded": []},
        "funnel": [step(INPUT_RECORDS, 100), step(FITS, 2)],
        **with_messages("not_assessed", [message(NOT_ASSESSED)]),
        "candidates": [first, _candidate(2, "MYH7", 5000, inheritance=["autosomal_dominant"])],
    }


def test_chinese_rendering_has_chinese_headings_unchanged_ids_and_escaped_input():
    html = render_report(payload(), "zh")
    page = Page(html)
    assert page.one("html")["attrs"]["lang"] == "zh-Hans"
    headings = [Page.text(h) for h in page.find("h2")]
    assert "家系" in headings and "首选候选变异" in headings and "变异的筛选过程" in headings, headings
    text = "".join(t for t, _ in page.texts)
    for kept in ("ENST00000360001:c.412C>T (p.Arg138Cys)", "HP:0001639", "Hypertrophic cardiomyopathy", "MYH7",
                 "OMIM:115195", "chr1:4391 C>T"):  # fmt: skip
        assert kept in text, kept
    assert f"{HOSTILE_GENE} 的错义变异（p.Arg138Cys）。" in text  # the why-sentence, translated around the gene
    assert "人群数据库中未观察到。" in text and "A sentence no table knows." in text  # untranslated: kept in English
    assert "输入记录" in text and "符合某种遗传方式" in text and "未评估结构变异" in text
    assert "杂合（一个拷贝）" in text and "常染色体显性" in text and "错义变异" in text
    assert HOSTILE_GENE not in html and "FAM<1>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert len(page.find("script")) == 1


def test_english_stays_the_default():
    html = render_report(payload())
    assert '<html lang="en">' in html and "<h2>Top candidates</h2>" in html and not CHINESE.search(html)


def test_chinese_batch_summary(tmp_path):
    family = tmp_path / "FAM1"
    family.mkdir()
    (family / "candidates.json").write_text(json.dumps({**payload(), "qc": {"passed": True}}))
    write_summary([str(family / "candidates.json")], str(tmp_path), "2026-12-02", str(tmp_path / "s.html"), "zh")
    html = (tmp_path / "s.html").read_text()
    assert '<html lang="zh-Hans">' in html and "<h1>批次汇总</h1>" in html and "发现候选变异" in html
    assert "新发（de novo）" in html and "&lt;script&gt;" in html and HOSTILE_GENE not in html


def test_an_unknown_report_language_is_refused_before_any_work(tmp_path):
    config = write_config(tmp_path, [demo_row()], report={"language": "fr"})
    result = rarevar("validate", "--config", str(config))
    assert result.returncode != 0
    assert "report" in result.stderr and "'fr' is not one of ['en', 'zh']" in result.stderr, result.stderr


# --- a real run ------------------------------------------------------------------------------------


def test_demo_run_in_chinese_translates_every_sentence_of_the_report(demo_run_zh, truth):
    family = demo_run_zh / truth["family"]
    payload = json.loads((family / "candidates.json").read_text())
    t = Translator("zh")
    holders = [(c, "why") for c in payload["candidates"]] + [(payload, "not_assessed"), (payload["qc"], "failures"),
               (payload["qc"], "warnings")]  # fmt: skip
    holders += [(item, key) for c in payload["candidates"] if c.get("acmg") for item, key in _acmg_items(c["acmg"])]
    shown = [(english, chinese) for holder, key in holders
             for english, chinese in zip(_texts(holder, key), t.said(holder, key), strict=True)]  # fmt: skip
    shown += [(s["step"], t.message(s.get("message"), s["step"])) for s in payload["funnel"]]
    assert len(shown) > 100
    untranslated = sorted({english for english, chinese in shown if not CHINESE.search(chinese)})
    assert not untranslated, f"sentences of the demo report without Chinese: {untranslated}"

    html = (family / "report.html").read_text()
    page = Page(html)
    assert page.one("html")["attrs"]["lang"] == "zh-Hans"
    assert "罕见病变异报告" in Page.text(page.one("h1"))
    text = "".join(s for s, _ in page.texts)
    assert "在此家系中符合" in text and "人群数据库中未观察到。" in text
    assert truth["gene"] in text and truth["hpo"][0] in text  # ids unchanged
    assert "Inheritance fits" not in text and "Not observed in the population database." not in text

    summary = (demo_run_zh / "summary.html").read_text()
    assert '<html lang="zh-Hans">' in summary and "批次汇总" in summary


def test_demo_pdf_in_chinese_has_the_chinese_text(demo_run_zh, truth):
    fonts = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout if shutil.which(
        "fc-list") else ""  # fmt: skip
    assert fonts.strip(), "no Chinese font for WeasyPrint: install one (Debian: apt-get install fonts-noto-cjk)"
    reader = PdfReader(demo_run_zh / truth["family"] / "report.pdf")
    text = "".join(page.extract_text() for page in reader.pages)
    assert "罕见病变异报告" in text and "该变异排在此位的原因" in text, text[:500]
    assert truth["gene"] in text
    faces = {str(f.get_object()["/BaseFont"]) for page in reader.pages for f in page["/Resources"]["/Font"].values()}
    assert not [f for f in faces if re.search(r"CJK-(JP|KR|TC|HK)", f)], f"Chinese set in a non-SC face: {faces}"


def _texts(holder: dict, key: str) -> list[str]:
    texts = holder.get(key) or []
    return [texts] if isinstance(texts, str) else texts


def _acmg_items(result: dict) -> list[tuple[dict, str]]:
    """Each ACMG evidence or review reason: (the dict holding it, its key)."""
    return ([(c, "evidence") for c in result["criteria"]] + [(n, "evidence") for n in result["not_met"]]
            + [(r, "reason") for r in result["for_review"]])  # fmt: skip


def test_acmg_evidence_and_review_reasons_are_translated():
    """The evidence sentences of the ACMG criteria, built from fixed templates by evidence.acmg on the real records
    of tests/test_acmg.py (ExAC sites, APP-770 gene models, the demo's ClinVar codons), read in Chinese."""
    from rarevar.evidence.acmg import AcmgContext, assess
    from tests.test_acmg import CONFIRMED, _compound, _de_novo, _tnnt2, app, app_stop, exac
    from tests.test_acmg import exons as acmg_exons
    from tests.test_transcript_choice import APP_MANE

    tx = app().transcripts[APP_MANE]
    junction = sum(end - start + 1 for start, end in tx.exons[1:])
    donor = {e: acmg_exons.from_models(tx, list(reversed(tx.exons))[e - 1][0] - 1) for e in (2, 3)}
    tolerant = {"pli": 0.0, "loeuf": 1.4, "lof_intolerant": False}
    pp3 = [{"criterion": "PP3", "strength": "moderate", "source": "cadd", "value": 29.6, "threshold": 28.1}]
    bp4 = [{"criterion": "BP4", "strength": "supporting", "source": "revel", "value": 0.2, "threshold": 0.29}]
    ps1 = {**_tnnt2("p.Arg100Leu", "T"), "pos": 35794}
    synonymous = exac(69300, "C")
    deep = {"consequence": "intron_variant", "hgvs_c": "c.100+25A>G"}
    results = [
        assess(app_stop(200), CONFIRMED), assess(app_stop(tx.cds[1] - 30)), assess(app_stop(junction - 20)),
        assess(app_stop(200, constraint=tolerant)), assess(app_stop(200, constraint=None)),
        assess(app_stop(200, constraint=tolerant, inheritance=["autosomal_recessive"])),
        assess(app_stop(200, computational_evidence=pp3)),
        *(assess(app_stop(0, consequence="splice_donor_variant", hgvs_p="", exon_context=d)) for d in donor.values()),
        assess(app_stop(0, consequence="splice_donor_variant", exon_context=None)),
        assess(app_stop(0, consequence="start_lost", hgvs_p="p.Met1?")),
        assess(exac(69516, "A")), assess(exac(69516, "A", population_af=None)), assess(exac(69218, "C")),
        assess(exac(69218, "C", inheritance=["compound_heterozygous"])), assess(exac(69511, "G")),
        assess(exac(69428, "G")), assess(exac(69395, "A", inheritance=["autosomal_recessive"])),
        assess(exac(69516, "A", population_af=None), AcmgContext(population_configured=False)),
        assess(ps1), assess(_tnnt2("p.Arg100Pro", "G")),
        assess(_de_novo(), CONFIRMED), assess(_de_novo(de_novo_confidence="medium"), CONFIRMED),
        assess(_de_novo(phenotype_score=0.001)), assess(_de_novo(de_novo_confidence="low"), CONFIRMED),
        assess(_de_novo(phenotype_score=0.0), CONFIRMED),
        assess(_de_novo(inheritance=[], possible_inheritance=["de_novo"]), CONFIRMED),
        *(assess(*_compound(phase, significance)) for phase, significance in (
            ("parents", "Pathogenic"), ("reads", "Likely_pathogenic"), ("unphased", "Likely_pathogenic"),
            ("parents", "Uncertain_significance"))),
        assess({"consequence": "missense_variant", "inheritance": ["autosomal_recessive"]}),
        *(assess({"consequence": "inframe_deletion", "repeat_region": r}) for r in (True, False, None)),
        assess({"consequence": "stop_lost"}),
        assess({"consequence": "missense_variant", "computational_evidence": bp4}),
        *(assess({**synonymous, "scores": {"spliceai": s}}) for s in (0.02, 0.35)), assess(synonymous),
        assess({**deep, "scores": {"spliceai": 0.0}}), assess({**deep, "scores": {"spliceai": 0.5}}),
    ]  # fmt: skip
    t = Translator("zh")
    said = {(text, chinese) for result in results for holder, key in _acmg_items(result)
            for text, chinese in zip(_texts(holder, key), t.said(holder, key), strict=True)}  # fmt: skip
    assert len(said) > 50
    english_words = re.compile(r"[A-Za-z]+ [a-z]+ [a-z]+")  # three English words in a row: left untranslated
    untranslated = sorted(text for text, chinese in said
                          if not CHINESE.search(chinese) or english_words.search(chinese))  # fmt: skip
    assert not untranslated, f"ACMG texts without Chinese: {untranslated}"
    # ids, HGVS and numbers pass through unchanged
    evidence = next(c for c in assess(ps1)["criteria"] if c["code"] == "PS1")
    assert "800002" in t.said(evidence, "evidence")[0] and "p.Arg100Leu" in t.said(evidence, "evidence")[0]
    pvs1 = next(c for c in assess(app_stop(200), CONFIRMED)["criteria"] if c["code"] == "PVS1")
    (chinese,) = t.said(pvs1, "evidence")
    assert chinese.startswith("无义变异：") and "APP" in chinese and "；" in chinese
