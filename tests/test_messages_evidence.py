"""The evidence layer writes its sentences as messages beside the English (rarevar.base.messages): each candidate's
`why` has `why_messages`, each ACMG criterion's `evidence` an `evidence_message`, each code left for review its
`reason_message`. The English of every message is the text written beside it, and the report renders the message
in Chinese from the catalogue with the ids, genes, HGVS and numbers kept.

Real data: the demo's own run, the ExAC sites, APP-770 gene models and compound-heterozygote records of
tests/test_acmg.py, and the real HPO annotations for the phenotype sentences.
"""

from __future__ import annotations

import json
import re

from rarevar.annotate.clinvar import CodonHit
from rarevar.base.messages import english
from rarevar.evidence.acmg import AcmgContext, assess, parentage_from_qc, summary_message
from rarevar.evidence.rank import Scored, clinvar_record, explain
from rarevar.phenotype.hpo import Phenotype
from rarevar.phenotype.likelihood import score_genes
from rarevar.report.messages import render
from tests.test_acmg import CONFIRMED, _compound, _de_novo, app_stop, exac


def zh(message: dict) -> str:
    return render(message, "zh")


def said(result: dict) -> list[tuple[str, dict]]:
    """(text, message) of every ACMG sentence of one assessment."""
    return [(item["evidence"], item["evidence_message"]) for item in result["criteria"] + result["not_met"]] + [
        (item["reason"], item["reason_message"]) for item in result["for_review"]
    ]


def evidence(result: dict, code: str) -> dict:
    return next(item for item in result["criteria"] + result["not_met"] if item["code"] == code)


# --------------------------------------------------------------------------------------------- the demo's run


def test_every_sentence_of_the_demo_candidates_has_its_message(demo_run):
    candidates = json.loads((demo_run / "DEMO1" / "candidates.json").read_text())["candidates"]
    assert candidates
    for candidate in candidates:
        assert len(candidate["why_messages"]) == len(candidate["why"])
        assert [english(m) for m in candidate["why_messages"]] == candidate["why"]
        assert all(english(m) == text for text, m in said(candidate["acmg"]))
        assert all(render(m, "zh") for m in candidate["why_messages"])  # well formed


def test_the_demo_cause_reads_in_chinese(demo_run, truth):
    first = json.loads((demo_run / "DEMO1" / "candidates.json").read_text())["candidates"][0]
    assert first["gene"] == truth["gene"]
    chinese = [zh(m) for m in first["why_messages"]]
    assert chinese[0] == "在此家系中符合新发（de novo）遗传。"
    assert f"{first['gene']} 的错义变异（{first['hgvs_p']}）。" in chinese
    assert f"ACMG：可能致病（{first['acmg']['points']} 分：PS2, PM5, PP3_Moderate, PM2_Supporting）。" in chinese
    assert chinese[-1].startswith(f"该变异解释表型的概率为 {first['score']:.3g}：似然比——表型 ")
    assert zh(evidence(first["acmg"], "PS2")["evidence_message"]) == (
        "新发已确认：父母双方均已分型，检出置信度高，亲子关系经亲缘关系和孟德尔错误质控确认；"
        f"表型高度特异（HPO 匹配度 {first['phenotype_score']:.2f}）：SVI 新发变异 2 分。"
    )
    review = {item["code"]: zh(item["reason_message"]) for item in first["acmg"]["for_review"]}
    assert review["PS3"] == "功能研究"


# --------------------------------------------------------------------------------------------- ACMG sentences


def test_pvs1_clauses_read_in_chinese_with_their_numbers():
    result = assess(app_stop(200), CONFIRMED)
    pvs1 = evidence(result, "PVS1")
    nt = re.search(r"lies (\d+) nt before", pvs1["evidence"]).group(1)
    assert english(pvs1["evidence_message"]) == pvs1["evidence"]
    assert zh(pvs1["evidence_message"]) == (
        f"无义变异：提前终止密码子位于最后一个外显子连接处之前 {nt} nt：预测发生 NMD；"
        "APP 在 gnomAD 中不耐受功能丧失（LOEUF 0.31, pLI 1.00）。"
    )
    tolerant = evidence(assess(app_stop(200, constraint={"pli": 0.0, "loeuf": 1.4, "lof_intolerant": False})), "PVS1")
    assert tolerant["evidence"].endswith(" PVS1 not applied.")
    assert zh(tolerant["evidence_message"]).endswith("的单倍剂量不足未获支持。未采用 PVS1。")


def test_pvs1_by_exon_number_reads_in_chinese():
    """VEP's EXON=k/n without gene models: the NMD clause is said for the variant's kind (nonsense, frameshift)."""
    kinds = (("stop_gained", "p.Gln100Ter", "Nonsense", "无义变异"), ("frameshift_variant", "p.Gln100fs", "Frameshift",
                                                                     "移码变异"))  # fmt: skip
    for consequence, hgvs_p, english_kind, kind in kinds:
        candidate = {"gene": "APP", "consequence": consequence, "hgvs_p": hgvs_p, "inheritance": ["de_novo"],
                     "exon_context": {"source": "annotation", "exon": [18, 18]}}  # fmt: skip
        pvs1 = evidence(assess(candidate), "PVS1")
        assert pvs1["evidence"].startswith(f"{english_kind}: in the last exon (18/18), so NMD is not predicted; ")
        assert zh(pvs1["evidence_message"]) == (
            f"{kind}：位于最后一个外显子（18/18），因此不预测发生 NMD；被去除的蛋白比例未知（无基因模型）：中等；"
            "基因约束未知（无 gnomAD 约束表），因此降一级。"
        )


def test_population_and_splicing_sentences_keep_their_values():
    recessive = assess(exac(69218, "C", inheritance=["compound_heterozygous"]))
    pm2 = evidence(recessive, "PM2")
    af = re.search(r"AF (\S+) <=", pm2["evidence"]).group(1)
    assert zh(pm2["evidence_message"]) == f"人群 AF {af} ≤ 0.001（隐性判定的上限），且无纯合子。"
    synonymous = assess(exac(69300, "C"))
    bp7 = next(item for item in synonymous["for_review"] if item["code"] == "BP7")
    assert bp7["reason"] == "synonymous, but no SpliceAI score to rule out a splicing effect."
    assert zh(bp7["reason_message"]) == "同义变异，但没有 SpliceAI 评分可排除剪接效应。"
    benign = evidence(assess({**exac(69300, "C"), "scores": {"spliceai": 0.02}}), "BP7")
    assert zh(benign["evidence_message"]) == "同义变异，SpliceAI 0.02 ≤ 0.1：预测无剪接效应（未核查保守性）。"


def test_points_below_supporting_and_pvs1_overlap_say_so_in_chinese():
    unphased = assess(*_compound("unphased", "Likely_pathogenic"))  # 0.25 PM3 points
    pm3 = evidence(unphased, "PM3")
    assert pm3["evidence"] == (
        "With chr22:97:G:T, likely pathogenic in ClinVar, phase unknown: 0.25 SVI PM3 points. Below 0.5 points: not "
        "applied."
    )
    assert zh(pm3["evidence_message"]) == (
        "与 chr22:97:G:T（ClinVar 中为可能致病），相位未知：SVI PM3 0.25 分。不足 0.5 分：未采用。"
    )
    pp3 = [{"criterion": "PP3", "strength": "moderate", "source": "cadd", "value": 29.6, "threshold": 28.1}]
    overlap = evidence(assess(app_stop(200, computational_evidence=pp3)), "PP3")
    assert zh(overlap["evidence_message"]) == "CADD 29.6 ≥ 28.1（校准阈值）。不与 PVS1 叠加（SVI）。"
    homozygous = evidence(assess({"consequence": "missense_variant", "inheritance": ["autosomal_recessive"]}), "PM3")
    assert zh(homozygous["evidence_message"]) == "先证者为纯合：SVI PM3 0.5 分。"


def test_de_novo_points_with_each_parentage_note():
    for qc, note in (
        ({}, "亲子关系未核查（质控未评估任何亲子对）"),
        ({"relatedness": [{"expected": "parent-child", "ok": True}]}, "亲子关系经亲缘关系质控确认"),
        ({"relatedness": [{"expected": "parent-child", "ok": False}]},
         "亲子关系未确认：家系的亲缘关系或孟德尔错误质控标记了一方亲本"),
    ):  # fmt: skip
        result = assess(_de_novo(de_novo_confidence="medium", phenotype_score=0.5), AcmgContext(*parentage_from_qc(qc)))
        pm6 = evidence(result, "PM6")
        assert english(pm6["evidence_message"]) == pm6["evidence"]
        assert zh(pm6["evidence_message"]) == (
            f"假定新发，未确认：检出置信度中等；{note}；表型相符（HPO 匹配度 0.50）：SVI 新发变异 0.5 分。"
        )


def test_the_acmg_summary_sentence():
    nothing = summary_message({"criteria": [], "points": 0, "class_2015": "Uncertain significance",
                               "class_points": "Uncertain significance"})  # fmt: skip
    assert english(nothing) == "ACMG: Uncertain significance (0 points: no criterion met)."
    assert zh(nothing) == "ACMG：意义不明（0 分：无满足的证据）。"
    one = summary_message({"criteria": [{"label": "PM2_Supporting"}, {"label": "BP4_Moderate"}], "points": -1,
                           "class_2015": "Uncertain significance", "class_points": "Likely benign"})  # fmt: skip
    assert english(one) == (
        "ACMG: Uncertain significance (-1 point: PM2_Supporting, BP4_Moderate; by points Likely benign)."
    )
    assert zh(one) == "ACMG：意义不明（-1 分：PM2_Supporting, BP4_Moderate；按计分为可能良性）。"


# --------------------------------------------------------------------------------------------- why-sentences


def _row(**changes) -> dict:
    """A candidate table row as the candidates stage writes it (rarevar.evidence.candidates)."""
    row = {
        "gene": "MYH7", "transcript": "ENST00000355349", "consequence": "splice_region_variant&intron_variant",
        "hgvs_p": "", "hgvs_c": "", "inheritance": "[]", "partners": "[]", "pop_af": 0.0003,
        "possible_inheritance": json.dumps(["autosomal_recessive", "mitochondrial"]),
        "phase_evidence": "reads", "de_novo_confidence": "medium", "heteroplasmy": json.dumps({"P1": 0.4}),
        "unassessable_parents": json.dumps(["F1"]),
        "transcripts": json.dumps([{"transcript": "ENST00000713613", "consequence": "stop_gained", "gene": "MYH7",
                                    "hgvs_p": "", "hgvs_c": ""}]),
        "computational_evidence": json.dumps([{"criterion": "BP4", "strength": "very_strong", "source": "revel",
                                               "value": 0.01, "threshold": 0.016}]),
        "gene_lof_intolerant": True, "gene_loeuf": 0.2, "gene_pli": float("nan"), "constraint_version": "v4.1",
        "clinvar_sig": "Likely_pathogenic", "clinvar_id": "12345", "clinvar_revstat": "reviewed_by_expert_panel",
        "clinvar_dn": "Dilated_cardiomyopathy_1A|not_provided",
    }  # fmt: skip
    return {**row, **changes}


def test_why_sentences_read_in_chinese_with_their_values():
    row = _row()
    match = score_genes(Phenotype(["HP:0001639"], []), {"MYH7"})["MYH7"]
    codon = {"same_amino_acid_change": [CodonHit("999", "chr14:1:A:G", "W", "Pathogenic", 2)],
             "other_change_at_codon": [CodonHit("998", "chr14:1:A:T", "Q", "Likely_pathogenic", 1)]}  # fmt: skip
    messages = explain(Scored(row, match, 0.5, 0.5, clinvar_record(row), codon), 0.01)
    chinese = {english(m): zh(m) for m in messages}
    expected = {
        "Inheritance could fit autosomal recessive (homozygous) or mitochondrial (maternal or de novo) if the "
        "genotypes of missing relatives are favourable.":
            "若缺失亲属的基因型有利，遗传方式可能符合常染色体隐性（纯合）或线粒体（母系遗传或新发）。",
        "Sequencing reads show the two variants are on different copies of the gene (read-backed phase).":
            "测序读段显示两个变异位于该基因的不同拷贝上（读段定相）。",
        "Heteroplasmy (alt fraction): P1 40%.": "异质性（替代等位基因比例）：P1 40%。",
        "Parent not assessable here (F1: genotype missing or failed the quality gates); the call stays possible.":
            "此处无法评估亲本（F1：基因型缺失或未通过质量门槛）；该判断仍为“可能”。",
        "splice_region_variant&intron_variant in MYH7.": "MYH7 的剪接区变异、内含子变异。",
        "More severe on another transcript: stop_gained in MYH7 (ENST00000713613).":
            "另一转录本上的后果更严重：MYH7 的无义变异（提前终止）（ENST00000713613）。",
        "BP4 (very strong): REVEL 0.01 <= 0.016 predicts benign.": "BP4（非常强）：REVEL 0.01 ≤ 0.016，预测为良性。",
        "Predicted loss of function in MYH7, a gene intolerant of loss of function (gnomAD v4.1 LOEUF 0.20).":
            "预测 MYH7 功能丧失，该基因不耐受功能丧失（gnomAD v4.1 LOEUF 0.20）。",
        "ClinVar: Likely pathogenic for Dilated cardiomyopathy 1A (3 stars, variation 12345).":
            "ClinVar：可能致病，相关疾病 Dilated cardiomyopathy 1A（3 星，变异编号 12345）。",
        "The same amino-acid change is Pathogenic in ClinVar (999).": "相同的氨基酸改变在 ClinVar 中为致病（999）。",
        "Another change at this codon (to Q) is Likely pathogenic in ClinVar (998, 1 stars).":
            "同一密码子的另一改变（变为 Q）在 ClinVar 中为可能致病（998，1 星）。",
        "Population allele frequency 0.0003 (at most 0.01 allowed).": "人群等位基因频率 0.0003（允许上限 0.01）。",
    }  # fmt: skip
    assert {text: chinese.get(text) for text in expected} == expected
    phenotype = chinese[next(text for text in chinese if text.startswith("Phenotype likelihood ratio"))]
    assert phenotype.startswith("表型似然比 ") and f"（{match.disease['id']}）；可解释的表型：" in phenotype


def test_why_sentences_of_a_gene_without_disease_or_explained_term():
    row = _row(clinvar_sig="", computational_evidence="[]", transcripts="[]", gene_lof_intolerant=False)
    no_codon = {"same_amino_acid_change": [], "other_change_at_codon": []}
    unannotated = explain(Scored(row, None, 0.5, 0.5, None, no_codon), 0.01)
    assert zh(unannotated[-1]) == "MYH7 没有注释的 HPO 疾病：按表型未知的基因计（似然比 0.01）。"
    heart = Phenotype(["HP:0001639", "HP:0001645", "HP:0004308", "HP:0001712"], [])  # the demo's terms
    unrelated = score_genes(heart, {"XPC"})["XPC"]  # xeroderma pigmentosum explains none of them
    phenotype = next(m for m in explain(Scored({**row, "gene": "XPC"}, unrelated, 0.5, 0.5, None, no_codon), 0.01)
                     if english(m).startswith("Phenotype likelihood ratio"))  # fmt: skip
    assert english(phenotype).endswith("; explained: no term.") and zh(phenotype).endswith("；可解释的表型：无。")
