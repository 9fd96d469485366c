"""Phenotype likelihood ratio of each gene's diseases, in the spirit of LIRICAL (Robinson et al. 2020, AJHG).

For a disease D and a patient term q (all within "Phenotypic abnormality", HP:0000118):
- D has q, or a more specific term of q: LR = P(q | D) / P(q), the term's frequency in D (the highest of the
  D terms it covers) over its background probability (the mean of that frequency over all diseases);
- q is more specific than a D term, or the two only share an ancestor: partial credit through their most
  informative common ancestor c, LR = f_D(c) / P(c), where f_D(c) is the frequency of the D term below c divided
  by ANCESTOR_STEP_DISCOUNT for each step from that term up to c, and the LR is divided by QUERY_STEP_DISCOUNT
  for each step from q up to c beyond the first (so a direct child of a D term gets the D term's own LR);
  never below the false-positive LR of an observed term that D does not explain;
- D is known to lack q (HPO's NOT annotations, 0% frequency): LR = ABSENT_IN_DISEASE_LR;
- an excluded term x: LR = max(FALSE_NEGATIVE, 1 - f_D(x)) / (1 - P(x)), i.e. below 1 when D usually has x
  and slightly above 1 when D does not have it.
The phenotype LR is the product over the terms (a sum in log10). A gene's LR is that of its best disease.
Annotated terms without a frequency in the HPO annotation count as frequency UNKNOWN_FREQUENCY.

Everything the score needs (ancestor closures, per-disease frequencies propagated to ancestors, background
probabilities) is built once per process as column arrays, so one patient against all genes is a few dozen
numpy operations instead of one ontology similarity call per gene.
"""

from __future__ import annotations

import functools
import hashlib
import math
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from rarevar.phenotype.hpo import Phenotype, gene_diseases, ontology

PHENOTYPIC_ABNORMALITY = 118  # HP:0000118, the root of the terms scored here
# LIRICAL's defaults where it has one: its frequency for an annotation without one, its background floor and its
# false-negative rate; the false-positive LR is ours, larger than the false-negative floor because an unexplained
# finding (incomplete annotation, a second condition, coarse coding) is common, while an excluded cardinal
# finding is strong evidence against a disease.
UNKNOWN_FREQUENCY = 1.0
UNKNOWN_FREQUENCY_IF_EXCLUDED = 0.5
BACKGROUND_FLOOR = 1e-4
FALSE_POSITIVE_LR = 0.02
FALSE_NEGATIVE = 0.01
ABSENT_IN_DISEASE_LR = 0.01
# Partial credit fades by these factors per step away from the common ancestor (LIRICAL divides by 10 per step on
# the disease side; on the patient side it credits only direct children). On 300 development cases, 10 on both
# sides ranked best of 1, 2, 3, 10, 30 and 100 (differences of a few cases from 10 up).
ANCESTOR_STEP_DISCOUNT = 10.0
QUERY_STEP_DISCOUNT = 10.0
# phenotype_score = LR / (LR + PRIOR_ODDS_AGAINST): the posterior probability of the gene's disease at pretest
# odds of 1:100, about the number of genes with a rare, plausible variant left in an exome after filtering.
PRIOR_ODDS_AGAINST = 100.0

TERM_FREQUENCY = Path(__file__).resolve().parents[2] / "resources" / "hpo" / "disease_term_frequency.tsv.gz"

# Candidate inheritance modes (rarevar.family.inheritance) -> the disease modes (HPO inheritance labels) they fit.
MODE_FITS = {
    "de_novo": {"autosomal dominant"},
    "autosomal_dominant": {"autosomal dominant"},
    "autosomal_recessive": {"autosomal recessive"},
    "compound_heterozygous": {"autosomal recessive"},
    "uniparental_isodisomy": {"autosomal recessive"},
    # A hemizygous son of a carrier mother (or a homozygous daughter) is affected in X-linked dominant
    # disease too.
    "x_linked_recessive": {"X-linked", "X-linked recessive", "X-linked dominant"},
    "x_linked_dominant": {"X-linked", "X-linked dominant"},
    "x_linked_de_novo": {"X-linked", "X-linked dominant", "X-linked recessive"},
    "mitochondrial": {"mitochondrial"},
}
MENDELIAN_MODES = set().union(*MODE_FITS.values())


@dataclass(frozen=True)
class TermLR:
    id: str
    label: str
    lr: float
    match: str  # "annotated", "ancestor" (through a common ancestor), "unexplained", "absent in disease", "excluded"
    via: str = ""  # the disease term or common ancestor that gave the credit


@dataclass
class GeneLR:
    gene: str
    log10_lr: float
    disease: dict  # {"id", "name", "inheritance": [...]}: the gene's best disease
    matched_terms: list[TermLR]  # observed terms the disease explains (annotated or through a common ancestor)
    excluded_terms: list[TermLR]  # excluded terms the disease usually has (LR < 1)
    terms: list[TermLR] = field(default_factory=list)  # every scored term, for the full trace
    diseases: list[tuple[float, dict]] = field(default_factory=list)  # (log10 LR, disease), best first

    @property
    def lr(self) -> float:
        return 10.0**self.log10_lr

    @property
    def score(self) -> float:
        return phenotype_probability(self.log10_lr)


def phenotype_probability(log10_lr: float) -> float:
    """LR -> 0..1 (see PRIOR_ODDS_AGAINST), computed in log space so huge LRs do not overflow."""
    exponent = math.log10(PRIOR_ODDS_AGAINST) - log10_lr
    return 0.0 if exponent > 300 else 1.0 / (1.0 + 10.0**exponent)


def inheritance_consistent(disease: dict | None, candidate_modes) -> bool | None:
    """Whether one of a candidate's inheritance modes is a mode of the disease; None when either is unknown
    (the disease has no Mendelian mode in HPO, or the candidate fits no mode)."""
    disease_modes = set((disease or {}).get("inheritance") or ()) & MENDELIAN_MODES
    fits = set().union(*(MODE_FITS.get(mode, set()) for mode in candidate_modes or ()))
    if not disease_modes or not fits:
        return None
    return bool(disease_modes & fits)


def gene_inheritance(gene: str) -> dict:
    """The modes of inheritance of all the gene's HPO diseases, in the shape inheritance_consistent takes."""
    m = model()
    return {"inheritance": sorted({mode for row in m.genes.get(gene, ()) for mode in m.diseases[row]["inheritance"]})}


@dataclass(frozen=True)
class Columns:
    """Sparse term x disease values, stored by term: the diseases of term t are rows[ptr[t]:ptr[t+1]]."""

    ptr: np.ndarray
    rows: np.ndarray
    values: np.ndarray

    @classmethod
    def build(cls, terms: np.ndarray, rows: np.ndarray, values: np.ndarray, n_terms: int) -> Columns:
        order = np.lexsort((rows, terms))
        ptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(np.bincount(terms, minlength=n_terms), out=ptr[1:])
        return cls(ptr, rows[order].astype(np.int32), values[order].astype(np.float64))

    def column(self, term: int) -> tuple[np.ndarray, np.ndarray]:
        start, end = self.ptr[term], self.ptr[term + 1]
        return self.rows[start:end], self.values[start:end]


@dataclass(frozen=True)
class Model:
    column: dict[int, int]  # HPO id (int) -> term column
    term_ids: list[int]  # column -> HPO id
    ancestors: list[dict[int, int]]  # column -> {ancestor column (itself included): steps up}, root excluded
    background: np.ndarray  # column -> P(term) over all diseases
    frequency: Columns  # f_D(t): frequency of t in D, propagated to ancestors (max)
    frequency_if_excluded: Columns  # the same with UNKNOWN_FREQUENCY_IF_EXCLUDED for a frequency not given
    discounted: Columns  # f_D(t) / ANCESTOR_STEP_DISCOUNT ** steps from the D term up to t (max)
    absent: Columns  # diseases known to lack the term
    diseases: list[dict]  # row -> {"id", "name", "inheritance"}
    disease_row: dict[str, int]
    genes: dict[str, np.ndarray]  # symbol -> rows of its diseases
    gene_names: list[str]  # the same, concatenated: gene i's diseases are gene_rows[gene_starts[i]:...]
    gene_rows: np.ndarray
    gene_starts: np.ndarray


def _closure(hpo) -> tuple[dict[int, int], list[int], list[dict[int, int]]]:
    """Columns for every term below Phenotypic abnormality, with their ancestors and steps to each."""
    parents: dict[int, list[int]] = {int(t): list(t.parent_ids()) for t in hpo}
    found: dict[int, dict[int, int]] = {PHENOTYPIC_ABNORMALITY: {}}

    def up(term: int) -> dict[int, int] | None:
        if term in found:
            return found[term]
        found[term] = None  # guards against cycles and marks terms outside the subtree
        merged: dict[int, int] | None = None
        for parent in parents.get(term, ()):
            above = up(parent)
            if above is None:
                continue
            merged = {} if merged is None else merged
            for ancestor, steps in above.items():
                if merged.get(ancestor, steps + 2) > steps + 1:
                    merged[ancestor] = steps + 1
        if merged is not None:
            merged[term] = 0
        found[term] = merged
        return merged

    for term in parents:
        up(term)
    term_ids = sorted(t for t, anc in found.items() if anc)
    column = {t: i for i, t in enumerate(term_ids)}
    ancestors = [{column[a]: s for a, s in found[t].items()} for t in term_ids]
    return column, term_ids, ancestors


def _annotations(hpo, column: dict[int, int], frequencies: dict[tuple[str, str], float]):
    """(disease rows, term columns, frequencies) of present annotations, the absent ones, and the diseases."""
    diseases, present, absent = [], [], []
    for kind, collection in (("OMIM", hpo.omim_diseases), ("ORPHA", hpo.orpha_diseases)):
        for disease in sorted(collection, key=lambda d: d.id):
            row = len(diseases)
            disease_id = f"{kind}:{disease.id}"
            diseases.append({"id": disease_id, "name": disease.name})
            for term in disease.hpo:
                if term in column:
                    f = frequencies.get((disease_id, f"HP:{term:07d}"))
                    if f is None:
                        present.append((row, column[term], UNKNOWN_FREQUENCY, UNKNOWN_FREQUENCY_IF_EXCLUDED))
                    elif f > 0:
                        present.append((row, column[term], f, f))
                    else:
                        absent.append((row, column[term], 0.0))
    by_id = {d["id"]: i for i, d in enumerate(diseases)}
    for (disease_id, term_id), f in frequencies.items():  # NOT annotations that the ontology package leaves out
        term = int(term_id[3:])
        if f == 0 and disease_id in by_id and term in column:
            absent.append((by_id[disease_id], column[term], 0.0))
    return diseases, np.array(present, dtype=np.float64), np.array(absent, dtype=np.float64).reshape(-1, 3)


def _propagate(present: np.ndarray, ancestors: list[dict[int, int]], n_terms: int):
    """Each annotation copied to every ancestor of its term, keeping per (disease, ancestor) the highest
    frequency, the highest step-discounted frequency and the highest frequency used for exclusions."""
    rows, terms, freqs = present[:, 0].astype(np.int64), present[:, 1].astype(np.int64), present[:, 2]
    excluded = present[:, 3]
    lengths = np.array([len(ancestors[t]) for t in terms])
    up_terms = np.fromiter((a for t in terms for a in ancestors[t]), dtype=np.int64, count=int(lengths.sum()))
    steps = np.fromiter((s for t in terms for s in ancestors[t].values()), dtype=np.int64, count=len(up_terms))
    up_rows = np.repeat(rows, lengths)
    up_freqs = np.repeat(freqs, lengths)
    up_excluded = np.repeat(excluded, lengths)
    key = up_rows * n_terms + up_terms
    order = np.argsort(key, kind="stable")
    key, starts = np.unique(key[order], return_index=True)
    best = np.maximum.reduceat(up_freqs[order], starts)
    discounted = np.maximum.reduceat(up_freqs[order] / ANCESTOR_STEP_DISCOUNT ** steps[order], starts)
    if_excluded = np.maximum.reduceat(up_excluded[order], starts)
    return key // n_terms, key % n_terms, best, discounted, if_excluded


@functools.cache
def model() -> Model:
    """Built from the ontology package and the frequency table (about two seconds), once per version of them and
    of this code: kept in the per-user cache (rarevar.base.user_cache; the rank stage's largest cost otherwise)."""
    import importlib.metadata
    import pickle

    from rarevar import __version__
    from rarevar.base.user_cache import cached
    from rarevar.phenotype import hpo, term_frequency
    from rarevar.resources import gene_disease

    code = [Path(m.__file__).read_bytes() for m in (hpo, term_frequency, gene_disease, sys.modules[__name__])]
    version = hashlib.sha256(b"".join(code)).hexdigest() + __version__ + importlib.metadata.version("hpo3")
    built = cached("phenotype-model", [TERM_FREQUENCY, hpo.GENE_DISEASE], version,
                   lambda: pickle.dumps(_build_model(), protocol=pickle.HIGHEST_PROTOCOL))  # fmt: skip
    return pickle.loads(built)  # a private folder's entry (see user_cache): as trusted as the code itself


def _build_model() -> Model:
    from rarevar.phenotype.term_frequency import read_term_frequency

    hpo = ontology()
    column, term_ids, ancestors = _closure(hpo)
    n_terms = len(term_ids)
    diseases, present, absent = _annotations(hpo, column, read_term_frequency(TERM_FREQUENCY))
    rows, terms, best, discounted, if_excluded = _propagate(present, ancestors, n_terms)
    background = np.bincount(terms, weights=best, minlength=n_terms) / len(diseases)
    disease_row = {d["id"]: i for i, d in enumerate(diseases)}
    genes: dict[str, list[int]] = {}
    for symbol, linked in gene_diseases().items():
        for disease in linked:
            if disease["id"] in disease_row:
                diseases[disease_row[disease["id"]]].setdefault("inheritance", disease["inheritance"])
                genes.setdefault(symbol, []).append(disease_row[disease["id"]])
    for disease in diseases:
        disease.setdefault("inheritance", [])
    gene_rows = {symbol: np.array(sorted(set(r)), dtype=np.int64) for symbol, r in sorted(genes.items())}
    lengths = [len(r) for r in gene_rows.values()]
    return Model(
        column=column,
        term_ids=term_ids,
        ancestors=ancestors,
        background=np.maximum(background, BACKGROUND_FLOOR),
        frequency=Columns.build(terms, rows, best, n_terms),
        frequency_if_excluded=Columns.build(terms, rows, if_excluded, n_terms),
        discounted=Columns.build(terms, rows, discounted, n_terms),
        absent=Columns.build(absent[:, 1].astype(np.int64), absent[:, 0].astype(np.int64), absent[:, 2], n_terms),
        diseases=diseases,
        disease_row=disease_row,
        genes=gene_rows,
        gene_names=list(gene_rows),
        gene_rows=np.concatenate(list(gene_rows.values())),
        gene_starts=np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64),
    )


# Match kinds, as codes in the per-term arrays.
ANNOTATED, ANCESTOR, UNEXPLAINED, ABSENT, EXCLUDED = range(5)
KIND_NAMES = ("annotated", "ancestor", "unexplained", "absent in disease", "excluded")


def _observed_lr(m: Model, term: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """LR of one observed term in every disease, its match kind and the term column that gave the credit."""
    n = len(m.diseases)
    lr = np.full(n, FALSE_POSITIVE_LR)
    kind = np.full(n, UNEXPLAINED, dtype=np.int8)
    via = np.full(n, -1, dtype=np.int64)
    for ancestor, steps in m.ancestors[term].items():
        if ancestor == term:
            continue
        rows, values = m.discounted.column(ancestor)
        credit = values / m.background[ancestor] / QUERY_STEP_DISCOUNT ** (steps - 1)
        better = credit > lr[rows]
        lr[rows[better]], kind[rows[better]], via[rows[better]] = credit[better], ANCESTOR, ancestor
    rows, values = m.frequency.column(term)
    lr[rows], kind[rows], via[rows] = values / m.background[term], ANNOTATED, term
    for ancestor in m.ancestors[term]:
        rows, _ = m.absent.column(ancestor)
        lr[rows], kind[rows], via[rows] = ABSENT_IN_DISEASE_LR, ABSENT, ancestor
    return lr, kind, via


def _excluded_lr(m: Model, term: int) -> np.ndarray:
    background = m.background[term]
    lr = np.full(len(m.diseases), 1.0 / (1.0 - background))
    rows, values = m.frequency_if_excluded.column(term)
    lr[rows] = np.maximum(FALSE_NEGATIVE, 1.0 - values) / (1.0 - background)
    return lr


def _hpo_id(m: Model, column: int) -> str:
    return f"HP:{m.term_ids[column]:07d}"


def _columns(m: Model, terms: list[str]) -> list[int]:
    # Terms outside Phenotypic abnormality (onset, inheritance, modifiers) carry no disease evidence here.
    return [m.column[int(t[3:])] for t in dict.fromkeys(terms) if int(t[3:]) in m.column]


def disease_lrs(phenotype: Phenotype):
    """Per-term LR arrays (terms x diseases) for the observed and the excluded terms, with match details."""
    m = model()
    observed, excluded = _columns(m, phenotype.observed), _columns(m, phenotype.excluded)
    n = len(m.diseases)
    lrs, kinds, vias = [], [], []
    for term in observed:
        lr, kind, via = _observed_lr(m, term)
        lrs.append(lr), kinds.append(kind), vias.append(via)
    for term in excluded:
        lrs.append(_excluded_lr(m, term)), kinds.append(np.full(n, EXCLUDED, dtype=np.int8))
        vias.append(np.full(n, term))
    if not lrs:
        return observed + excluded, np.ones((0, n)), np.zeros((0, n), np.int8), np.zeros((0, n), np.int64)
    return observed + excluded, np.vstack(lrs), np.vstack(kinds), np.vstack(vias)


def _log10(lrs: np.ndarray) -> np.ndarray:
    return np.log10(lrs).sum(axis=0)


def gene_log10_lrs(phenotype: Phenotype) -> dict[str, float]:
    """log10 LR of every gene with HPO disease annotations (its best disease), without the explanations."""
    m = model()
    _, lrs, _, _ = disease_lrs(phenotype)
    best = np.maximum.reduceat(_log10(lrs)[m.gene_rows], m.gene_starts)
    return dict(zip(m.gene_names, np.round(best, 4).tolist(), strict=True))


def score_genes(phenotype: Phenotype, genes=None, keep_diseases: int = 3) -> dict[str, GeneLR]:
    """Every gene with HPO disease annotations (or those of `genes` that have them) scored by its best disease,
    with the trace of each term. Genes without annotated diseases are left out."""
    m = model()
    terms, lrs, kinds, vias = disease_lrs(phenotype)
    log_lr = _log10(lrs)
    hpo = ontology()
    labels = {t: hpo.get_hpo_object(m.term_ids[t]).name for t in set(terms)}
    wanted = m.genes if genes is None else {g: m.genes[g] for g in dict.fromkeys(genes) if g in m.genes}
    scored = {}
    for symbol, rows in wanted.items():
        order = rows[np.lexsort((rows, -log_lr[rows]))]
        best = int(order[0])
        trace = [
            TermLR(_hpo_id(m, t), labels[t], float(lrs[i, best]), KIND_NAMES[kinds[i, best]],
                   _hpo_id(m, int(vias[i, best])) if vias[i, best] >= 0 else "")
            for i, t in enumerate(terms)
        ]  # fmt: skip
        scored[symbol] = GeneLR(
            gene=symbol,
            log10_lr=round(float(log_lr[best]), 4),
            disease=dict(m.diseases[best]),
            matched_terms=[t for t in trace if t.match in ("annotated", "ancestor") and t.lr > 1],
            excluded_terms=[t for t in trace if t.match == "excluded" and t.lr < 1],
            terms=trace,
            diseases=[(round(float(log_lr[r]), 4), dict(m.diseases[r])) for r in order[:keep_diseases]],
        )
    return scored


def mid_ranks(values: dict[str, float]) -> dict[str, float]:
    """Rank of each key by value, highest = 1; tied keys share the mean of the places they occupy (mid-rank)."""
    ordered = sorted(values.values(), reverse=True)
    first: dict[float, int] = {}
    count: dict[float, int] = {}
    for place, value in enumerate(ordered, start=1):
        first.setdefault(value, place)
        count[value] = count.get(value, 0) + 1
    return {key: first[v] + (count[v] - 1) / 2 for key, v in values.items()}
