"""The local cohort store: a lab's own single-file database of the families it has processed.

One SQLite file holds, per family, its contribution per normalised variant (alternate allele count,
homozygous and hemizygous carriers). Loading a family id again replaces its contribution (never adds it
twice); the same data under another family id is recognised by a content checksum and refused unless
forced. Counts are exported to an indexed sites file (BCF, cached per database state and excluded
families) that the workflow joins with `bcftools annotate`, never one query per variant.

Like loqusdb, a family counts once per allele ("observations"), whatever the number of carriers in it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import cyvcf2
import numpy as np

from rarevar.base.atomic import publish_indexed, temporary_name
from rarevar.base.bcftools import bcftools, json_header_record
from rarevar.base.genome import BUILDS, is_x, is_x_nonpar, is_y
from rarevar.errors import InputError
from rarevar.family.inheritance import genotype_codes_from_cyvcf2
from rarevar.inputs.pedigree import Pedigree

SCHEMA_VERSION = "1"
CHUNK_RECORDS = 50_000
# A writer holds the lock for the copy from its staging file only; others wait this long before giving up.
BUSY_TIMEOUT_S = 600
SITES_CACHE_KEEP = 16  # cached exports kept beside the database

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contigs (name TEXT PRIMARY KEY, length INTEGER, rank INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS families (
    family_id TEXT PRIMARY KEY, digest TEXT NOT NULL, n_samples INTEGER NOT NULL, samples TEXT NOT NULL,
    source TEXT NOT NULL, min_gq INTEGER NOT NULL, added TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS observations (
    family_id TEXT NOT NULL, chrom TEXT NOT NULL, pos INTEGER NOT NULL, ref TEXT NOT NULL, alt TEXT NOT NULL,
    ac INTEGER NOT NULL, hom INTEGER NOT NULL, hemi INTEGER NOT NULL,
    PRIMARY KEY (chrom, pos, ref, alt, family_id)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS observations_family ON observations (family_id);
"""
# Rows are stored in site order, so an export is one sequential read; replacing a family uses its index.

INFO_HEADER = [
    '##INFO=<ID=COHORT_AC,Number=A,Type=Integer,Description="Local cohort: alternate alleles carried">',
    '##INFO=<ID=COHORT_HOM,Number=A,Type=Integer,Description="Local cohort: homozygous individuals">',
    '##INFO=<ID=COHORT_HEMI,Number=A,Type=Integer,Description="Local cohort: hemizygous individuals (males, X/Y)">',
    '##INFO=<ID=COHORT_FAMILIES,Number=A,Type=Integer,Description="Local cohort: families carrying the allele">',
    '##INFO=<ID=COHORT_N_FAMILIES,Number=1,Type=Integer,Description="Local cohort: families in the database">',
]
COHORT_COLUMNS = "INFO/COHORT_AC,INFO/COHORT_HOM,INFO/COHORT_HEMI,INFO/COHORT_FAMILIES,INFO/COHORT_N_FAMILIES"
HEADER_KEY = "rarevar_cohort"  # a header line carrying what the counts were made from, read by the report


@dataclass(frozen=True)
class Contribution:
    """One family's per-variant counts, staged in a temporary SQLite file before they enter the store."""

    staging: str
    digest: str
    samples: list[str]
    contigs: list[tuple[str, int | None]]
    n_variants: int


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def connect(path: str | Path, create: bool = False) -> sqlite3.Connection:
    """Open the store in autocommit mode, so that every change is one explicit transaction."""
    path = Path(path)
    if not path.is_file() and not create:
        raise InputError(path, "the cohort database does not exist",
                         "Create it with `rarevar cohort add`, or set cohort.update: true to start one")  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
        if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'meta'").fetchone() is None:
            _create_schema(conn)
        version = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    except sqlite3.DatabaseError as error:
        conn.close()
        raise InputError(path, f"is not a rarevar cohort database ({error})",
                         "Point cohort.db (or --db) at a file made by `rarevar cohort add`") from None  # fmt: skip
    if version is None or version[0] != SCHEMA_VERSION:
        conn.close()
        raise InputError(path, f"has cohort schema {version and version[0]}, this rarevar reads {SCHEMA_VERSION}",
                         "Rebuild the database with this version of rarevar")  # fmt: skip
    return conn


def _create_schema(conn: sqlite3.Connection) -> None:
    conn.execute("BEGIN IMMEDIATE")  # two processes creating the same new file: the second finds it made
    for statement in filter(str.strip, SCHEMA.split(";")):
        conn.execute(statement)
    conn.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (SCHEMA_VERSION,))
    conn.execute("COMMIT")


def check_cohort_config(config: dict) -> None:
    """Before any job: a configured database must exist, unless the workflow is to start it."""
    cohort = config.get("cohort")
    if cohort and not cohort.get("update") and not Path(cohort["db"]).is_file():
        raise InputError(cohort["db"], "the cohort database (cohort.db) does not exist",
                         "Create it with `rarevar cohort add`, or set cohort.update: true to start one")  # fmt: skip


# --- reading a family -----------------------------------------------------------------------------


def _check_biallelic(vcf_path: str, variant) -> None:
    if len(variant.ALT) != 1:
        raise InputError(vcf_path, f"record {variant.CHROM}:{variant.POS} has {len(variant.ALT)} ALT alleles",
                         "Normalise first (give --reference, or load the workflow's normalized.bcf)")  # fmt: skip


def _chunk_counts(chrom, pos, gt_types, gq, male, build, min_gq):
    """Per-record AC, homozygous and hemizygous carriers of one chunk (records x samples arrays)."""
    codes = genotype_codes_from_cyvcf2(gt_types)  # 0 hom-ref, 1 het, 2 hom-alt, -1 missing
    trusted = (gq < 0) | (gq >= min_gq)  # a missing GQ is not gated (cyvcf2 gives -1)
    carrier = trusted & (codes > 0)
    names, index = np.unique(chrom, return_inverse=True)  # a chunk holds a handful of contigs: test names once
    haploid_site = is_y(names)[index]
    on_x = is_x(names)[index]
    haploid_site[on_x] = is_x_nonpar(chrom[on_x], pos[on_x], build)
    hemi = carrier & haploid_site[:, None] & male[None, :]
    hom = trusted & (codes == 2) & ~hemi
    alleles = np.where(hemi, 1, np.where(carrier, codes, 0))
    return alleles.sum(axis=1), hom.sum(axis=1), hemi.sum(axis=1)


class _Chunk:
    """Records of one chunk: site columns as lists, genotypes and GQ in preallocated arrays."""

    def __init__(self, n_samples: int):
        self.sites: list[tuple[str, int, str, str]] = []
        self.gt = np.empty((CHUNK_RECORDS, n_samples), dtype=np.int8)
        self.gq = np.empty((CHUNK_RECORDS, n_samples), dtype=np.float32)

    def add(self, variant) -> bool:
        """Add a record; True when the chunk is full."""
        i = len(self.sites)
        self.sites.append((variant.CHROM, variant.POS, variant.REF, variant.ALT[0]))
        self.gt[i] = variant.gt_types
        self.gq[i] = variant.gt_quals
        return i + 1 == CHUNK_RECORDS


def read_contribution(vcf_path: str, pedigree: Pedigree, build: str, min_gq: int, staging_dir: str) -> Contribution:
    """Read a normalised VCF/BCF once (cyvcf2, chunked numpy arithmetic) into a staging SQLite file."""
    if build not in BUILDS:
        raise InputError(vcf_path, f"unknown genome build '{build}'", f"Use one of {', '.join(BUILDS)}")
    try:
        vcf = cyvcf2.VCF(vcf_path, gts012=False, lazy=True, threads=1)
    except Exception as error:  # cyvcf2 raises OSError or a plain Exception on a bad file
        raise InputError(vcf_path, f"cannot be read as VCF/BCF ({error})", "Check the file") from None
    samples = [s for s in pedigree.samples if s in vcf.samples]
    if not samples:
        raise InputError(vcf_path, f"none of the PED samples ({', '.join(pedigree.samples)}) are in the VCF",
                         "Make the PED sample ids match the VCF")  # fmt: skip
    vcf.set_samples(samples)
    order = list(vcf.samples)  # cyvcf2 keeps the VCF's order
    male = np.array([pedigree[s].sex == "male" for s in order])
    try:
        contigs = list(zip(vcf.seqnames, vcf.seqlens, strict=True))
    except AttributeError:  # no ##contig lengths
        contigs = [(name, None) for name in vcf.seqnames]
    staging = os.path.join(staging_dir, "contribution.sqlite")
    digest = hashlib.sha256()
    n_variants = 0
    with closing(sqlite3.connect(staging, isolation_level=None)) as out:
        out.execute("PRAGMA journal_mode = OFF")
        out.execute("PRAGMA synchronous = OFF")
        out.execute("CREATE TABLE rows (chrom TEXT, pos INTEGER, ref TEXT, alt TEXT, ac INTEGER, hom INTEGER, "
                    "hemi INTEGER, PRIMARY KEY (chrom, pos, ref, alt)) WITHOUT ROWID")  # fmt: skip
        out.execute("BEGIN")
        chunk = _Chunk(len(order))
        try:
            for variant in vcf:
                _check_biallelic(vcf_path, variant)
                if variant.ALT[0] != "*" and chunk.add(variant):
                    n_variants += _flush(out, chunk, male, build, min_gq, digest)
            n_variants += _flush(out, chunk, male, build, min_gq, digest)
        except InputError:
            raise
        except Exception as error:  # a truncated or corrupt file surfaces here
            raise InputError(
                vcf_path,
                f"could not be read to the end ({error})",
                "Check the file (is it complete?); the cohort database is unchanged",
            ) from None
        finally:
            vcf.close()
        out.execute("COMMIT")
    return Contribution(staging, digest.hexdigest(), order, contigs, n_variants)


def _flush(out: sqlite3.Connection, chunk: _Chunk, male, build, min_gq, digest) -> int:
    n = len(chunk.sites)
    if not n:
        return 0
    chrom = np.array([site[0] for site in chunk.sites])
    pos = np.array([site[1] for site in chunk.sites], dtype=np.int64)
    counts = _chunk_counts(chrom, pos, chunk.gt[:n], chunk.gq[:n], male, build, min_gq)
    kept = np.flatnonzero(counts[0] > 0)
    values = np.column_stack(counts)[kept].tolist()
    rows = [(*chunk.sites[i], *v) for i, v in zip(kept.tolist(), values, strict=True)]
    # The checksum covers the data, not the file: the same calls re-compressed or renamed are still caught.
    digest.update("\n".join(map(repr, rows)).encode())
    out.executemany("INSERT OR REPLACE INTO rows VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
    chunk.sites.clear()
    return len(rows)


# --- changing the store ---------------------------------------------------------------------------


def add_family(db: str | Path, family_id: str, vcf_path: str, pedigree: Pedigree, build: str, min_gq: int = 20,
               force: bool = False) -> dict:  # fmt: skip
    """Load (or replace) one family's contribution in one transaction; returns a summary."""
    with tempfile.TemporaryDirectory(prefix="rarevar-cohort-") as staging_dir:
        contribution = read_contribution(vcf_path, pedigree, build, min_gq, staging_dir)
        with closing(connect(db, create=True)) as conn:
            conn.execute("ATTACH DATABASE ? AS staged", (contribution.staging,))
            conn.execute("BEGIN IMMEDIATE")  # one writer at a time; others wait (busy timeout)
            try:
                _check_build(conn, db, build)
                twin = conn.execute("SELECT family_id FROM families WHERE digest = ? AND family_id != ?",
                                    (contribution.digest, family_id)).fetchone()  # fmt: skip
                if twin and not force:
                    raise InputError(
                        vcf_path,
                        f"holds the same calls as family '{twin[0]}' already in {db}",
                        f"Remove '{twin[0]}' first, or pass --force if they are two families",
                    )
                _merge_contigs(conn, db, contribution.contigs)
                replaced = conn.execute("DELETE FROM families WHERE family_id = ?", (family_id,)).rowcount > 0
                conn.execute("DELETE FROM observations WHERE family_id = ?", (family_id,))
                conn.execute("INSERT INTO observations SELECT ?, chrom, pos, ref, alt, ac, hom, hemi FROM staged.rows",
                             (family_id,))  # fmt: skip
                conn.execute("INSERT INTO families VALUES (?, ?, ?, ?, ?, ?, ?)",
                             (family_id, contribution.digest, len(contribution.samples),
                              json.dumps(contribution.samples), Path(vcf_path).name, min_gq, _now()))  # fmt: skip
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:  # SQLite may have rolled back already (disk full, I/O error)
                    conn.execute("ROLLBACK")
                raise
            finally:
                if not conn.in_transaction:
                    conn.execute("DETACH DATABASE staged")
    return {"family": family_id, "replaced": replaced, "samples": contribution.samples,
            "variants": contribution.n_variants, "digest": contribution.digest}  # fmt: skip


def _check_build(conn: sqlite3.Connection, db, build: str) -> None:
    stored = conn.execute("SELECT value FROM meta WHERE key = 'build'").fetchone()
    if stored is None:
        conn.execute("INSERT INTO meta VALUES ('build', ?)", (build,))
    elif stored[0] != build:
        raise InputError(db, f"holds genome build {stored[0]}, not {build}", "Use one database per genome build")


def _merge_contigs(conn: sqlite3.Connection, db, contigs: list[tuple[str, int | None]]) -> None:
    known = {name: length for name, length in conn.execute("SELECT name, length FROM contigs")}
    rank = len(known)
    for name, length in contigs:
        if name in known:
            if known[name] and length and known[name] != length:
                raise InputError(db, f"contig {name} has length {known[name]} here, {length} in the new VCF",
                                 "Use one database per reference genome")  # fmt: skip
            continue
        conn.execute("INSERT INTO contigs VALUES (?, ?, ?)", (name, length, rank))
        known[name] = length
        rank += 1
    # A record on a contig its header does not declare must still reach the export.
    for (name,) in conn.execute("SELECT DISTINCT chrom FROM staged.rows").fetchall():
        if name not in known:
            conn.execute("INSERT INTO contigs VALUES (?, NULL, ?)", (name, rank))
            known[name] = None
            rank += 1


def remove_family(db: str | Path, family_id: str) -> bool:
    with closing(connect(db)) as conn:
        conn.execute("BEGIN IMMEDIATE")
        removed = conn.execute("DELETE FROM families WHERE family_id = ?", (family_id,)).rowcount > 0
        conn.execute("DELETE FROM observations WHERE family_id = ?", (family_id,))
        conn.execute("COMMIT")
    return removed


def stats(db: str | Path) -> dict:
    with closing(connect(db)) as conn:
        conn.execute("BEGIN")  # one consistent snapshot
        families = conn.execute("SELECT family_id, n_samples, added FROM families ORDER BY family_id").fetchall()
        variants = conn.execute("SELECT COUNT(*) FROM (SELECT 1 FROM observations GROUP BY chrom, pos, ref, alt)"
                                ).fetchone()[0]  # fmt: skip
        build = conn.execute("SELECT value FROM meta WHERE key = 'build'").fetchone()
        conn.execute("COMMIT")
    return {
        "families": len(families),
        "samples": sum(n for _, n, _ in families),
        "variants": variants,
        "build": build[0] if build else None,
        "family_ids": [f for f, _, _ in families],
    }


def family_counts(db: str | Path, family_id: str) -> dict[tuple[str, int, str, str], tuple[int, int, int]]:
    """One family's stored contribution: (chrom, pos, ref, alt) -> (AC, homozygous, hemizygous)."""
    with closing(connect(db)) as conn:
        rows = conn.execute("SELECT chrom, pos, ref, alt, ac, hom, hemi FROM observations WHERE family_id = ?",
                            (family_id,)).fetchall()  # fmt: skip
    return {(c, p, r, a): (ac, hom, hemi) for c, p, r, a, ac, hom, hemi in rows}


# --- export ---------------------------------------------------------------------------------------


def _included(conn: sqlite3.Connection, exclude: set[str]) -> list[tuple[str, str, int]]:
    rows = conn.execute("SELECT family_id, digest, n_samples FROM families ORDER BY family_id").fetchall()
    return [row for row in rows if row[0] not in exclude]


def _state_token(included: list[tuple[str, str, int]]) -> str:
    # The export depends only on which contributions it sums: same families, same data -> same file.
    text = json.dumps([SCHEMA_VERSION, [[f, d] for f, d, _ in included]])
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def _write_sites(conn: sqlite3.Connection, included: list[tuple[str, str, int]], exclude: set[str], out: str) -> dict:
    """Sum the included families per allele and write an indexed sites file: .bcf (+ .csi) or .vcf.gz (+ .tbi)."""
    n_families = len(included)
    summary = {"n_families": n_families, "n_samples": sum(n for _, _, n in included), "token": _state_token(included)}
    contigs = conn.execute("SELECT name, length FROM contigs ORDER BY rank").fetchall()
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS excluded (family_id TEXT PRIMARY KEY)")
    conn.execute("DELETE FROM temp.excluded")
    conn.executemany("INSERT INTO temp.excluded VALUES (?)", [(f,) for f in sorted(exclude)])
    plain = temporary_name(out, "plain", ".vcf")
    with open(plain, "w", encoding="utf-8") as handle:
        handle.write("##fileformat=VCFv4.2\n")
        for name, length in contigs:
            handle.write(f"##contig=<ID={name}{f',length={length}' if length else ''}>\n")
        handle.write("\n".join(INFO_HEADER) + "\n")
        handle.write(f"##{HEADER_KEY}={json.dumps(summary, separators=(',', ':'))}\n")
        handle.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for name, _ in contigs:
            cursor = conn.execute(
                "SELECT pos, ref, alt, SUM(ac), SUM(hom), SUM(hemi), COUNT(*) FROM observations "
                "WHERE chrom = ? AND family_id NOT IN (SELECT family_id FROM temp.excluded) "
                "GROUP BY pos, ref, alt ORDER BY pos, ref, alt",
                (name,),
            )
            handle.writelines(
                f"{name}\t{pos}\t.\t{ref}\t{alt}\t.\t.\tCOHORT_AC={ac};COHORT_HOM={hom};COHORT_HEMI={hemi};"
                f"COHORT_FAMILIES={families};COHORT_N_FAMILIES={n_families}\n"
                for pos, ref, alt, ac, hom, hemi, families in cursor
            )
    bcf = out.endswith(".bcf")
    index = "csi" if bcf else "tbi"
    tmp = temporary_name(out)
    try:
        bcftools("view", "--no-version", "-Ob" if bcf else "-Oz", "-o", tmp, f"--write-index={index}", plain)
    finally:
        os.unlink(plain)
    publish_indexed(tmp, out, index)
    return summary


def export_sites(db: str | Path, out: str, exclude: set[str] | None = None) -> dict:
    """Write the counts (without the families in `exclude`) to `out`: .bcf (+ .csi) or .vcf.gz (+ .tbi)."""
    with closing(connect(db)) as conn:
        conn.execute("BEGIN")  # a consistent snapshot while a writer may be waiting
        exclude = set(exclude or ())
        summary = _write_sites(conn, _included(conn, exclude), exclude, out)
        conn.execute("COMMIT")
    return summary


def _cache_dir(db: Path, fallback: Path | None) -> Path:
    cache = db.parent / f".{db.name}.sites"
    try:
        cache.mkdir(exist_ok=True)
        if os.access(cache, os.W_OK):
            return cache
    except OSError:
        pass
    # A database shared read-only: export next to the caller's outputs instead (not reused across families).
    return fallback or Path(tempfile.gettempdir())


def cached_sites(db: str | Path, exclude: set[str], create: bool = False, fallback: Path | None = None
                 ) -> tuple[str, dict]:  # fmt: skip
    """The sites file for this database state and these excluded families, exported once and reused.

    Cached beside the database under a name made of the included families and their checksums, so an
    unchanged database (or one changed only by excluded families) gives the very same file."""
    db = Path(db)
    with closing(connect(db, create=create)) as conn:
        cache = _cache_dir(db, fallback)
        conn.execute("BEGIN")
        included = _included(conn, exclude)
        path = cache / f"{_state_token(included)}.bcf"  # BCF: bcftools reads it ~3x faster than VCF
        if path.is_file() and Path(f"{path}.csi").is_file():
            conn.execute("COMMIT")
            for used in (path, Path(f"{path}.csi")):
                os.utime(used)  # most recently used, for pruning
            return str(path), read_header_summary(str(path))
        summary = _write_sites(conn, included, exclude, str(path))
        conn.execute("COMMIT")
    _prune(cache)
    return str(path), summary


def _prune(cache: Path) -> None:
    files = sorted(cache.glob("*.bcf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in files[SITES_CACHE_KEEP:]:
        for leftover in (old, Path(f"{old}.csi")):
            leftover.unlink(missing_ok=True)


def read_header_summary(vcf_path: str) -> dict | None:
    """The cohort summary a sites file or a cohort-annotated VCF carries in its header; None if it has none."""
    return json_header_record(vcf_path, HEADER_KEY)
