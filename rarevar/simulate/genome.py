"""A genome-scale simulated trio (millions of records) and its matching population-frequency store.

For benchmarks and scale tests: a trio VCF.gz over the real chromosomes of a build with the allele-frequency
mix of a sequenced genome (mostly common sites, a few percent rare or never observed), SNVs, indels, some
multi-allelic records, some no-calls, hemizygous chrX/chrY calls in males, Mendelian inheritance with a few
de novo variants and one planted causal de novo variant; and a store (BCF, rarevar's frequency-store format:
one allele per record, gnomAD v4 field names) holding the trio's observed alleles among many other sites,
most of them rare.

Everything is drawn with numpy per chromosome and formatted into text with pyarrow's vectorised string
kernels; memory stays at one chromosome's records. 5,000,000 trio records with a 20,000,000-site store took
310 s (peak 1.3 GB) on a busy 2-core machine, most of it compressing and converting the store to BCF.
The REF bases are random: the files match no reference sequence.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from pysam.libcbgzf import BGZFile

from rarevar.base import genome
from rarevar.base.atomic import temporary_name
from rarevar.base.bcftools import bcftools
from rarevar.base.funnel import write_json_atomic
from rarevar.errors import InputError
from rarevar.resources.download import record_built

FAMILY = "SIM1"
SAMPLES = ("proband", "mother", "father")
BASES = np.frombuffer(b"ACGT", dtype=np.uint8)
POPULATION_AN = 152_312  # alleles genotyped at a site in gnomAD v4.1 genomes (76,156 individuals)
ERROR = 0.01  # sequencing error rate of the simulated reads
MEAN_DEPTH = 32
# One planted causal de novo SNV per build, inside a real disease gene (FBN1, Marfan syndrome).
PLANTED = {"GRCh38": ("chr15", 48_500_000, "FBN1"), "GRCh37": ("15", 48_800_000, "FBN1")}
# chrY is drawn outside its pseudo-autosomal regions (inherited father to son only).
Y_RANGE = (2_800_000, 56_800_000)


@dataclass(frozen=True)
class Mix:
    """What a simulated genome holds. Fractions are of records, per record or per genotype."""

    rare: float = 0.04  # in the population store with AF < 1%
    novel: float = 0.02  # absent from the population store
    indel: float = 0.10
    multiallelic: float = 0.02
    missing: float = 0.01  # genotypes that are no-calls
    de_novo_rate: float = 2e-5  # de novo records per record (about 100 in a 5,000,000-record genome)


# --- contigs ---------------------------------------------------------------------------------------


def read_fai(path: str | Path) -> dict[str, int]:
    contigs = {}
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 2 or not fields[1].isdigit():
                raise InputError(path, f"line {number} is not 'name<TAB>length...'", "Give a samtools faidx .fai file")
            contigs[fields[0]] = int(fields[1])
    return contigs


def primary_contigs(contigs: dict[str, int]) -> dict[str, int]:
    """The chromosomes 1-22, X, Y and the mitochondrion of a reference (any naming), else every contig."""
    wanted = {str(i) for i in range(1, 23)} | {"X", "Y", "M", "MT"}
    primary = {name: length for name, length in contigs.items() if genome.strip_chr(name).upper() in wanted}
    return primary or dict(contigs)


def records_per_contig(contigs: dict[str, int], records: int) -> dict[str, int]:
    """Split `records` over the contigs by length (largest remainders), at least one per contig when possible."""
    lengths = np.array([usable_span(name, length)[1] - usable_span(name, length)[0] + 1
                        for name, length in contigs.items()], dtype=float)  # fmt: skip
    floor = 1 if records >= len(lengths) else 0
    share = lengths / lengths.sum() * (records - floor * len(lengths))
    counts = np.floor(share).astype(np.int64)
    leftover = records - floor * len(lengths) - counts.sum()
    counts[np.argsort(-(share - counts), kind="stable")[:leftover]] += 1
    return dict(zip(contigs, (int(c) + floor for c in counts), strict=True))


def usable_span(name: str, length: int) -> tuple[int, int]:
    if genome.is_y(np.array([name]))[0] and length > Y_RANGE[1]:
        return Y_RANGE
    return 1, length


# --- sites -----------------------------------------------------------------------------------------


def unique_positions(rng: np.random.Generator, n: int, start: int, end: int, exclude=None) -> np.ndarray:
    """`n` distinct sorted positions in [start, end], none in `exclude`."""
    span = end - start + 1
    if n > span - (0 if exclude is None else len(exclude)):
        raise InputError("simulation", f"{n} sites do not fit in a contig of {span} bases", "Ask for fewer records")
    pos = np.empty(0, dtype=np.int64)
    while len(pos) < n:
        draw = rng.integers(start, end + 1, size=int((n - len(pos)) * 1.05) + 16)
        pos = np.union1d(pos, draw)
        if exclude is not None:
            pos = np.setdiff1d(pos, exclude, assume_unique=True)
    if len(pos) > n:
        pos = np.sort(rng.choice(pos, size=n, replace=False))
    return pos


def random_bases(rng: np.random.Generator, lengths: np.ndarray) -> pa.Array:
    """One random ACGT string per entry of `lengths` (0 gives an empty string)."""
    width = max(int(lengths.max(initial=0)), 1)
    codes = BASES[rng.integers(0, 4, size=(len(lengths), width))]
    codes[np.arange(width)[None, :] >= lengths[:, None]] = 0  # NUL bytes end the fixed-width strings
    return pc.cast(pa.array(codes.view(f"S{width}").ravel()), pa.string())


@dataclass
class Sites:
    pos: np.ndarray
    ref: pa.Array
    alt: pa.Array  # "A" or "C,G" for a multi-allelic record
    alt_alleles: list[pa.Array]  # the first and (where multi-allelic, else null) second ALT allele
    n_alts: np.ndarray


def draw_sites(rng: np.random.Generator, pos: np.ndarray, mix: Mix, force_snv: np.ndarray | None = None) -> Sites:
    n = len(pos)
    kind = rng.random(n)
    if force_snv is not None:
        kind[force_snv] = 1.0
    multi = kind < mix.multiallelic
    indel = (kind >= mix.multiallelic) & (kind < mix.multiallelic + mix.indel)
    # A deletion's REF ends before the next record (positions are sorted), so one reference sequence can hold
    # every REF; a record right before another stays an insertion.
    gap = np.diff(pos, append=np.iinfo(np.int64).max)
    deletion = indel & (rng.random(n) < 0.5) & (gap > 1)
    insertion = indel & ~deletion
    size = np.minimum(rng.geometric(0.5, size=n), 10)
    size = np.where(deletion, np.minimum(size, gap - 1), size)
    ref_idx = rng.integers(0, 4, size=n)
    # SNV ALTs: a different base (shift 1-3); the second ALT of a multi-allelic record differs from both.
    shift1 = rng.integers(1, 4, size=n)
    shift2 = np.where(shift1 == 3, 1, shift1 + 1)
    anchor = pa.array(BASES[ref_idx].view("S1")).cast(pa.string())
    snv1 = pa.array(BASES[(ref_idx + shift1) % 4].view("S1")).cast(pa.string())
    snv2 = pa.array(BASES[(ref_idx + shift2) % 4].view("S1")).cast(pa.string())
    extra = random_bases(rng, np.where(indel, size, 0))
    joined = pc.binary_join_element_wise(anchor, extra, "")
    ref = pc.if_else(pa.array(deletion), joined, anchor)
    alt1 = pc.if_else(pa.array(insertion), joined, pc.if_else(pa.array(deletion), anchor, snv1))
    alt2 = pc.if_else(pa.array(multi), snv2, pa.nulls(n, pa.string()))
    alt = pc.if_else(pa.array(multi), pc.binary_join_element_wise(alt1, snv2, ","), alt1)
    return Sites(pos, ref, alt, [alt1, alt2], np.where(multi, 2, 1))


# --- population allele frequencies -----------------------------------------------------------------


def log_uniform(rng: np.random.Generator, low: float, high: float, n: int) -> np.ndarray:
    return np.exp(rng.uniform(math.log(low), math.log(high), size=n))


def trio_site_frequencies(rng: np.random.Generator, n: int, mix: Mix) -> tuple[np.ndarray, np.ndarray]:
    """Population AF of the sites a genome carries (mostly common), and which are in the store at all."""
    u = rng.random(n)
    rare = u < mix.rare
    novel = (u >= mix.rare) & (u < mix.rare + mix.novel)
    af = rng.uniform(0.01, 0.99, size=n)
    af[rare] = log_uniform(rng, 1 / POPULATION_AN, 0.01, int(rare.sum()))
    af[novel] = 1e-6
    return af, ~novel


def store_site_frequencies(rng: np.random.Generator, n: int) -> np.ndarray:
    """AF of population sites at large: most are rare (about two in three below 0.1%)."""
    return 10 ** (math.log10(1 / POPULATION_AN) * np.sqrt(rng.random(n)))


# --- genotypes -------------------------------------------------------------------------------------


AUTOSOMAL, X_LINKED, Y_LINKED, MITOCHONDRIAL = 0, 1, 2, 3
# Which of the four parental haplotypes (mother 0/1, father 0/1) exist, per region.
HAPLOTYPES = np.array([[1, 1, 1, 1], [1, 1, 1, 0], [0, 0, 1, 0], [1, 0, 1, 0]], dtype=bool)


@dataclass
class Calls:
    """Per sample and record: sorted alleles (second is -1 for a haploid call) and the no-call mask."""

    first: np.ndarray
    second: np.ndarray
    missing: np.ndarray

    @property
    def haploid(self) -> np.ndarray:
        return self.second < 0


def _calls(a: np.ndarray, b: np.ndarray, missing: np.ndarray) -> Calls:
    haploid = b < 0
    first = np.where(haploid, a, np.minimum(a, b)).astype(np.int8)
    second = np.where(haploid, -1, np.maximum(a, b)).astype(np.int8)
    return Calls(first, second, missing)


def parental_haplotypes(rng, af: np.ndarray, n_alts: np.ndarray, region: np.ndarray, de_novo: np.ndarray):
    """(records, 4) alleles of the parents' haplotypes, from the population AF (split evenly over ALTs).

    Every record carries an ALT in a parent (both ALTs for a multi-allelic record), except de novo records,
    where the parents are hom-ref: where the draw gave none, a random existing haplotype is made ALT.
    """
    n = len(af)
    multi = n_alts == 2
    u = rng.random((n, 4))
    per_alt = np.where(multi, af / 2, af)[:, None]
    haps = np.where(u < per_alt, 1, np.where(multi[:, None] & (u < 2 * per_alt), 2, 0)).astype(np.int8)
    exists = HAPLOTYPES[region]
    haps[~exists] = 0
    keys = np.where(exists, rng.random((n, 4)), 2.0)  # missing haplotypes sort last
    order = np.argsort(keys, axis=1)
    rows = np.arange(n)
    no_alt = (haps == 0).all(axis=1)
    haps[rows[no_alt | multi], order[no_alt | multi, 0]] = 1
    two = multi & (exists.sum(axis=1) >= 2)
    haps[rows[two], order[two, 1]] = 2
    haps[de_novo] = 0
    return haps


def draw_trio(rng, af, n_alts, region, proband_male: bool, de_novo, missing_rate: float) -> dict[str, Calls]:
    """Genotypes of the trio: the proband's by transmission, one random haplotype from each parent;
    on chrX a son gets his mother's X only, on chrY a son his father's Y, the mitochondrion comes from the
    mother. De novo records: the proband is het, the parents hom-ref."""
    n = len(af)
    haps = parental_haplotypes(rng, af, n_alts, region, de_novo)
    rows = np.arange(n)
    from_mother = haps[rows, rng.integers(0, 2, size=n)]
    from_father = haps[rows, 2 + rng.integers(0, 2, size=n)]
    none = np.full(n, -1, dtype=np.int8)
    x, y, mt = region == X_LINKED, region == Y_LINKED, region == MITOCHONDRIAL
    if proband_male:
        kid_a = np.where(y, haps[:, 2], np.where(mt, haps[:, 0], from_mother))
        kid_b = np.where(x | y | mt, none, from_father)
    else:
        kid_a = np.where(mt, haps[:, 0], from_mother)
        kid_b = np.where(mt, none, np.where(x, haps[:, 2], from_father))
    kid_a = np.where(de_novo, 1, kid_a)
    no_call = [(rng.random(n) < missing_rate) & ~de_novo for _ in SAMPLES]
    return {
        "proband": _calls(kid_a, kid_b, no_call[0] | (y & (not proband_male))),
        "mother": _calls(haps[:, 0], np.where(mt | y, none, haps[:, 1]), no_call[1] | y),
        "father": _calls(haps[:, 2], np.where(x | y | mt, none, haps[:, 3]), no_call[2]),
    }


# --- reads, likelihoods and FORMAT text ------------------------------------------------------------

# Diploid genotypes in VCF order (j/k at index k*(k+1)/2 + j); a haploid allele a uses the column of a/a.
DIPLOID = ((0, 0), (0, 1), (1, 1), (0, 2), (1, 2), (2, 2))
HAPLOID_COLUMN = (0, 2, 5)


def allele_depths(rng, calls: Calls, n_alleles: np.ndarray) -> np.ndarray:
    """(records, 3) read counts per allele: reads split evenly over a diploid call, a few errors."""
    n = len(n_alleles)
    depth = np.maximum(rng.poisson(MEAN_DEPTH, size=n), 1)
    on_first = np.where(calls.haploid, depth, rng.binomial(depth, 0.5))
    first, second = calls.first.astype(np.intp), np.maximum(calls.second, 0).astype(np.intp)
    ad = np.zeros((n, 3), dtype=np.int64)
    rows = np.arange(n)
    np.add.at(ad, (rows, first), on_first)
    np.add.at(ad, (rows, second), depth - on_first)
    errors = rng.binomial(ad[rows, first], ERROR)
    ad[rows, first] -= errors
    ad[rows, np.where(first == 0, 1, 0)] += errors
    return ad


def likelihoods(ad: np.ndarray, n_alleles: np.ndarray, haploid: np.ndarray) -> np.ndarray:
    """(records, 6) phred-scaled genotype likelihoods in VCF order; columns past the genotype count unused."""
    wrong = (ERROR / (n_alleles - 1))[:, None]
    log_l = np.empty((len(ad), 6))
    for column, (j, k) in enumerate(DIPLOID):
        read = np.arange(3)[None, :]
        p = ((read == j) * (1 - ERROR) + (read != j) * wrong + (read == k) * (1 - ERROR) + (read != k) * wrong) / 2
        log_l[:, column] = (ad * np.log(p)).sum(axis=1)
    possible = np.zeros((len(ad), 6), dtype=bool)
    possible[:, :3] = ~haploid[:, None]
    possible[:, 3:] = (~haploid & (n_alleles == 3))[:, None]
    possible[:, list(HAPLOID_COLUMN[:2])] |= haploid[:, None]
    possible[:, HAPLOID_COLUMN[2]] |= haploid & (n_alleles == 3)
    log_l = np.where(possible, log_l, -np.inf)
    pl = np.rint(-10 / math.log(10) * (log_l - log_l.max(axis=1, keepdims=True)))
    return np.where(possible, np.minimum(pl, 9999), -1).astype(np.int64)


def _text(values: np.ndarray) -> pa.Array:
    return pc.cast(pa.array(values), pa.string())


def _join(parts, separator: str) -> pa.Array:
    return pc.binary_join_element_wise(*parts, separator)


def sample_column(rng, calls: Calls, n_alts: np.ndarray) -> pa.Array:
    """GT:AD:DP:GQ:PL text of one sample for every record."""
    n_alleles = n_alts + 1
    ad = allele_depths(rng, calls, n_alleles)
    pl = likelihoods(ad, n_alleles, calls.haploid)
    called = np.where(calls.haploid, np.take(HAPLOID_COLUMN, calls.first),
                      calls.second * (calls.second + 1) // 2 + calls.first)  # fmt: skip
    rows = np.arange(len(n_alts))
    others = np.where(pl >= 0, pl - pl[rows, called][:, None], 10**6)
    others[rows, called] = 10**6
    gq = np.clip(others.min(axis=1), 0, 99)

    multi = pa.array(n_alts == 2)
    first, second = _text(calls.first), _text(calls.second)
    gt = pc.if_else(pa.array(calls.haploid), first, _join([first, second], "/"))
    ad_text = [_text(ad[:, i]) for i in range(3)]
    ad_field = pc.if_else(multi, _join(ad_text, ","), _join(ad_text[:2], ","))
    pl_text = [_text(pl[:, i]) for i in range(6)]
    pl_haploid = pc.if_else(multi, _join([pl_text[c] for c in HAPLOID_COLUMN], ","),
                            _join([pl_text[c] for c in HAPLOID_COLUMN[:2]], ","))  # fmt: skip
    pl_diploid = pc.if_else(multi, _join(pl_text, ","), _join(pl_text[:3], ","))
    pl_field = pc.if_else(pa.array(calls.haploid), pl_haploid, pl_diploid)
    depth = _text(ad.sum(axis=1))
    full = _join([gt, ad_field, depth, _text(gq), pl_field], ":")
    no_call = pc.if_else(pa.array(calls.haploid), pa.scalar(".:.:.:.:."), pa.scalar("./.:.:.:.:."))
    return pc.if_else(pa.array(calls.missing), no_call, full)


def text_lines(columns: list, separator: str = "\t") -> bytes:
    """The columns joined into newline-terminated lines, as one bytes block ready to compress."""
    lines = pc.binary_join_element_wise(_join(columns, separator), pa.scalar("\n"), "")
    offsets = np.frombuffer(lines.buffers()[1], dtype=np.int32)[lines.offset : lines.offset + len(lines) + 1]
    return lines.buffers()[2].to_pybytes()[offsets[0] : offsets[-1]]


# --- one contig ------------------------------------------------------------------------------------


@dataclass
class ContigPlan:
    name: str
    length: int
    records: int
    planted: int | None  # position of the planted causal SNV on this contig


def regions(chrom: str, pos: np.ndarray, build: str) -> np.ndarray:
    names = np.array([chrom])
    if genome.is_mito(names)[0]:
        return np.full(len(pos), MITOCHONDRIAL)
    if genome.is_y(names)[0]:
        return np.full(len(pos), Y_LINKED)
    if genome.is_x(names)[0]:
        par = genome.in_par(np.full(len(pos), chrom), pos, build) if build in genome.PAR_X else False
        return np.where(par, AUTOSOMAL, X_LINKED)
    return np.full(len(pos), AUTOSOMAL)


def draw_contig(rng, plan: ContigPlan, build: str, proband_male: bool, mix: Mix):
    """Trio lines of one contig, its store alleles (pos, ref, alt, af) and its truth facts."""
    start, end = usable_span(plan.name, plan.length)
    if plan.planted is None:
        pos = unique_positions(rng, plan.records, start, end)
        planted = np.zeros(len(pos), dtype=bool)
    else:
        pos = unique_positions(rng, plan.records - 1, start, end, exclude=np.array([plan.planted]))
        pos = np.sort(np.append(pos, plan.planted))
        planted = pos == plan.planted
    n = len(pos)
    region = regions(plan.name, pos, build)
    sites = draw_sites(rng, pos, mix, force_snv=planted)
    af, observed = trio_site_frequencies(rng, n, mix)
    de_novo = ((rng.random(n) < mix.de_novo_rate) & (region == AUTOSOMAL) & (sites.n_alts == 1)) | planted
    observed &= ~de_novo
    calls = draw_trio(rng, af, sites.n_alts, region, proband_male, de_novo, mix.missing)

    chrom = pa.scalar(plan.name)
    columns = [chrom, _text(pos), ".", sites.ref, sites.alt, ".", "PASS", ".", "GT:AD:DP:GQ:PL"]
    columns += [sample_column(rng, calls[s], sites.n_alts) for s in SAMPLES]
    lines = text_lines([pa.scalar(c) if isinstance(c, str) else c for c in columns])

    # The store holds each observed ALT allele as its own record (multi-allelic sites split).
    multi = sites.n_alts == 2
    per_alt = np.where(multi, af / 2, af)
    first, second = np.flatnonzero(observed), np.flatnonzero(observed & multi)
    store = {
        "pos": np.concatenate([pos[first], pos[second]]),
        "rank": np.concatenate([np.zeros(len(first), np.int8), np.ones(len(second), np.int8)]),
        "ref": pa.concat_arrays([sites.ref.take(first), sites.ref.take(second)]),
        "alt": pa.concat_arrays([sites.alt_alleles[0].take(first), sites.alt_alleles[1].take(second)]),
        "af": np.concatenate([per_alt[first], per_alt[second]]),
        "trio_pos": pos,
    }
    alts = sites.alt_alleles[0]
    facts = {
        "de_novo": [
            {"chrom": plan.name, "pos": int(pos[i]), "ref": sites.ref[i].as_py(), "alt": alts[i].as_py()}
            for i in np.flatnonzero(de_novo)
        ],  # fmt: skip
        "multiallelic": int(multi.sum()),
        "indels": int(pc.sum(pc.not_equal(pc.utf8_length(sites.ref), pc.utf8_length(alts))).as_py() or 0),
        "missing_genotypes": int(sum(c.missing.sum() for c in calls.values())),
        "in_population": int(observed.sum()),
    }
    return lines, store, facts


# --- the population store ----------------------------------------------------------------------------

STORE_FIELDS = ("AF", "AC", "AN", "nhomalt", "AF_grpmax", "AF_eas")


def store_header(contigs: dict[str, int], build: str) -> str:
    from rarevar.resources.frequency_store import HEADER

    lines = ["##fileformat=VCFv4.2", "##rarevar_frequency_source=simulated (rarevar simulate --genome-scale)",
             f"##reference={build}"]  # fmt: skip
    lines += [f"##contig=<ID={name},length={length}>" for name, length in contigs.items()]
    for name in STORE_FIELDS:
        number, kind, description = HEADER[name]
        lines.append(f'##INFO=<ID={name},Number={number},Type={kind},Description="{description}">')
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    return "\n".join(lines) + "\n"


def store_lines(rng, chrom: str, store: dict, extra_pos: np.ndarray) -> bytes:
    """Store records of one contig: the trio's observed alleles plus `extra_pos` other (mostly rare) sites."""
    extra = draw_sites(rng, extra_pos, Mix(multiallelic=0.0))
    pos = np.concatenate([store["pos"], extra_pos])
    rank = np.concatenate([store["rank"], np.zeros(len(extra_pos), np.int8)])
    order = np.lexsort((rank, pos))
    ref = pa.concat_arrays([store["ref"], extra.ref]).take(order)
    alt = pa.concat_arrays([store["alt"], extra.alt]).take(order)
    target = np.concatenate([store["af"], store_site_frequencies(rng, len(extra_pos))])[order]
    n = len(pos)
    an = POPULATION_AN - 2 * rng.integers(0, 2_000, size=n)
    ac = np.clip(np.rint(target * an), 1, an).astype(np.int64)
    af = (ac / an).astype(np.float32)
    nhomalt = np.rint(an / 2 * af.astype(float) ** 2).astype(np.int64)
    grpmax = np.minimum(af * np.exp(np.abs(rng.normal(0, 0.7, size=n))), 1).astype(np.float32)
    eas = np.minimum(af * rng.lognormal(0, 1, size=n), 1).astype(np.float32)
    info = _join(["AF=", _text(af), ";AC=", _text(ac), ";AN=", _text(an), ";nhomalt=", _text(nhomalt),
                  ";AF_grpmax=", _text(grpmax), ";AF_eas=", _text(eas)], "")  # fmt: skip
    columns = [pa.scalar(chrom), _text(pos[order]), pa.scalar("."), ref, alt, pa.scalar("."), pa.scalar("PASS"), info]
    return text_lines(columns)


def empty_store() -> dict:
    strings = pa.array([], pa.string())
    return {"pos": np.empty(0, np.int64), "rank": np.empty(0, np.int8), "ref": strings, "alt": strings,
            "af": np.empty(0), "trio_pos": np.empty(0, np.int64)}  # fmt: skip


# --- the whole genome ------------------------------------------------------------------------------


def trio_header(contigs: dict[str, int], build: str) -> str:
    lines = [
        "##fileformat=VCFv4.2",
        '##FILTER=<ID=PASS,Description="All filters passed">',
        f"##reference={build}",
        "##source=rarevar simulate --genome-scale",
        *(f"##contig=<ID={name},length={length}>" for name, length in contigs.items()),
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
        '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled genotype likelihoods">',
        "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *SAMPLES]),
    ]
    return "\n".join(lines) + "\n"


def write_ped(path: Path, proband_male: bool) -> None:
    path.write_text(
        f"{FAMILY}\tproband\tfather\tmother\t{1 if proband_male else 2}\t2\n"
        f"{FAMILY}\tmother\t0\t0\t2\t1\n"
        f"{FAMILY}\tfather\t0\t0\t1\t1\n",
        encoding="utf-8",
    )


def plan_contigs(contigs: dict[str, int], records: int, build: str) -> tuple[list[ContigPlan], dict | None]:
    counts = records_per_contig(contigs, records)
    chrom, pos, gene = PLANTED.get(build, (None, None, None))
    if chrom not in contigs or counts.get(chrom, 0) == 0 or contigs[chrom] < pos:
        # Another naming or shorter contigs (a given .fai): plant in the middle of the largest autosome with records.
        autosomes = [c for c in contigs if counts[c] and not regions(c, np.array([1]), build)[0]]
        if not autosomes:
            return [ContigPlan(c, contigs[c], counts[c], None) for c in contigs], None
        chrom = max(autosomes, key=lambda c: contigs[c])
        pos, gene = contigs[chrom] // 2, None
    plans = [ContigPlan(c, contigs[c], counts[c], pos if c == chrom else None) for c in contigs]
    return plans, {"chrom": chrom, "pos": int(pos), "gene": gene}


def simulate_genome(out: str | Path, records: int, build: str = "GRCh38", seed: int = 1,
                    population_sites: int | None = None, fai: str | None = None, proband_sex: str = "male",
                    mix: Mix = Mix(), reference: bool = False) -> dict:  # fmt: skip
    """Write trio.vcf.gz (+ .tbi), trio.ped, population.bcf (+ .csi) and truth.json into `out`; return the truth.
    With `reference`, also reference.fa (+ .fai) holding every REF and genes.gff3.gz with the planted gene
    (rarevar.simulate.reference), so the whole workflow can run on the simulated genome.

    `population_sites` is the number of store records (alleles); by default four per trio record.
    """
    if build not in genome.CHROMOSOMES and not fai:
        raise InputError("--build", f"no chromosome table for '{build}'", "Use GRCh38 or GRCh37, or give --fai")
    if records < 1:
        raise InputError("--records", "must be at least 1", "Ask for a positive number of records")
    all_contigs = read_fai(fai) if fai else dict(genome.CHROMOSOMES[build])
    contigs = primary_contigs(all_contigs)
    population_sites = 4 * records if population_sites is None else population_sites
    proband_male = proband_sex == "male"
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    plans, planted = plan_contigs(contigs, records, build)
    store_share = records_per_contig(contigs, max(population_sites, 0))

    # The store is written as plain text: bcftools turns it into BCF right after (compressing it twice would
    # double the time). The trio is compressed at level 1: most of the run is compression.
    trio_tmp, store_tmp = Path(temporary_name(out / "trio.vcf.gz")), Path(temporary_name(out / "population.vcf"))
    facts = {"de_novo": [], "multiallelic": 0, "indels": 0, "missing_genotypes": 0, "in_population": 0}
    written = wanted = 0
    with BGZFile(str(trio_tmp), "wb1") as trio, open(store_tmp, "wb") as store:
        # A scaled or renamed genome (a given .fai) is not the build itself: its headers name the .fai instead, so
        # that the checks before a run do not take it for GRCh38.
        named = build if all_contigs == genome.CHROMOSOMES.get(build) else Path(fai).name
        trio.write(trio_header(all_contigs, named).encode())
        store.write(store_header(all_contigs, named).encode())
        for index, plan in enumerate(plans):
            rng = np.random.default_rng([seed, index])
            if plan.records:
                lines, observed, contig_facts = draw_contig(rng, plan, build, proband_male, mix)
                trio.write(lines)
                for key, value in contig_facts.items():
                    facts[key] += value
            else:
                observed = empty_store()
            wanted += store_share[plan.name]
            last = index == len(plans) - 1
            n_extra = max(0, (population_sites if last else wanted) - written - len(observed["pos"]))
            start, end = usable_span(plan.name, plan.length)
            # Other sites never share a position with a trio record, so a novel trio allele stays novel.
            extra = unique_positions(rng, n_extra, start, end, exclude=observed["trio_pos"])
            if len(observed["pos"]) + len(extra):
                store.write(store_lines(rng, plan.name, observed, extra))
            written += len(observed["pos"]) + len(extra)

    trio_path, store_path = out / "trio.vcf.gz", out / "population.bcf"
    bcftools("index", "-f", "-t", str(trio_tmp))
    os.replace(f"{trio_tmp}.tbi", f"{trio_path}.tbi")
    os.replace(trio_tmp, trio_path)
    bcf_tmp = Path(temporary_name(store_path))
    try:
        bcftools("view", "--no-version", "--threads", "2", "-Ob", "-o", str(bcf_tmp), "-W", str(store_tmp))
    finally:
        store_tmp.unlink(missing_ok=True)
    os.replace(f"{bcf_tmp}.csi", f"{store_path}.csi")
    os.replace(bcf_tmp, store_path)
    write_ped(out / "trio.ped", proband_male)

    causal = next((d for d in facts["de_novo"] if planted and (d["chrom"], d["pos"]) == (planted["chrom"],
                   planted["pos"])), None)  # fmt: skip
    truth = {
        "family": FAMILY,
        "build": build,
        "seed": seed,
        "records": records,
        "population_sites": written,
        "samples": {"proband": "affected " + proband_sex, "mother": "unaffected female", "father": "unaffected male"},
        "causal": None if causal is None else {**causal, "gene": planted["gene"], "mode": "de_novo"},
        **facts,
        "mix": mix.__dict__,
    }
    if reference:
        from rarevar.simulate.reference import write_reference

        written_reference = write_reference(out, str(trio_path), contigs, truth["causal"], seed)
        truth["reference"] = {**written_reference, "contigs": list(contigs)}
    # Recorded as rarevar's own resources are: a run then names them by checksum without reading them again.
    for resource in ("population.bcf", "reference.fa", "genes.gff3.gz"):
        if (out / resource).is_file():
            record_built(out / resource, generator="rarevar simulate --genome-scale", seed=seed)
    write_json_atomic(out / "truth.json", truth)
    return truth
