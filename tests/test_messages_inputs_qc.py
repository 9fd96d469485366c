"""QC findings, not-assessed notes, set-aside reasons and phenotype notes are written as messages beside their
English text (rarevar.base.messages): the English of each message is the text, and the Chinese report renders the
message with its values (sample ids, numbers, HPO ids) kept as they are."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from conftest import DEMO, demo_row, rarevar, write_config

from rarevar.annotate.csq import unannotated
from rarevar.base.messages import english
from rarevar.family.inheritance import inheritance_modes
from rarevar.family.qc import family_qc
from rarevar.inputs.normalize import uninterpretable
from rarevar.inputs.pedigree import Individual, Pedigree
from rarevar.phenotype.hpo import Phenotype
from rarevar.report.messages import render
from rarevar.report.outputs import not_assessed, yield_messages, yield_warnings

TRIO = str(DEMO / "trio.vcf.gz")  # samples proband, mother, father
CJK = re.compile(r"[\u4e00-\u9fff]")


def zh(message: dict) -> str:
    return render(message, "zh")


def person(sample, sex, father=None, mother=None, phenotype="unaffected") -> Individual:
    return Individual("F", sample, father, mother, sex, phenotype)


def trio(proband_sex="male", mother_of_proband="mother") -> Pedigree:
    return Pedigree(
        "F",
        [
            person("father", "male"),
            person("mother", "female"),
            person("proband", proband_sex, "father", mother_of_proband, "affected"),
        ],
    )


def plain_values(message) -> list[str]:
    """The plain (untranslated) field values of a message and of the messages nested in it."""
    if isinstance(message, dict) and "fields" in message:
        return [v for field in message["fields"].values() for v in plain_values(field)]
    if isinstance(message, dict) and "items" in message:
        return [v for item in message["items"] for v in plain_values(item)]
    return [str(message)]


def assert_said(holder: dict, key: str) -> list[dict]:
    """`holder[key + "_messages"]` says `holder[key]` in English, one message per text, each with a Chinese
    rendering that keeps every plain value."""
    texts, messages = holder[key], holder[f"{key}_messages"]
    assert [english(m) for m in messages] == texts
    for message in messages:
        chinese = zh(message)
        assert CJK.search(chinese), chinese
        assert all(value in chinese for value in plain_values(message)), (chinese, plain_values(message))
    return messages


# --- QC ------------------------------------------------------------------------------------------------------


QC_SCENARIOS = {
    # The mother is not the proband's mother in the PED, and recorded male: a relationship and a sex failure.
    "mother not recorded": (
        Pedigree(
            "F",
            [person("father", "male"), person("mother", "male"), person("proband", "male", "father", None, "affected")],
        ),
        {},
    ),
    # A son recorded as a daughter: his single X reads as Mendelian errors too.
    "son recorded female": (trio("female"), {}),
    # The parents recorded as half-siblings (a father shared, neither sequenced) but unrelated: a second-degree warning.
    "parents recorded half-siblings": (
        Pedigree(
            "F",
            [
                person("grandfather", "male"),
                *(person(mother, "female") for mother in ("grandmother 1", "grandmother 2")),
                person("father", "male", "grandfather", "grandmother 1"),
                person("mother", "female", "grandfather", "grandmother 2"),
                person("proband", "male", "father", "mother", "affected"),
            ],
        ),
        {},
    ),
    "too few sites for anything": (
        trio(),
        {"min_relatedness_sites": 10**9, "min_mendelian_sites": 10**9, "min_x_sites": 10**9, "min_y_alt_calls": 10**9},
    ),
    "ambiguous sex, low call rate, low het/hom": (
        trio(),
        {"x_male_max_het": -1.0, "x_female_min_het": 2.0, "min_call_rate": 1.01, "het_hom_ratio_range": (10.0, 20.0)},
    ),
    "high het/hom": (trio(), {"het_hom_ratio_range": (0.1, 0.5)}),
}


@pytest.fixture(scope="module")
def qc_results() -> dict[str, dict]:
    return {name: family_qc(TRIO, pedigree, "demo", settings) for name, (pedigree, settings) in QC_SCENARIOS.items()}


def test_every_qc_finding_is_a_message_whose_english_is_the_finding(qc_results):
    templates = set()
    for qc in qc_results.values():
        for key in ("failures", "warnings"):
            templates |= {m["id"] for m in assert_said(qc, key)}
        # The messages sit right after their texts: the keys of qc.json keep their order.
        keys = list(qc)
        assert keys[keys.index("failures") : keys.index("passed")] == [
            "failures", "failures_messages", "warnings", "warnings_messages"
        ]  # fmt: skip
    # Every kind of finding family_qc writes is among them.
    assert len(templates) == 10, sorted(templates)
    assert json.loads(json.dumps(qc_results)) == qc_results  # qc.json holds them as they are


def test_a_relationship_failure_in_chinese_keeps_the_ids_and_numbers(qc_results):
    qc = qc_results["mother not recorded"]
    pair = next(p for p in qc["relatedness"] if {p["sample_a"], p["sample_b"]} == {"mother", "proband"})
    failure = next(m for m in qc["failures_messages"] if "kinship" in m["id"])
    assert zh(failure) == (
        f"{pair['sample_a']} 与 {pair['sample_b']} 在 PED 中记录为无亲缘关系，但其基因型看起来是亲子"
        f"（亲缘系数 {pair['kinship']:.3f}，预期 0.000；IBS0 {pair['ibs0']:.4f}，基于 {pair['n_sites']:,} 个位点）："
        "请核查是否样本调换，或存在 PED 未记录的亲属。"
    )


def test_sex_and_relationship_words_are_translated(qc_results):
    sex = next(m for m in qc_results["mother not recorded"]["failures_messages"] if "ped_sex" in m["fields"])
    assert zh(sex).startswith("mother 在 PED 中记录为男，但基因型显示为女（基于 ")
    assert "个检出的 chrX 杂合度 " in zh(sex)
    warning = next(m for m in qc_results["parents recorded half-siblings"]["warnings_messages"] if "looks" in m["id"])
    assert "记录为半同胞，但其基因型看起来是无亲缘关系" in zh(warning)
    assert zh(warning).endswith("请核查是否样本调换，或非亲生父亲/母亲。")


# --- not assessed --------------------------------------------------------------------------------------------


def test_not_assessed_notes_are_messages_with_the_english_of_before():
    singleton = Pedigree("F", [person("proband", "male", phenotype="affected")])
    modes = inheritance_modes(
        np.zeros((1, 1), dtype=np.int8), ["proband"], singleton, np.array(["chrY"]), np.array([3_000_000]),
        np.array(["G"]), "GRCh38",
    )  # fmt: skip
    notes = not_assessed(modes.not_testable_messages, ["HIGH", "MODERATE"], clinvar=False, scores=[], constraint=False)
    assert [english(m) for m in notes[:4]] == [
        "de novo: no affected individual has both parents sequenced",
        "uniparental isodisomy: no affected individual has both parents sequenced",
        "x-linked de novo: no affected individual has both parents sequenced",
        "Y-linked: not assessed yet",
    ]
    assert english(notes[-3]) == (
        "Variants whose most severe consequence has impact LOW/MODIFIER (for example deep intronic or intergenic) "
        "were not considered, apart from exon variants of non-coding disease genes."
    )
    assert [zh(m) for m in notes[:4]] == [
        "新发（de novo）：没有父母双方均已测序的患病个体",
        "单亲同二体：没有父母双方均已测序的患病个体",
        "X 连锁新发：没有父母双方均已测序的患病个体",
        "Y 连锁：尚未评估",
    ]
    assert zh(notes[5]) == "未评估计算机预测评分：未配置评分文件（CADD, REVEL, AlphaMissense, SpliceAI）。"
    assert zh(notes[-3]).startswith("未考虑最严重后果的影响程度为 LOW/MODIFIER 的变异")


def test_a_family_without_an_affected_member_says_so_for_every_mode():
    family = Pedigree("F", [person("father", "male"), person("child", "female", "father")])
    modes = inheritance_modes(
        np.zeros((1, 2), dtype=np.int8), ["father", "child"], family, np.array(["chr1"]), np.array([100]),
        np.array(["G"]), "GRCh38",
    )  # fmt: skip
    reason = modes.not_testable_messages["x_linked_recessive"]
    assert modes.not_testable["x_linked_recessive"] == "x linked recessive: family has no affected individual"
    assert zh(reason) == "X 连锁隐性：家系中没有患病个体"


def test_the_candidate_yield_warning_names_the_mode_in_chinese():
    yields = {"autosomal_recessive": {"candidates": 25, "expected_wgs_trio": 1}}
    (warning,) = yield_messages(yields)
    assert (
        yield_warnings(yields)
        == [english(warning)]
        == [
            "25 autosomal recessive candidates, over 10x the ~1 of a typical genome trio: check sample quality and "
            "relationships first"
        ]
    )
    assert (
        zh(warning) == "25 个常染色体隐性候选变异，超过典型全基因组三人家系约 1 个的 10 倍：请先核查样本质量和亲缘关系"
    )


# --- set aside, phenotype notes --------------------------------------------------------------------------------


def test_records_set_aside_carry_their_reason_as_a_message(tmp_path):
    vcf = tmp_path / "odd.vcf"
    header = "\n".join([
        "##fileformat=VCFv4.2", "##contig=<ID=chr1,length=10000>",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tproband",
    ])  # fmt: skip
    rows = [("100", "A", "*"), ("200", "C", "<NON_REF>"), ("300", "G", "G[chr1:900["), ("400", "T", "C")]
    vcf.write_text(header + "\n" + "".join(f"chr1\t{p}\t.\t{r}\t{a}\t50\tPASS\t.\tGT\t0/1\n" for p, r, a in rows))
    aside = uninterpretable(str(vcf))
    assert [r["alt"] for r in aside] == ["*", "<NON_REF>", "G[chr1:900["]
    for record in aside:
        assert list(record) == ["chrom", "pos", "ref", "alt", "reason", "reason_message"]
        assert english(record["reason_message"]) == record["reason"]
    assert [zh(r["reason_message"]) for r in aside] == [
        "'*'：该等位基因被重叠的缺失删除，该缺失作为单独记录评估",
        "<NON_REF>：gVCF 参考区块（未检出替代等位基因）",
        "断点：结构变异，不作为小变异评估",
    ]


def test_records_without_the_inputs_annotation_say_why_in_chinese(tmp_path):
    from tests.hostile.cases_settings import partial_csq_vcf

    first = unannotated(str(partial_csq_vcf(tmp_path)), "CSQ")[0]
    assert first["reason"] == english(first["reason_message"])
    assert zh(first["reason_message"]) == "输入 VCF 中无 CSQ 注释：其后果未知"


def test_an_obsolete_term_note_in_chinese_keeps_the_terms():
    phenotype = Phenotype(source="family F")
    phenotype.replaced.append(
        {"obsolete": "HP:0000057", "label": "obsolete Clitoromegaly", "replacement": "HP:0008665", "release": "r1"}
    )
    (note,) = phenotype.notes()
    assert (
        phenotype.warnings()
        == [english(note)]
        == [
            "family F: HP:0000057 (obsolete Clitoromegaly) is obsolete in HPO release r1; analysed as its replacement "
            "HP:0008665"
        ]
    )
    assert (
        zh(note)
        == "family F：HP:0000057（obsolete Clitoromegaly）在 HPO 版本 r1 中已废弃；按其替代术语 HP:0008665 分析"
    )


# --- a real run ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def failed_qc_run(tmp_path_factory):
    """The demo with the mother left out of the proband's PED line, an obsolete HPO term, the report in Chinese."""
    tmp = tmp_path_factory.mktemp("failed_qc")
    ped = tmp / "family.ped"
    ped.write_text(
        "#family_id\tindividual_id\tpaternal_id\tmaternal_id\tsex\tphenotype\n"
        "DEMO1\tfather\t0\t0\t1\t1\nDEMO1\tmother\t0\t0\t2\t1\nDEMO1\tproband\tfather\t0\t1\t2\n"
    )
    row = demo_row(ped=str(ped))
    row["hpo"] += ";HP:0000057"
    config = write_config(tmp, [row], report={"pdf": False, "language": "zh"})
    result = rarevar("run", "--config", str(config), "--cores", "2")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return tmp / "results" / "DEMO1"


def test_a_run_writes_the_messages_and_the_chinese_report_shows_them(failed_qc_run):
    payload = json.loads((failed_qc_run / "candidates.json").read_text())
    qc_json = json.loads((failed_qc_run / "qc.json").read_text())
    (failure,) = assert_said(qc_json, "failures")
    assert payload["qc"]["failures_messages"] == [failure]
    notes = assert_said(payload, "not_assessed")
    assert notes[0] == {"id": "Sample QC failed: {failure}", "fields": {"failure": failure}}
    (obsolete,) = assert_said(payload["phenotype"], "notes")
    html = (failed_qc_run / "report.html").read_text()
    for message in (notes[0], notes[1], obsolete):
        assert zh(message) in html.replace("&#39;", "'")
    assert "样本质控未通过：mother 与 proband 在 PED 中记录为无亲缘关系" in html
