"""One number per candidate: the probability that it explains this family's phenotype.

Each candidate is a hypothesis "this variant is the diagnosis"; one more hypothesis is "none of them is". Their
odds against "none" multiply independent likelihood ratios (a naive-Bayes combination, as LIRICAL does for
phenotype and genotype):

    odds_i = prior_i x LR_phenotype x LR_consequence x LR_variant x LR_clinvar x LR_segregation x LR_inheritance_fit

- prior_i: DIAGNOSTIC_YIELD of clinical genome sequencing spread evenly over the family's candidates, so that
  before any evidence P(some candidate is causal) = DIAGNOSTIC_YIELD;
- LR_phenotype: the patient's HPO terms for the gene's best disease (rarevar.phenotype.likelihood). A gene without any
  HPO disease gets UNANNOTATED_GENE_LR: a gene nobody has linked to a disease yet can still be the cause (new
  disease genes are found every week), but is less likely than a gene whose disease fits. A gene whose known
  diseases fit the patient worse than a disease of it not described yet (NOVEL_DISEASE_LR) is counted as such
  (novel_disease): its HPO diseases are not all the diseases it can cause (new phenotypes of known genes are
  published every week, and a disease described from a few patients is annotated with their features only), so
  a poor match to them cannot push it below that. The two hypotheses "the gene's known disease" and "a disease
  of the gene not described yet" are alternatives; the better one is counted, with its own inheritance fit: for
  an undescribed disease, the candidate's mode against the modes of all the gene's known diseases
  (NOVEL_DISEASE_FIT_LR), since a new disease of a gene mostly acts the way its known ones do (a de novo
  heterozygote in a dominant disease gene is likelier the cause of a new phenotype than one in a gene known only
  for recessive disease);
- LR_consequence: how often a rare variant of the candidate's impact class (its most severe consequence over
  all transcripts; a LOW or MODIFIER one in a splice region is its own class) is disease-causing, relative to a
  loss-of-function one (IMPACT_LR). The ACMG points alone
  leave a rare synonymous and a rare missense variant without other evidence both at 0 points, yet the first is
  far less often pathogenic (the Bayesian ACMG framework starts every variant at one prior of 0.1);
- LR_variant: the ACMG/AMP points of the variant (rarevar.evidence.acmg) on the Bayesian scale of Tavtigian et al.
  (2018, 2020): odds of pathogenicity 350^(points/8), so 1 point (Supporting) = x2.08, 8 points = x350;
- LR_clinvar: the variant's own ClinVar classification, which the ACMG criteria leave out (PP5/BP6 are retired):
  (likely) pathogenic with review stars counts CLINVAR_STAR_LR per star (up to 3), (likely) benign the inverse;
  no stars or another classification counts 1;
- LR_segregation: how completely the family's genotypes prove the inheritance mode: proven by the genotypes
  (1), or only possible because relatives are missing or not assessable (POSSIBLE_MODE_LR);
- LR_inheritance_fit: the candidate's mode against the disease's modes (INHERITANCE_FIT_LR).

The probability of candidate i is odds_i / (1 + sum of all odds): the candidates of one family compete for one
diagnosis. Before that, the product of the likelihood ratios is tempered (raised to PROBABILITY_TEMPERATURE, in
the manner of temperature scaling): the factors are not independent, so their product is overconfident. The
tempering is monotonic, so it changes no rank. The constants are general settings, the same for every family;
their calibration is measured by `rarevar benchmark --mode full` (the reliability tables) on published solved
cases.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

DIAGNOSTIC_YIELD = 0.4  # clinical WGS diagnoses about 40% of rare-disease patients
ACMG_ODDS_PATH_VERY_STRONG = 350.0  # Tavtigian 2018: OddsPath of a Very strong criterion (8 points)
UNANNOTATED_GENE_LR = 0.01  # a gene without an HPO disease
# A disease of an annotated gene that HPO does not describe yet: less likely than the unknown disease of an
# unannotated gene, since the known disease already says what variants of the gene do and a second, different
# disease is found for a minority of disease genes. On 400 development cases (mode B), top-1/3/10: 0.01 79.2 /
# 91.2 / 97.5%, 0.003 81.5 / 92.0 / 97.0%, 0.001 81.8 / 91.8 / 96.8% (without the rule 80.2 / 90.5 / 94.0%).
NOVEL_DISEASE_LR = 0.003
# Inheritance fit of an undescribed disease: the candidate's mode fits one of the gene's known diseases' modes
# (True), none of them (False), or either is unknown. Milder than INHERITANCE_FIT_LR, since genes with both
# dominant and recessive diseases are common. On all 3,411 development cases (mode B), top-1/3/10 with
# {True, None, False} = {0.5, 0.5, 0.5} (the fit unknown): 82.4 / 91.6 / 97.1%; {1, 0.5, 0.1}: 83.2 / 92.7 / 96.8%;
# {1, 0.5, 0.25}: 83.3 / 92.8 / 96.9%; {1, 0.5, 0.5}: 83.3 / 92.7 / 97.1% (kept: no case loses its top-10 place).
NOVEL_DISEASE_FIT_LR = {True: 1.0, None: 0.5, False: 0.5}
# The phenotype LR multiplies one ratio per HPO term as if the terms were independent; they are not (a patient
# with seizures often has several seizure terms), which makes the product overconfident. Its log is tempered
# by this weight (a power likelihood) before it is combined with the variant evidence.
PHENOTYPE_LR_WEIGHT = 0.5
POSSIBLE_MODE_LR = 0.5  # the mode holds only if missing or unassessable relatives are favourable
INHERITANCE_FIT_LR = {True: 1.0, None: 0.5, False: 0.05}  # the disease's modes include the candidate's (or unknown)
# Relative rate of pathogenic variants among rare variants per impact class (orders of magnitude, from the
# share of pathogenic classifications per consequence among rare variants in ClinVar and gnomAD).
# An exon variant of a non-coding disease gene (rarevar.annotate.consequence.rna_gene_exon) changes the functional
# RNA as a missense change does a protein: counted as MODERATE. A splice-region variant (3-8 bases into the intron,
# the donor 5th base) often disrupts splicing: 0.1, between synonymous and missense (Exomiser scores it above
# missense). Mode B, all 3,411 cases, top-1/3/10: LOW 83.3 / 92.7 / 97.1%, 0.2 83.6 / 93.1 / 96.9%,
# 0.1 83.6 / 93.0 / 97.1%.
IMPACT_LR = {"HIGH": 1.0, "MODERATE": 0.2, "LOW": 0.01, "MODIFIER": 0.005, "RNA_GENE_EXON": 0.2, "SPLICE_REGION": 0.1}
SPLICE_REGION_TERMS = {"splice_region_variant", "splice_donor_5th_base_variant", "splice_donor_region_variant"}
CLINVAR_STAR_LR = 10.0
# The exponent of the combined likelihood ratio when it becomes a probability. Mode B, all 3,411 development cases,
# each candidate's probability given that one of the family's candidates is the cause (log loss per candidate):
# 1.0 0.0641, 0.8 0.0584, 0.7 0.0565, 0.6 0.0555, 0.5 0.0560; at 1.0 the candidates given 0.90-0.99 were causal in
# 77%, at 0.6 in 91%. Fitting a weight per factor instead gains ranks only through the benchmark's construction
# (its background holds only genes with an HPO disease, so a candidate in a gene without one is almost always the
# spiked cause; its variants have no in-silico scores, so PP3 never fires), which real genomes do not share.
PROBABILITY_TEMPERATURE = 0.6
POINTS_RANGE = (-16, 24)  # beyond these the combination is past any evidence a report can state


@dataclass(frozen=True)
class Factors:
    """log10 of each likelihood ratio of one candidate."""

    phenotype: float
    consequence: float
    variant: float
    clinvar: float
    segregation: float
    inheritance_fit: float
    novel_disease: bool = False  # phenotype and inheritance fit counted as for a gene without HPO disease

    @property
    def total(self) -> float:
        return self.phenotype + self.consequence + self.variant + self.clinvar + self.segregation + self.inheritance_fit


def variant_log10_lr(points: float) -> float:
    low, high = POINTS_RANGE
    return min(max(points, low), high) / 8.0 * math.log10(ACMG_ODDS_PATH_VERY_STRONG)


def factors(phenotype_log10_lr: float | None, impact: str, acmg_points: float, mode_proven: bool,
            inheritance_fit: bool | None, clinvar_stars: int = 0, gene_fit: bool | None = None) -> Factors:  # fmt: skip
    """`phenotype_log10_lr` None: the gene has no HPO disease. `clinvar_stars`: review stars of a (likely)
    pathogenic ClinVar classification, negative for a (likely) benign one, 0 for none. `gene_fit`: whether the
    candidate's mode is one of the modes of any of the gene's known diseases (None: unknown)."""
    unknown_fit = math.log10(INHERITANCE_FIT_LR[None])
    novel = (math.log10(NOVEL_DISEASE_LR), math.log10(NOVEL_DISEASE_FIT_LR[gene_fit]))
    known = (math.log10(UNANNOTATED_GENE_LR), unknown_fit) if phenotype_log10_lr is None else (
        PHENOTYPE_LR_WEIGHT * phenotype_log10_lr, math.log10(INHERITANCE_FIT_LR[inheritance_fit]))
    novel_disease = phenotype_log10_lr is not None and sum(novel) > sum(known)
    phenotype, fit = novel if novel_disease else known
    return Factors(
        phenotype=phenotype,
        consequence=math.log10(IMPACT_LR.get(impact, IMPACT_LR["MODIFIER"])),
        variant=variant_log10_lr(acmg_points),
        clinvar=max(-3, min(3, clinvar_stars)) * math.log10(CLINVAR_STAR_LR),
        segregation=0.0 if mode_proven else math.log10(POSSIBLE_MODE_LR),
        inheritance_fit=fit,
        novel_disease=novel_disease,
    )


def probabilities(log10_lrs: list[float]) -> list[float]:
    """Each candidate's posterior probability, its likelihood ratios given as log10 sums (tempered by
    PROBABILITY_TEMPERATURE); the family's candidates share the prior DIAGNOSTIC_YIELD and compete with "none of
    them" (computed in log space)."""
    if not log10_lrs:
        return []
    prior = math.log10(DIAGNOSTIC_YIELD / (1.0 - DIAGNOSTIC_YIELD) / len(log10_lrs))
    return _shares([prior + PROBABILITY_TEMPERATURE * value for value in log10_lrs], with_none=True)


def shares_given_solved(log10_lrs: list[float]) -> list[float]:
    """Each candidate's probability if one of the family's candidates is the cause: its tempered odds over the
    sum of the family's, without the "none of them" hypothesis."""
    return _shares([PROBABILITY_TEMPERATURE * value for value in log10_lrs], with_none=False)


def _shares(log_odds: list[float], with_none: bool) -> list[float]:
    """Each hypothesis' odds over the sum of all (plus "none of them", log odds 0, when `with_none`), in log space
    so that huge odds do not overflow."""
    if not log_odds:
        return []
    top = max(max(log_odds), 0.0) if with_none else max(log_odds)
    denominator = (10.0 ** (-top) if with_none else 0.0) + math.fsum(10.0 ** (value - top) for value in log_odds)
    return [10.0 ** (value - top) / denominator for value in log_odds]
