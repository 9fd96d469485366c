"""bcftools' own csq test suite (57 real Ensembl transcripts, 165 records) run through rarevar's consequence step.

Truth, per record: bcftools' recorded output beside the test (<test>.txt, the BCSQ line, which is what bcftools'
suite compares; for a per-sample output, each site's union over samples and haplotypes), else the recorded
output of bcftools' command files (tests/data/bcftools-csq-cmd: *.cmd, one csq call a line with its own GFF and
options, and *.cmd.out, one block per call; a record must match every call that runs its test), else its INFO/EXP
string. Entries are compared as a set, as bcftools' suite does (test/csq/sort-csq). Each command is also run
exactly as written, to show its block is read right. Three csq modes are measured:

* pipeline: rarevar's own step (add_consequences, what `rarevar consequence` runs). bcftools' suite takes the
  records of a sites-only test as one haplotype, so the pipeline gets each such test as one sample phased in cis
  (`1|0` at every record); tests with samples keep theirs. Unphased (`0/1`) and trans (`1|0`, `0|1`) samples
  are tested below: they must not be joined.
* per-record: `-s - -l`, one consequence per record, nothing combined across records;
* phased: `-p a`, the samples' genotypes taken as haplotypes (needed for per-sample expectations).

The two csq modes take a command file's options after their own; the pipeline sets none, so where an option
changes what csq prints (UNSET_OPTIONS: `-B` trims the protein change, `-C 1` another genetic code) it is compared
on the other fields; `-v` (verbosity) and `-C 0` (the default standard code) change nothing printed.

Reproduced (of 165): pipeline 162, per-record 130, phased 164.
"""

from __future__ import annotations

import csv
import os
import re
import shlex
import subprocess
import sys
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pysam
import pysam.bcftools
import pytest

from rarevar.annotate.consequence import RANK, most_severe, parse_bcsq
from tests.conftest import REPO, shared_data

SUITE = shared_data() / "bcftools-csq"
COMMAND_FILES = REPO / "tests" / "data" / "bcftools-csq-cmd"  # bcftools' *.cmd and *.cmd.out (see its README)

# Records the pipeline does not reproduce: "dir/test.vcf" (all its records) or "dir/test.vcf:POS".
KNOWN_DIFFERENCES = {
    "ENST00000428061/failed-assert.vcf": "no truth at all: no failed-assert.txt (bcftools' suite runs no check on it)",
}
# Only the per-sample run matches this: a triploid genotype (0|1|1) and a missing one, and csq gives no sample a
# consequence; a site-level consequence (rarevar's, as for any record it cannot place on a haplotype) is extra.
SITE_LEVEL_MISSES = {"ENST00000381157/haploid-diploid.vcf:31180": "triploid genotype: csq gives no sample any"}
# INFO/EXP older than bcftools' recorded output beside it (<test>.txt), which bcftools' suite compares and
# bcftools 1.24 (pysam's) writes: counted against the recorded output.
STALE_EXP = {
    "ENST00000368801/compound-lost.vcf:11191": "now start_retained",
    "ENST00000375992/incorrect-synon-del-not-start-lost.vcf:6453": "now start_retained",
    "ENST00000479739/short-cds-start-lost.vcf:25091": "now adds &NMD_transcript",
    "ENST00000573314/incorrect-insertion-overlap.vcf:32388": "now adds &NMD_transcript",
}
# csq options of a command file that the pipeline does not set, and the BCSQ fields (0-based, of
# type|gene|transcript|biotype|strand|protein|dna) they change: the pipeline is compared on the other fields.
# -v (verbosity) changes only messages; -C 0 is csq's default genetic code (the standard one), the pipeline's.
UNSET_OPTIONS = {
    "-B": (5, "abbreviates the protein change to INT amino acids; the pipeline writes it whole"),
    "-C": (0, "another genetic code (-C 1 makes 1M>1L a start_retained); the pipeline uses the standard one"),
}

# What `-l` loses: consequences that need several records on one haplotype.
SAME_CODON = (3630, 3632, 3633, 3634, 4401, 4402, 4407, 4408)  # four pairs of SNVs, each pair in one codon
HAPLOTYPE_CASES = {
    "ENST00000269081/stop-gained-not-inframe-insertion.vcf": "haplotype-aware: the frameshift absorbs the rest",
    **{f"ENST00000423372/snps.vcf:{pos}": "haplotype-aware: two SNVs in one codon" for pos in SAME_CODON},
    "ENST00000580206/compound.ins-snv.vcf": "haplotype-aware: an insertion and an SNV make P>QKK together",
    **{
        f"ENST00000379416/{test}.vcf": "haplotype-aware: two indels or an indel and an SNV in one codon"
        for test in ("compound.del-snp", "compound.ins-del", "compound.ins-ins", "compound.ins-snp")
    },
    **{
        f"ENST00000580206/compound.{test}.vcf:35750": "haplotype-aware: a deletion and its neighbour together"
        for test in ("del-snv", "del-ins")
    },
    **{f"ENST00000580206/compound.{test}.vcf:35755": "haplotype-aware: @35750" for test in ("del-snv", "del-ins")},
    **{
        f"ENST00000580206/{test}.vcf:35756": "haplotype-aware: after the in-frame deletion K355 is the haplotype's 354"
        for test in ("compound.del-snv", "single.del-snv")
    },
}
# The pipeline's one miss of its own: a lone record has no partner on its haplotype, so it keeps `-l`'s answer.
PIPELINE_MISSES = {"ENST00000528237/retained-stop-incomplete-cds.vcf": "-l adds stop_gained to this stop_retained"}
PER_RECORD_MISSES = {
    **HAPLOTYPE_CASES,
    **PIPELINE_MISSES,
    # Per-sample expectation (FORMAT BCSQ); `-s -` drops the samples, and -l joins no records.
    "ENST00000381157/haploid-diploid.vcf:31177": "per-sample: joined with 31178 in SAMPLE1",
    "ENST00000381157/haploid-diploid.vcf:31178": "per-sample: @31177 in SAMPLE1",
    # bcftools: csq -l ignores -C for start codons (`-l -C 1` still says start_lost, without -l start_retained).
    "ENST00000368801.2/alt-gencode.vcf": "alt-gencode.2.cmd (-C 1): -l keeps start_lost",
}

MODES = {
    "pipeline": None,
    "per-record": ["-s", "-", "-l", "--force"],
    "phased": ["-p", "a", "--force"],
}
EXPECTED_MISSES = {
    "pipeline": set(KNOWN_DIFFERENCES) | set(SITE_LEVEL_MISSES) | set(PIPELINE_MISSES),
    "per-record": set(KNOWN_DIFFERENCES) | set(SITE_LEVEL_MISSES) | set(PER_RECORD_MISSES),
    "phased": set(KNOWN_DIFFERENCES),
}
CIS, UNPHASED, TRANS = ("1|0",), ("0/1",), ("1|0", "0|1")  # a sample's genotypes, repeated over the records


def suite_rows() -> list[dict]:
    with open(SUITE / "bcftools_csq_expected.tsv") as handle:
        lines = [line for line in handle if not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


def recorded_output(test: Path) -> tuple[dict[str, str], str]:
    """bcftools' recorded output beside a test (<test>.txt, what bcftools' suite compares): (BCSQ per
    'POS:REF:ALT', per-sample text). Per-sample outputs give each site the union of its samples' haplotypes."""
    path = test.with_suffix(".txt")
    if not path.exists():
        return {}, ""
    text = path.read_text()
    sites: dict[str, list[str]] = {}
    for block in text.strip().split("\n\n"):
        lines = [line.split("\t") for line in block.splitlines() if line]
        if len(lines) == 2 and all(len(line) == 4 for line in lines):  # an EXP line, then the BCSQ line
            sites[":".join(lines[1][:3])] = lines[1][3].split(",")
            continue
        for line in lines:  # POS REF ALT, then each haplotype's BCSQ
            union = sites.setdefault(":".join(line[:3]), [])
            union += [e for field in line[3:] if field != "." for e in field.split(",") if e not in union]
    per_sample = "" if all(len(line.split("\t")) == 4 for line in text.splitlines() if line) else text
    return {key: ",".join(entries) for key, entries in sites.items()}, per_sample


def with_sample(test: Path, out: Path, genotypes: tuple[str, ...]) -> Path:
    """`test` with one sample whose genotypes cycle through `genotypes` record by record."""
    lines, k = [], 0
    for line in test.read_text().splitlines():
        if line.startswith("#CHROM"):
            lines += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">', f"{line}\tFORMAT\tS1"]
        elif line.startswith("#"):
            lines.append(line)
        else:
            lines.append(f"{line}\tGT\t{genotypes[k % len(genotypes)]}")
            k += 1
    out.write_text("\n".join(lines) + "\n")
    return out


def has_samples(test: Path) -> bool:
    with pysam.VariantFile(str(test)) as vcf:
        return bool(vcf.header.samples)


def run_csq(mode: str, test: Path, out: Path, gff: Path | None = None, vcf: Path | None = None, options=()) -> None:
    """One csq call per test file (`vcf`: the test given other genotypes; `options`: a command file's, after the
    mode's; mode "command": those alone), each in its own process: csq keeps state between calls in one process."""
    name = test.parent.name
    fasta, gff = str(test.parent / f"{name}.fa"), str(gff or test.parent / f"{name}.gff")
    vcf = vcf or test
    if mode == "pipeline":
        code = "import sys; from rarevar.annotate.csq import add_consequences as a; a(*sys.argv[1:])"
        args = [str(vcf), fasta, gff, "bcftools-csq", str(out), f"{out}.json"]
    else:
        code = "import sys, pysam.bcftools as b; b.csq(*sys.argv[1:], catch_stdout=False)"
        args = ["--no-version", "-f", fasta, "-g", gff, *MODES.get(mode, []), *options]
        args += ["-Ob", "-W", "-o", str(out), str(vcf)]
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


@dataclass(frozen=True)
class Command:
    """One `bcftools csq` line of a command file, and the block of its recorded output (blocks in line order)."""

    dir: str
    gff: str
    options: tuple[str, ...]
    vcf: str
    query: str  # the `bcftools query -f` format its output is printed with
    expected: str

    @property
    def name(self) -> str:
        return f"{self.dir}/{self.vcf} -g {self.gff} {' '.join(self.options)}".strip()

    @property
    def test(self) -> Path:
        return SUITE / self.dir / self.vcf


def read_commands(path: Path) -> list[Command]:
    """`{bin}/bcftools csq -f FA -g GFF [options] VCF | ... | {bin}/bcftools query -f'FORMAT' ...`, one a line."""
    calls = [line for line in path.read_text().splitlines() if line.startswith("{bin}/bcftools csq ")]
    blocks = Path(f"{path}.out").read_text().rstrip("\n").split("\n\n")
    assert len(blocks) == len(calls), f"{path}: {len(calls)} csq calls, {len(blocks)} output blocks"
    commands = []
    for call, block in zip(calls, blocks, strict=True):
        csq, *pipes = call.split(" | ")
        tokens, named, options = shlex.split(csq)[2:], {}, []
        while tokens:
            token = tokens.pop(0)
            if token in ("-f", "-g"):
                named[token] = tokens.pop(0)
            elif token.endswith(".vcf"):
                named["vcf"] = token
            else:
                options.append(token)
        query = next(shlex.split(pipe) for pipe in pipes if " query " in pipe)
        fmt = query[query.index("query") + 1].removeprefix("-f").replace("\\t", "\t").replace("\\n", "\n")
        assert named["-f"] == f"{path.parent.name}.fa", call
        commands.append(Command(path.parent.name, named["-g"], tuple(options), named["vcf"], fmt, block))
    return commands


COMMANDS = [command for path in sorted(COMMAND_FILES.glob("*/*.cmd")) for command in read_commands(path)]
COMMANDS_BY_TEST = defaultdict(list)
for _command in COMMANDS:
    COMMANDS_BY_TEST[f"{_command.dir}/{_command.vcf}"].append(_command)


def sorted_fields(text: str) -> list[tuple[tuple[str, ...], ...]]:
    """Each line's tab-separated fields, each one's comma-separated entries sorted (as `sort-csq -q` prints)."""
    return [tuple(tuple(sorted(field.split(","))) for field in line.split("\t")) for line in text.splitlines() if line]


def site_key(pos, ref: str, alts: str) -> str:
    return f"{pos}:{ref}:{','.join(sorted(alts.split(',')))}"


def expected_sites(command: Command) -> dict[str, set[str]]:
    """'POS:REF:ALT' -> the entries of its recorded lines (the union over samples and haplotypes)."""
    tags = re.findall(r"%(\w+)", command.query)
    first = min(tags.index(tag) for tag in ("BCSQ", "TBCSQ") if tag in tags)
    with pysam.VariantFile(str(command.test)) as vcf:
        records = [site_key(r.pos, r.ref, ",".join(r.alts)) for r in vcf]
    sites: dict[str, set[str]] = {}
    for line in command.expected.splitlines():
        fields = line.split("\t")
        named = dict(zip(tags, fields, strict=False))
        if "POS" in named:
            key = site_key(named["POS"], named["REF"], named["ALT"])
        else:  # a format without the site (`%BCSQ`): a one-record test
            assert len(records) == 1, command.name
            key = records[0]
        sites.setdefault(key, set()).update(e for f in fields[first:] if f != "." for e in f.split(","))
    return sites


def comparable(entries: set[str], options: tuple[str, ...]) -> set[str]:
    """`entries` without the fields that the command's options the pipeline does not set change."""
    dropped = {
        UNSET_OPTIONS[option][0]
        for option, value in zip(options, options[1:], strict=False)
        if option in UNSET_OPTIONS and not (option == "-C" and value == "0")
    }
    return {"|".join(f for k, f in enumerate(e.split("|")) if k not in dropped) for e in entries}


def command_matches(mode: str, command: Command, got: dict[str, str], key: str) -> bool:
    """csq's output (`read_bcsq`) gives the site the entries the command's recorded output does; the pipeline
    on the fields the command's options do not change."""
    expected = expected_sites(command).get(key, set())
    written = {site_key(*k.split(":")): set(v.split(",")) - {"."} for k, v in got.items()}.get(key)
    if written is None:
        return False
    if mode == "pipeline":
        return comparable(written, command.options) == comparable(expected, command.options)
    return written == expected


def csq_jobs(tmp: Path, mode: str, test: Path) -> list[tuple]:
    """The runs of one test: the pipeline gets a sites-only test as one sample phased in cis (bcftools' suite
    takes all records of such a test as one haplotype); a test with command files runs once per command, with
    its GFF (and, unless the pipeline runs it, its options)."""
    out = tmp / f"{mode}.{test.parent.name}.{test.name}.bcf"
    vcf = test
    if mode == "pipeline" and not has_samples(test):
        vcf = with_sample(test, tmp / f"cis.{test.parent.name}.{test.name}", CIS)
    commands = COMMANDS_BY_TEST.get(f"{test.parent.name}/{test.name}")
    if not commands:
        return [(mode, test, out, None, vcf)]
    return [
        (mode, test, out.with_suffix(f".{k}.bcf"), test.parent / c.gff, vcf, () if mode == "pipeline" else c.options)
        for k, c in enumerate(commands)
    ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict[str, dict[str, tuple[bool, str]]]:
    """mode -> row id -> (reproduced?, the BCSQ csq wrote)."""
    tmp = tmp_path_factory.mktemp("csq-suite")
    rows = suite_rows()
    tests = sorted({(row["dir"], row["vcf"]) for row in rows})
    by_test = {(mode, d, v): csq_jobs(tmp, mode, SUITE / d / v) for mode in MODES for d, v in tests}
    with ThreadPoolExecutor(os.cpu_count() or 2) as pool:
        list(pool.map(lambda job: run_csq(*job), [job for jobs in by_test.values() for job in jobs]))
    outcome: dict[str, dict[str, tuple[bool, str]]] = defaultdict(dict)
    for (mode, d, v), jobs in by_test.items():
        test = SUITE / d / v
        outputs = [read_bcsq(job[2]) for job in jobs]
        (sites, samples_text), got = recorded_output(test), outputs[0]
        per_sample_ok = bool(samples_text) and per_sample_text(jobs[0][2]).strip() == samples_text.strip()
        commands = COMMANDS_BY_TEST.get(f"{d}/{v}", [])
        for row in (row for row in rows if (row["dir"], row["vcf"]) == (d, v)):
            key = f"{row['local_pos']}:{row['ref']}:{row['alt']}"
            expected = sites.get(key) or row["expected_bcsq"]
            if commands:
                ok = all(
                    command_matches(mode, c, output, site_key(*key.split(":")))
                    for c, output in zip(commands, outputs, strict=True)
                )
            else:
                ok = per_sample_ok or (bool(expected) and same_entries(got.get(key, ""), expected))
            outcome[mode][row_id(row)] = ok, got.get(key, "(no record)")
        for command, output in zip(commands, outputs[: len(commands)], strict=True):  # none: no command file
            keys = expected_sites(command)
            outcome[f"command:{mode}"][command.name] = (
                all(command_matches(mode, command, output, key) for key in keys),
                str({key: sorted(output.get(key, "")) for key in keys})[:300],
            )
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


def test_stale_exp_strings_differ_from_the_recorded_output():
    rows = {row_id(row): row for row in suite_rows()}
    for rid in STALE_EXP:
        row = rows[rid]
        sites, _ = recorded_output(SUITE / row["dir"] / row["vcf"])
        recorded = sites[f"{row['local_pos']}:{row['ref']}:{row['alt']}"]
        assert row["expected_bcsq"] and not same_entries(recorded, row["expected_bcsq"]), rid


def test_every_known_difference_names_real_records():
    tests = {f"{row['dir']}/{row['vcf']}" for row in suite_rows()}
    rows = {row_id(row) for row in suite_rows()}
    for key in {*KNOWN_DIFFERENCES, *SITE_LEVEL_MISSES, *PER_RECORD_MISSES, *STALE_EXP}:
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


HAPLOTYPE_TESTS = sorted({key.split(":")[0] for key in HAPLOTYPE_CASES})


def joined_positions(entry: str) -> set[int]:
    """Records a BCSQ entry combines with its own: an '@POS' pointer, or 'POSREF>ALT+POSREF>ALT' changes."""
    if entry.startswith("@"):
        return {int(entry[1:])}
    fields = entry.split("|")
    return {int(re.match(r"\d+", change).group()) for change in fields[6].split("+")} if len(fields) > 6 else set()


@pytest.mark.parametrize("test", HAPLOTYPE_TESTS)
def test_unphased_hets_keep_their_own_consequence(tmp_path, test):
    """0/1 at every record: no evidence of cis, so each record keeps its per-record (-l) consequence."""
    suite_test = SUITE / test
    unphased = with_sample(suite_test, tmp_path / "unphased.vcf", UNPHASED)
    run_csq("pipeline", suite_test, tmp_path / "pipeline.bcf", vcf=unphased)
    run_csq("per-record", suite_test, tmp_path / "per-record.bcf")
    got = read_bcsq(tmp_path / "pipeline.bcf")
    assert got == read_bcsq(tmp_path / "per-record.bcf")
    assert not any(e.startswith("@") for bcsq in got.values() for e in bcsq.split(","))


@pytest.mark.parametrize("test", HAPLOTYPE_TESTS)
def test_records_in_trans_are_not_joined(tmp_path, test):
    """1|0, 0|1 alternating: a record is joined only with records on its own haplotype, never across."""
    suite_test = SUITE / test
    trans = with_sample(suite_test, tmp_path / "trans.vcf", TRANS)
    run_csq("pipeline", suite_test, tmp_path / "pipeline.bcf", vcf=trans)
    got = read_bcsq(tmp_path / "pipeline.bcf")
    side = {int(key.split(":")[0]): k % 2 for k, key in enumerate(got)}
    for key, bcsq in got.items():
        pos = int(key.split(":")[0])
        for entry in bcsq.split(","):
            assert all(side[other] == side[pos] for other in joined_positions(entry) - {pos}), (key, entry)


@pytest.mark.parametrize(
    ("compound", "single", "joint_pos"),
    [
        ("ENST00000379416/compound.ins-snp.vcf", "ENST00000379416/single.vcf", 53595),
        ("ENST00000580206/compound.ins-snv.vcf", "ENST00000580206/single.ins-snv.vcf", 35750),
        ("ENST00000580206/compound.del-snv.vcf", "ENST00000580206/single.del-snv.vcf", 35750),
    ],
)
def test_compound_in_cis_equals_its_single_record(tmp_path, compound, single, joint_pos):
    """The same haplotype written as two records phased in cis (ascii-art.txt) and as one: same protein change."""
    results = []
    for name, test in (("compound", SUITE / compound), ("single", SUITE / single)):
        cis = with_sample(test, tmp_path / f"{name}.vcf", CIS)
        run_csq("pipeline", test, tmp_path / f"{name}.bcf", vcf=cis)
        got = read_bcsq(tmp_path / f"{name}.bcf")
        entry = next(bcsq for key, bcsq in got.items() if key.startswith(f"{joint_pos}:" if name == "compound" else ""))
        results.append(sorted(tuple(e.split("|")[:6]) for e in entry.split(",")))
    assert results[0] == results[1]


@pytest.mark.parametrize(
    ("first", "second", "joined"),
    [
        ("1|0", "1|0", True),  # phased, one side, one (implicit) phase set
        ("0|1:7", "0|1:7", True),  # one FORMAT/PS phase set
        ("1/1", "1/1", True),  # homozygous: on both haplotypes
        ("1/1", "0|1", True),  # homozygous and a phased het
        ("1", "1", True),  # haploid
        ("1|0:7", "1|0:8", False),  # two phase sets: their sides are not comparable
        ("1|0", "0|1", False),  # trans
        ("0/1", "0/1", False),  # unphased
        ("1/1", "0/1", False),  # in cis for sure, but only phase is evidence (kept per record)
        ("0|0", "1|0", False),  # one carrier only
    ],
)
def test_two_snvs_in_one_codon_join_only_with_evidence_of_cis(tmp_path, first, second, joined):
    """3630T>A and 3632A>C (one codon of ENST00000423372): stop_lost 260*>260G together, each alone otherwise."""
    test = SUITE / "ENST00000423372" / "snps.vcf"
    header = [line for line in test.read_text().splitlines() if line.startswith("##")]
    header += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">']
    header += ['##FORMAT=<ID=PS,Number=1,Type=Integer,Description="Phase set">']
    header += ["#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1"]
    records = [line.split("\t") for line in test.read_text().splitlines() if not line.startswith("#")]
    pair = {int(fields[1]): fields[:8] for fields in records if int(fields[1]) in (3630, 3632)}
    body = [
        "\t".join([*pair[pos], "GT:PS", gt if ":" in gt else f"{gt}:."])
        for pos, gt in zip(pair, (first, second), strict=True)
    ]
    vcf = tmp_path / "pair.vcf"
    vcf.write_text("\n".join(header + body) + "\n")
    run_csq("pipeline", test, tmp_path / "pair.bcf", vcf=vcf)
    run_csq("per-record", test, tmp_path / "alone.bcf", vcf=vcf)
    got, alone = read_bcsq(tmp_path / "pair.bcf"), read_bcsq(tmp_path / "alone.bcf")
    joint = {  # the suite's expected strings (bcftools' suite takes the records as one haplotype)
        f"{row['local_pos']}:{row['ref']}:{row['alt']}": row["expected_bcsq"]
        for row in suite_rows()
        if row["vcf"] == "snps.vcf" and int(row["local_pos"]) in pair
    }
    assert got == (joint if joined else alone)
    assert alone != joint


def test_a_record_one_sample_carries_unphased_also_keeps_its_own_consequence(tmp_path):
    """S1 carries 3630T>A and 3632A>C in cis, S2 3630T>A alone unphased: 3630 gets both answers, 3632 the joint."""
    test = SUITE / "ENST00000423372" / "snps.vcf"
    lines = test.read_text().splitlines()
    header = [line for line in lines if line.startswith("##")]
    header += ['##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">']
    header += ["#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\tS2"]
    genotypes = {3630: "1|0\t0/1", 3632: "1|0\t0/0"}
    body = [
        "\t".join([*fields[:8], "GT", genotypes[int(fields[1])]])
        for fields in (line.split("\t") for line in lines if not line.startswith("#"))
        if int(fields[1]) in genotypes
    ]
    vcf = tmp_path / "two.vcf"
    vcf.write_text("\n".join(header + body) + "\n")
    run_csq("pipeline", test, tmp_path / "two.bcf", vcf=vcf)
    run_csq("per-record", test, tmp_path / "alone.bcf", vcf=vcf)
    got, alone = read_bcsq(tmp_path / "two.bcf"), read_bcsq(tmp_path / "alone.bcf")
    expected = {row["local_pos"]: row["expected_bcsq"] for row in suite_rows() if row["vcf"] == "snps.vcf"}
    assert same_entries(got["3630:T:A"], f"{expected['3630']},{alone['3630:T:A']}")
    assert got["3632:A:C"] == expected["3632"]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command.name)
def test_command_files_reproduce_their_recorded_output(tmp_path, command):
    """bcftools csq run exactly as the command file says prints its recorded block (entries compared as sets, as
    sort-csq sorts them): the truth the suite counts against is read right."""
    out = tmp_path / "command.bcf"
    run_csq("command", command.test, out, gff=command.test.parent / command.gff, options=command.options)
    assert sorted_fields(pysam.bcftools.query("-f", command.query, str(out))) == sorted_fields(command.expected)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda command: command.name)
def test_pipeline_reproduces_each_command_file_output(runs, command):
    """rarevar's step (sites-only tests as one sample phased in cis; per-sample tests at site level, each site the
    union of its samples' haplotypes) gives each site the recorded entries, on the fields UNSET_OPTIONS leave."""
    ok, got = runs["command:pipeline"][command.name]
    assert ok, got


def test_every_command_file_is_read():
    """Five command files: five csq calls for ENST00000379416, ten for ENST00000580206, two for the other two."""
    files = {path.relative_to(COMMAND_FILES).as_posix() for path in COMMAND_FILES.glob("*/*.cmd")}
    per_file = defaultdict(int)
    for command in COMMANDS:
        per_file[command.dir] += 1
    assert len(files) == 5 and per_file == {
        "ENST00000379416": 5,
        "ENST00000580206": 10,
        "ENST00000422159": 2,
        "ENST00000368801.2": 2,
    }
