"""Is an in-frame indel in a repeat of its own sequence? ACMG PM4 counts in-frame length changes outside repeats.

Records are left-aligned (rarevar normalises them), so a repeat the indel belongs to runs on to the right of the
VCF padding base. The indel is taken to lie in a repeat when the reference there holds its repeat unit (the
shortest period of the inserted or deleted bases) over at least twice the indel's length: a deleted copy and at
least one more, or an inserted copy beside at least two. A genome-wide RepeatMasker track would also catch
degenerate repeats; this catches the exact tandem copies that make in-frame indels benign most often.
"""

from __future__ import annotations

FLANK = 300  # bases read to the right of the padding base


def _period(seq: str) -> str:
    for size in range(1, len(seq) + 1):
        if len(seq) % size == 0 and seq[:size] * (len(seq) // size) == seq:
            return seq[:size]
    return seq


def tandem_repeat(fasta, chrom: str, pos: int, ref: str, alt: str) -> bool | None:
    """True / False for a simple in-frame indel (REF and ALT share their first base only); None otherwise."""
    ref, alt = ref.upper(), alt.upper()
    if len(ref) == len(alt) or ref[:1] != alt[:1] or min(len(ref), len(alt)) != 1 or (len(ref) - len(alt)) % 3:
        return None
    changed = ref[1:] or alt[1:]
    try:
        flank = fasta.fetch(chrom, pos, pos + FLANK).upper()  # 0-based: the bases after the padding base
    except (KeyError, ValueError):
        return None
    unit = _period(changed)
    tract = 0
    while flank[tract : tract + len(unit)] == unit:
        tract += len(unit)
    return tract >= 2 * len(changed)
