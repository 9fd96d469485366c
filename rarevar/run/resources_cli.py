"""The `rarevar resources list | download | verify` commands: `register(subparsers)` adds them to `rarevar
resources`, `dispatch(args)` runs the one parsed (rarevar.resources.download does the work)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rarevar.errors import InputError
from rarevar.inputs.config import load_config
from rarevar.resources.catalogue import CATALOGUE
from rarevar.resources.download import (
    MANIFEST,
    DownloadError,
    PlannedFile,
    already_fetched,
    fetch_file,
    list_resources,
    plan_files,
    select_entries,
    verify,
)

COMMANDS = ("list", "download", "verify")  # the `rarevar resources` sub-commands `register` adds


def register(subparsers) -> None:
    """Add `list`, `download` and `verify` to the sub-command parsers of `rarevar resources`."""
    p = subparsers.add_parser("list", help="the resource files a config uses: present or missing, size, checksum")
    p.add_argument("--config", required=True)
    p.add_argument("--checksums", action="store_true", help="recompute each sha256 (slow for genome-scale files)")
    p.set_defaults(resources_handler=_list_command)

    p = subparsers.add_parser("download", help="fetch public resources for a genome build (the only network use)")
    p.add_argument("--build", required=True, choices=list(CATALOGUE))
    p.add_argument("--dir", required=True, help="resources folder; its manifest.json records every file fetched")
    p.add_argument("--only", help="comma-separated catalogue keys (default: the entries marked default)")
    p.add_argument("--dry-run", action="store_true", help="print URLs, sizes and destinations; fetch nothing")
    p.add_argument("--force", action="store_true", help="fetch again files the manifest already records")
    p.add_argument("--retries", type=int, default=5, help="consecutive failed attempts allowed per file")
    p.set_defaults(resources_handler=_download_command)

    p = subparsers.add_parser("verify", help="recompute the sha256 of every file listed in DIR/manifest.json")
    p.add_argument("--dir", required=True)
    p.set_defaults(resources_handler=_verify_command)


def dispatch(args) -> int:
    """Run the command `register` parsed; the exit status (1: download or verify failure, 2: bad input)."""
    try:
        return args.resources_handler(args)
    except InputError as error:
        print(f"rarevar: error: {error}", file=sys.stderr)
        return 2
    except DownloadError as error:
        print(f"rarevar: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("rarevar: interrupted; run the same command again to resume", file=sys.stderr)
        return 130


def _list_command(args) -> int:
    config = load_config(args.config)
    rows = list_resources(config, checksums=args.checksums)
    print(f"resources folder: {config['resources']['dir']} (genome build {config['genome_build']})")
    print(f"{'resource':<26} {'file':<40} {'size':>10}  checksum")
    for row in rows:
        size = _human(row["size"]) if row["present"] else "-"
        print(f"{row['resource']:<26} {row['file']:<40} {size:>10}  {row['checksum']}")
    return 0


def _download_command(args) -> int:
    only = [key.strip() for key in args.only.split(",") if key.strip()] if args.only else None
    directory = Path(args.dir)
    plan = [(entry, plan_files(args.build, entry)) for entry in select_entries(args.build, only)]
    if args.dry_run:
        _print_plan(args.build, plan, directory)
        return 0
    for _entry, files in plan:
        for planned in files:
            _fetch_one(planned, directory, args)
    print(f"rarevar: done; `rarevar resources verify --dir {directory}` rechecks every file")
    return 0


def _verify_command(args) -> int:
    problems = verify(args.dir)
    for problem in problems:
        print(problem)
    if problems:
        return 1
    print(f"rarevar: every file in {Path(args.dir) / MANIFEST} matches its sha256")
    return 0


def _fetch_one(planned: PlannedFile, directory: Path, args) -> None:
    if not args.force and already_fetched(directory, planned):
        print(f"rarevar: {planned.name} already in the manifest; --force fetches it again")
        return
    print(f"rarevar: fetching {planned.urls[0]}", flush=True)
    entry = fetch_file(planned, directory, retries=args.retries)
    checked = "md5 verified" if entry.get("md5") else "no published checksum, sha256 recorded"
    print(f"rarevar: {entry['name']}: {_human(entry['size'])}, {checked}")


def _print_plan(build: str, plan: list[tuple[dict, list[PlannedFile]]], directory: Path) -> None:
    print(f"rarevar: dry run, nothing fetched. {build} resources into {directory}:")
    total, unknown = 0, 0
    for entry, files in plan:
        size = entry.get("approx_size")
        total += size or 0
        unknown += size is None
        names = {"chr": "chr-prefixed names", "plain": "plain names", None: "no contigs"}[entry.get("chrom_names")]
        approx = f"~{_human(size)}" if size is not None else "size not published"
        print(f"\n{entry['key']}: {entry.get('version') or 'latest release'}, {approx}, {names}")
        if entry.get("note"):
            print(f"  note: {entry['note']}")
        for planned in files:
            print(f"  {planned.urls[0]}\n    -> {directory / planned.name}  [{_checksum_source(planned)}]")
    extra = f" (+ {unknown} of unpublished size)" if unknown else ""
    print(f"\ntotal: ~{_human(total)}{extra}")


def _checksum_source(planned: PlannedFile) -> str:
    if planned.md5:
        return "md5 from the catalogue"
    if planned.md5_url:
        return f"md5 from {planned.md5_url}"
    return "sha256 recorded on arrival"


def _human(size: int | None) -> str:
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024:
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


def build_parser() -> argparse.ArgumentParser:
    """A stand-alone `rarevar resources` parser (what cli.py provides once wired)."""
    parser = argparse.ArgumentParser(prog="rarevar resources")
    register(parser.add_subparsers(dest="resource", required=True))
    return parser


def main(argv: list[str] | None = None) -> int:
    return dispatch(build_parser().parse_args(argv))


if __name__ == "__main__":
    raise SystemExit(main())
