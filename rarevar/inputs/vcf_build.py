"""The genome build a family VCF was called on, read from its header: the lengths of its ##contig lines (against the
GRC assembly reports) or the build its ##reference / ##assembly line names (rarevar.inputs.resource_build reads
both for resources, and its readers are used here). A run without a reference FASTA has nothing else to hold the
VCF to, so a one-family run says which build it found, and a run of another build is refused naming both."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rarevar.base.genome import strip_chr
from rarevar.errors import InputError
from rarevar.inputs.resource_build import build_of, declared_build
from rarevar.inputs.vcfcheck import open_vcf

MITOCHONDRIA = {"M", "MT"}  # 16,569 bp in both builds (rCRS): says nothing about the build


@dataclass(frozen=True)
class DetectedBuild:
    build: str
    evidence: str  # what in the header says so, for the reader: "##contig 1 is 249,250,621 bp"


def detect_build(path: str | Path) -> DetectedBuild | None:
    """The human build the VCF's header names, contig lengths first (what the caller wrote from its reference),
    else its ##reference/##assembly line; None when neither says (no lengths, no build named, or lengths of two
    builds)."""
    with open_vcf(path) as vcf:
        header = str(vcf.header).splitlines()
        lengths = {name: contig.length for name, contig in vcf.header.contigs.items()}
    found = {}
    for name, length in lengths.items():
        build = build_of(name, length) if length and strip_chr(name).upper() not in MITOCHONDRIA else None
        if build:
            found.setdefault(build, f"##contig {name} is {length:,} bp")
    if len(found) == 1:
        build, evidence = next(iter(found.items()))
        return DetectedBuild(build, evidence)
    declared = declared_build(header) if not found else None
    if declared:
        return DetectedBuild(declared[0], declared[1][:100])
    return None


def check_vcf_build(path: str | Path, build: str) -> None:
    """Refuse a VCF whose header says another build than the run's, naming both (used without a reference FASTA,
    where the contig check against the reference cannot run)."""
    detected = detect_build(path)
    if detected and detected.build != build:
        raise InputError(path, f"the VCF is {detected.build} ({detected.evidence}) but the run's genome build is "
                         f"{build}", f"Run with --build {detected.build} (genome_build: {detected.build}), or give "
                         f"the VCF of {build}")  # fmt: skip
