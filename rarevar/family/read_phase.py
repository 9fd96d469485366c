"""Read-backed phase of one VCF record's calls, from cyvcf2: phased GT + FORMAT/PS, or GATK's FORMAT/HP.

Per sample: the haplotype (0 or 1) that holds the alt allele of a heterozygous call, and the phase set it
belongs to; -1 where unknown. Two alleles are phased relative to each other only within one phase set.
A phased GT without PS (or HP) is not taken as read-backed phase: statistical phasing of rare alleles,
which writes phased GTs without phase sets, is unreliable.
"""

from __future__ import annotations

import numpy as np


def _format_values(variant, name: str):
    try:
        return variant.format(name)
    except KeyError:
        return None


def _het_alt_index(variant) -> np.ndarray:
    """Per sample: 0 or 1, which GT allele is the alt one of a called het; -1 otherwise."""
    calls = np.array([call[:2] if len(call) >= 3 else [-1, -1] for call in variant.genotypes], dtype=np.int64)
    het = ((calls[:, 0] > 0) != (calls[:, 1] > 0)) & (calls >= 0).all(axis=1)
    return np.where(het, np.where(calls[:, 0] > 0, 0, 1), -1)


def _from_phase_set(variant, alt_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Phased GT ('1|0': alt on haplotype 0) within the phase set FORMAT/PS."""
    phased = np.array([bool(call[-1]) for call in variant.genotypes])
    values = _format_values(variant, "PS")
    if values is None:
        return np.full(len(alt_index), -1), np.full(len(alt_index), -1)
    phase_set = np.asarray(values, dtype=np.int64)[:, 0]
    known = phased & (alt_index >= 0) & (phase_set >= 0)
    return np.where(known, alt_index, -1), np.where(known, phase_set, -1)


def _from_gatk_hp(variant, alt_index: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """GATK ReadBackedPhasing's FORMAT/HP, e.g. GT 0/1 with HP '24-1,24-2': the GT's alleles in order sit on
    haplotypes 1 and 2 of the phase set starting at 24."""
    haplotype, phase_set = np.full(len(alt_index), -1), np.full(len(alt_index), -1)
    values = _format_values(variant, "HP")
    if values is None:
        return haplotype, phase_set
    for sample in np.flatnonzero(alt_index >= 0):
        parts = str(values[sample]).split(",")
        block, _, hap = parts[alt_index[sample]].partition("-") if len(parts) == 2 else ("", "", "")
        if block.isdigit() and hap in ("1", "2"):
            haplotype[sample], phase_set[sample] = int(hap) - 1, int(block)
    return haplotype, phase_set


def record_phase(variant) -> tuple[np.ndarray, np.ndarray]:
    """(haplotype, phase_set) per sample of a cyvcf2 record; PS-based phase first, else HP."""
    alt_index = _het_alt_index(variant)
    haplotype, phase_set = _from_phase_set(variant, alt_index)
    hp_haplotype, hp_set = _from_gatk_hp(variant, alt_index)
    use_hp = phase_set < 0
    return (
        np.where(use_hp, hp_haplotype, haplotype).astype(np.int8),
        np.where(use_hp, hp_set, phase_set).astype(np.int64),
    )
