"""The clinician HTML report: content, order, escaping, offline safety, pedigree symbols, atomic write."""

from __future__ import annotations

import base64
import copy
import hashlib
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from rarevar.report.html import render_report, write_report
from rarevar.report.pedigree_svg import draw_pedigree

HOSTILE_ID = "<script>alert(1)</script>"
HOSTILE_GENE = '"><img src=x onerror=alert(1)>'
AMP_LABEL = "Cleft lip & palate"
LINK_HOSTS = {
    "gnomad.broadinstitute.org",
    "www.ncbi.nlm.nih.gov",
    "omim.org",
    "www.ensembl.org",
    "grch37.ensembl.org",
    "genome.ucsc.edu",
    "www.deciphergenomics.org",
}


def _candidate(rank, gene, pos, **extra):
    base = {
        "rank": rank,
        "gene": gene,
        "chrom": "chr1",
        "pos": pos,
        "ref": "C",
        "alt": "T",
        "consequence": "missense_variant",
        "impact": "MODERATE",
        "transcript": f"ENST0000036{rank:04d}",
        "hgvs_c": "c.412C>T",
        "hgvs_p": "p.Arg138Cys",
        "genotypes": {"proband": "0/1", "mother": "0/0", "father": "0/0", "sister": "0/0"},
        "inheritance": ["de_novo"],
        "population_af": 0.00012,
        "phenotype_score": 0.5,
        "variant_score": 0.6,
        "score": round(0.8 - rank / 20, 2),
        "matched_disease": {"id": "OMIM:115195", "name": "Cardiomyopathy, familial hypertrophic, 2"},
        "matched_terms": [{"id": "HP:0001639", "label": "Hypertrophic cardiomyopathy"}],
        "why": [f"reason for {gene}"],
    }
    base.update(extra)
    return base


@pytest.fixture
def payload():
    candidates = [
        _candidate(
            1,
            "TNNT2",
            4391,
            population_af=None,
            phenotype_score=0.93,
            variant_score=0.8,
            score=0.74,
            why=[
                "de novo in the proband (both parents sequenced, hom-ref)",
                "missense_variant in TNNT2",
                "not seen in the population database",
                "phenotype match 0.93 to Cardiomyopathy, familial hypertrophic, 2",
            ],
        ),
        _candidate(2, "MYH7", 5000, inheritance=["autosomal_dominant"], population_af=0.0),
        _candidate(3, "MYBPC3", 6000),
        _candidate(4, "TPM1", 7000, genotypes={"proband": "1/1", "mother": "0/1", "father": "0/1"}),
        _candidate(5, "ACTC1", 8000),
        _candidate(6, "LMNA", 9000),
        _candidate(7, "FLNC", 10000),
    ]
    return {
        "family": "DEMO1",
        "generated": "2026-11-22T10:00:00Z",
        "versions": {"rarevar": "0.1.0", "htslib": "1.24", "bcftools": "1.24", "hpo": "2025-11-24"},
        "settings": {"genome_build": "GRCh38", "max_population_af": 0.01, "min_gq": 20, "min_dp": 10},
        "samples": [
            {
                "id": "proband",
                "role": "proband",
                "sex": "male",
                "phenotype": "affected",
                "father": "father",
                "mother": "mother",
                "sequenced": True,
            },
            {"id": "father", "role": "father", "sex": "male", "phenotype": "unaffected", "sequenced": True},
            {"id": "mother", "role": "mother", "sex": "female", "phenotype": "unaffected", "sequenced": True},
            {
                "id": "sister",
                "role": "sibling",
                "sex": "female",
                "phenotype": "unknown",
                "father": "father",
                "mother": "mother",
                "sequenced": True,
            },
            {
                "id": "twin",
                "role": "sibling",
                "sex": "unknown",
                "phenotype": "affected",
                "father": "father",
                "mother": "mother",
                "sequenced": False,
            },
        ],  # fmt: skip
        "phenotype": {
            "observed": [{"id": "HP:0001639", "label": "Hypertrophic cardiomyopathy"}],
            "excluded": [{"id": "HP:0001250", "label": "Seizure"}],
        },
        "funnel": [
            {"step": "input records", "variants": 3120},
            {"step": "after normalisation", "variants": 3180},
            {"step": "rare (population AF <= 0.01)", "variants": 410},
            {"step": "ranked candidates", "variants": 7},
        ],
        "not_assessed": ["compound heterozygous: only one parent sequenced", "structural variants"],
        "candidates": candidates,
    }


class Page(HTMLParser):
    """Elements with their attributes and ancestors, plus text with its enclosing elements."""

    VOID = {"meta", "link", "img", "input", "br", "hr", "source", "area", "base", "col", "embed", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[dict] = []
        self.texts: list[tuple[str, tuple[str, ...]]] = []
        self._open: list[dict] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "parents": tuple(self._open), "text": []}
        self.elements.append(element)
        if tag not in self.VOID:
            self._open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.elements.append({"tag": tag, "attrs": dict(attrs), "parents": tuple(self._open), "text": []})

    def handle_endtag(self, tag):
        for i in range(len(self._open) - 1, -1, -1):
            if self._open[i]["tag"] == tag:
                del self._open[i:]
                break

    def handle_data(self, data):
        for element in self._open:
            element["text"].append(data)
        self.texts.append((data, tuple(e["tag"] for e in self._open)))

    def find(self, tag=None, **attrs) -> list[dict]:
        return [
            e
            for e in self.elements
            if (tag is None or e["tag"] == tag)
            and all(e["attrs"].get(k.rstrip("_").replace("_", "-")) == v for k, v in attrs.items())
        ]

    def one(self, tag=None, **attrs) -> dict:
        found = self.find(tag, **attrs)
        assert len(found) == 1, (tag, attrs, len(found))
        return found[0]

    @staticmethod
    def text(element: dict) -> str:
        return " ".join(" ".join(element["text"]).split())

    def inside(self, element: dict) -> list[dict]:
        return [e for e in self.elements if any(p is element for p in e["parents"])]


# --- content and order ---------------------------------------------------------------------------


def test_sections_appear_in_the_required_order(payload):
    html = render_report(payload)
    page = Page(html)
    order = [
        "family",
        "phenotype",
        "top-candidates",
        "all-candidates",
        "funnel",
        "not-assessed",
        "reproducibility",
    ]
    positions = [html.index(f'<section id="{name}"') for name in order]
    assert positions == sorted(positions)
    assert html.index("<header>") < positions[0]
    header = page.text(page.one("header"))
    for expected in ("DEMO1", "2026-11-22T10:00:00Z", "GRCh38", "htslib 1.24", "hpo 2025-11-24"):
        assert expected in header
    assert "@media print" in html


def test_cards_show_the_evidence_for_the_top_five(payload):
    page = Page(render_report(payload))
    cards = page.find("article", class_="card")
    assert [c["attrs"]["data-rank"] for c in cards] == ["1", "2", "3", "4", "5"]
    first = page.text(cards[0])
    for expected in (
        "TNNT2",
        "chr1:4391 C>T",
        "ENST00000360001:c.412C>T (p.Arg138Cys)",
        "missense variant",
        "de novo",
        "not observed in the population database",
        "0.93",
        "Cardiomyopathy, familial hypertrophic, 2",
        "OMIM:115195",
        "Hypertrophic cardiomyopathy",
        "0.74",
        "de novo in the proband (both parents sequenced, hom-ref)",
        "phenotype match 0.93 to Cardiomyopathy, familial hypertrophic, 2",
    ):
        assert expected in first, expected
    # Every family member has a genotype row, including the one that was not sequenced.
    rows = [page.text(r) for r in page.inside(cards[0]) if r["tag"] == "tr"][1:]
    assert [r.split()[0] for r in rows] == ["proband", "father", "mother", "sister", "twin"]
    assert "heterozygous" in rows[0] and "does not carry" in rows[1] and "not sequenced" in rows[4]
    assert "homozygous" in page.text(cards[3])


def test_population_af_null_zero_and_missing_are_distinct(payload):
    payload["candidates"][2].pop("population_af")
    page = Page(render_report(payload))
    cards = [page.text(c) for c in page.find("article", class_="card")]
    assert "not observed in the population database" in cards[0]
    assert "Population frequency 0 " in cards[1] + " "
    assert "Population frequency not available" in cards[2]
    assert "0.00012 (about 1 in 8,333)" in cards[3]


def test_candidates_appear_in_rank_order(payload):
    payload["candidates"].reverse()
    page = Page(render_report(payload))
    table = page.one("table", id="candidate-table")
    rows = [e for e in page.inside(table) if e["tag"] == "tr"][1:]
    assert [page.text(r).split()[0] for r in rows] == [str(n) for n in range(1, 8)]
    genes = [page.text(page.inside(r)[1]) for r in rows]
    assert genes == ["TNNT2", "MYH7", "MYBPC3", "TPM1", "ACTC1", "LMNA", "FLNC"]
    assert [c["attrs"]["data-rank"] for c in page.find("article")] == ["1", "2", "3", "4", "5"]


def test_full_table_is_sortable_and_filterable_offline(payload):
    html = render_report(payload)
    page = Page(html)
    headers = page.find("th", data_type="number")
    assert {page.text(h) for h in headers} >= {"Rank", "Probability", "Population AF"}
    assert page.one("input", id="candidate-filter")
    script = page.one("script")
    assert "addEventListener" in page.text(script) and "candidate-filter" in page.text(script)


def test_funnel_numbers_appear_in_the_chart(payload):
    page = Page(render_report(payload))
    funnel = page.one("svg", class_="funnel")
    text = page.text(funnel)
    for expected in ("input records", "3,120", "3,180", "rare (population AF <= 0.01)", "410", "7"):
        assert expected in text
    bars = [e for e in page.inside(funnel) if e["tag"] == "rect"]
    widths = [float(b["attrs"]["width"]) for b in bars]
    assert len(bars) == 4 and widths[1] == max(widths) and widths[3] == min(widths)


def test_not_assessed_settings_and_versions(payload):
    page = Page(render_report(payload))
    assessed = page.text(page.one("section", id="not-assessed"))
    assert "compound heterozygous: only one parent sequenced" in assessed and "structural variants" in assessed
    repro = page.text(page.one("section", id="reproducibility"))
    for expected in ("max_population_af 0.01", "min_gq 20", "bcftools 1.24", "rarevar 0.1.0"):
        assert expected in repro
    phenotype = page.text(page.one("section", id="phenotype"))
    assert "Hypertrophic cardiomyopathy HP:0001639" in phenotype and "Seizure HP:0001250" in phenotype


def test_obsolete_terms_replaced_are_said_in_the_phenotype_section(payload):
    note = "families.tsv, line 2: HP:0000057 (obsolete Clitoromegaly) is obsolete; analysed as HP:0008665"
    payload["phenotype"]["notes"] = [note]
    page = Page(render_report(payload))
    assert note in page.text(page.one("section", id="phenotype"))


# --- negative result and missing data ------------------------------------------------------------


def test_no_candidates_reads_as_a_negative_result_with_its_limits(payload):
    payload["candidates"] = []
    html = render_report(payload)
    page = Page(html)
    negative = page.one("section", id="negative-result")
    text = page.text(negative)
    assert "No candidate variants found" in text and "not a negative genetic test" in text
    assert "compound heterozygous: only one parent sequenced" in text and "structural variants" in text
    # Prominent: before the family section, and no empty candidate cards or table.
    assert html.index('id="negative-result"') < html.index('<section id="family"')
    assert not page.find("article") and not page.find("table", id="candidate-table")


@pytest.mark.parametrize("payload_value", [{}, {"family": "X", "candidates": None, "samples": [], "funnel": []}])
def test_missing_or_empty_keys_render(payload_value):
    page = Page(render_report(payload_value))
    text = page.text(page.one("body"))
    assert "No candidate variants found" in text
    assert "did not record what it could not assess" in text
    assert page.one("svg", class_="pedigree")


# --- safety: escaping and offline ----------------------------------------------------------------


@pytest.fixture
def hostile(payload):
    payload = copy.deepcopy(payload)
    payload["samples"][0]["id"] = HOSTILE_ID
    payload["samples"][0]["sex"] = HOSTILE_ID
    payload["phenotype"]["observed"][0]["label"] = AMP_LABEL
    for candidate in payload["candidates"]:
        candidate["gene"] = HOSTILE_GENE
        candidate["genotypes"][HOSTILE_ID] = candidate["genotypes"].pop("proband")
        candidate["why"].append(HOSTILE_ID)
        candidate["transcript"] = HOSTILE_GENE
    payload["candidates"][0]["matched_disease"] = {"id": "OMIM:1<b>", "name": HOSTILE_GENE}
    payload["not_assessed"].append(HOSTILE_ID)
    payload["versions"][HOSTILE_ID] = HOSTILE_GENE
    payload["funnel"][0]["step"] = HOSTILE_ID
    payload["phenotype"]["notes"] = [HOSTILE_ID]
    return payload


def test_hostile_strings_appear_only_escaped(hostile):
    html = render_report(hostile)
    assert HOSTILE_ID not in html and HOSTILE_GENE not in html and AMP_LABEL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in html
    assert "Cleft lip &amp; palate" in html
    page = Page(html)
    assert len(page.find("script")) == 1 and not page.find("img")
    assert not [e for e in page.elements if any(a.startswith("on") for a in e["attrs"])]
    # The text survives intact for the reader.
    texts = "".join(t for t, _ in page.texts)
    assert HOSTILE_ID in texts and HOSTILE_GENE in texts and AMP_LABEL in texts


def test_links_out_are_quoted_and_only_to_known_hosts(hostile):
    page = Page(render_report(hostile))
    links = [a["attrs"]["href"] for a in page.find("a")]
    assert links
    for href in links:
        parts = urlsplit(href)
        assert parts.scheme == "https" and parts.netloc in LINK_HOSTS, href
        assert not re.search(r"[\s<>\"']", href), href


def test_page_loads_nothing_from_anywhere(payload):
    html = render_report(payload)
    page = Page(html)
    assert not page.find("link") and not page.find("img") and not page.find("iframe")
    assert not [e for e in page.elements if e["attrs"].get("src") is not None]
    assert not [s for s in page.find("script") if "src" in s["attrs"]]
    css = " ".join(page.text(s) for s in page.find("style")) + " ".join(
        e["attrs"].get("style") or "" for e in page.elements
    )
    assert "url(" not in css and "@import" not in css
    assert not [e for e in page.elements if "xlink:href" in e["attrs"] or "srcset" in e["attrs"]]
    anchors = page.find("a")
    assert len(anchors) > 5
    for a in anchors:
        rel = (a["attrs"].get("rel") or "").split()
        assert "noopener" in rel and "noreferrer" in rel and a["attrs"].get("target") == "_blank"
    # Every http(s) URL in the page is the href of one of those anchors.
    hrefs = [a["attrs"]["href"] for a in anchors]
    attribute_urls = [
        v for e in page.elements for k, v in e["attrs"].items() if v and re.search(r"https?:", v) and k != "href"
    ]
    assert attribute_urls == []
    assert not [t for t, _ in page.texts if re.search(r"https?:", t)]
    assert [e for e in page.elements if e["attrs"].get("href") and e["tag"] != "a"] == []
    assert len(re.findall(r"https?://", html)) == len(hrefs)


def test_content_security_policy_allows_only_the_report_script(payload):
    page = Page(render_report(payload))
    policy = page.one("meta", http_equiv="Content-Security-Policy")["attrs"]["content"]
    assert "default-src 'none'" in policy
    script = "".join(page.one("script")["text"])
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert f"script-src 'sha256-{digest}'" in policy


# --- pedigree ------------------------------------------------------------------------------------

SHAPES = {"male": "rect", "female": "circle", "unknown": "polygon"}
FILLS = {"affected": "#1f2937", "unaffected": "#ffffff", "unknown": "#c8ccd2"}


def test_pedigree_has_one_symbol_per_sample_with_shape_and_fill(payload):
    svg = Page(draw_pedigree(payload["samples"]))
    symbols = svg.find(class_="symbol")
    assert len(symbols) == len(payload["samples"])
    for sample in payload["samples"]:
        symbol = svg.one(class_="symbol", data_sample=sample["id"])
        assert symbol["tag"] == SHAPES[sample["sex"]]
        assert symbol["attrs"]["fill"] == FILLS[sample["phenotype"]]
    # The unknown-status sister carries a "?", the unsequenced twin is labelled.
    assert [t for t, _ in svg.texts].count("?") == 1
    assert [t for t, _ in svg.texts].count("not sequenced") == 1
    assert len(svg.find(class_="proband-arrow")) == 1


def test_pedigree_places_children_below_parents_with_lines(payload):
    svg = Page(draw_pedigree(payload["samples"]))

    def y_of(sample):
        attrs = svg.one(class_="symbol", data_sample=sample)["attrs"]
        return float(attrs.get("y", attrs.get("cy", 0)))

    assert y_of("father") < y_of("proband") and y_of("mother") < y_of("proband")
    assert abs(y_of("father") - y_of("mother")) < 20  # the couple shares a row
    assert len(svg.find("line")) >= 5  # partner line, drop, sibship bar, three children


def test_pedigree_escapes_text_and_tolerates_missing_parents():
    samples = [
        {
            "id": HOSTILE_ID,
            "sex": "female",
            "phenotype": "affected",
            "father": "absent",
            "mother": HOSTILE_ID,
        },
        {"id": "x & y", "sex": "weird", "phenotype": None},
    ]
    markup = draw_pedigree(samples)
    assert HOSTILE_ID not in markup and "x & y" not in markup and "x &amp; y" in markup
    svg = Page(markup)
    assert not svg.find("script")
    assert [s["tag"] for s in svg.find(class_="symbol")] == ["circle", "polygon"]
    assert draw_pedigree([]).startswith("<svg")


# --- writing -------------------------------------------------------------------------------------


def test_write_report_is_atomic_and_leaves_no_temp_files(payload, tmp_path):
    target = tmp_path / "DEMO1.report.html"
    target.write_text("old report")
    write_report(payload, target)
    assert target.read_bytes().decode("utf-8") == render_report(payload)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_write_report_cleans_up_when_replace_fails(payload, tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old report")

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr("rarevar.base.atomic.os.replace", fail)
    with pytest.raises(OSError):
        write_report(payload, str(target))
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    assert target.read_text() == "old report"


def test_cards_say_whether_scores_were_looked_up_and_what_they_gave(payload):
    payload["candidates"][0].update(
        scores={"spliceai": 0.61},
        constraint={"pli": 1.0, "loeuf": 0.12, "mis_z": 2.0, "version": "v4", "lof_intolerant": True},
        computational_evidence=[
            {"criterion": "PP3", "strength": "supporting", "source": "spliceai", "value": 0.61, "threshold": 0.2}
        ],
    )
    page = Page(render_report(payload))
    cards = page.find("article", class_="card")
    assert "not assessed (no score files configured)" in page.text(cards[1])
    payload["settings"]["scores"] = ["spliceai"]
    page = Page(render_report(payload))
    cards = page.find("article", class_="card")
    first, second = page.text(cards[0]), page.text(cards[1])
    assert "SpliceAI 0.61; evidence: PP3 supporting from SpliceAI" in first
    assert "pLI 1, LOEUF 0.12, missense Z 2 (gnomAD v4); intolerant of loss of function" in first
    assert "no score for this variant" in second and "not assessed (no score files" not in second
    row = page.text(page.find("table", id="candidate-table")[0])
    assert "SpliceAI 0.61" in row
