"""A reference FASTA and gene models that fit a simulated genome-scale trio, so the whole workflow can run on it.

The trio's REF bases are random (rarevar.simulate.genome). Here every contig becomes random sequence with each
record's REF written at its position, so `bcftools norm --check-ref e` accepts every record. One gene model (a
single-exon protein-coding transcript, canonical) is laid around the planted causal de novo: its codons are sense
codons, and the planted SNV sits in the middle base of a codon chosen so that both the reference and the
alternate codon code for an amino acid: the planted variant is a missense change, as a real causal one would be.
Other trio records inside the gene keep their own REF bases (they may change codons, as real variants do).
"""

from __future__ import annotations

import itertools
import os
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pysam

from rarevar.base.atomic import temporary_name
from rarevar.base.bcftools import bcftools
from rarevar.simulate.demo import FASTA_WIDTH
from rarevar.simulate.genome import BASES

STOPS = {"TAA", "TAG", "TGA"}
SENSE = ["".join(c) for c in itertools.product("ACGT", repeat=3) if "".join(c) not in STOPS and "".join(c) != "ATG"]
CODONS_AROUND = 150  # codons of the planted gene's CDS on each side of the planted codon
CHUNK = 1 << 24  # bases drawn at a time: memory stays near one chromosome's bytes


def record_refs(trio_vcf: str) -> pa.Table:
    """CHROM, POS, REF of every trio record, read as columns (bcftools query + pyarrow), not record by record."""
    with tempfile.TemporaryDirectory() as tmp:
        tsv = os.path.join(tmp, "refs.tsv")
        bcftools("query", "-f", "%CHROM\t%POS\t%REF\n", "-o", tsv, trio_vcf)  # to a file: large outputs
        return _read_refs(tsv)


def _read_refs(tsv: str) -> pa.Table:
    options = pacsv.ParseOptions(delimiter="\t")
    names = pacsv.ReadOptions(column_names=["chrom", "pos", "ref"])
    types = pacsv.ConvertOptions(column_types={"chrom": pa.string(), "pos": pa.int64(), "ref": pa.string()})
    return pacsv.read_csv(tsv, read_options=names, parse_options=options,
                          convert_options=types)  # fmt: skip


def random_sequence(rng: np.random.Generator, length: int) -> np.ndarray:
    sequence = np.empty(length, dtype=np.uint8)
    for start in range(0, length, CHUNK):
        end = min(start + CHUNK, length)
        sequence[start:end] = BASES[rng.integers(0, 4, size=end - start, dtype=np.uint8)]
    return sequence


def place_refs(sequence: np.ndarray, pos: np.ndarray, refs: list[str]) -> None:
    """Write each REF at its 1-based position; vectorised per REF length (they are short)."""
    lengths = np.fromiter((len(r) for r in refs), dtype=np.int64, count=len(refs))
    joined = np.frombuffer("".join(refs).encode("ascii"), dtype=np.uint8)
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    for k in range(int(lengths.max(initial=0))):
        has = lengths > k
        sequence[pos[has] - 1 + k] = joined[offsets[has] + k]


def planted_codon(ref: str, alt: str) -> tuple[str, str]:
    """First and third bases around a middle base such that REF and ALT both make sense codons."""
    for first, third in itertools.product("ACGT", repeat=2):
        if f"{first}{ref}{third}" in SENSE and f"{first}{alt}{third}" in SENSE:
            return first, third
    raise ValueError(f"no sense codon around {ref}>{alt}")


def lay_gene(rng: np.random.Generator, sequence: np.ndarray, planted: dict) -> tuple[int, int]:
    """Write the planted gene's CDS (ATG, sense codons, TAA) around the planted SNV; return its 1-based span."""
    middle = planted["pos"] - 1  # 0-based position of the planted codon's middle base
    start = middle - 1 - 3 * (CODONS_AROUND + 1)  # the ATG, CODONS_AROUND codons before the planted one
    while start < 0:
        start += 3
    codons = rng.choice(SENSE, size=2 * CODONS_AROUND + 1)
    first, third = planted_codon(planted["ref"], planted["alt"])
    codons[(middle - 1 - start - 3) // 3] = f"{first}{planted['ref']}{third}"
    cds = ("ATG" + "".join(codons) + "TAA").encode("ascii")
    end = min(start + len(cds), len(sequence))
    sequence[start:end] = np.frombuffer(cds[: end - start], dtype=np.uint8)
    return start + 1, end


def write_fasta_contig(handle, name: str, sequence: np.ndarray) -> None:
    handle.write(f">{name}\n".encode())
    full = len(sequence) // FASTA_WIDTH * FASTA_WIDTH
    lines = np.empty((full // FASTA_WIDTH, FASTA_WIDTH + 1), dtype=np.uint8)
    lines[:, :FASTA_WIDTH] = sequence[:full].reshape(-1, FASTA_WIDTH)
    lines[:, FASTA_WIDTH] = ord("\n")
    handle.write(lines.tobytes())
    if full < len(sequence):
        handle.write(sequence[full:].tobytes() + b"\n")


def gene_lines(chrom: str, start: int, end: int, symbol: str) -> str:
    gene, transcript = f"gene:SIMG_{symbol}", f"transcript:SIMT_{symbol}"
    attributes = {
        "gene": f"ID={gene};Name={symbol};biotype=protein_coding",
        "mRNA": f"ID={transcript};Parent={gene};Name={symbol}-201;biotype=protein_coding;tag=Ensembl_canonical",
        "exon": f"Parent={transcript};rank=1",
        "CDS": f"ID=CDS:SIMP_{symbol};Parent={transcript}",
    }
    phase = {"CDS": "0"}
    return "".join(f"{chrom}\tsimulated\t{kind}\t{start}\t{end}\t.\t+\t{phase.get(kind, '.')}\t{attrs}\n"
                   for kind, attrs in attributes.items())  # fmt: skip


def write_reference(out: str | Path, trio_vcf: str, contigs: dict[str, int], planted: dict | None,
                    seed: int = 1) -> dict:  # fmt: skip
    """reference.fa (+ .fai) holding every trio REF, and genes.gff3.gz with the planted gene; return their names."""
    out = Path(out)
    refs = record_refs(trio_vcf)
    by_contig = refs.group_by("chrom").aggregate([("pos", "list"), ("ref", "list")])
    placed = dict(zip(by_contig["chrom"].to_pylist(), zip(by_contig["pos_list"].to_pylist(),
                                                          by_contig["ref_list"].to_pylist(), strict=True),
                      strict=True))  # fmt: skip
    fasta_tmp = Path(temporary_name(out / "reference.fa"))
    gene_span = None
    with open(fasta_tmp, "wb") as handle:
        for index, (name, length) in enumerate(contigs.items()):
            rng = np.random.default_rng([seed, 7, index])
            sequence = random_sequence(rng, length)
            if planted and name == planted["chrom"]:
                gene_span = lay_gene(rng, sequence, planted)
            if name in placed:
                pos, ref = placed[name]
                place_refs(sequence, np.asarray(pos, dtype=np.int64), ref)
            write_fasta_contig(handle, name, sequence)
    fasta = out / "reference.fa"
    os.replace(fasta_tmp, fasta)
    pysam.faidx(str(fasta))
    gff_text = "##gff-version 3\n"
    if gene_span:
        gff_text += gene_lines(planted["chrom"], *gene_span, planted.get("gene") or "PLANTED")
    gff_tmp = Path(temporary_name(out / "genes.gff3.gz"))
    with pysam.BGZFile(str(gff_tmp), "wb") as handle:
        handle.write(gff_text.encode())
    os.replace(gff_tmp, out / "genes.gff3.gz")
    return {"reference": fasta.name, "genes": "genes.gff3.gz", "gene_span": gene_span}
