"""Checks on a VCF before any work: readable, genotyped, the right samples, the configured reference."""

from __future__ import annotations

from pathlib import Path

import pysam

from rarevar.errors import InputError
from rarevar.genome import strip_chr

VCF_SUFFIXES = (".vcf", ".vcf.gz", ".vcf.bgz", ".bcf")


def open_vcf(path: str | Path) -> pysam.VariantFile:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "VCF does not exist", "Check the `vcf` path in the families sheet")
    if path.stat().st_size == 0:
        raise InputError(path, "VCF is an empty (0-byte) file", "Re-export the VCF")
    if not path.name.endswith(VCF_SUFFIXES):
        raise InputError(path, "is not named like a VCF", f"Give a file ending in {', '.join(VCF_SUFFIXES)}")
    try:
        return pysam.VariantFile(str(path))
    except (OSError, ValueError) as error:
        raise InputError(path, f"cannot be read as VCF/BCF ({error})", "Check that it is a valid VCF") from None


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


def check_contigs(path, contigs: dict[str, int | None], reference: Path) -> None:
    """VCF contig names and lengths must be those of the reference (naming, and the genome build)."""
    ref = read_fai(reference)
    shared = [name for name in contigs if name in ref]
    for name in shared:
        if contigs[name] is not None and contigs[name] != ref[name]:
            raise InputError(
                path,
                f"contig {name} is {contigs[name]:,} bp in the VCF but {ref[name]:,} bp in the reference "
                f"{reference} (a different genome build?)",
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
