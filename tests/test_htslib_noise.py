"""htslib's "Could not retrieve index file" is not written for a VCF that is read from start to end (the input VCF in
every job's Snakefile read, `rarevar resources build-frequency`), while its real messages still are."""

from __future__ import annotations

import os
import shutil
import time

import pysam
import pytest

from rarevar.base.bcftools import read_in_order, vcf_samples
from tests.conftest import DEMO, rarevar

NOISE = "Could not retrieve index"


def test_an_unindexed_vcf_is_opened_quietly(tmp_path, capfd):
    vcf = tmp_path / "trio.vcf.gz"
    shutil.copy(DEMO / "trio.vcf.gz", vcf)
    assert vcf_samples(str(vcf)) == list(pysam.VariantFile(str(DEMO / "trio.vcf.gz")).header.samples)
    with read_in_order(str(vcf)) as handle:
        assert sum(1 for _ in handle) > 100
    assert NOISE not in capfd.readouterr().err
    with pytest.raises(FileNotFoundError):
        read_in_order(str(tmp_path / "missing.vcf.gz"))


def test_an_index_older_than_its_data_is_still_reported(tmp_path, capfd):
    vcf = tmp_path / "trio.vcf.gz"
    shutil.copy(DEMO / "trio.vcf.gz", vcf)
    shutil.copy(DEMO / "trio.vcf.gz.tbi", f"{vcf}.tbi")
    old = time.time() - 3600
    os.utime(f"{vcf}.tbi", (old, old))
    with read_in_order(str(vcf)):
        pass
    assert "older than the data file" in capfd.readouterr().err


def test_build_frequency_from_an_unindexed_vcf_says_nothing_about_an_index(tmp_path):
    source = tmp_path / "population.vcf.gz"
    shutil.copy(DEMO / "population.vcf.gz", source)
    result = rarevar("resources", "build-frequency", "--vcf", str(source), "--out", str(tmp_path / "store.bcf"))
    assert result.returncode == 0, result.stderr[-2000:]
    assert NOISE not in result.stderr + result.stdout
    assert (tmp_path / "store.bcf.csi").exists()
