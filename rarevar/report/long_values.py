"""Long values shown in the report: HGVS, transcript and sample ids, alleles of long indels.

A value is shown as pieces a line may break between and never inside (the template sets each piece `nowrap`), so
`ENST00000360372:c.299G>C` is never wrapped every few characters and a 300-bp insertion cannot push a table off the
page: long sequence runs and over-long pieces are abbreviated, and the whole value goes into the element's title.
"""

from __future__ import annotations

import re

LONG_PIECE = 48  # characters of one unbreakable piece shown in a table column; the rest is in the title
WIDE_PIECE = 96  # the same on a card, where an HGVS expression has a line of its own
SEQUENCE_SHOWN = 6  # leading characters of an abbreviated sequence run: 6 bases, 2 amino acids
NUCLEOTIDES = re.compile(r"[ACGTN]{13,}")
RESIDUES = re.compile(r"(?:[A-Z][a-z]{2}){5,}")  # three-letter amino acids, as in HGVS p.
SPACES = re.compile(r"[^\S\u00a0]+")  # a no-break space keeps its words together
# Where a word may break without a space: after an abbreviated allele of a variant label (ACGTAC… (300 bp) | >A),
# and, in a narrow column only, between an HGVS expression's reference sequence and its change (NM_000059.3: |
# c.68_69del); elsewhere the expression stays whole, as it is copied and searched.
BREAKS = re.compile(r"(?<=\u00a0bp\))(?=>)")
NARROW_BREAKS = re.compile(r"(?<=\u00a0bp\))(?=>)|(?<=:)(?=[cgmnopr]\.)")


def shown_value(value, sequences: bool = False, narrow: bool = False, longest: int | None = None) -> dict:
    """{"pieces": [(piece, joiner)], "full": value or ""}: joiner " " (a space), "" (a break without a space) or None
    (the last piece); `full` is set only when something was abbreviated. `sequences` abbreviates nucleotide and
    three-letter amino-acid runs (HGVS, alleles); `narrow` lets an HGVS expression break after its reference; a piece
    longer than `longest` characters (LONG_PIECE) is cut in the middle."""
    text = "" if value is None else str(value)
    breaks = NARROW_BREAKS if narrow else BREAKS
    parts = [(part, i == len(split) - 1) for word in SPACES.split(text) if word
             for split in [breaks.split(word)] for i, part in enumerate(split)]  # fmt: skip
    pieces = [(_shorten(part, sequences, longest or LONG_PIECE), " " if word_end else "") for part, word_end in parts]
    if pieces:
        pieces[-1] = (pieces[-1][0], None)
    shortened = any(piece != part for (piece, _), (part, _) in zip(pieces, parts, strict=True))
    return {"pieces": pieces, "full": text if shortened else ""}


def _shorten(piece: str, sequences: bool, longest: int) -> str:
    if sequences:
        piece = NUCLEOTIDES.sub(lambda m: _run(m.group(), len(m.group()), "nt"), piece)
        piece = RESIDUES.sub(lambda m: _run(m.group(), len(m.group()) // 3, "aa"), piece)
    if len(piece) > longest:
        half = (longest - 1) // 2
        piece = f"{piece[:half]}\u2026{piece[-half:]}"
    return piece


def _run(run: str, length: int, unit: str) -> str:
    return f"{run[:SEQUENCE_SHOWN]}\u2026({length}\u00a0{unit})"
