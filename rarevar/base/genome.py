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


def _named(chrom, names: tuple[str, ...]) -> np.ndarray:
    """True where the chromosome's upper-cased name is one of `names`. A genome's column of chromosome names
    comes in runs (sorted records), so each run's name is tested once: upper-casing a million names takes ~1 s."""
    chrom = np.asarray(chrom, dtype=str)
    flat = chrom.ravel()
    if not len(flat):
        return np.zeros(chrom.shape, dtype=bool)
    starts = np.flatnonzero(np.r_[True, flat[1:] != flat[:-1]])
    hit = np.isin(np.char.upper(flat[starts]), names)
    return np.repeat(hit, np.diff(np.r_[starts, len(flat)])).reshape(chrom.shape)


def is_x(chrom: np.ndarray) -> np.ndarray:
    return _named(chrom, ("X", "CHRX"))


def is_y(chrom: np.ndarray) -> np.ndarray:
    return _named(chrom, ("Y", "CHRY"))


def is_mito(chrom: np.ndarray) -> np.ndarray:
    return _named(chrom, ("MT", "M", "CHRM", "CHRMT"))


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


# Primary assembly chromosomes and their lengths (GRC assembly reports). GRCh38 names carry the "chr" prefix
# (as the NCBI analysis set and GATK bundles), GRCh37 names do not (as the Ensembl / 1000 Genomes release).
_GRCH38_LENGTHS = (
    248_956_422, 242_193_529, 198_295_559, 190_214_555, 181_538_259, 170_805_979, 159_345_973, 145_138_636,
    138_394_717, 133_797_422, 135_086_622, 133_275_309, 114_364_328, 107_043_718, 101_991_189, 90_338_345,
    83_257_441, 80_373_285, 58_617_616, 64_444_167, 46_709_983, 50_818_468, 156_040_895, 57_227_415, 16_569,
)  # fmt: skip
_GRCH37_LENGTHS = (
    249_250_621, 243_199_373, 198_022_430, 191_154_276, 180_915_260, 171_115_067, 159_138_663, 146_364_022,
    141_213_431, 135_534_747, 135_006_516, 133_851_895, 115_169_878, 107_349_540, 102_531_392, 90_354_753,
    81_195_210, 78_077_248, 59_128_983, 63_025_520, 48_129_895, 51_304_566, 155_270_560, 59_373_566, 16_569,
)  # fmt: skip
_NAMES = [str(i) for i in range(1, 23)] + ["X", "Y"]
CHROMOSOMES = {
    "GRCh38": dict(zip([f"chr{n}" for n in _NAMES] + ["chrM"], _GRCH38_LENGTHS, strict=True)),
    "GRCh37": dict(zip(_NAMES + ["MT"], _GRCH37_LENGTHS, strict=True)),
}
