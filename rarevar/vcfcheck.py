"""Checks on a VCF before any work: readable, genotyped, the right samples, the configured reference."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pysam

from rarevar.bcftools import BcftoolsError
from rarevar.errors import InputError
from rarevar.genome import strip_chr

if TYPE_CHECKING:
    import pyarrow as pa

VCF_SUFFIXES = (".vcf", ".vcf.gz", ".vcf.bgz", ".bcf")


def _is_plain_gzip(path: Path) -> bool:
    # BGZF is gzip with an extra field tagged 'BC' in every block header; plain gzip has none (flag bit 2 unset).
    with open(path, "rb") as handle:
        head = handle.read(16)
    return head[:2] == b"\x1f\x8b" and not (head[3] & 4 and head[12:14] == b"BC")


def open_vcf(path: str | Path) -> pysam.VariantFile:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "VCF does not exist", "Check the `vcf` path in the families sheet")
    if path.stat().st_size == 0:
        raise InputError(path, "VCF is an empty (0-byte) file", "Re-export the VCF")
    if not path.name.endswith(VCF_SUFFIXES):
        raise InputError(path, "is not named like a VCF", f"Give a file ending in {', '.join(VCF_SUFFIXES)}")
    if _is_plain_gzip(path):
        raise InputError(
            path, "is compressed with plain gzip, not bgzip (htslib needs BGZF blocks)",
            f"Recompress it: gzip -dc {path} | bgzip -c > fixed.vcf.gz",
        )  # fmt: skip
    previous = pysam.set_verbosity(0)  # htslib's own messages would bury ours
    try:
        return pysam.VariantFile(str(path))
    except (OSError, ValueError) as error:
        reason = str(error)
        if "does not have valid header" in reason:
            reason = _header_problem(path) or "no valid VCF header: is the #CHROM line missing?"
        fix = "Re-copy or re-export the file" if "truncated" in reason else "Fix the header or re-export the VCF"
        raise InputError(path, f"cannot be read as VCF/BCF ({reason})", fix) from None
    finally:
        pysam.set_verbosity(previous)


def _header_problem(path: Path) -> str | None:
    """Say what is wrong with a #CHROM line htslib refused (it only says the header is invalid)."""
    import gzip

    with open(path, "rb") as raw:
        opener = gzip.open if raw.read(2) == b"\x1f\x8b" else open
    try:
        with opener(path, "rt", encoding="utf-8", errors="replace") as handle:
            for number, line in enumerate(handle, start=1):
                if line.startswith("#CHROM"):
                    text = line.rstrip("\n").rstrip("\r")
                    if text != text.rstrip():
                        return f"the #CHROM header line (line {number}) ends in whitespace (a trailing tab?)"
                    if " " in text and "\t" not in text:
                        return f"the #CHROM header line (line {number}) is separated by spaces, not tabs"
                    return None
                if not line.startswith("#"):
                    break
    except OSError:
        return None
    return "no #CHROM header line before the first record"


def scan_records(path: str | Path) -> int:
    """Read every record once: unparsable lines, a truncated end, unsorted or duplicated records stop here,
    named by record number and position, instead of failing (or silently misbehaving) in a later stage.
    The positions are read by htslib into Arrow and checked as arrays (a genome in seconds); a file htslib
    cannot read through is read again record by record, to name the record that fails."""
    import pyarrow as pa  # slow to import: only where a whole file is read

    from rarevar.genotype_table import query_table

    path = Path(path)
    previous = pysam.set_verbosity(0)  # htslib's own messages would bury ours
    try:
        table = query_table(str(path), "%CHROM\t%POS\t%REF\t%ALT\n", ["chrom", "pos", "ref", "alt"],
                            {"chrom": pa.string(), "pos": pa.int64(), "ref": pa.string(), "alt": pa.string()})
    except (BcftoolsError, pa.ArrowInvalid):
        return _scan_one_by_one(path)
    finally:
        pysam.set_verbosity(previous)
    first_bad = _first_out_of_order(table)
    if first_bad is not None:
        here, last = _record_at(table, first_bad), _record_at(table, first_bad - 1)
        earlier = set(table["chrom"].slice(0, first_bad).to_pylist()) - {last[0]}
        _check_order(path, first_bad + 1, here, last, earlier)
    return table.num_rows


def _record_at(table: pa.Table, i: int) -> tuple:
    alt = table["alt"][i].as_py()
    return table["chrom"][i].as_py(), table["pos"][i].as_py(), table["ref"][i].as_py(), \
        (None if alt == "." else tuple(alt.split(",")))


def _first_out_of_order(table: pa.Table) -> int | None:
    """Row of the first record that comes before its predecessor, repeats it, or returns to a finished contig."""
    import pyarrow.compute as pc

    if table.num_rows < 2:
        return None
    contig = pc.dictionary_encode(table["chrom"]).combine_chunks().indices.to_numpy(zero_copy_only=False)
    pos = table["pos"].to_numpy()
    same_contig = contig[1:] == contig[:-1]
    backwards = same_contig & (pos[1:] < pos[:-1])
    same_site = same_contig & (pos[1:] == pos[:-1])
    for allele in ("ref", "alt"):
        values = table[allele].combine_chunks()
        same_site &= pc.equal(values.slice(1), values.slice(0, len(values) - 1)).to_numpy(zero_copy_only=False)
    run_starts = np.flatnonzero(np.concatenate([[True], ~same_contig]))
    _, first_run = np.unique(contig[run_starts], return_index=True)
    returning = np.zeros(len(contig), dtype=bool)
    returning[np.setdiff1d(run_starts, run_starts[first_run])] = True
    bad = np.flatnonzero(np.concatenate([[False], backwards | same_site]) | returning)
    return int(bad[0]) if len(bad) else None


def _scan_one_by_one(path: Path) -> int:
    previous = pysam.set_verbosity(0)  # htslib's own messages would bury ours
    seen_contigs: set[str] = set()
    last: tuple | None = None
    count = 0
    try:
        with open_vcf(path) as vcf:
            iterator = iter(vcf)
            while True:
                try:
                    record = next(iterator)
                except StopIteration:
                    break
                except (OSError, ValueError) as error:
                    after = f"after record {count} ({last[0]}:{last[1]})" if last else "at the first record"
                    raise InputError(path, f"a record cannot be read ({error})", "Fix or re-export the VCF",
                                     f"record {count + 1}, {after}") from None  # fmt: skip
                count += 1
                here = (record.chrom, record.pos, record.ref, record.alts)
                _check_order(path, count, here, last, seen_contigs)
                last = here
    finally:
        pysam.set_verbosity(previous)
    return count


def _check_order(path: Path, count: int, here: tuple, last: tuple | None, seen_contigs: set[str]) -> None:
    where = f"record {count} ({here[0]}:{here[1]})"
    if last and here[0] == last[0] and here[1] < last[1]:
        raise InputError(path, f"records are not sorted: {here[0]}:{here[1]} comes after {last[0]}:{last[1]}",
                         "Sort it: bcftools sort -Oz -o sorted.vcf.gz", where)  # fmt: skip
    if last and here[0] != last[0]:
        if here[0] in seen_contigs:
            raise InputError(path, f"records are not sorted: contig {here[0]} appears again after {last[0]}",
                             "Sort it: bcftools sort -Oz -o sorted.vcf.gz", where)  # fmt: skip
        seen_contigs.add(last[0])
    if last == here:
        raise InputError(path, f"record {here[0]}:{here[1]} {here[2]}>{','.join(here[3] or ())} is duplicated",
                         "Remove duplicates: bcftools norm -d exact", where)  # fmt: skip


def read_fai(reference: Path) -> dict[str, int]:
    fai = Path(f"{reference}.fai")
    if not fai.is_file():
        raise InputError(reference, "reference FASTA has no .fai index", f"Run `samtools faidx {reference}`")
    lengths = {}
    with open(fai, encoding="utf-8") as handle:
        for line in handle:
            name, length = line.split("\t")[:2]
            lengths[name] = int(length)
    return lengths


def check_vcf(path: str | Path, ped_samples: list[str], reference: Path) -> list[str]:
    """Raise InputError on the first problem; return the VCF's sample ids."""
    with open_vcf(path) as vcf:
        header = vcf.header
        if "GT" not in header.formats:
            raise InputError(path, "has no FORMAT/GT (genotype) field", "Give a genotyped VCF, not a sites-only file")
        samples = list(header.samples)
        missing = [s for s in ped_samples if s not in samples]
        if missing:
            raise InputError(
                path,
                f"sample(s) {', '.join(repr(s) for s in missing)} of the PED are not in the VCF "
                f"(VCF samples: {', '.join(samples) or 'none'})",
                "Make the PED sample ids match the VCF, or set a parent that was not sequenced to 0",
            )
        contigs = {name: header.contigs[name].length for name in header.contigs}
        if not contigs:
            contigs = {record.chrom: None for _, record in zip(range(1000), vcf, strict=False)}
    check_contigs(path, contigs, reference)
    return samples


# chr1 (and chrX) lengths name the build a VCF was called on.
BUILD_LENGTHS = {
    ("1", 249_250_621): "GRCh37",
    ("1", 248_956_422): "GRCh38",
    ("X", 155_270_560): "GRCh37",
    ("X", 156_040_895): "GRCh38",
}


def build_of(name: str, length: int | None) -> str | None:
    return BUILD_LENGTHS.get((strip_chr(name).upper(), length))


def check_contigs(path, contigs: dict[str, int | None], reference: Path) -> None:
    """VCF contig names and lengths must be those of the reference (naming, and the genome build)."""
    ref = read_fai(reference)
    shared = [name for name in contigs if name in ref]
    for name in shared:
        if contigs[name] is not None and contigs[name] != ref[name]:
            vcf_build, ref_build = build_of(name, contigs[name]), build_of(name, ref[name])
            builds = (
                f": the VCF is {vcf_build}, the reference {ref_build}"
                if vcf_build and ref_build
                else " (a different genome build?)"
            )
            raise InputError(
                path,
                f"contig {name} is {contigs[name]:,} bp in the VCF but {ref[name]:,} bp in the reference "
                f"{reference}{builds}",
                "Use a reference and resources of the VCF's genome build (genome_build in the config)",
            )
    if contigs and not shared:
        renamed = [name for name in contigs if _toggle_chr(name) in ref]
        hint = (
            f"the VCF names contigs like '{renamed[0]}' and the reference like '{_toggle_chr(renamed[0])}'"
            if renamed
            else f"none of its contigs ({', '.join(list(contigs)[:5])}) is in the reference"
        )
        raise InputError(
            path,
            f"contigs do not match the reference {reference}: {hint}",
            "Rename the contigs (bcftools annotate --rename-chrs) or use the matching reference",
        )


def _toggle_chr(name: str) -> str:
    return strip_chr(name) if name.lower().startswith("chr") else f"chr{name}"
