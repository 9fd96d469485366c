"""Settings and inputs that used to change a result with no word said: Phenopacket fields of the wrong JSON type,
config values that are NaN, reversed or unknown, a config that is not UTF-8, and the TSV/xlsx cells that a
spreadsheet would run as formulas or cut."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import yaml

from rarevar.base.funnel import CONSEQUENCES
from rarevar.errors import InputError
from rarevar.inputs.config import load_config, validate_config
from rarevar.phenotype.hpo import read_phenopacket

REPO = Path(__file__).resolve().parents[1]
SEIZURE, DELAY, MICROCEPHALY = "HP:0001250", "HP:0001263", "HP:0000252"


def _packet(tmp_path: Path, document, name: str = "patient.json") -> Path:
    path = tmp_path / name
    if isinstance(document, bytes):
        path.write_bytes(document)
    else:
        path.write_text(document if isinstance(document, str) else json.dumps(document), encoding="utf-8")
    return path


def _features(*features) -> dict:
    return {"id": "p1", "phenotypicFeatures": list(features)}


def test_excluded_as_a_string_is_refused_naming_the_field(tmp_path):
    # "false" is a truthy string: read as it was, the term was excluded.
    document = _features({"type": {"id": SEIZURE}}, {"type": {"id": DELAY}},
                         {"type": {"id": MICROCEPHALY}, "excluded": "false"})  # fmt: skip
    with pytest.raises(InputError) as error:
        read_phenopacket(_packet(tmp_path, document))
    assert "phenotypicFeatures[2].excluded" in str(error.value) and "boolean" in str(error.value)


@pytest.mark.parametrize(
    ("feature", "where"),
    [
        ({"type": {"id": 1250}}, "phenotypicFeatures[0].type.id"),
        ({"type": SEIZURE}, "phenotypicFeatures[0].type"),
        ({"type": {"id": SEIZURE}, "excluded": 0}, "phenotypicFeatures[0].excluded"),
        ({"type": {"id": SEIZURE}, "exclude": True}, "phenotypicFeatures[0]"),  # misspelt: would be ignored
        ({"excluded": True}, "phenotypicFeatures[0]"),
        ({"type": {"id": SEIZURE}, "negated": True}, "phenotypicFeatures[0]"),  # v1: was read as observed
    ],
)
def test_wrong_types_are_refused_as_the_official_schema_refuses_them(tmp_path, feature, where):
    from google.protobuf import json_format
    from phenopackets import Phenopacket

    document = _features(feature)
    with pytest.raises(InputError) as error:
        read_phenopacket(_packet(tmp_path, document))
    assert f", {where}:" in str(error.value)
    if "type" in feature:  # the official parser (protobuf JSON) refuses the same document
        with pytest.raises(json_format.ParseError):
            json_format.ParseDict(document, Phenopacket())


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ("[1, 2]", "holds a JSON array, not a Phenopacket object"),
        ('{"phenotypicFeatures": [', "is not valid JSON"),
        ('{"id": "caf\xe9"}'.encode("latin-1"), "line 1: Phenopacket is not UTF-8 (byte 0xe9"),
        (b'\xef\xbb\xbf{"phenotypicFeatures": []}', "byte-order mark"),
    ],
)
def test_unreadable_phenopackets_are_one_line_errors(tmp_path, content, expect):
    with pytest.raises(InputError) as error:
        read_phenopacket(_packet(tmp_path, content))
    assert expect in str(error.value) and "\n" not in str(error.value)


def test_a_valid_phenopacket_keeps_its_exclusions(tmp_path):
    document = _features({"type": {"id": SEIZURE, "label": "Seizure"}, "excluded": False},
                         {"type": {"id": DELAY}, "excluded": True, "modifiers": [{"id": "HP:0012828"}]})  # fmt: skip
    phenotype = read_phenopacket(_packet(tmp_path, document))
    assert phenotype.observed == [SEIZURE] and phenotype.excluded == [DELAY]


def _shipped() -> dict:
    return yaml.safe_load((REPO / "config" / "config.yaml").read_text())


@pytest.mark.parametrize(
    ("change", "expect"),
    [
        (lambda c: c["thresholds"].update(max_population_af=float("nan")), "'thresholds.max_population_af' is nan"),
        (lambda c: c["cohort"].update(max_frequency=float("nan")), "'cohort.max_frequency' is nan"),
        (lambda c: c["thresholds"].update(min_dp=float("inf")), "'thresholds.min_dp' is inf"),
        (lambda c: c["genotype_gates"].update(het_ab=[0.8, 0.2]), "'genotype_gates.het_ab' is [0.8, 0.2]"),
        (
            lambda c: c["genotype_gates"]["modes"].update(de_novo={"het_ab": [0.7, 0.3]}),
            "'genotype_gates.modes.de_novo.het_ab'",
        ),
        (lambda c: c.update(threshold={"min_gq": 30}), "'threshold' is not a rarevar setting"),
        (lambda c: c["scores"][0].update(build="GRCh38"), "'scores.0.build' is read for REVEL files only"),
        (lambda c: c["stages"].update(consequence=False), "'stages.consequence' is false"),
        (
            lambda c: c["thresholds"].update(max_popluation_af=0.001),
            "'thresholds.max_popluation_af' is not a rarevar setting and would be ignored. Did you mean "
            "'max_population_af'?",
        ),
    ],
)
def test_settings_that_would_be_ignored_or_misread_are_refused(change, expect):
    config = _shipped()
    config["cohort"] = {"db": "cohort.sqlite"}
    change(config)
    with pytest.raises(InputError) as error:
        validate_config(config)
    assert expect in str(error.value)


def test_the_shipped_config_and_yaml_nan_spellings(tmp_path):
    validate_config(copy.deepcopy(_shipped()))
    text = (REPO / "config" / "config.yaml").read_text()
    for spelling in (".nan", ".NaN", ".inf", "-.inf"):
        path = tmp_path / "config.yaml"
        path.write_text(text.replace("max_population_af: 0.01", f"max_population_af: {spelling}"))
        with pytest.raises(InputError, match="max_population_af' is"):
            load_config(path)


@pytest.mark.parametrize(
    ("damage", "expect"),
    [
        (lambda data: b"\xef\xbb\xbf" + data, "line 1: config file starts with a UTF-8 byte-order mark"),
        (
            lambda data: data.replace(b"results_dir: results", b"results_dir: r\xe9sultats"),
            "line 4: config file is not UTF-8 (byte 0xe9",
        ),
    ],
)
def test_config_bytes_that_are_not_plain_utf8(tmp_path, damage, expect):
    path = tmp_path / "config.yaml"
    path.write_bytes(damage((REPO / "config" / "config.yaml").read_bytes()))
    with pytest.raises(InputError) as error:
        load_config(path)
    assert expect in str(error.value)


def _candidate(**fields) -> dict:
    return {"rank": 1, "gene": "TNNT2", "chrom": "chr1", "pos": 100, "ref": "A", "alt": "G", **fields}


def test_tsv_cells_a_spreadsheet_would_run_are_neutralised(tmp_path):
    import csv

    from rarevar.report.outputs import TSV_COLUMNS, write_tsv

    hostile = {"gene": "=HYPERLINK(\"http://x\",\"y\")", "transcript": "+cmd|' /C calc'!A0", "hgvs_c": "-",
               "hgvs_p": "@SUM(1+1)", "consequence": "\tmissense", "why": "\r=1+1", "matched_disease": "safe text",
               "acmg": {"points": -3}, "population_af": "-1.5e-05", "score": "+0.25"}  # fmt: skip
    write_tsv([_candidate(**hostile)], tmp_path / "candidates.tsv")
    with open(tmp_path / "candidates.tsv", encoding="utf-8", newline="") as handle:
        row = dict(zip(TSV_COLUMNS, list(csv.reader(handle, delimiter="\t"))[1], strict=True))
    for column in ("gene", "transcript", "hgvs_c", "hgvs_p", "consequence", "why"):
        assert row[column] == "'" + hostile[column], column
    assert row["matched_disease"] == "safe text"
    assert (row["acmg_points"], row["population_af"], row["score"]) == ("-3", "-1.5e-05", "+0.25")  # numbers


def test_xlsx_marks_a_cell_cut_to_excels_limit_and_the_tsv_keeps_it_whole(tmp_path):
    from openpyxl import load_workbook

    from rarevar.report.outputs import TSV_COLUMNS, write_tsv
    from rarevar.report.xlsx import write_xlsx

    allele = "ACGT" * 25_000
    write_xlsx({"candidates": [_candidate(alt=allele)]}, tmp_path / "candidates.xlsx")
    cell = load_workbook(tmp_path / "candidates.xlsx")["candidates"].cell(2, TSV_COLUMNS.index("alt") + 1).value
    assert len(cell) == 32_767 and allele.startswith(cell.split("…")[0])
    assert cell.endswith("… [cut: 100,000 characters; full value in candidates.tsv/json]")
    write_tsv([_candidate(alt=allele)], tmp_path / "candidates.tsv")
    assert allele in (tmp_path / "candidates.tsv").read_text()


def test_records_without_the_inputs_consequence_are_counted_and_listed(tmp_path):
    from rarevar.annotate.csq import add_consequences
    from rarevar.base.bcftools import count_records
    from tests.hostile.cases_settings import partial_csq_vcf

    vcf = partial_csq_vcf(tmp_path)  # CSQ on 6 of the demo's 2,291 records
    out, funnel = tmp_path / "consequence.bcf", tmp_path / "funnel.json"
    used = add_consequences(str(vcf), "", "", "auto", str(out), str(funnel))
    (step,) = json.loads(funnel.read_text())
    assert used == "CSQ" and count_records(str(out)) == 6
    assert step["step"] == "consequences annotated (CSQ in the input; records without one set aside, each listed)"
    assert (step["variants"], step["set_aside_total"], len(step["set_aside"])) == (6, 2285, 1000)
    first = step["set_aside"][0]
    assert first == {"chrom": "chr1", "pos": 69, "ref": "G", "alt": "A",
                     "reason": "no CSQ annotation in the input VCF: its consequence is not known",
                     "reason_message": {"id": "no {tag} annotation in the input VCF: its consequence is not known",
                                        "fields": {"tag": "CSQ"}}}  # fmt: skip


def test_records_without_bcsq_stay_as_bcftools_csq_writes_none_outside_transcripts(tmp_path):
    import pysam

    from rarevar.annotate.csq import add_consequences
    from rarevar.base.bcftools import count_records

    vcf = tmp_path / "bcsq.vcf.gz"
    with pysam.VariantFile(str(REPO / "resources" / "demo" / "trio.vcf.gz")) as source:
        header = source.header.copy()
        header.add_line('##INFO=<ID=BCSQ,Number=.,Type=String,Description="Haplotype-aware consequence">')
        with pysam.VariantFile(str(vcf), "wz", header=header) as sink:
            for record in source:
                record.translate(header)
                if (record.chrom, record.pos) == ("chr1", 35793):
                    record.info["BCSQ"] = ("missense|TNNT2|ENST00000360372|protein_coding|-|100R>100P|35793C>G",)
                sink.write(record)
    out, funnel = tmp_path / "consequence.bcf", tmp_path / "funnel.json"
    assert add_consequences(str(vcf), "", "", "auto", str(out), str(funnel)) == "BCSQ"
    assert json.loads(funnel.read_text()) == [{"step": "consequences annotated (BCSQ)", "variants": 2291,
                                               "message": {"id": CONSEQUENCES, "fields": {"source": "BCSQ"}}}]
    assert count_records(str(out)) == 2291
