"""Ranking: every candidate with its evidence, ordered by the probability that it explains the phenotype.

score = the posterior probability of evidence.posterior: the phenotype likelihood ratio of the gene's best disease
(rarevar.phenotype.likelihood; among the gene's top diseases the best one whose inheritance fits the candidate's mode),
the consequence class, the ACMG/AMP points (evidence.acmg, Bayesian scale), how completely the family's genotypes
prove the mode, and whether the mode fits the disease, combined as likelihood ratios; the candidates of a family
share one prior and compete with "none of them". Each factor is in `posterior` and stated in `why`.
Also kept for display and as the first tie-break: variant_score = consequence weight x inheritance weight x
frequency weight, raised by ClinVar (a (likely) pathogenic classification with at least one star, or the same
amino-acid change so classified: at least CLINVAR_PATHOGENIC_FLOOR; another pathogenic change at the codon: x
CODON_BOOST; (likely) benign with a star: x CLINVAR_BENIGN_FACTOR), and phenotype_score = LR / (LR + 100).
Ties are broken by variant_score, then genomic position, so the order is the same every run.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace

import pandas as pd

from rarevar.annotate.clinvar import codon_evidence, is_benign, is_pathogenic, stars
from rarevar.annotate.scores import LABELS, LAYOUTS
from rarevar.base.messages import N_, english, joined, message, word
from rarevar.evidence import posterior
from rarevar.evidence.acmg import AcmgContext, assess, summary_message
from rarevar.evidence.acmg.model import STRENGTH_WORDS
from rarevar.phenotype.hpo import Phenotype
from rarevar.phenotype.likelihood import GeneLR, gene_inheritance, inheritance_consistent, score_genes

IMPACT_WEIGHT = {"HIGH": 1.0, "MODERATE": 0.7, "LOW": 0.3, "MODIFIER": 0.1}
# A mode proven by the genotypes of the family beats one that only holds if missing relatives are favourable.
CONFIRMED_MODE_WEIGHT = 1.0
POSSIBLE_MODE_WEIGHT = 0.6
CLINVAR_PATHOGENIC_FLOOR = 0.95
CLINVAR_BENIGN_FACTOR = 0.1
CODON_BOOST = 1.3
MODE_LABELS = {
    "de_novo": N_("de novo"),
    "autosomal_dominant": N_("autosomal dominant"),
    "autosomal_recessive": N_("autosomal recessive (homozygous)"),
    "compound_heterozygous": N_("compound heterozygous"),
    "x_linked_recessive": N_("X-linked recessive"),
    "x_linked_dominant": N_("X-linked dominant"),
    "x_linked_de_novo": N_("X-linked de novo"),
    "uniparental_isodisomy": N_("homozygous by uniparental isodisomy (one parent carries, the other does not)"),
    "mitochondrial": N_("mitochondrial (maternal or de novo)"),
}


def frequency_weight(af: float | None, max_af: float) -> float:
    """1 for a variant never observed in the population, falling linearly to 0.5 at the prefilter threshold."""
    if af is None or max_af <= 0:
        return 1.0
    return 1.0 - 0.5 * min(af / max_af, 1.0)


@dataclass
class Scored:
    row: dict
    match: GeneLR | None  # None: the gene has no disease in the HPO annotations
    variant_score: float
    score: float
    clinvar: dict | None
    codon: dict


def clinvar_record(row: dict) -> dict | None:
    significance = row.get("clinvar_sig") or ""
    if not significance:
        return None
    source = row.get("clinvar_source")
    return {
        **({"source": source} if source else {}),
        "id": row.get("clinvar_id") or None,
        "significance": significance,
        "review_status": row.get("clinvar_revstat") or "",
        "stars": stars(row.get("clinvar_revstat")),
        "conditions": [
            c for c in (row.get("clinvar_dn") or "").replace("|", ",").split(",") if c and c != "not_provided"
        ],
    }


def clinvar_weight(variant_score: float, clinvar: dict | None, codon: dict) -> float:
    if clinvar and clinvar["stars"] >= 1 and is_benign(clinvar["significance"]):
        return variant_score * CLINVAR_BENIGN_FACTOR
    if (clinvar and clinvar["stars"] >= 1 and is_pathogenic(clinvar["significance"])) or codon[
        "same_amino_acid_change"
    ]:
        return max(variant_score, CLINVAR_PATHOGENIC_FLOOR)
    if codon["other_change_at_codon"]:
        return min(1.0, variant_score * CODON_BOOST)
    return variant_score


def _nan_to_none(value):
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else value


def _cohort_counts(row: dict) -> dict:
    # None where the allele is not in the local cohort (or none is configured); the rank stage tells which.
    return {
        f"cohort_{ours}": None if _nan_to_none(row.get(theirs)) is None else int(row[theirs])
        for ours, theirs in (("families", "cohort_families"), ("homozygotes", "cohort_hom"),
                             ("hemizygotes", "cohort_hemi"), ("ac", "cohort_ac"))
    }  # fmt: skip


def score_candidate(row: dict, match: GeneLR | None, max_af: float, codons: dict) -> Scored:
    modes = json.loads(row["inheritance"])
    weight = CONFIRMED_MODE_WEIGHT if modes else POSSIBLE_MODE_WEIGHT
    af = _nan_to_none(row["pop_af"])
    impact = row.get("most_severe_impact") or row["impact"]
    variant_score = IMPACT_WEIGHT.get(impact, 0.1) * weight * frequency_weight(af, max_af)
    clinvar = clinvar_record(row)
    codon = codon_evidence(codons, row["transcript"] or "", row["hgvs_p"] or "")
    variant_score = clinvar_weight(variant_score, clinvar, codon)
    phenotype_score = _phenotype_score(match)
    return Scored(row, match, round(variant_score, 4), round(phenotype_score * variant_score, 4), clinvar, codon)


def _phenotype_score(match: GeneLR | None) -> float:
    return round(match.score, 4) if match else 0.0


def _lr_text(log10_lr: float) -> str:
    return f"{10**log10_lr:.3g}" if -3 <= log10_lr <= 4 else f"10^{log10_lr:.1f}"


def _phenotype_sentences(match: GeneLR | None, gene: str, modes: list[str]) -> list[dict]:
    if match is None:
        return [
            message(
                "No HPO disease is annotated to {gene}: counted as a gene of unknown phenotype (likelihood "
                "ratio {lr}).",
                gene=gene or "this locus",
                lr=f"{posterior.UNANNOTATED_GENE_LR:g}",
            )
        ]
    disease = match.disease
    terms = ", ".join(f"{t.label} (LR {_lr_text(math.log10(t.lr))})" for t in match.matched_terms)
    why = [message("Phenotype likelihood ratio {lr} for {disease} ({id}); explained: {terms}.",
                   lr=_lr_text(match.log10_lr), disease=disease["name"], id=disease["id"],
                   terms=terms or word("no term"))]  # fmt: skip
    if match.excluded_terms:
        against = ", ".join(f"{t.label} (LR {_lr_text(math.log10(t.lr))})" for t in match.excluded_terms)
        why.append(message("Excluded in the patient but usual in {disease}: {terms}.", disease=disease["name"],
                           terms=against))  # fmt: skip
    consistent = inheritance_consistent(disease, modes)
    if consistent is not None:
        template = (
            N_("The inheritance seen here fits the disease's {disease_modes} inheritance.")
            if consistent
            else N_("The inheritance seen here does not fit the disease's {disease_modes} inheritance.")
        )
        why.append(message(template, disease_modes=" or ".join(disease["inheritance"])))
    return why


def _significance(significance: str) -> dict:
    """A ClinVar classification as words: 'Likely_pathogenic' -> 'Likely pathogenic'."""
    return word(significance.replace("_", " "))


def _clinvar_sentences(scored: Scored) -> list[dict]:
    sentences = []
    clinvar = scored.clinvar
    if clinvar:
        sentences.append(_clinvar_sentence(clinvar))
    for hit in scored.codon["same_amino_acid_change"]:
        sentences.append(
            message(
                "The same amino-acid change is {significance} in ClinVar ({id}).",
                significance=_significance(hit.significance),
                id=str(hit.clinvar_id),
            )
        )
    for hit in scored.codon["other_change_at_codon"]:
        sentences.append(message("Another change at this codon (to {aa}) is {significance} in ClinVar ({id}, {stars} "
                                 "stars).", aa=str(hit.alt_aa), significance=_significance(hit.significance),
                                 id=str(hit.clinvar_id), stars=hit.stars))  # fmt: skip
    return sentences


CLINVAR_SENTENCES = {  # (conditions known, one star): template
    (True, False): N_("ClinVar: {significance} for {conditions} ({stars} stars, variation {id})."),
    (True, True): N_("ClinVar: {significance} for {conditions} ({stars} star, variation {id})."),
    (False, False): N_("ClinVar: {significance} ({stars} stars, variation {id})."),
    (False, True): N_("ClinVar: {significance} ({stars} star, variation {id})."),
}


def _clinvar_sentence(clinvar: dict) -> dict:
    if not clinvar["id"]:  # the input's own annotation: no variation id, often no review status
        source = clinvar.get("source") or {}
        return message("ClinVar: {significance} ({stars} stars; from the input's own field {field}).",
                       significance=_significance(clinvar["significance"]), stars=clinvar["stars"],
                       field=source.get("name", ""))  # fmt: skip
    fields = {"significance": _significance(clinvar["significance"]), "stars": clinvar["stars"],
              "id": str(clinvar["id"])}  # fmt: skip
    if clinvar["conditions"]:
        fields["conditions"] = ", ".join(c.replace("_", " ") for c in clinvar["conditions"])
    return message(CLINVAR_SENTENCES[bool(clinvar["conditions"]), clinvar["stars"] == 1], **fields)


PHASE_SENTENCES = {
    "parents": N_("The parents' genotypes show the two variants are on different copies of the gene."),
    "reads": N_("Sequencing reads show the two variants are on different copies of the gene (read-backed phase)."),
    "unphased": N_("Not known whether the two variants are on different copies (no parents or read phase to tell)."),
}
DE_NOVO_SENTENCES = {
    "high": N_(
        "De novo call confidence high: both parents well covered with at most one stray alt read, child's "
        "allele balance fits."
    ),
    "medium": N_(
        "De novo call confidence medium: a parent's depth or genotype quality is low, or read counts missing."
    ),
    "low": N_(
        "De novo call confidence low: the parents show alt reads or one is not assessable, or the child's "
        "allele balance is off."
    ),
}


def _call_evidence_sentences(row: dict) -> list[dict]:
    """Phase evidence, de novo confidence and unassessable parents (tables before these columns have none)."""
    sentences = []
    if row.get("phase_evidence") in PHASE_SENTENCES:
        sentences.append(message(PHASE_SENTENCES[row["phase_evidence"]]))
    if row.get("de_novo_confidence") in DE_NOVO_SENTENCES:
        sentences.append(message(DE_NOVO_SENTENCES[row["de_novo_confidence"]]))
    levels = json.loads(row.get("heteroplasmy") or "{}")
    if levels:
        sentences.append(
            message(
                "Heteroplasmy (alt fraction): {levels}.", levels=", ".join(f"{s} {v:.0%}" for s, v in levels.items())
            )
        )
    sentences.extend(_mitochondrial_doubt(doubt, levels) for doubt in _json_list(row, "mitochondrial_doubts"))
    missing = json.loads(row.get("unassessable_parents") or "[]")
    if missing:
        sentences.append(message("Parent not assessable here ({parents}: genotype missing or failed the quality "
                                 "gates); the call stays possible.", parents=", ".join(missing)))  # fmt: skip
    return sentences


def _level(levels: dict, sample: str) -> dict | str:
    level = levels.get(sample)
    return word("level not known") if level is None else f"{level:.0%}"


def _mitochondrial_doubt(doubt: dict, levels: dict) -> dict:
    """Why the mitochondrial mode is only possible (rarevar.family.call_evidence.mitochondrial_doubts)."""
    fields = {"sample": doubt["sample"], "level": _level(levels, doubt["sample"]), "affected": doubt["affected"],
              "affected_level": _level(levels, doubt["affected"])}  # fmt: skip
    if doubt["reason"] == "paternal_heteroplasmy":
        return message(
            "Likely artefact: the father {sample} shows the same heteroplasmy ({level}) as {affected} "
            "({affected_level}), but mtDNA is not passed on by fathers: a level shared with the father points to a "
            "nuclear copy of mtDNA (NUMT), contamination or a systematic sequencing error. Mitochondrial inheritance "
            "is only possible.",
            **fields,
        )
    return message(
        "The unaffected {sample} is heteroplasmic at {level}, not below the affected {affected} ({affected_level}): "
        "mitochondrial inheritance is only possible (heteroplasmy in blood may differ from the affected tissue's).",
        **fields,
    )


LOSS_OF_FUNCTION = {"transcript_ablation", "splice_acceptor_variant", "splice_donor_variant", "stop_gained",
                    "frameshift_variant", "start_lost"}  # fmt: skip


def _json_list(row: dict, column: str) -> list:
    value = row.get(column)
    return json.loads(value) if isinstance(value, str) and value else []


def _consequence(consequence: str) -> dict:
    """SO terms joined by '&' (stop_gained&splice_region_variant), each a word."""
    return joined([word(term) for term in consequence.split("&")], "&")


def _other_transcript_sentence(row: dict) -> list[dict]:
    """Say so when another transcript carries a more severe consequence than the one displayed."""
    transcripts = _json_list(row, "transcripts")
    if not transcripts or transcripts[0]["transcript"] == row["transcript"]:
        return []
    worst = transcripts[0]
    if worst["consequence"].split("&")[0] == row["consequence"]:
        return []
    change = worst["hgvs_p"] or worst["hgvs_c"]
    fields = {"consequence": _consequence(worst["consequence"]), "gene": worst["gene"],
              "transcript": worst["transcript"]}  # fmt: skip
    if change:
        return [message("More severe on another transcript: {consequence} in {gene} ({transcript}, {change}).",
                        change=change, **fields)]  # fmt: skip
    return [message("More severe on another transcript: {consequence} in {gene} ({transcript}).", **fields)]


def _evidence_sentences(row: dict) -> list[dict]:
    sentences = []
    for e in _json_list(row, "computational_evidence"):
        template = (N_("{criterion} ({strength}): {source} {value} >= {threshold} predicts damaging.")
                    if e["criterion"] == "PP3"
                    else N_("{criterion} ({strength}): {source} {value} <= {threshold} predicts benign."))  # fmt: skip
        sentences.append(message(template, criterion=e["criterion"], strength=_strength(e["strength"]),
                                 source=LABELS.get(e["source"], e["source"]), value=f"{e['value']:g}",
                                 threshold=f"{e['threshold']:g}"))  # fmt: skip
    consequences = {t["consequence"] for t in _json_list(row, "transcripts") if t["gene"] == row["gene"]}
    consequences.add(row["consequence"])
    lof = any(set(c.split("&")) & LOSS_OF_FUNCTION for c in consequences)
    if lof and row.get("gene_lof_intolerant") is True:
        parts = [f"LOEUF {row['gene_loeuf']:.2f}" if _nan_to_none(row.get("gene_loeuf")) is not None else "",
                 f"pLI {row['gene_pli']:.2f}" if _nan_to_none(row.get("gene_pli")) is not None else ""]  # fmt: skip
        details = f"{row.get('constraint_version') or ''} {', '.join(p for p in parts if p)}"
        sentences.append(message("Predicted loss of function in {gene}, a gene intolerant of loss of function "
                                 "(gnomAD {details}).", gene=row["gene"], details=details))  # fmt: skip
    return sentences


def _strength(strength: str) -> dict:
    return word(STRENGTH_WORDS.get(strength, strength.replace("_", " ")))


def _modes(modes: list[str], separator: str) -> dict:
    return joined([word(MODE_LABELS[m]) for m in modes], separator)


def explain(scored: Scored, max_af: float) -> list[dict]:
    """Plain sentences a clinician can check, one per piece of evidence, as messages (their English: `english`)."""
    row, match = scored.row, scored.match
    why = []
    modes = json.loads(row["inheritance"])
    possible = json.loads(row["possible_inheritance"])
    if modes:
        why.append(message("Inheritance fits {modes} in this family.", modes=_modes(modes, N_(" and "))))
    elif possible == ["mitochondrial"] and _json_list(row, "mitochondrial_doubts"):  # said below, with the reason
        why.append(message("Inheritance could fit {modes_or}, with the doubts below.",
                           modes_or=_modes(possible, N_(" or "))))  # fmt: skip
    elif possible:
        why.append(message("Inheritance could fit {modes_or} if the genotypes of missing relatives are favourable.",
                           modes_or=_modes(possible, N_(" or "))))  # fmt: skip
    partners = json.loads(row["partners"])
    if partners:
        why.append(message("Second variant of the compound heterozygote in {gene}: {partners}.", gene=row["gene"],
                           partners=", ".join(partners)))  # fmt: skip
    why.extend(_call_evidence_sentences(row))
    change = row["hgvs_p"] or row["hgvs_c"]
    consequence = _consequence(row["consequence"])
    why.append(
        message("{consequence} in {gene} ({change}).", consequence=consequence, gene=row["gene"], change=change)
        if change
        else message("{consequence} in {gene}.", consequence=consequence, gene=row["gene"])
    )
    why.extend(_other_transcript_sentence(row))
    why.extend(_evidence_sentences(row))
    why.extend(_clinvar_sentences(scored))
    why.append(_population_sentence(row, max_af))
    why.extend(_phenotype_sentences(match, row["gene"], modes or possible))
    return why


def _population_sentence(row: dict, max_af: float) -> dict:
    """What the population sources said; "not observed" only where a source covering the record was consulted.
    `population_source` (rank stage): the store or the input's fields that cover the record, None where none does;
    a table without the column (made before it existed) is read as the store's."""
    af = _nan_to_none(row["pop_af"])
    source = row.get("population_source", {"kind": "store"})
    if source is None:
        return message("Population frequency not assessed: no population source covers this record.")
    if source.get("kind") == "input":
        if af is None:
            return message("Not observed in the input's own population fields ({fields}).", fields=source["name"])
        return message("Population allele frequency {af} from the input's own fields ({fields}; at most {max_af} "
                       "allowed).", af=f"{af:.2g}", fields=source["name"], max_af=f"{max_af:g}")  # fmt: skip
    if af is None:
        return message("Not observed in the population database.")
    return message("Population allele frequency {af} (at most {max_af} allowed).", af=f"{af:.2g}",
                   max_af=f"{max_af:g}")  # fmt: skip


def _say(candidate: dict, said: dict) -> None:
    """One more why-sentence: its English under `why`, its message under `why_messages`."""
    candidate["why"].append(english(said))
    candidate["why_messages"].append(said)


def rank_candidates(
    table: pd.DataFrame, phenotype: Phenotype, max_af: float, codons: dict | None = None,
    acmg_context: AcmgContext | None = None,
) -> list[dict]:  # fmt: skip
    """Candidates with their evidence, ordered by the posterior probability that each explains the phenotype
    (rarevar.evidence.posterior). `acmg_context`: what the family's QC and the run tell the ACMG criteria."""
    rows = table.to_dict("records")
    matches = score_genes(phenotype, {row["gene"] for row in rows if row["gene"]})
    scored = [score_candidate(row, matches.get(row["gene"]), max_af, codons or {}) for row in rows]
    # PM3 weighs a compound-heterozygous partner by its own ClinVar classification.
    partners = {":".join(str(r[k]) for k in ("chrom", "pos", "ref", "alt")): clinvar_record(r) for r in rows}
    context = replace(acmg_context or AcmgContext(), partner_clinvar=partners)
    candidates = [_candidate(s, max_af, context) for s in scored]
    for candidate, probability in zip(candidates, posterior.probabilities(
            [c["posterior"]["log10_lr"] for c in candidates]), strict=True):  # fmt: skip
        candidate["score"] = _four_digits(probability)
        candidate["posterior"]["probability"] = candidate["score"]
        _say(candidate, _posterior_sentence(candidate))
    order = sorted(range(len(candidates)), key=lambda i: (
        -candidates[i]["posterior"]["log10_lr"], -candidates[i]["variant_score"], candidates[i]["chrom"],
        candidates[i]["pos"], candidates[i]["alt"]))  # fmt: skip
    ranked = [candidates[i] for i in order]
    for rank, candidate in enumerate(ranked, start=1):
        candidate["rank"] = rank
    return ranked


def _four_digits(value: float) -> float:
    # Significant digits, not decimals: a probability of 8e-08 stays distinguishable from 0.
    return float(f"{value:.4g}")


def _candidate(scored: Scored, max_af: float, context: AcmgContext | None = None) -> dict:
    candidate = _candidate_fields(scored, max_af)
    candidate["acmg"] = assess(candidate, context)
    _say(candidate, summary_message(candidate["acmg"]))
    candidate["posterior"] = _posterior(candidate, scored.match)
    if candidate["posterior"]["novel_disease"]:
        _say(candidate, _novel_disease_sentence(candidate))
    return candidate


def _novel_disease_sentence(candidate: dict) -> dict:
    return message(
        "The patient's phenotype fits the known diseases of {gene} worse than a disease of the gene not described yet "
        "would: counted as a gene of unknown phenotype (likelihood ratio {lr}; inheritance fit {fit}, the family's "
        "mode against those of the gene's known diseases).",
        gene=candidate["gene"],
        lr=f"{posterior.NOVEL_DISEASE_LR:g}",
        fit=_lr_text(candidate["posterior"]["log10_lr_inheritance_fit"]),
    )


def _posterior(candidate: dict, match: GeneLR | None) -> dict:
    """The likelihood ratios of one candidate (rarevar.evidence.posterior); the disease counted is the best-matching one
    among the gene's top diseases whose inheritance fits the candidate's mode, else the best overall."""
    modes = candidate["inheritance"] or candidate["possible_inheritance"]
    log10_lr, fit = (match.log10_lr, candidate["inheritance_consistent"]) if match else (None, None)
    if match and fit is False:
        fitting = [(lr, d) for lr, d in match.diseases if inheritance_consistent(d, modes)]
        if fitting:
            log10_lr, disease = fitting[0]
            fit = True
            candidate["inheritance_fit_disease"] = disease
    impact = _most_severe_impact(candidate)
    gene_fit = inheritance_consistent(gene_inheritance(candidate["gene"]), modes) if match else None
    factors = posterior.factors(log10_lr, impact, candidate["acmg"]["points"], bool(candidate["inheritance"]), fit,
                                _clinvar_stars(candidate["clinvar"]), gene_fit)  # fmt: skip
    return {
        "log10_lr": round(factors.total, 4),
        "log10_lr_phenotype": round(factors.phenotype, 4),
        "log10_lr_consequence": round(factors.consequence, 4),
        "log10_lr_variant": round(factors.variant, 4),
        "log10_lr_clinvar": round(factors.clinvar, 4),
        "log10_lr_segregation": round(factors.segregation, 4),
        "log10_lr_inheritance_fit": round(factors.inheritance_fit, 4),
        "novel_disease": factors.novel_disease,
    }


def _clinvar_stars(clinvar: dict | None) -> int:
    if not clinvar:
        return 0
    if is_pathogenic(clinvar["significance"]):
        return clinvar["stars"]
    return -clinvar["stars"] if is_benign(clinvar["significance"]) else 0


def _most_severe_impact(candidate: dict) -> str:
    if candidate["rna_gene_exon"]:
        return "RNA_GENE_EXON"
    impacts = [t.get("impact") for t in candidate["transcripts"] or ()] + [candidate["impact"]]
    impact = min((i for i in impacts if i in IMPACT_WEIGHT), key=lambda i: -IMPACT_WEIGHT[i], default="MODIFIER")
    if impact in ("LOW", "MODIFIER") and _splice_region(candidate):
        return "SPLICE_REGION"
    return impact


def _splice_region(candidate: dict) -> bool:
    consequences = [t.get("consequence") for t in candidate["transcripts"] or ()] + [candidate["consequence"]]
    return any(set((c or "").split("&")) & posterior.SPLICE_REGION_TERMS for c in consequences)


def _posterior_sentence(candidate: dict) -> dict:
    p = candidate["posterior"]
    return message(
        "Probability {p} that this variant explains the phenotype: likelihood ratios phenotype {phenotype}, "
        "consequence {consequence_lr}, variant (ACMG points) {variant}, ClinVar {clinvar}, segregation {segregation}, "
        "inheritance fit {fit}.",
        p="> 0.999" if p["probability"] > 0.999 else f"{p['probability']:.3g}",
        phenotype=_lr_text(p["log10_lr_phenotype"]),
        consequence_lr=_lr_text(p["log10_lr_consequence"]),
        variant=_lr_text(p["log10_lr_variant"]),
        clinvar=_lr_text(p["log10_lr_clinvar"]),
        segregation=_lr_text(p["log10_lr_segregation"]),
        fit=_lr_text(p["log10_lr_inheritance_fit"]),
    )


def _codon_hits_dict(codon: dict) -> dict:
    """The ClinVar codon look-up (clinvar.codon_evidence) as candidates.json carries it."""
    return {
        kind: [{"id": h.clinvar_id, "variant": h.variant, "alt_aa": h.alt_aa, "significance": h.significance,
                "stars": h.stars} for h in hits]
        for kind, hits in codon.items()
    }  # fmt: skip


def _exon_context(row: dict) -> dict | None:
    value = row.get("exon_context")
    return json.loads(value) if isinstance(value, str) and value else None


def _candidate_fields(scored: Scored, max_af: float) -> dict:
    row = scored.row
    return {
        "rank": None,  # set once every candidate of the family has its probability
        "gene": row["gene"],
        "chrom": row["chrom"],
        "pos": int(row["pos"]),
        "ref": row["ref"],
        "alt": row["alt"],
        "consequence": row["consequence"],
        "impact": row["impact"],
        "transcript": row["transcript"],
        "transcript_choice": row.get("transcript_choice") or None,
        "transcripts": _json_list(row, "transcripts"),
        "exon_context": _exon_context(row),
        "repeat_region": None if _nan_to_none(row.get("repeat_region")) is None else bool(row["repeat_region"]),
        "rna_gene_exon": bool(_nan_to_none(row.get("rna_gene_exon"))),
        "hgvs_c": row["hgvs_c"] or None,
        "hgvs_p": row["hgvs_p"] or None,
        "genotypes": json.loads(row["genotypes"]),
        "inheritance": json.loads(row["inheritance"]),
        "possible_inheritance": json.loads(row["possible_inheritance"]),
        "compound_partners": json.loads(row["partners"]),
        "phase_evidence": row.get("phase_evidence") or None,
        "parents_genotyped": row.get("parents_genotyped") or None,
        "unassessable_parents": json.loads(row.get("unassessable_parents") or "[]"),
        "de_novo_confidence": row.get("de_novo_confidence") or None,
        "heteroplasmy": json.loads(row.get("heteroplasmy") or "{}"),
        "mitochondrial_doubts": _json_list(row, "mitochondrial_doubts"),
        "population_af": _nan_to_none(row["pop_af"]),
        "population_af_grpmax": _nan_to_none(row["pop_af_grpmax"]),
        "population_af_eas": _nan_to_none(row["pop_af_eas"]),
        "population_homozygotes": _nan_to_none(row["pop_nhomalt"]),
        **_sources(row),
        **_cohort_counts(row),
        "clinvar": scored.clinvar,
        "clinvar_codon": _codon_hits_dict(scored.codon),
        **_scores_and_constraint(row),
        **_phenotype_fields(scored.match, json.loads(row["inheritance"]) or json.loads(row["possible_inheritance"])),
        "variant_score": scored.variant_score,
        "score": scored.score,
        **_why(explain(scored, max_af)),
    }


def _sources(row: dict) -> dict:
    """Which source gave (or was consulted for) the population, ClinVar and score values: a store or file, the
    input's own fields, or None where none covers the record (not assessed). Absent from a table made before the
    rank stage said so."""
    return {key: row[key] for key in ("population_source", "clinvar_source", "score_sources") if key in row}


def _why(said: list[dict]) -> dict:
    return {"why": [english(m) for m in said], "why_messages": said}


def _phenotype_fields(match: GeneLR | None, modes: list[str]) -> dict:
    def terms(found) -> list[dict]:
        return [{"id": t.id, "label": t.label, "lr": round(t.lr, 4), "match": t.match, "via": t.via} for t in found]

    return {
        "phenotype_score": _phenotype_score(match),
        "phenotype_log10_lr": match.log10_lr if match else None,
        "matched_disease": match.disease if match else None,
        "matched_terms": terms(match.matched_terms) if match else [],
        "phenotype_excluded_terms": terms(match.excluded_terms) if match else [],
        "inheritance_consistent": inheritance_consistent(match.disease, modes) if match else None,
    }


def _scores_and_constraint(row: dict) -> dict:
    scores = {name: _nan_to_none(row.get(layout.info.lower())) for name, layout in LAYOUTS.items()}
    constraint = {key: _nan_to_none(row.get(f"gene_{key}")) for key in ("pli", "loeuf", "mis_z")}
    if any(value is not None for value in constraint.values()):
        constraint.update(version=row.get("constraint_version") or None,
                          lof_intolerant=bool(row.get("gene_lof_intolerant")))  # fmt: skip
    return {
        "scores": {name: value for name, value in scores.items() if value is not None},
        "computational_evidence": _json_list(row, "computational_evidence"),
        "constraint": constraint if "version" in constraint else None,
    }
