"""Messages as data (issue 18, part 2): the funnel steps are written as an id (the English template) plus named
fields beside their English text, and the report renders them in its language from the gettext catalogues under
rarevar/report/locale/. Every id has a translation in every shipped language, with exactly the template's fields."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from rarevar.base import funnel
from rarevar.base.funnel import FITS, INPUT_RECORDS, RARE, RARE_OR_CLINVAR, REPORTED, STEPS, step
from rarevar.base.messages import english, message, template_fields
from rarevar.report import messages
from rarevar.report.html import render_report
from rarevar.report.i18n import LANGUAGES, SENTENCES_ZH, Translator
from tests.test_report import Page
from tests.test_report_language import payload as chinese_payload

ROOT = Path(__file__).resolve().parent.parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")
TRANSLATED = [language for language in LANGUAGES if language != messages.SOURCE_LANGUAGE]


def entries(language: str) -> dict[str, object]:
    with messages.catalogue_path(language).open("rb") as handle:
        return {entry.id: entry for entry in read_po(handle) if entry.id}


def test_every_funnel_step_is_listed_once_and_named_in_the_module():
    named = {value for name, value in vars(funnel).items() if name.isupper() and isinstance(value, str)}
    assert len(STEPS) == len(set(STEPS)) and set(STEPS) == named


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_id_has_a_translation_with_the_same_fields(language):
    catalogue = entries(language)
    missing = [template for template in STEPS if template not in catalogue or not catalogue[template].string]
    assert not missing, f"no {language} translation for {missing}"
    for template in STEPS:
        entry = catalogue[template]
        assert not entry.fuzzy, template
        assert template_fields(entry.string) == template_fields(template), template
        if language == "zh":
            assert CHINESE.search(entry.string), template
    stale = sorted(set(catalogue) - set(STEPS))
    assert not stale, f"{language} catalogue holds ids no code writes: {stale}"


def test_the_catalogues_ship_with_the_package():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "locale/*/LC_MESSAGES/*" in data["rarevar.report"]
    assert any(d.name == "Babel" or d.name.startswith("Babel==") for d in _dependencies())
    for language in TRANSLATED:
        assert messages.catalogue_path(language).is_file()


def _dependencies():
    from packaging.requirements import Requirement

    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [Requirement(d) for d in data["project"]["dependencies"]]


def test_funnel_regexes_are_gone_from_the_sentence_table():
    english = {template for template, _ in SENTENCES_ZH}
    assert not english & set(STEPS)


def test_a_step_keeps_its_english_text_and_carries_its_message():
    written = step(RARE_OR_CLINVAR, 410, {"max_af": 0.01})
    assert written == {
        "step": "population AF <= 0.01 or not observed (ClinVar pathogenic kept at any frequency)",
        "variants": 410,
        "message": {"id": RARE_OR_CLINVAR, "fields": {"max_af": 0.01}},
    }
    assert english(written["message"]) == written["step"]
    extra = step(INPUT_RECORDS, 3, set_aside=[], set_aside_total=0)
    assert list(extra) == ["step", "variants", "set_aside", "set_aside_total", "message"]
    with pytest.raises(ValueError, match="not listed"):
        step("a step nobody listed", 1)
    with pytest.raises(ValueError, match="takes fields"):
        step(RARE, 1, {"max_af": 0.01, "extra": 1})
    with pytest.raises(ValueError, match="takes fields"):
        message(REPORTED)


def test_rendering_in_chinese_falls_back_to_the_english_text():
    t = Translator("zh")
    said = message(REPORTED, n=50)
    assert t.message(said, "reported (top 50)") == "已报告（前 50 个）"
    assert Translator("en").message(said, "reported (top 50)") == "reported (top 50)"
    assert t.message(None, "input records") == "input records"  # an older candidates.json: no message
    for broken in ({"id": REPORTED, "fields": {}}, {"id": REPORTED, "fields": {"n": 1, "m": 2}},
                   {"id": "{n.__class__}", "fields": {"n": 1}}, {"id": 3}, "text", {"id": REPORTED, "fields": []}):
        assert t.message(broken, "as written") == "as written", broken  # fmt: skip
    unknown = message("a template no catalogue knows ({n})", n=2)
    assert t.message(unknown, "ignored") == "a template no catalogue knows (2)"


def test_chinese_report_renders_steps_from_their_messages_and_escapes_fields():
    data = chinese_payload()
    hostile = '"><script>alert(1)</script>'
    data["funnel"] = [step(INPUT_RECORDS, 100), step(REPORTED, 2, {"n": hostile}),
                      {"step": "an older step without a message", "variants": 1}]  # fmt: skip
    html = render_report(data, "zh")
    text = "".join(s for s, _ in Page(html).texts)
    assert "输入记录" in text and f"已报告（前 {hostile} 个）" in text and "an older step without a message" in text
    assert hostile not in html
    english_html = render_report(data)
    assert f"reported (top {hostile})" in "".join(s for s, _ in Page(english_html).texts)


def test_demo_run_in_chinese_shows_every_funnel_step_in_chinese(demo_run_zh, truth):
    family = demo_run_zh / truth["family"]
    payload = json.loads((family / "candidates.json").read_text())
    steps = payload["funnel"]
    assert steps and all(s["message"]["id"] in STEPS and english(s["message"]) == s["step"] for s in steps)
    assert {s["message"]["id"] for s in steps} >= {INPUT_RECORDS, FITS, RARE_OR_CLINVAR, REPORTED}
    text = "".join(s for s, _ in Page((family / "report.html").read_text()).texts)
    t = Translator("zh")
    for s in steps:
        chinese = t.message(s["message"], s["step"])
        assert CHINESE.search(chinese) and chinese in text, s["step"]
        assert s["step"] not in text, s["step"]
