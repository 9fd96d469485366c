"""The local population-frequency store and its annotation, per allele, on real and gnomAD-shaped files."""

from __future__ import annotations

import hashlib
import json

import pysam
import pytest

from rarevar.annotate.frequency import annotate_and_filter
from rarevar.errors import InputError
from rarevar.resources.check import check_against_manifest
from rarevar.resources.frequency_store import build_frequency_store
from tests.conftest import DEMO


@pytest.fixture(scope="module")
def exac_store(tmp_path_factory, shared):
    out = tmp_path_factory.mktemp("store") / "exac.bcf"
    summary = build_frequency_store(str(shared / "vcfanno" / "exac.vcf.gz"), str(out))
    return out, summary


def test_exac_population_frequencies_are_derived_from_counts(exac_store, shared):
    out, summary = exac_store
    source = {(r.chrom, r.pos, r.ref, r.alts[0]): r for r in pysam.VariantFile(str(shared / "vcfanno" / "exac.vcf.gz"))}
    checked = 0
    for record in pysam.VariantFile(str(out)):
        original = source[(record.chrom, record.pos, record.ref, record.alts[0])]
        if len(original.info["AC"]) != 1:
            continue
        assert record.info["nhomalt"][0] == original.info["AC_Hom"][0]
        if original.info["AN_EAS"]:
            assert record.info["AF_eas"][0] == pytest.approx(
                original.info["AC_EAS"][0] / original.info["AN_EAS"], rel=1e-5
            )
        # A group with no called alleles (AN 0) has no frequency and does not count toward the group-max.
        groups = [record.info[f"AF_{p}"][0] for p in ("afr", "amr", "eas", "nfe", "sas") if f"AF_{p}" in record.info]
        if groups:
            assert record.info["AF_grpmax"][0] == pytest.approx(max(groups), rel=1e-5)
        else:
            assert "AF_grpmax" not in record.info
        checked += 1
    assert checked == 137


def test_the_built_store_is_recorded_in_its_folders_manifest_and_a_changed_store_is_refused(exac_store):
    out, _ = exac_store
    entry = next(e for e in json.loads((out.parent / "manifest.json").read_text())["files"] if e["name"] == out.name)
    assert entry["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest() and entry["size"] == out.stat().st_size
    assert entry["built_from"] == "exac.vcf.gz"
    check_against_manifest(out)  # as built: accepted
    changed = out.parent / "changed" / out.name
    changed.parent.mkdir()
    changed.write_bytes(out.read_bytes() + b"\0")
    (changed.parent / "manifest.json").write_text((out.parent / "manifest.json").read_text())
    with pytest.raises(InputError, match="has changed since its checksum was recorded"):
        check_against_manifest(changed)


def test_inconsistent_per_allele_values_are_left_out_and_counted(exac_store):
    out, summary = exac_store
    # The published subset split alleles but kept both values (AC=2,1 on one ALT): never guessed.
    assert summary["inconsistent_records"] == 11
    assert summary["inconsistent_examples"][0] == "1:13404 G>A"
    first = next(pysam.VariantFile(str(out)).fetch("1", 13403, 13404))
    assert "AF" not in first.info and first.info["AN"] == 18548


def _demo_base(chrom: str, pos: int) -> str:
    with pysam.FastaFile(str(DEMO / "reference.fa")) as fasta:
        return fasta.fetch(chrom, pos - 1, pos).upper()


def test_gnomad_v4_multiallelic_site_is_matched_per_allele(tmp_path):
    chrom, pos = "chr22", 5000
    ref = _demo_base(chrom, pos)
    alts = [b for b in "ACGT" if b != ref][:2]
    header = pysam.VariantHeader()
    header.contigs.add(chrom, length=9783)
    for line in (
        '##INFO=<ID=AC,Number=A,Type=Integer,Description="AC">',
        '##INFO=<ID=AN,Number=1,Type=Integer,Description="AN">',
        '##INFO=<ID=AF,Number=A,Type=Float,Description="AF">',
        '##INFO=<ID=nhomalt,Number=A,Type=Integer,Description="hom">',
        '##INFO=<ID=AF_grpmax,Number=A,Type=Float,Description="grpmax">',
        '##INFO=<ID=AF_eas,Number=A,Type=Float,Description="eas">',
    ):
        header.add_line(line)
    gnomad = tmp_path / "gnomad.vcf.gz"
    with pysam.VariantFile(str(gnomad), "wz", header=header) as out:
        record = out.new_record(contig=chrom, start=pos - 1, alleles=(ref, *alts))
        record.info.update({"AC": (300, 2), "AN": 1000, "AF": (0.3, 0.002), "nhomalt": (40, 0),
                            "AF_grpmax": (0.35, 0.004), "AF_eas": (0.2, 0.004)})  # fmt: skip
        out.write(record)
    store = tmp_path / "store.bcf"
    summary = build_frequency_store(str(gnomad), str(store), str(DEMO / "reference.fa"))
    assert summary["records_out"] == 2 and summary["left_aligned"]

    # A sample carrying the rare allele, the common allele, and an allele nobody has seen.
    sample_header = header.copy()
    sample_header.add_line('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
    sample_header.add_sample("kid")
    sample = tmp_path / "sample.vcf.gz"
    unseen = next(b for b in "ACGT" if b not in (ref, *alts))
    with pysam.VariantFile(str(sample), "wz", header=sample_header) as out:
        for alt in (*alts, unseen):
            record = out.new_record(contig=chrom, start=pos - 1, alleles=(ref, alt))
            record.samples["kid"]["GT"] = (0, 1)
            out.write(record)
    pysam.tabix_index(str(sample), preset="vcf", force=True)
    annotated, rare = tmp_path / "annotated.bcf", tmp_path / "rare.bcf"
    annotate_and_filter(str(sample), str(store), 0.01, str(annotated), str(rare), str(tmp_path / "funnel.json"))
    af = {r.alts[0]: r.info.get("POP_AF") for r in pysam.VariantFile(str(annotated))}
    assert af[alts[0]][0] == pytest.approx(0.3) and af[alts[1]][0] == pytest.approx(0.002)
    assert af[unseen] is None  # never observed: recorded as such, not an error
    kept = {r.alts[0] for r in pysam.VariantFile(str(rare))}
    assert kept == {alts[1], unseen}  # the common allele is filtered, the rare and the unseen are kept
