"""Resources that cannot serve the run are refused before any job, each with one line: a population or ClinVar store
without records, gene models without a gene or transcript, a reference FASTA without sequence, and a resource of
another genome build than the run's. The build is read from the resource's contig lengths (against the
reference's) and from what its header says (##reference, ##assembly, GFF3 #!genome-build). Left unchecked, each
would turn "not checked" into "not observed" for every variant, or annotate on the wrong coordinates."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

from rarevar.base.bcftools import count_records, read_in_order
from rarevar.base.genome import CHROMOSOMES
from rarevar.errors import InputError
from rarevar.inputs.config import resource_path
from rarevar.inputs.vcfcheck import read_fai

# A build as resource headers write it (file names of the GATK and 1000 Genomes references included).
BUILD_NAMES = (
    ("GRCh38", re.compile(r"grch38|hg38|\bb38\b|hs38|assembly38", re.I)),
    ("GRCh37", re.compile(r"grch37|hg19|\bb37\b|hs37|g1k_v37|assembly19", re.I)),
)
BUILD_LINE = re.compile(r"^(##reference=|##assembly=|#!genome-build\b|##genome-build\b)", re.I)
GENE_FEATURES = {"gene", "transcript", "mrna", "ncrna_gene", "pseudogene", "lnc_rna"}
HEADER_LINES = 10_000  # a header longer than this names no build we would find


def check_resource_contents(config: dict) -> None:
    build = config["genome_build"]
    reference = resource_path(config, "reference")
    contigs = None
    if reference is not None and reference.is_file():
        contigs = read_fai(reference)
        if not any(contigs.values()):
            raise InputError(reference, "the reference FASTA holds no sequence (its .fai lists no contig with bases)",
                             "Give the genome's FASTA (and index it: samtools faidx)")  # fmt: skip
    for name in ("population", "clinvar"):
        path = resource_path(config, name)
        if path is not None and path.is_file():
            check_store(path, f"{name} store", build, contigs)
    genes = resource_path(config, "genes")
    if genes is not None and genes.is_file():
        if not check_gene_models(genes, build, contigs) and _consequences_called(config):
            raise InputError(genes, "the gene models hold no gene or transcript feature: no consequence could be "
                             "called", "Give the Ensembl or GENCODE GFF3 of the genome build")  # fmt: skip


def _consequences_called(config: dict) -> bool:
    """Whether bcftools csq will call consequences from the gene models for some family: always with
    `consequence.source: bcftools-csq`, never with `input`, and with `auto` for a VCF without its own annotation."""
    from rarevar.inputs.annotation_header import detect_source
    from rarevar.inputs.families import read_families
    from rarevar.inputs.vcfcheck import open_vcf

    source = config.get("consequence", {}).get("source", "auto")
    if source != "auto":
        return source == "bcftools-csq"
    for row in read_families(config["families"]) if config.get("families") else []:
        try:
            with open_vcf(row.vcf) as vcf:
                annotated = detect_source(set(vcf.header.info))
        except (InputError, OSError, ValueError):
            continue  # an unreadable VCF is refused by the family checks, with its own message
        if not annotated:
            return True
    return False


def check_store(path: Path, what: str, build: str, contigs: dict[str, int] | None) -> None:
    with read_in_order(str(path)) as vcf:
        header = str(vcf.header).splitlines()
        lengths = {name: contig.length for name, contig in vcf.header.contigs.items()}
    check_build(path, what, header, lengths, build, contigs)
    if count_records(str(path)) == 0:
        raise InputError(path, f"the {what} holds no records: every variant would be reported as not observed in it",
                         "Build it again from the full source, or remove it from the config")  # fmt: skip


def check_gene_models(path: Path, build: str, contigs: dict[str, int] | None) -> bool:
    """The GFF3's header (#!genome-build, ##sequence-region) names the run's build; whether it holds a gene or
    transcript feature (without one, bcftools csq calls nothing)."""
    header, lengths, found = [], {}, False
    with (gzip.open if _gzipped(path) else open)(path, "rt", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            if line.startswith("#"):
                if len(header) < HEADER_LINES:
                    header.append(line.rstrip("\n"))
                fields = line.split()
                if fields[0] == "##sequence-region" and len(fields) == 4 and fields[3].isdigit():
                    lengths[fields[1]] = int(fields[3])
                continue
            fields = line.split("\t")
            if len(fields) > 4 and fields[2] in ("chromosome", "region") and fields[3] == "1" and fields[4].isdigit():
                lengths.setdefault(fields[0], int(fields[4]))  # Ensembl's whole-chromosome features
            if len(fields) > 2 and fields[2].lower() in GENE_FEATURES:
                found = True
                break
    check_build(path, "gene models", header, lengths, build, contigs)
    return found


def check_build(path: Path, what: str, header: list[str], lengths: dict[str, int | None], build: str,
                contigs: dict[str, int] | None) -> None:  # fmt: skip
    """The resource's contigs have the reference's lengths, and the build its header names is the run's."""
    for name, length in lengths.items():
        ours = (contigs or {}).get(name) or (contigs or {}).get(_toggle_chr(name))  # 1 and chr1 are one contig
        if length and ours and length != ours:
            theirs, reference = build_of(name, length), build_of(name, ours)
            builds = f" ({theirs} against the reference's {reference})" if theirs and reference else " (another build?)"
            raise InputError(path, f"contig {name} is {length:,} bp in the {what} but {ours:,} bp in the reference"
                             f"{builds}", f"Use the {what} of the run's genome build ({build})")  # fmt: skip
    declared = declared_build(header)
    if declared and declared[0] != build:
        said = declared[1][:80]
        raise InputError(path, f"the {what}: built for {declared[0]} (its header says '{said}'), but the run's "
                         f"genome build is {build}", f"Use the {what} of {build}, or fix genome_build")  # fmt: skip


def declared_build(header: list[str]) -> tuple[str, str] | None:
    """(build, the header line saying it) from the first header line naming a build."""
    for line in header:
        if BUILD_LINE.match(line):
            for name, pattern in BUILD_NAMES:
                if pattern.search(line):
                    return name, line
    return None


def build_of(name: str, length: int) -> str | None:
    """The human build whose chromosome `name` (with or without 'chr') has this length."""
    for build, lengths in CHROMOSOMES.items():
        if length in (lengths.get(name), lengths.get(_toggle_chr(name))):
            return build
    return None


def _toggle_chr(name: str) -> str:
    return name[3:] if name.lower().startswith("chr") else f"chr{name}"


def _gzipped(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"
