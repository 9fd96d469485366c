"""Genotype-quality gates: GQ, DP and allele balance, with per-mode overrides, vectorised over calls.

A call that fails its gate becomes a no-call for the inheritance modes (never a hom-ref), so a record
whose deciding genotype is doubtful stays `possible` instead of being confirmed or dropped.
The defaults are slivar's `hq` gates: GQ >= 20, DP >= 10, het AB 0.2-0.8, hom-alt AB >= 0.9, hom-ref
AB <= 0.1. GQ and DP default to `thresholds.min_gq` / `min_dp`; a VCF without a field is not gated on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rarevar.family.inheritance import HET, HOM_ALT, HOM_REF, MISSING, MODES

DEFAULT_GATE = {"min_gq": 20, "min_dp": 10, "het_ab": [0.2, 0.8], "hom_alt_min_ab": 0.9, "hom_ref_max_ab": 0.1}
# mtDNA calls are heteroplasmic: any alt fraction is a real call, so only hom-ref calls are balance-gated.
MODE_DEFAULTS = {"mitochondrial": {"het_ab": [0.0, 1.0], "hom_alt_min_ab": 0.0}}


@dataclass
class GenotypeQuality:
    """Per (record, sample) call metrics; NaN where the VCF does not carry the field."""

    gq: np.ndarray
    dp: np.ndarray
    ref_reads: np.ndarray  # FORMAT/AD of the reference allele
    alt_reads: np.ndarray  # FORMAT/AD of the (first) alt allele
    allele_fraction: np.ndarray | None = None  # FORMAT/AF (e.g. Mutect2's mitochondrial mode)

    @property
    def allele_balance(self) -> np.ndarray:
        """Alt reads / (ref + alt reads); NaN without AD or without reads."""
        total = self.ref_reads + self.alt_reads
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(total > 0, self.alt_reads / total, np.nan)

    @property
    def heteroplasmy(self) -> np.ndarray:
        """The alt allele's fraction of the mtDNA copies: FORMAT/AF where given, else from AD."""
        if self.allele_fraction is None:
            return self.allele_balance
        return np.where(np.isnan(self.allele_fraction), self.allele_balance, self.allele_fraction)


def mode_gates(settings: dict) -> dict[str, dict]:
    """The gate of every mode: slivar's defaults, then thresholds.min_gq/min_dp, then the config's
    genotype_gates defaults, then the mode's own defaults (MODE_DEFAULTS), then the config's per-mode
    overrides. Key 'default' holds the shared gate."""
    configured = dict(settings.get("genotype_gates") or {})
    overrides = configured.pop("modes", {}) or {}
    default = {**DEFAULT_GATE, **{k: settings[k] for k in ("min_gq", "min_dp") if k in settings}, **configured}
    return {
        "default": default,
        **{mode: {**default, **MODE_DEFAULTS.get(mode, {}), **overrides.get(mode, {})} for mode in MODES},
    }


def describe(gate: dict) -> str:
    low, high = gate["het_ab"]
    return (
        f"GQ >= {gate['min_gq']}, DP >= {gate['min_dp']}, AB het {low:g}-{high:g}, "
        f"hom-alt >= {gate['hom_alt_min_ab']:g}, hom-ref <= {gate['hom_ref_max_ab']:g}"
    )


def passes(gt: np.ndarray, quality: GenotypeQuality, gate: dict) -> np.ndarray:
    """True where a call is trustworthy under `gate`. A field the VCF lacks (NaN) is not gated on."""
    gq_ok = np.isnan(quality.gq) | (quality.gq >= gate["min_gq"])
    dp_ok = np.isnan(quality.dp) | (quality.dp >= gate["min_dp"])
    return gq_ok & dp_ok & allele_balance_fits(gt, quality.allele_balance, gate)


def allele_balance_fits(gt: np.ndarray, ab: np.ndarray, gate: dict) -> np.ndarray:
    """The reads agree with the call: a het near half alt reads, a hom-alt nearly all, a hom-ref nearly none."""
    low, high = gate["het_ab"]
    unknown = np.isnan(ab)
    het_ok = (gt != HET) | unknown | ((ab >= low) & (ab <= high))
    hom_alt_ok = (gt != HOM_ALT) | unknown | (ab >= gate["hom_alt_min_ab"])
    hom_ref_ok = (gt != HOM_REF) | unknown | (ab <= gate["hom_ref_max_ab"])
    return het_ok & hom_alt_ok & hom_ref_ok


def apply(gt: np.ndarray, quality: GenotypeQuality, gate: dict) -> np.ndarray:
    """The genotype codes with every call failing `gate` turned into a no-call."""
    return np.where(passes(gt, quality, gate), gt, MISSING).astype(np.int8)


def distinct(gates: dict[str, dict]) -> list[dict]:
    """Each different gate once (most configs have one or two), so the modes run once per gate."""
    unique: list[dict] = []
    for gate in gates.values():
        if gate not in unique:
            unique.append(gate)
    return unique
