"""The per-user cache (rarevar.base.user_cache): a resource's checksum and the phenotype model are computed once per
version of their files, and a file replaced by another, even of the same size and modification time, is read again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rarevar.base.user_cache import TIMESTAMP_SLACK
from rarevar.resources.checksums import cached_sha256
from rarevar.resources.gene_disease import sha256
from tests.conftest import REPO


def _entries(cache: Path, kind: str) -> list[Path]:
    return sorted((cache / kind).glob("*")) if (cache / kind).is_dir() else []


@pytest.fixture
def settled_files(tmp_path):
    """Two files of the same size, written long enough ago to be cached (their ctime must be settled)."""
    first, second = tmp_path / "reference.fa", tmp_path / "other.fa"
    first.write_bytes(b">chr1\n" + b"ACGT" * 5000 + b"\n")
    second.write_bytes(b">chr1\n" + b"TTGA" * 5000 + b"\n")
    time.sleep(TIMESTAMP_SLACK + 0.2)
    return first, second


def test_a_checksum_is_cached_and_a_same_size_same_time_replacement_is_read_again(tmp_path, settled_files, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("RAREVAR_CACHE_DIR", str(cache))
    reference, other = settled_files
    assert cached_sha256(reference) == sha256(reference)
    [entry] = _entries(cache, "sha256")
    assert entry.read_bytes().endswith(sha256(reference).encode())
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert cached_sha256(reference) == sha256(reference)

    # Replaced by a file of the same size, given the old file's modification time (as `cp -p` or `touch -r` do).
    old = sha256(reference)
    times = reference.stat()
    os.replace(other, reference)
    os.utime(reference, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert reference.stat().st_size == times.st_size and reference.stat().st_mtime_ns == times.st_mtime_ns
    assert cached_sha256(reference) == sha256(reference) != old
    assert len(_entries(cache, "sha256")) == 1  # one entry per file: the new value replaced the old

    # Rewritten in place (same inode, same size), its time set back again.
    times = reference.stat()
    reference.write_bytes(b">chr1\n" + b"CCCC" * 5000 + b"\n")
    os.utime(reference, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert reference.stat().st_ino == times.st_ino
    assert cached_sha256(reference) == sha256(reference)


def test_a_file_changed_just_now_is_not_cached(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    monkeypatch.setenv("RAREVAR_CACHE_DIR", str(cache))
    fresh = tmp_path / "fresh.fa"
    fresh.write_bytes(b">chr1\nACGT\n")
    assert cached_sha256(fresh) == sha256(fresh)
    assert _entries(cache, "sha256") == []  # a coarse clock could give a change in the next second the same times


def test_a_cache_folder_others_may_write_or_off_is_not_used(tmp_path, settled_files, monkeypatch):
    reference, _ = settled_files
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv("RAREVAR_CACHE_DIR", str(shared))
    assert cached_sha256(reference) == sha256(reference)
    assert _entries(shared, "sha256") == []
    monkeypatch.setenv("RAREVAR_CACHE_DIR", "off")
    assert cached_sha256(reference) == sha256(reference)
    assert not (tmp_path / "off").exists() and not (REPO / "off").exists()


SCORES = (
    "import json; from rarevar.phenotype.hpo import parse_terms; from rarevar.phenotype.likelihood import "
    "gene_log10_lrs; print(json.dumps(gene_log10_lrs(parse_terms('HP:0001639;HP:0001645;-HP:0001250', 'test')), "
    "sort_keys=True))"
)


def test_the_phenotype_model_from_the_cache_scores_as_the_one_built(tmp_path):
    cache = tmp_path / "cache"

    def scores(setting: str) -> dict:
        env = {**os.environ, "RAREVAR_CACHE_DIR": setting}
        result = subprocess.run([sys.executable, "-c", SCORES], cwd=REPO, capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr[-2000:]
        return json.loads(result.stdout)

    built = scores("off")
    assert not cache.exists()
    assert scores(str(cache)) == built  # builds and stores
    assert len(_entries(cache, "phenotype-model")) == 1
    assert scores(str(cache)) == built  # read back
    assert len(built) > 4000
