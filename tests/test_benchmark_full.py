"""Benchmark mode B: spiked genotypes per allelic state and mode, CSQ from HGVS read back by rarevar's own reader,
a seeded background, and a smoke run through the CLI whose ranks a real Snakemake run of the same families
reproduces."""

from __future__ import annotations

import csv
import gzip
import json
from dataclasses import replace

import numpy as np
import pysam
import pytest

from rarevar.annotate.consequence import parse_vep, so_terms, vep_fields
from rarevar.benchmark import background as bg
from rarevar.benchmark import full
from rarevar.benchmark.cases import Case, CausalVariant, read_cases
from rarevar.benchmark.records import SAMPLES
from rarevar.benchmark.spike import consequence_from_hgvs, consequence_of, spike
from tests.conftest import rarevar

AD, AR, XLD, XLR = ("Autosomal dominant inheritance",), ("Autosomal recessive inheritance",), \
    ("X-linked dominant inheritance",), ("X-linked recessive inheritance",)  # fmt: skip


def variant(state: str, chrom: str = "chr2", pos: int = 1_000_000, **fields) -> CausalVariant:
    values = {"gene": "GENE1", "ref": "C", "alt": "T", "vcf_class": "snv", "hgvs_c": "NM_000001.1:c.100C>T",
              "hgvs_p": "NP_000001.1:p.(Arg34Cys)", "consequence": "missense_variant", **fields}  # fmt: skip
    return CausalVariant(chrom=chrom, pos=pos, allelic_state=state, **values)


def case(sex: str, modes: tuple, *variants: CausalVariant) -> Case:
    return Case("case", sex, "OMIM:1", modes, "+".join(v.allelic_state for v in variants), ("HP:0001250",), (),
                variants)


@pytest.mark.parametrize(
    ("spiked_case", "expected"),
    [
        (case("FEMALE", AD, variant("heterozygous")), [("0/1", "0/0", "0/0")]),  # de novo
        (case("MALE", (), variant("heterozygous")), [("0/1", "0/0", "0/0")]),  # unknown mode: de novo
        (case("MALE", AR, variant("heterozygous")), [("0/1", "0/1", "0/0")]),  # one recessive hit: inherited
        (case("MALE", AR, variant("homozygous")), [("1/1", "0/1", "0/1")]),
        (case("FEMALE", AR, variant("heterozygous"), variant("heterozygous", pos=1_000_500)),
         [("0/1", "0/1", "0/0"), ("0/1", "0/0", "0/1")]),  # compound heterozygous: one from each parent
        (case("MALE", XLR, variant("hemizygous", "chrX", 40_000_000)), [("1", "0/1", "0")]),
        (case("UNKNOWN_SEX", XLR, variant("hemizygous", "chrX", 40_000_000)), [("1", "0/1", "0")]),
        (case("FEMALE", XLD, variant("hemizygous", "chrX", 40_000_000)), [("0/1", "0/0", "0")]),  # quirk: het
        (case("FEMALE", XLR, variant("homozygous", "chrX", 40_000_000)), [("1/1", "0/1", "1")]),
    ],
)  # fmt: skip
def test_spiked_genotypes_follow_allelic_state_and_mode(spiked_case, expected, tmp_path):
    spiked = spike(spiked_case)
    assert [r.genotypes for r in spiked.records] == expected
    vcf = tmp_path / "case.vcf.gz"
    full.write_case_vcf(spiked, vcf, seed=1)
    with pysam.VariantFile(str(vcf)) as records:
        written = [tuple("/".join(str(a) for a in rec.samples[s]["GT"]) for s in SAMPLES) for rec in records]
        assert list(records.header.samples) == list(SAMPLES)
    assert written == expected
    assert ("1" if spiked.male else "2") == spiked.ped("F").splitlines()[0].split("\t")[4]


@pytest.mark.parametrize(
    ("hgvs_c", "hgvs_p", "expected"),
    [
        ("NM_1.1:c.1938-1G>A", "", "splice_acceptor_variant"),
        ("NM_1.1:c.100+2T>C", "", "splice_donor_variant"),
        ("NM_1.1:c.100+6T>C", "", "splice_region_variant"),
        ("NM_1.1:c.100-40T>C", "", "intron_variant"),
        ("NM_1.1:c.769C>T", "", "missense_variant"),  # no protein change given: the stated default
        ("NM_1.1:c.2T>C", "", "start_lost"),
        ("NM_1.1:c.100_101del", "NP_1.1:p.?", "frameshift_variant"),
        ("NM_1.1:c.100_102del", "", "inframe_deletion"),
        ("NM_1.1:c.100_101insGGG", "", "inframe_insertion"),
        ("NM_1.1:c.100dup", "", "frameshift_variant"),
        ("NM_1.1:c.-30C>T", "", "5_prime_UTR_variant"),
        ("NM_1.1:c.*5A>G", "", "3_prime_UTR_variant"),
        ("NR_1.1:n.50A>G", "", "non_coding_transcript_exon_variant"),
        ("NM_1.1:c.100C>T", "NP_1.1:p.(Arg34Ter)", "stop_gained"),
        ("NM_1.1:c.100C>T", "NP_1.1:p.(Arg34=)", "synonymous_variant"),
        ("NM_1.1:c.100C>T", "NP_1.1:p.(Arg34Cys)", "missense_variant"),
        ("NM_1.1:c.100del", "NP_1.1:p.(Arg34GlyfsTer5)", "frameshift_variant"),
    ],
)
def test_consequence_from_hgvs(hgvs_c, hgvs_p, expected):
    assert consequence_from_hgvs(hgvs_c, hgvs_p) == expected


def test_intronic_causal_variant_gets_vep_splice_terms():
    deep = variant("heterozygous", hgvs_c="NM_1.1:c.-32-13T>G", hgvs_p="p.?", consequence="intron_variant")
    assert consequence_of(deep) == "splice_polypyrimidine_tract_variant&intron_variant"
    fifth = variant("heterozygous", hgvs_c="NM_1.1:c.100+5G>A", hgvs_p="", consequence="splice_region_variant")
    assert so_terms(consequence_of(fifth))[0] == "splice_donor_5th_base_variant"


@pytest.fixture(scope="module")
def small_cases(shared):
    return [c for c in read_cases(shared / "phenopacket-store-dev" / "cases.tsv") if c.all_small]


def test_csq_from_hgvs_reads_back_through_the_vep_reader(small_cases, tmp_path):
    """Every spiked record of a seeded sample of 300 cases: rarevar's CSQ reader finds the consequence, gene and
    HGVS the case gives."""
    chosen = full.select_cases(small_cases, 300, seed=11)
    checked = 0
    for index, c in enumerate(chosen):
        spiked = spike(c)
        vcf = tmp_path / f"{index}.vcf.gz"
        full.write_case_vcf(spiked, vcf, seed=1)
        with pysam.VariantFile(str(vcf)) as records:
            fields = vep_fields(records.header.info["CSQ"].description)
            for record in records:
                expected = next(r for r in spiked.records if (r.variant.pos, r.variant.ref) == (record.pos, record.ref))
                (parsed,) = parse_vep(list(record.info["CSQ"]), fields, record.ref, record.alts[0])
                assert parsed.term == so_terms(expected.consequence)[0]
                assert parsed.gene == expected.variant.gene
                assert parsed.hgvs_c == expected.variant.hgvs_c.split(":", 1)[-1]
                assert parsed.hgvs_p == expected.variant.hgvs_p.split(":", 1)[-1]
                assert parsed.mane_select and parsed.impact != ""
                checked += 1
    assert checked >= 300


def test_background_is_seeded_keeps_causal_positions_free_and_has_a_wgs_spectrum(small_cases, tmp_path):
    avoid = bg.avoided_positions(small_cases)
    first, again, other = (bg.draw_background(seed, avoid) for seed in (5, 5, 6))
    key = [(r.chrom, r.pos, r.ref, r.alt, r.csq, r.genotypes(True)) for r in first]
    assert key == [(r.chrom, r.pos, r.ref, r.alt, r.csq, r.genotypes(True)) for r in again]
    assert key != [(r.chrom, r.pos, r.ref, r.alt, r.csq, r.genotypes(True)) for r in other]
    for r in first:
        near = avoid.get(r.chrom, np.empty(0))
        assert not np.any(np.abs(near - r.pos) <= bg.AVOID_WINDOW), f"{r.chrom}:{r.pos} next to a causal variant"
    rare = [r for r in first if r.af is None or r.af <= 0.01]
    carried = [r for r in rare if r.genotypes(True)[0] not in ("0/0", "0")]
    coding = [r for r in carried if not any(t in r.csq for t in ("intron", "UTR"))]
    assert 200 <= len(coding) <= 500  # rare coding/splice variants of a WGS proband after AF < 1%
    assert sum(r.de_novo for r in first) == bg.Spectrum().de_novo
    assert sum(1 for r in carried if r.chrom == "chrX" and r.genotypes(True)[0] == "1") >= 3  # hemizygous son
    assert sum(1 for r in first if r.af is not None and r.af > 0.01) == bg.Spectrum().common
    for name in ("a.vcf.gz", "b.vcf.gz"):
        bg.write_family_vcf(first, True, 5, tmp_path / name)
    assert gzip.open(tmp_path / "a.vcf.gz").read() == gzip.open(tmp_path / "b.vcf.gz").read()


def _ranks(tsv) -> dict[str, dict]:
    with open(tsv, encoding="utf-8", newline="") as handle:
        return {row["case_id"]: row for row in csv.DictReader(handle, delimiter="\t")}


def test_smoke_run_through_the_cli_and_the_same_ranks_from_snakemake(shared, small_cases, tmp_path):
    cases = shared / "phenopacket-store-dev" / "cases.tsv"
    out, work, factors = tmp_path / "per_case.tsv", tmp_path / "work", tmp_path / "candidates.tsv"
    result = rarevar("benchmark", "--mode", "full", "--cases", str(cases), "--limit", "10", "--seed", "2", "--jobs",
                     "1", "--work", str(work), "--out", str(out), "--candidates-out", str(factors))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert "all" in result.stdout and "top10" in result.stdout and "pattern: " in result.stdout
    assert "at the assumed 40% yield" in result.stdout and "given that one of the family's candidates" in result.stdout
    rows = _ranks(out)
    assert len(rows) == 10
    ranked = [int(r["rank"]) for r in rows.values() if r["rank"]]
    assert sum(1 for rank in ranked if rank <= 10) >= 5, result.stdout

    # Every candidate's factors: the causal ones sit at the case's rank, and the factors add up to the total.
    with factors.open() as handle:
        candidates = list(csv.DictReader(handle, delimiter="\t"))
    assert len(candidates) == sum(int(r["candidates"]) for r in rows.values())
    best_causal = {}
    for c in candidates:
        parts = [float(c[k]) for k in full.FACTOR_COLUMNS[1:-1]]
        assert float(c["log10_lr"]) == pytest.approx(sum(parts), abs=1e-3)
        if c["causal"] == "1":
            best_causal[c["case_id"]] = min(best_causal.get(c["case_id"], 10**9), int(c["rank"]))
    assert {case: str(rank) for case, rank in best_causal.items()} == {
        case: r["rank"] for case, r in rows.items() if r["rank"]}

    # A case the pipeline refuses (no observed HPO term) is a miss that says why, not a crash of the run.
    prepared = full.load_prepared(work)
    chosen = full.select_cases(small_cases, 10, seed=2)
    chosen_case = chosen[0]
    silent = replace(chosen_case, observed=())
    refused = full.run_case(prepared, spike(silent), seed=2)
    assert refused.outcome.rank is None and refused.status.startswith("refused: ") and "HPO" in refused.status
    assert full.run_case(prepared, spike(chosen_case), seed=2).outcome.rank == (
        int(rows[chosen_case.case_id]["rank"]) if rows[chosen_case.case_id]["rank"] else None)

    # Two of those families (a de novo and one with two causal records, if drawn) through `rarevar run`.
    by_pattern = {}
    for c in chosen:
        by_pattern.setdefault(spike(c).pattern, c)
    picked = [by_pattern.get("de novo") or chosen[0],
              by_pattern.get("compound heterozygous") or by_pattern.get("biparental") or chosen[1]]  # fmt: skip
    config, ids = full.write_batch(prepared, [spike(c) for c in picked], tmp_path / "batch", seed=2)
    run = rarevar("run", "--config", str(config), "--cores", "2")
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    for family, case_id in ids.items():
        payload = json.loads((tmp_path / "batch" / "results" / family / "candidates.json").read_text())
        keys = [(c, int(p), *allele.split(">")) for c, p, allele in
                (k.split(":") for k in rows[case_id]["causal_records"].split(";"))]  # fmt: skip
        found = full.causal_ranks(payload["candidates"], keys)
        found = [rank for rank in found if rank is not None]
        assert (str(min(found)) if found else "") == rows[case_id]["rank"], (case_id, found)
