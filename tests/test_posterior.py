"""The combined probability: likelihood ratios multiply, a family's candidates share one prior, and the
demo's planted cause gets almost all of it."""

import json
import math

import pytest

from rarevar.base.funnel import IMPACT_OR_EXON
from rarevar.benchmark.calibration import reliability
from rarevar.evidence import posterior
from tests.conftest import DEMO


def test_without_evidence_the_candidates_share_the_diagnostic_yield():
    p = posterior.probabilities([0.0] * 8)
    assert sum(p) == pytest.approx(posterior.DIAGNOSTIC_YIELD)
    assert len(set(p)) == 1


def test_eight_acmg_points_are_odds_of_350_and_benign_points_lower_the_odds():
    assert 10 ** posterior.variant_log10_lr(8) == pytest.approx(350.0)
    assert 10 ** posterior.variant_log10_lr(1) == pytest.approx(350 ** (1 / 8))  # Supporting: x2.08
    assert posterior.variant_log10_lr(-4) < 0 < posterior.variant_log10_lr(2)


def test_each_factor_moves_the_odds_the_documented_way():
    strong = posterior.factors(3.0, "HIGH", 8, True, True)
    assert strong.total == pytest.approx(0.5 * 3.0 + 0.0 + math.log10(350) + 0 + 0)
    assert posterior.factors(3.0, "LOW", 8, True, True).total < strong.total  # a synonymous change
    assert posterior.factors(3.0, "HIGH", 8, False, True).total < strong.total  # mode only possible
    assert posterior.factors(3.0, "HIGH", 8, True, False).total < posterior.factors(3.0, "HIGH", 8, True, None).total
    assert posterior.factors(None, "HIGH", 8, True, None).phenotype == math.log10(posterior.UNANNOTATED_GENE_LR)


def test_strong_evidence_takes_the_probability_from_the_others():
    p = posterior.probabilities([6.0, 0.0, -1.0])
    assert p[0] > 0.99 and sum(p) < 1.0
    assert p[1] > p[2]
    assert posterior.probabilities([400.0, 0.0]) == pytest.approx([1.0, 0.0])  # no overflow in log space


def test_reliability_table_counts_each_prediction_in_its_bin():
    rows = reliability([(0.005, False), (0.95, True), (0.97, False), (1.0, True)])
    by_bin = {(r["low"], r["high"]): r for r in rows}
    assert by_bin[(0.0, 0.01)]["candidates"] == 1 and by_bin[(0.0, 0.01)]["observed"] == 0.0
    assert by_bin[(0.9, 0.99)]["candidates"] == 2 and by_bin[(0.9, 0.99)]["observed"] == 0.5
    assert by_bin[(0.99, 1.0)]["candidates"] == 1 and by_bin[(0.99, 1.0)]["mean_predicted"] == 1.0


def test_demo_cause_is_first_with_almost_all_the_probability(demo_run):
    truth = json.loads((DEMO / "truth.json").read_text())
    candidates = json.loads((demo_run / truth["family"] / "candidates.json").read_text())["candidates"]
    first = candidates[0]
    assert (first["gene"], first["pos"]) == (truth["gene"], truth["pos"])
    assert first["score"] == first["posterior"]["probability"] > 0.9
    assert sum(c["score"] for c in candidates) <= 1.0
    assert [c["score"] for c in candidates] == sorted((c["score"] for c in candidates), reverse=True)
    assert any(w.startswith(f"Probability {first['score']:.3g} that this variant explains") for w in first["why"])


# --- a gene whose known diseases do not fit; an exon variant of a non-coding disease gene -------------------------


def test_a_gene_whose_known_diseases_fit_worse_than_an_undescribed_one_counts_as_of_unknown_phenotype():
    poor = posterior.factors(-12.0, "MODERATE", 1, True, False)  # far off the known disease, and its mode too
    assert poor.novel_disease
    assert poor.phenotype == math.log10(posterior.NOVEL_DISEASE_LR)
    assert poor.inheritance_fit == math.log10(posterior.INHERITANCE_FIT_LR[None])
    unannotated = posterior.factors(None, "MODERATE", 1, True, None)
    assert not unannotated.novel_disease and unannotated.phenotype == math.log10(posterior.UNANNOTATED_GENE_LR)
    assert poor.total <= unannotated.total  # an undescribed disease of a known disease gene: not likelier
    fitting = posterior.factors(2.0, "MODERATE", 1, True, True)
    assert not fitting.novel_disease and fitting.phenotype == 0.5 * 2.0
    # a weak match that still beats an undescribed disease is counted as it is
    weak = posterior.factors(-2.0, "MODERATE", 1, True, True)
    assert not weak.novel_disease and weak.total > poor.total


def test_an_undescribed_disease_is_likelier_in_a_gene_known_for_the_family_s_mode_of_inheritance():
    def novel(gene_fit):
        found = posterior.factors(-12.0, "MODERATE", 1, True, False, gene_fit=gene_fit)
        assert found.novel_disease and found.phenotype == math.log10(posterior.NOVEL_DISEASE_LR)
        return found

    assert novel(True).total > novel(None).total >= novel(False).total
    assert novel(None).inheritance_fit == math.log10(posterior.INHERITANCE_FIT_LR[None])


# Findings that neither dilated cardiomyopathy (TNNT2) nor phenylketonuria (PAH) is annotated with
UNRELATED_TERMS = "HP:0000175;HP:0010442;HP:0000365;HP:0008064;HP:0000518;HP:0000668"


def test_a_de_novo_missense_of_a_dominant_disease_gene_outranks_one_of_a_recessive_disease_gene(tmp_path):
    """Two de novo missense variants whose genes' known diseases both fit the patient badly: the one in TNNT2
    (dominant cardiomyopathies) is likelier the cause of a new phenotype of its gene than the one in PAH (known
    only for recessive phenylketonuria), which the inheritance fit of the undescribed disease says."""
    import pandas as pd

    from rarevar.benchmark.records import csq_entry
    from rarevar.evidence.candidates import select_candidates
    from rarevar.evidence.rank import rank_candidates
    from rarevar.phenotype.hpo import read_phenotype
    from tests.test_transcript_choice import SETTINGS

    vcf, family = _trio(tmp_path, [
        ("chr1", 201362000, "C", "T", csq_entry("C", "T", "missense_variant", "TNNT2", "7139", "ENST00000656932",
                                                "ENST00000656932.1:c.304C>T", "ENSP00000499593.1:p.Arg102Trp")),
        ("chr12", 102866000, "G", "A", csq_entry("G", "A", "missense_variant", "PAH", "5053", "ENST00000553106",
                                                 "ENST00000553106.6:c.782G>A", "ENSP00000448059.1:p.Arg261Gln")),
    ])  # fmt: skip
    out = tmp_path / "candidates.parquet"
    select_candidates(vcf, "CSQ", family, "GRCh38", SETTINGS, str(out), str(tmp_path / "funnel.json"),
                      str(tmp_path / "modes.json"))  # fmt: skip
    ranked = rank_candidates(pd.read_parquet(out), read_phenotype(UNRELATED_TERMS, "test"), 0.01)
    assert [c["gene"] for c in ranked] == ["TNNT2", "PAH"]
    assert all(c["posterior"]["novel_disease"] for c in ranked)
    dominant, recessive = (c["posterior"] for c in ranked)
    fit = {known: math.log10(posterior.NOVEL_DISEASE_FIT_LR[known]) for known in (True, False)}
    assert dominant["log10_lr_inheritance_fit"] == pytest.approx(fit[True], abs=1e-4)
    assert recessive["log10_lr_inheritance_fit"] == pytest.approx(fit[False], abs=1e-4)
    assert any("inheritance fit 1, the family's mode against those of the gene's known diseases" in w
               for w in ranked[0]["why"])  # fmt: skip


# Eye, skin, bleeding and heart findings that ReNU syndrome (RNU4-2) is not annotated with
OFF_TERMS = "HP:0001083;HP:0000501;HP:0001065;HP:0000978;HP:0001634;HP:0002616"


def _trio(tmp_path, records: list[tuple[str, int, str, str, str]]):
    """A de novo trio VCF with VEP CSQ on the given (chrom, pos, ref, alt, CSQ) records, and its family."""
    from rarevar.benchmark.records import SAMPLES, header_lines, record_line
    from rarevar.inputs.pedigree import family_for

    contigs = {chrom: 250_000_000 for chrom, *_ in records}
    calls = ["0/1:15,15:30:60", "0/0:30,0:30:99", "0/0:30,0:30:99"]
    lines = header_lines(contigs) + [record_line(c, p, r, a, csq, calls) for c, p, r, a, csq in records]
    vcf = tmp_path / "trio.vcf"
    vcf.write_text("\n".join(lines) + "\n")
    ped = tmp_path / "trio.ped"
    proband, mother, father = SAMPLES
    ped.write_text(f"F1\t{proband}\t{father}\t{mother}\t1\t2\nF1\t{mother}\t0\t0\t2\t1\nF1\t{father}\t0\t0\t1\t1\n")
    return str(vcf), family_for(str(ped), "F1")


def test_an_exon_variant_of_a_non_coding_disease_gene_is_a_candidate_and_ranked_like_a_missense(tmp_path):
    """Published de novo snRNA variants (phenopacket-store): RNU4-2 n.64_65insT (ReNU syndrome, an HPO disease)
    is kept though its impact is MODIFIER; RNU2-2 n.4G>A (no HPO disease in the bundled release) and an exon
    variant of a protein-coding gene's retained-intron transcript are not."""
    import pandas as pd

    from rarevar.benchmark.records import csq_entry
    from rarevar.evidence.candidates import select_candidates
    from rarevar.evidence.rank import rank_candidates
    from rarevar.phenotype.hpo import read_phenotype
    from tests.test_transcript_choice import SETTINGS

    exon = "non_coding_transcript_exon_variant"
    retained = (csq_entry("C", "T", exon, "APP", "351", "ENST00000448850", "ENST00000448850.1:n.300G>A", "",
                          "retained_intron") + ","
                + csq_entry("C", "T", "intron_variant", "APP", "351", "ENST00000346798", "c.1000+50G>A", ""))
    vcf, family = _trio(tmp_path, [
        ("chr11", 62841806, "C", "T", csq_entry("C", "T", exon, "RNU2-2", "", "NR_199791.1", "NR_199791.1:n.4G>A",
                                                "", "snRNA")),
        ("chr12", 120291839, "T", "TA", csq_entry("T", "TA", exon, "RNU4-2", "", "NR_003137.3",
                                                  "NR_003137.3:n.64_65insT", "", "snRNA")),
        ("chr21", 25891796, "C", "T", retained),
    ])  # fmt: skip
    out, funnel = tmp_path / "candidates.parquet", tmp_path / "funnel.json"
    select_candidates(vcf, "CSQ", family, "GRCh38", SETTINGS, str(out), str(funnel), str(tmp_path / "modes.json"))
    table = pd.read_parquet(out)
    assert list(table["gene"]) == ["RNU4-2"] and bool(table["rna_gene_exon"].iloc[0])
    step = next(s for s in json.loads(funnel.read_text()) if s["step"].startswith("consequence impact"))
    assert step == {"step": "consequence impact HIGH/LOW/MODERATE, or an exon of a non-coding disease gene",
                    "variants": 1, "message": {"id": IMPACT_OR_EXON, "fields": {"impacts": "HIGH/LOW/MODERATE"}}}
    ranked = rank_candidates(table, read_phenotype("HP:0001263", "test"), 0.01)
    moderate = math.log10(posterior.IMPACT_LR["MODERATE"])
    assert ranked[0]["posterior"]["log10_lr_consequence"] == pytest.approx(moderate, abs=1e-4)
    assert not ranked[0]["posterior"]["novel_disease"]  # developmental delay fits ReNU syndrome
    off = rank_candidates(table, read_phenotype(OFF_TERMS, "test"), 0.01)[0]
    assert off["posterior"]["novel_disease"] and off["posterior"]["log10_lr_phenotype"] == pytest.approx(
        math.log10(posterior.NOVEL_DISEASE_LR), abs=1e-4)
    assert any("known diseases of RNU4-2 worse than a disease of the gene not described yet" in w for w in off["why"])
    # with MODIFIER kept, every record is a candidate and none needs the rule
    every = {**SETTINGS, "keep_impacts": ["HIGH", "MODERATE", "LOW", "MODIFIER"]}
    select_candidates(vcf, "CSQ", family, "GRCh38", every, str(out), str(funnel), str(tmp_path / "modes.json"))
    assert len(pd.read_parquet(out)) == 3 and not pd.read_parquet(out)["rna_gene_exon"].any()


def test_a_splice_region_variant_counts_above_a_synonymous_one(tmp_path):
    """A published de novo ITPR1 c.6808+5G>T (phenopacket-store PMID_27108797, splice donor 5th base, LOW in VEP)
    is weighed near a missense change (Exomiser scores splice-region variants above missense ones), so it
    outranks a de novo synonymous change of the same gene that no splice site is near."""
    import pandas as pd

    from rarevar.benchmark.records import csq_entry
    from rarevar.evidence.candidates import select_candidates
    from rarevar.evidence.rank import rank_candidates
    from rarevar.phenotype.hpo import read_phenotype
    from tests.test_transcript_choice import SETTINGS

    plus5 = "splice_donor_5th_base_variant&splice_region_variant&splice_donor_region_variant&intron_variant"
    transcript = "NM_001378452.1"
    vcf, family = _trio(tmp_path, [
        ("chr3", 4788144, "G", "T", csq_entry("G", "T", plus5, "ITPR1", "3708", transcript,
                                              f"{transcript}:c.6808+5G>T", "")),
        ("chr3", 4700000, "C", "T", csq_entry("C", "T", "synonymous_variant", "ITPR1", "3708", transcript,
                                              f"{transcript}:c.3000C>T", "p.Leu1000=")),
    ])  # fmt: skip
    out = tmp_path / "candidates.parquet"
    select_candidates(vcf, "CSQ", family, "GRCh38", SETTINGS, str(out), str(tmp_path / "funnel.json"),
                      str(tmp_path / "modes.json"))  # fmt: skip
    ranked = rank_candidates(pd.read_parquet(out), read_phenotype("HP:0001251;HP:0001263", "test"), 0.01)
    assert [c["pos"] for c in ranked] == [4788144, 4700000]
    consequence = {c["pos"]: c["posterior"]["log10_lr_consequence"] for c in ranked}
    assert consequence[4788144] == pytest.approx(math.log10(posterior.IMPACT_LR["SPLICE_REGION"]), abs=1e-4)
    assert consequence[4700000] == pytest.approx(math.log10(posterior.IMPACT_LR["LOW"]), abs=1e-4)
