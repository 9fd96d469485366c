"""Nothing lost at scale: the whole workflow on a 1,000,000-record simulated trio, and every record accounted for.

The trio, its population store, a reference holding every REF and the planted gene's model come from
`rarevar simulate --genome-scale --reference`, over the GRCh38 chromosomes shrunk 25-fold (so the FASTA stays
~125 MB), with the whole-genome stages in 2 shards (the counts below are the shards' gathered ones). The
funnel's counts are checked against counts made here independently of the pipeline's code: the
records in the input, the alleles after splitting, the alleles some family member carries, and the carried alleles
that are rare or absent in the store (a pandas join, not rarevar's streaming one).
"""

import hashlib
import json

import pandas as pd
import pysam
import pytest

from rarevar.base import genome
from rarevar.base.bcftools import bcftools, count_records
from tests.conftest import rarevar, write_config

RECORDS = 1_000_000
MAX_AF = 0.01


@pytest.fixture(scope="module")
def genome_run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("genome")
    fai = tmp / "scaled.fai"
    fai.write_text("".join(f"{name}\t{max(length // 25, 20_000)}\t0\t60\t61\n"
                           for name, length in genome.CHROMOSOMES["GRCh38"].items()))  # fmt: skip
    sim = tmp / "sim"
    made = rarevar("simulate", "--genome-scale", "--records", str(RECORDS), "--population-sites", str(RECORDS),
                   "--fai", str(fai), "--reference", "--out", str(sim))  # fmt: skip
    assert made.returncode == 0, made.stderr[-2000:]
    truth = json.loads((sim / "truth.json").read_text())
    row = {"family_id": "SIM1", "vcf": sim / "trio.vcf.gz", "ped": sim / "trio.ped", "hpo": "HP:0001166;HP:0001083"}
    config = write_config(tmp, [row], genome_build="demo", scores=[], shards=2, resources={
        "dir": str(sim), "reference": "reference.fa", "genes": "genes.gff3.gz", "population": "population.bcf"})
    ran = rarevar("run", "--config", str(config), "--cores", "2")
    assert ran.returncode == 0, ran.stderr[-3000:]
    payload = json.loads((tmp / "results" / "SIM1" / "candidates.json").read_text())
    return {"tmp": tmp, "sim": sim, "truth": truth, "payload": payload, "work": tmp / "results" / "SIM1" / "work"}


def steps(run) -> dict[str, int]:
    return {step["step"]: step["variants"] for step in run["payload"]["funnel"]}


def query_alleles(path, out) -> pd.DataFrame:
    bcftools("query", "-f", "%CHROM\t%POS\t%REF\t%ALT\n", "-o", str(out), str(path))
    return pd.read_csv(out, sep="\t", names=["chrom", "pos", "ref", "alt"], dtype={"chrom": str})


def carried_alleles(run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The input split to one ALT per record, keeping those some family member carries, and those alleles
    left-aligned against the reference, once each (bcftools and pandas, no rarevar code)."""
    tmp, split, carried = run["tmp"], run["tmp"] / "split.bcf", run["tmp"] / "carried.bcf"
    bcftools("norm", "--no-version", "-m", "-any", "-Ob", "-o", str(split), str(run["sim"] / "trio.vcf.gz"))
    bcftools("view", "--no-version", "-c", "1", "-Ob", "-o", str(carried), str(split))
    aligned = tmp / "aligned.bcf"
    bcftools("norm", "--no-version", "-f", str(run["sim"] / "reference.fa"), "-Ob", "-o", str(aligned), str(carried))
    unique = query_alleles(aligned, tmp / "aligned.tsv").drop_duplicates()
    return query_alleles(carried, tmp / "carried.tsv"), unique


def test_every_input_record_is_counted(genome_run):
    counts = steps(genome_run)
    assert counts["input records"] == RECORDS == genome_run["truth"]["records"]
    with pysam.VariantFile(str(genome_run["sim"] / "trio.vcf.gz")) as vcf:
        assert sum(1 for _ in vcf) == RECORDS
    # Each multi-allelic record holds two ALT alleles: splitting adds one record per multi-allelic record.
    assert counts["after splitting multi-allelics"] == RECORDS + genome_run["truth"]["multiallelic"]


def test_each_step_names_what_it_keeps_and_the_numbers_only_go_down(genome_run):
    funnel = genome_run["payload"]["funnel"]
    assert all(step["step"].strip() for step in funnel)
    counts = [step["variants"] for step in funnel]
    assert all(later <= earlier for earlier, later in zip(counts[1:], counts[2:], strict=False))
    assert counts[-1] == len(genome_run["payload"]["candidates"])


def test_carried_and_rare_counts_match_an_independent_count(genome_run):
    counts = steps(genome_run)
    carried, alleles = carried_alleles(genome_run)
    assert counts["alternate allele carried by a family member"] == len(carried)
    # A record that left-aligns onto another's allele is merged into it, and counted as such.
    deduplicated = next(step for step in counts if step.startswith("one record per allele"))
    assert counts[deduplicated] == len(alleles) == count_records(str(genome_run["work"] / "normalized.bcf"))
    assert len(alleles) < len(carried)  # the simulation's random sequence makes a few such pairs

    store = genome_run["tmp"] / "store.tsv"
    bcftools("query", "-f", "%CHROM\t%POS\t%REF\t%ALT\t%AF\t%AF_grpmax\n", "-o", str(store),
             str(genome_run["sim"] / "population.bcf"))  # fmt: skip
    frequencies = pd.read_csv(store, sep="\t", names=["chrom", "pos", "ref", "alt", "af", "grpmax"],
                              dtype={"chrom": str}, na_values=["."])  # fmt: skip
    joined = alleles.merge(frequencies, on=["chrom", "pos", "ref", "alt"], how="left")
    highest = joined[["af", "grpmax"]].max(axis=1)  # the filter reads both AF and the group maximum
    rare = int((highest.isna() | (highest <= MAX_AF)).sum())
    rare_step = next(step for step in counts if step.startswith("population AF <= 0.01"))
    assert counts[rare_step] == rare
    assert count_records(str(genome_run["work"] / "rare.bcf")) == rare
    assert count_records(str(genome_run["work"] / "consequence.bcf")) == rare  # annotation drops nothing


def test_the_planted_de_novo_is_found_among_a_million_records(genome_run):
    causal = genome_run["truth"]["causal"]
    first = genome_run["payload"]["candidates"][0]
    assert (first["chrom"], first["pos"], first["alt"]) == (causal["chrom"], causal["pos"], causal["alt"])
    assert first["consequence"] == "missense_variant" and first["inheritance"] == ["de_novo"]


def test_simulated_resources_are_recorded_with_their_checksums_and_the_report_names_them(genome_run):
    """The simulated resource folder is recorded as rarevar's built stores are, so each family's run names a
    multi-gigabyte resource by its recorded checksum instead of reading it again."""
    recorded = json.loads((genome_run["sim"] / "manifest.json").read_text())["files"]
    manifest = {entry["name"]: entry for entry in recorded}
    versions = genome_run["payload"]["versions"]["resources"]
    for resource in ("population", "reference", "genes"):
        name = versions[resource]["file"]
        path = genome_run["sim"] / name
        assert manifest[name]["size"] == path.stat().st_size
        assert versions[resource]["sha256"] == manifest[name]["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
