"""Fuzzing at the level of VCF records and header lines: the demo trio's VCF with random valid and invalid changes
(positions, alleles, genotypes, INFO, contigs, header lines, sample names) goes through `rarevar validate` (the
command line's own entry point, in this process). Each must be refused with exit 2 and one line naming the VCF, or
accepted; a few accepted ones then run through the whole workflow, which must finish without a job failure.

Default profile: about a minute. `HYPOTHESIS_PROFILE=long` (as `make fuzz`) runs many more examples of each.
"""

from __future__ import annotations

import gzip
import json
import os
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rarevar.cli import main
from tests.conftest import DEMO, demo_row, rarevar, write_config

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
VALIDATE_EXAMPLES = 3000 if LONG else 150
RUN_EXAMPLES = 12 if LONG else 1  # a run takes 15-30 s
FUZZ = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]}

TRUTH = json.loads((DEMO / "truth.json").read_text(encoding="utf-8"))
TEXT = gzip.decompress((DEMO / "trio.vcf.gz").read_bytes()).decode("utf-8")
HEADER = [line for line in TEXT.splitlines() if line.startswith("##")]
CHROM_LINE = next(line for line in TEXT.splitlines() if line.startswith("#CHROM"))
RECORDS = [line for line in TEXT.splitlines() if not line.startswith("#")]
PLANTED = next(i for i, r in enumerate(RECORDS) if r.startswith(f"{TRUTH['chrom']}\t{TRUTH['pos']}\t"))
PED = (DEMO / "demo.ped").read_text(encoding="utf-8")

ALLELE_LETTERS = "ACGTacgtNnRYKM*.<>[]:,0123456789X "
GENOTYPES = ["0/0", "0/1", "1/1", "./.", "0|1", "1|0", "1", "0", ".", "0/0/1", "0/2", "2/2", "1/.", "0|0|0",
             "10/1", "0/-1", "a/b", "", "0//1"]  # fmt: skip
INFOS = ["DP=5", "DP=8;3", "FOO=1", "DP=x", ";", "", ".", "DP=5;DP=6", "DP=1;;", "DP=1;FOO", "DP=é", "DP=5,6"]
CONTIGS = ["chr1", "chr3", "chrX", "chr22", "chr2", "1", "chrUn_random", "chr1 ", ""]
HEADER_LINES = [
    '##INFO=<ID=CSQ,Number=.,Type=String,Description="VEP. Format: Allele|Consequence|IMPACT|SYMBOL">',
    "##INFO=<ID=ANN,Number=.,Type=String,Description=\"Functional annotations: 'Allele | Annotation'\">",
    '##INFO=<ID=FOO,Number=1,Type=Integer,Description="foo">',
    '##FORMAT=<ID=GT,Number=1,Type=Integer,Description="Genotype">',
    "##contig=<ID=chr2,length=1000>",
    "##contig=<ID=chr1,length=5>",
    "##garbage",
    "##source=caf\udce9",  # a lone Latin-1 byte (E9) once written with surrogateescape
    "#comment inside the header",
    "",
]
SAMPLE_NAMES = ["proband", "mother", "father", "pro band", "fa,ther", "mère", "", "proband\t"]


@st.composite
def record_changes(draw, columns=None):
    """One change to one record: (record index, column, new value); column -1 replaces the whole line."""
    index = draw(st.integers(0, len(RECORDS) - 1))
    column = draw(st.sampled_from(columns or [0, 1, 3, 4, 7, 9, 10, 11, -1]))
    if column == 0:
        value = draw(st.sampled_from(CONTIGS))
    elif column == 1:
        value = str(draw(st.one_of(st.integers(-5, 100_000), st.sampled_from([0, 1, 44699, 44700]))))
    elif column in (3, 4):
        value = draw(st.text(alphabet=ALLELE_LETTERS, min_size=0, max_size=6))
    elif column == 7:
        value = draw(st.sampled_from(INFOS))
    elif column in (9, 10, 11):
        value = draw(st.sampled_from(GENOTYPES)) + ":" + draw(st.sampled_from(["30,0:30:89:0,89,599", "", "5"]))
    else:
        fields = RECORDS[index].split("\t")
        value = draw(st.sampled_from(["\t".join(fields[:-2]), " ".join(fields), "\t".join(fields) + "\t", ""]))
    return index, column, value


@st.composite
def header_changes(draw):
    kind = draw(st.sampled_from(["delete", "insert", "samples", "bom"]))
    if kind == "delete":
        return kind, draw(st.integers(0, len(HEADER) - 1))
    if kind == "insert":
        return kind, (draw(st.integers(1, len(HEADER))), draw(st.sampled_from(HEADER_LINES)))
    if kind == "samples":
        return kind, [draw(st.sampled_from(SAMPLE_NAMES)) for _ in range(3)]
    return kind, None


def mutated_vcf(record_edits: list, header_edits: list) -> bytes:
    records = list(RECORDS)
    for index, column, value in record_edits:
        if column == -1:
            records[index] = value
        else:
            fields = records[index].split("\t")
            if column < len(fields):  # a line an earlier change cut short keeps its few fields
                fields[column] = value
                records[index] = "\t".join(fields)
    header, chrom_line, bom = list(HEADER), CHROM_LINE, False
    for kind, detail in header_edits:
        if kind == "delete" and detail < len(header):
            del header[detail]
        elif kind == "insert":
            header.insert(min(detail[0], len(header)), detail[1])
        elif kind == "samples":
            chrom_line = "\t".join(CHROM_LINE.split("\t")[:9] + detail)
        elif kind == "bom":
            bom = True
    text = "\n".join([*header, chrom_line, *records]) + "\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", errors="surrogateescape")


def validate(folder: Path, data: bytes, capsys) -> tuple[int, str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    vcf = folder / "trio.vcf"
    vcf.write_bytes(data)
    config = write_config(folder, [demo_row(vcf=str(vcf))])
    capsys.readouterr()
    status = main(["validate", "--config", str(config)])
    captured = capsys.readouterr()
    return status, captured.err, config


@settings(max_examples=VALIDATE_EXAMPLES, **FUZZ)
@given(records=st.lists(record_changes(), max_size=3), headers=st.lists(header_changes(), max_size=2))
def test_any_vcf_is_refused_in_one_line_or_accepted(tmp_path, capsys, records, headers):
    data = mutated_vcf(records, headers)
    status, err, _ = validate(tmp_path / "case", data, capsys)
    lines = [line for line in err.splitlines() if line.strip() and not line.startswith("rarevar: warning")]
    if status == 0:
        assert not lines, err
        return
    assert status == 2, f"exit {status}: {err[-2000:]}"
    assert len(lines) == 1 and lines[0].startswith("rarevar: error: "), err[-2000:]
    assert "trio.vcf" in lines[0] or "demo.ped" in lines[0], f"the error names neither input: {lines[0]}"


@st.composite
def valid_changes(draw):
    """A change that keeps the file valid: lower-case alleles, another diploid genotype, another depth, a record
    removed (never the planted de novo's record)."""
    index = draw(st.integers(0, len(RECORDS) - 1).filter(lambda i: i != PLANTED))
    fields = RECORDS[index].split("\t")
    kind = draw(st.sampled_from(["lower", "genotype", "depth", "drop"]))
    if kind == "lower":
        return index, -1, "\t".join(fields[:3] + [fields[3].lower(), fields[4].lower()] + fields[5:])
    if kind == "genotype":
        column = draw(st.sampled_from([9, 10, 11]))
        genotype = draw(st.sampled_from(["0/0", "0/1", "1/1", "./.", "0|1", "1|0"]))
        return index, column, genotype + fields[column][fields[column].index(":"):]
    if kind == "depth":
        return index, 7, f"DP={draw(st.integers(0, 500))}"
    return index, -2, ""


# Header lines validation accepts (htslib skips or tolerates them): the run must then finish too.
HARMLESS_HEADER_LINES = ["##garbage", "", "##contig=<ID=chr1,length=5>",
                         '##INFO=<ID=FOO,Number=1,Type=Integer,Description="foo">', "##source=another tool"]


def _kept(data: bytes) -> bytes:
    return b"\n".join(line for line in data.split(b"\n") if line != b"\x00DROP")


@settings(max_examples=RUN_EXAMPLES, database=None, **FUZZ)
@given(changes=st.lists(valid_changes(), min_size=1, max_size=4),
       headers=st.lists(st.tuples(st.integers(1, len(HEADER)), st.sampled_from(HARMLESS_HEADER_LINES)), max_size=2))
def test_an_accepted_vcf_runs_to_the_end_without_a_job_failure(tmp_path_factory, capsys, changes, headers):
    folder = tmp_path_factory.mktemp("run")
    edits = [(index, -1, "\x00DROP") if column == -2 else (index, column, value) for index, column, value in changes]
    status, err, config = validate(folder, _kept(mutated_vcf(edits, [("insert", h) for h in headers])), capsys)
    if status != 0:  # e.g. a second chr1 contig line read first, of another length: refused in one line
        assert status == 2 and err.count("\n") == 1 and err.startswith("rarevar: error: "), err
        return
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
    payload = json.loads((folder / "results" / TRUTH["family"] / "candidates.json").read_text(encoding="utf-8"))
    assert any((c["chrom"], c["pos"], c["ref"], c["alt"]) == (TRUTH["chrom"], TRUTH["pos"], TRUTH["ref"], TRUTH["alt"])
               for c in payload["candidates"]), "the planted de novo is no longer a candidate"  # fmt: skip
