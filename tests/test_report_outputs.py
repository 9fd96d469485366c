"""The outputs beside report.html: report.pdf, candidates.xlsx, a GA4GH Phenopacket and the batch summary."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from google.protobuf.json_format import Parse
from openpyxl import load_workbook
from phenopackets import Phenopacket
from pypdf import PdfReader

from rarevar.report.phenopacket import phenopacket
from rarevar.report.summary import write_summary
from rarevar.report.xlsx import write_xlsx


@pytest.fixture(scope="module")
def family(demo_run, truth) -> Path:
    return demo_run / truth["family"]


def test_pdf_is_the_report_for_print(family, truth):
    reader = PdfReader(family / "report.pdf")
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) >= 2
    assert "Rare-disease variant report" in text and truth["gene"] in text and "Sample quality control" in text


def test_spreadsheet_has_candidates_qc_and_settings(family, truth):
    book = load_workbook(family / "candidates.xlsx")
    assert book.sheetnames == ["candidates", "QC", "settings"]
    rows = list(book["candidates"].values)
    header, first = rows[0], dict(zip(rows[0], rows[1], strict=True))
    payload = json.loads((family / "candidates.json").read_text())
    assert len(rows) - 1 == len(payload["candidates"]) and "gene" in header
    assert (first["rank"], first["gene"], first["pos"]) == (1, truth["gene"], truth["pos"])
    qc = {row[0]: row[1] for row in book["QC"].values}
    assert qc["overall"] == "passed" and qc["Mendelian errors"] == "ok"
    settings = {row[0]: row[1] for row in book["settings"].values}
    assert settings["max_population_af"] == 0.01 and "version: rarevar" in settings


def test_spreadsheet_never_turns_input_text_into_a_formula(family, tmp_path):
    payload = json.loads((family / "candidates.json").read_text())
    payload["candidates"][0]["gene"] = '=HYPERLINK("http://example.org","x")'
    write_xlsx(payload, tmp_path / "c.xlsx")
    cell = load_workbook(tmp_path / "c.xlsx")["candidates"]["B2"]
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_phenopacket_parses_with_the_ga4gh_schema_and_carries_the_top_candidate(family, truth):
    text = (family / "phenopacket.json").read_text()
    packet = Parse(text, Phenopacket())  # the official schema: unknown fields or enum values fail here
    assert packet.subject.id == "proband" and packet.meta_data.phenopacket_schema_version == "2.0"
    assert [f.type.id for f in packet.phenotypic_features if not f.excluded] == truth["hpo"]
    top = packet.interpretations[0].diagnosis.genomic_interpretations[0]
    descriptor = top.variant_interpretation.variation_descriptor
    assert (descriptor.vcf_record.chrom, descriptor.vcf_record.pos) == (truth["chrom"], truth["pos"])
    assert descriptor.gene_context.symbol == truth["gene"] and descriptor.gene_context.value_id.startswith("NCBIGene:")
    assert descriptor.allelic_state.label == "heterozygous"
    assert packet.interpretations[0].diagnosis.disease.id.startswith(("OMIM:", "ORPHA:"))


def test_phenopacket_allelic_states(family):
    payload = json.loads((family / "candidates.json").read_text())
    base = payload["candidates"][0]
    cases = [
        ({"genotypes": {"proband": "1/1"}, "inheritance": ["autosomal_recessive"]}, "homozygous"),
        ({"genotypes": {"proband": "1"}, "inheritance": ["x_linked_recessive"]}, "hemizygous"),
        ({"genotypes": {"proband": "0|1"}, "inheritance": ["compound_heterozygous"]}, "compound heterozygous"),
    ]
    for change, state in cases:
        variant = {**copy.deepcopy(base), **change}
        packet = phenopacket({**payload, "candidates": [variant]}, "2026-01-01T00:00:00Z", {})
        genomic = packet["interpretations"][0]["diagnosis"]["genomicInterpretations"][0]
        assert genomic["variantInterpretation"]["variationDescriptor"]["allelicState"]["label"] == state
        Parse(json.dumps(packet), Phenopacket())


def test_batch_summary_has_a_row_per_family_linking_to_its_report(demo_run, family, truth, tmp_path):
    page = (demo_run / "summary.html").read_text()
    assert f'href="{truth["family"]}/report.html"' in page and truth["gene"] in page

    payload = json.loads((family / "candidates.json").read_text())
    negative = {**payload, "family": "NEG1", "candidates": []}
    failed = {**payload, "family": "<b>QC2</b>", "qc": {**payload["qc"], "passed": False, "failures": ["sex mismatch"]},
              "settings": {**payload["settings"], "qc_stop_on_failure": True}, "candidates": []}  # fmt: skip
    paths = []
    for name, content in (("DEMO1", payload), ("NEG1", negative), ("QC2", failed)):
        (tmp_path / name).mkdir()
        (tmp_path / name / "candidates.json").write_text(json.dumps(content))
        paths.append(str(tmp_path / name / "candidates.json"))
    write_summary(paths, str(tmp_path), "2026-01-01 00:00 UTC", str(tmp_path / "summary.html"))
    summary = (tmp_path / "summary.html").read_text()
    assert "3 families; 1 with candidates, 1 failing sample QC" in summary
    assert 'href="NEG1/report.html"' in summary and "no candidate" in summary
    assert "stopped: sample QC failed" in summary and "sex mismatch" in summary
    assert "<b>QC2</b>" not in summary and "&lt;b&gt;QC2&lt;/b&gt;" in summary
