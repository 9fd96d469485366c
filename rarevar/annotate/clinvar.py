"""ClinVar: significance, review status as stars, conditions, and the codon look-ups ACMG PS1/PM5 need.

`build_clinvar_store` turns NCBI's clinvar.vcf.gz into a store matched to the configured reference: contigs
named as in the reference, alleles split and left-aligned, only the fields rarevar uses, indexed; beside it a
table of the protein changes of its pathogenic missense variants (from bcftools csq on the gene models), so a
candidate can be checked for "same amino-acid change" and "other pathogenic change at this codon".
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pysam

from rarevar.base.atomic import publish_indexed, temporary_name, write_bytes_atomic
from rarevar.base.bcftools import bcftools, count_records
from rarevar.base.genome import strip_chr
from rarevar.inputs.vcfcheck import read_fai

KEEP_INFO = ("CLNSIG", "CLNREVSTAT", "CLNDN", "GENEINFO", "ALLELEID")
# ClinVar review status -> gold stars (https://www.ncbi.nlm.nih.gov/clinvar/docs/review_status/).
STARS = {
    "practice_guideline": 4,
    "reviewed_by_expert_panel": 3,
    "criteria_provided,_multiple_submitters,_no_conflicts": 2,
    "criteria_provided,_multiple_submitters": 2,
    "criteria_provided,_single_submitter": 1,
    "criteria_provided,_conflicting_classifications": 1,
    "criteria_provided,_conflicting_interpretations": 1,
}
PATHOGENIC = re.compile(r"^(Pathogenic|Likely_pathogenic|Pathogenic/Likely_pathogenic)(\b|$)")
BENIGN = re.compile(r"^(Benign|Likely_benign|Benign/Likely_benign)(\b|$)")
# bcftools expression matching the same: used to keep ClinVar (likely) pathogenic variants past the frequency filter.
PATHOGENIC_FILTER = 'INFO/CLNSIG~"^Pathogenic" || INFO/CLNSIG~"^Likely_pathogenic"'
CODON_COLUMNS = ("gene", "transcript", "aa_pos", "ref_aa", "alt_aa", "significance", "stars", "clinvar_id", "variant")


def stars(review_status: str | None) -> int:
    return STARS.get((review_status or "").strip(), 0)


def is_pathogenic(significance: str | None) -> bool:
    return bool(significance and PATHOGENIC.match(significance))


def is_benign(significance: str | None) -> bool:
    return bool(significance and BENIGN.match(significance))


def info_text(value) -> str:
    """An INFO value as text: None as '', multi-valued as one comma-joined string."""
    if value is None:
        return ""
    # Number=. fields come back split at commas ("criteria_provided", "_single_submitter"): rejoin them.
    return ",".join(map(str, value)) if isinstance(value, tuple) else str(value)


def _store_header(source: pysam.VariantHeader, reference_lengths: dict[str, int]) -> pysam.VariantHeader:
    header = pysam.VariantHeader()
    for name, length in reference_lengths.items():
        header.contigs.add(name, length=length)
    for line in str(source).splitlines():
        if line.startswith("##fileDate") or line.startswith("##source") or line.startswith("##reference"):
            header.add_line(line.replace("##", "##clinvar_", 1))
    for key in KEEP_INFO:
        if key in source.info:
            meta = source.info[key]
            header.add_meta("INFO", items=[("ID", key), ("Number", meta.number), ("Type", meta.type),
                                           ("Description", meta.description)])  # fmt: skip
    header.add_meta("INFO", items=[("ID", "CLNVID"), ("Number", 1), ("Type", "Integer"),
                                   ("Description", "ClinVar variation ID")])  # fmt: skip
    return header


def _canonical(contig: str) -> str:
    name = strip_chr(contig).upper()
    return "MT" if name == "M" else name


def contig_renamer(reference: dict[str, int]):
    """ClinVar writes '1', 'X', 'MT'; the reference may say 'chr1', 'chrX', 'chrM'. None: not in the reference."""
    by_canonical = {_canonical(name): name for name in reference}
    cache: dict[str, str | None] = {}

    def rename(contig: str) -> str | None:
        if contig not in cache:
            cache[contig] = by_canonical.get(_canonical(contig))
        return cache[contig]

    return rename


def build_clinvar_store(vcf: str, reference: str, genes: str, out: str) -> dict:
    """Write `out` (BCF + .csi) and `<out>.codons.tsv.gz`; return counts."""
    lengths = read_fai(Path(reference))
    slim = temporary_name(out, "slim", ".bcf")
    with pysam.VariantFile(vcf) as source:
        rename = contig_renamer(lengths)
        header = _store_header(source.header, lengths)
        kept = skipped = 0
        with pysam.VariantFile(slim, "wb", header=header) as sink:
            for record in source:
                contig = rename(record.chrom)
                if contig is None or not record.alts or any(a.startswith("<") for a in record.alts):
                    skipped += 1  # other contigs or symbolic alleles: outside what this store annotates
                    continue
                new = header.new_record(contig=contig, start=record.start, alleles=record.alleles, id=record.id)
                for key in KEEP_INFO:
                    if key in record.info and key in header.info:
                        new.info[key] = record.info[key]
                if record.id and record.id.isdigit():
                    new.info["CLNVID"] = int(record.id)
                sink.write(new)
                kept += 1
    tmp = temporary_name(out)
    try:
        bcftools("norm", "--no-version", "-m", "-any", "-f", reference, "--check-ref", "w", "-Ob", "-o", tmp, "-W",
                 slim)  # fmt: skip
    finally:
        os.unlink(slim)
    publish_indexed(tmp, out)
    n_codons = write_codon_table(out, reference, genes, f"{out}.codons.tsv.gz")
    return {"records_in": kept + skipped, "records_kept": kept, "skipped": skipped,
            "records_out": count_records(out), "pathogenic_missense_codons": n_codons}  # fmt: skip


def write_codon_table(store: str, reference: str, genes: str, out: str) -> int:
    """Protein changes of the store's (likely) pathogenic missense variants, from bcftools csq."""
    annotated = temporary_name(out, "csq", ".bcf")
    # csq runs in a child process: pysam's bcftools keeps state between calls in one process.
    subprocess.run(
        [sys.executable, "-c", "import sys, pysam.bcftools as b; b.csq(*sys.argv[1:], catch_stdout=False)",
         "--no-version", "-f", reference, "-g", genes, "-s", "-", "-l", "--force", "-i", PATHOGENIC_FILTER,
         "-Ob", "-o", annotated, "-W", store],
        check=True, capture_output=True,
    )  # fmt: skip
    rows = []
    try:
        with pysam.VariantFile(annotated) as vcf:
            for record in vcf:
                rows.extend(_codon_rows(record))
    finally:
        for path in (annotated, f"{annotated}.csi"):
            Path(path).unlink(missing_ok=True)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(CODON_COLUMNS)
    writer.writerows(sorted(set(rows)))
    write_bytes_atomic(out, gzip.compress(buffer.getvalue().encode(), mtime=0))
    return len(set(rows))


MISSENSE_CHANGE = re.compile(r"^(\d+)([A-Z])>\1([A-Z])$")


def _codon_rows(record) -> list[tuple]:
    rows = []
    significance = info_text(record.info.get("CLNSIG"))
    if not is_pathogenic(significance):
        return rows
    review = stars(info_text(record.info.get("CLNREVSTAT")))
    variant = f"{record.chrom}:{record.pos}:{record.ref}:{record.alts[0]}"
    for entry in record.info.get("BCSQ") or ():
        fields = entry.split("|")
        if len(fields) < 6 or "missense" not in fields[0]:
            continue
        match = MISSENSE_CHANGE.match(fields[5])
        if match:
            pos, ref_aa, alt_aa = match.groups()
            rows.append((fields[1], fields[2], int(pos), ref_aa, alt_aa, significance, review,
                         str(record.info.get("CLNVID", "")), variant))  # fmt: skip
    return rows


@dataclass(frozen=True)
class CodonHit:
    clinvar_id: str
    variant: str
    alt_aa: str
    significance: str
    stars: int


def read_codon_table(path: str) -> dict[tuple[str, int], list[CodonHit]]:
    """(transcript, amino-acid position) -> ClinVar (likely) pathogenic missense changes there."""
    table: dict[tuple[str, int], list[CodonHit]] = {}
    if not path or not Path(path).is_file():
        return table
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            hit = CodonHit(row["clinvar_id"], row["variant"], row["alt_aa"], row["significance"], int(row["stars"]))
            table.setdefault((row["transcript"].split(".")[0], int(row["aa_pos"])), []).append(hit)
    return table


def _one_letter(three: str) -> str:
    from rarevar.annotate.consequence import AA3

    return {v: k for k, v in AA3.items()}.get(three, "")


PROTEIN_MISSENSE = re.compile(r"^p\.\(?([A-Z][a-z]{2})(\d+)([A-Z][a-z]{2})\)?$")


def codon_evidence(table: dict, transcript: str, hgvs_p: str) -> dict[str, list[CodonHit]]:
    """ClinVar (likely) pathogenic missense changes at the candidate's codon: the same amino-acid change
    (ACMG PS1) or another one (PM5). Transcript versions are ignored, since sources differ in them."""
    match = PROTEIN_MISSENSE.match(hgvs_p or "")
    empty: dict[str, list[CodonHit]] = {"same_amino_acid_change": [], "other_change_at_codon": []}
    if not match or not table:
        return empty
    ref, pos, alt = match.groups()
    hits = table.get((transcript.split(".")[0], int(pos)), [])
    alt_letter = _one_letter(alt)
    return {
        "same_amino_acid_change": [h for h in hits if h.alt_aa == alt_letter],
        "other_change_at_codon": [h for h in hits if h.alt_aa != alt_letter],
    }
