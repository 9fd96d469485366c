"""The report in Simplified Chinese (`report: {language: zh}`): every fixed text of the templates has a
translation, the pipeline's English sentences are translated with their ids and numbers kept, input strings stay
escaped, and a real run of the demo gives a Chinese report.html, report.pdf and summary.html."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from jinja2 import nodes
from pypdf import PdfReader

from rarevar.base.funnel import FITS, INPUT_RECORDS, step
from rarevar.report.html import NOT_AVAILABLE, NOT_IN_POPULATION, _genotype_words, environment, render_report
from rarevar.base.messages import template_fields as fields
from rarevar.report.i18n import SENTENCES_ZH, Translator
from rarevar.report.messages import catalogue
from rarevar.report.summary import write_summary
from tests.conftest import demo_row, rarevar, write_config
from tests.test_report import Page, _candidate

TEMPLATES = ["report.html.j2", "summary.html.j2", "reanalysis.html.j2"]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MESSAGES_ZH = catalogue("zh")
HOSTILE_GENE = '"><script>alert(1)</script>'


def template_keys(name: str) -> set[str]:
    """Every literal handed to `_()` in a template, including the header lists the templates loop over."""
    tree = environment().parse(environment().loader.get_source(environment(), name)[0])
    keys = set()
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "_" and call.args:
            keys |= {c.value for c in call.args[0].find_all(nodes.Const) if isinstance(c.value, str)}
            if isinstance(call.args[0], nodes.Const):
                keys.add(call.args[0].value)
    for loop in tree.find_all(nodes.For):
        uses_key = any(isinstance(c.node, nodes.Name) and c.node.name == "_" and isinstance(c.args[0], nodes.Name)
                       for c in loop.find_all(nodes.Call) if c.args)  # fmt: skip
        if uses_key and isinstance(loop.iter, nodes.List):
            keys |= {item.value for item in loop.iter.items if isinstance(item, nodes.Const)}
    return keys


def builder_keys() -> set[str]:
    """Literals the report builders translate with t("...") (both branches of a conditional)."""
    keys = set()
    for module in ("html.py", "summary.py"):
        source = (Path(__file__).parents[1] / "rarevar" / "report" / module).read_text()
        for call in re.findall(r"\bt\(\s*((?:([\"'])[^\"']*\2(?:\s*if [^\"']+ else\s*)?)+)", source):
            keys |= set(re.findall(r"[\"']([^\"']*)[\"']", call[0]))
    return keys


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_text_has_both_languages_with_the_same_fields(name):
    keys = template_keys(name)
    assert len(keys) > 10, f"no translatable text found in {name}: the extraction is broken"
    missing = sorted(k for k in keys if k not in MESSAGES_ZH)
    assert not missing, f"{name}: no Chinese for {missing}"
    for key in keys:
        assert fields(MESSAGES_ZH[key]) == fields(key), f"{key!r}: the Chinese text has other fields"
        assert CHINESE.search(MESSAGES_ZH[key]) or MESSAGES_ZH[key] == key, key  # English = the key itself


def test_every_builder_text_and_word_has_chinese():
    keys = (
        builder_keys()
        | {_genotype_words(gt) for gt in ("./.", "0/0", "1", "0/1", "1/1", "1/2")}
        | {"not sequenced", "no genotype reported", "pass", "FAIL", "not assessed", "yes", "no", "not stated"}
        | {
            NOT_AVAILABLE,
            NOT_IN_POPULATION,
            "no score for this variant",
            "not assessed (no score files configured)",
            "same amino-acid change",
            "another change at this codon",
            "ClinVar (gene)",
            "ClinVar (position)",
            "candidates found",
            "no candidate",
            "stopped: sample QC failed",
            "not classified",
        }
    )
    assert {"local cohort not used", "variation {id}", "intolerant of loss of function"} <= keys
    missing = sorted(k for k in keys if k not in MESSAGES_ZH)
    assert not missing, f"no Chinese for {missing}"
    assert all(fields(MESSAGES_ZH[k]) == fields(k) for k in keys)


def test_sentence_templates_keep_their_fields():
    for english, chinese in SENTENCES_ZH:
        assert fields(chinese) == fields(english), english
        assert CHINESE.search(chinese), english


def test_a_sentence_is_translated_with_ids_and_numbers_kept_and_an_unknown_one_stays_english():
    t = Translator("zh")
    assert t.sentence("missense_variant in XPC (p.Thr358Ile).") == "XPC 的错义变异（p.Thr358Ile）。"
    assert t.sentence("Inheritance fits de novo and compound heterozygous in this family.") == (
        "在此家系中符合新发（de novo）和复合杂合遗传。"
    )
    # A disease name with brackets stays whole; the id is matched as an id.
    assert t.sentence("Phenotype match 0.88 to Cardiomyopathy (dilated), 1D (OMIM:601494): Syncope.") == (
        "与 Cardiomyopathy (dilated), 1D（OMIM:601494）的表型匹配度 0.88：Syncope。"
    )
    assert t.sentence("A sentence no table knows.") == "A sentence no table knows."
    english = "missense_variant in XPC (p.Thr358Ile)."
    assert Translator("en").sentence(english) == english
    with pytest.raises(ValueError, match="not one of en, zh"):
        Translator("fr")


@pytest.mark.parametrize("english, chinese", [
    ("mother is recorded as female in the PED but looks male (chrX heterozygosity 0.01 over 1,234 calls): check for "
     "a sample swap or a wrong sex in the PED.", "mother 在 PED 中记录为女，但基因型显示为男（chrX heterozygosity 0.01 "
     "over 1,234 calls）：请核查是否样本调换或 PED 中性别有误。"),
    ("father and proband are recorded in the PED as parent-child but their genotypes look unrelated (kinship 0.010, "
     "expected 0.250; IBS0 0.0500 over 2,000 sites): check for a sample swap, or non-paternity / non-maternity.",
     "father 与 proband 在 PED 中记录为亲子，但其基因型看起来是无亲缘关系（亲缘系数 0.010，预期 0.250；IBS0 0.0500，"
     "基于 2,000 个位点）：请核查是否样本调换，或非亲生父亲/母亲。"),
])  # fmt: skip
def test_qc_failures_are_translated_with_sample_ids_and_numbers_kept(english, chinese):
    assert Translator("zh").sentence(english) == chinese


def payload() -> dict:
    first = _candidate(1, HOSTILE_GENE, 4391, hgvs_c="c.412C>T", hgvs_p="p.Arg138Cys",
                       why=[f"missense_variant in {HOSTILE_GENE} (p.Arg138Cys).", "Not observed in the population "
                            "database.", "A sentence no table knows."])  # fmt: skip
    return {
        "family": "FAM<1>",
        "generated": "2026-12-02 02:00 UTC",
        "samples": [
            {"id": "proband", "role": "proband", "sex": "male", "phenotype": "affected", "sequenced": True},
            {"id": "mother", "role": "mother", "sex": "female", "phenotype": "unaffected", "sequenced": True},
        ],  # fmt: skip
        "phenotype": {"observed": [{"id": "HP:0001639", "label": "Hypertrophic cardiomyopathy"}], "excluded": []},
        "funnel": [step(INPUT_RECORDS, 100), step(FITS, 2)],
        "not_assessed": ["Structural and copy-number variants and repeat expansions are not assessed."],
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
    shown = [w for c in payload["candidates"] for w in c["why"]] + payload["not_assessed"]
    shown += payload["qc"]["failures"] + payload["qc"]["warnings"]
    shown += [text for c in payload["candidates"] if c.get("acmg") for text in _acmg_texts(c["acmg"])]
    untranslated = sorted({s for s in shown if t.sentence(s) == s})
    untranslated += sorted(s["step"] for s in payload["funnel"] if t.message(s.get("message"), s["step"]) == s["step"])
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


def _acmg_texts(result: dict) -> list[str]:
    return ([c["evidence"] for c in result["criteria"]] + [n["evidence"] for n in result["not_met"]]
            + [r["reason"] for r in result["for_review"]])  # fmt: skip


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
    texts = sorted({text for result in results for text in _acmg_texts(result)})
    assert len(texts) > 50
    english_words = re.compile(r"[A-Za-z]+ [a-z]+ [a-z]+")  # three English words in a row: left untranslated
    untranslated = [text for text in texts if not CHINESE.search(t.sentence(text)) or english_words.search(
        t.sentence(text))]  # fmt: skip
    assert not untranslated, f"ACMG texts without Chinese: {untranslated}"
    # ids, HGVS and numbers pass through unchanged
    evidence = next(c["evidence"] for c in assess(ps1)["criteria"] if c["code"] == "PS1")
    assert "800002" in t.sentence(evidence) and "p.Arg100Leu" in t.sentence(evidence)
    pvs1 = next(c["evidence"] for c in assess(app_stop(200), CONFIRMED)["criteria"] if c["code"] == "PVS1")
    assert t.sentence(pvs1).startswith("无义变异：") and "APP" in t.sentence(pvs1) and "；" in t.sentence(pvs1)
