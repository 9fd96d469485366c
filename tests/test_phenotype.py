"""Patient HPO terms: parsing, Phenopackets, validation, and the phenotype match of genes."""

from __future__ import annotations

import csv

import pytest

from rarevar.errors import InputError
from rarevar.phenotype.hpo import match_gene, parse_terms, read_phenopacket, read_phenotype

CARDIOMYOPATHY = "HP:0001639;HP:0001645;HP:0004308;HP:0001712"


def test_terms_with_exclusions():
    phenotype = parse_terms("HP:0001250; -HP:0001263,!HP:0000252", "sheet")
    assert phenotype.observed == ["HP:0001250"]
    assert phenotype.excluded == ["HP:0001263", "HP:0000252"]


def test_phenopackets_from_the_published_store(shared):
    # Every solved case in the store parses, with its excluded terms kept as excluded.
    store = shared / "phenopacket-store-dev"
    with open(store / "cases.tsv", encoding="utf-8") as handle:
        cases = list(csv.DictReader(handle, delimiter="\t"))[:200]
    for case in cases:
        phenotype = read_phenopacket(store / "phenopackets" / case["source_path"].split("/")[-1])
        expected_observed = [t for t in case["hpo_observed"].split(",") if t]
        expected_excluded = [t for t in case["hpo_excluded"].split(",") if t]
        assert sorted(set(phenotype.observed)) == sorted(set(expected_observed)), case["phenopacket_id"]
        assert sorted(set(phenotype.excluded)) == sorted(set(expected_excluded)), case["phenopacket_id"]


def test_unknown_term_is_an_error():
    with pytest.raises(InputError, match="HP:9999999 is not a term"):
        read_phenotype("HP:0001639;HP:9999999", "families.tsv, line 2")


def test_cardiomyopathy_terms_match_tnnt2_far_above_xpc():
    phenotype = read_phenotype(CARDIOMYOPATHY, "test")
    tnnt2, xpc = match_gene(phenotype, "TNNT2"), match_gene(phenotype, "XPC")
    assert tnnt2.score > 0.8 > 0.2 > xpc.score
    assert "ardiomyopathy" in tnnt2.disease["name"]
    assert tnnt2.disease["inheritance"] == ["autosomal dominant"]
    assert {t["id"] for t in tnnt2.matched_terms} >= {"HP:0001645", "HP:0001712"}


def test_gene_without_phenotype_annotation_scores_zero():
    match = match_gene(read_phenotype(CARDIOMYOPATHY, "test"), "SAMD11")
    assert match.score == 0.0 and match.disease is None
