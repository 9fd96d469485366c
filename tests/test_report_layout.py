"""The report's layout in a real browser (Debian's Chromium at 1280x800): no table is cut off at the right, and no
HGVS, transcript id, sample id or allele is wrapped inside itself; measured on the demo's report, in English and in
Chinese, and on a report of real-world long values (a 300-bp insertion, a long deletion written with its bases,
GENCODE PAR_Y and RefSeq transcript ids, a family of twelve with clinical sample ids). The PDF of the same report
is laid out within its pages by WeasyPrint."""

from __future__ import annotations

import copy
import json
import random

import pytest
import weasyprint

from rarevar.report.html import render_report
from rarevar.report.long_values import LONG_PIECE, WIDE_PIECE
from tests.browser import browser

VIEWPORT = {"width": 1280, "height": 800}

# Every table's right edge, the overflow its nearest scroll container hides, and every unbreakable piece of a long
# value (span.token) that the browser broke over more than one line.
MEASURE = """() => {
  const viewport = document.documentElement.clientWidth;
  const scroller = (el) => {
    for (let box = el.parentElement; box && box !== document.body; box = box.parentElement) {
      if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(box).overflowX)) return box;
    }
    return null;
  };
  const where = (el) => (el.closest('[id]') || {}).id + ' ' + (el.className || el.tagName);
  const tables = Array.from(document.querySelectorAll('table'), (table) => {
    const box = scroller(table);
    return {table: where(table), right: table.getBoundingClientRect().right,
            hidden: box ? box.scrollWidth - box.clientWidth : 0};
  });
  const lines = (el) => new Set(Array.from(el.getClientRects(), (r) => Math.round(r.top))).size;
  const broken = Array.from(document.querySelectorAll('.token'))
    .filter((token) => lines(token) > 1).map((token) => token.textContent);
  const hgvs = Array.from(document.querySelectorAll('.hgvs'), (el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    return {text: el.textContent, pieces: Array.from(el.querySelectorAll('.token'), (t) => t.textContent),
            lines: new Set(Array.from(range.getClientRects(), (r) => Math.round(r.top))).size,
            card: !!el.closest('.card'), title: el.querySelector('.tokens')?.title || ''};
  });
  return {viewport, page: document.documentElement.scrollWidth, tables, broken, hgvs};
}"""


@pytest.fixture(scope="module")
def chromium():
    with browser() as instance:
        yield instance


def measure(chromium, html_path) -> dict:
    page = chromium.new_page(viewport=VIEWPORT)
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(html_path.resolve().as_uri())
    page.wait_for_load_state("load")
    layout = page.evaluate(MEASURE)
    page.close()
    assert all(url.startswith("file://") for url in requests), requests
    return layout


def assert_laid_out(layout: dict) -> None:
    assert layout["page"] <= layout["viewport"], f"the page scrolls sideways: {layout['page']} px"
    for table in layout["tables"]:
        assert table["right"] <= layout["viewport"], f"{table['table']} ends at {table['right']} px"
        assert table["hidden"] <= 0, f"{table['table']} hides {table['hidden']} px behind a scroll bar"
    assert layout["broken"] == [], f"wrapped inside: {layout['broken']}"
    for hgvs in layout["hgvs"]:
        # every character of the HGVS is inside an unbreakable piece; on a card it stays on one line
        assert "".join(hgvs["pieces"]).replace(" ", "") == hgvs["text"].replace(" ", "").strip(), hgvs
        assert not hgvs["card"] or hgvs["lines"] == 1, f"HGVS on {hgvs['lines']} lines: {hgvs['text']}"


def test_demo_report_fits_1280_px_and_keeps_hgvs_whole(chromium, demo_run, truth):
    layout = measure(chromium, demo_run / truth["family"] / "report.html")
    assert_laid_out(layout)
    assert len(layout["tables"]) >= 8 and layout["hgvs"], "the demo report shows its tables and HGVS"


def test_chinese_demo_report_fits_1280_px(chromium, demo_run_zh, truth):
    layout = measure(chromium, demo_run_zh / truth["family"] / "report.html")
    assert_laid_out(layout)
    assert layout["hgvs"]


# Real-world long values, as clinical pipelines write them.
PAR_Y_TRANSCRIPT = "ENST00000381192.10_PAR_Y"  # GENCODE's id of a chrY PAR copy
TTN_REFSEQ = "NM_001267550.2"
RESIDUES = ("Ala", "Arg", "Asn", "Asp", "Cys", "Gln", "Glu", "Gly", "His", "Ile", "Leu", "Lys", "Met", "Phe", "Pro",
            "Ser", "Thr", "Trp", "Tyr", "Val")  # fmt: skip


def _sequence(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("ACGT") for _ in range(n))


def family_of_twelve() -> list[dict]:
    """Three generations with sample ids as a clinical lab writes them (family, generation-individual, assay, run)."""
    def sample(code, role, sex, status, father=None, mother=None):
        return {"id": f"FAM0042-{code}_WES-2023-11-L00{len(code) % 4 + 1}", "role": role, "sex": sex,
                "phenotype": status, "father": father and f"FAM0042-{father}_WES-2023-11-L00{len(father) % 4 + 1}",
                "mother": mother and f"FAM0042-{mother}_WES-2023-11-L00{len(mother) % 4 + 1}", "sequenced": True}

    return [sample("I-1", "relative", "male", "unaffected"), sample("I-2", "relative", "female", "unaffected"),
            sample("I-3", "relative", "male", "unaffected"), sample("I-4", "relative", "female", "affected"),
            sample("II-1", "father", "male", "unaffected", "I-1", "I-2"),
            sample("II-2", "mother", "female", "affected", "I-3", "I-4"),
            sample("II-3", "relative", "male", "unaffected", "I-1", "I-2"),
            sample("II-4", "relative", "female", "affected", "I-3", "I-4"),
            sample("III-1", "proband", "male", "affected", "II-1", "II-2"),
            sample("III-2", "sister", "female", "affected", "II-1", "II-2"),
            sample("III-3", "brother", "male", "unaffected", "II-1", "II-2"),
            sample("III-4", "sibling", "unknown", "unknown", "II-1", "II-2")]  # fmt: skip


def long_values_payload(demo: dict) -> dict:
    """The demo's candidates.json with a family of twelve and the long values real VCFs carry: a 300-bp insertion
    in TTN (RefSeq, with its protein insertion), a 250-bp deletion written with its bases (older VEP), an intronic
    deletion, a chrY PAR transcript, a long delins, and long set-aside alleles."""
    rng = random.Random(19)
    payload = copy.deepcopy(demo)
    samples = family_of_twelve()
    ids = [s["id"] for s in samples]
    payload["samples"] = samples
    template = payload["candidates"][0]
    insertion, deletion, delins = _sequence(rng, 300), _sequence(rng, 250), _sequence(rng, 180)
    peptide = "".join(rng.choice(RESIDUES) for _ in range(100))
    longs = [
        ("TTN", "chr2", 178527965, "A", "A" + insertion, TTN_REFSEQ, f"c.100005_100006ins{insertion}",
         f"p.Lys33336_Glu33337ins{peptide}"),
        ("FBN1", "chr15", 48410971, "G" + deletion, "G", "ENST00000316623.10", f"c.5740_5989del{deletion}",
         "p.Val1914_Gln1997del"),
        ("SHOX", "chrY", 624344, "T" + delins, "TGA", PAR_Y_TRANSCRIPT, f"c.1234-56_1413-12delins{delins[:60]}",
         "p.(Leu412_Arg471delinsTerGlu)"),
        ("KMT2D", "chr12", 49027523, "CAG", "C", "NM_003482.4", "c.16294-1234_16294-1233del", ""),
    ]
    candidates = []
    for rank, (gene, chrom, pos, ref, alt, transcript, hgvs_c, hgvs_p) in enumerate(longs, start=1):
        candidate = copy.deepcopy(template)
        candidate.update(rank=rank, gene=gene, chrom=chrom, pos=pos, ref=ref, alt=alt, transcript=transcript,
                         hgvs_c=hgvs_c, hgvs_p=hgvs_p, genotypes={s: rng.choice(["0/0", "0/1", "1/1", "./."])
                                                                   for s in ids})  # fmt: skip
        candidates.append(candidate)
    payload["candidates"] = candidates + [dict(c, rank=c["rank"] + len(longs)) for c in payload["candidates"]]
    qc_sample = next(iter(payload["qc"]["samples"].values()))
    payload["qc"]["samples"] = {s: dict(qc_sample, ped_sex="male") for s in ids}
    pair = payload["qc"]["relatedness"][0]
    payload["qc"]["relatedness"] = [dict(pair, sample_a=a, sample_b=b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    trio = payload["qc"]["mendelian"][0]
    payload["qc"]["mendelian"] = [dict(trio, child=s["id"], father=s["father"], mother=s["mother"])
                                  for s in samples if s["father"]]  # fmt: skip
    step = next(s for s in payload["funnel"] if "set_aside" in s)
    breakend = f"G{_sequence(rng, 150)}[chr2:321682["  # a breakend with its inserted sequence
    step["set_aside"] = [{"chrom": "chr2", "pos": 321681, "ref": "G", "alt": breakend, "reason": "breakend allele"},
                         {"chrom": "chr15", "pos": 48410972, "ref": deletion, "alt": "*",
                          "reason": "'*' allele (spanning deletion)"}]  # fmt: skip
    step["set_aside_total"] = 2
    return payload


@pytest.fixture(scope="module")
def long_report(demo_run, truth, tmp_path_factory):
    demo = json.loads((demo_run / truth["family"] / "candidates.json").read_text())
    payload = long_values_payload(demo)
    folder = tmp_path_factory.mktemp("long_values")
    for language in ("en", "zh"):
        (folder / f"report.{language}.html").write_text(render_report(payload, language), encoding="utf-8")
    return folder, payload


@pytest.mark.parametrize("language", ["en", "zh"])
def test_long_real_world_values_fit_1280_px_unbroken(chromium, long_report, language):
    folder, payload = long_report
    layout = measure(chromium, folder / f"report.{language}.html")
    assert_laid_out(layout)
    shown = {h["text"].replace("\u00a0", " ") for h in layout["hgvs"]}
    insertion = payload["candidates"][0]["hgvs_c"]
    assert f"{TTN_REFSEQ}:c.100005_100006ins{insertion[18:24]}\u2026(300 nt) (p.Lys33336_Glu33337ins" in " ".join(shown)
    # abbreviated in display, whole in the title
    titles = {h["title"] for h in layout["hgvs"]}
    assert any(insertion in title and TTN_REFSEQ in title for title in titles)
    # a card shows the expression whole; the all-candidates table may break it after the reference sequence
    assert any(f"{PAR_Y_TRANSCRIPT}:c.1234-56_1413-12delins" in h["text"] for h in layout["hgvs"] if h["card"])
    assert all(len(piece) <= (WIDE_PIECE if h["card"] else LONG_PIECE) for h in layout["hgvs"] for piece in h["pieces"])


def overflowing_tables(html: str) -> tuple[list[tuple[int, str, float]], set[int]]:
    """WeasyPrint's layout of the report, as rarevar/report/pdf.py prints it: each table box wider than its page's
    content box (page number, table, points over), and the pages laid out landscape."""
    fetcher = weasyprint.URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher).render()
    over, landscape = [], set()
    for number, page in enumerate(document.pages, start=1):
        if page.width > page.height:
            landscape.add(number)
        box = page._page_box  # WeasyPrint's laid-out box tree has no public accessor
        right = box.content_box_x() + box.width
        stack = [box]
        while stack:
            child = stack.pop()
            stack.extend(getattr(child, "children", None) or [])
            if type(child).__name__ == "TableBox":
                edge = child.border_box_x() + child.border_width()
                name = child.element.get("id") or child.element.get("class") or "table"
                if edge > right + 0.5:
                    over.append((number, name, round(edge - right, 1)))
                if name == "candidate-table" and number not in landscape:
                    over.append((number, "candidate-table on a portrait page", 0.0))
    return over, landscape


def test_pdf_of_long_values_stays_within_its_pages(long_report):
    folder, _ = long_report  # English: its candidate table is the wider one (WeasyPrint takes 10 s a language)
    over, landscape = overflowing_tables((folder / "report.en.html").read_text(encoding="utf-8"))
    assert over == [], f"tables off the page: {over}"
    assert landscape, "the all-candidates table is printed on a landscape page"
