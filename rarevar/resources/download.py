"""Fetch public resources into a resources folder, check them and record them in its manifest.json.

`download` is the only function here that touches the network; `list_resources` and `verify` read local files
only, and the pipeline itself never downloads anything.

The `rarevar resources list | download | verify` commands are rarevar.run.resources_cli.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from rarevar import __version__
from rarevar.base.atomic import write_bytes_atomic
from rarevar.errors import InputError
from rarevar.resources.catalogue import CATALOGUE, CHROMOSOMES
from rarevar.resources.gene_disease import sha256

MANIFEST = "manifest.json"
RETRY_STATUS = frozenset({408, 425, 429})  # plus every 5xx
MAX_BACKOFF = 60.0
DEFAULT_TIMEOUT = (15.0, 120.0)  # connect, read (seconds)


class DownloadError(Exception):
    """A download that could not complete, or whose bytes did not match the expected checksum."""


class _Retryable(Exception):
    """A failure worth another attempt: connection trouble, a 5xx, a transfer cut short."""


# ---------------------------------------------------------------- one file over HTTP


def part_path(dest: Path) -> Path:
    return dest.with_name(f".{dest.name}.part")


def _meta_path(part: Path) -> Path:
    # Remembers which URL (and which version of it) the part file holds, so a resume never splices two files.
    return part.with_name(f"{part.name}.json")


def new_session():
    import requests

    session = requests.Session()
    session.headers["User-Agent"] = f"rarevar/{__version__}"
    return session


def download(
    url: str,
    dest: str | Path,
    expected_sha256: str | None = None,
    retries: int = 5,
    backoff: float = 1.0,
    session=None,
    chunk: int = 1 << 20,
    *,
    expected_md5: str | None = None,
    version: str | None = None,
    record: bool = True,
    extra: dict | None = None,
    timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
) -> dict:
    """Fetch `url` into `dest` and return its manifest entry (name, url, version, downloaded, sha256, size).

    Bytes stream into `.NAME.part` beside `dest`; an existing part file is resumed with a Range request.
    Connection errors, 5xx answers and short transfers are retried with exponential back-off (`retries`
    consecutive failures without progress end it). A checksum mismatch deletes the part file and raises
    DownloadError. The finished file is renamed into place and, when `record`, merged into
    `<dest dir>/manifest.json`; `version` defaults to the server's Last-Modified date; `extra` adds fields.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise DownloadError(f"{url}: only http(s) URLs can be downloaded")
    dest = Path(dest)
    if record:
        read_manifest(dest.parent / MANIFEST)  # a broken manifest fails now, not after a long transfer
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(dest)
    owned = session is None
    session = session or new_session()
    try:
        headers = _transfer(session, url, part, retries, backoff, chunk, timeout)
    finally:
        if owned:
            session.close()
    digests = _digests(part, md5=expected_md5 is not None)
    _check(url, part, "sha256", expected_sha256, digests["sha256"])
    _check(url, part, "md5", expected_md5, digests.get("md5"))
    os.replace(part, dest)
    _meta_path(part).unlink(missing_ok=True)
    entry = {
        "name": dest.name,
        "url": url,
        "version": version or headers.get("Last-Modified"),
        "downloaded": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sha256": digests["sha256"],
        "size": dest.stat().st_size,
    }
    if expected_md5:
        entry["md5"] = expected_md5.lower()
    entry.update(extra or {})
    if record:
        update_manifest(dest.parent, entry)
    return entry


def _transfer(session, url: str, part: Path, retries: int, backoff: float, chunk: int, timeout) -> dict:
    """Attempt until the part file is complete; return the final response's headers."""
    failures, furthest = 0, _size(part)
    while True:
        try:
            done, headers = _attempt(session, url, part, chunk, timeout)
            if done:
                return headers
            reason = "the transfer ended before the announced length"
        except _Retryable as error:
            reason = str(error)
        size = _size(part)
        if size > furthest:
            furthest, failures = size, 0  # progress: a flaky link, not a dead one
        else:
            failures += 1
        if failures > retries:
            raise DownloadError(f"{url}: gave up after {retries} retries: {reason}")
        time.sleep(min(backoff * 2 ** max(failures - 1, 0), MAX_BACKOFF))


def _attempt(session, url: str, part: Path, chunk: int, timeout) -> tuple[bool, dict]:
    import requests
    import urllib3

    offset, request_headers = _resume_headers(url, part)
    try:
        with session.get(url, headers=request_headers, stream=True, timeout=timeout) as response:
            opened = _open_mode(response, url, part, offset)
            if opened is None:
                return True, response.headers
            mode, total = opened
            _write_meta(part, url, response.headers)
            with open(part, mode) as handle:
                # Raw bytes: a server's Content-Encoding must not be undone, offsets count file bytes.
                for block in response.raw.stream(chunk, decode_content=False):
                    handle.write(block)
            size = _size(part)
            if total is not None and size > total:
                _discard(part)
                raise _Retryable(f"received {size} bytes where {total} were announced; starting over")
            return total is None or size == total, response.headers
    except (
        requests.ConnectionError,
        requests.Timeout,
        requests.exceptions.ChunkedEncodingError,
        urllib3.exceptions.HTTPError,
    ) as error:
        raise _Retryable(f"{type(error).__name__}: {error}") from None
    except requests.RequestException as error:
        raise DownloadError(f"{url}: {error}") from None


def _resume_headers(url: str, part: Path) -> tuple[int, dict]:
    headers = {"Accept-Encoding": "identity"}  # byte ranges must address the file, not a compressed stream
    offset = _size(part)
    meta = _read_meta(part)
    if offset and meta.get("url") == url:
        headers["Range"] = f"bytes={offset}-"
        if meta.get("validator"):
            headers["If-Range"] = meta["validator"]  # a changed file comes back whole (200), not spliced
        return offset, headers
    return 0, headers


def _open_mode(response, url: str, part: Path, offset: int) -> tuple[str, int | None] | None:
    """(file mode, expected final size) for this response; None when the part file is already complete."""
    status = response.status_code
    if status == 416 and offset:
        if _range_total(response.headers.get("Content-Range", "")) == offset:
            return None
        _discard(part)
        raise _Retryable("the server refused the resume range; starting over")
    if status in RETRY_STATUS or status >= 500:
        raise _Retryable(f"HTTP {status} {response.reason}")
    if status == 206:
        start, total = _content_range(response.headers.get("Content-Range", ""))
        if start != offset:
            _discard(part)
            raise _Retryable(f"the server resumed at byte {start}, not {offset}; starting over")
        return "ab", total
    if status == 200:  # the whole file: a first request, or a server that ignores (or rejects) the range
        length = response.headers.get("Content-Length", "")
        return "wb", int(length) if length.isdigit() else None
    raise DownloadError(
        f"{url}: HTTP {status} {response.reason}. The provider may have moved the file: check its download page"
    )


def _content_range(value: str) -> tuple[int | None, int | None]:
    match = re.fullmatch(r"bytes (\d+)-\d+/(\d+|\*)", value.strip())
    if not match:
        return None, None
    return int(match.group(1)), None if match.group(2) == "*" else int(match.group(2))


def _range_total(value: str) -> int | None:
    match = re.fullmatch(r"bytes \*/(\d+)", value.strip())
    return int(match.group(1)) if match else None


def _write_meta(part: Path, url: str, headers) -> None:
    etag = headers.get("ETag")
    # If-Range needs a strong validator: a strong ETag, else the Last-Modified date.
    validator = etag if etag and not etag.startswith("W/") else headers.get("Last-Modified")
    write_bytes_atomic(_meta_path(part), json.dumps({"url": url, "validator": validator}).encode())


def _read_meta(part: Path) -> dict:
    try:
        return json.loads(_meta_path(part).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _discard(part: Path) -> None:
    part.unlink(missing_ok=True)
    _meta_path(part).unlink(missing_ok=True)


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _digests(path: Path, md5: bool) -> dict:
    hashes = {"sha256": hashlib.sha256()}
    if md5:
        hashes["md5"] = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            for digest in hashes.values():
                digest.update(block)
    return {name: digest.hexdigest() for name, digest in hashes.items()}


def _check(url: str, part: Path, algorithm: str, expected: str | None, got: str | None) -> None:
    if expected and expected.lower() != got:
        _discard(part)
        raise DownloadError(
            f"checksum mismatch for {url}: expected {algorithm} {expected.lower()}, got {got}; "
            "the downloaded bytes were deleted"
        )


# ---------------------------------------------------------------- manifest


def read_manifest(path: Path) -> dict | None:
    """The manifest at `path`, or None when there is none; InputError when it is not a manifest."""
    if not path.is_file():
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as error:
        raise InputError(path, f"is not valid JSON ({error})", "Fix or remove the manifest") from None
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files", []), list):
        raise InputError(path, 'is not a manifest ({"files": [...]})', "Fix or remove the manifest")
    return manifest


def update_manifest(directory: Path, entry: dict) -> None:
    """Merge `entry` into directory/manifest.json by file name, keeping other entries and keys."""
    path = Path(directory) / MANIFEST
    manifest = read_manifest(path) or {}
    files = manifest.setdefault("files", [])
    for existing in files:
        if existing.get("name") == entry["name"]:
            existing.update(entry)
            break
    else:
        files.append(entry)
    write_bytes_atomic(path, (json.dumps(manifest, indent=2) + "\n").encode())


def record_built(path: str | Path, **extra) -> None:
    """Record a file rarevar wrote (a built store, a simulated resource) in its folder's manifest, with its size
    and checksum: each run then compares the size only, and a report takes the recorded checksum instead of
    reading a multi-gigabyte resource again for every family."""
    path = Path(path)
    update_manifest(path.parent, {"name": path.name, "sha256": _digests(path, md5=False)["sha256"],
                                  "size": path.stat().st_size, **extra})  # fmt: skip


def verify(directory: str | Path) -> list[str]:
    """Recompute the sha256 of every file in directory/manifest.json; one line per missing or changed file."""
    directory = Path(directory)
    try:
        manifest = read_manifest(directory / MANIFEST)
    except InputError as error:
        return [str(error)]
    if manifest is None:
        return [f"{directory / MANIFEST}: missing"]
    problems = [_verify_entry(directory, entry) for entry in manifest.get("files", [])]
    problems += [
        f"{directory / part.name[1 : -len('.part')]}: interrupted download (run `rarevar resources download` again)"
        for part in sorted(directory.glob(".*.part"))
    ]
    return [problem for problem in problems if problem]


def _verify_entry(directory: Path, entry: dict) -> str | None:
    path = directory / str(entry.get("name", ""))
    recorded = entry.get("sha256")
    if not entry.get("name") or not path.is_file():
        return f"{path}: missing"
    if not recorded:
        return f"{path}: no sha256 in the manifest"
    size = path.stat().st_size
    if entry.get("size") is not None and entry["size"] != size:
        return f"{path}: changed (size {size}, manifest {entry['size']})"
    got = sha256(path)
    return None if got == recorded else f"{path}: changed (sha256 {got}, manifest {recorded})"


# ---------------------------------------------------------------- what a config uses


def list_resources(config: dict, checksums: bool = False) -> list[dict]:
    """One row per file the config's resources need (with indexes): present, size, checksum status.

    Status: missing | not in manifest | changed (size differs) | in manifest (not rechecked) | ok | changed.
    Recomputing sha256 (`checksums`) reads whole files: slow for genome-scale resources.
    """
    resources = config["resources"]
    directory = Path(resources["dir"])
    manifest = read_manifest(directory / MANIFEST) or {}
    recorded = {entry.get("name"): entry for entry in manifest.get("files", [])}
    rows = []
    for resource in ("reference", "genes", "population", "clinvar", "constraint"):
        name = resources.get(resource)
        if not name:  # clinvar and constraint are optional
            continue
        rows.append(_resource_row(resource, directory, name, recorded, checksums))
        for index in _index_names(resource, name, directory):
            rows.append(_resource_row(f"{resource} index", directory, index, recorded, checksums))
    for spec in config.get("scores") or []:  # in-silico score files, each with its tabix index
        label = f"score {spec['name']}"
        rows.append(_resource_row(label, directory, spec["path"], recorded, checksums))
        index = _tabix_index(directory, spec["path"])
        rows.append(_resource_row(f"{label} index", directory, index, recorded, checksums))
    return rows


def _tabix_index(directory: Path, name: str) -> str:
    # Score files may carry a .csi (recommended for speed) instead of the .tbi the authors publish.
    return f"{name}.csi" if (directory / f"{name}.csi").is_file() else f"{name}.tbi"


def _index_names(resource: str, name: str, directory: Path) -> list[str]:
    if resource == "reference":
        return [f"{name}.fai"] + ([f"{name}.gzi"] if name.endswith(".gz") else [])
    if resource in ("population", "clinvar"):
        if name.endswith(".bcf"):
            return [f"{name}.csi"]
        return [_tabix_index(directory, name)]
    return []


def _resource_row(resource: str, directory: Path, name: str, recorded: dict, checksums: bool) -> dict:
    path = directory / name
    row = {"resource": resource, "file": name, "path": str(path), "present": path.is_file(), "size": None}
    if not row["present"]:
        return {**row, "checksum": "missing"}
    row["size"] = path.stat().st_size
    entry = recorded.get(name) or {}
    if not entry.get("sha256"):
        status = "not in manifest"
    elif entry.get("size") is not None and entry["size"] != row["size"]:
        status = "changed (size differs)"
    elif not checksums:
        status = "in manifest (not rechecked)"
    else:
        status = "ok" if sha256(path) == entry["sha256"] else "changed"
    return {**row, "checksum": status}


# ---------------------------------------------------------------- the catalogue, planned and fetched


@dataclass
class PlannedFile:
    key: str
    name: str  # file name in the resources folder
    urls: tuple[str, ...]  # primary first, then mirrors
    md5: str | None = None
    md5_url: str | None = None
    sha256: str | None = None
    version: str | None = None
    extra: dict = field(default_factory=dict)  # recorded in the manifest entry


def select_entries(build: str, only: list[str] | None = None) -> list[dict]:
    """The catalogue entries for `build`: those named in `only`, else those marked default."""
    if build not in CATALOGUE:
        raise InputError("--build", f"no catalogue for '{build}'", f"Use one of {', '.join(CATALOGUE)}")
    entries = CATALOGUE[build]
    if not only:
        return [entry for entry in entries if entry.get("default")]
    by_key = {entry["key"]: entry for entry in entries}
    unknown = [key for key in only if key not in by_key]
    if unknown:
        raise InputError("--only", f"unknown key(s) {', '.join(unknown)} for {build}", f"Use {', '.join(by_key)}")
    return [by_key[key] for key in only]


def plan_files(build: str, entry: dict) -> list[PlannedFile]:
    """The files one catalogue entry stands for: one per chromosome for `{chrom}` URLs, plus companions."""
    templates = (entry["url"], *entry.get("mirrors", ()))
    md5 = entry.get("md5")
    chromosomes = (tuple(md5) if isinstance(md5, dict) else CHROMOSOMES) if "{chrom}" in entry["url"] else (None,)
    extra = {
        "key": entry["key"],
        "build": build,
        "description": entry.get("description"),
        "license": entry.get("license"),
    }
    files = []
    for chrom in chromosomes:
        urls = tuple(url.format(chrom=chrom) if chrom else url for url in templates)
        main = PlannedFile(
            key=entry["key"],
            name=_basename(urls[0]),
            urls=urls,
            md5=md5.get(chrom) if isinstance(md5, dict) else md5,
            md5_url=entry.get("md5_url"),
            sha256=entry.get("sha256"),
            version=entry.get("version"),
            extra=extra,
        )
        files.append(main)
        for suffix in entry.get("companions", ()):
            urls_ = tuple(url + suffix for url in urls)
            files.append(PlannedFile(entry["key"], main.name + suffix, urls_, version=main.version, extra=extra))
    return files


def _basename(url: str) -> str:
    return urlsplit(url).path.rsplit("/", 1)[-1]


def already_fetched(directory: Path, planned: PlannedFile) -> bool:
    """The manifest records this file from one of its URLs and the file is there with that size."""
    manifest = read_manifest(directory / MANIFEST) or {}
    for entry in manifest.get("files", []):
        if entry.get("name") == planned.name and entry.get("url") in planned.urls:
            path = directory / planned.name
            return path.is_file() and path.stat().st_size == entry.get("size")
    return False


def fetch_file(planned: PlannedFile, directory: Path, *, session=None, retries=5, backoff=1.0) -> dict:
    """Download one planned file, trying its mirrors in turn; verify the published checksum when there is one."""
    md5 = planned.md5
    if not md5 and planned.md5_url:
        md5 = published_md5(planned.md5_url, planned.name, directory, session=session, retries=retries, backoff=backoff)
    error = None
    for url in planned.urls:
        try:
            return download(
                url,
                directory / planned.name,
                planned.sha256,
                retries,
                backoff,
                session,
                expected_md5=md5,
                version=planned.version,
                extra=planned.extra,
            )
        except DownloadError as failure:
            error = failure
    raise error


def published_md5(md5_url: str, name: str, directory: Path, *, session=None, retries=5, backoff=1.0) -> str:
    """The md5 a provider publishes for `name` in an md5sum-style file (one line, or one line per file)."""
    scratch = directory / f".{name}.md5.download"
    try:
        download(md5_url, scratch, retries=retries, backoff=backoff, session=session, record=False)
        return parse_md5(scratch.read_text(encoding="utf-8", errors="replace"), name, md5_url)
    finally:
        scratch.unlink(missing_ok=True)


def parse_md5(text: str, name: str, source: str) -> str:
    lines = [line.split() for line in text.splitlines() if line.strip()]
    lines = [fields for fields in lines if re.fullmatch(r"[0-9a-fA-F]{32}", fields[0])]
    for fields in lines:
        if len(fields) > 1 and fields[-1].lstrip("*").rsplit("/", 1)[-1] == name:
            return fields[0].lower()
    if len(lines) == 1:  # e.g. ClinVar's clinvar.vcf.gz.md5 names the dated file the link points to
        return lines[0][0].lower()
    raise DownloadError(f"{source}: no md5 for {name} in the provider's checksum file")
