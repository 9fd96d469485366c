"""The report in a real headless browser, opened from disk: the top card, sorting and filtering, no request
leaving the file, and a payload of hostile strings from the input files shown as text, never run."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.browser import browser
from tests.conftest import DEMO, demo_row, rarevar, write_config

SCRIPT_GENE = "<script>alert(1)</script>"
SCRIPT_SAMPLE = "kid<img src=x onerror=alert(2)>"


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


def open_page(chromium, report):
    """A page on the report that records every request and every dialog a script might open."""
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.requests, page.dialogs, page.errors = [], [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.goto(report.resolve().as_uri())
    page.wait_for_load_state("load")
    return page


def visible_rows(page) -> list[list[str]]:
    return page.eval_on_selector_all(
        "#candidate-table tbody tr:not([hidden])",
        "rows => rows.map(r => Array.from(r.cells, c => c.textContent.trim()))",
    )


def test_demo_report_top_card_sort_filter_offline(chromium, demo_run, truth, tmp_path):
    report = demo_run / truth["family"] / "report.html"
    page = open_page(chromium, report)
    assert page.inner_text("#top-candidates article.card h3") == truth["gene"]

    rows = visible_rows(page)
    assert len(rows) > 1 and rows[0][1] == truth["gene"]  # rank order, gene in the second column
    headers = page.eval_on_selector_all("#candidate-table thead th", "ths => ths.map(th => th.textContent.trim())")
    gene_column, score_column = headers.index("Gene"), headers.index("Probability")
    page.click("#candidate-table thead th button:text-is('Gene')")  # ascending
    genes = [row[gene_column] for row in visible_rows(page)]
    assert genes == sorted(genes, key=str.lower)
    page.click("#candidate-table thead th button:text-is('Probability')")  # highest first
    scores = [float(row[score_column]) for row in visible_rows(page)]
    assert scores == sorted(scores, reverse=True)

    page.fill("#candidate-filter", truth["gene"])
    filtered = visible_rows(page)
    assert filtered and all(truth["gene"] in " ".join(row) for row in filtered) and len(filtered) < len(rows)
    assert page.inner_text("#candidate-count") == f"Showing {len(filtered)} of {len(rows)} candidates"

    page.screenshot(path=str(tmp_path / "report.png"), full_page=True)
    assert (tmp_path / "report.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert all(url.startswith("file://") for url in page.requests), page.requests
    assert page.errors == [] and page.dialogs == []


def test_team_review_is_kept_in_the_page_and_exported_as_json(chromium, demo_run, truth, tmp_path):
    report = demo_run / truth["family"] / "report.html"
    context = chromium.new_context(accept_downloads=True)
    page = context.new_page()
    page.goto(report.resolve().as_uri())
    first = "#review-table tbody tr:first-child"
    page.fill("#reviewer", "Dr <Reviewer>")
    page.select_option(f"{first} select", "causal")
    page.fill(f"{first} textarea", "fits the <cardiac> phenotype; confirm by Sanger")
    page.reload()
    assert page.input_value("#reviewer") == "Dr <Reviewer>", "the review did not survive a reload"
    assert page.input_value(f"{first} select") == "causal"

    with page.expect_download() as download:
        page.click("#review-export")
    path = tmp_path / "review.json"
    download.value.save_as(path)
    exported = json.loads(path.read_text())
    assert download.value.suggested_filename == f"review-{truth['family']}.json"
    assert exported["family"] == truth["family"] and exported["reviewer"] == "Dr <Reviewer>"
    (decision,) = exported["decisions"]  # only reviewed candidates are exported
    assert decision["gene"] == truth["gene"] and decision["rank"] == 1 and decision["decision"] == "causal"
    assert decision["variant"] == f"{truth['chrom']}:{truth['pos']}:{truth['ref']}:{truth['alt']}"
    assert decision["comment"] == "fits the <cardiac> phenotype; confirm by Sanger"
    context.close()


def test_batch_summary_links_to_each_report(chromium, demo_run, truth):
    page = open_page(chromium, demo_run / "summary.html")
    assert truth["gene"] in page.inner_text("#families tbody tr")
    page.click(f"#families a:text('{truth['family']}')")
    page.wait_for_load_state("load")
    assert page.title() == f"Variant report: {truth['family']}"
    assert all(url.startswith("file://") for url in page.requests), page.requests


SCRIPT_TRANSCRIPT = "ENST<svg/onload=alert(3)>"
SCRIPT_HGVS = "c.299G>C<b>bold</b>"
CSQ_HEADER = (
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
    'Format: Allele|Consequence|SYMBOL|Feature|BIOTYPE|HGVSc|HGVSp">'
)


def hostile_vcf(tmp_path, truth):
    """The demo trio as annotated upstream by VEP, whose CSQ INFO on the planted record carries a script as the gene
    name, an SVG handler as the transcript and markup in the HGVS, and whose proband id is an HTML payload."""
    csq = f"{truth['alt']}|missense_variant|{SCRIPT_GENE}|{SCRIPT_TRANSCRIPT}|protein_coding|{SCRIPT_HGVS}|p.Arg100Pro"
    lines = []
    with gzip.open(DEMO / "trio.vcf.gz", "rt") as handle:
        for line in handle:
            if line.startswith("#CHROM"):
                lines += [CSQ_HEADER + "\n", line.replace("\tproband\t", f"\t{SCRIPT_SAMPLE}\t")]
            elif line.startswith(f"{truth['chrom']}\t{truth['pos']}\t"):
                cols = line.split("\t")
                cols[7] = f"{cols[7]};CSQ={csq}"
                lines.append("\t".join(cols))
            else:
                lines.append(line)
    (tmp_path / "trio.vcf").write_text("".join(lines))
    ped = (DEMO / "demo.ped").read_text().replace("\tproband\t", f"\t{SCRIPT_SAMPLE}\t")
    (tmp_path / "trio.ped").write_text(ped)


def test_script_payloads_from_input_files_render_as_text(chromium, tmp_path, truth):
    hostile_vcf(tmp_path, truth)
    config = write_config(tmp_path, [demo_row(vcf=str(tmp_path / "trio.vcf"), ped=str(tmp_path / "trio.ped"))])
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    family = tmp_path / "results" / truth["family"]
    top = json.loads((family / "candidates.json").read_text())["candidates"][0]
    assert (top["gene"], top["transcript"], top["hgvs_c"]) == (SCRIPT_GENE, SCRIPT_TRANSCRIPT, SCRIPT_HGVS)

    page = open_page(chromium, family / "report.html")
    text = page.inner_text("body")
    for payload in (SCRIPT_GENE, SCRIPT_SAMPLE, SCRIPT_TRANSCRIPT, SCRIPT_HGVS):
        assert payload in text, f"{payload} must be shown, as text"
    assert page.dialogs == [], f"a script from the input ran: {page.dialogs}"
    assert page.eval_on_selector_all("script", "s => s.length") == 1  # only the report's own
    assert page.eval_on_selector_all("img, [onload], [onerror]", "e => e.length") == 0
    assert all(url.startswith("file://") for url in page.requests), page.requests


def test_chinese_report_filter_count_is_chinese(chromium, demo_run_zh, truth):
    page = open_page(chromium, demo_run_zh / truth["family"] / "report.html")
    assert page.get_attribute("html", "lang") == "zh-Hans"
    rows = visible_rows(page)
    page.fill("#candidate-filter", truth["gene"])
    filtered = visible_rows(page)
    assert filtered and len(filtered) < len(rows)
    assert page.inner_text("#candidate-count") == f"显示 {len(rows)} 个候选变异中的 {len(filtered)} 个"
    page.click("#candidate-table thead th button:text-is('基因')")  # the sort buttons work under Chinese labels
    assert page.get_attribute("#candidate-table thead th:nth-child(2)", "aria-sort") == "ascending"
    assert page.errors == [] and page.dialogs == []
    assert all(url.startswith("file://") for url in page.requests), page.requests
