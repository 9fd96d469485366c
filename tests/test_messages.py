"""Messages as data (issue 18): every text rarevar writes for a reader is an id (the English template) plus named
fields beside its English text, and the report renders it in its language from the gettext catalogues under
rarevar/report/locale/. Every text the code shows has a translation in every shipped language, with exactly its
fields; no catalogue keeps a text the code no longer shows; the catalogues compile."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

from rarevar.base import funnel
from rarevar.base.funnel import FITS, INPUT_RECORDS, RARE, RARE_OR_CLINVAR, REPORTED, STEPS, step
from rarevar.base.messages import english, joined, message, template_fields, word
from rarevar.report import messages
from rarevar.report.extraction import python_messages
from rarevar.report.html import render_report
from rarevar.report.i18n import LANGUAGES, Translator
from tests.test_report import Page
from tests.test_report_language import payload as chinese_payload

ROOT = Path(__file__).resolve().parent.parent
CHINESE = re.compile(r"[\u4e00-\u9fff]")
TRANSLATED = [language for language in LANGUAGES if language != messages.SOURCE_LANGUAGE]


def extracted() -> dict:
    """Every msgid (or (msgctxt, msgid)) the source shows a reader, found as `make catalogues` finds them."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    found = {}
    for path, line, text, _, context in extract_from_dir(str(ROOT), method_map, options_map):
        found.setdefault((context, text) if context else text, f"{path}:{line}")
    return found


def entries(language: str) -> dict:
    with messages.catalogue_path(language).open("rb") as handle:
        return {(e.context, e.id) if e.context else e.id: e for e in read_po(handle) if e.id}


def _id(key) -> str:
    return key[1] if isinstance(key, tuple) else key


@pytest.fixture(scope="module")
def shown():
    found = extracted()
    assert len(found) > 300, "the extraction finds too little: babel.cfg or rarevar/report/extraction.py is broken"
    return found


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_text_the_code_shows_has_a_translation_with_the_same_fields(shown, language):
    catalogue = entries(language)
    missing = sorted(
        f"{_id(key)!r} ({where})" for key, where in shown.items() if not getattr(catalogue.get(key), "string", "")
    )
    assert not missing, f"no {language} translation for {missing} (run `make catalogues`, then translate)"
    for key in shown:
        entry = catalogue[key]
        assert not entry.fuzzy, key
        assert template_fields(entry.string) == template_fields(_id(key)), f"{key!r}: a field is lost or added"
        words = re.sub(r"\{\w+\}", "", _id(key))
        if language == "zh" and re.search(r"\b[a-z]{3,}\b", words):  # English words, not only names and symbols
            assert CHINESE.search(entry.string), f"{key!r} is not translated into Chinese"


@pytest.mark.parametrize("language", TRANSLATED)
def test_no_catalogue_keeps_a_text_the_code_no_longer_shows(shown, language):
    stale = sorted(map(str, set(entries(language)) - set(shown)))
    assert not stale, f"{language} catalogue holds texts no code shows: {stale} (run `make catalogues`)"


def test_the_translation_template_is_current(shown):
    with (messages.LOCALE / f"{messages.DOMAIN}.pot").open("rb") as handle:
        template = {(e.context, e.id) if e.context else e.id for e in read_po(handle) if e.id}
    assert template == set(shown), "rarevar/report/locale/rarevar.pot is out of date: run `make catalogues`"


def test_the_extraction_finds_templates_words_separators_and_contexts_and_nothing_else():
    source = """
said = message("{gene} has {n} variants", gene=g, n=n)
kind = word("pathogenic")
STEP = N_("input records")
label = t("pass" if ok else "FAIL")
state = t({True: "yes", False: "no"}.get(flag, "not stated"))
modes = joined(items, " and ")
shown = t.join(items, "; ")
impact = C_("impact", "moderate")
path = os.path.join(folder, "genic.bcf")
text = ", ".join(items)
error = problem.message[:200]
name = f"{gene} in {family}"
"""
    found = {text for _, text in python_messages(source)}
    assert found == {"{gene} has {n} variants", "pathogenic", "input records", "pass", "FAIL", "yes", "no",
                     "not stated", " and ", "; ", ("impact", "moderate")}  # fmt: skip


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_compiled_catalogue_gives_the_same_texts_as_its_source(language):
    with messages.catalogue_path(language).open("rb") as handle:
        source = read_po(handle, domain=messages.DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, source)
    compiled.seek(0)
    again = {(e.context, e.id) if e.context else e.id: e.string for e in read_mo(compiled) if e.id}
    assert again == messages.catalogue(language)


def test_a_built_package_ships_compiled_catalogues(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path), str(ROOT)], check=True, capture_output=True)  # fmt: skip
    (wheel,) = tmp_path.glob("rarevar-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for language in TRANSLATED:
        assert f"rarevar/report/locale/{language}/LC_MESSAGES/rarevar.mo" in names
        assert f"rarevar/report/locale/{language}/LC_MESSAGES/rarevar.po" in names
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert any(d.startswith("Babel==") for d in data["project"]["dependencies"])
    assert any(d.startswith("Babel==") for d in data["build-system"]["requires"])


def test_every_funnel_step_is_listed_once_and_named_in_the_module():
    named = {value for name, value in vars(funnel).items() if name.isupper() and isinstance(value, str)}
    assert len(STEPS) == len(set(STEPS)) and set(STEPS) == named


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
    with pytest.raises(TypeError, match="field n"):
        message(REPORTED, n=[1, 2])


def test_nested_words_and_joins_are_translated_and_plain_values_kept():
    said = message(
        "Inheritance fits {modes} in this family.", modes=joined([word("de novo"), word("autosomal dominant")], " and ")
    )
    assert english(said) == "Inheritance fits de novo and autosomal dominant in this family."
    assert messages.render(said, "zh") == "在此家系中符合新发（de novo）和常染色体显性遗传。"
    clauses = message("{clauses}.", clauses=joined([word("canonical splice site"), word("phase unknown")], "; ", True))
    assert english(clauses) == "Canonical splice site; phase unknown."
    assert messages.render(clauses, "zh") == "经典剪接位点；相位未知。"
    kept = message("{consequence} in {gene} ({change}).", consequence=word("missense_variant"), gene="KCNQ2",
                   change="p.Arg213Trp")  # fmt: skip
    assert messages.render(kept, "zh") == "KCNQ2 的错义变异（p.Arg213Trp）。"
    assert json.loads(json.dumps(kept)) == kept  # what candidates.json holds reads back the same


def test_rendering_falls_back_to_the_english_text_for_what_it_cannot_render():
    t = Translator("zh")
    said = message(REPORTED, n=50)
    assert t.message(said, "reported (top 50)") == "已报告（前 50 个）"
    assert Translator("en").message(said, "reported (top 50)") == "reported (top 50)"
    assert t.message(None, "input records") == "input records"  # an older candidates.json: no message
    for broken in (
        {"id": REPORTED, "fields": {}},
        {"id": REPORTED, "fields": {"n": 1, "m": 2}},
        {"id": "{n.__class__}", "fields": {"n": 1}},
        {"id": 3},
        {"id": REPORTED, "fields": []},
        {"id": REPORTED, "fields": {"n": {"join": ", ", "items": [None]}}},
    ):
        assert t.message(broken, "as written") == "as written", broken  # fmt: skip
    unknown = message("a template no catalogue knows ({n})", n=2)
    assert t.message(unknown, "ignored") == "a template no catalogue knows (2)"
    holder = {"why": ["one", "two"], "why_messages": [message(REPORTED, n=5)]}  # lengths differ: English as written
    assert t.said(holder, "why") == ["one", "two"]


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
