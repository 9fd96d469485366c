"""The deep VCF checks in their parts: the CSQ/ANN field-count expression (on hand-made entries, and without a false
refusal on any public VEP or snpEff file), the byte-level allele check against a per-record reading, and lower-case
alleles normalised to exactly the upper-case file's records."""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

import pyarrow as pa
import pysam
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rarevar.annotate.consequence import ann_fields, vep_fields
from rarevar.base.bcftools import bcftools
from rarevar.inputs.normalize import normalize
from rarevar.inputs.vcfcheck import ALT_BYTES, REF_BYTES, _wrong_field_count, rows_with_other_bytes
from tests.conftest import DEMO, shared_data
from tests.test_annotated_inputs import ANNOTATED

DEMO_TEXT = gzip.decompress((DEMO / "trio.vcf.gz").read_bytes()).decode("utf-8")


def flagged(path, key: str, fields: int) -> list[int]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "positions"
        bcftools("query", "-i", _wrong_field_count(key, fields), "-f", "%POS\n", "-o", str(out), str(path))
        return [int(pos) for pos in out.read_text().split()]


def test_the_field_count_expression_finds_each_entry_of_another_length(tmp_path):
    header, _, body = DEMO_TEXT.partition("#CHROM")
    records = ("#CHROM" + body).splitlines()[:6]
    values = {1: "A|x|HIGH|G,A|y|LOW|H", 2: "A|x|HIGH|G,A|y|LOW|H|extra", 3: "A|x|HIGH",
              4: "A|x|HIGH|G|extra,A|y|LOW|H"}  # fmt: skip
    lines = [records[0]]
    for number, record in enumerate(records[1:], start=1):
        fields = record.split("\t")
        if number in values:
            fields[7] += f";CSQ={values[number]}"
        lines.append("\t".join(fields))
    line = '##INFO=<ID=CSQ,Number=.,Type=String,Description="VEP. Format: Allele|Consequence|IMPACT|SYMBOL">\n'
    path = tmp_path / "csq.vcf"
    path.write_text(header + line + "\n".join(lines) + "\n")
    positions = [int(r.split("\t")[1]) for r in records[1:]]
    assert flagged(path, "CSQ", 4) == [positions[1], positions[2], positions[3]]  # record 5 has no CSQ: not flagged
    assert flagged(path, "CSQ", 5) == [positions[0], positions[1], positions[2], positions[3]]


def _declared(path) -> list[tuple[str, int]]:
    with pysam.VariantFile(str(path)) as vcf:
        info = vcf.header.info
        found = []
        if "CSQ" in info:
            found.append(("CSQ", len(vep_fields(info["CSQ"].description or ""))))
        if "ANN" in info:
            found.append(("ANN", len(ann_fields(info["ANN"].description or ""))))
    return [(key, n) for key, n in found if n >= 2]


@pytest.mark.parametrize("path", ANNOTATED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_public_vep_or_snpeff_file_is_refused_for_its_field_count(path):
    for key, fields in _declared(path):
        assert flagged(path, key, fields) == [], f"{path.name}: {key} entries flagged as of another length"


def test_some_public_files_carry_each_annotation():
    declared = {key for path in ANNOTATED for key, _ in _declared(path)}
    assert declared == {"CSQ", "ANN"}, declared
    assert shared_data().is_dir()


ALLELE_TEXT = st.text(alphabet="ACGTacgtNnRY*.,<>[]:DEL1", min_size=0, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(ALLELE_TEXT, max_size=40), st.integers(1, 5))
def test_the_byte_check_agrees_with_a_per_record_reading(values, chunks):
    size = max(1, len(values) // chunks)
    column = pa.chunked_array([pa.array(values[i: i + size], pa.string()) for i in range(0, len(values), size)]
                              or [pa.array([], pa.string())])  # fmt: skip
    for allowed in (REF_BYTES, ALT_BYTES):
        expected = [i for i, v in enumerate(values) if not v or any(c.encode() not in [bytes([b]) for b in allowed]
                                                                      for c in v)]  # fmt: skip
        assert rows_with_other_bytes(column, allowed).tolist() == expected


def test_lower_case_alleles_normalise_to_the_upper_case_records(tmp_path):
    upper = tmp_path / "upper.vcf"
    upper.write_text(DEMO_TEXT)
    lines = []
    for line in DEMO_TEXT.splitlines():
        fields = line.split("\t")
        if not line.startswith("#"):
            fields[3], fields[4] = fields[3].lower(), fields[4].lower()
        lines.append("\t".join(fields))
    lower = tmp_path / "lower.vcf"
    lower.write_text("\n".join(lines) + "\n")
    samples = ["proband", "mother", "father"]
    reference = str(DEMO / "reference.fa")
    for name in ("upper", "lower"):
        normalize(str(tmp_path / f"{name}.vcf"), samples, reference, str(tmp_path / f"{name}.bcf"),
                  str(tmp_path / f"{name}.json"))  # fmt: skip
    read = {name: [str(r) for r in pysam.VariantFile(str(tmp_path / f"{name}.bcf"))] for name in ("upper", "lower")}
    assert read["lower"] == read["upper"] and len(read["upper"]) > 2000
    funnel = {name: json.loads((tmp_path / f"{name}.json").read_text()) for name in ("upper", "lower")}
    assert funnel["lower"] == funnel["upper"]
