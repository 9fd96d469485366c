"""bcftools' own csq test suite (57 real Ensembl transcripts, 165 records) run through rarevar's consequence step.

Truth is each record's INFO/EXP string (bcftools_csq_expected.tsv), or, where a record has none, the BCSQ
line of bcftools' recorded output beside it (<test>.txt). Entries are compared as a set, as bcftools' suite
does (test/csq/sort-csq). Three csq modes are measured:

* pipeline: rarevar's own step (add_consequences, what `rarevar consequence` runs);
* per-record: `-s - -l`, one consequence per record, nothing combined across records;
* phased: `-p a`, the samples' genotypes taken as haplotypes (needed for per-sample expectations).

Reproduced (of 165): pipeline 134, per-record 120, phased 138.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pysam
import pysam.bcftools
import pytest

from rarevar.annotate.consequence import RANK, most_severe, parse_bcsq
from tests.conftest import REPO, shared_data

SUITE = shared_data() / "bcftools-csq"

# Records the pipeline does not reproduce: "dir/test.vcf" (all its records) or "dir/test.vcf:POS".
KNOWN_DIFFERENCES = {
    # No expected string in the data: bcftools checks these through .cmd files with their own options.
    "ENST00000379416/compound.del-snp.vcf": "no EXP: checked with -B 3 (compound.cmd)",
    "ENST00000379416/compound.ins-del.vcf": "no EXP: checked with -B 3 (compound.cmd)",
    "ENST00000379416/compound.ins-ins.vcf": "no EXP: checked with -B 3 (compound.cmd)",
    "ENST00000379416/compound.ins-snp.vcf": "no EXP: checked with -B 3 (compound.cmd)",
    "ENST00000379416/single.vcf": "no EXP: checked with -B 3 (compound.cmd)",
    "ENST00000580206/compound.del-ins.vcf": "no EXP: checked by test.cmd, with short.gff and the full GFF",
    "ENST00000580206/compound.del-snv.vcf": "no EXP: checked by test.cmd, with short.gff and the full GFF",
    "ENST00000580206/compound.ins-snv.vcf": "no EXP: checked by test.cmd, with short.gff and the full GFF",
    "ENST00000580206/single.del-ins.vcf": "no EXP: checked by test.cmd, with short.gff",
    "ENST00000580206/single.del-snv.vcf": "no EXP: checked by test.cmd, with short.gff",
    "ENST00000580206/single.ins-snv.vcf": "no EXP: checked by test.cmd, with short.gff and the full GFF",
    "ENST00000422159/multiallelic.vcf": "no EXP: checked by test.cmd with short.gff, per sample",
    "ENST00000368801.2/alt-gencode.vcf": "no EXP: checked with -v 0 and -C 0|1 (alt-gencode.*.cmd)",
    "ENST00000428061/failed-assert.vcf": "no EXP: a regression test that csq does not abort",
    # Expected per sample and haplotype (haploid and diploid genotypes); `-s -` drops the samples.
    "ENST00000381157/haploid-diploid.vcf": "per-sample haplotype expectation (FORMAT BCSQ), needs samples",
    # EXP older than the bcftools we run; bcftools' own recorded output (upstream .txt) is what we get.
    "ENST00000368801/compound-lost.vcf:11191": "stale EXP: bcftools now calls this deletion start_retained",
    "ENST00000375992/incorrect-synon-del-not-start-lost.vcf:6453": "stale EXP: now start_retained",
    "ENST00000479739/short-cds-start-lost.vcf:25091": "stale EXP: bcftools now adds &NMD_transcript",
    "ENST00000573314/incorrect-insertion-overlap.vcf:32388": "stale EXP: bcftools now adds &NMD_transcript",
}

# What `-l` loses: consequences that need several records on one haplotype.
SAME_CODON = (3630, 3632, 3633, 3634, 4401, 4402, 4407, 4408)  # four pairs of SNVs, each pair in one codon
PER_RECORD_MISSES = {
    "ENST00000269081/stop-gained-not-inframe-insertion.vcf": "haplotype-aware: the frameshift absorbs the rest",
    **{f"ENST00000423372/snps.vcf:{pos}": "haplotype-aware: two SNVs in one codon" for pos in SAME_CODON},
    "ENST00000528237/retained-stop-incomplete-cds.vcf:14714": "-l adds stop_gained to this stop_retained",
}

# What `-p a` adds: the per-sample expectation, matched exactly.
PHASED_REPRODUCES = {"ENST00000381157/haploid-diploid.vcf"}

MODES = {
    "pipeline": None,
    "per-record": ["-s", "-", "-l", "--force"],
    "phased": ["-p", "a", "--force"],
}
# The pipeline's step runs per record (-s - -l): its misses are those of "per-record".
EXPECTED_MISSES = {
    "pipeline": set(KNOWN_DIFFERENCES) | set(PER_RECORD_MISSES),
    "per-record": set(KNOWN_DIFFERENCES) | set(PER_RECORD_MISSES),
    "phased": set(KNOWN_DIFFERENCES) - PHASED_REPRODUCES,
}


def suite_rows() -> list[dict]:
    with open(SUITE / "bcftools_csq_expected.tsv") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def recorded_output(test: Path) -> tuple[dict[str, str], str]:
    """bcftools' recorded output beside a test: (BCSQ per 'POS:REF:ALT' for sites-only tests, per-sample text)."""
    path = test.with_suffix(".txt")
    if not path.exists():
        return {}, ""
    text = path.read_text()
    sites = {}
    for block in text.strip().split("\n\n"):
        lines = [line.split("\t") for line in block.splitlines()]
        if len(lines) == 2 and all(len(line) == 4 for line in lines):  # an EXP line, then the BCSQ line
            sites[":".join(lines[1][:3])] = lines[1][3]
    return sites, "" if sites else text


def run_csq(mode: str, test: Path, out: Path) -> None:
    """One csq call per test file, each in its own process: csq keeps state between calls in one process."""
    name = test.parent.name
    fasta, gff = str(test.parent / f"{name}.fa"), str(test.parent / f"{name}.gff")
    if MODES[mode] is None:
        code = "import sys; from rarevar.annotate.csq import add_consequences as a; a(*sys.argv[1:])"
        args = [str(test), fasta, gff, "bcftools-csq", str(out), f"{out}.json"]
    else:
        code = "import sys, pysam.bcftools as b; b.csq(*sys.argv[1:], catch_stdout=False)"
        args = ["--no-version", "-f", fasta, "-g", gff, *MODES[mode], "-Ob", "-W", "-o", str(out), str(test)]
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, f"{test}: {done.stderr[-500:]}"


def read_bcsq(path: Path) -> dict[str, str]:
    with pysam.VariantFile(str(path)) as vcf:
        return {f"{r.pos}:{r.ref}:{','.join(r.alts or ('.',))}": ",".join(r.info.get("BCSQ") or ["."]) for r in vcf}


def per_sample_text(path: Path) -> str:
    try:
        return pysam.bcftools.query("-f", "[%POS\t%REF\t%ALT\t%TBCSQ\n]\n", str(path))
    except pysam.utils.SamtoolsError:
        return ""  # no FORMAT/BCSQ: the samples were dropped


def same_entries(got: str, expected: str) -> bool:
    return sorted(got.split(",")) == sorted(expected.split(","))


def row_id(row: dict) -> str:
    return f"{row['dir']}/{row['vcf']}:{row['local_pos']}"


def listed(row: dict, keys: set[str]) -> bool:
    return row_id(row) in keys or row_id(row).rsplit(":", 1)[0] in keys


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict[str, tuple[bool, str]]]:
    """mode -> row id -> (reproduced?, the BCSQ csq wrote)."""
    tmp = tmp_path_factory.mktemp("csq-suite")
    rows = suite_rows()
    tests = sorted({(row["dir"], row["vcf"]) for row in rows})
    jobs = [(mode, SUITE / d / v, tmp / f"{mode}.{d}.{v}.bcf") for mode in MODES for d, v in tests]
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        list(pool.map(lambda job: run_csq(*job), jobs))
    outcome: dict[str, dict[str, tuple[bool, str]]] = defaultdict(dict)
    for mode, test, out in jobs:
        got, (sites, samples_text) = read_bcsq(out), recorded_output(test)
        per_sample_ok = bool(samples_text) and per_sample_text(out).strip() == samples_text.strip()
        for row in rows:
            if (row["dir"], row["vcf"]) != (test.parent.name, test.name):
                continue
            key = f"{row['local_pos']}:{row['ref']}:{row['alt']}"
            expected = row["expected_bcsq"] or sites.get(key, "")
            ok = per_sample_ok or (bool(expected) and same_entries(got.get(key, ""), expected))
            outcome[mode][row_id(row)] = ok, got.get(key, "(no record)")
    return outcome


def test_the_suite_has_165_records():
    assert len(suite_rows()) == 165


@pytest.mark.parametrize("mode", MODES)
def test_reproduced_records_per_mode(runs, mode):
    rows = suite_rows()
    missed = {row_id(row) for row in rows if not runs[mode][row_id(row)][0]}
    expected = {row_id(row) for row in rows if listed(row, EXPECTED_MISSES[mode])}
    surprises = {rid: runs[mode][rid][1][:200] for rid in missed ^ expected}
    assert missed == expected, f"{mode}: {len(rows) - len(missed)}/165 reproduced; unexpected: {surprises}"


def test_every_known_difference_names_real_records():
    tests = {f"{row['dir']}/{row['vcf']}" for row in suite_rows()}
    rows = {row_id(row) for row in suite_rows()}
    for key in {*KNOWN_DIFFERENCES, *PER_RECORD_MISSES, *PHASED_REPRODUCES}:
        assert key in tests or key in rows, key


def test_parser_knows_every_reproduced_term(runs):
    """Every string the pipeline reproduces maps to SO terms rarevar ranks; '@POS' pointers carry none."""
    for rid, (ok, bcsq) in runs["pipeline"].items():
        if not ok:
            continue
        entries = bcsq.split(",")
        parsed = parse_bcsq(entries)
        assert len(parsed) == sum(not e.startswith("@") and e != "." for e in entries), rid
        for consequence in parsed:
            assert set(consequence.terms) <= set(RANK), (rid, consequence.terms)
        if parsed:
            assert most_severe(parsed).term in RANK


def test_rarevar_command_runs_the_same_step(tmp_path):
    """`rarevar consequence` (the pipeline's command) writes what add_consequences does."""
    test = SUITE / "ENST00000423372" / "snps.vcf"
    run_csq("pipeline", test, tmp_path / "step.bcf")
    fasta, gff = test.parent / "ENST00000423372.fa", test.parent / "ENST00000423372.gff"
    args = ["--vcf", test, "--reference", fasta, "--genes", gff, "--source", "bcftools-csq"]
    args += ["--out", tmp_path / "cli.bcf", "--funnel", tmp_path / "cli.json"]
    done = subprocess.run([sys.executable, "-m", "rarevar", "consequence", *map(str, args)], cwd=REPO)
    assert done.returncode == 0
    assert read_bcsq(tmp_path / "cli.bcf") == read_bcsq(tmp_path / "step.bcf")
