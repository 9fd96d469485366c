"""Whole-genome stages split by chromosome: which chromosomes each shard holds, and gathering the shards.

Only the stages that read every record of the genome (normalisation and the population-frequency prefilter) are
sharded. A shard holds whole chromosomes, so no indel, multi-allelic split or left-alignment crosses a shard's
edge, and gathering is a concatenation in shard order (`bcftools concat --naive` copies the compressed blocks).
Every later stage, compound heterozygotes included, reads the family's gathered rare variants, all genes at once.
"""

from __future__ import annotations

import json
from pathlib import Path

from rarevar.base.atomic import publish_indexed, temporary_name
from rarevar.base.bcftools import bcftools
from rarevar.base.funnel import listed, write_json_atomic
from rarevar.errors import InputError
from rarevar.inputs.vcfcheck import read_fai


def assign_contigs(lengths: dict[str, int], shards: int) -> list[list[str]]:
    """Chromosomes, in reference order, cut into at most `shards` runs whose longest is as short as it can be
    (the linear partition problem, by binary search on that length): shards concatenated in order are then in
    reference order, as an unsharded run's records are. Deterministic."""
    names = list(lengths)
    count = max(1, min(shards, len(names)))
    low, high = max(lengths.values(), default=0), sum(lengths.values())
    while low < high:  # the shortest longest-run that fits in `count` runs
        middle = (low + high) // 2
        if len(_runs(names, lengths, middle)) <= count:
            high = middle
        else:
            low = middle + 1
    return _runs(names, lengths, low) if names else [[]]


def _runs(names: list[str], lengths: dict[str, int], capacity: int) -> list[list[str]]:
    """Consecutive chromosomes packed greedily into runs of at most `capacity` bases."""
    runs: list[list[str]] = [[]]
    filled = 0
    for name in names:
        if runs[-1] and filled + lengths[name] > capacity:
            runs.append([])
            filled = 0
        runs[-1].append(name)
        filled += lengths[name]
    return runs


def shard_regions(reference: str | Path, shards: int) -> list[str]:
    """One comma-separated chromosome list per shard (the form `bcftools view -r/-t` takes)."""
    return [",".join(group) for group in assign_contigs(read_fai(Path(reference)), shards)]


def parse_shard(text: str) -> tuple[int, int]:
    """'I/N' (1-based) -> (I, N); ValueError unless 1 <= I <= N."""
    index, _, count = text.partition("/")
    if not (index.isdigit() and count.isdigit() and 1 <= int(index) <= int(count)):
        raise ValueError(f"'{text}' is not I/N with 1 <= I <= N (e.g. 2/4)")
    return int(index), int(count)


def regions_of_shard(reference: str | Path, shard: str) -> str:
    """`shard` as 'I/N' (1-based) -> that shard's chromosomes, comma-separated."""
    index, count = parse_shard(shard)
    regions = shard_regions(reference, count)
    if not 1 <= index <= len(regions):
        raise InputError(reference, f"has {len(regions)} shard(s) of whole chromosomes, not shard {shard}",
                         "Ask for one of its shards (`rarevar run` plans them from the `shards` setting)")
    return regions[index - 1]


def gather(bcfs: list[list[str]], funnels: list[list[str]]) -> None:
    """Each [out, shard 1, shard 2, ...] of `bcfs` concatenated, each of `funnels` summed."""
    for out, *parts in bcfs:
        concat_bcfs(parts, out)
    for out, *parts in funnels:
        gather_funnels(parts, out)


def concat_bcfs(parts: list[str], out: str) -> None:
    """Shards (one header, disjoint chromosomes, in reference order) -> one indexed BCF."""
    tmp = temporary_name(out)
    if len(parts) == 1:
        bcftools("view", "--no-version", "-Ob", "-o", tmp, "-W", parts[0])
    else:
        bcftools("concat", "--no-version", "--naive", "-Ob", "-o", tmp, *parts)
        bcftools("index", "-f", tmp)
    publish_indexed(tmp, out)


def gather_funnels(parts: list[str], out: str) -> None:
    """Per-shard funnel steps summed step by step; lists of set-aside alleles joined (up to each step's cap)."""
    shards = [json.loads(Path(part).read_text(encoding="utf-8")) for part in parts]
    steps = []
    for same_step in zip(*shards, strict=True):
        names = {step["step"] for step in same_step}
        if len(names) != 1:
            raise ValueError(f"shard funnels disagree on a step: {sorted(names)}")
        merged = dict(same_step[0])
        merged["variants"] = sum(step["variants"] for step in same_step)
        if "set_aside" in merged:
            merged["set_aside"] = listed([entry for step in same_step for entry in step["set_aside"]])
            merged["set_aside_total"] = sum(step["set_aside_total"] for step in same_step)
        steps.append(merged)
    write_json_atomic(out, steps)
