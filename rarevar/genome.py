"""Genome builds: chromosome naming, pseudo-autosomal regions and mitochondrion, vectorised over records."""

from __future__ import annotations

import numpy as np

# Pseudo-autosomal regions on chrX (1-based, inclusive), from the GRC assembly reports.
PAR_X = {
    "GRCh37": [(60_001, 2_699_520), (154_931_044, 155_260_560)],
    "GRCh38": [(10_001, 2_781_479), (155_701_383, 156_030_895)],
    # The bundled miniature genome holds gene regions only; it has no pseudo-autosomal region.
    "demo": [],
}
BUILDS = tuple(PAR_X)


def strip_chr(chrom: str) -> str:
    return chrom[3:] if chrom.lower().startswith("chr") else chrom


def is_x(chrom: np.ndarray) -> np.ndarray:
    names = np.char.upper(np.asarray(chrom, dtype=str))
    return (names == "X") | (names == "CHRX")


def is_y(chrom: np.ndarray) -> np.ndarray:
    names = np.char.upper(np.asarray(chrom, dtype=str))
    return (names == "Y") | (names == "CHRY")


def is_mito(chrom: np.ndarray) -> np.ndarray:
    names = np.char.upper(np.asarray(chrom, dtype=str))
    return np.isin(names, ["MT", "M", "CHRM", "CHRMT"])


def in_par(chrom: np.ndarray, pos: np.ndarray, build: str) -> np.ndarray:
    """True where a record lies in a chrX pseudo-autosomal region (inherited like an autosome)."""
    pos = np.asarray(pos)
    on_x = is_x(chrom)
    par = np.zeros(len(pos), dtype=bool)
    for start, end in PAR_X[build]:
        par |= on_x & (pos >= start) & (pos <= end)
    return par


def is_x_nonpar(chrom: np.ndarray, pos: np.ndarray, build: str) -> np.ndarray:
    """True where a record is X-linked: on chrX outside the pseudo-autosomal regions."""
    return is_x(chrom) & ~in_par(chrom, pos, build)


def is_autosomal(chrom: np.ndarray, pos: np.ndarray, build: str) -> np.ndarray:
    """Autosomes plus the pseudo-autosomal regions of chrX."""
    chrom = np.asarray(chrom, dtype=str)
    return (~is_x(chrom) & ~is_y(chrom) & ~is_mito(chrom)) | in_par(chrom, pos, build)
