"""Whole-genome stages in shards of whole chromosomes: the shards' layout, the gathered funnel, and a sharded run
giving exactly the unsharded run's results (the Chinese demo run is sharded, the English one is not)."""

from __future__ import annotations

import json

import pysam

from rarevar.annotate.frequency import annotate_and_filter
from rarevar.base import genome
from rarevar.base.bcftools import bcftools, count_records
from rarevar.inputs.normalize import normalize
from rarevar.run.shards import assign_contigs, gather_funnels, shard_regions
from tests.conftest import DEMO, SHARDED_DEMO, rarevar


def test_shards_hold_whole_chromosomes_in_reference_order_and_about_equal_lengths():
    lengths = genome.CHROMOSOMES["GRCh38"]
    for count in (2, 3, 4, 8):
        shards = assign_contigs(lengths, count)
        assert len(shards) == count
        assert [name for shard in shards for name in shard] == list(lengths)  # concatenated: reference order
        totals = [sum(lengths[name] for name in shard) for shard in shards]
        # within one chromosome 1 (8% of the genome) of an even split
        assert max(totals) - min(totals) <= lengths["chr1"] * 1.1
    assert assign_contigs({"chrA": 5, "chrB": 7}, 6) == [["chrA"], ["chrB"]]  # never an empty shard
    assert assign_contigs(lengths, 1) == [list(lengths)]


def test_the_demo_reference_splits_into_the_configured_shards():
    regions = shard_regions(DEMO / "reference.fa", SHARDED_DEMO)
    assert len(regions) == SHARDED_DEMO
    assert ",".join(regions).split(",") == [line.split("\t")[0] for line in
                                             (DEMO / "reference.fa.fai").read_text().splitlines()]  # fmt: skip


def test_sharded_run_gives_the_unsharded_run_results(demo_run, demo_run_zh, truth):
    family = truth["family"]
    sharded, whole = demo_run_zh / family, demo_run / family
    assert sorted(p.name for p in (sharded / "work" / "shards").iterdir()) == [str(i) for i in range(1, 4)]
    assert not (whole / "work" / "shards").exists()
    for name in ("candidates.json", "candidates.tsv", "qc.json"):
        assert (sharded / name).read_bytes() == (whole / name).read_bytes(), name
    for name in ("candidates.vcf.gz", "work/normalized.bcf", "work/population.bcf", "work/rare.bcf"):
        with pysam.VariantFile(str(sharded / name)) as a, pysam.VariantFile(str(whole / name)) as b:
            assert [str(r) for r in a] == [str(r) for r in b], name
    funnel = json.loads((sharded / "candidates.json").read_text())["funnel"]
    assert funnel[0]["variants"] == count_records(str(DEMO / "trio.vcf.gz"))


def test_gathered_funnel_sums_each_step_and_joins_the_set_aside_lists(tmp_path):
    aside = {"chrom": "chr1", "pos": 5, "ref": "A", "alt": "*", "reason": "'*'"}
    parts = []
    for i, (kept, listed) in enumerate([(10, [aside]), (7, [])]):
        part = tmp_path / f"{i}.json"
        part.write_text(json.dumps([{"step": "input records", "variants": kept + len(listed)},
                                    {"step": "assessable", "variants": kept, "set_aside": listed,
                                     "set_aside_total": len(listed)}]))  # fmt: skip
        parts.append(str(part))
    gather_funnels(parts, str(tmp_path / "out.json"))
    steps = json.loads((tmp_path / "out.json").read_text())
    assert steps == [{"step": "input records", "variants": 18},
                     {"step": "assessable", "variants": 17, "set_aside": [aside], "set_aside_total": 1}]  # fmt: skip


def test_a_shard_without_records_gives_empty_outputs_and_zero_counts(tmp_path, truth):
    chr1_only = tmp_path / "chr1.vcf.gz"
    bcftools("view", "--no-version", "-r", "chr1", "-Oz", "-o", str(chr1_only), "-W=tbi", str(DEMO / "trio.vcf.gz"))
    with pysam.VariantFile(str(chr1_only)) as vcf:
        samples = list(vcf.header.samples)
    out, funnel = tmp_path / "normalized.bcf", tmp_path / "normalize.json"
    normalize(str(chr1_only), samples, str(DEMO / "reference.fa"), str(out), str(funnel), regions="chr3,chr5")
    assert count_records(str(out)) == 0
    assert {step["variants"] for step in json.loads(funnel.read_text())} == {0}
    rare = tmp_path / "rare.bcf"
    annotate_and_filter(str(out), str(DEMO / "population.vcf.gz"), 0.01, str(tmp_path / "population.bcf"),
                        str(rare), str(tmp_path / "frequency.json"))  # fmt: skip
    assert count_records(str(rare)) == 0


def test_a_shard_the_reference_does_not_have_gets_one_clear_error(tmp_path):
    common = ["normalize", "--vcf", str(DEMO / "trio.vcf.gz"), "--samples", "proband,mother,father",
              "--reference", str(DEMO / "reference.fa"), "--out", str(tmp_path / "n.bcf"),
              "--funnel", str(tmp_path / "n.json"), "--shard"]  # fmt: skip
    malformed = rarevar(*common, "3/2")
    assert malformed.returncode == 2 and "'3/2' is not I/N with 1 <= I <= N" in malformed.stderr
    beyond = rarevar(*common, "9/9")  # the demo's longest chromosome bounds its shards: at most 4
    assert beyond.returncode != 0 and "Traceback" not in beyond.stderr
    assert f"{DEMO / 'reference.fa'}: has 4 shard(s) of whole chromosomes, not shard 9/9" in beyond.stderr
    assert not list(tmp_path.iterdir()), "nothing written"
