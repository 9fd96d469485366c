"""Family QC (sex, relatedness, Mendelian errors) against bcftools' and peddy's answers, a simulated CEPH 1463
family built from real 1000 Genomes allele frequencies, and the bundled demo trio."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import DEMO, shared_data
from cyvcf2 import VCF

from rarevar.family.qc import PedigreeKinship, family_qc
from rarevar.inputs.pedigree import Individual, Pedigree, family_for, read_ped

BCFTOOLS = shared_data() / "bcftools-mendelian"
PEDDY = shared_data() / "peddy"


def sites_of(examples: list[str]) -> set[str]:
    """'1:101 A>G 0/0 x 0/0 -> 0/1' -> '1:101'."""
    return {example.split()[0] for example in examples}


# --- bcftools +mendelian2 ------------------------------------------------------------------------


def bcftools_errors() -> set[str]:
    """The sites of `bcftools +mendelian2 -me` (mendelian.3.out: errors only)."""
    lines = (BCFTOOLS / "mendelian.3.out").read_text().splitlines()
    return {":".join(line.split("\t")[:2]) for line in lines if line and not line.startswith("#")}


def bcftools_summary() -> dict[str, int]:
    """mendelian.8.out: the default summary (ngood_alt, nmerr...)."""
    rows = (line.split("\t") for line in (BCFTOOLS / "mendelian.8.out").read_text().splitlines())
    return {row[0]: int(row[1]) for row in rows if len(row) >= 2 and row[1].isdigit()}


def bcftools_trio(tmp_path: Path, child_sex: str) -> Pedigree:
    # The -p order is child1,dad1,mom1. child1's calls are haploid at X:100/101/104 and Y but diploid at
    # X:102/103/105: bcftools takes the ploidy from each GT, so child1's PED sex is a test parameter.
    ped = tmp_path / "mendelian.ped"
    ped.write_text(f"F\tdad1\t0\t0\t1\t1\nF\tmom1\t0\t0\t2\t1\nF\tchild1\tdad1\tmom1\t{child_sex}\t1\n")
    return family_for(ped, "F")


@pytest.mark.parametrize("child_sex", ["0", "2"], ids=["sex-unknown", "female"])
def test_mendelian_errors_are_bcftools_errors(tmp_path, child_sex):
    qc = family_qc(str(BCFTOOLS / "mendelian.vcf"), bcftools_trio(tmp_path, child_sex), "GRCh37")
    (trio,) = qc["mendelian"]
    expected = bcftools_errors()
    assert len(expected) == 12
    assert sites_of(trio["examples"]) == expected  # incl. X:101, X:103 and Y:102, and nothing else
    assert trio["errors"] == bcftools_summary()["nmerr"] == 12
    # bcftools' good sites with an ALT allele in a relevant member, plus its error sites
    assert trio["sites"] == bcftools_summary()["ngood_alt"] + bcftools_summary()["nmerr"] == 23
    assert "X:101 A>G 0/0 x 1 -> 1" in trio["examples"]  # hemizygous son: his X is his mother's
    assert "Y:102 A>G . x 0 -> 1" in trio["examples"]  # his Y is his father's
    assert trio["ok"] is None  # 23 sites: too few to judge a rate


def test_male_child_het_on_x_is_a_no_call(tmp_path):
    # Deliberate difference from bcftools: with child1 male in the PED, his diploid 0/1 at X:103 cannot be a
    # true genotype on his single X and is read as a no-call (bcftools judges it as a daughter's).
    qc = family_qc(str(BCFTOOLS / "mendelian.vcf"), bcftools_trio(tmp_path, "1"), "GRCh37")
    (trio,) = qc["mendelian"]
    assert sites_of(trio["examples"]) == bcftools_errors() - {"X:103"}
    assert trio["errors"] == 11


# --- expected relationships from the PED, against peddy ------------------------------------------

PEDDY_RELATION = {"cousins": "first cousins", "grandchild": "grandparent-grandchild", "niece/nephew": "avuncular"}


def peddy_expected(ped_file: str) -> list[tuple[str, str, str, str]]:
    rows = []
    for line in (PEDDY / "peddy_ped_expected.tsv").read_text().splitlines()[2:]:
        name, query, expected = line.split("\t")
        found = re.match(r"(relatedness_coefficient|relation)\(([^,]+), ([^)\s]+)", query)
        if name == ped_file and found:
            rows.append((found[1], found[2], found[3], expected.split()[0]))
    return rows


def unvalidated_pedigree(path: Path) -> Pedigree:
    # read_ped rejects test-unknown-gma.ped (a mother coded male); its relationships are still peddy's test.
    rows = [line.split() for line in path.read_text().splitlines() if line.strip()]
    members = [
        Individual(r[0], r[1], None if r[2] == "0" else r[2], None if r[3] == "0" else r[3], "", "") for r in rows
    ]
    return Pedigree(rows[0][0], members)


@pytest.mark.parametrize("ped_file", ["test.fam.ped", "test.fam2.ped", "test-unknown-gma.ped"])
def test_pedigree_kinship_matches_peddy(ped_file):
    path = PEDDY / ped_file
    family = unvalidated_pedigree(path) if ped_file.startswith("test-unknown") else next(iter(read_ped(path).values()))
    by_ped = PedigreeKinship(family)
    cases = peddy_expected(ped_file)
    assert cases
    for query, a, b, expected in cases:
        if query == "relatedness_coefficient":  # peddy's coefficient of relatedness = 2 x kinship
            assert 2 * by_ped.kinship(a, b) == pytest.approx(float(expected)), (a, b)
        elif expected == "related":  # "related at unknown level": a married-in relative, unrelated by descent
            assert by_ped.relationship(a, b) == "unrelated"
        else:
            assert by_ped.relationship(a, b) == PEDDY_RELATION[expected], (a, b)


# --- a simulated CEPH 1463 family from real allele frequencies -----------------------------------
# peddy's ceph1463 VCF is not in the data (>= 4 MiB), so its PEDs are checked against a family simulated
# with the structure of ceph1463.good.ped: NA12877 (son of NA12889 x NA12890) and NA12878 (daughter of
# NA12891 x NA12892) are the parents of NA12879 and NA12880. Independent loci draw their allele frequency
# from the real 1000 Genomes phase 3 AFs of the BRCA1 region (GA4GH compliance set); genotypes pass by
# Mendelian transmission (one X in males, the Y from father to son). As after rarevar's normalisation, only
# loci where someone carries the ALT allele are written; their calls get 0.1% genotype errors and 1% no-calls.

CEPH = ("NA12877", "NA12878", "NA12879", "NA12880")
LOCI = {"auto": 80_000, "X": 12_000, "Y": 2_000}
GENOTYPE_ERROR, NO_CALL = 0.001, 0.01


def thousand_genomes_afs() -> np.ndarray:
    path = shared_data() / "ga4gh-compliance" / "brca1_1kgPhase3_variants.vcf"
    return np.array([v.INFO["AF"] for v in VCF(str(path)) if len(v.ALT) == 1], dtype=float)


def simulate_ceph_family(rng: np.random.Generator) -> dict[str, dict[str, np.ndarray]]:
    """True genotype codes (0/1/2; -1 = no call) per sample and region ('auto', 'X', 'Y')."""
    af = thousand_genomes_afs()
    freq = {region: rng.choice(af, size=n) for region, n in LOCI.items()}

    def founder(region: str, copies: int) -> np.ndarray:  # allele counts per copy (int: bools would OR)
        return (rng.random((copies, LOCI[region])) < freq[region]).astype(np.int64)

    def transmit(haplotypes: np.ndarray) -> np.ndarray:  # one of the parent's copies, per locus
        return haplotypes[rng.integers(0, len(haplotypes), haplotypes.shape[1]), np.arange(haplotypes.shape[1])]

    auto = {s: founder("auto", 2) for s in ("NA12889", "NA12890", "NA12891", "NA12892")}
    auto["NA12877"] = np.stack([transmit(auto["NA12889"]), transmit(auto["NA12890"])])
    auto["NA12878"] = np.stack([transmit(auto["NA12891"]), transmit(auto["NA12892"])])
    x_77 = transmit(founder("X", 2))  # from his mother NA12890
    x_78 = np.stack([founder("X", 1)[0], transmit(founder("X", 2))])
    y_77 = founder("Y", 1)[0]  # from his father NA12889
    genotypes = {
        "NA12877": {"auto": auto["NA12877"].sum(0), "X": 2 * x_77, "Y": 2 * y_77},
        "NA12878": {"auto": auto["NA12878"].sum(0), "X": x_78.sum(0)},
    }
    for daughter in ("NA12879", "NA12880"):
        genotypes[daughter] = {
            "auto": transmit(auto["NA12877"]) + transmit(auto["NA12878"]),
            "X": x_77 + transmit(x_78),  # her father's only X and one of her mother's
        }
    for sample in CEPH[1:]:
        genotypes[sample]["Y"] = np.full(LOCI["Y"], -1)  # no Y: females are not called there
    return {s: {r: np.asarray(g, dtype=np.int64) for r, g in by_region.items()} for s, by_region in genotypes.items()}


def with_noise(codes: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    codes = codes.copy()
    called = codes >= 0
    wrong = called & (rng.random(codes.shape) < GENOTYPE_ERROR)
    codes[wrong] = (codes[wrong] + rng.integers(1, 3, wrong.sum())) % 3
    codes[called & (rng.random(codes.shape) < NO_CALL)] = -1
    return codes


def write_family_vcf(path: Path, columns: dict[str, dict[str, np.ndarray]], seed: int = 11) -> Path:
    """One VCF column per entry of `columns` (name -> true genotypes), each with its own genotyping noise.
    Autosomal loci fill chr1-22 in order; chrX loci lie beyond PAR1 (GRCh37); males are written GATK-style
    (diploid 0/0, 1/1) on X and haploid on Y."""
    rng = np.random.default_rng(seed)
    names = list(columns)
    lines = [
        "##fileformat=VCFv4.2",
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        *(f"##contig=<ID={c}>" for c in [*map(str, range(1, 23)), "X", "Y"]),
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *names]),
    ]
    per_chrom = LOCI["auto"] // 22
    for region in LOCI:
        codes = np.stack([columns[name][region] for name in names], axis=1)
        index = np.flatnonzero((codes > 0).any(axis=1))  # polymorphic in the family: the records called
        codes = codes[index]
        haploid = region == "Y"
        if not haploid:
            codes = with_noise(codes, rng)
        if region == "auto":
            chrom, pos = (index // per_chrom + 1).clip(max=22).astype(str), 10_000 + (index % per_chrom) * 1000
        else:
            chrom, pos = np.full(len(index), region), 3_000_000 + index * 1000
        table = np.array(["0", "1", "1", "."] if haploid else ["0/0", "0/1", "1/1", "./."])
        gts = table[np.where(codes < 0, 3, codes)]
        depth = rng.poisson(30, gts.shape).astype(str)
        quality = rng.integers(30, 100, gts.shape).astype(str)
        cells = [":".join(parts) for parts in zip(gts.ravel(), depth.ravel(), quality.ravel(), strict=True)]
        cells = np.array(cells).reshape(gts.shape)
        for c, p, row in zip(chrom, pos, cells, strict=True):
            lines.append(f"{c}\t{p}\t.\tA\tG\t100\tPASS\t.\tGT:DP:GQ\t" + "\t".join(row))
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def ceph_truth() -> dict[str, dict[str, np.ndarray]]:
    return simulate_ceph_family(np.random.default_rng(1463))


@pytest.fixture(scope="module")
def ceph_vcf(ceph_truth, tmp_path_factory) -> Path:
    return write_family_vcf(tmp_path_factory.mktemp("ceph") / "ceph1463.vcf", ceph_truth)


def ceph_ped(name: str) -> Pedigree:
    return family_for(PEDDY / name, "CEPH1463")


def pairs_by_name(qc: dict) -> dict[frozenset, dict]:
    return {frozenset((p["sample_a"], p["sample_b"])): p for p in qc["relatedness"]}


def flagged_pairs(qc: dict) -> set[frozenset]:
    return {pair for pair, p in pairs_by_name(qc).items() if p["ok"] is False}


def test_true_ceph_family_passes(ceph_vcf):
    qc = family_qc(str(ceph_vcf), ceph_ped("ceph1463.good.ped"), "GRCh37")
    assert qc["passed"], qc["failures"]
    assert qc["failures"] == [] and qc["warnings"] == []
    pairs = pairs_by_name(qc)
    for pair in pairs.values():
        assert pair["n_sites"] >= 5000 and pair["ok"] is True
    unrelated = pairs[frozenset(("NA12877", "NA12878"))]
    assert abs(unrelated["kinship"]) < 0.03 and unrelated["ibs0"] > 0.05
    for parent in ("NA12877", "NA12878"):
        for child in ("NA12879", "NA12880"):
            parent_child = pairs[frozenset((parent, child))]
            assert parent_child["kinship"] == pytest.approx(0.25, abs=0.03)
            assert parent_child["ibs0"] < 0.002  # genotype errors only
    sibs = pairs[frozenset(("NA12879", "NA12880"))]
    assert sibs["kinship"] == pytest.approx(0.25, abs=0.03) and sibs["ibs0"] > 0.01
    assert sibs["expected"] == "siblings" and sibs["inferred"] == "siblings"
    samples = qc["samples"]
    assert samples["NA12877"]["x_heterozygosity"] < 0.02 and samples["NA12877"]["y_alt_calls"] > 20
    for daughter in ("NA12878", "NA12879", "NA12880"):
        assert samples[daughter]["x_heterozygosity"] > 0.5 and samples[daughter]["y_calls"] == 0
    assert all(s["sex_ok"] is True for s in samples.values())
    for trio in qc["mendelian"]:
        assert trio["ok"] is True and trio["sites"] > 5000 and trio["error_rate"] < 0.005


def test_peddy_bad_ceph_ped_is_flagged(ceph_vcf):
    # ceph1463.bad.ped swaps NA12877 (the father) and NA12880 (a daughter): sexes, four pairs and both trios.
    qc = family_qc(str(ceph_vcf), ceph_ped("ceph1463.bad.ped"), "GRCh37")
    assert not qc["passed"]
    assert {s for s, m in qc["samples"].items() if m["sex_ok"] is False} == {"NA12877", "NA12880"}
    assert flagged_pairs(qc) == {
        frozenset(("NA12877", "NA12878")),  # PED: child-mother; data: unrelated
        frozenset(("NA12878", "NA12880")),  # PED: spouses; data: mother-daughter
        frozenset(("NA12877", "NA12879")),  # PED: siblings; data: father-daughter (IBS0 ~ 0)
        frozenset(("NA12879", "NA12880")),  # PED: father-daughter; data: sisters (IBS0 > 0)
    }
    assert [t["ok"] for t in qc["mendelian"]] == [False, False]
    assert "recorded in the PED as" in qc["failures"][0]  # relationships first, then sex, then Mendelian
    assert "Mendelian errors" in qc["failures"][-1]
    assert sum("looks male" in f or "looks female" in f for f in qc["failures"]) == 2


def test_planted_column_swap_is_flagged(ceph_truth, tmp_path):
    swapped = dict(ceph_truth)
    swapped["NA12877"], swapped["NA12879"] = ceph_truth["NA12879"], ceph_truth["NA12877"]
    vcf = write_family_vcf(tmp_path / "swapped.vcf", {name: swapped[name] for name in CEPH})
    qc = family_qc(str(vcf), ceph_ped("ceph1463.good.ped"), "GRCh37")
    assert not qc["passed"]
    assert {s for s, m in qc["samples"].items() if m["sex_ok"] is False} == {"NA12877", "NA12879"}
    assert flagged_pairs(qc) == {
        frozenset(("NA12877", "NA12878")),
        frozenset(("NA12877", "NA12880")),
        frozenset(("NA12878", "NA12879")),
        frozenset(("NA12879", "NA12880")),
    }
    assert all(t["ok"] is False and t["error_rate"] > 0.05 for t in qc["mendelian"])


def test_duplicate_sample_is_the_first_failure(ceph_truth, tmp_path):
    columns = {name: ceph_truth[name] for name in CEPH}
    columns["NA12880"] = ceph_truth["NA12879"]  # the same person sequenced twice (independent noise)
    qc = family_qc(str(write_family_vcf(tmp_path / "dup.vcf", columns)), ceph_ped("ceph1463.good.ped"), "GRCh37")
    duplicate = pairs_by_name(qc)[frozenset(("NA12879", "NA12880"))]
    assert duplicate["inferred"] == "duplicate" and duplicate["kinship"] > 0.45
    assert "the same person" in qc["failures"][0]


# --- the bundled demo ----------------------------------------------------------------------------


def test_demo_trio_passes_and_finds_the_planted_mendelian_errors(truth):
    qc = family_qc(str(DEMO / "trio.vcf.gz"), family_for(DEMO / "demo.ped", truth["family"]), "demo")
    json.dumps(qc)  # qc.json content
    assert qc["passed"], qc["failures"]
    assert qc["failures"] == [] and qc["warnings"] == []
    assert {s: m["inferred_sex"] for s, m in qc["samples"].items()} == {
        "proband": "male",
        "mother": "female",
        "father": "male",
    }
    # ~1,640 shared autosomal SNVs: above the 1,000-site minimum, and the relationships come out right.
    assert {p["inferred"] for p in qc["relatedness"]} == {"parent-child", "unrelated"}
    assert all(p["ok"] is True for p in qc["relatedness"])
    (trio,) = qc["mendelian"]
    assert trio["ok"] is True and trio["errors"] <= 20  # all errors are listed among the examples
    planted = {f"{e['chrom']}:{e['pos']}" for e in truth["mendelian_errors"]}
    assert planted <= sites_of(trio["examples"])
    de_novos = {f"{truth['chrom']}:{truth['pos']}", *(f"{d['chrom']}:{d['pos']}" for d in truth["decoys"][:1])}
    assert sites_of(trio["examples"]) == planted | de_novos  # the low-GQ decoy is not a good-quality call


def test_unknown_setting_is_refused(truth):
    with pytest.raises(ValueError, match="unknown QC setting"):
        family_qc(str(DEMO / "trio.vcf.gz"), family_for(DEMO / "demo.ped", truth["family"]), "demo", {"min_q": 3})


def test_son_of_unknown_sex_is_read_as_male_on_x(truth, tmp_path):
    # A PED sex of 0 must not turn the son's diploid-written chrX (0/0, 1/1) into errors against his father.
    ped = tmp_path / "demo.ped"
    ped.write_text((DEMO / "demo.ped").read_text().replace("proband\tfather\tmother\t1", "proband\tfather\tmother\t0"))
    qc = family_qc(str(DEMO / "trio.vcf.gz"), family_for(ped, truth["family"]), "demo")
    assert qc["samples"]["proband"]["ped_sex"] == "unknown" and qc["samples"]["proband"]["sex_ok"] is None
    assert not any(example.startswith("chrX") for example in qc["mendelian"][0]["examples"])
    assert qc["mendelian"][0]["errors"] == 9
