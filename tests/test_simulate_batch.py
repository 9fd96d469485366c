"""`rarevar simulate --families N`: a batch of trios, duos and singletons on the demo's genome, each family with its
own VCF, PED, HPO terms and planted cause; seeded and deterministic. (The batch's run through the workflow on the
local and SLURM profiles is tests/cluster/test_batch.py.)"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pysam
import pytest
from conftest import rarevar

from rarevar.inputs.pedigree import read_ped

N = 6  # two of each layout; the four causes: TNNT2, XPC, PEX26 (two families), TLR8 (none at 6)


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("batch")
    result = rarevar("simulate", "--families", str(N), "--out", str(out), "--seed", "5")
    assert result.returncode == 0, result.stderr
    return out


def sheet(folder: Path) -> list[dict]:
    with open(folder / "families.tsv", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def test_sheet_lists_every_family_with_its_own_files(batch):
    rows = sheet(batch)
    assert [row["family_id"] for row in rows] == [f"FAM{i:03d}" for i in range(1, N + 1)]
    truth = {family["family"]: family for family in json.loads((batch / "truth.json").read_text())["families"]}
    assert [truth[row["family_id"]]["layout"] for row in rows] == ["trio", "duo", "singleton"] * 2
    for row in rows:
        family = truth[row["family_id"]]
        assert row["hpo"].split(";") == family["hpo"] and len(family["hpo"]) == 4
        with pysam.VariantFile(row["vcf"]) as vcf:
            samples = list(vcf.header.samples)
            assert vcf.index is not None  # tabix-indexed
        assert samples == family["samples"]
        pedigree = read_ped(row["ped"])[row["family_id"]]
        proband = pedigree[family["proband"]]
        assert pedigree.proband() == proband and sorted(pedigree.samples) == sorted(samples)
        parents = {proband.father, proband.mother} - {None}
        assert len(parents) == {"trio": 2, "duo": 1, "singleton": 0}[family["layout"]]
        assert proband.sex == family["proband_sex"]


def test_planted_variants_are_called_as_the_mode_says(batch):
    for family in json.loads((batch / "truth.json").read_text())["families"]:
        vcf = next(row["vcf"] for row in sheet(batch) if row["family_id"] == family["family"])
        with pysam.VariantFile(vcf) as handle:
            for planted in family["planted"]:
                records = [r for r in handle.fetch(planted["chrom"], planted["pos"] - 1, planted["pos"])
                           if r.pos == planted["pos"] and r.alts == (planted["alt"],)]  # fmt: skip
                assert len(records) == 1, f"{family['family']}: planted {planted} not in its VCF"
                called = {s: "/".join(map(str, records[0].samples[s]["GT"])) for s in records[0].samples}
                assert called == planted["genotypes"]
                assert records[0].samples[family["proband"]]["GQ"] >= 20
        expected = {"TNNT2": "dominant", "XPC": "recessive_homozygous", "PEX26": "compound_heterozygous"}
        assert family["mode"] == expected[family["gene"]]


def test_same_seed_same_files_and_a_family_does_not_depend_on_the_batch_size(batch, tmp_path):
    small = tmp_path / "small"
    result = rarevar("simulate", "--families", "3", "--out", str(small), "--seed", "5")
    assert result.returncode == 0, result.stderr
    for family in ("FAM001", "FAM002", "FAM003"):
        for name in (f"families/{family}/{family}.vcf.gz", f"families/{family}/{family}.ped"):
            assert (small / name).read_bytes() == (batch / name).read_bytes()
    other = tmp_path / "other_seed"
    assert rarevar("simulate", "--families", "1", "--out", str(other), "--seed", "6").returncode == 0
    vcf = "families/FAM001/FAM001.vcf.gz"
    assert (other / vcf).read_bytes() != (batch / vcf).read_bytes()


def test_written_config_passes_validation(batch):
    result = rarevar("validate", "--config", str(batch / "config.yaml"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_families_needs_an_output_folder():
    result = rarevar("simulate", "--families", "2")
    assert result.returncode != 0 and "--families needs --out" in result.stderr
