"""Which records a sample carries together on one haplotype, and their joint consequence by `bcftools csq -p a`.

Consequences are computed per record (`csq -l`) by default, because csq would otherwise join every record of a
transcript into one haplotype: a frameshift from one parent would hide the other parent's missense (the compound
heterozygote). Joining is right only with evidence that the alleles are in cis in a sample:

* phased heterozygous genotypes in one phase set (FORMAT/PS; phased genotypes without PS share one set per
  chromosome, as the VCF specification says) with the alternate allele on the same side (`1|0` and `1|0`);
* homozygous alternate genotypes (`1/1`: on both haplotypes, so in cis with each other and with every phased allele);
* haploid alternate genotypes, taken as the first haplotype (as csq does).

Unphased heterozygous genotypes (`0/1`) are placed on no haplotype: their records keep the per-record consequence.
Every sample becomes one or more haplotype-pair columns of a sites-and-GT VCF run through `csq -p a`: one column
per group of phase sets that lie more than JOIN_WINDOW apart (no transcript is that long, so csq cannot join two
phase sets of one column). A record gets the joint consequences when some sample carries it on a haplotype with
another record within JOIN_WINDOW. Only records the per-record pass gave a consequence are read: a record outside
every transcript has no consequence to join and changes no other record's (csq's haplotypes are transcripts' coding
and UTR sequence), and a whole genome's other records would otherwise be read one by one.
"""

from __future__ import annotations

import os
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from itertools import pairwise

import pysam

from rarevar.base.bcftools import BcftoolsError, bcftools

JOIN_WINDOW = 5_000_000  # longer than any human transcript (the longest span about 2.5 Mb)
DEFAULT_SET = "."  # the phase set of phased genotypes without FORMAT/PS


@dataclass
class Placement:
    """One sample's alleles of one record on haplotypes: (phase set or None for every set, side 0/1, allele)."""

    sides: list[tuple[str | None, int, int]] = field(default_factory=list)
    unplaced: bool = False  # carries an alternate allele on an unknown haplotype


def place(sample) -> Placement:
    """Where a sample's genotype (pysam VariantRecordSample) puts its alternate alleles."""
    alleles = tuple(sample.get("GT") or ())
    placement = Placement()
    alts = [a for a in alleles if a]
    if not alts:
        return placement
    if len(alleles) == 1:
        placement.sides.append((None, 0, alleles[0]))  # haploid: the first haplotype of every phase set
    elif len(alleles) == 2 and alleles[0] == alleles[1]:
        placement.sides += [(None, 0, alleles[0]), (None, 1, alleles[1])]  # homozygous: both haplotypes
    elif len(alleles) == 2 and sample.phased:
        phase_set = sample.get("PS") if "PS" in sample else None
        phase_set = DEFAULT_SET if phase_set is None else str(phase_set)
        placement.sides += [(phase_set, side, a) for side, a in enumerate(alleles) if a]
    else:
        placement.unplaced = True  # unphased het, 1/2 without phase, polyploid
    return placement


@dataclass
class Carriers:
    """Alternate alleles by sample, chromosome, phase set and side, over the records of a VCF."""

    records: list[tuple[int, int]] = field(default_factory=list)  # (pos, stop) of every record
    sites: dict[int, str] = field(default_factory=dict)  # CHROM..ALT of the records some sample places
    own: dict[int, tuple] = field(default_factory=dict)  # (key, per-record BCSQ entries) of the placed records
    placed: dict = field(default_factory=lambda: defaultdict(list))  # (sample, chrom) -> [(index, placement)]
    unplaced: set[int] = field(default_factory=set)  # records some sample carries on an unknown haplotype


def read_carriers(vcf: str) -> Carriers:
    carriers = Carriers()
    with pysam.VariantFile(vcf) as handle:
        samples = list(handle.header.samples)
        for index, record in enumerate(handle):
            carriers.records.append((record.pos, record.stop))
            for name in samples:
                placement = place(record.samples[name])
                if placement.unplaced:
                    carriers.unplaced.add(index)
                if placement.sides:
                    carriers.placed[name, record.chrom].append((index, placement))
                    alts = ",".join(record.alts or (".",))
                    carriers.sites[index] = f"{record.chrom}\t{record.pos}\t.\t{record.ref}\t{alts}"
                    carriers.own[index] = (record_key(record), list(record.info.get("BCSQ") or ()))
    return carriers


def record_key(record) -> tuple:
    return record.chrom, record.pos, record.ref, record.alts


def phase_set_columns(entries: list[tuple[int, Placement]], records) -> dict[str, int]:
    """Column of each phase set of one sample on one chromosome: sets closer than JOIN_WINDOW never share one."""
    spans: dict[str, list[int]] = {}
    for index, placement in entries:
        for phase_set, _, _ in placement.sides:
            if phase_set is not None:
                pos, stop = records[index]
                span = spans.setdefault(phase_set, [pos, stop])
                span[0], span[1] = min(span[0], pos), max(span[1], stop)
    columns: dict[str, int] = {}
    ends: list[int] = []  # last end per column
    for phase_set, (start, end) in sorted(spans.items(), key=lambda item: item[1]):
        free = next((c for c, last in enumerate(ends) if start - last > JOIN_WINDOW), None)
        if free is None:
            ends.append(end)
            free = len(ends) - 1
        ends[free] = end
        columns[phase_set] = free
    return columns


def haplotype_columns(carriers: Carriers) -> tuple[list[dict[int, list[int]]], set[int]]:
    """Genotype columns (record -> [allele on side 0, side 1]) and the records that share a haplotype.

    Column k of a sample holds its k-th group of phase sets on every chromosome (chromosomes never join)."""
    by_sample: dict[tuple[str, int], dict[int, list[int]]] = defaultdict(dict)
    joined: set[int] = set()
    for (sample, _chrom), entries in carriers.placed.items():
        set_column = phase_set_columns(entries, carriers.records)
        own = [defaultdict(lambda: [0, 0]) for _ in range(max(set_column.values(), default=0) + 1)]
        for index, placement in entries:
            for phase_set, side, allele in placement.sides:
                for column in own if phase_set is None else [own[set_column[phase_set]]]:
                    column[index][side] = allele
        for k, column in enumerate(own):
            for side in (0, 1):
                on_side = sorted((carriers.records[i][0], i) for i, alleles in column.items() if alleles[side])
                for (pos, index), (next_pos, next_index) in pairwise(on_side):
                    if next_pos - pos <= JOIN_WINDOW:
                        joined.update((index, next_index))
            by_sample[sample, k].update(column)
    return list(by_sample.values()), joined


def joint_consequences(annotated: str, reference: str, genes: str) -> dict[tuple, list[str]]:
    """The BCSQ entries that change, by record key (CHROM, POS, REF, ALTs), once records carried in cis with another
    one get their joint consequence; `annotated` holds csq's per-record consequences. A record some sample carries
    unphased also keeps its per-record entries (true for that sample)."""
    with pysam.VariantFile(annotated) as handle:
        contigs = [line for line in str(handle.header).splitlines() if line.startswith("##contig")]
    with tempfile.TemporaryDirectory() as tmp:
        genic = os.path.join(tmp, "genic.bcf")
        bcftools("view", "--no-version", "-i", 'INFO/BCSQ!="."', "-Ob0", "-o", genic, "-W", annotated)
        carriers = read_carriers(genic)
        columns, joined = haplotype_columns(carriers)
        if not joined:
            return {}
        sites = os.path.join(tmp, "haplotypes.vcf")
        with open(sites, "w") as out:
            out.write("##fileformat=VCFv4.2\n" + "".join(f"{line}\n" for line in contigs))
            out.write('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n')
            names = "\t".join(f"H{c}" for c in range(len(columns)))
            out.write(f"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t{names}\n")
            for index in sorted(joined):
                gts = "\t".join("{}|{}".format(*column.get(index, (0, 0))) for column in columns)
                out.write(f"{carriers.sites[index]}\t.\t.\t.\tGT\t{gts}\n")
        joint_bcf = os.path.join(tmp, "joint.bcf")
        options = ["--no-version", "-f", reference, "-g", genes, "-p", "a", "--force"]
        bcftools("csq", *options, "-Ob", "-W", "-o", joint_bcf, sites)
        changed: dict[tuple, list[str]] = {}
        with pysam.VariantFile(joint_bcf) as handle:
            for index, record in zip(sorted(joined), handle, strict=True):
                if record.pos != carriers.records[index][0]:  # csq writes its input's records in their order
                    raise BcftoolsError(f"bcftools csq -p a reordered the records near {record.chrom}:{record.pos}")
                key, own = carriers.own[index]
                entries = list(record.info.get("BCSQ") or ())
                if set(entries) != set(own):  # the same entries keep -l's order
                    also_own = [e for e in own if e not in entries] if index in carriers.unplaced else []
                    changed[key] = entries + also_own
    return changed
