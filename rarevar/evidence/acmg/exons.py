"""Where a variant lies in its transcript's exons: what PVS1's NMD and exon-skipping branches need.

From the gene models (GFF3) when they are at hand, exactly; else from the exon/intron number the annotation
wrote (VEP `EXON=5/12`, snpEff's rank). Positions are on the transcript (1 = its first base), so the facts hold
on either strand. The result is a small dict carried by the candidate (`exon_context`):
- `source`: "gene models" or "annotation";
- `exon` or `intron`: [k, n] (the k-th of n, 5'->3');
- from the gene models only: `tx_pos` (transcript position of the variant's nearest exonic base),
  `cds` [first, last] transcript positions of the coding sequence, `last_junction` (transcript position of the
  last base of the penultimate exon; None for a single-exon transcript), and for a splice-site variant
  `affected_exon` {number, coding_length, coding_from_exon}: the exon whose splice site is hit, its coding
  bases, and the coding bases from its start to the stop codon;
- with the reference too, for a frameshift within one exon: `new_stop` (transcript position, on the reference
  transcript's numbering, of the first base of the stop codon the new reading frame meets; None when it meets none
  before the transcript ends), found by translating the changed transcript.
"""

from __future__ import annotations

import re

from rarevar.annotate.hgvs import Transcript, _trim, revcomp

RANK = re.compile(r"^\s*(\d+)(?:-\d+)?\s*/\s*(\d+)\s*$")


def parse_rank(text: str) -> list[int] | None:
    """'5/12' (or VEP's '5-6/12' for a variant spanning exons: the first) -> [5, 12]."""
    match = RANK.match(text or "")
    return [int(match.group(1)), int(match.group(2))] if match else None


def _exons_5_to_3(tx: Transcript) -> list[tuple[int, int]]:
    return list(reversed(tx.exons)) if tx.minus else list(tx.exons)


STOP_CODONS = {"TAA", "TAG", "TGA"}


def transcript_sequence(tx: Transcript, fasta) -> str:
    """The spliced transcript, 5'->3'."""
    pieces = [fasta.fetch(tx.chrom, start - 1, end).upper() for start, end in tx.exons]
    joined = "".join(pieces)
    return revcomp(joined) if tx.minus else joined


def new_stop(tx: Transcript, fasta, pos: int, ref: str, alt: str) -> dict | None:
    """{'new_stop': transcript position or None} for an exonic frameshift on a coding transcript; None when the
    change is not one (an in-frame or intronic change, or one crossing an exon border)."""
    start, deleted, inserted = _trim(pos, ref.upper(), alt.upper())
    delta = len(inserted) - len(deleted)
    if not tx.cds or delta % 3 == 0:
        return None
    last = start + max(len(deleted), 1) - 1
    (first_tx, first_off), (last_tx, last_off) = tx.locate(start), tx.locate(last)
    if first_off or last_off or abs(last_tx - first_tx) != max(len(deleted), 1) - 1:
        return None
    seq = transcript_sequence(tx, fasta)
    added = revcomp(inserted) if tx.minus else inserted
    if deleted:
        at = min(first_tx, last_tx) - 1  # 0-based index of the first deleted base on the transcript
        changed = seq[:at] + added + seq[at + len(deleted):]
    else:  # an insertion between genomic start-1 and start: before `start` on plus, after it on minus
        at = first_tx - 1 if not tx.minus else first_tx
        changed = seq[:at] + added + seq[at:]
    if at < tx.cds[0] - 1 or at > tx.cds[1] - 1:
        return None  # outside the coding sequence
    frame_start = tx.cds[0] - 1 + ((at - (tx.cds[0] - 1)) // 3) * 3  # the codon the change begins in
    for i in range(frame_start, len(changed) - 2, 3):
        if changed[i:i + 3] in STOP_CODONS:
            return {"new_stop": i + 1 - delta}  # back on the reference transcript's numbering
    return {"new_stop": None}


def from_models(tx: Transcript, pos: int, ref: str = "", alt: str = "", fasta=None) -> dict:
    """Exon facts of genomic position `pos` on transcript `tx`; with `ref`/`alt` the position is that of the first
    changed base, and with the reference (`fasta`) a frameshift's new stop codon is found."""
    if ref and alt:
        frameshift = new_stop(tx, fasta, pos, ref, alt) if fasta is not None else None
        pos = _trim(pos, ref, alt)[0]
    else:
        frameshift = None
    exons = _exons_5_to_3(tx)
    lengths = [end - start + 1 for start, end in exons]
    n, offset = tx.locate(pos)
    facts: dict = {"source": "gene models", "tx_pos": n, "cds": list(tx.cds) if tx.cds else None,
                   **(frameshift or {})}  # fmt: skip
    ends, total = [], 0
    for length in lengths:
        total += length
        ends.append(total)  # transcript position of each exon's last base
    facts["last_junction"] = ends[-2] if len(ends) > 1 else None
    k = next((i for i, end in enumerate(ends) if n <= end), len(ends) - 1) + 1  # exon holding base n
    if offset == 0:
        facts["exon"] = [k, len(exons)]
        return facts
    facts["intron"] = [k if offset > 0 else k - 1, len(exons) - 1]
    start = ends[k - 2] + 1 if k > 1 else 1
    coding = lengths[k - 1]
    if tx.cds:  # only the coding part of the exon changes the protein when it is skipped
        coding = max(0, min(ends[k - 1], tx.cds[1]) - max(start, tx.cds[0]) + 1)
    after = coding
    if tx.cds:  # coding bases from the affected exon's start to the stop: what a frameshift from there changes
        after = max(0, tx.cds[1] - max(start, tx.cds[0]) + 1)
    facts["affected_exon"] = {"number": k, "coding_length": coding, "coding_from_exon": after}
    return facts


def from_annotation(exon: str, intron: str) -> dict | None:
    exon_rank, intron_rank = parse_rank(exon), parse_rank(intron)
    if exon_rank:
        return {"source": "annotation", "exon": exon_rank}
    if intron_rank:
        return {"source": "annotation", "intron": intron_rank}
    return None
