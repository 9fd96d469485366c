"""bcftools through pysam (no separate install): each call raises a readable error on failure."""

from __future__ import annotations

import os

import pysam
import pysam.bcftools as _bcftools
import pysam.version


class BcftoolsError(RuntimeError):
    pass


def bcftools(command: str, *args: str) -> str:
    """Run `bcftools <command> <args>`; return its stdout (empty when writing with -o)."""
    try:
        return getattr(_bcftools, command)(*args, catch_stdout=False) or ""
    except pysam.utils.SamtoolsError as error:
        raise BcftoolsError(f"bcftools {command} failed: {error}") from None


def versions() -> dict[str, str]:
    return {
        "pysam": pysam.version.__version__,
        "htslib": pysam.version.__htslib_version__,
        "bcftools": pysam.version.__bcftools_version__,
    }


def count_records(path: str) -> int:
    """Records in a VCF/BCF, from its index when it has one."""
    if not any(os.path.exists(f"{path}.{ext}") for ext in ("csi", "tbi")):
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


def vcf_samples(path: str) -> list[str]:
    with pysam.VariantFile(path) as vcf:
        return list(vcf.header.samples)


def _read_through(path: str) -> int:
    # cyvcf2 reads in order without looking for an index (pysam logs a missing one as an htslib error).
    import cyvcf2

    vcf = cyvcf2.VCF(path)
    try:
        return sum(1 for _ in vcf)
    finally:
        vcf.close()
