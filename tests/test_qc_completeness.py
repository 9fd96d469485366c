"""Sample QC says what it did not check (issue 19, part 7): a check with too few sites is "not checked" and the
verdict is then "not fully checked", never "passed"; chrY is weighed against chrX, and a contradiction is flagged.

Real data: unfazed's GATK CEPH trio (chr22, 82 records: too few for every check), bcftools' Mendelian truth table
(haploid male chrX/chrY calls), peddy's chrX-only CEPH trio, the simulated CEPH 1463 family of tests/test_qc.py (real
1000 Genomes allele frequencies; its father has 73 chrY calls, an exome's worth) and the bundled demo."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import demo_row, rarevar, shared_data, write_config
from openpyxl import load_workbook
from test_qc import ceph_ped, simulate_ceph_family, write_family_vcf

from rarevar.family.qc import FEMALE_X_WITH_Y, MALE_X_WITHOUT_Y, family_qc
from rarevar.inputs.pedigree import family_for
from rarevar.report.html import render_report
from rarevar.report.summary import write_summary
from rarevar.report.xlsx import write_xlsx

DATA = shared_data()
UNFAZED_VCF = DATA / "unfazed" / "trio_hets_snvs_chr22.vcf.gz"
NOT_FULLY = "not fully checked"


def unfazed_ped(tmp_path: Path) -> Path:
    """unfazed's trio.ped (five columns: no phenotype) as a standard PED: NA12878, daughter of NA12891 x NA12892."""
    ped = tmp_path / "trio.ped"
    ped.write_text("1463\tNA12878\tNA12891\tNA12892\t2\t2\n1463\tNA12891\t0\t0\t1\t1\n1463\tNA12892\t0\t0\t2\t1\n")
    return ped


@pytest.fixture(scope="module")
def unfazed_qc(tmp_path_factory) -> dict:
    """qc.json of the real GATK trio, written by the qc stage's command line as the workflow runs it."""
    tmp = tmp_path_factory.mktemp("unfazed")
    out = tmp / "qc.json"
    result = rarevar("qc", "--vcf", str(UNFAZED_VCF), "--ped", str(unfazed_ped(tmp)), "--family", "1463",
                     "--build", "GRCh37", "--settings", "{}", "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(out.read_text())


# --- too few sites: not checked, never passed -----------------------------------------------------------------


def test_too_few_sites_is_not_checked_and_the_verdict_is_not_fully_checked(unfazed_qc):
    qc = unfazed_qc
    assert qc["records"]["used"] == 82  # chr22 only: no chrX, 82 shared sites
    assert qc["verdict"] == NOT_FULLY and qc["failures"] == []
    assert qc["passed"] is True  # backward compatible: `passed` means "no failure", so stop_on_failure does not stop
    assert all(m["sex_ok"] is None and m["inferred_sex"] == "unknown" for m in qc["samples"].values())
    assert all(p["ok"] is None and p["inferred"] == "insufficient data" for p in qc["relatedness"])
    assert [t["ok"] for t in qc["mendelian"]] == [None]
    not_checked = " | ".join(qc["not_checked"])
    assert "Sex could not be checked for NA12878, NA12891, NA12892" in not_checked
    assert "Relatedness could not be checked" in not_checked and "Mendelian errors were not judged" in not_checked
    assert len(qc["not_checked_messages"]) == len(qc["not_checked"]) == 3
    assert set(qc["not_checked"]) <= set(qc["warnings"])  # listed among the warnings too, as before verdicts


def test_the_site_minimum_keeps_a_biased_handful_of_sites_from_being_judged(tmp_path):
    # unfazed's file holds only sites where all three are heterozygous. Judged from those 82 sites anyway (limits
    # lowered), every pair looks like one person: why too few sites give "not checked", never a guess.
    settings = {"min_relatedness_sites": 50, "min_mendelian_sites": 50}
    qc = family_qc(str(UNFAZED_VCF), family_for(unfazed_ped(tmp_path), "1463"), "GRCh37", settings)
    assert {p["inferred"] for p in qc["relatedness"]} == {"duplicate"} and qc["verdict"] == "failed"
    assert [t["ok"] for t in qc["mendelian"]] == [True]
    assert qc["not_checked"] == ["Sex could not be checked for NA12878, NA12891, NA12892: fewer than 20 good-quality "
                                 "non-reference chrX calls."]  # fmt: skip


@pytest.fixture(scope="module")
def demo_payload(demo_run, truth) -> dict:
    return json.loads((demo_run / truth["family"] / "candidates.json").read_text())


def test_report_spreadsheet_and_summary_say_not_fully_checked(demo_payload, unfazed_qc, tmp_path):
    payload = {**demo_payload, "qc": unfazed_qc}
    html = render_report(payload)
    section = html[html.index('<section id="qc">') : html.index("</section>", html.index('<section id="qc">'))]
    assert "Sample QC not fully checked." in section and "All sample checks passed" not in section
    assert "Relatedness could not be checked" in section
    assert section.count("Relatedness could not be checked") == 1  # shown once, not again among the warnings
    assert ">pass<" not in section and section.count(">not checked<") == 3 + 3 + 1  # samples, pairs, the trio
    zh = render_report(payload, "zh")
    assert "样本质控未完全核查。" in zh and "所有样本检查均已通过" not in zh

    write_xlsx(payload, tmp_path / "c.xlsx")
    rows = list(load_workbook(tmp_path / "c.xlsx")["QC"].values)
    assert rows[1][:2] == ("overall", NOT_FULLY)
    assert sum(row[0] == "not checked" for row in rows) == 3
    assert {row[1] for row in rows if row[0].startswith("sample ")} == {"not checked"}  # not "sex mismatch"

    family = tmp_path / "results" / "F1"
    family.mkdir(parents=True)
    (family / "candidates.json").write_text(json.dumps(payload))
    write_summary([str(family / "candidates.json")], str(tmp_path / "results"), "2026-12-08", str(tmp_path / "s.html"))
    summary = (tmp_path / "s.html").read_text()
    assert f'class="qc-verdict"><span class="flag">{NOT_FULLY}</span>' in summary
    assert "Sample QC not fully checked for 1" in summary


def test_the_demo_still_passes_fully(demo_run, demo_payload, truth):
    qc = json.loads((demo_run / truth["family"] / "qc.json").read_text())
    assert qc["verdict"] == "passed" and qc["passed"] and qc["not_checked"] == [] and qc["failures"] == []
    assert all(m["sex_conflict"] is None and m["sex_ok"] for m in qc["samples"].values())
    html = (demo_run / truth["family"] / "report.html").read_text()
    assert "All sample checks passed" in html and "not fully checked" not in html.lower()
    rows = {row[0]: row[1] for row in load_workbook(demo_run / truth["family"] / "candidates.xlsx")["QC"].values}
    assert rows["overall"] == "passed"
    assert 'class="qc-verdict">passed' in (demo_run / "summary.html").read_text()


def test_an_older_qc_json_without_a_verdict_is_read_from_passed(demo_payload):
    old = {k: v for k, v in demo_payload["qc"].items() if k not in ("verdict", "not_checked", "not_checked_messages")}
    assert "All sample checks passed" in render_report({**demo_payload, "qc": old})
    failed = render_report({**demo_payload, "qc": {**old, "passed": False, "failures": ["a failure"]}})
    assert "QC failed." in failed and "All sample checks passed" not in failed


def test_bad_qc_settings_are_refused_before_any_job(tmp_path):
    for qc, expected in (({"female_y_min_share": -1}, "-1 is less than the minimum of 0"),
                         ({"min_y_calls": 3}, "min_y_calls")):  # fmt: skip
        config = write_config(tmp_path, [demo_row()], qc=qc)
        result = rarevar("validate", "--config", str(config))
        assert result.returncode != 0 and expected in result.stderr, result.stderr


# --- chrY against chrX -------------------------------------------------------------------------------------------


def test_a_female_looking_child_with_a_chrY_call_in_bcftools_truth_table_is_flagged(tmp_path):
    # mendelian.vcf: child1's chrX is 0/1 at X:102/103/105 and haploid alt at X:101/104 (het 0.60 over 5 calls), and
    # her Y:102 call is a haploid "1". The file is tiny: the limits are scaled to it.
    ped = tmp_path / "m.ped"
    ped.write_text("F\tdad1\t0\t0\t1\t1\nF\tmom1\t0\t0\t2\t1\nF\tchild1\tdad1\tmom1\t2\t1\n")
    settings = {"min_x_sites": 5, "min_y_alt_calls": 1}
    qc = family_qc(str(DATA / "bcftools-mendelian" / "mendelian.vcf"), family_for(ped, "F"), "GRCh37", settings)
    child = qc["samples"]["child1"]
    assert (child["x_sex"], child["y_alt_calls"], child["y_het_calls"]) == ("female", 1, 0)
    assert child["sex_conflict"] == FEMALE_X_WITH_Y and child["sex_ok"] is False and child["inferred_sex"] == "unknown"
    assert qc["verdict"] == "failed" and not qc["passed"]
    (failure,) = qc["failures"]
    assert failure.startswith("child1 has a female-looking chrX heterozygosity 0.60 over 5 calls but 1 chrY alt calls")
    assert "(a female has fewer than 1)" in failure and "XXY karyotype (Klinefelter syndrome)" in failure
    # Without the Y call the same chrX is a female's, and agrees with the PED.
    qc = family_qc(str(DATA / "bcftools-mendelian" / "mendelian.vcf"), family_for(ped, "F"), "GRCh37",
                   {**settings, "min_y_alt_calls": 2})  # fmt: skip
    assert qc["samples"]["child1"]["sex_ok"] is True and qc["failures"] == []


@pytest.fixture(scope="module")
def ceph_truth() -> dict:
    return simulate_ceph_family(np.random.default_rng(1463))


def with_het_chrY(vcf: Path, sample: str, n: int) -> Path:
    """The sample's first `n` chrY cells (a no-call in a female) become good-quality 0/1 calls: reads of chrX
    mismapped to chrY, or another person's DNA."""
    lines = vcf.read_text().splitlines()
    column = next(line for line in lines if line.startswith("#CHROM")).split("\t").index(sample)
    changed = 0
    for i, line in enumerate(lines):
        if line.startswith("Y\t") and changed < n:
            cells = line.split("\t")
            cells[column] = "0/1:30:60"
            lines[i], changed = "\t".join(cells), changed + 1
    vcf.write_text("\n".join(lines) + "\n")
    return vcf


def test_a_female_looking_sample_with_43_het_chrY_calls_is_flagged(ceph_truth, tmp_path):
    vcf = with_het_chrY(write_family_vcf(tmp_path / "ceph.vcf", ceph_truth), "NA12879", 43)
    qc = family_qc(str(vcf), ceph_ped("ceph1463.good.ped"), "GRCh37")
    father, daughter = qc["samples"]["NA12877"], qc["samples"]["NA12879"]
    assert father["y_alt_calls"] == 73 and father["sex_conflict"] is None and father["sex_ok"] is True
    assert daughter["x_sex"] == "female" and daughter["x_heterozygosity"] > 0.5
    assert (daughter["y_alt_calls"], daughter["y_het_calls"]) == (43, 43)
    assert daughter["sex_conflict"] == FEMALE_X_WITH_Y and daughter["inferred_sex"] == "unknown"
    assert daughter["sex_ok"] is False and qc["verdict"] == "failed"
    (failure,) = [f for f in qc["failures"] if "chrY" in f]
    assert "NA12879 has a female-looking chrX heterozygosity" in failure and "43 of them heterozygous" in failure
    assert "fewer than 10, or fewer than 20% of the family's males' median of 73" in failure
    assert "Mostly heterozygous, which one Y chromosome cannot give" in failure
    chinese = render_report({"family": "F", "qc": qc}, "zh")
    assert "呈女性特征，但在拟常染色体区以外有 43 个 chrY 替代等位基因检出" in chinese

    # The rule is relative to the family's males: a genome's females collect dozens of chrY calls against a
    # male's thousands. At a 70% share the 43 calls are below the father's 73 x 0.7 and pass.
    relaxed = family_qc(str(vcf), ceph_ped("ceph1463.good.ped"), "GRCh37", {"female_y_min_share": 0.7})
    assert relaxed["samples"]["NA12879"]["sex_conflict"] is None and relaxed["verdict"] == "passed"
    # And a few mismapped calls stay below the absolute minimum.
    few = with_het_chrY(write_family_vcf(tmp_path / "few.vcf", ceph_truth), "NA12879", 5)
    assert family_qc(str(few), ceph_ped("ceph1463.good.ped"), "GRCh37")["verdict"] == "passed"


def test_a_male_looking_chrX_without_chrY_beside_a_father_with_one_is_flagged(ceph_truth, tmp_path):
    # NA12880 with her father's single X only and no Y (45,X with a paternal X), recorded female.
    columns = {name: dict(ceph_truth[name]) for name in ceph_truth}
    columns["NA12880"]["X"] = ceph_truth["NA12877"]["X"]
    qc = family_qc(str(write_family_vcf(tmp_path / "x0.vcf", columns)), ceph_ped("ceph1463.good.ped"), "GRCh37")
    sample = qc["samples"]["NA12880"]
    assert sample["x_sex"] == "male" and sample["y_calls"] == 0
    assert sample["sex_conflict"] == MALE_X_WITHOUT_Y and sample["sex_ok"] is False
    assert qc["samples"]["NA12877"]["sex_conflict"] is None  # his own chrY is what she is measured against
    (failure,) = [f for f in qc["failures"] if "NA12880 has" in f]
    assert "only 0 good-quality chrY calls" in failure and "other males have 73" in failure
    assert "45,X karyotype (Turner syndrome)" in failure


def test_a_chrX_only_vcf_is_not_fully_checked_and_draws_no_chrY_contradiction(tmp_path):
    # peddy's CEPH trio is 22 chrX records, most in PAR1: sex is not checked, and no chrY is held against anyone.
    ped = tmp_path / "mendel.ped"
    ped.write_text("CEPH\tNA12889\t0\t0\t1\t1\nCEPH\tNA12890\t0\t0\t2\t1\nCEPH\tNA12877xxxx\tNA12889\tNA12890\t1\t2\n")
    qc = family_qc(str(DATA / "peddy" / "test.mendel.vcf.gz"), family_for(ped, "CEPH"), "GRCh37")
    assert all(m["y_calls"] == 0 and m["sex_conflict"] is None and m["sex_ok"] is None for m in qc["samples"].values())
    assert qc["verdict"] == NOT_FULLY and qc["failures"] == []
