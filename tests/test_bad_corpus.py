"""The corpus of bad and awkward inputs in tests/data/bad (see its README): each bad file stops the run before
any job with one clear line; each awkward but legal file runs to a whole report with every record counted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from rarevar.cli import main
from tests.conftest import DEMO, demo_row, rarevar, write_config

CORPUS = Path(__file__).parent / "data" / "bad"

# file -> what the one-line error must say (besides naming the file)
BAD_VCFS = {
    "zero_bytes.vcf": "VCF is an empty (0-byte) file",
    "plain_gzip.vcf.gz": "compressed with plain gzip, not bgzip",
    "truncated.vcf.gz": "truncated",
    "unsorted.vcf": "records are not sorted: chr1:258 comes after chr1:309",
    "duplicate_records.vcf": "record chr1:258 C>A is duplicated",
    "no_chrom_line.vcf": "no #CHROM header line",
    "space_for_tab.vcf": "separated by spaces, not tabs",
    "chrom_line_trailing_tab.vcf": "ends in whitespace (a trailing tab?)",
    "no_genotypes.vcf": "has no FORMAT/GT (genotype) field",
    "contigs_without_chr.vcf": "the VCF names contigs like '1' and the reference like 'chr1'",
    "other_build_lengths.vcf": "contig chr1 is 944,699 bp in the VCF but 44,699 bp in the reference",
}
BAD_PEDS = {
    "ped_cycle.ped": "pedigree has a cycle",
    "ped_father_coded_female.ped": "'father' is the father of 'proband' but is coded female",
    "ped_sample_in_two_families.ped": "sample 'mother' is listed in two families",
    "ped_sample_not_in_vcf.ped": "sample(s) 'kid01' of the PED are not in the VCF",
}
AWKWARD = [
    "half_calls.vcf",
    "haploid_x_calls.vcf",
    "phased_and_unphased.vcf",
    "symbolic_star_and_gvcf_block.vcf",
    "fifty_alleles.vcf",
    "sample_ids_spaces_unicode_html.vcf",
    "no_records.vcf",
]


def test_every_corpus_file_is_tested_and_described():
    files = {p.name for p in CORPUS.iterdir() if p.name != "README.md"}
    tested = set(BAD_VCFS) | set(BAD_PEDS) | set(AWKWARD) | {"sample_ids_spaces_unicode_html.ped"}
    assert files == tested
    readme = (CORPUS / "README.md").read_text()
    for name in files - {"sample_ids_spaces_unicode_html.ped"}:
        assert f"`{name}`" in readme, name
    for name in files:
        first_lines = (CORPUS / name).read_bytes()[:400]
        described = b"##rarevar_test=" in first_lines or first_lines.startswith(b"# ") or f"`{name}` |" in readme
        assert described, f"{name} does not say what is wrong with it"


def stops(tmp_path: Path, capsys, **row) -> str:
    """`rarevar validate` (the same entry point as the command line, in this process to save start-up time)."""
    config = write_config(tmp_path, [demo_row(**row)])
    status = main(["validate", "--config", str(config)])
    captured = capsys.readouterr()
    assert status == 2, captured.out + captured.err
    message = captured.err.strip()
    assert message.startswith("rarevar: error: ") and len(message.splitlines()) == 1, message
    return message


@pytest.mark.parametrize("name", sorted(BAD_VCFS))
def test_bad_vcf_stops_with_one_clear_line(tmp_path, capsys, name):
    message = stops(tmp_path, capsys, vcf=str(CORPUS / name))
    assert str(CORPUS / name) in message and BAD_VCFS[name] in message


@pytest.mark.parametrize("name", sorted(BAD_PEDS))
def test_bad_ped_stops_with_one_clear_line(tmp_path, capsys, name):
    message = stops(tmp_path, capsys, ped=str(CORPUS / name))
    assert BAD_PEDS[name] in message
    assert str(CORPUS / name) in message or str(DEMO / "trio.vcf.gz") in message


def data_lines(path: Path) -> int:
    return sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#"))


@pytest.fixture(scope="module")
def awkward_run(tmp_path_factory) -> Path:
    """All awkward files as the families of one batch run, as a lab would submit them."""
    tmp = tmp_path_factory.mktemp("awkward")
    rows = []
    for index, name in enumerate(AWKWARD):
        ped = CORPUS / name.replace(".vcf", ".ped")
        rows.append(
            demo_row(
                family_id=f"AWK{index}", vcf=str(CORPUS / name), ped=str(ped if ped.exists() else DEMO / "demo.ped")
            )
        )
    config = write_config(tmp, rows)
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp / "results"


def payload(results: Path, name: str) -> dict:
    return json.loads((results / f"AWK{AWKWARD.index(name)}" / "candidates.json").read_text())


@pytest.mark.parametrize("name", AWKWARD)
def test_awkward_file_runs_to_a_report_with_every_record_counted(awkward_run, name):
    result = payload(awkward_run, name)
    funnel = {step["step"]: step["variants"] for step in result["funnel"]}
    assert funnel["input records"] == data_lines(CORPUS / name)
    assert (awkward_run / f"AWK{AWKWARD.index(name)}" / "report.html").stat().st_size > 0


def test_fifty_alleles_are_split_into_one_record_each(awkward_run):
    funnel = {s["step"]: s["variants"] for s in payload(awkward_run, "fifty_alleles.vcf")["funnel"]}
    assert funnel["after splitting multi-allelics"] == funnel["input records"] + 48


def test_no_records_is_a_clear_negative_result(awkward_run):
    result = payload(awkward_run, "no_records.vcf")
    assert result["candidates"] == [] and result["funnel"][0]["variants"] == 0


def test_hostile_sample_ids_are_escaped_in_the_report(awkward_run):
    html = (awkward_run / f"AWK{AWKWARD.index('sample_ids_spaces_unicode_html.vcf')}" / "report.html").read_text()
    assert "proband 1 <b>&amp;</b>" not in html
    assert "proband 1 &lt;b&gt;&amp;amp;&lt;/b&gt;" in html and "mère" in html
