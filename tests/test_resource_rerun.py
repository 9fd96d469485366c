"""A resource replaced between runs is picked up, even when the new file carries an older modification time than the
results (Snakemake's file-time check alone said "Nothing to be done"): each rule reading a resource has the
resource's content signature as a param, and a changed param re-runs the rule and everything after it."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pysam
import yaml

from rarevar.inputs.config import resource_signature
from tests.conftest import DEMO, demo_row, rarevar, write_config

OLD = 978_307_200  # 2001-01-01: older than any result


def _common_planted(source: Path, out: Path, truth: dict) -> None:
    """The demo's population store with the planted variant added as a common allele (AF 0.2)."""
    with pysam.VariantFile(str(source)) as store, pysam.VariantFile(str(out), "wz", header=store.header) as sink:
        added = False
        for record in store:
            if not added and record.chrom == truth["chrom"] and record.pos >= truth["pos"]:
                alleles = (truth["ref"], truth["alt"])
                new = sink.new_record(contig=truth["chrom"], start=truth["pos"] - 1, alleles=alleles)
                new.info["AF"] = 0.2
                sink.write(new)
                added = True
            sink.write(record)
    assert added
    pysam.tabix_index(str(out), preset="vcf", force=True)


def _candidates(results: Path) -> list[tuple]:
    payload = json.loads((results / "DEMO1" / "candidates.json").read_text())
    return [(c["chrom"], c["pos"]) for c in payload["candidates"]]


def test_a_replaced_population_store_with_an_older_time_reruns_frequency_and_after(tmp_path, truth):
    resources = tmp_path / "resources"
    shutil.copytree(DEMO, resources)
    (resources / "manifest.json").unlink()  # a folder without checksums: the signature is size, times, inode
    config = write_config(tmp_path, [demo_row()])
    settings = yaml.safe_load(config.read_text())
    settings["resources"]["dir"] = str(resources)
    settings["stages"] = {"report": False}
    config.write_text(yaml.safe_dump(settings))
    results = tmp_path / "results"

    first = rarevar("run", "--config", str(config), "--cores", "2", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert _candidates(results)[0] == (truth["chrom"], truth["pos"])
    frequency_log = results / "logs" / "frequency" / "DEMO1.log"
    ran_at = frequency_log.stat().st_mtime_ns

    # The new store (the planted variant now common) replaces the old one, dated before the first run.
    store = resources / "population.vcf.gz"
    new = tmp_path / "new.vcf.gz"
    _common_planted(store, new, truth)
    os.replace(new, store)
    os.replace(f"{new}.tbi", f"{store}.tbi")
    for path in (store, Path(f"{store}.tbi")):
        os.utime(path, (OLD, OLD))

    second = rarevar("run", "--config", str(config), "--cores", "2", cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert "Nothing to be done" not in second.stdout + second.stderr
    assert frequency_log.stat().st_mtime_ns > ran_at
    assert (truth["chrom"], truth["pos"]) not in _candidates(results)  # filtered as common by the new store
    funnel = json.loads((results / "DEMO1" / "candidates.json").read_text())["funnel"]
    rare = next(step["variants"] for step in funnel if step["step"].startswith("population AF"))
    assert rare == 395  # one fewer rare variant than the demo's 396

    third = rarevar("run", "--config", str(config), "--cores", "2", cwd=tmp_path)
    assert third.returncode == 0 and "Nothing to be done" in third.stdout + third.stderr  # nothing changed since


def test_the_signature_is_the_manifest_checksum_where_it_is_verified_else_the_file_identity(tmp_path):
    resources = tmp_path / "resources"
    shutil.copytree(DEMO, resources)
    store = resources / "population.vcf.gz"
    manifest = json.loads((resources / "manifest.json").read_text())
    entry = next(e for e in manifest["files"] if e["name"] == store.name)
    assert resource_signature(store, manifest_checked=True) == f"sha256:{entry['sha256']}"
    shutil.copy2(store, tmp_path / "copy.vcf.gz")  # a copy (same bytes and mtime) stays the same checksum
    os.replace(tmp_path / "copy.vcf.gz", store)
    assert resource_signature(store, manifest_checked=True) == f"sha256:{entry['sha256']}"
    before = resource_signature(store)
    stat = store.stat()
    shutil.copy2(store, tmp_path / "copy.vcf.gz")
    os.replace(tmp_path / "copy.vcf.gz", store)
    os.utime(store, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and time, another file
    assert resource_signature(store) != before


def test_a_family_vcf_replaced_by_an_older_file_reruns_the_family(tmp_path, truth):
    """The same for the family's own VCF: a re-export without the planted call, dated before the first run."""
    vcf = tmp_path / "trio.vcf.gz"
    shutil.copy(DEMO / "trio.vcf.gz", vcf)
    config = write_config(tmp_path, [demo_row(vcf=str(vcf))])
    first = rarevar("run", "--config", str(config), "--cores", "2", cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    assert _candidates(tmp_path / "results")[0] == (truth["chrom"], truth["pos"])

    new = tmp_path / "new.vcf.gz"
    with pysam.VariantFile(str(vcf)) as source, pysam.VariantFile(str(new), "wz", header=source.header) as sink:
        for record in source:
            if (record.chrom, record.pos) != (truth["chrom"], truth["pos"]):
                sink.write(record)
    os.replace(new, vcf)
    os.utime(vcf, (OLD, OLD))

    second = rarevar("run", "--config", str(config), "--cores", "2", cwd=tmp_path)
    assert second.returncode == 0, second.stderr[-3000:]
    assert (truth["chrom"], truth["pos"]) not in _candidates(tmp_path / "results")
