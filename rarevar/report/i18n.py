"""Report languages: English (as written in the code) and Simplified Chinese.

Two kinds of text are translated, both keyed by their English wording so that the English report is exactly
what the code writes and a text without a translation stays in English (never dropped):
- fixed texts of the templates and the report builder (`MESSAGES`): `t("Showing {shown} of {total} candidates",
  shown=..., total=...)`;
- messages the pipeline writes as data (an id plus named fields: the funnel steps so far): `t.message(message,
  english)` renders them from the gettext catalogues under `locale/` (rarevar.report.messages);
- sentences the pipeline built in English (why-sentences, QC findings, not-assessed notes):
  `t.sentence(text)` matches them against sentence templates with named fields (`SENTENCES`) and fills the
  Chinese template with the same values. Ids, genes, HGVS and numbers pass through unchanged; a few fields
  (inheritance modes, consequence terms) are themselves translated word by word.
HPO term labels stay in English: no offline Chinese HPO translation ships with the HPO packages.
"""

from __future__ import annotations

import re
from functools import cache

from rarevar.report.messages import SOURCE_LANGUAGE, lookup, render

LANGUAGES = ("en", "zh")
HTML_LANG = {"en": "en", "zh": "zh-Hans"}

# fmt: off
# --- sentences built by the pipeline ------------------------------------------------------------

# (English template, Chinese template). Fields match any text; those named in FIELD_WORDS are translated.
SENTENCES_ZH = [
    # rank.py: why-sentences
    ("Inheritance fits {modes} in this family.", "在此家系中符合{modes}遗传。"),
    ("Inheritance could fit {modes_or} if the genotypes of missing relatives are favourable.",
     "若缺失亲属的基因型有利，遗传方式可能符合{modes_or}。"),
    ("Second variant of the compound heterozygote in {gene}: {partners}.", "{gene} 复合杂合的另一个变异：{partners}。"),
    ("The parents' genotypes show the two variants are on different copies of the gene.",
     "父母的基因型显示两个变异位于该基因的不同拷贝上。"),
    ("Sequencing reads show the two variants are on different copies of the gene (read-backed phase).",
     "测序读段显示两个变异位于该基因的不同拷贝上（读段定相）。"),
    ("Not known whether the two variants are on different copies (no parents or read phase to tell).",
     "无法确定两个变异是否位于不同拷贝上（没有父母数据或读段定相可判断）。"),
    ("De novo call confidence high: both parents well covered with at most one stray alt read, child's allele "
     "balance fits.", "新发变异检出置信度高：父母双方覆盖良好，至多一条零星的替代读段，子代等位基因平衡符合。"),
    ("De novo call confidence medium: a parent's depth or genotype quality is low, or read counts missing.",
     "新发变异检出置信度中等：一方亲本的深度或基因型质量偏低，或缺少读段计数。"),
    ("De novo call confidence low: the parents show alt reads or one is not assessable, or the child's allele "
     "balance is off.", "新发变异检出置信度低：父母出现替代读段或一方无法评估，或子代等位基因平衡异常。"),
    ("Heteroplasmy (alt fraction): {levels}.", "异质性（替代等位基因比例）：{levels}。"),
    ("Parent not assessable here ({parents}: genotype missing or failed the quality gates); the call stays "
     "possible.", "此处无法评估亲本（{parents}：基因型缺失或未通过质量门槛）；该判断仍为“可能”。"),
    ("More severe on another transcript: {consequence} in {gene} ({transcript}, {change}).",
     "另一转录本上的后果更严重：{gene} 的{consequence}（{transcript}，{change}）。"),
    ("More severe on another transcript: {consequence} in {gene} ({transcript}).",
     "另一转录本上的后果更严重：{gene} 的{consequence}（{transcript}）。"),
    ("{consequence} in {gene} ({change}).", "{gene} 的{consequence}（{change}）。"),
    ("{consequence} in {gene}.", "{gene} 的{consequence}。"),
    ("{criterion} ({strength}): {source} {value} >= {threshold} predicts damaging.",
     "{criterion}（{strength}）：{source} {value} ≥ {threshold}，预测为有害。"),
    ("{criterion} ({strength}): {source} {value} <= {threshold} predicts benign.",
     "{criterion}（{strength}）：{source} {value} ≤ {threshold}，预测为良性。"),
    ("Predicted loss of function in {gene}, a gene intolerant of loss of function (gnomAD {details}).",
     "预测 {gene} 功能丧失，该基因不耐受功能丧失（gnomAD {details}）。"),
    ("ClinVar: {significance} for {conditions} ({stars} stars, variation {id}).",
     "ClinVar：{significance}，相关疾病 {conditions}（{stars} 星，变异编号 {id}）。"),
    ("ClinVar: {significance} for {conditions} ({stars} star, variation {id}).",
     "ClinVar：{significance}，相关疾病 {conditions}（{stars} 星，变异编号 {id}）。"),
    ("ClinVar: {significance} ({stars} stars, variation {id}).",
     "ClinVar：{significance}（{stars} 星，变异编号 {id}）。"),
    ("ClinVar: {significance} ({stars} star, variation {id}).",
     "ClinVar：{significance}（{stars} 星，变异编号 {id}）。"),
    ("The same amino-acid change is {significance} in ClinVar ({id}).",
     "相同的氨基酸改变在 ClinVar 中为{significance}（{id}）。"),
    ("Another change at this codon (to {aa}) is {significance} in ClinVar ({id}, {stars} stars).",
     "同一密码子的另一改变（变为 {aa}）在 ClinVar 中为{significance}（{id}，{stars} 星）。"),
    ("ACMG: {acmg_class} ({points} points: {criteria}; by points {class_points}).",
     "ACMG：{acmg_class}（{points} 分：{criteria}；按计分为{class_points}）。"),
    ("ACMG: {acmg_class} ({points} point: {criteria}; by points {class_points}).",
     "ACMG：{acmg_class}（{points} 分：{criteria}；按计分为{class_points}）。"),
    ("ACMG: {acmg_class} ({points} points: {criteria}).", "ACMG：{acmg_class}（{points} 分：{criteria}）。"),
    ("ACMG: {acmg_class} ({points} point: {criteria}).", "ACMG：{acmg_class}（{points} 分：{criteria}）。"),
    ("Not observed in the population database.", "人群数据库中未观察到。"),
    ("Population allele frequency {af} (at most {max_af} allowed).", "人群等位基因频率 {af}（允许上限 {max_af}）。"),
    ("Phenotype match {score} to {disease} ({id}): {terms}.", "与 {disease}（{id}）的表型匹配度 {score}：{terms}。"),
    ("Phenotype match {score} to the phenotypes annotated to {gene}.", "与 {gene} 注释表型的匹配度 {score}。"),
    ("No HPO phenotype is annotated to {gene}: phenotype match 0.", "{gene} 没有注释的 HPO 表型：表型匹配度 0。"),
    # records the normalize and consequence stages set aside (the funnel steps are messages: locale/*.po)
    ("'*': the allele is removed by an overlapping deletion, which is assessed as its own record",
     "'*'：该等位基因被重叠的缺失删除，该缺失作为单独记录评估"),
    ("{alt}: a gVCF reference block (no alternate allele called)", "{alt}：gVCF 参考区块（未检出替代等位基因）"),
    ("breakend: a structural variant, not assessed as a small variant", "断点：结构变异，不作为小变异评估"),
    ("Phenotype likelihood ratio {lr} for {disease} ({id}); explained: {terms}.",
     "表型似然比 {lr}，对应 {disease}（{id}）；可解释的表型：{terms}。"),
    ("Excluded in the patient but usual in {disease}: {terms}.", "患者已排除、但 {disease} 常见的表型：{terms}。"),
    ("The inheritance seen here fits the disease's {disease_modes} inheritance.",
     "此处所见的遗传方式符合该疾病的 {disease_modes} 遗传。"),
    ("The inheritance seen here does not fit the disease's {disease_modes} inheritance.",
     "此处所见的遗传方式不符合该疾病的 {disease_modes} 遗传。"),
    ("The patient's phenotype fits the known diseases of {gene} worse than a disease of the gene not described yet "
     "would: counted as a gene of unknown phenotype (likelihood ratio {lr}; inheritance fit {fit}, the family's mode "
     "against those of the gene's known diseases).",
     "患者表型与 {gene} 已知疾病的符合程度，不及该基因一种尚未描述的疾病：按表型未知的基因计"
     "（似然比 {lr}；遗传方式符合度 {fit}，即本家系的遗传方式与该基因已知疾病的遗传方式相比）。"),
    ("No HPO disease is annotated to {gene}: counted as a gene of unknown phenotype (likelihood ratio {lr}).",
     "{gene} 没有注释的 HPO 疾病：按表型未知的基因计（似然比 {lr}）。"),
    ("Probability {p} that this variant explains the phenotype: likelihood ratios phenotype {phenotype}, "
     "consequence {consequence_lr}, variant (ACMG points) {variant}, ClinVar {clinvar}, segregation {segregation}, "
     "inheritance fit {fit}.",
     "该变异解释表型的概率为 {p}：似然比——表型 {phenotype}，后果 {consequence_lr}，变异（ACMG 分值）{variant}，"
     "ClinVar {clinvar}，共分离 {segregation}，遗传方式符合度 {fit}。"),
    ("no {tag} annotation in the input VCF: its consequence is not known", "输入 VCF 中无 {tag} 注释：其后果未知"),
    # outputs.py: not assessed
    ("Structural and copy-number variants and repeat expansions are not assessed.",
     "未评估结构变异、拷贝数变异和重复扩增。"),
    ("ACMG/AMP criteria are automated in part (functional, segregation, case-control and phenotype-specificity "
     "criteria are left for review) and the class is not weighed into the score: it is evidence for a reviewer, "
     "not a clinical classification.",
     "ACMG/AMP 证据仅部分自动评定（功能、共分离、病例对照和表型特异性相关证据留待人工审阅），且分类未计入评分："
     "它是供审阅者参考的证据，而非临床分类。"),
    ("ClinVar was not configured: known classifications were not looked up.", "未配置 ClinVar：未查询已知分类。"),
    ("In-silico scores were not assessed: no score file ({sources}) was configured.",
     "未评估计算机预测评分：未配置评分文件（{sources}）。"),
    ("In-silico scores not configured, so not looked up: {sources}.",
     "以下计算机预测评分未配置，因此未查询：{sources}。"),
    ("Gene constraint (pLI, LOEUF) was not assessed: no gnomAD constraint table was configured.",
     "未评估基因约束（pLI、LOEUF）：未配置 gnomAD 约束表。"),
    ("Variants whose most severe consequence has impact {impacts} (for example deep intronic or intergenic) were "
     "not considered, apart from exon variants of non-coding disease genes.",
     "未考虑最严重后果的影响程度为 {impacts} 的变异（例如深部内含子或基因间变异），"
     "有已知疾病的非编码基因的外显子变异除外。"),
    ("Variants whose most severe consequence has impact {impacts} (for example deep intronic or intergenic) were "
     "not considered.", "未考虑最严重后果的影响程度为 {impacts} 的变异（例如深部内含子或基因间变异）。"),
    ("{n} {mode} candidates, over {factor}x the ~{expected} of a typical genome trio: check sample quality and "
     "relationships first",
     "{n} 个{mode}候选变异，超过典型全基因组三人家系约 {expected} 个的 {factor} 倍："
     "请先核查样本质量和亲缘关系"),
    ("No local cohort database was used: variants recurrent in this lab's families were not filtered.",
     "未使用本地队列数据库：未过滤本实验室家系中反复出现的变异。"),
    # qc.py: findings
    ("{sample} is recorded as {ped_sex} in the PED but looks {inferred_sex} ({evidence}): check for a sample swap "
     "or a wrong sex in the PED.", "{sample} 在 PED 中记录为{ped_sex}，但基因型显示为{inferred_sex}（{evidence}）："
     "请核查是否样本调换或 PED 中性别有误。"),
    ("{sample} has an ambiguous {x} (male up to {male}, female from {female}): possible contamination or a "
     "sex-chromosome aneuploidy.",
     "{sample} 的 {x} 不明确（男性至多 {male}，女性自 {female} 起）：可能存在污染或性染色体非整倍体。"),
    ("Sex could not be checked for {samples}: fewer than {n} good-quality non-reference chrX calls.",
     "无法核查 {samples} 的性别：高质量的 chrX 非参考检出少于 {n} 个。"),
    ("{sample} has a low call rate: {rate} of autosomal records are called (warning below {limit}).",
     "{sample} 检出率偏低：常染色体记录中 {rate} 被检出（低于 {limit} 时警告）。"),
    ("{sample} has an unusual het/hom-alt ratio of {ratio} (expected {range}): possible long runs of "
     "homozygosity (consanguinity) or a poor-quality sample.",
     "{sample} 的杂合/纯合替代比为 {ratio}，异常（预期 {range}）：可能存在长片段纯合（近亲婚配）或样本质量差。"),
    ("{sample} has an unusual het/hom-alt ratio of {ratio} (expected {range}): possible contamination or a "
     "poor-quality sample.", "{sample} 的杂合/纯合替代比为 {ratio}，异常（预期 {range}）：可能存在污染或样本质量差。"),
    ("{a} and {b} are recorded in the PED as {expected} but their genotypes look {looks} (kinship {kinship}, "
     "expected {expected_kinship}; IBS0 {ibs0} over {n} sites): check for {why}.",
     "{a} 与 {b} 在 PED 中记录为{expected}，但其基因型看起来是{looks}（亲缘系数 {kinship}，预期 {expected_kinship}；"
     "IBS0 {ibs0}，基于 {n} 个位点）：请核查{why}。"),
    ("Relatedness could not be checked for {pairs}: fewer than {n} autosomal SNVs called in both samples.",
     "无法核查 {pairs} 的亲缘关系：两个样本中均检出的常染色体 SNV 少于 {n} 个。"),
    ("{child} (father {father}, mother {mother}) has {errors} Mendelian errors in {sites} sites ({rate}, limit "
     "{limit}): a parent may be wrong (sample swap, non-paternity) or the genotypes poor.",
     "{child}（父亲 {father}，母亲 {mother}）在 {sites} 个位点中有 {errors} 个孟德尔错误（{rate}，上限 {limit}）："
     "亲本可能有误（样本调换、非亲生）或基因型质量差。"),
    ("Mendelian errors were not judged for {child} (father {father}, mother {mother}): {sites} informative sites "
     "(at least {n} needed).",
     "未评判 {child}（父亲 {father}，母亲 {mother}）的孟德尔错误："
     "仅 {sites} 个信息位点（至少需要 {n} 个）。"),
    # reanalyze.py / reanalyze_trace.py: why a candidate is new, gone or moved
    ("not told by the two runs' outputs; what changed in the run: {changes}",
     "两次运行的输出无法说明原因；运行中的变化：{changes}"),
    ("its population AF {af} is above the limit {limit}: it was kept only because ClinVar called it pathogenic, "
     "and the current run no longer does",
     "其人群等位基因频率 {af} 高于上限 {limit}：此前仅因 ClinVar 判为致病而保留，本次运行中已不再如此"),
    ("now filtered by population frequency: {values} above the limit {limit} and ClinVar no longer calls it "
     "pathogenic", "现已被人群频率过滤：{values} 高于上限 {limit}，且 ClinVar 不再判为致病"),
    ("now filtered by population frequency: AF {af} is above the limit {limit} (was {before})",
     "现已被人群频率过滤：等位基因频率 {af} 高于上限 {limit}（之前为 {before}）"),
    ("now filtered by population frequency: {values} above the limit {limit}",
     "现已被人群频率过滤：{values} 高于上限 {limit}"),
    ("its impact {impact} is no longer kept (keep_impacts: {impacts})",
     "其影响程度 {impact} 不再保留（keep_impacts：{impacts}）"),
    ("no longer within the top {top}: it was ranked {rank} and the limit is now {limit} (was {before})",
     "不再位于前 {top} 名：此前排名 {rank}，上限现为 {limit}（之前为 {before}）"),
    ("no longer reaching the top {top} (lowest reported score now {lowest}, its previous score {score})",
     "未能进入前 {top} 名（现报告的最低评分 {lowest}，其此前评分 {score}）"),
    ("no longer reaching the top {top}", "未能进入前 {top} 名"),
    ("genotype gate {gate} changed from {before} to {after}", "基因型门槛 {gate} 由 {before} 改为 {after}"),
    ("ClinVar now classifies it {classification}", "ClinVar 现将其分类为 {classification}"),
    ("ClinVar classifies it {classification}", "ClinVar 将其分类为 {classification}"),
    ("its population AF {af} was above the previous limit {limit}", "其人群等位基因频率 {af} 高于之前的上限 {limit}"),
    ("it now reaches the top {top}", "现已进入前 {top} 名"),
    ("the candidate limit was raised from {before} to {after}", "候选变异数上限由 {before} 提高到 {after}"),
    ("the current run's input does not hold this variant (after splitting and left-alignment)",
     "本次运行的输入中没有该变异（拆分多等位位点并左对齐之后）"),
    ("in the current run it fails the impact filter, the genotype gates or every inheritance mode",
     "本次运行中它未通过影响程度筛选、基因型质量门槛，或不符合任何遗传方式"),
    ("still a candidate, but no longer ranked within the top {top}", "仍是候选变异，但排名已不在前 {top} 名之内"),
    ("its own scores are unchanged: other candidates moved past it or fell behind it",
     "其自身评分未变：是其他候选变异的排名超过了它或落到它之后"),
    ("the current run reported no candidates: its sample QC failed", "本次运行未报告候选变异：样本质控未通过"),
    ("phenotype score {before} -> {after}", "表型评分 {before} → {after}"),
    ("variant score {before} -> {after}", "变异评分 {before} → {after}"),
    # acmg/: the evidence of each criterion and the reasons a code is left for review
    ("De novo only possible (a parent is not genotyped here): neither PS2 nor PM6 applied.",
     "仅可能为新发（此处有一方亲本未分型）：PS2 和 PM6 均未采用。"),
    ("De novo call confidence low (alt reads in a parent or the child's allele balance is off): neither PS2 nor PM6 "
     "applied.", "新发变异检出置信度低（亲本中有替代读段或子代等位基因平衡异常）：PS2 和 PM6 均未采用。"),
    ("De novo, but the patient's phenotype does not match the gene's (HPO match 0): neither PS2 nor PM6 applied.",
     "为新发，但患者表型与该基因不符（HPO 匹配度 0）：PS2 和 PM6 均未采用。"),
    ("With {partner}, {label} in ClinVar, {how}: {points} SVI PM3 points.",
     "与 {partner}（ClinVar 中为{label}），{how}：SVI PM3 {points} 分。"),
    ("Homozygous in the proband: {points} SVI PM3 points.", "先证者为纯合：SVI PM3 {points} 分。"),
    ("The same amino-acid change ({hgvs_p}) from another nucleotide change ({variant}) is {significance} in ClinVar "
     "({id}, {stars} stars); its splicing effect is not compared.",
     "由另一核苷酸改变（{variant}）造成的相同氨基酸改变（{hgvs_p}）在 ClinVar 中为{significance}（{id}，{stars} 星）；"
     "未比较其剪接效应。"),
    ("Another missense change at this codon (to {aa}, {variant}) is {significance} in ClinVar ({id}, {stars} stars).",
     "同一密码子的另一错义改变（变为 {aa}，{variant}）在 ClinVar 中为{significance}（{id}，{stars} 星）。"),
    ("Stop lost: the protein is lengthened.", "终止密码子丢失：蛋白被延长。"),
    ("In-frame indel in a tandem repeat of its own sequence in the reference: PM4 not applied.",
     "框内插入缺失位于参考序列中其自身序列的串联重复内：未采用 PM4。"),
    ("In-frame indel outside a tandem repeat of its own sequence: protein length changed.",
     "框内插入缺失位于其自身序列的串联重复之外：蛋白长度改变。"),
    ("In-frame indel; whether it lies in a repeat is not known (no reference at hand), so Supporting.",
     "框内插入缺失；无法确定其是否位于重复序列内（没有参考序列），因此为支持级。"),
    ("{source} {value} >= {threshold} (calibrated threshold).", "{source} {value} ≥ {threshold}（校准阈值）。"),
    ("{source} {value} <= {threshold} (calibrated threshold).", "{source} {value} ≤ {threshold}（校准阈值）。"),
    ("{kind} with SpliceAI {value} <= 0.1: no predicted splicing effect (conservation not checked).",
     "{kind}，SpliceAI {value} ≤ 0.1：预测无剪接效应（未核查保守性）。"),
    ("{kind}, but SpliceAI {value} > 0.1.", "{kind}，但 SpliceAI {value} > 0.1。"),
    ("{kind}, but no SpliceAI score to rule out a splicing effect.", "{kind}，但没有 SpliceAI 评分可排除剪接效应。"),
    ("No population database was configured: PM2 not assessed.", "未配置人群数据库：未评估 PM2。"),
    ("Absent from the population database (coverage at the site not checked).",
     "人群数据库中不存在（未核查该位点的覆盖度）。"),
    ("Population {name} {af} <= {limit}, the limit for a {kind} call and no homozygote.",
     "人群 {name} {af} ≤ {limit}（{kind}判定的上限），且无纯合子。"),
    ("Population {name} {af} <= {limit}, the limit for a {kind} call.",
     "人群 {name} {af} ≤ {limit}（{kind}判定的上限）。"),
    ("Population {name} {af} above the {kind} limit {limit} or {n} homozygotes.",
     "人群 {name} {af} 高于{kind}上限 {limit}，或有 {n} 个纯合子。"),
    ("Population {name} {af} above the {kind} limit {limit}.", "人群 {name} {af} 高于{kind}上限 {limit}。"),
    ("Population {name} {af} > {limit}, more than a {kind} disease allele could credibly have.",
     "人群 {name} {af} > {limit}，高于{kind}疾病等位基因可能达到的频率。"),
    ("Population {name} {af} > {limit}.", "人群 {name} {af} > {limit}。"),
    ("{n} {who} in the population database, too many for an early-onset fully penetrant {kind} disease.",
     "人群数据库中有 {n} 个{who}，对早发、完全外显的{kind}疾病而言过多。"),
    ("{n} {who} in the population database; consider onset and penetrance.",
     "人群数据库中有 {n} 个{who}；请考虑发病年龄和外显率。"),
    ("no compound-heterozygous partner is (likely) pathogenic in ClinVar; classify the partner first.",
     "没有复合杂合伙伴变异在 ClinVar 中为（可能）致病；请先对伙伴变异进行分类。"),
    ("functional studies", "功能研究"),
    ("prevalence in affected people over controls", "患者中的流行率高于对照"),
    ("hotspot or critical functional domain (no hotspot resource configured)", "热点或关键功能域（未配置热点资源）"),
    ("co-segregation with disease in further affected relatives", "在其他患病亲属中与疾病共分离"),
    ("missense in a gene with few benign missense variants (gene-level ClinVar counts not at hand)",
     "位于良性错义变异很少的基因中的错义变异（手头没有基因层面的 ClinVar 计数）"),
    ("phenotype highly specific for the gene (the HPO match already weighs the de novo points)",
     "表型对该基因高度特异（HPO 匹配已计入新发变异分值）"),
    ("functional studies showing no effect", "功能研究显示无影响"),
    ("non-segregation in affected relatives", "在患病亲属中不共分离"),
    ("missense in a gene where only truncating variants cause disease (gene-level ClinVar counts not at hand)",
     "位于仅截短变异致病的基因中的错义变异（手头没有基因层面的 ClinVar 计数）"),
    ("in trans with a pathogenic variant for a dominant disease, or in cis with one",
     "显性疾病中与致病变异呈反式，或与致病变异呈顺式"),
    ("an alternative molecular cause in this patient", "该患者存在其他分子病因"),
]

# Clauses that acmg/ joins with "; " into one sentence (PVS1's variant and gene steps, the de novo points): each is
# translated on its own (first letter in either case) and the sentence joined again with "；".
CLAUSES_ZH = [
    *((f"{kind}: {en}", f"{zh_kind}：{zh}") for kind, zh_kind in (("nonsense", "无义变异"), ("frameshift", "移码变异"))
      for en, zh in (
        ("single-exon transcript, so no NMD is expected", "单外显子转录本，预计不发生 NMD"),
        ("the new reading frame meets no stop codon before the transcript ends: no NMD",
         "新阅读框在转录本结束前未遇到终止密码子：不发生 NMD"),
        ("NMD not assessed: the new stop codon's position is not known here",
         "未评估 NMD：此处不知道新终止密码子的位置"),
        ("the premature stop lies in the last exon, so NMD is not predicted",
         "提前终止密码子位于最后一个外显子，因此不预测发生 NMD"),
        ("the premature stop lies in the last 50 nt of the penultimate exon, so NMD is not predicted",
         "提前终止密码子位于倒数第二个外显子的最后 50 nt 内，因此不预测发生 NMD"),
        ("the premature stop lies {nt} nt before the last exon junction: NMD predicted",
         "提前终止密码子位于最后一个外显子连接处之前 {nt} nt：预测发生 NMD"),
        ("NMD not assessed: the variant's exon is not known (no gene models, no exon number)",
         "未评估 NMD：变异所在外显子未知（无基因模型，无外显子编号）"),
        ("in the last exon ({exon}), so NMD is not predicted", "位于最后一个外显子（{exon}），因此不预测发生 NMD"),
        ("in the penultimate exon ({exon}): the 50-nt rule needs the gene models, NMD not assumed",
         "位于倒数第二个外显子（{exon}）：50 nt 规则需要基因模型，不假定发生 NMD"),
        ("in exon {exon}, before the penultimate exon: NMD predicted (by exon number)",
         "位于外显子 {exon}，在倒数第二个外显子之前：预测发生 NMD（按外显子编号）"),
      )),
    ("canonical splice site", "经典剪接位点"),
    ("the splicing outcome is not modelled (no gene models): Moderate", "未模拟剪接结果（无基因模型）：中等"),
    ("canonical splice site of exon {exon}, which holds no coding sequence: PVS1 not applicable",
     "外显子 {exon} 的经典剪接位点，该外显子不含编码序列：PVS1 不适用"),
    ("canonical splice site: skipping exon {exon} ({nt} coding nt) shifts the frame with at least two exons "
     "downstream: NMD predicted", "经典剪接位点：跳过外显子 {exon}（{nt} 个编码 nt）导致移码，下游至少还有两个外显子："
     "预测发生 NMD"),
    ("canonical splice site: skipping exon {exon} shifts the frame too close to the end for NMD",
     "经典剪接位点：跳过外显子 {exon} 导致移码，但距末端过近，不发生 NMD"),
    ("canonical splice site: skipping exon {exon} keeps the frame", "经典剪接位点：跳过外显子 {exon} 不改变阅读框"),
    ("the share of the protein removed is not known (no gene models): Moderate",
     "被去除的蛋白比例未知（无基因模型）：中等"),
    ("the region's role is not known here and {share} of the {codons} codons are removed (more than 10%): Strong",
     "此处不知道该区域的功能，{codons} 个密码子中有 {share} 被去除（超过 10%）：强"),
    ("the region's role is not known here and {share} of the {codons} codons are removed (not more than 10%): "
     "Moderate", "此处不知道该区域的功能，{codons} 个密码子中有 {share} 被去除（不超过 10%）：中等"),
    ("the whole transcript is deleted", "整个转录本被删除"),
    ("start lost: alternative start codons and pathogenic variants upstream of the next in-frame start are not "
     "checked here: Supporting", "起始密码子丢失：此处未核查替代起始密码子及下一个框内起始位点上游的致病变异：支持"),
    ("{gene} is intolerant of loss of function in gnomAD ({values})", "{gene} 在 gnomAD 中不耐受功能丧失（{values}）"),
    ("recessive call: gnomAD constraint does not speak to biallelic loss and the disease mechanism is not known "
     "here, so one step weaker ({values})",
     "隐性判定：gnomAD 约束不反映双等位基因丧失，此处疾病机制未知，因此降一级（{values}）"),
    ("recessive call: gnomAD constraint does not speak to biallelic loss and the disease mechanism is not known "
     "here, so one step weaker", "隐性判定：gnomAD 约束不反映双等位基因丧失，此处疾病机制未知，因此降一级"),
    ("{gene} tolerates heterozygous loss of function in gnomAD ({values}): haploinsufficiency, which a dominant or "
     "de novo null variant needs, is not supported",
     "{gene} 在 gnomAD 中耐受杂合功能丧失（{values}）：显性或新发无效变异所需的单倍剂量不足未获支持"),
    ("gene constraint is not known (no gnomAD constraint table), so one step weaker",
     "基因约束未知（无 gnomAD 约束表），因此降一级"),
    ("de novo confirmed: both parents genotyped, call confidence high, {parentage}",
     "新发已确认：父母双方均已分型，检出置信度高，{parentage}"),
    ("de novo assumed, not confirmed: call confidence {confidence}", "假定新发，未确认：检出置信度{confidence}"),
    ("phenotype {fit} (HPO match {score}): {points} SVI de novo points",
     "表型{fit}（HPO 匹配度 {score}）：SVI 新发变异 {points} 分"),
    ("parentage not checked (no parent-child pair assessed by QC)", "亲子关系未核查（质控未评估任何亲子对）"),
    ("parentage not checked", "亲子关系未核查"),
    ("parentage confirmed by relatedness and Mendelian-error QC", "亲子关系经亲缘关系和孟德尔错误质控确认"),
    ("parentage confirmed by relatedness QC", "亲子关系经亲缘关系质控确认"),
    ("parentage NOT confirmed: the family's relatedness or Mendelian-error QC flagged a parent",
     "亲子关系未确认：家系的亲缘关系或孟德尔错误质控标记了一方亲本"),
    ("in trans (phase from parents)", "位于反式（依据父母定相）"),
    ("in trans (phase from reads)", "位于反式（依据读段定相）"),
    ("phase unknown", "相位未知"),
]
# Endings acmg/ appends to a sentence when the criterion is considered but not applied.
SUFFIXES_ZH = [(" Below 0.5 points: not applied.", "不足 0.5 分：未采用。"),
               (" Not added to PVS1 (SVI).", "不与 PVS1 叠加（SVI）。"), (" PVS1 not applied.", "未采用 PVS1。")]
# fmt: on

# Fields whose value is itself translated: inheritance modes (joined as rank.py joins them) and single words.
MODE_SEPARATORS = {"modes": " and ", "modes_or": " or "}
WORD_FIELDS = {"significance", "ped_sex", "inferred_sex", "strength", "expected", "looks", "why", "terms",
               "acmg_class", "class_points"}  # fmt: skip
ACMG_WORD_FIELDS = {"fit", "confidence", "label", "kind", "who"}
CLAUSE_FIELDS = {"how", "parentage"}  # themselves clauses of CLAUSES_ZH


# --- translator ---------------------------------------------------------------------------------


# Fields that never hold spaces or brackets, so a disease name "A (B)" before "({id})" is not cut short.
FIELD_PATTERNS = {"id": r"[^\s()]+", "score": r"\S+", "consequence": r"\S+", "value": r"\S+", "threshold": r"\S+"}


def _compile(template: str) -> re.Pattern:
    parts = re.split(r"\{(\w+)\}", template)
    pattern = "".join(
        re.escape(p) if i % 2 == 0 else f"(?P<{p}>{FIELD_PATTERNS.get(p, '.+?')})" for i, p in enumerate(parts)
    )
    return re.compile(pattern + r"\Z", flags=re.DOTALL)


@cache
def _sentence_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((_compile(en), zh) for en, zh in SENTENCES_ZH)


@cache
def _clause_patterns() -> tuple[tuple[re.Pattern, str], ...]:
    return tuple((_compile(en), zh) for en, zh in CLAUSES_ZH)


def fields(template: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", template))


class Translator:
    """`t(text, **fields)` for the report's fixed texts, `t.message(message, english)` for what the pipeline wrote;
    both from the gettext catalogue of the report's language (rarevar.report.messages)."""

    def __init__(self, language: str = "en"):
        if language not in LANGUAGES:
            raise ValueError(f"report language {language!r} is not one of {', '.join(LANGUAGES)}")
        self.language = language
        self.html_lang = HTML_LANG[language]
        self.zh = language == "zh"

    def _lookup(self, text: str, context: str | None = None) -> str:
        return text if self.language == SOURCE_LANGUAGE else lookup(text, self.language, context)

    def __call__(self, text: str, **values) -> str:
        template = self._lookup(text)
        return template.format(**values) if values else template

    def word(self, text: str) -> str:
        """One value from a known vocabulary (status, role, significance); unknown ones stay as they are."""
        return self._lookup(text)

    def mode(self, words: str) -> str:
        return self._lookup(words)

    def consequence(self, term: str) -> str:
        """An SO term (or several joined by '&') for display: 'missense variant' in English."""
        if self.language == SOURCE_LANGUAGE:
            return term.replace("_", " ").replace("&", ", ")
        terms = [self._lookup(t) if self._lookup(t) != t else t.replace("_", " ") for t in term.split("&")]
        return self._lookup("&").join(terms)

    def impact(self, impact: str) -> str:
        return self._lookup(impact.lower(), context="impact")

    def join(self, items: list[str], separator: str = ", ") -> str:
        return self._lookup(separator).join(items)

    def message(self, message, english: str) -> str:
        """A message (id + fields, rarevar.base.messages) in the report's language, from its catalogue; the
        English text as written when the language is English or the entry carries no message (an older file)."""
        rendered = None if self.language == SOURCE_LANGUAGE else render(message, self.language)
        return self.sentence(english) if rendered is None else rendered

    def said(self, holder: dict, key: str) -> list[str]:
        """The texts the pipeline wrote under `key` (a string or a list of them) in the report's language, each
        from its message under `key + "_messages"` (or `"_message"`) where the file carries one."""
        texts = holder.get(key)
        if isinstance(texts, str):
            return [self.message(holder.get(key + "_message"), texts)] if texts else []
        texts = texts if isinstance(texts, list) else []
        said = holder.get(key + "_messages")
        said = said if isinstance(said, list) and len(said) == len(texts) else [None] * len(texts)
        return [self.message(m, str(text)) for text, m in zip(texts, said, strict=True) if str(text or "")]

    def sentence(self, text: str) -> str:
        if not self.zh:
            return text
        whole = self._match(text, _sentence_patterns())
        if whole is not None:
            return whole
        for suffix, chinese in SUFFIXES_ZH:
            if text.endswith(suffix) and (head := self.sentence(text[: -len(suffix)])) != text[: -len(suffix)]:
                return head + chinese
        clauses = self._clauses(text.removesuffix(".").split("; "))
        return "；".join(clauses) + "。" if clauses else text

    def _match(self, text: str, patterns) -> str | None:
        for pattern, template in patterns:
            match = pattern.match(text)
            if match:
                return template.format(**{k: self._field(k, v) for k, v in match.groupdict().items()})
        return None

    def _clause(self, text: str) -> str | None:
        # A clause opening a sentence starts with a capital letter.
        return self._match(text, _clause_patterns()) or self._match(text[:1].lower() + text[1:], _clause_patterns())

    def _clauses(self, parts: list[str]) -> list[str] | None:
        """The clauses of a sentence joined by '; ', each translated (a clause may itself hold '; '), or None
        when one is not known."""
        if not parts:
            return []
        for end in range(1, len(parts) + 1):  # shortest first: a field like {gene} would swallow whole clauses
            head = self._clause("; ".join(parts[:end]))
            rest = self._clauses(parts[end:]) if head is not None else None
            if rest is not None:
                return [head, *rest]
        return None

    def _field(self, name: str, value: str) -> str:
        if name in MODE_SEPARATORS:
            joiner = "或" if name == "modes_or" else "和"
            return joiner.join(self.mode(m) for m in value.split(MODE_SEPARATORS[name]))
        if name == "mode":
            return self.mode(value.replace("_", " "))
        if name == "consequence":
            return self.consequence(value)
        if name in WORD_FIELDS:
            return self.word(value)
        if name in ACMG_WORD_FIELDS:
            return self.word(value)
        if name in CLAUSE_FIELDS:
            return self._clause(value) or value
        return value
