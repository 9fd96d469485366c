"""HGVS c./n. notation of a VCF allele on a transcript, from the Ensembl GFF3 gene models bcftools csq reads.

bcftools csq reports a protein change and a genomic DNA change but no coding position; this adds the c.
change as VEP writes it (varnomen.hgvs.org): c.1 is the A of the ATG, 5'UTR bases are c.-N, 3'UTR bases
c.*N, intronic bases c.N+k / c.N-k from the nearest exon (the middle base of an odd intron counts from the
exon before it), bases beyond the transcript's ends are numbered on (c.-N, c.*N), minus-strand alleles are
reverse-complemented, and deletions, duplications and insertions move to their most 3' position on the
transcript (along the genome, across exon/intron borders, as VEP does). Non-coding transcripts get n.
positions. A 5'-incomplete CDS is numbered from its missing first bases, as Ensembl numbers its protein.
"""

from __future__ import annotations

import gzip
from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property

import pysam

COMPLEMENT = str.maketrans("ACGTN", "TGCAN")
BASES = set("ACGTN")
PARTS = ("exon", "CDS", "five_prime_UTR", "three_prime_UTR")
CHUNK = 1000  # bases read at a time while 3'-shifting


def revcomp(seq: str) -> str:
    return seq.translate(COMPLEMENT)[::-1]


@dataclass(frozen=True)
class Transcript:
    chrom: str
    strand: str
    exons: tuple[tuple[int, int], ...]  # 1-based inclusive, genomic order
    cds: tuple[int, int] | None = None  # transcript positions of the first and last coding base
    pad: int = 0  # bases missing before the first codon of a 5'-incomplete CDS (Ensembl's start phase)

    @property
    def minus(self) -> bool:
        return self.strand == "-"

    @property
    def span(self) -> tuple[int, int]:
        return self.exons[0][0], self.exons[-1][1]

    @cached_property
    def _axis(self) -> list[tuple[int, int]]:
        """The exons on an axis that runs 5'->3' along the transcript (negated coordinates on the minus strand)."""
        return sorted((-e, -s) if self.minus else (s, e) for s, e in self.exons)

    def locate(self, pos: int) -> tuple[int, int]:
        """Genomic position -> (transcript position of the nearest exonic base, intron offset). Numbering
        runs on past the transcript's ends (0, -1 ... before its first base), as HGVS numbers flanking bases."""
        x, axis = -pos if self.minus else pos, self._axis
        if x < axis[0][0]:
            return x - axis[0][0] + 1, 0
        n = 0
        for i, (start, end) in enumerate(axis):
            if x < start:
                up, down = x - axis[i - 1][1], start - x
                return (n, up) if up <= down else (n + 1, -down)
            if x <= end:
                return n + x - start + 1, 0
            n += end - start + 1
        return n + x - axis[-1][1], 0

    def label(self, pos: int) -> str:
        """'412', '-14', '*25', '100+2', '-15-3' ... (without the 'c.')."""
        n, offset = self.locate(pos)
        first, last = self.cds or (1, sum(e - s + 1 for s, e in self.exons))
        if n < first:
            text = f"-{first - n}"
        elif n > last:
            text = f"*{n - last}"
        else:
            text = str(n - first + 1 + (self.pad if self.cds else 0))
        return text + (f"{offset:+d}" if offset else "")


def _trim(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Drop the bases REF and ALT share, the VCF padding base first: (first changed position, ref, alt)."""
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    return pos, ref, alt


def _bare(chrom: str) -> str:
    return chrom.removeprefix("chr")


class TranscriptModels:
    def __init__(
        self, transcripts: dict[str, Transcript], reference: str | None = None,
        tags: dict[str, frozenset[str]] | None = None,
    ):  # fmt: skip
        self.transcripts = transcripts
        self.fasta = pysam.FastaFile(reference) if reference else None
        self.tags = tags or {}  # transcript id -> GFF3 `tag=` values (MANE_Select, Ensembl_canonical, basic...)

    @classmethod
    def from_gff(cls, path: str, reference: str | None = None) -> TranscriptModels:
        """Transcripts (ID=transcript:...) with their exons and CDS from an Ensembl-style GFF3, plain or gzipped."""
        where: dict[str, tuple[str, str]] = {}
        tags: dict[str, frozenset[str]] = {}
        parts: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
        opener = gzip.open if str(path).endswith(".gz") else open
        with opener(path, "rt") as handle:
            for line in handle:
                fields = line.rstrip("\n").split("\t")
                if len(fields) < 9 or (fields[2] not in PARTS and "ID=transcript:" not in fields[8]):
                    continue  # comments, genes and everything else a transcript is not made of
                attrs = dict(kv.split("=", 1) for kv in fields[8].split(";") if "=" in kv)
                if attrs.get("ID", "").startswith("transcript:"):
                    where[attrs["ID"][11:]] = (fields[0], fields[6])
                    tags[attrs["ID"][11:]] = frozenset(attrs.get("tag", "").split(","))
                elif fields[2] in PARTS:
                    for parent in attrs.get("Parent", "").split(","):
                        if parent.startswith("transcript:"):
                            parts[parent[11:]][fields[2]].append((int(fields[3]), int(fields[4]), fields[7]))
        models = {tid: _build(chrom, strand, parts[tid]) for tid, (chrom, strand) in where.items() if tid in parts}
        return cls(models, reference, {tid: tags[tid] for tid in models})

    def transcript(self, transcript_id: str) -> Transcript | None:
        """The model of a transcript id, with or without its version."""
        return self.transcripts.get(transcript_id) or self.transcripts.get(transcript_id.split(".")[0])

    def hgvs_c(self, transcript: str, chrom: str, pos: int, ref: str, alt: str) -> str:
        """'c.412C>T', 'c.100+2T>G', 'c.76_78del', 'c.88dup', 'c.77_78insA', 'n.15A>G' ...; '' when the
        transcript is unknown, the allele is symbolic or the change lies outside the transcript."""
        tx = self.transcript(transcript)
        ref, alt = ref.upper(), alt.upper()
        if tx is None or _bare(chrom) != _bare(tx.chrom) or not ref or not alt or not set(ref + alt) <= BASES:
            return ""
        start, deleted, inserted = _trim(pos, ref, alt)
        end = start + len(deleted) - 1  # start - 1 for an insertion: it sits between `end` and `start`
        if not deleted and not inserted:
            return ""
        if not (deleted and inserted):
            start, end, seq = self._shift(tx, chrom, start, end, deleted or inserted)
        lo, hi = tx.span
        if end < lo or start > hi:
            return ""  # outside the transcript (an insertion needs both flanking bases on it)
        if deleted and inserted:
            change = f"{deleted}>{inserted}" if len(deleted) == len(inserted) == 1 else None
            return self._describe(tx, start, end, change or f"delins{self._oriented(tx, inserted)}")
        if deleted:
            return self._describe(tx, start, end, "del")
        # an insertion that repeats the bases just 5' of it (on the transcript) duplicates them
        copy = (start, start + len(seq) - 1) if tx.minus else (end - len(seq) + 1, end)
        if self._fetch(chrom, *copy) == seq:
            return self._describe(tx, *copy, "dup")
        return self._describe(tx, end, start, f"ins{self._oriented(tx, seq)}")

    def _describe(self, tx: Transcript, first: int, last: int, change: str) -> str:
        if ">" in change and tx.minus:
            change = change.translate(COMPLEMENT)
        five, three = (tx.label(last), tx.label(first)) if tx.minus else (tx.label(first), tx.label(last))
        span = five if first == last else f"{five}_{three}"
        return f"{'c' if tx.cds else 'n'}.{span}{change}"

    @staticmethod
    def _oriented(tx: Transcript, seq: str) -> str:
        return revcomp(seq) if tx.minus else seq

    def _fetch(self, chrom: str, first: int, last: int) -> str:
        if self.fasta is None or first < 1 or last < first:
            return ""
        return self.fasta.fetch(chrom, first - 1, last).upper()

    def _shift(self, tx: Transcript, chrom: str, start: int, end: int, seq: str) -> tuple[int, int, str]:
        """Roll a deletion (start..end) or insertion (between end and start) of `seq` to its most 3' position
        on the transcript (the HGVS 3' rule), along the genome and across exon/intron borders as VEP does."""
        lo, hi = tx.span
        size = len(seq)
        while True:
            # the change can move k bases on while the bases it passes repeat `seq` cyclically
            if tx.minus:
                flank = self._fetch(chrom, max(lo, start - CHUNK), start - 1)[::-1]
                k = next((i for i, base in enumerate(flank) if base != seq[-1 - i % size]), len(flank))
                seq = seq[size - k % size :] + seq[: size - k % size]
                start, end = start - k, end - k
            else:
                flank = self._fetch(chrom, end + 1, min(hi, end + CHUNK))
                k = next((i for i, base in enumerate(flank) if base != seq[i % size]), len(flank))
                seq = seq[k % size :] + seq[: k % size]
                start, end = start + k, end + k
            if k < CHUNK:
                return start, end, seq


def _build(chrom: str, strand: str, parts: dict[str, list]) -> Transcript:
    pieces = parts["exon"] or _merge(parts["CDS"] + parts["five_prime_UTR"] + parts["three_prime_UTR"])
    exons = tuple(sorted((s, e) for s, e, _ in pieces))
    tx = Transcript(chrom, strand, exons)
    cds = sorted(parts["CDS"])
    if not cds:
        return tx
    # the CDS piece at the transcript's 5' end carries the phase of a 5'-incomplete CDS
    head, tail = (cds[-1], cds[0]) if tx.minus else (cds[0], cds[-1])
    first, gap_first = tx.locate(head[1] if tx.minus else head[0])
    last, gap_last = tx.locate(tail[0] if tx.minus else tail[1])
    if gap_first or gap_last:
        return tx  # a CDS end outside the exons: no coding numbering
    pad = (3 - int(head[2])) % 3 if head[2].isdigit() else 0
    return Transcript(chrom, strand, exons, (first, last), pad)


def _merge(pieces: list) -> list:
    """Exons from CDS/UTR pieces when a GFF gives no exon lines: touching pieces join."""
    merged: list[list] = []
    for start, end, _ in sorted(pieces):
        if merged and start <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, "."])
    return [tuple(m) for m in merged]
