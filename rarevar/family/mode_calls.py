"""Inheritance modes of a family's records under per-mode genotype gates, with the evidence behind each call.

Each mode is decided on calls that pass that mode's gate (a stricter de novo gate, say, turns doubtful
parental calls into no-calls, leaving those de novo calls `possible`). The modes run once per distinct
gate; usually that is once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rarevar.base import genome
from rarevar.family import gates
from rarevar.family.call_evidence import (
    de_novo_confidence,
    heteroplasmy,
    mitochondrial_doubts,
    parents_genotyped,
    unassessable_parents,
)
from rarevar.family.inheritance import (
    MODES,
    InheritanceResult,
    ReadPhase,
    family_from_pedigree,
    inheritance_modes,
)
from rarevar.inputs.pedigree import Pedigree

DE_NOVO_MODES = ("de_novo", "x_linked_de_novo")


@dataclass
class ModeCalls:
    result: InheritanceResult  # each mode as decided under its own gate
    in_play: np.ndarray  # per record: consequential, and an affected carrier passes a gate
    evidence: dict[str, list]  # per record: phase_evidence, parents_genotyped, unassessable_parents, ...
    gates: dict[str, dict]  # mode (and 'default') -> its gate


@dataclass
class Locus:
    chrom: np.ndarray
    pos: np.ndarray
    gene: np.ndarray


def call_modes(
    gt: np.ndarray,
    quality: gates.GenotypeQuality,
    phase: ReadPhase | None,
    samples: list[str],
    pedigree: Pedigree,
    locus: Locus,
    consequential: np.ndarray,
    build: str,
    settings: dict,
    other_allele: np.ndarray | None = None,
) -> ModeCalls:
    """`other_allele`: (records, samples) bool, the call carries another ALT of a split multi-allelic site (`1/.`,
    `0/.`; rarevar.family.genotype_table.other_allele_calls): a carrier or non-carrier of this allele as coded in
    `gt`, never a no-call, and never a de novo site (inheritance.de_novo_in)."""
    mito = genome.is_mito(locus.chrom)
    by_mode = gates.mode_gates(settings)
    if not mito.any():  # the mtDNA gate would decide nothing: save its run
        by_mode["mitochondrial"] = by_mode["default"]
    unique = gates.distinct(by_mode)
    levels = quality.heteroplasmy
    gated = [gates.apply(gt, quality, gate) for gate in unique]
    affected = [samples.index(ind.sample) for ind in pedigree.restrict(set(samples)).affected]
    carrier_passes = np.zeros(len(gt), dtype=bool)
    for mode, gate in by_mode.items():
        calls = gated[unique.index(gate)]
        applies = mito if mode == "mitochondrial" else ~mito  # on mtDNA only the mitochondrial mode applies
        carrier_passes |= applies & ((calls[:, affected] > 0).any(axis=1) if affected else False)
    in_play = consequential & carrier_passes
    gene = np.where(in_play, locus.gene, "").astype(str)
    runs = [
        inheritance_modes(
            np.where(in_play[:, None], calls, 0).astype(np.int8),
            samples,
            pedigree,
            locus.chrom,
            locus.pos,
            gene,
            build,
            phase=phase,
            other_allele=other_allele,
            level=levels,
        )  # fmt: skip
        for calls in gated
    ]
    run_of = {mode: runs[unique.index(gate)] for mode, gate in by_mode.items()}
    compound = run_of["compound_heterozygous"]
    result = InheritanceResult(
        modes={mode: run_of[mode].modes[mode] for mode in MODES},
        possible={mode: run_of[mode].possible[mode] for mode in MODES},
        partners=compound.partners,
        not_testable_messages=run_of["default"].not_testable_messages,
        phase_evidence=compound.phase_evidence,
    )
    default_family = family_from_pedigree(pedigree, samples, gated[unique.index(by_mode["default"])])
    called_de_novo = np.zeros(len(gt), dtype=bool)
    for mode in DE_NOVO_MODES:
        called_de_novo |= result.modes[mode] | result.possible[mode]
    columns = {sample: i for i, sample in enumerate(samples)}
    raw_family = family_from_pedigree(pedigree, samples, gt)
    # Said as the mitochondrial mode decided it: on the calls that pass its gate.
    mito_family = family_from_pedigree(pedigree, samples, gated[unique.index(by_mode["mitochondrial"])], level=levels)
    evidence = {
        "phase_evidence": list(result.phase_evidence),
        "parents_genotyped": list(parents_genotyped(default_family)),
        # on mtDNA records, as the mitochondrial mode's own gate left the calls (any heteroplasmy is a call)
        "unassessable_parents": [m if on_mito else d for d, m, on_mito in zip(
            unassessable_parents(default_family), unassessable_parents(mito_family, mito), mito, strict=True)],
        "de_novo_confidence": list(de_novo_confidence(raw_family, columns, quality, called_de_novo)),
        "heteroplasmy": heteroplasmy(raw_family, columns, quality, mito & in_play),
        "mitochondrial_doubts": mitochondrial_doubts(mito_family, mito & in_play),
    }
    return ModeCalls(result, in_play, evidence, by_mode)
