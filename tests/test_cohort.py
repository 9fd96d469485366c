"""The local cohort database: real SQLite, real htslib/bcftools, and one real Snakemake run of the demo."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pysam
import pytest

from rarevar.annotate.cohort_db import add_family, family_counts, remove_family, stats
from rarevar.base.funnel import COHORT_OR_CLINVAR
from rarevar.errors import InputError
from rarevar.inputs.pedigree import family_for
from tests.conftest import DEMO, REPO, demo_row, rarevar, write_config

CONTIGS = [line.split("\t")[:2] for line in (DEMO / "reference.fa.fai").read_text().splitlines()]
GRCH38_X = ("chrX", "156040895")


def write_vcf(path: Path, samples: list[str], records: list[tuple], contigs=CONTIGS, info_header: str = "") -> str:
    """A bgzipped, indexed VCF: records are (chrom, pos, ref, alt, [GT per sample], optional INFO)."""
    lines = ["##fileformat=VCFv4.2", *(f"##contig=<ID={c},length={n}>" for c, n in contigs),
             '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
             '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">']  # fmt: skip
    if info_header:
        lines.append(info_header)
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples]))
    order = {c: i for i, (c, _) in enumerate(contigs)}
    for chrom, pos, ref, alt, gts, *info in sorted(records, key=lambda r: (order[r[0]], r[1])):
        calls = [gt if ":" in gt else f"{gt}:99" for gt in gts]  # GT, or GT:GQ when a test sets GQ
        lines.append("\t".join([chrom, str(pos), ".", ref, alt, "50", "PASS", info[0] if info else ".", "GT:GQ",
                                *calls]))  # fmt: skip
    path.write_text("\n".join(lines) + "\n")
    return pysam.tabix_index(str(path), preset="vcf", force=True)


def write_ped(path: Path, family: str, members: list[tuple[str, str, str, int, int]]) -> str:
    path.write_text("".join(f"{family}\t{s}\t{f}\t{m}\t{sex}\t{ph}\n" for s, f, m, sex, ph in members))
    return str(path)


TRIO = [("kid", "dad", "mum", 1, 2), ("dad", "0", "0", 1, 1), ("mum", "0", "0", 2, 1)]


def trio_family(tmp: Path, name: str, records: list[tuple], contigs=CONTIGS):
    vcf = write_vcf(tmp / f"{name}.vcf", ["kid", "dad", "mum"], records, contigs)
    ped = write_ped(tmp / f"{name}.ped", name, TRIO)
    return vcf, family_for(ped, name)


def single(tmp: Path, name: str, records: list[tuple], sex: int = 2) -> tuple[str, str]:
    vcf = write_vcf(tmp / f"{name}.vcf", [f"{name}_s"], [(*r[:4], [r[4]]) for r in records])
    ped = write_ped(tmp / f"{name}.ped", name, [(f"{name}_s", "0", "0", sex, 2)])
    return vcf, ped


SHARED = ("chr1", 1000, "A", "G")


def test_same_family_twice_is_replaced_a_second_family_adds_and_remove_works(tmp_path):
    db = tmp_path / "cohort.sqlite"
    records = [(*SHARED, ["0/1", "0/1", "0/0"]), ("chr3", 50, "C", "T", ["1/1", "0/1", "0/1"])]
    vcf_a, ped_a = trio_family(tmp_path, "A", records)
    add_family(db, "A", vcf_a, ped_a, "demo")
    first = family_counts(db, "A")
    assert first[SHARED] == (2, 0, 0) and first[("chr3", 50, "C", "T")] == (4, 1, 0)
    again = add_family(db, "A", vcf_a, ped_a, "demo")
    assert again["replaced"] and family_counts(db, "A") == first
    assert stats(db) == {"families": 1, "samples": 3, "variants": 2, "build": "demo", "family_ids": ["A"]}

    vcf_b, ped_b = trio_family(tmp_path, "B", [(*SHARED, ["1/1", "0/1", "0/1"])])
    add_family(db, "B", vcf_b, ped_b, "demo")
    summary = stats(db)
    assert (summary["families"], summary["samples"], summary["variants"]) == (2, 6, 2)

    assert remove_family(db, "A") and not remove_family(db, "A")
    assert stats(db)["family_ids"] == ["B"] and family_counts(db, "A") == {}
    assert family_counts(db, "B") == {SHARED: (4, 1, 0)}


def test_low_quality_genotypes_are_not_counted(tmp_path):
    db = tmp_path / "cohort.sqlite"
    vcf, ped = trio_family(tmp_path, "A", [(*SHARED, ["0/1:5", "0/1:99", "0/0:99"])])
    add_family(db, "A", vcf, ped, "demo", min_gq=20)
    assert family_counts(db, "A") == {SHARED: (1, 0, 0)}


def test_hemizygous_males_on_x_counted_as_hemizygous_not_homozygous(tmp_path):
    db = tmp_path / "cohort.sqlite"
    contigs = [["chr1", "248956422"], list(GRCH38_X)]
    nonpar, par = ("chrX", 5_000_000, "G", "A"), ("chrX", 100_000, "C", "T")
    autosomal = ("chr1", 10, "A", "C")
    records = [(*nonpar, ["1", "1", "1/1"]), (*par, ["1/1", "0/0", "0/1"]), (*autosomal, ["1/1", "0/0", "0/1"])]
    vcf, ped = trio_family(tmp_path, "X1", records, contigs)
    add_family(db, "X1", vcf, ped, "GRCh38")
    counts = family_counts(db, "X1")
    # Two males with one X each (hemizygous, one allele each) and a homozygous mother.
    assert counts[nonpar] == (4, 1, 2)
    # The pseudo-autosomal region is inherited like an autosome: a male 1/1 there is homozygous.
    assert counts[par] == (3, 1, 0)
    assert counts[autosomal] == (3, 1, 0)


def test_same_calls_under_another_family_id_are_refused_unless_forced(tmp_path):
    db = tmp_path / "cohort.sqlite"
    vcf, ped = single(tmp_path, "P1", [(*SHARED, "0/1")])
    assert rarevar("cohort", "add", "--db", str(db), "--vcf", vcf, "--ped", ped, "--family", "P1",
                   "--build", "demo").returncode == 0  # fmt: skip
    twice = rarevar("cohort", "add", "--db", str(db), "--vcf", vcf, "--ped", ped, "--family", "P1-again",
                    "--build", "demo")  # fmt: skip
    assert twice.returncode == 2 and "same calls as family 'P1'" in twice.stderr and "--force" in twice.stderr
    assert stats(db)["families"] == 1
    forced = rarevar("cohort", "add", "--db", str(db), "--vcf", vcf, "--ped", ped, "--family", "P1-again",
                     "--build", "demo", "--force")  # fmt: skip
    assert forced.returncode == 0 and stats(db)["families"] == 2
    out = rarevar("cohort", "stats", "--db", str(db))
    assert json.loads(out.stdout)["samples"] == 2


def annotate(tmp: Path, db: Path, vcf: str, exclude: str, *limits: str) -> tuple[dict, dict, list[dict]]:
    """Run the workflow's stage; returns {site: INFO} of the annotated file and of the kept one, and the funnel."""
    out = tmp / f"kept_{exclude}_{len(list(tmp.iterdir()))}.bcf"
    annotated = out.with_name(f"annotated_{out.name}")
    funnel = out.with_suffix(".json")
    result = rarevar("cohort-annotate", "--vcf", vcf, "--db", str(db), "--exclude", exclude, *limits,
                     "--annotated", str(annotated), "--out", str(out), "--funnel", str(funnel))  # fmt: skip
    assert result.returncode == 0, result.stderr

    def sites(path):
        with pysam.VariantFile(str(path)) as handle:
            return {(r.chrom, r.pos, r.ref, r.alts[0]): dict(r.info) for r in handle}

    return sites(annotated), sites(out), json.loads(funnel.read_text())


def test_the_family_analysed_is_excluded_and_a_rerun_after_its_update_is_identical(tmp_path):
    db = tmp_path / "cohort.sqlite"
    other = ("chr3", 70, "G", "C")
    vcf_a, ped_a = single(tmp_path, "A", [(*SHARED, "0/1"), (*other, "1/1")])
    vcf_b, ped_b = single(tmp_path, "B", [(*SHARED, "1/1")])
    add_family(db, "B", vcf_b, family_for(ped_b, "B"), "demo")
    work = tmp_path / "work"
    work.mkdir()
    before, _, _ = annotate(work, db, vcf_a, "A")
    assert before[SHARED]["COHORT_FAMILIES"] == (1,) and before[SHARED]["COHORT_HOM"] == (1,)
    assert before[SHARED]["COHORT_AC"] == (2,) and before[SHARED]["COHORT_N_FAMILIES"] == 1
    assert "COHORT_FAMILIES" not in before[other]  # only A carries it, and A is excluded

    add_family(db, "A", vcf_a, family_for(ped_a, "A"), "demo")  # the workflow's update step
    after, _, _ = annotate(work, db, vcf_a, "A")
    assert after == before
    # Not excluded, A now counts itself.
    included, _, _ = annotate(work, db, vcf_a, "none")
    assert included[SHARED]["COHORT_FAMILIES"] == (2,) and included[other]["COHORT_FAMILIES"] == (1,)


CLINVAR_HEADER = '##INFO=<ID=CLINVAR_SIG,Number=.,Type=String,Description="ClinVar significance">'


def test_filter_drops_a_recurrent_variant_and_keeps_a_clinvar_pathogenic_one(tmp_path):
    db = tmp_path / "cohort.sqlite"
    artefact, known, private = ("chr1", 2000, "C", "A"), ("chr3", 300, "T", "G"), ("chr5", 40, "A", "T")
    for i, name in enumerate(("F1", "F2", "F3")):
        carried = [artefact, known, ("chr17", 100 + i, "A", "C")] + ([private] if name == "F1" else [])
        vcf, ped = single(tmp_path, name, [(*site, "0/1") for site in carried])
        add_family(db, name, vcf, family_for(ped, name), "demo")
    rare = write_vcf(tmp_path / "rare.vcf", ["kid"], [
        (*artefact, ["0/1"], "CLINVAR_SIG=Uncertain_significance"),
        (*known, ["0/1"], "CLINVAR_SIG=Pathogenic"),
        (*private, ["0/1"]),
        ("chr11", 500, "G", "A", ["0/1"]),
    ], info_header=CLINVAR_HEADER)  # fmt: skip
    annotated, kept, funnel = annotate(tmp_path, db, rare, "KID", "--max-families", "2")
    assert annotated[artefact]["COHORT_FAMILIES"] == (3,)
    assert set(kept) == {known, private, ("chr11", 500, "G", "A")}
    assert funnel == [{"step": "local cohort: seen in at most 2 of 3 other families (ClinVar pathogenic kept)",
                       "variants": 3,
                       "message": {"id": COHORT_OR_CLINVAR, "fields": {"allowed": 2, "n": 3}}}]  # fmt: skip
    # As a fraction of the database: 1 of 3 families is above 0.2, so the private allele goes too.
    _, kept, _ = annotate(tmp_path, db, rare, "KID", "--max-frequency", "0.2")
    assert set(kept) == {known, ("chr11", 500, "G", "A")}


def counts_snapshot(db: Path) -> tuple:
    with sqlite3.connect(db) as conn:
        return (conn.execute("SELECT * FROM families ORDER BY family_id").fetchall(),
                conn.execute("SELECT * FROM observations ORDER BY 1, 2, 3, 4, 5").fetchall())  # fmt: skip


def test_a_failed_ingest_leaves_the_database_as_it_was(tmp_path):
    db = tmp_path / "cohort.sqlite"
    vcf, ped = trio_family(tmp_path, "A", [(*SHARED, ["0/1", "0/1", "0/0"])])
    add_family(db, "A", vcf, ped, "demo")
    before = counts_snapshot(db)
    many = [("chr1", pos, "A", "G", ["0/1", "0/0", "0/1"]) for pos in range(1, 40_001)]
    big = Path(write_vcf(tmp_path / "big.vcf", ["kid", "dad", "mum"], many))
    broken = tmp_path / "broken.vcf.gz"
    broken.write_bytes(big.read_bytes()[: big.stat().st_size // 2])  # cut mid-file, as a failed copy would
    with pytest.raises(InputError, match="could not be read to the end"):
        add_family(db, "A", str(broken), ped, "demo")
    assert counts_snapshot(db) == before


def test_a_killed_ingest_leaves_the_database_as_it_was(tmp_path):
    db = tmp_path / "cohort.sqlite"
    vcf, ped_a = trio_family(tmp_path, "A", [(*SHARED, ["0/1", "0/1", "0/0"])])
    add_family(db, "A", vcf, ped_a, "demo")
    before = counts_snapshot(db)
    many = [(c, pos, "A", "G", ["0/1", "0/0", "0/1"]) for c, n in CONTIGS for pos in range(1, min(int(n), 25_000))]
    big = write_vcf(tmp_path / "big.vcf", ["kid", "dad", "mum"], many)
    ped = tmp_path / "A.ped"
    command = [sys.executable, "-m", "rarevar", "cohort", "add", "--db", str(db), "--vcf", big, "--ped", str(ped),
               "--family", "A", "--build", "demo"]  # fmt: skip
    process = subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE)
    journal = Path(f"{db}-journal")
    deadline = time.monotonic() + 60
    while not journal.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.0005)
    assert process.poll() is None, "the ingest finished before it could be killed mid-transaction"
    os.kill(process.pid, signal.SIGKILL)  # mid-transaction: the replacement is half written
    process.wait()
    assert counts_snapshot(db) == before  # SQLite rolls the hot journal back on the next open
    assert stats(db)["families"] == 1 and len(family_counts(db, "A")) == 1


def test_workflow_filters_recurrent_decoy_reports_cohort_and_adds_the_family(tmp_path, truth):
    decoy = next(d for d in truth["decoys"] if d["kind"] == "unrelated_gene")
    partner = truth["background"][0]
    db = tmp_path / "cohort.sqlite"
    for name, records in (("OTHER1", [decoy, partner]), ("OTHER2", [decoy])):
        vcf, ped = single(tmp_path, name, [(r["chrom"], r["pos"], r["ref"], r["alt"], "0/1") for r in records])
        add_family(db, name, vcf, family_for(ped, name), "demo")
    config = write_config(tmp_path, [demo_row()], cohort={"db": str(db), "max_families": 1, "update": True})
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    folder = tmp_path / "results" / truth["family"]
    payload = json.loads((folder / "candidates.json").read_text())

    steps = [s["step"] for s in payload["funnel"]]
    step = "local cohort: seen in at most 1 of 2 other families (ClinVar pathogenic kept)"
    cohort = payload["funnel"][steps.index(step)]
    assert steps.index(step) == steps.index(next(s for s in steps if s.startswith("population AF"))) + 1
    assert cohort["variants"] == payload["funnel"][steps.index(step) - 1]["variants"] - 1  # the decoy, only
    candidates = {(c["chrom"], c["pos"], c["ref"], c["alt"]): c for c in payload["candidates"]}
    assert (decoy["chrom"], decoy["pos"], decoy["ref"], decoy["alt"]) not in candidates
    top = payload["candidates"][0]
    assert (top["gene"], top["cohort_families"], top["cohort_n_families"]) == (truth["gene"], 0, 2)
    assert payload["cohort"]["used"] and payload["cohort"]["n_families"] == 2
    assert payload["settings"]["local_cohort"]["allowed"] == 1
    seen = candidates[(partner["chrom"], partner["pos"], partner["ref"], partner["alt"])]
    assert (seen["cohort_families"], seen["cohort_homozygotes"]) == (1, 0)

    report = (folder / "report.html").read_text()
    assert "seen in 0 of 2 families (0 homozygous)" in report
    assert "seen in 1 of 2 families (0 homozygous)" in report
    tsv_header = (folder / "candidates.tsv").read_text().splitlines()[0].split("\t")
    assert "cohort_families" in tsv_header

    # update: true added the demo family once its results were written.
    after = stats(db)
    assert after["family_ids"] == ["DEMO1", "OTHER1", "OTHER2"]
    assert family_counts(db, "DEMO1")[(truth["chrom"], truth["pos"], truth["ref"], truth["alt"])][0] == 1


def test_without_a_cohort_the_report_says_it_was_not_used(demo_run, truth):
    folder = demo_run / truth["family"]
    payload = json.loads((folder / "candidates.json").read_text())
    assert payload["cohort"] == {"used": False} and payload["settings"]["local_cohort"] == "not used"
    assert not any(s["step"].startswith("local cohort") for s in payload["funnel"])
    assert any("No local cohort database was used" in note for note in payload["not_assessed"])
    assert "local cohort not used" in (folder / "report.html").read_text()


def test_families_of_one_run_updating_at_once_all_land(tmp_path):
    db = tmp_path / "cohort.sqlite"
    names = [f"C{i}" for i in range(4)]
    commands = []
    for i, name in enumerate(names):
        vcf, ped = single(tmp_path, name, [(*SHARED, "0/1"), ("chr22", 10 + i, "G", "A", "1/1")])
        commands.append([sys.executable, "-m", "rarevar", "cohort", "add", "--db", str(db), "--vcf", vcf,
                         "--ped", ped, "--family", name, "--build", "demo"])  # fmt: skip
    processes = [subprocess.Popen(c, cwd=REPO, stderr=subprocess.PIPE, text=True) for c in commands]
    for process in processes:
        assert process.wait() == 0, process.stderr.read()
    assert stats(db)["family_ids"] == names
    _, kept, _ = annotate(tmp_path, db, single(tmp_path, "NEW", [(*SHARED, "0/1")])[0], "NEW")
    assert kept[SHARED]["COHORT_FAMILIES"] == (4,) and kept[SHARED]["COHORT_AC"] == (4,)


def test_a_missing_cohort_database_stops_the_run_before_any_job(tmp_path):
    config = write_config(tmp_path, [demo_row()], cohort={"db": str(tmp_path / "nowhere.sqlite")})
    result = rarevar("validate", "--config", str(config))
    assert result.returncode == 2
    assert "nowhere.sqlite: the cohort database (cohort.db) does not exist" in result.stderr
    assert "cohort.update: true" in result.stderr
