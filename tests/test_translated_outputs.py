"""The report's language reaches every output a reader opens (issue 18): the spreadsheet's QC sheet and why-lines,
the Phenopacket's free text, and, when a translated HPO label file is configured (`resources: hpo_labels`), the HPO
term labels of the report."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from google.protobuf.json_format import Parse
from openpyxl import load_workbook
from phenopackets import Phenopacket

from rarevar.errors import InputError
from rarevar.report.html import render_report
from rarevar.report.term_labels import read_term_labels
from tests.test_report import Page

LABELS = Path(__file__).parent / "data" / "hpo_labels_zh.babelon.tsv"
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def test_a_babelon_profile_gives_the_reviewed_label_translations_only():
    labels = read_term_labels(LABELS, "zh")
    # the definition row and the CANDIDATE translation are not labels to show
    assert labels == {"HP:0001639": "肥厚型心肌病", "HP:0001645": "心源性猝死"}


def test_a_plain_term_label_table_is_read(tmp_path):
    table = tmp_path / "labels.tsv"
    table.write_text("# HPO labels in Chinese\nHP:0001250\t癫痫发作\n\nHP:0001263\t全面发育迟缓\n", encoding="utf-8")
    assert read_term_labels(table) == {"HP:0001250": "癫痫发作", "HP:0001263": "全面发育迟缓"}


@pytest.mark.parametrize(
    ("text", "language", "said"),
    [
        ("HP:0001250 癫痫发作\n", None, "line 1: expected an HPO term id and its label separated by a tab"),
        ("HP:1250\t癫痫发作\n", None, "line 1: expected an HPO term id"),
        ("# nothing\n", None, "holds no translated term label"),
        (LABELS.read_text(encoding="utf-8"), "en", "line 2: the labels are in 'zh' but the report is in 'en'"),
        ("subject_id\ttranslation_value\nHP:0001250\n", None, "line 2: 1 columns where the header has 2"),
    ],
)
def test_a_bad_label_file_is_refused_naming_the_line(tmp_path, text, language, said):
    table = tmp_path / "labels.tsv"
    table.write_text(text, encoding="utf-8")
    with pytest.raises(InputError, match=re.escape(said)) as error:
        read_term_labels(table, language)
    assert str(table) in str(error.value)


def _payload(demo_run_zh, truth) -> dict:
    return json.loads((demo_run_zh / truth["family"] / "candidates.json").read_text())


def test_configured_labels_show_in_the_chinese_report_and_the_rest_is_said_to_be_english(demo_run_zh, truth):
    text = "".join(s for s, _ in Page((demo_run_zh / truth["family"] / "report.html").read_text()).texts)
    assert "肥厚型心肌病" in text and "心源性猝死" in text
    assert "Left ventricular hypertrophy" in text and "Ventricular arrhythmia" in text  # no reviewed translation
    assert "4 个 HPO 术语名称中有 2 个没有译名，以英文显示。" in text


def test_without_a_label_file_the_report_says_labels_are_english_and_english_reports_ignore_labels(demo_run_zh, truth):
    payload = _payload(demo_run_zh, truth)
    chinese = "".join(s for s, _ in Page(render_report(payload, "zh")).texts)
    assert "HPO 术语名称以英文显示：未配置 HPO 术语译名文件" in chinese and "Hypertrophic cardiomyopathy" in chinese
    english = "".join(s for s, _ in Page(render_report(payload, "en", read_term_labels(LABELS))).texts)
    assert "Hypertrophic cardiomyopathy" in english and not CHINESE.search(english)


def test_the_chinese_spreadsheet_has_chinese_qc_labels_and_why_lines(demo_run_zh, truth):
    book = load_workbook(demo_run_zh / truth["family"] / "candidates.xlsx")
    qc = {row[0]: row[1] for row in book["QC"].values}
    assert qc["总体"] == "通过" and qc["孟德尔错误"] == "正常"
    rows = list(book["candidates"].values)
    header = rows[0]
    assert "why" in header and "gene" in header  # field names, as in the TSV
    why = rows[1][header.index("why")]
    assert CHINESE.search(why) and truth["gene"] in why


def test_the_chinese_phenopacket_summary_is_chinese_and_the_packet_still_parses(demo_run_zh, truth):
    text = (demo_run_zh / truth["family"] / "phenopacket.json").read_text()
    packet = Parse(text, Phenopacket())
    summary = packet.interpretations[0].summary
    assert CHINESE.search(summary) and truth["gene"] in summary
    assert [f.type.label for f in packet.phenotypic_features][0] == "Hypertrophic cardiomyopathy"  # ontology label
