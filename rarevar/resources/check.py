"""Refuse a resource that changed since its checksum was recorded: results must say what they were made from."""

from __future__ import annotations

from pathlib import Path

from rarevar.errors import InputError
from rarevar.resources.checksums import cached_sha256
from rarevar.resources.download import MANIFEST, read_manifest

# Above this size only the recorded size is compared on every run; `rarevar resources verify` reads it all. Below it
# the checksum is read once per version of the file (rarevar.resources.checksums).
FULL_CHECK_BYTES = 256 * 1024 * 1024


def check_against_manifest(path: Path) -> None:
    """A file listed in its folder's manifest.json must still have the recorded size and checksum."""
    manifest = read_manifest(path.parent / MANIFEST)
    if manifest is None:
        return
    entry = next((e for e in manifest.get("files", []) if e.get("name") == path.name), None)
    if entry is None:
        return
    size = path.stat().st_size
    changed = "size" in entry and entry["size"] != size
    if not changed and entry.get("sha256") and size <= FULL_CHECK_BYTES:
        changed = cached_sha256(path) != entry["sha256"]
    if changed:
        raise InputError(
            path,
            f"has changed since its checksum was recorded in {path.parent / MANIFEST}",
            "Restore the file, or rebuild or download it again (which records the new checksum); "
            f"`rarevar resources verify --dir {path.parent}` lists every changed file",
        )
