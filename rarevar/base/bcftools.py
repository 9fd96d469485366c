"""bcftools through pysam (no separate install): each call raises a readable error on failure."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
from typing import TYPE_CHECKING

import pysam
import pysam.bcftools as _bcftools
import pysam.version

if TYPE_CHECKING:
    import pyarrow as pa


class BcftoolsError(RuntimeError):
    pass


FULL = 4 * 1024 * 1024  # bytes free below which a failed write is taken for a full disk (BGZF blocks are 64 KB)


def _free_bytes(path: str) -> float:
    try:
        return shutil.disk_usage(os.path.dirname(os.path.abspath(path))).free
    except OSError:
        return float("inf")


def _close_leaked(written: str) -> None:
    """bcftools runs in this process and leaves the file it failed to write open: closed, so that removing it
    frees the space (and the error can then be written to the job's log on the same disk)."""
    target = os.path.abspath(written)
    with contextlib.suppress(OSError):
        for fd in os.listdir("/proc/self/fd"):
            with contextlib.suppress(OSError):
                if os.readlink(f"/proc/self/fd/{fd}").startswith(target):
                    os.close(int(fd))


def bcftools(command: str, *args: str) -> str:
    """Run `bcftools <command> <args>`; return its stdout (empty when writing with -o)."""
    try:
        return getattr(_bcftools, command)(*args, catch_stdout=False) or ""
    except pysam.utils.SamtoolsError as error:
        # On a full disk bcftools says only "cannot write to ..." or "close failed": told as the full disk it is
        # (checked now, before the caller removes its temporaries), not as a fault of the input.
        written = args[args.index("-o") + 1] if "-o" in args[:-1] else args[-1] if args else "."
        failed_writing = "write" in str(error) or "close failed" in str(error)
        if failed_writing and _free_bytes(written) < FULL:
            _close_leaked(written)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), written) from None
        raise BcftoolsError(f"bcftools {command} failed: {error}") from None


def versions() -> dict[str, str]:
    return {
        "pysam": pysam.version.__version__,
        "htslib": pysam.version.__htslib_version__,
        "bcftools": pysam.version.__bcftools_version__,
    }


def count_records(path: str) -> int:
    """Records in a VCF/BCF, from its index when it has one."""
    if not has_index(path):
        return _read_through(path)
    try:
        out = _bcftools.index("--nrecords", path)
        return int(out.strip())
    except (pysam.utils.SamtoolsError, ValueError):
        return _read_through(path)


def records_in(path: str, contigs: str | None = None) -> int:
    """Records of an indexed VCF/BCF on these chromosomes (comma-separated; None: all), from the index."""
    if contigs is None:
        return count_records(path)
    wanted = set(contigs.split(","))
    # `bcftools index -s`: one line per chromosome with records: name, length, records
    lines = _bcftools.index("-s", path).splitlines()
    return sum(int(fields[2]) for fields in (line.split("\t") for line in lines) if fields[0] in wanted)


def has_index(path: str) -> bool:
    return any(os.path.exists(f"{path}.{ext}") for ext in ("csi", "tbi"))


def read_in_order(path: str) -> pysam.VariantFile:
    """A VCF/BCF opened to be read from start to end, which needs no index. pysam looks for one on opening, and
    htslib logs a missing one as an error ("Could not retrieve index file"): that look-up is quiet when no index is
    beside the file. Only the opening is quiet: a file that cannot be opened still raises, and htslib's messages
    about records, or about an index that is there but damaged or older than the data, are still written."""
    if has_index(path):
        return pysam.VariantFile(path)
    previous = pysam.set_verbosity(0)
    try:
        return pysam.VariantFile(path)
    finally:
        pysam.set_verbosity(previous)


def vcf_samples(path: str) -> list[str]:
    with read_in_order(path) as vcf:
        return list(vcf.header.samples)


def _read_through(path: str) -> int:
    # cyvcf2 reads in order without looking for an index (pysam logs a missing one as an htslib error).
    import cyvcf2

    vcf = cyvcf2.VCF(path)
    try:
        return sum(1 for _ in vcf)
    finally:
        vcf.close()


def query_table(path: str, query: str, columns: list[str], types: dict[str, pa.DataType]) -> pa.Table:
    """`bcftools query -f query` of `path`, parsed into an Arrow table (missing values '.' become nulls)."""
    import pyarrow as pa  # slow to import: only where a whole file is read
    import pyarrow.csv as pacsv

    handle, tsv = tempfile.mkstemp(suffix=".tsv", prefix=".genotypes")
    os.close(handle)
    try:
        bcftools("query", "-f", query, "-o", tsv, path)
        if not os.path.getsize(tsv):  # no records (Arrow refuses an empty CSV)
            return pa.table({c: pa.array([], type=types.get(c, pa.string())) for c in columns})
        return pacsv.read_csv(
            tsv,
            read_options=pacsv.ReadOptions(column_names=columns, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter="\t", quote_char=False),
            convert_options=pacsv.ConvertOptions(column_types=types, null_values=["."], strings_can_be_null=False),
        )
    finally:
        os.unlink(tsv)


def json_header_record(path: str, key: str) -> dict | None:
    """The JSON value of a `##key=...` header line rarevar wrote into a VCF/BCF; None when the file has none."""
    with pysam.VariantFile(path) as vcf:
        for record in vcf.header.records:
            if record.key == key:
                return json.loads(record.value)
    return None
