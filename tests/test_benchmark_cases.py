"""The solved-case table reads into cases with their causal variants, and the summary table counts ranks right."""

import pytest

from rarevar.benchmark.cases import read_cases
from rarevar.benchmark.table import Outcome, format_table, summarise
from rarevar.errors import InputError


def test_reads_every_case_of_the_development_split(shared):
    cases = read_cases(shared / "phenopacket-store-dev" / "cases.tsv")
    assert len(cases) == 3697  # the README of the split: 3,697 cases
    assert sum(case.all_small for case in cases) == 3411  # "3,411 cases have every causal variant as a small vcfRecord"
    sco2 = next(case for case in cases if case.case_id == "PMID_10749987_Family_B_patient_B1")
    assert sco2.genes == {"SCO2"}
    assert [(v.chrom, v.pos, v.ref, v.alt) for v in sco2.variants] == [
        ("chr22", 50524144, "G", "A"), ("chr22", 50523994, "C", "T")]
    assert sco2.inheritance == ("Autosomal recessive inheritance",)
    assert "HP:0001250" in sco2.observed


def test_a_table_without_the_per_variant_columns_is_refused(tmp_path):
    bad = tmp_path / "cases.tsv"
    bad.write_text("phenopacket_id\tsex\nx\tMALE\n")
    with pytest.raises(InputError, match="header lacks"):
        read_cases(bad)


def test_summary_counts_a_missing_answer_as_a_miss():
    outcomes = [Outcome("a", 1, {}), Outcome("b", 3, {}), Outcome("c", 12, {}), Outcome("d", None, {})]
    row = summarise(outcomes)
    assert (row["top1"], row["top3"], row["top10"], row["not_ranked"]) == (1, 2, 2, 1)
    assert row["median_rank"] == 7.5
    lines = []
    format_table(outcomes, [], write=lines.append)
    assert lines[2].split()[:5] == ["all", "4", "25.0%", "50.0%", "50.0%"]
