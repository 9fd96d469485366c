"""Benchmark mode A, phenotype only: where does each solved case's causal gene rank among all genes with HPO
disease annotations, by the patient's HPO terms alone (no variants)?

Ties are ranked by mid-rank (tied genes share the mean of the places they occupy). A case whose causal gene has
no disease annotation in the bundled HPO data is "not ranked" (a miss). Cases without a causal gene symbol
(gene-less CNVs) or without an observed term the ontology knows cannot be asked and are left out, counted.
CAUTION: HPO's disease annotations are partly curated from the very publications these cases come from, which
flatters this mode; the full mode (variants + phenotype) is the honest measure.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rarevar.base.atomic import write_bytes_atomic
from rarevar.benchmark.cases import Case
from rarevar.benchmark.table import Outcome
from rarevar.phenotype.hpo import Phenotype, ontology

LOSS_OF_FUNCTION = {"stop_gained", "frameshift_variant", "splice_donor_variant", "splice_acceptor_variant",
                    "start_lost", "exon_loss_variant"}  # fmt: skip
CONSEQUENCE_CLASSES = {
    "missense_variant": "missense",
    "inframe_deletion": "inframe indel",
    "inframe_insertion": "inframe indel",
    "splice_region_variant": "splice region / intronic",
    "intron_variant": "splice region / intronic",
    "synonymous_variant": "synonymous",
}
GROUPS = ("inheritance", "consequence", "terms", "excluded", "annotation")


def consequence_class(case: Case) -> str:
    """The case's most damaging causal consequence, coarsely; structural when no variant is small."""
    found = {v.consequence for v in case.variants}
    if found & LOSS_OF_FUNCTION:
        return "loss of function"
    for consequence, name in CONSEQUENCE_CLASSES.items():
        if consequence in found:
            return name
    if not case.all_small and not any(v.small for v in case.variants):
        return "structural / no small variant"
    return "other / unknown"


def term_count_class(n: int) -> str:
    return "1-2 terms" if n <= 2 else "3-5 terms" if n <= 5 else "6-10 terms" if n <= 10 else ">10 terms"


def excluded_count_class(n: int) -> str:
    return "none" if n == 0 else "1-5 excluded terms" if n <= 5 else ">5 excluded terms"


def case_phenotype(case: Case) -> tuple[Phenotype, int]:
    """The case's terms in the bundled release: obsolete ones as their replacement, unknown ones dropped
    (counted), so one stale id does not cost the whole case."""
    hpo = ontology()
    dropped = 0

    def current(terms) -> list[str]:
        nonlocal dropped
        kept = []
        for term in terms:
            try:
                entry = hpo.get_hpo_object(term)
            except (RuntimeError, KeyError, ValueError):
                dropped += 1
                continue
            if entry.is_obsolete:
                if not entry.replaced_by:
                    dropped += 1
                    continue
                term = entry.replaced_by
            kept.append(term)
        return list(dict.fromkeys(kept))

    return Phenotype(current(case.observed), current(case.excluded), source=case.case_id), dropped


@dataclass(frozen=True)
class Ranked:
    outcome: Outcome
    gene: str  # the causal gene that ranked best
    log10_lr: float | None
    top_gene: str
    n_genes: int


def rank_case(case: Case, phenotype: Phenotype, scorer: Callable[[Phenotype], dict[str, float]]) -> Ranked:
    from rarevar.phenotype.likelihood import mid_ranks

    start = time.perf_counter()
    scores = scorer(phenotype)
    ranks = mid_ranks(scores)
    seconds = time.perf_counter() - start
    causal = sorted(case.genes, key=lambda g: ranks.get(g, float("inf")))
    gene = causal[0]
    rank = ranks.get(gene)
    groups = {
        "inheritance": ", ".join(case.inheritance) or "(not given)",
        "consequence": consequence_class(case),
        "terms": term_count_class(len(phenotype.observed)),
        "excluded": excluded_count_class(len(phenotype.excluded)),
        "annotation": "gene annotated" if rank is not None else "gene without HPO disease annotation",
    }
    top = max(scores, key=scores.get) if scores else ""
    # A mid-rank is a half-integer at worst; rounding up keeps the top-k counts pessimistic for even ties.
    outcome = Outcome(case.case_id, None if rank is None else int(-(-rank // 1)), groups, seconds)
    return Ranked(outcome, gene, scores.get(gene), top, len(scores))


def spread(cases: list[Case], limit: int | None) -> list[Case]:
    """`limit` cases evenly spaced through the table (so a subset spans many papers), or all of them."""
    if not limit or limit >= len(cases):
        return cases
    step = len(cases) / limit
    return [cases[int(i * step)] for i in range(limit)]


def askable(cases: list[Case]) -> tuple[list[tuple[Case, Phenotype]], dict[str, int]]:
    kept, skipped = [], {"no causal gene symbol": 0, "no observed term in this HPO release": 0, "terms dropped": 0}
    for case in cases:
        if not case.genes:
            skipped["no causal gene symbol"] += 1
            continue
        phenotype, dropped = case_phenotype(case)
        skipped["terms dropped"] += dropped
        if not phenotype.observed:
            skipped["no observed term in this HPO release"] += 1
            continue
        kept.append((case, phenotype))
    return kept, skipped


def lr_scorer(phenotype: Phenotype) -> dict[str, float]:
    from rarevar.phenotype.likelihood import gene_log10_lrs

    return gene_log10_lrs(phenotype)


def funsimmax_scorer(phenotype: Phenotype) -> dict[str, float]:
    """The previous score (rarevar.phenotype.hpo.match_gene, funSimMax) of every gene the LR also ranks."""
    from rarevar.phenotype.hpo import match_gene
    from rarevar.phenotype.likelihood import model

    return {gene: match_gene(phenotype, gene).score for gene in model().gene_names}


SCORERS = {"lr": lr_scorer, "funsimmax": funsimmax_scorer}


def run(cases: list[tuple[Case, Phenotype]], method: str = "lr") -> list[Ranked]:
    from rarevar.phenotype.likelihood import model

    model()  # built once per process, before the per-case clock starts
    return [rank_case(case, phenotype, SCORERS[method]) for case, phenotype in cases]


TABLE_COLUMNS = ("case_id", "method", "causal_gene", "rank", "log10_lr_or_score", "top_gene", "genes_ranked",
                 *GROUPS)  # fmt: skip


def write_rows(path: str | Path, results: dict[str, list[Ranked]]) -> None:
    """One row per case and method (tab-separated), written whole or not at all."""
    lines = ["\t".join(TABLE_COLUMNS)]
    for method, ranked in results.items():
        for r in ranked:
            values = [r.outcome.case_id, method, r.gene, "" if r.outcome.rank is None else str(r.outcome.rank),
                      "" if r.log10_lr is None else f"{r.log10_lr:g}", r.top_gene, str(r.n_genes),
                      *(str(r.outcome.groups[g]) for g in GROUPS)]  # fmt: skip
            lines.append("\t".join(v.replace("\t", " ") for v in values))
    write_bytes_atomic(Path(path), ("\n".join(lines) + "\n").encode())


def read_rows(path: str | Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))
