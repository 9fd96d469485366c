"""The genome-scale simulated trio: a valid, sorted VCF of the requested size with Mendelian inheritance,
hemizygous male chrX/chrY calls, a few de novos, and a population store that holds its observed alleles."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import cyvcf2
import numpy as np
import pysam
import pysam.bcftools
import pytest

from rarevar.base import genome
from rarevar.base.bcftools import count_records
from rarevar.simulate.genome import simulate_genome
from tests.conftest import rarevar

RECORDS, SITES = 20_000, 100_000


@pytest.fixture(scope="module")
def sim(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("genome")
    simulate_genome(out, RECORDS, "GRCh38", seed=3, population_sites=SITES)
    return out


@pytest.fixture(scope="module")
def truth(sim) -> dict:
    return json.loads((sim / "truth.json").read_text())


@pytest.fixture(scope="module")
def calls(sim) -> dict:
    """Per record: chrom, pos, ALTs and the genotypes (allele lists per sample, in VCF order)."""
    vcf = cyvcf2.VCF(str(sim / "trio.vcf.gz"))
    assert vcf.samples == ["proband", "mother", "father"]
    rows = {"chrom": [], "pos": [], "ref": [], "alts": [], "gts": []}
    for v in vcf:
        rows["chrom"].append(v.CHROM)
        rows["pos"].append(v.POS)
        rows["ref"].append(v.REF)
        rows["alts"].append(v.ALT)
        rows["gts"].append([[a for a in g[:-1]] for g in v.genotypes])
    return rows


def test_valid_sorted_vcf_of_the_requested_size(sim, calls):
    assert len(calls["pos"]) == RECORDS
    assert count_records(str(sim / "trio.vcf.gz")) == RECORDS
    order = list(genome.CHROMOSOMES["GRCh38"])
    keys = [(order.index(c), p) for c, p in zip(calls["chrom"], calls["pos"], strict=True)]
    assert keys == sorted(keys) and len(set(keys)) == RECORDS
    assert set(calls["chrom"]) == set(order)  # every chromosome, chrM included
    # htslib parses every record (bcftools view fails on a malformed one).
    assert len(pysam.bcftools.view("-H", str(sim / "trio.vcf.gz")).splitlines()) == RECORDS
    assert sum(len(a) > 1 for a in calls["alts"]) > 0.01 * RECORDS  # multi-allelic records
    assert sum(len(r) != len(a[0]) for r, a in zip(calls["ref"], calls["alts"], strict=True)) > 0.05 * RECORDS
    with pysam.VariantFile(str(sim / "trio.vcf.gz")) as vcf:
        record = next(vcf)
        assert set(record.format) == {"GT", "AD", "DP", "GQ", "PL"}


def _autosomal_inconsistent(calls) -> tuple[int, list[tuple[str, int]]]:
    checked, inconsistent = 0, []
    for chrom, pos, (kid, mom, dad) in zip(calls["chrom"], calls["pos"], calls["gts"], strict=True):
        if chrom in ("chrX", "chrY", "chrM") or min(kid + mom + dad) < 0:
            continue
        checked += 1
        fits = any(sorted(kid) == sorted([m, d]) for m in mom for d in dad)
        if not fits:
            inconsistent.append((chrom, pos))
    return checked, inconsistent


def test_mendelian_inheritance_with_a_few_de_novos(calls, truth):
    checked, inconsistent = _autosomal_inconsistent(calls)
    de_novo = {(d["chrom"], d["pos"]) for d in truth["de_novo"]}
    assert checked > 0.9 * RECORDS
    assert set(inconsistent) == de_novo  # the only Mendelian errors are the de novos
    assert 1 <= len(de_novo) <= 10
    missing = sum(min(g) < 0 for gts in calls["gts"] for g in gts)
    assert 0.005 * 3 * RECORDS < missing < 0.05 * 3 * RECORDS


def test_planted_causal_de_novo(calls, truth):
    causal = truth["causal"]
    assert (causal["chrom"], causal["pos"], causal["gene"]) == ("chr15", 48_500_000, "FBN1")
    i = list(zip(calls["chrom"], calls["pos"], strict=True)).index((causal["chrom"], causal["pos"]))
    assert calls["alts"][i] == [causal["alt"]]
    assert calls["gts"][i] == [[0, 1], [0, 0], [0, 0]]


def test_hemizygous_calls_of_males_on_x_and_y(calls):
    x_nonpar = x_par = y = 0
    for chrom, pos, (kid, mom, dad) in zip(calls["chrom"], calls["pos"], calls["gts"], strict=True):
        par = genome.in_par(np.array([chrom]), np.array([pos]), "GRCh38")[0]
        if chrom == "chrX" and not par:
            x_nonpar += 1
            assert len(dad) == 1 and len(kid) == 1 and len(mom) == 2  # male proband: hemizygous
            assert kid[0] < 0 or mom[0] < 0 or kid[0] in mom  # a son's X is his mother's
        elif chrom == "chrX":
            x_par += 1
            assert len(dad) == 2 and len(kid) == 2
        elif chrom == "chrY":
            y += 1
            assert len(dad) == 1 and kid == dad or min(kid + dad) < 0
            assert mom == [-1]  # no chrY in the mother
    assert x_nonpar > 50 and y > 5


def _split_alleles(calls) -> list[tuple[str, int, str, str]]:
    return [(c, p, r, a) for c, p, r, alts in zip(calls["chrom"], calls["pos"], calls["ref"], calls["alts"],
                                                   strict=True) for a in alts]  # fmt: skip


def test_population_store_holds_the_observed_alleles(sim, calls, truth):
    store = sim / "population.bcf"
    assert count_records(str(store)) == SITES == truth["population_sites"]
    with pysam.VariantFile(str(store)) as handle:
        assert {"AF", "AC", "AN", "nhomalt", "AF_grpmax", "AF_eas"} <= set(handle.header.info)
        af = {(r.chrom, r.pos, r.ref, r.alts[0]): r.info["AF"][0] for r in handle}
    alleles = _split_alleles(calls)
    found = [af[a] for a in alleles if a in af]
    # The store knows every allele of the records drawn as observed, and none of the novel ones.
    assert abs(len(found) / len(alleles) - (1 - truth["mix"]["novel"])) < 0.01
    de_novo = {(d["chrom"], d["pos"], d["ref"], d["alt"]) for d in truth["de_novo"]}
    assert not de_novo & set(af)
    found = np.array(found)
    # A genome's sites are mostly common; the population's are mostly rare.
    assert 0.9 < (found > 0.01).mean() < 0.98
    assert (np.array(list(af.values())) < 0.001).mean() > 0.5


def test_seeded_and_deterministic_through_the_command_line(tmp_path):
    def content(folder: Path) -> tuple[bytes, bytes]:
        store = pysam.bcftools.view("-H", str(folder / "population.bcf")).encode()
        return gzip.open(folder / "trio.vcf.gz").read(), store

    args = ["simulate", "--genome-scale", "--records", "3000", "--population-sites", "9000", "--build", "GRCh37"]
    for name, seed in (("a", "5"), ("b", "5"), ("c", "6")):
        result = rarevar(*args, "--seed", seed, "--out", str(tmp_path / name))
        assert result.returncode == 0, result.stderr
        assert "3000 trio records and 9000 population sites" in result.stdout
    assert content(tmp_path / "a") == content(tmp_path / "b")
    assert content(tmp_path / "a")[0] != content(tmp_path / "c")[0]
    assert (tmp_path / "a" / "trio.ped").read_text().splitlines()[0].split("\t") == [
        "SIM1", "proband", "father", "mother", "1", "2"]  # fmt: skip


def test_contigs_from_a_given_fai(tmp_path):
    fai = tmp_path / "ref.fa.fai"
    fai.write_text("chr1\t3000000\t6\t60\t61\nchrX\t2000000\t9\t60\t61\nchrUn_decoy\t50000\t7\t60\t61\n")
    truth = simulate_genome(tmp_path / "out", 2000, "GRCh38", seed=1, population_sites=4000, fai=str(fai))
    with pysam.VariantFile(str(tmp_path / "out" / "trio.vcf.gz")) as vcf:
        assert list(vcf.header.contigs) == ["chr1", "chrX", "chrUn_decoy"]
        chroms = [r.chrom for r in vcf]
    assert set(chroms) == {"chr1", "chrX"} and len(chroms) == 2000  # records on the primary chromosomes only
    assert truth["causal"]["chrom"] == "chr1" and truth["causal"]["gene"] is None
