"""Resource download against a real HTTP server on 127.0.0.1: resume, retries, checksums, manifest, verify, CLI."""

from __future__ import annotations

import hashlib
import json
import random
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import yaml

from rarevar.resources import download as dl
from rarevar.resources.catalogue import CATALOGUE, GNOMAD_AWS
from rarevar.run import resources_cli

REPO = Path(__file__).resolve().parents[1]
FAST = {"backoff": 0.001, "timeout": 5}  # tiny back-off and bounded waits keep the suite quick
LAST_MODIFIED = "Wed, 01 Jan 2025 00:00:00 GMT"


class FileServer(ThreadingHTTPServer):
    """Serves files under `root`; can answer 503 to the next requests, or cut the next body short."""

    daemon_threads = True

    def __init__(self, root: Path):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.root = root
        self.lock = threading.Lock()
        self.seen: list[dict] = []
        self.fail_next = 0  # answer this many requests with 503
        self.cut_next: int | None = None  # send only this many body bytes of the next transfer, then close
        self.ignore_range = False

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def orders(self, path: str, headers) -> tuple[bool, int | None]:
        with self.lock:
            self.seen.append({"path": path, "range": headers.get("Range")})
            if self.fail_next:
                self.fail_next -= 1
                return True, None
            cut, self.cut_next = self.cut_next, None
            return False, cut


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        fail, cut = self.server.orders(self.path, self.headers)
        if fail:
            return self._reply(503, b"busy")
        path = self.server.root / self.path.lstrip("/")
        if not path.is_file():
            return self._reply(404, b"not found")
        data = path.read_bytes()
        match = re.fullmatch(r"bytes=(\d+)-", self.headers.get("Range", ""))
        if match and not self.server.ignore_range:
            start = int(match.group(1))
            if start >= len(data):
                return self._reply(416, b"", {"Content-Range": f"bytes */{len(data)}"})
            return self._reply(206, data[start:], {"Content-Range": f"bytes {start}-{len(data) - 1}/{len(data)}"}, cut)
        self._reply(200, data, {}, cut)

    def _reply(self, status: int, body: bytes, headers: dict | None = None, cut: int | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))  # announced in full even when the body is cut
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()
        self.wfile.write(body if cut is None else body[:cut])
        self.wfile.flush()
        if cut is not None:
            self.close_connection = True


@pytest.fixture
def server(tmp_path):
    root = tmp_path / "served"
    root.mkdir()
    srv = FileServer(root)
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


@pytest.fixture
def no_network(monkeypatch):
    """Any HTTP request through requests fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("network access where none is allowed")

    monkeypatch.setattr(requests.Session, "request", refuse)


def serve(server: FileServer, name: str, size: int, seed: int = 1) -> bytes:
    data = random.Random(seed).randbytes(size)
    (server.root / name).write_bytes(data)
    return data


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_of(directory: Path) -> dict:
    return {entry["name"]: entry for entry in json.loads((directory / "manifest.json").read_text())["files"]}


def test_plain_download_writes_bytes_and_merges_manifest(server, tmp_path):
    data = serve(server, "genes.gff3.gz", 50_000)
    out = tmp_path / "res"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"files": [{"name": "old.txt", "sha256": "ab"}], "why": "kept"}))
    entry = dl.download(f"{server.url}/genes.gff3.gz", out / "genes.gff3.gz", **FAST)
    assert (out / "genes.gff3.gz").read_bytes() == data
    assert entry["sha256"] == digest(data) and entry["size"] == len(data)
    assert entry["version"] == LAST_MODIFIED  # no version given: the server's date
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["downloaded"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["why"] == "kept"
    assert [e["name"] for e in manifest["files"]] == ["old.txt", "genes.gff3.gz"]
    assert {"name", "url", "version", "downloaded", "sha256", "size"} <= set(manifest["files"][1])
    assert not list(out.glob(".*"))  # no part or meta file left behind
    dl.download(f"{server.url}/genes.gff3.gz", out / "genes.gff3.gz", version="v2", **FAST)
    assert manifest_of(out)["genes.gff3.gz"]["version"] == "v2"
    assert len(json.loads((out / "manifest.json").read_text())["files"]) == 2  # replaced, not appended


def test_truncated_transfer_is_resumed_with_a_range_request(server, tmp_path):
    data = serve(server, "big.vcf.bgz", 200_000)
    server.cut_next = 70_000
    dest = tmp_path / "big.vcf.bgz"
    entry = dl.download(f"{server.url}/big.vcf.bgz", dest, expected_sha256=digest(data), chunk=4096, **FAST)
    assert dest.read_bytes() == data and entry["sha256"] == digest(data)
    assert [request["range"] for request in server.seen][0] is None
    resumed = re.fullmatch(r"bytes=(\d+)-", server.seen[1]["range"] or "")
    assert resumed and 0 < int(resumed.group(1)) <= 70_000, server.seen
    assert len(server.seen) == 2


def test_server_errors_are_retried_then_succeed(server, tmp_path):
    data = serve(server, "clinvar.vcf.gz", 10_000)
    server.fail_next = 3
    dl.download(f"{server.url}/clinvar.vcf.gz", tmp_path / "clinvar.vcf.gz", retries=5, **FAST)
    assert (tmp_path / "clinvar.vcf.gz").read_bytes() == data
    assert len(server.seen) == 4


def test_persistent_server_errors_give_up_with_the_reason(server, tmp_path):
    serve(server, "x.bin", 100)
    server.fail_next = 100
    with pytest.raises(dl.DownloadError, match=r"gave up after 2 retries: HTTP 503"):
        dl.download(f"{server.url}/x.bin", tmp_path / "x.bin", retries=2, **FAST)
    assert len(server.seen) == 3


def test_missing_file_is_not_retried(server, tmp_path):
    with pytest.raises(dl.DownloadError, match=r"nothing\.bin: HTTP 404"):
        dl.download(f"{server.url}/nothing.bin", tmp_path / "nothing.bin", **FAST)
    assert len(server.seen) == 1


def test_checksum_mismatch_raises_and_leaves_nothing(server, tmp_path):
    data = serve(server, "ref.fa.gz", 30_000)
    url = f"{server.url}/ref.fa.gz"
    with pytest.raises(dl.DownloadError) as error:
        dl.download(url, tmp_path / "ref.fa.gz", expected_sha256="0" * 64, **FAST)
    message = str(error.value)
    assert url in message and "expected sha256 " + "0" * 64 in message and f"got {digest(data)}" in message
    assert list(tmp_path.iterdir()) == [server.root]  # no dest, no part file, no manifest


def test_stale_part_is_replaced_when_the_server_ignores_ranges(server, tmp_path):
    data = serve(server, "c.tsv", 5_000)
    url = f"{server.url}/c.tsv"
    dest = tmp_path / "c.tsv"
    dl.part_path(dest).write_bytes(b"garbage from an earlier attempt")
    dl._meta_path(dl.part_path(dest)).write_text(json.dumps({"url": url, "validator": None}))
    server.ignore_range = True
    dl.download(url, dest, expected_sha256=digest(data), **FAST)
    assert server.seen[0]["range"] == "bytes=31-"  # asked to resume, got the whole file (200), started over
    assert dest.read_bytes() == data


def test_complete_part_file_is_finished_without_refetching(server, tmp_path):
    data = serve(server, "d.bin", 4_000)
    url = f"{server.url}/d.bin"
    dest = tmp_path / "d.bin"
    dl.part_path(dest).write_bytes(data)  # e.g. interrupted between the last byte and the rename
    dl._meta_path(dl.part_path(dest)).write_text(json.dumps({"url": url, "validator": None}))
    dl.download(url, dest, expected_sha256=digest(data), **FAST)
    assert server.seen == [{"path": "/d.bin", "range": "bytes=4000-"}]  # answered 416 */4000: nothing to fetch
    assert dest.read_bytes() == data


def test_verify_reports_changed_and_missing_files(server, tmp_path, no_network):
    out = tmp_path / "res"
    out.mkdir()
    for name, payload in (("a.vcf.gz", b"alpha" * 100), ("b.fa", b"ACGT" * 100)):
        (out / name).write_bytes(payload)
        dl.update_manifest(out, {"name": name, "sha256": digest(payload), "size": len(payload)})
    assert dl.verify(out) == []
    (out / "a.vcf.gz").write_bytes(b"alphA" + b"alpha" * 99)  # same size, different bytes
    (out / "b.fa").unlink()
    dl.part_path(out / "c.tsv").write_bytes(b"half")
    problems = dl.verify(out)
    assert len(problems) == 3
    assert "a.vcf.gz: changed (sha256 " in problems[0]
    assert problems[1].endswith("b.fa: missing")
    assert "c.tsv: interrupted download" in problems[2]


def test_shipped_manifests_verify(no_network):
    for folder in ("demo", "hpo"):
        assert dl.verify(REPO / "resources" / folder) == []


def test_list_resources_reports_presence_and_checksums(tmp_path, no_network, capsys):
    out = tmp_path / "res"
    out.mkdir()
    for name, payload in (("ref.fa", b">1\nACGT\n"), ("ref.fa.fai", b"1\t4\t3\t4\t5\n"), ("genes.gff3.gz", b"g")):
        (out / name).write_bytes(payload)
    dl.update_manifest(out, {"name": "ref.fa", "sha256": digest(b">1\nACGT\n"), "size": 8})
    dl.update_manifest(out, {"name": "ref.fa.fai", "sha256": "0" * 64})
    config = {"resources": {"dir": str(out), "reference": "ref.fa", "genes": "genes.gff3.gz", "population": "p.bcf"}}
    rows = {row["file"]: row for row in dl.list_resources(config)}
    assert rows["ref.fa"]["checksum"] == "in manifest (not rechecked)" and rows["ref.fa"]["size"] == 8
    assert rows["genes.gff3.gz"]["checksum"] == "not in manifest"
    assert rows["p.bcf"]["checksum"] == "missing" and rows["p.bcf.csi"]["resource"] == "population index"
    assert "clinvar" not in {row["resource"] for row in rows.values()}  # optional and not configured
    clinvar_rows = dl.list_resources({"resources": {**config["resources"], "clinvar": "clinvar.bcf"}})
    assert [row["file"] for row in clinvar_rows][-2:] == ["clinvar.bcf", "clinvar.bcf.csi"]
    (out / "revel.tsv.gz").write_bytes(b"r")
    (out / "revel.tsv.gz.csi").write_bytes(b"i")
    scored = {**config, "scores": [{"name": "revel", "path": "revel.tsv.gz"}, {"name": "cadd", "path": "cadd.tsv.gz"}]}
    score_rows = [(row["resource"], row["file"], row["checksum"]) for row in dl.list_resources(scored)][-4:]
    assert score_rows == [
        ("score revel", "revel.tsv.gz", "not in manifest"),
        ("score revel index", "revel.tsv.gz.csi", "not in manifest"),
        ("score cadd", "cadd.tsv.gz", "missing"), ("score cadd index", "cadd.tsv.gz.tbi", "missing")]
    checked = {row["file"]: row["checksum"] for row in dl.list_resources(config, checksums=True)}
    assert checked["ref.fa"] == "ok" and checked["ref.fa.fai"] == "changed"

    config_file = tmp_path / "config.yaml"
    config_file.write_text(yaml.safe_dump({"families": "f.tsv", "genome_build": "GRCh38", **config}))
    assert resources_cli.main(["list", "--config", str(config_file)]) == 0
    listing = capsys.readouterr().out
    assert re.search(r"population\s+p\.bcf\s+-\s+missing", listing), listing


def test_published_md5_files_are_parsed():
    ncbi = "aaaa1111aaaa1111aaaa1111aaaa1111  ./other.fna.gz\nBBBB2222BBBB2222BBBB2222BBBB2222  ./ref.fna.gz\n"
    assert dl.parse_md5(ncbi, "ref.fna.gz", "md5checksums.txt") == "bbbb2222bbbb2222bbbb2222bbbb2222"
    clinvar = "cccc3333cccc3333cccc3333cccc3333  clinvar_20250101.vcf.gz\n"
    assert dl.parse_md5(clinvar, "clinvar.vcf.gz", "clinvar.vcf.gz.md5") == "cccc3333cccc3333cccc3333cccc3333"
    with pytest.raises(dl.DownloadError, match="no md5 for missing.gz"):
        dl.parse_md5(ncbi, "missing.gz", "md5checksums.txt")


def test_catalogue_entries_are_complete():
    for build, entries in CATALOGUE.items():
        assert len({entry["key"] for entry in entries}) == len(entries)
        for entry in entries:
            assert {"key", "kind", "url", "version", "description", "license", "approx_size"} <= set(entry)
            assert all(url.startswith("https://") for url in (entry["url"], *entry.get("mirrors", ())))
            files = dl.plan_files(build, entry)
            assert all(re.fullmatch(r"[0-9a-f]{32}", f.md5) for f in files if f.md5)
    exomes = dl.plan_files("GRCh38", next(e for e in CATALOGUE["GRCh38"] if e["key"] == "gnomad_exomes"))
    assert len(exomes) == 48 and exomes[0].name == "gnomad.exomes.v4.1.sites.chr1.vcf.bgz"
    assert exomes[1].name.endswith("chr1.vcf.bgz.tbi") and exomes[0].urls[1].startswith(GNOMAD_AWS)


def _test_catalogue(server: FileServer) -> tuple[dict, ...]:
    return (
        {
            "key": "clinvar",
            "kind": "clinvar",
            "url": f"{server.url}/clinvar.vcf.gz",
            "md5_url": f"{server.url}/clinvar.vcf.gz.md5",
            "companions": (".tbi",),
            "version": None,
            "chrom_names": "plain",
            "approx_size": 2_000,
            "default": True,
            "description": "test ClinVar",
            "license": "test",
        },
        {
            "key": "gnomad_exomes",
            "kind": "population",
            "url": f"{server.url}/sites.chr{{chrom}}.vcf.bgz",
            "md5": {"21": "0" * 32, "22": "1" * 32},
            "version": "gnomAD test",
            "chrom_names": "chr",
            "approx_size": 3 << 30,
            "default": False,
            "description": "test gnomAD",
            "license": "test",
        },
    )


def test_cli_dry_run_makes_no_request(server, tmp_path, monkeypatch, no_network, capsys):
    monkeypatch.setitem(CATALOGUE, "GRCh38", _test_catalogue(server))
    out = tmp_path / "res"
    argv = ["download", "--build", "GRCh38", "--dir", str(out), "--only", "clinvar,gnomad_exomes", "--dry-run"]
    assert resources_cli.main(argv) == 0
    printed = capsys.readouterr().out
    assert server.seen == [] and not out.exists()
    assert f"{server.url}/clinvar.vcf.gz\n    -> {out / 'clinvar.vcf.gz'}" in printed
    assert f"-> {out / 'sites.chr22.vcf.bgz'}  [md5 from the catalogue]" in printed
    assert "~3.0 GiB" in printed and "clinvar.vcf.gz.tbi" in printed


def test_cli_download_checks_the_published_md5_and_skips_what_it_has(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(CATALOGUE, "GRCh38", _test_catalogue(server))
    data = serve(server, "clinvar.vcf.gz", 2_000)
    serve(server, "clinvar.vcf.gz.tbi", 100, seed=2)
    md5 = hashlib.md5(data).hexdigest()
    (server.root / "clinvar.vcf.gz.md5").write_text(f"{md5}  clinvar_20250101.vcf.gz\n")
    out = tmp_path / "res"
    # default entries: clinvar only
    assert resources_cli.main(["download", "--build", "GRCh38", "--dir", str(out)]) == 0
    entries = manifest_of(out)
    assert set(entries) == {"clinvar.vcf.gz", "clinvar.vcf.gz.tbi"}
    assert entries["clinvar.vcf.gz"]["md5"] == md5 and entries["clinvar.vcf.gz"]["build"] == "GRCh38"
    assert entries["clinvar.vcf.gz"]["version"] == LAST_MODIFIED
    assert sorted(p.name for p in out.iterdir()) == ["clinvar.vcf.gz", "clinvar.vcf.gz.tbi", "manifest.json"]
    requests_made = len(server.seen)
    assert resources_cli.main(["download", "--build", "GRCh38", "--dir", str(out)]) == 0
    assert len(server.seen) == requests_made and "already in the manifest" in capsys.readouterr().out

    assert resources_cli.main(["verify", "--dir", str(out)]) == 0
    (out / "clinvar.vcf.gz.tbi").write_bytes(b"x" * 100)
    capsys.readouterr()
    assert resources_cli.main(["verify", "--dir", str(out)]) == 1
    (problem,) = capsys.readouterr().out.splitlines()
    assert problem.startswith(f"{out / 'clinvar.vcf.gz.tbi'}: changed (sha256 ")


def test_cli_download_rejects_a_wrong_published_md5(server, tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(CATALOGUE, "GRCh38", _test_catalogue(server))
    serve(server, "sites.chr21.vcf.bgz", 1_000)
    out = tmp_path / "res"
    assert resources_cli.main(["download", "--build", "GRCh38", "--dir", str(out), "--only", "gnomad_exomes"]) == 1
    error = capsys.readouterr().err
    assert f"checksum mismatch for {server.url}/sites.chr21.vcf.bgz: expected md5 {'0' * 32}, got " in error
    assert not any(out.iterdir())


def test_cli_rejects_an_unknown_key(tmp_path, no_network, capsys):
    argv = ["download", "--build", "GRCh37", "--dir", str(tmp_path), "--only", "nope", "--dry-run"]
    assert resources_cli.main(argv) == 2
    assert "unknown key(s) nope for GRCh37" in capsys.readouterr().err
