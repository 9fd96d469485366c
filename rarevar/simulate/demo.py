"""The bundled demo: a miniature genome of real gene regions and a simulated trio with one planted cause.

`build_demo(out_dir, source_data, seed)` (the CLI's `rarevar simulate`) assembles ten real gene regions
(sequence + gene models from the bcftools csq test suite and the GA4GH compliance BRCA1 set) into a small
genome, simulates a gnomAD-style population sites file and a trio VCF on it, plants a de novo TNNT2
missense and three decoys, checks their consequences with bcftools csq, and writes truth.json,
manifest.json and README.md. Same seed + same sources -> byte-identical files (no dates, no paths).
"""

from __future__ import annotations

import hashlib
import json
import math
import random
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pysam
import pysam.version

from rarevar.simulate.scores import write_demo_cadd

FAMILY = "DEMO1"
SAMPLES = ("proband", "mother", "father")
HPO_TERMS = {
    "HP:0001639": "Hypertrophic cardiomyopathy",
    "HP:0001645": "Sudden cardiac death",
    "HP:0004308": "Ventricular arrhythmia",
    "HP:0001712": "Left ventricular hypertrophy",
}
SPACER = 500  # N bases between regions of one contig
FASTA_WIDTH = 60

BCFTOOLS = {
    "repository": "https://github.com/samtools/bcftools",
    "commit": "de0606d1fc0671c18c2d71dda4c13c3bf2a49c74",
    "license": "MIT/Expat (or GPL); bcftools test data",
}
GA4GH = {
    "repository": "https://github.com/ga4gh/compliance",
    "commit": "26a7643975ad5e7e307f4538bbdc53ab17132361",
    "license": "Apache-2.0 (repository LICENSE; the test-data README leaves the data license as TODO)",
}
BRCA1_VARIANTS = "ga4gh-compliance/brca1_1kgPhase3_variants.vcf"


@dataclass(frozen=True)
class RegionSpec:
    gene: str
    transcript: str
    contig: str
    build: str  # build of the original coordinates, for the manifest
    source: str = "bcftools-csq"

    @property
    def fasta(self) -> str:
        if self.source == "ga4gh-compliance":
            return "ga4gh-compliance/ref_brca1.fa"
        return f"bcftools-csq/{self.transcript}/{self.transcript}.fa"

    @property
    def gff(self) -> str:
        if self.source == "ga4gh-compliance":
            return "ga4gh-compliance/brca1_gencodev19.gff3"
        return f"bcftools-csq/{self.transcript}/{self.transcript}.gff"


INFERRED = "GRCh37 (inferred from the gene coordinates)"
REGIONS = (
    RegionSpec("SAMD11", "ENST00000341065", "chr1", "GRCh37"),
    RegionSpec("C1orf52", "ENST00000294661", "chr1", INFERRED),
    RegionSpec("TNNT2", "ENST00000360372", "chr1", "GRCh38"),
    RegionSpec("XPC", "ENST00000285021", "chr3", "GRCh38"),
    RegionSpec("MRPL36", "ENST00000382647", "chr5", INFERRED),
    RegionSpec("UNC93B1", "ENST00000227471", "chr11", "GRCh37"),
    RegionSpec("BRCA1", "ENST00000357654", "chr17", "GRCh37", source="ga4gh-compliance"),
    RegionSpec("PEX26", "ENST00000428061", "chr22", "GRCh38"),
    RegionSpec("TLR8", "ENST00000218032", "chrX", "GRCh37"),
    RegionSpec("NUDT11", "ENST00000375992", "chrX", INFERRED),
)


# ---------------------------------------------------------------------------------------------------------
# Miniature genome


@dataclass
class Region:
    spec: RegionSpec
    seq: str
    original: str  # true region of the sequence, e.g. "chr1:201358989-201373274"
    offset: int = 0  # demo position = offset + position local to the region FASTA

    @property
    def start(self) -> int:
        return self.offset + 1

    @property
    def end(self) -> int:
        return self.offset + len(self.seq)


@dataclass
class Genome:
    contigs: dict[str, str]  # name -> sequence, in natural order
    regions: list[Region]

    def fetch(self, contig: str, pos: int, length: int = 1) -> str:
        return self.contigs[contig][pos - 1 : pos - 1 + length]


def natural_key(name: str) -> tuple:
    """chr1 < chr2 < chr10 < chrX: numbers numerically, then names."""
    core = name[3:] if name.lower().startswith("chr") else name
    return (0, int(core), "") if core.isdigit() else (1, 0, core)


def read_region(source_data: Path, spec: RegionSpec) -> Region:
    header, chunks = "", []
    for line in (source_data / spec.fasta).read_text().splitlines():
        if line.startswith(">"):
            header = line[1:]
        else:
            chunks.append(line.strip().upper())
    seq = "".join(chunks)
    # bcftools: ">chr1\tchr1:201358989-201373274"; GA4GH: "... chromosome:GRCh37:17:41196312:41277500"
    match = re.search(r"(\w+):(\d+)-\d+\s*$", header) or re.search(r":(\w+):(\d+):\d+\s*$", header)
    if not match:
        raise ValueError(f"{spec.fasta}: no region in the FASTA header {header!r}")
    chrom = match.group(1) if match.group(1).startswith("chr") else f"chr{match.group(1)}"
    start = int(match.group(2))
    # The end is recomputed from the sequence: ref_brca1.fa holds one base less than its header says.
    return Region(spec, seq, f"{chrom}:{start}-{start + len(seq) - 1}")


def assemble(regions: list[Region]) -> Genome:
    """Regions of one chromosome, in original order, joined by N spacers into one contig."""
    contigs: dict[str, str] = {}
    for name in sorted({r.spec.contig for r in regions}, key=natural_key):
        parts: list[str] = []
        for region in sorted((r for r in regions if r.spec.contig == name), key=_original_start):
            if parts:
                parts.append("N" * SPACER)
            region.offset = sum(len(p) for p in parts)
            parts.append(region.seq)
        contigs[name] = "".join(parts)
    ordered = sorted(regions, key=lambda r: (natural_key(r.spec.contig), r.offset))
    return Genome(contigs, ordered)


def _original_start(region: Region) -> int:
    return int(region.original.split(":")[1].split("-")[0])


def write_fasta(genome: Genome, path: Path) -> None:
    with open(path, "w") as out:
        for name, seq in genome.contigs.items():
            out.write(f">{name}\n")
            for i in range(0, len(seq), FASTA_WIDTH):
                out.write(seq[i : i + FASTA_WIDTH] + "\n")
    pysam.faidx(str(path))


# ---------------------------------------------------------------------------------------------------------
# Gene models


@dataclass
class Feature:
    contig: str
    source: str
    type: str
    start: int
    end: int
    strand: str
    phase: str
    attrs: dict[str, str]

    def line(self) -> str:
        attrs = ";".join(f"{k}={v}" for k, v in self.attrs.items())
        cols = [
            self.contig,
            self.source,
            self.type,
            self.start,
            self.end,
            ".",
            self.strand,
            self.phase,
            attrs,
        ]
        return "\t".join(map(str, cols))


TYPE_RANK = {"gene": 0, "exon": 2, "CDS": 3, "five_prime_UTR": 4, "three_prime_UTR": 4}


def read_gff(path: Path) -> list[Feature]:
    return parse_gff(path.read_text())


def parse_gff(text: str) -> list[Feature]:
    features = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        # Some bcftools test GFFs carry tabs inside attribute values (description=troponin<TAB>T2...).
        attrs = dict(kv.split("=", 1) for kv in " ".join(cols[8:]).split(";") if "=" in kv)
        features.append(Feature(cols[0], cols[1], cols[2], int(cols[3]), int(cols[4]), cols[6], cols[7], attrs))
    return features


def _unversioned(identifier: str) -> tuple[str, str]:
    stem, _, version = identifier.partition(".")
    return stem, version


def ensembl_style(features: list[Feature]) -> list[Feature]:
    """GENCODE GFF3 -> the Ensembl dialect bcftools csq reads: ID=gene:/transcript:, Parent=, biotype=."""
    cds = _coding_segments(features)
    out = []
    for f in features:
        a = f.attrs
        tx = _unversioned(a.get("transcript_id", ""))[0]
        if f.type == "gene":
            gene, version = _unversioned(a["gene_id"])
            attrs = {"ID": f"gene:{gene}", "Name": a["gene_name"], "biotype": a["gene_type"], "gene_id": gene}
            out.append(_with(f, "gene", attrs | {"version": version}))
        elif f.type == "transcript":
            gene = _unversioned(a["gene_id"])[0]
            kind = "mRNA" if a["transcript_type"] == "protein_coding" else "transcript"
            attrs = {"ID": f"transcript:{tx}", "Parent": f"gene:{gene}", "Name": a["transcript_name"]}
            attrs |= {"biotype": a["transcript_type"], "transcript_id": tx}
            attrs |= {"tag": a["tag"]} if "tag" in a else {}
            out.append(_with(f, kind, attrs | {"version": _unversioned(a["transcript_id"])[1]}))
        elif f.type == "exon":
            exon = _unversioned(a["exon_id"])[0]
            attrs = {"Parent": f"transcript:{tx}", "Name": exon, "exon_id": exon, "rank": a["exon_number"]}
            out.append(_with(f, "exon", attrs))
        elif f.type == "UTR" and tx in cds:
            utr = _outside_cds(_with(f, _utr_type(f, cds[tx]), {"Parent": f"transcript:{tx}"}), cds[tx])
            out.extend([utr] if utr else [])
    for segments in cds.values():
        out.extend(segments)
    return out


def _with(f: Feature, kind: str, attrs: dict[str, str]) -> Feature:
    return Feature(f.contig, f.source, kind, f.start, f.end, f.strand, f.phase, attrs)


def _coding_segments(features: list[Feature]) -> dict[str, list[Feature]]:
    """CDS per transcript, with the stop codon included as Ensembl has it. GENCODE's CDS already holds
    the stop codon except where it is split by an intron; those pieces are added and phases redone."""
    cds: dict[str, list[Feature]] = {}
    stops: dict[str, list[Feature]] = {}
    for f in features:
        tx = _unversioned(f.attrs.get("transcript_id", ""))[0]
        if f.type == "CDS":
            protein = _unversioned(f.attrs["protein_id"])[0]
            attrs = {"ID": f"CDS:{protein}", "Parent": f"transcript:{tx}", "protein_id": protein}
            cds.setdefault(tx, []).append(_with(f, "CDS", attrs))
        elif f.type == "stop_codon":
            stops.setdefault(tx, []).append(f)
    for tx, pieces in stops.items():
        segments = cds.get(tx, [])
        added = [s for s in pieces if not any(c.start <= s.start and s.end <= c.end for c in segments)]
        for stop in added:
            _extend_cds(segments, stop)
        if added and segments:
            _rephase(segments)
    return cds


def _extend_cds(segments: list[Feature], stop: Feature) -> None:
    for seg in segments:
        if seg.end + 1 == stop.start or stop.end + 1 == seg.start:
            seg.start, seg.end = min(seg.start, stop.start), max(seg.end, stop.end)
            return
    if segments:  # the stop codon's own exon: a new CDS piece
        piece = _with(segments[0], "CDS", dict(segments[0].attrs))
        piece.start, piece.end = stop.start, stop.end
        segments.append(piece)


def _rephase(segments: list[Feature]) -> None:
    """GFF3 phase = bases to skip to the next codon start, counted from the 5' end of the CDS."""
    ordered = sorted(segments, key=lambda s: s.start, reverse=segments[0].strand == "-")
    first = int(ordered[0].phase)
    done = 0
    for seg in ordered:
        seg.phase = str((3 - (done - first) % 3) % 3)
        done += seg.end - seg.start + 1


def _utr_type(utr: Feature, cds: list[Feature]) -> str:
    upstream = utr.end < min(c.start for c in cds) if utr.strand == "+" else utr.start > max(c.end for c in cds)
    return "five_prime_UTR" if upstream else "three_prime_UTR"


def _outside_cds(utr: Feature, cds: list[Feature]) -> Feature | None:
    """Trim a UTR off the coding pieces: GENCODE counts a stop codon split by an intron as UTR too."""
    for piece in cds:
        if piece.start <= utr.start <= piece.end:
            utr.start = piece.end + 1
        if piece.start <= utr.end <= piece.end:
            utr.end = piece.start - 1
    return utr if utr.start <= utr.end else None


def place_features(features: list[Feature], region: Region) -> list[Feature]:
    """Region-local -> contig coordinates. Gene spans reaching past the region (PEX26 starts at -433,
    BRCA1 one base past ref_brca1.fa) are clipped so they cannot reach a neighbouring region."""
    placed = []
    for f in features:
        start, end = max(f.start, 1), min(f.end, len(region.seq))
        if start > end:
            continue
        if (start, end) != (f.start, f.end) and f.type == "CDS":
            raise ValueError(f"{region.spec.gff}: a CDS lies outside the region sequence")
        moved = _with(f, f.type, f.attrs)
        moved.contig, moved.start, moved.end = region.spec.contig, start + region.offset, end + region.offset
        placed.append(moved)
    return placed


def _shifted(f: Feature, by: int) -> Feature:
    moved = _with(f, f.type, f.attrs)
    moved.start, moved.end = f.start + by, f.end + by
    return moved


def load_gene_models(source_data: Path, genome: Genome) -> list[Feature]:
    features = []
    for region in genome.regions:
        raw = read_gff(source_data / region.spec.gff)
        if region.spec.source == "ga4gh-compliance":
            # Its GFF is one base right of its FASTA: only shifted by -1 are all 22 introns of BRCA1
            # (ENST00000357654) GT..AG and the start codon ATG. Its 1000 Genomes VCF matches the FASTA.
            raw = [_shifted(f, -1) for f in ensembl_style(raw)]
        features.extend(place_features(raw, region))
    order = {name: i for i, name in enumerate(genome.contigs)}
    # Sorted like a tabix-able GFF; within a start, parents before children.
    return sorted(features, key=lambda f: (order[f.contig], f.start, TYPE_RANK.get(f.type, 1), -f.end))


def write_gff(features: list[Feature], path: Path) -> None:
    text = "##gff-version 3\n" + "".join(f.line() + "\n" for f in features)
    with pysam.BGZFile(str(path), "wb") as out:
        out.write(text.encode())


def transcript_cds(features: list[Feature], transcript: str) -> list[Feature]:
    """CDS pieces of one transcript, 5' to 3'."""
    pieces = [f for f in features if f.type == "CDS" and f.attrs.get("Parent") == f"transcript:{transcript}"]
    return sorted(pieces, key=lambda f: f.start, reverse=bool(pieces) and pieces[0].strand == "-")


# ---------------------------------------------------------------------------------------------------------
# Alleles


COMPLEMENT = str.maketrans("ACGT", "TGCA")
TRANSITION = {"A": "G", "G": "A", "C": "T", "T": "C"}
CODONS = {
    a + b + c: aa
    for (a, b, c), aa in zip(
        ((a, b, c) for a in "TCAG" for b in "TCAG" for c in "TCAG"),
        "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG",
        strict=True,
    )
}


def left_align(seq: str, pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """bcftools norm for one REF/ALT pair: trim shared bases and shift indels left (pos 1-based)."""
    while True:
        changed = False
        if ref and alt and ref[-1] == alt[-1]:
            ref, alt, changed = ref[:-1], alt[:-1], True
        if (not ref or not alt) and pos > 1:
            pos -= 1
            ref, alt, changed = seq[pos - 1] + ref, seq[pos - 1] + alt, True
        if not changed:
            break
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def right_align(seq: str, pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """The right-most equivalent of a left-aligned indel (how some callers write them)."""
    if len(ref) > 1 and len(alt) == 1:  # deletion of seq[pos : pos+n] (0-based)
        n = len(ref) - 1
        while pos + n < len(seq) and seq[pos + n] == seq[pos]:
            pos += 1
        return pos, seq[pos - 1 : pos + n], seq[pos - 1]
    if len(alt) > 1 and len(ref) == 1:  # insertion after pos
        inserted = alt[1:]
        while pos < len(seq) and seq[pos] == inserted[0]:
            inserted, pos = inserted[1:] + inserted[0], pos + 1
        return pos, seq[pos - 1], seq[pos - 1] + inserted
    return pos, ref, alt


def random_snv(base: str, rng: random.Random) -> str:
    # Transitions twice as often as transversions (human Ti/Tv ~2).
    if rng.random() < 2 / 3:
        return TRANSITION[base]
    return rng.choice([b for b in "ACGT" if b not in (base, TRANSITION[base])])


@dataclass(frozen=True)
class CodingChange:
    pos: int
    ref: str
    alt: str
    codon: int  # 1-based codon number in the transcript
    ref_aa: str
    alt_aa: str


def codon_changes(genome: Genome, cds: list[Feature]) -> list[CodingChange]:
    """Every SNV of a transcript's coding sequence (CDS pieces 5' to 3') with the amino acids it swaps."""
    minus = cds[0].strand == "-"
    positions: list[int] = []
    for f in cds:
        positions.extend(range(f.end, f.start - 1, -1) if minus else range(f.start, f.end + 1))
    positions = positions[int(cds[0].phase) :]
    coding = "".join(genome.fetch(cds[0].contig, p) for p in positions)
    if minus:
        coding = coding.translate(COMPLEMENT)
    changes = []
    for i, pos in enumerate(positions[: len(positions) // 3 * 3]):
        codon_start = i - i % 3
        codon = coding[codon_start : codon_start + 3]
        ref = genome.fetch(cds[0].contig, pos)
        for base in "ACGT":
            if base == coding[i]:
                continue
            mutated = codon[: i % 3] + base + codon[i % 3 + 1 :]
            alt = base.translate(COMPLEMENT) if minus else base
            changes.append(CodingChange(pos, ref, alt, codon_start // 3 + 1, CODONS[codon], CODONS[mutated]))
    return changes


def coding_changes(genome: Genome, cds: list[Feature], piece: int) -> list[CodingChange]:
    """The SNVs of one CDS piece, 4 bases clear of its ends (so csq says no splice_region)."""
    target = cds[piece]
    return [c for c in codon_changes(genome, cds) if target.start + 4 <= c.pos <= target.end - 4]


def disruptive_snvs(genome: Genome, features: list[Feature]) -> set[tuple[str, int, str]]:
    """SNVs that would gain or lose a stop or lose a start codon in any transcript: background variants
    avoid them, so the trio's only loss-of-function calls are the planted ones and real 1000G alleles."""
    out = set()
    transcripts = {f.attrs["Parent"].split(":", 1)[1] for f in features if f.type == "CDS"}
    for transcript in sorted(transcripts):
        cds = transcript_cds(features, transcript)
        for c in codon_changes(genome, cds):
            if (c.ref_aa == "*") != (c.alt_aa == "*") or (c.codon == 1 and c.ref_aa == "M" != c.alt_aa):
                out.add((cds[0].contig, c.pos, c.alt))
    return out


def pick_change(genome: Genome, cds: list[Feature], piece: int, want: str, rng: random.Random) -> CodingChange:
    """A random SNV of the CDS piece with the wanted consequence (missense or stop_gained). Missense
    prefers an arginine, the residue most often hit in sarcomere-gene cardiomyopathies (e.g. TNNT2 R92)."""
    changes = [c for c in coding_changes(genome, cds, piece) if c.codon > 1]  # never the start codon
    if want == "stop_gained":
        return rng.choice([c for c in changes if c.alt_aa == "*" and c.ref_aa != "*"])
    missense = [c for c in changes if "*" not in (c.ref_aa, c.alt_aa) and c.ref_aa != c.alt_aa]
    return rng.choice([c for c in missense if c.ref_aa == "R"] or missense)


# ---------------------------------------------------------------------------------------------------------
# Genotypes and read-level values


@dataclass
class Call:
    gt: tuple[int, int] | None
    ad: tuple[int, ...] | None = None
    dp: int | None = None
    gq: int | None = None
    pl: tuple[int, ...] | None = None


@dataclass
class Site:
    contig: str
    pos: int
    ref: str
    alts: list[str]
    afs: list[float]  # population allele frequency per ALT (what population.vcf.gz will say)
    in_population: bool
    gts: dict[str, tuple[int, int] | None]
    calls: dict[str, Call] = field(default_factory=dict)
    fixed: bool = False  # planted or already altered: later steps (errors, missingness, artefacts) skip it


def genotype_order(n_alleles: int) -> list[tuple[int, int]]:
    """VCF order of diploid genotypes (PL, Number=G)."""
    return [(j, k) for k in range(n_alleles) for j in range(k + 1)]


def phred_likelihoods(ad: tuple[int, ...], error: float) -> tuple[int, ...]:
    """PL from allele depths: each read shows its allele with prob 1-error, else another allele."""
    n = len(ad)

    def p_read(x: int, allele: int) -> float:
        return 1 - error if x == allele else error / (n - 1)

    logl = [
        sum(depth * math.log10(0.5 * (p_read(x, j) + p_read(x, k))) for x, depth in enumerate(ad) if depth)
        for j, k in genotype_order(n)
    ]
    best = max(logl)
    return tuple(round(-10 * (value - best)) for value in logl)


def draw_reads(gt: tuple[int, int], dp: int, n_alleles: int, rng: random.Random, alt_fraction=None) -> list[int]:
    ad = [0] * n_alleles
    for _ in range(dp):
        if alt_fraction is not None:
            allele = gt[1] if rng.random() < alt_fraction else gt[0]
        else:
            allele = rng.choice(gt)
        if rng.random() < 0.004:  # sequencing error
            allele = rng.choice([a for a in range(n_alleles) if a != allele] or [allele])
        ad[allele] += 1
    return ad


def make_call(gt, n_alleles: int, rng: random.Random, depth=(34, 8), error=0.01, alt_fraction=None) -> Call:
    """A call whose PL agree with its GT: reads are redrawn until GT is the most likely genotype."""
    if gt is None:
        return Call(None)
    best = genotype_order(n_alleles).index(tuple(sorted(gt)))
    for _ in range(200):
        dp = max(3, round(rng.gauss(*depth))) if isinstance(depth, tuple) else depth
        ad = tuple(draw_reads(gt, dp, n_alleles, rng, alt_fraction))
        pl = phred_likelihoods(ad, error)
        if pl[best] == 0:
            return Call(gt, ad, dp, min(99, sorted(pl)[1]), pl)
    raise RuntimeError(f"could not simulate reads for genotype {gt}")


def fixed_call(gt: tuple[int, int], ad: tuple[int, ...], error: float) -> Call:
    pl = phred_likelihoods(ad, error)
    return Call(gt, ad, sum(ad), min(99, sorted(pl)[1]), pl)


def draw_allele(afs: list[float], rng: random.Random) -> int:
    r, total = rng.random(), 0.0
    for i, af in enumerate(afs, start=1):
        total += af
        if r < total:
            return i
    return 0


def parent_genotypes(afs: list[float], on_x: bool, rng: random.Random, carried: bool) -> dict:
    """Parents at Hardy-Weinberg from the population AF (father hemizygous on X, written 0/0 or 1/1);
    `carried` conditions on at least one parent carrying an ALT, as sites in a VCF do."""
    if carried and max(afs) < 0.02:  # rejection would take thousands of draws; rare = one het carrier
        carrier = rng.choice(["mother", "father"])
        gts = {"mother": (0, 0), "father": (0, 0)}
        gts[carrier] = (1, 1) if carrier == "father" and on_x else (0, 1)
        return gts
    for _ in range(10_000):
        mother = tuple(sorted((draw_allele(afs, rng), draw_allele(afs, rng))))
        dad = draw_allele(afs, rng)
        father = (dad, dad) if on_x else tuple(sorted((dad, draw_allele(afs, rng))))
        if not carried or any(mother + father):
            return {"mother": mother, "father": father}
    raise RuntimeError("no carrier drawn")


def child_genotype(mother, father, on_x: bool, rng: random.Random) -> tuple[int, int]:
    """Mendelian transmission; the male proband gets his one X from the mother."""
    if on_x:
        allele = rng.choice(mother)
        return (allele, allele)
    return tuple(sorted((rng.choice(father), rng.choice(mother))))


# ---------------------------------------------------------------------------------------------------------
# Simulation


@dataclass
class Plan:
    """Per-contig masks: positions taken by a record (plus margin), and where background may not go."""

    taken: dict[str, bytearray]
    no_background: dict[str, bytearray]  # TNNT2 coding sequence, splice sites, planted variants, spacers
    coding: dict[str, bytearray]  # every CDS +-5: no background indels (keeps csq haplotypes simple)
    exonic: dict[str, bytearray]  # every exon +-50: the non-coding de novos stay out
    disruptive: set[tuple[str, int, str]]  # stop-gain/-loss and start-loss SNVs

    def free(self, contig: str, start: int, end: int, indel: bool = False, simulated: bool = True) -> bool:
        taken, blocked = self.taken[contig], self.no_background[contig]
        span = range(max(1, start - 2), min(len(taken), end + 3))
        if any(taken[p] or (simulated and blocked[p]) for p in span):
            return False
        return not (simulated and indel and any(self.coding[contig][p] for p in range(start, end + 1)))

    def take(self, contig: str, start: int, end: int) -> None:
        for p in range(max(1, start - 2), min(len(self.taken[contig]), end + 3)):
            self.taken[contig][p] = 1


def _mask(genome: Genome, intervals, pad: int) -> dict[str, bytearray]:
    masks = {name: bytearray(len(seq) + 2) for name, seq in genome.contigs.items()}
    for contig, start, end in intervals:
        for p in range(max(1, start - pad), min(len(masks[contig]), end + pad + 1)):
            masks[contig][p] = 1
    return masks


def make_plan(genome: Genome, features: list[Feature]) -> Plan:
    blocked = [(f.contig, f.start - 5, f.end + 5) for f in transcript_cds(features, TNNT2)]
    blocked += splice_sites(features)
    blocked += [(name, m.start() + 1, m.end()) for name, seq in genome.contigs.items() for m in re.finditer("N+", seq)]
    coding = _mask(genome, [(f.contig, f.start, f.end) for f in features if f.type == "CDS"], 5)
    exonic = _mask(genome, [(f.contig, f.start, f.end) for f in features if f.type == "exon"], 50)
    taken = {name: bytearray(len(seq) + 2) for name, seq in genome.contigs.items()}
    return Plan(taken, _mask(genome, blocked, 0), coding, exonic, disruptive_snvs(genome, features))


def splice_sites(features: list[Feature]) -> list[tuple[str, int, int]]:
    """The two intron bases at each side of every exon-exon junction (csq splice_donor/acceptor)."""
    exons: dict[str, list[Feature]] = {}
    for f in features:
        if f.type == "exon":
            exons.setdefault(f.attrs["Parent"], []).append(f)
    sites = []
    for pieces in exons.values():
        pieces.sort(key=lambda f: f.start)
        for left, right in zip(pieces, pieces[1:], strict=False):
            sites += [
                (left.contig, left.end + 1, left.end + 2),
                (right.contig, right.start - 2, right.start - 1),
            ]
    return sites


def site_span(genome: Genome, contig: str, pos: int, ref: str, alts: list[str]) -> tuple[int, int]:
    """First..last base any equivalent placement of the record's alleles can touch."""
    start, end = pos, pos + len(ref) - 1
    seq = genome.contigs[contig]
    for alt in alts:
        p, r, a = left_align(seq, pos, ref, alt)
        rp, rr, _ = right_align(seq, p, r, a)
        start, end = min(start, p), max(end, rp + len(rr))
    return start, end


def draw_af(rng: random.Random, coding: bool = False) -> tuple[float, bool]:
    """Population AF of a variant a parent carries, and whether the population file has seen it.
    Rare coding variants are kept few (purifying selection): each gene then holds about one."""
    r = rng.random()
    if coding and rng.random() < 0.9:
        r *= 0.8
    if r < 0.78:  # common
        af = 10 ** rng.uniform(math.log10(0.02), math.log10(0.5))
        return (1 - af if rng.random() < 0.12 else af), True
    if r < 0.92:  # rare
        return 10 ** rng.uniform(-4, math.log10(0.02)), True
    if r < 0.96:  # a handful of carriers in the population
        return 10 ** rng.uniform(-5.2, -4), True
    return 10 ** rng.uniform(-5.5, -4.5), False  # never observed in the population


def draw_alleles(genome: Genome, contig: str, pos: int, rng: random.Random) -> tuple[int, str, list[str]]:
    """An SNV (88%) or a short left-aligned indel at pos."""
    seq = genome.contigs[contig]
    base = seq[pos - 1]
    r = rng.random()
    if r < 0.88:
        return pos, base, [random_snv(base, rng)]
    size = rng.choices([1, 2, 3, 4], weights=[50, 25, 15, 10])[0]
    if r < 0.94:
        ref, alt = seq[pos - 1 : pos + size], base
    else:
        tandem = rng.random() < 0.5
        inserted = seq[pos : pos + size] if tandem else "".join(rng.choice("ACGT") for _ in range(size))
        ref, alt = base, base + inserted
    p, ref, alt = left_align(seq, pos, ref, alt)
    return p, ref, [alt]


def add_site(genome: Genome, plan: Plan, sites: list[Site], site: Site, simulated: bool = True) -> bool:
    """Keep a site if it overlaps no other; simulated ones also keep out of the blocked places."""
    if "N" in site.ref or any("N" in a for a in site.alts):
        return False
    if simulated and not site.fixed and any((site.contig, site.pos, a) in plan.disruptive for a in site.alts):
        return False
    start, end = site_span(genome, site.contig, site.pos, site.ref, site.alts)
    indel = any(len(a) != len(site.ref) for a in site.alts)
    if not site.fixed and not plan.free(site.contig, start, end, indel, simulated):
        return False
    plan.take(site.contig, start, end)
    sites.append(site)
    return True


def with_genotypes(site: Site, on_x: bool, rng: random.Random, carried: bool = True) -> Site:
    site.gts = parent_genotypes(site.afs, on_x, rng, carried)
    site.gts["proband"] = child_genotype(site.gts["mother"], site.gts["father"], on_x, rng)
    return site


def simulate_background(genome: Genome, plan: Plan, region: Region, n: int, rng: random.Random) -> list[Site]:
    sites: list[Site] = []
    on_x = region.spec.contig == "chrX"
    for _ in range(n * 20):
        if len(sites) >= n:
            break
        pos = rng.randint(region.start + 25, region.end - 25)
        pos, ref, alts = draw_alleles(genome, region.spec.contig, pos, rng)
        af, seen = draw_af(rng, coding=bool(plan.coding[region.spec.contig][pos]))
        site = Site(region.spec.contig, pos, ref, alts, [af], seen, {})
        add_site(genome, plan, sites, with_genotypes(site, on_x, rng))
    return sites


def repeat_runs(seq: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(first, last, unit length) of homopolymers >= 6 bp and dinucleotide repeats >= 4 units, 1-based."""
    runs = []
    for pattern, unit in ((r"(A{6,}|C{6,}|G{6,}|T{6,})", 1), (r"(([ACGT])(?!\2)[ACGT])\1{3,}", 2)):
        for m in re.finditer(pattern, seq[start - 1 : end]):
            runs.append((start + m.start(), start + m.end() - 1, unit))
    return sorted(runs)


def unaligned_indels(genome: Genome, plan: Plan, regions: list[Region], n: int, rng: random.Random) -> list[Site]:
    """Indels in repeats written at their right-most placement: `bcftools norm -f` must move them."""
    sites: list[Site] = []
    candidates = [(r, run) for r in regions for run in repeat_runs(genome.contigs[r.spec.contig], r.start, r.end)]
    rng.shuffle(candidates)
    for region, (_, last, unit) in candidates:
        if len(sites) >= n:
            break
        seq = genome.contigs[region.spec.contig]
        if rng.random() < 0.5:  # delete one unit at the right end of the run
            pos = last - unit
            ref, alt = seq[pos - 1 : last], seq[pos - 1]
        else:  # insert one more unit after the run
            pos = last
            ref, alt = seq[pos - 1], seq[pos - 1] + seq[last - unit : last]
        if left_align(seq, pos, ref, alt)[0] == pos:
            continue
        af, seen = draw_af(rng)
        site = Site(region.spec.contig, pos, ref, [alt], [af], seen, {})
        add_site(genome, plan, sites, with_genotypes(site, region.spec.contig == "chrX", rng))
    return sites


def multiallelic_sites(genome: Genome, plan: Plan, regions: list[Region], n: int, rng: random.Random) -> list[Site]:
    """Two-ALT records: SNVs, and 1- and 2-base deletions of a homopolymer, for `bcftools norm -m -any`."""
    sites: list[Site] = []
    for attempt in range(n * 50):
        if len(sites) >= n:
            break
        region = rng.choice(regions)
        seq = genome.contigs[region.spec.contig]
        afs = [rng.uniform(0.05, 0.35), rng.uniform(0.005, 0.05)]
        if attempt % 3 == 0:
            runs = [r for r in repeat_runs(seq, region.start, region.end) if r[2] == 1]
            if not runs:
                continue
            first = rng.choice(runs)[0]
            pos, ref, alts = first - 1, seq[first - 2 : first + 1], [seq[first - 2 : first], seq[first - 2]]
        else:
            pos = rng.randint(region.start + 25, region.end - 25)
            base = seq[pos - 1]
            ref, alts = base, rng.sample([b for b in "ACGT" if b != base], 2)
        site = Site(region.spec.contig, pos, ref, alts, afs, True, {})
        add_site(genome, plan, sites, with_genotypes(site, region.spec.contig == "chrX", rng))
    return sites


def thousand_genomes_sites(source_data: Path, region: Region) -> list[tuple[int, str, str, list[str], dict]]:
    """The real 1000 Genomes phase 3 records of the BRCA1 region, shifted: (pos, id, ref, alts, info)."""
    records = []
    for line in (source_data / BRCA1_VARIANTS).read_text().splitlines():
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        if "<" in cols[4]:  # structural variants (<CN0>) are not sequence alleles
            continue
        info = dict(kv.split("=", 1) for kv in cols[7].split(";") if "=" in kv)
        records.append((int(cols[1]) + region.offset, cols[2], cols[3], cols[4].split(","), info))
    return records


def brca1_sites(genome: Genome, plan: Plan, region: Region, source_data: Path, rng: random.Random) -> list[Site]:
    """Trio genotypes at the real 1000 Genomes sites and frequencies (parents at Hardy-Weinberg)."""
    sites: list[Site] = []
    for pos, _, ref, alts, info in thousand_genomes_sites(source_data, region):
        afs = [float(x) for x in info["AF"].split(",")]
        site = Site(region.spec.contig, pos, ref, alts, afs, True, {})
        with_genotypes(site, False, rng, carried=False)
        if any(sum(gt) for gt in site.gts.values()):
            add_site(genome, plan, sites, site, simulated=False)
    return sites


def private_sites(genome: Genome, plan: Plan, region: Region, n: int, rng: random.Random) -> list[Site]:
    """Never-observed variants (absent from population.vcf.gz) carried by one parent."""
    sites: list[Site] = []
    for _ in range(n * 20):
        if len(sites) >= n:
            break
        pos = rng.randint(region.start + 25, region.end - 25)
        base = genome.fetch(region.spec.contig, pos)
        site = Site(region.spec.contig, pos, base, [random_snv(base, rng)], [1e-5], False, {})
        add_site(genome, plan, sites, with_genotypes(site, region.spec.contig == "chrX", rng))
    return sites


# ---------------------------------------------------------------------------------------------------------
# Planted variants, deliberate errors and artefacts

TNNT2, XPC, PEX26 = "ENST00000360372", "ENST00000285021", "ENST00000428061"
PLANTED = {  # kind -> gene, transcript, intended bcftools csq consequence
    "causal": ("TNNT2", TNNT2, "missense"),
    "unrelated_gene": ("XPC", XPC, "stop_gained"),
    "common_in_right_gene": ("TNNT2", TNNT2, "missense"),
    "low_quality_de_novo": ("TNNT2", TNNT2, "missense"),
    # Background every genome has: a rare inherited compound heterozygote in a recessive disease gene,
    # one allele from each healthy carrier parent. It fits a mode and competes with the cause on merit.
    "background_compound_het_maternal": ("PEX26", PEX26, "missense"),
    "background_compound_het_paternal": ("PEX26", PEX26, "missense"),
}
BACKGROUND_PARENT = {"background_compound_het_maternal": "mother", "background_compound_het_paternal": "father"}
BACKGROUND_AF = 3e-5


def plant(genome: Genome, plan: Plan, features: list[Feature], rng: random.Random) -> tuple[list[Site], dict]:
    """The causal TNNT2 de novo missense and the three decoys, each in its own coding exon (>= 60 bp)."""
    sites, truth, used = [], {}, set()
    for kind, (gene, transcript, consequence) in PLANTED.items():
        cds = transcript_cds(features, transcript)
        piece = rng.choice([i for i, f in enumerate(cds) if f.end - f.start >= 59 and (gene, i) not in used])
        used.add((gene, piece))
        change = pick_change(genome, cds, piece, consequence, rng)
        contig = cds[0].contig
        site = Site(contig, change.pos, change.ref, [change.alt], [0.0], False, {}, fixed=True)
        site.calls = planted_calls(kind, rng)
        site.gts = {s: c.gt for s, c in site.calls.items()}
        if kind == "common_in_right_gene":
            site.afs, site.in_population = [0.25], True
        if kind in BACKGROUND_PARENT:
            site.afs, site.in_population = [BACKGROUND_AF], True
        add_site(genome, plan, sites, site)
        plan.no_background[contig][change.pos - 20 : change.pos + 21] = b"\x01" * 41
        protein = f"{change.ref_aa}{change.codon}{change.alt_aa}"
        where = {"chrom": contig, "pos": change.pos, "ref": change.ref, "alt": change.alt}
        truth[kind] = {
            "kind": kind,
            **where,
            "gene": gene,
            "consequence": consequence,
            "protein_change": protein,
        }
    return sites, truth


def balanced_call(gt, rng: random.Random) -> Call:
    """A confident call with near-even allele depths (what a real het de novo looks like)."""
    while True:
        call = make_call(gt, 2, rng, depth=(36, 4))
        if gt == (0, 0) or abs(call.ad[0] - call.ad[1]) <= 4:
            return call


def planted_calls(kind: str, rng: random.Random) -> dict[str, Call]:
    calls = {s: balanced_call((0, 0), rng) for s in SAMPLES}
    if kind == "low_quality_de_novo":
        # Low depth, low GQ and 5 reads against 2: the kind of "de novo" a QC gate should drop.
        calls["proband"] = fixed_call((0, 1), (5, 2), error=0.05)
    else:
        calls["proband"] = balanced_call((0, 1), rng)
    if kind == "common_in_right_gene":
        calls["mother"] = balanced_call((0, 1), rng)
    if kind in BACKGROUND_PARENT:
        calls[BACKGROUND_PARENT[kind]] = balanced_call((0, 1), rng)
    return calls


def mendelian_errors(genome: Genome, plan: Plan, sites: list[Site], rng: random.Random) -> list[dict]:
    """A few genotype errors of the kinds trio QC finds, plus two non-coding de novos."""
    errors = []
    # Biallelic SNVs only, so truth.json gives the same coordinates bcftools norm would.
    autosomal = [s for s in sites if not s.fixed and s.contig != "chrX" and len(s.ref + "".join(s.alts)) == 2]
    rng.shuffle(autosomal)
    kinds = {"parent_hom_alt_child_hom_ref": 3, "child_hom_alt_parent_hom_ref": 2}
    for kind, n in kinds.items():
        for site in autosomal:
            if n == 0:
                break
            if site.fixed or site.gts["proband"] != (0, 1):
                continue
            parents = (site.gts["mother"], site.gts["father"])
            if kind.startswith("parent") and (1, 1) in parents:
                site.gts["proband"] = (0, 0)
            elif kind.startswith("child") and (0, 0) in parents:
                site.gts["proband"] = (1, 1)
            else:
                continue
            site.fixed, n = True, n - 1
            errors.append(_where(site, kind))
    return errors + noncoding_de_novos(genome, plan, sites, 2, rng)


def _where(site: Site, kind: str) -> dict:
    return {"kind": kind, "chrom": site.contig, "pos": site.pos, "ref": site.ref, "alt": site.alts[0]}


def noncoding_de_novos(genome: Genome, plan: Plan, sites: list[Site], n: int, rng: random.Random) -> list[dict]:
    errors = []
    regions = [r for r in genome.regions if r.spec.contig != "chrX"]
    while len(errors) < n:
        region = rng.choice(regions)
        pos = rng.randint(region.start + 25, region.end - 25)
        if plan.exonic[region.spec.contig][pos]:
            continue
        base = genome.fetch(region.spec.contig, pos)
        site = Site(region.spec.contig, pos, base, [random_snv(base, rng)], [0.0], False, {})
        site.gts = {"proband": (0, 1), "mother": (0, 0), "father": (0, 0)}
        if add_site(genome, plan, sites, site):
            site.fixed = True
            errors.append(_where(site, "noncoding_de_novo"))
    return errors


def add_missing(sites: list[Site], rng: random.Random, rate: float = 0.004) -> None:
    for site in sites:
        if site.fixed:
            continue
        for sample in SAMPLES:
            others_carry = any(sum(site.gts[s] or (0,)) for s in SAMPLES if s != sample)
            if others_carry and rng.random() < rate:
                site.gts[sample] = None


def simulate_calls(sites: list[Site], rng: random.Random) -> None:
    for site in sites:
        for sample in SAMPLES:
            if sample not in site.calls:
                site.calls[sample] = make_call(site.gts[sample], 1 + len(site.alts), rng)


def add_artefacts(sites: list[Site], rng: random.Random, n_each: int = 12) -> list[dict]:
    """Genotype-level artefacts (GT unchanged): very low depth, and hets with skewed allele depths."""
    artefacts = []
    pool = [s for s in sites if not s.fixed and len(s.alts) == 1]
    rng.shuffle(pool)
    for site in pool:
        if len(artefacts) >= 2 * n_each:
            break
        sample = rng.choice(SAMPLES)
        gt = site.gts[sample]
        if gt is None:
            continue
        low_depth = sum(a["kind"] == "low_depth" for a in artefacts) < n_each
        if low_depth:
            site.calls[sample] = make_call(gt, 2, rng, depth=rng.randint(3, 7), error=0.05)
            kind = "low_depth"
        elif gt == (0, 1):
            site.calls[sample] = make_call(gt, 2, rng, depth=rng.randint(18, 40), alt_fraction=0.2)
            kind = "allele_imbalance"
        else:
            continue
        site.fixed = True
        artefacts.append({"kind": kind, "chrom": site.contig, "pos": site.pos, "sample": sample})
    return artefacts


# ---------------------------------------------------------------------------------------------------------
# VCF writing


def contig_lines(genome: Genome) -> list[str]:
    return [f"##contig=<ID={name},length={len(seq)}>" for name, seq in genome.contigs.items()]


def sort_key(genome: Genome):
    order = {name: i for i, name in enumerate(genome.contigs)}

    def key(item: Site | PopRecord) -> tuple:
        alts = item.alts if isinstance(item, Site) else [item.alt]
        return (order[item.contig], item.pos, item.ref, tuple(alts))

    return key


DEMO_SOURCE = "##source=rarevar simulate (simulated demo trio; not real sequencing data)"


def trio_header(genome: Genome, samples=SAMPLES, source: str = DEMO_SOURCE) -> pysam.VariantHeader:
    header = pysam.VariantHeader()
    for line in [
        *contig_lines(genome),
        "##reference=reference.fa",
        '##INFO=<ID=DP,Number=1,Type=Integer,Description="Total read depth over the samples">',
        '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
        '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the REF and ALT alleles">',
        '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
        '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality (phred)">',
        '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled genotype likelihoods">',
        source,
    ]:
        header.add_line(line)
    for sample in samples:
        header.add_sample(sample)
    return header


def write_trio(genome: Genome, sites: list[Site], path: Path, samples=SAMPLES, source: str = DEMO_SOURCE) -> None:
    """One record per site with each sample's GT:AD:DP:GQ:PL (bgzipped, tabix-indexed)."""
    with pysam.VariantFile(str(path), "wz", header=trio_header(genome, samples, source)) as out:
        for site in sorted(sites, key=sort_key(genome)):
            calls = [site.calls[s] for s in samples]
            qual = sum(c.pl[0] for c in calls if c.gt and any(c.gt))
            depth = sum(c.dp for c in calls if c.dp)
            alleles = (site.ref, *site.alts)
            record = out.new_record(site.contig, site.pos - 1, alleles=alleles, qual=min(qual, 9999), filter="PASS")
            record.info["DP"] = depth
            for sample, call in zip(samples, calls, strict=True):
                fmt = record.samples[sample]
                fmt["GT"] = call.gt if call.gt else (None, None)
                if call.gt:
                    fmt["AD"], fmt["DP"], fmt["GQ"], fmt["PL"] = call.ad, call.dp, call.gq, call.pl
            out.write(record)
    pysam.tabix_index(str(path), preset="vcf", force=True)


@dataclass
class PopRecord:
    contig: str
    pos: int
    id: str
    ref: str
    alt: str
    info: dict


GROUPS = ("afr", "amr", "eas", "nfe", "sas")


def sig(x: float) -> float:
    return float(f"{x:.4g}")


def simulated_frequencies(af: float, on_x: bool, rng: random.Random) -> dict:
    """gnomAD v4-like counts for a simulated allele (about 76k genomes; fewer X chromosomes)."""
    an = rng.randint(112_000, 114_300) if on_x else rng.randint(149_000, 152_312)
    ac = max(1, round(af * an))
    af = ac / an
    groups = {g: min(1.0, af * math.exp(rng.gauss(0, 0.6))) for g in GROUPS}
    if ac < 20:  # a few carriers: most groups have none
        groups = {g: (v if rng.random() < 0.35 else 0.0) for g, v in groups.items()}
        if not any(groups.values()):
            groups[rng.choice(GROUPS)] = min(1.0, 3 * af)
    nhomalt = round(an / 2 * af * af)
    grpmax = max(af, *groups.values())  # AF is a mean over the groups, so some group reaches it
    return {
        "AC": ac,
        "AN": an,
        "AF": sig(af),
        "nhomalt": nhomalt,
        "AF_grpmax": sig(grpmax),
        "AF_eas": sig(groups["eas"]),
    }


def real_frequencies(info: dict, index: int) -> dict:
    """1000 Genomes phase 3 (2,504 people): AF and super-population AFs as published; AC/AN from AF,
    nhomalt at Hardy-Weinberg (the source has no per-population counts)."""

    def value(key: str) -> float:
        return float(info[key].split(",")[index])

    af = value("AF")
    groups = [value(k) for k in ("AFR_AF", "AMR_AF", "EAS_AF", "EUR_AF", "SAS_AF")]
    counts = {"AC": round(af * 5008), "AN": 5008, "AF": af, "nhomalt": round(2504 * af * af)}
    return counts | {"AF_grpmax": max(groups), "AF_eas": value("EAS_AF")}


def population_records(genome: Genome, sites: list[Site], source_data: Path, rng: random.Random) -> list[PopRecord]:
    """Biallelic, left-aligned records as gnomAD has them: every 1000 Genomes allele of the BRCA1 region,
    the observed alleles of the simulated trio sites, and more rare sites nobody in the trio carries."""
    records = []
    brca1 = next(r for r in genome.regions if r.spec.gene == "BRCA1")
    seq = genome.contigs[brca1.spec.contig]
    for pos, rsid, ref, alts, info in thousand_genomes_sites(source_data, brca1):
        for i, alt in enumerate(alts):
            p, r, a = left_align(seq, pos, ref, alt)
            records.append(PopRecord(brca1.spec.contig, p, rsid, r, a, real_frequencies(info, i)))
    for site in sites:
        if not site.in_population or site.contig == brca1.spec.contig:
            continue
        for alt, af in zip(site.alts, site.afs, strict=True):
            p, r, a = left_align(genome.contigs[site.contig], site.pos, site.ref, alt)
            records.append(PopRecord(site.contig, p, ".", r, a, simulated_frequencies(af, site.contig == "chrX", rng)))
    return records


def extra_population_records(genome: Genome, plan: Plan, rng: random.Random, per_bp: int = 100) -> list[PopRecord]:
    records = []
    for region in genome.regions:
        if region.spec.gene == "BRCA1":
            continue
        for _ in range(len(region.seq) // per_bp):
            pos = rng.randint(region.start + 25, region.end - 25)
            if not plan.free(region.spec.contig, pos, pos):
                continue
            base = genome.fetch(region.spec.contig, pos)
            af = 10 ** rng.uniform(-5.2, -2) if rng.random() < 0.85 else 10 ** rng.uniform(-2, math.log10(0.5))
            freqs = simulated_frequencies(af, region.spec.contig == "chrX", rng)
            records.append(PopRecord(region.spec.contig, pos, ".", base, random_snv(base, rng), freqs))
    return records


def population_header(genome: Genome) -> pysam.VariantHeader:
    header = pysam.VariantHeader()
    for line in [
        *contig_lines(genome),
        "##reference=reference.fa",
        '##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count">',
        '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles">',
        '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">',
        '##INFO=<ID=nhomalt,Number=A,Type=Integer,Description="Count of homozygous individuals">',
        '##INFO=<ID=AF_grpmax,Number=A,Type=Float,Description="Maximum allele frequency across genetic '
        'ancestry groups">',
        '##INFO=<ID=AF_eas,Number=A,Type=Float,Description="Alternate allele frequency in East Asian ancestry">',
        "##source=rarevar simulate (gnomAD v4-style fields; BRCA1 region: real 1000 Genomes phase 3 "
        "frequencies; elsewhere simulated)",
    ]:
        header.add_line(line)
    return header


def write_population(genome: Genome, records: list[PopRecord], path: Path) -> None:
    unique = {(r.contig, r.pos, r.ref, r.alt): r for r in records}  # one record per allele
    with pysam.VariantFile(str(path), "wz", header=population_header(genome)) as out:
        for rec in sorted(unique.values(), key=sort_key(genome)):
            info = {k: (v,) if k != "AN" else v for k, v in rec.info.items()}
            alleles = (rec.ref, rec.alt)
            out.write(out.new_record(rec.contig, rec.pos - 1, id=rec.id, alleles=alleles, filter="PASS", info=info))
    pysam.tabix_index(str(path), preset="vcf", force=True)


# ---------------------------------------------------------------------------------------------------------
# bcftools csq check


def run_bcftools(command: str, *args: str) -> subprocess.CompletedProcess:
    """bcftools (from pysam) in a child process: pysam's built-in csq keeps state between calls in one
    process, and a second call on the same contig fails with 'The file is not sorted'."""
    code = (
        f"import sys, pysam.bcftools as b; run = b.{command};"
        "sys.stdout.write(run(*sys.argv[1:])); sys.stderr.write(run.get_messages() or '')"
    )
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    if result.returncode:
        raise RuntimeError(f"bcftools {command} failed: {result.stderr.strip()[-2000:]}")
    return result


def run_csq(reference: Path, genes: Path, vcf: Path, *options: str) -> str:
    return run_bcftools("csq", "--no-version", "-f", str(reference), "-g", str(genes), *options, str(vcf)).stdout


def bcsq_by_allele(vcf_text: str) -> dict[tuple[str, int, str, str], list[str]]:
    """(chrom, pos, ref, alts) -> the INFO/BCSQ entries of that record."""
    out = {}
    for line in vcf_text.splitlines():
        if line.startswith("#"):
            continue
        cols = line.split("\t")
        info = dict(kv.split("=", 1) for kv in cols[7].split(";") if "=" in kv)
        out[(cols[0], int(cols[1]), cols[3], cols[4])] = info.get("BCSQ", "").split(",") if "BCSQ" in info else []
    return out


def write_demo_clinvar(genome: Genome, truth: dict, out_dir: Path) -> None:
    """A ClinVar subset in NCBI's layout, then the store the pipeline reads (renamed, normalised, indexed)."""
    from rarevar.annotate.clinvar import build_clinvar_store
    from rarevar.simulate.clinvar import demo_entries, write_clinvar_vcf

    lengths = {name: len(seq) for name, seq in genome.contigs.items()}
    source = out_dir / "clinvar_source.vcf.gz"
    write_clinvar_vcf(demo_entries(out_dir, truth), lengths, source)
    build_clinvar_store(str(source), str(out_dir / "reference.fa"), str(out_dir / "genes.gff3.gz"),
                        str(out_dir / "clinvar.bcf"))  # fmt: skip


def check_planted(out_dir: Path, planted: dict) -> None:
    """Each planted variant must carry its intended consequence in the demo's own gene models."""
    text = run_csq(out_dir / "reference.fa", out_dir / "genes.gff3.gz", out_dir / "trio.vcf.gz", "-p", "a")
    annotated = bcsq_by_allele(text)
    for kind, v in planted.items():
        entries = annotated.get((v["chrom"], v["pos"], v["ref"], v["alt"]), [])
        hits = [e for e in entries if e.split("|")[0] == v["consequence"] and e.split("|")[1] == v["gene"]]
        if not hits:
            raise RuntimeError(f"planted {kind} {v['chrom']}:{v['pos']} is {entries}, not {v['consequence']}")
        v["bcsq"] = hits[0]


# ---------------------------------------------------------------------------------------------------------
# Small files, manifest and README


def write_ped(path: Path) -> None:
    rows = [
        "#family_id\tindividual_id\tpaternal_id\tmaternal_id\tsex\tphenotype",
        f"{FAMILY}\tfather\t0\t0\t1\t1",
        f"{FAMILY}\tmother\t0\t0\t2\t1",
        f"{FAMILY}\tproband\tfather\tmother\t1\t2",
    ]
    path.write_text("\n".join(rows) + "\n")


def write_json(path: Path, data) -> None:
    path.write_text(json.dumps(data, indent=2) + "\n")


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


FILE_DESCRIPTIONS = {
    "reference.fa": "miniature genome: ten real gene regions joined by 500 bp N spacers",
    "reference.fa.fai": "samtools faidx index of reference.fa",
    "genes.gff3.gz": "Ensembl-style GFF3 gene models of the regions, in contig coordinates (bgzip)",
    "population.vcf.gz": "gnomAD v4-style population sites (AC, AN, AF, nhomalt, AF_grpmax, AF_eas)",
    "population.vcf.gz.tbi": "tabix index of population.vcf.gz",
    "trio.vcf.gz": "simulated trio (proband, mother, father) with GT:AD:DP:GQ:PL",
    "trio.vcf.gz.tbi": "tabix index of trio.vcf.gz",
    "demo.ped": "pedigree of family DEMO1 (6-column PED)",
    "clinvar_source.vcf.gz": "ClinVar-format subset in NCBI's layout (contigs without 'chr'), simulated entries",
    "clinvar_source.vcf.gz.tbi": "tabix index of clinvar_source.vcf.gz",
    "clinvar.bcf": "ClinVar store built by rarevar from clinvar_source.vcf.gz (renamed, normalised)",
    "clinvar.bcf.csi": "index of clinvar.bcf",
    "clinvar.bcf.codons.tsv.gz": "protein changes of the store's pathogenic missense variants (PS1/PM5 look-ups)",
    "cadd_simulated.tsv.gz": "CADD-format score table (published layout, contigs without 'chr'), simulated scores",
    "cadd_simulated.tsv.gz.tbi": "tabix index of cadd_simulated.tsv.gz",
    "truth.json": "the planted causal variant, decoys, deliberate Mendelian errors and artefacts",
    "README.md": "provenance of the demo data",
}


def region_sources(genome: Genome) -> list[dict]:
    sources = []
    for region in genome.regions:
        spec = region.spec
        repo = GA4GH if spec.source == "ga4gh-compliance" else BCFTOOLS
        folder = "test-data/" if spec.source == "ga4gh-compliance" else f"test/csq/{spec.transcript}/"
        files = [Path(spec.fasta).name, Path(spec.gff).name]
        if spec.gene == "BRCA1":
            files.append(Path(BRCA1_VARIANTS).name)
        upstream = {
            "repository": repo["repository"],
            "commit": repo["commit"],
            "path": folder,
            "files": files,
        }
        sources.append(
            {
                "gene": spec.gene,
                "transcript": spec.transcript,
                **upstream,
                "license": repo["license"],
                "original_region": region.original,
                "original_build": spec.build,
                "contig": spec.contig,
                "offset": region.offset,
                "demo_region": f"{spec.contig}:{region.start}-{region.end}",
            }
        )
    return sources


def manifest(out_dir: Path, genome: Genome, seed: int) -> dict:
    return {
        "generator": "rarevar simulate",
        "seed": seed,
        "pysam": pysam.version.__version__,
        "genome_build": "demo",
        "note": "The miniature genome has no pseudo-autosomal region. demo position = offset + position in "
        "the region's source FASTA.",
        "contigs": [{"name": n, "length": len(s)} for n, s in genome.contigs.items()],
        "files": [{"name": n, "sha256": sha256(out_dir / n), "description": d} for n, d in FILE_DESCRIPTIONS.items()],
        "sources": region_sources(genome),
    }


def _readme_row(r: Region) -> str:
    source = "GA4GH compliance `test-data/`"
    if r.spec.source != "ga4gh-compliance":
        source = f"bcftools `test/csq/{r.spec.transcript}/`"
    return f"| {r.spec.gene} | `{r.spec.contig}:{r.start}-{r.end}` | {r.original} | {r.spec.build} | {source} |"


def readme(genome: Genome, truth: dict, n_trio: int, n_population: int, seed: int, n_scored: int = 0) -> str:
    rows = "\n".join(_readme_row(r) for r in genome.regions)
    contigs = ", ".join(f"{n} ({len(s):,} bp)" for n, s in genome.contigs.items())
    where = f"{truth['chrom']}:{truth['pos']} {truth['ref']}>{truth['alt']} (p.{truth['protein_change']})"
    hpo = "; ".join(f"{term} {label}" for term, label in HPO_TERMS.items())
    return f"""# Demo data (generated; do not edit by hand)

Written by `rarevar simulate` (seed {seed}) from public test data; `manifest.json` lists every file with its
sha256 and the exact upstream sources. Regenerating with the same seed and sources gives byte-identical files.

## Miniature genome (`reference.fa`, `genes.gff3.gz`)

Ten real gene regions with their real gene models, joined per chromosome by 500 bp runs of N: {contigs}.
Build `demo`: regions come from GRCh37 and GRCh38, and the genome has no pseudo-autosomal region.

| gene | demo region | original region | original build | source |
|---|---|---|---|---|
{rows}

* bcftools csq test suite: https://github.com/samtools/bcftools (commit {BCFTOOLS["commit"]}), MIT/Expat.
  Ensembl GFF3 as in the tests, shifted to contig coordinates; gene spans clipped to the region.
* GA4GH compliance BRCA1 set: https://github.com/ga4gh/compliance (commit {GA4GH["commit"]}), Apache-2.0
  (the test-data README leaves the data license as TODO). GENCODE v19 GFF3 rewritten in the Ensembl style
  `bcftools csq` reads (`ID=gene:`/`transcript:`, `biotype=`, UTR types); its 1000 Genomes phase 3 variants
  give the real frequencies of the BRCA1 region in `population.vcf.gz`.

## Simulated data

* `population.vcf.gz` ({n_population:,} sites): gnomAD v4-style INFO (AC, AN, AF, nhomalt, AF_grpmax, AF_eas),
  biallelic and left-aligned. BRCA1 region: the real 1000 Genomes AF and super-population AFs (AC/AN from
  AF over 5,008 alleles, nhomalt at Hardy-Weinberg). Elsewhere: simulated frequencies.
* `trio.vcf.gz` ({n_trio:,} records, NOT real sequencing data): family `{FAMILY}`, affected male proband and
  unaffected parents (`demo.ped`). Parents drawn at Hardy-Weinberg from the population frequencies, the
  proband by Mendelian transmission (one maternal X). Includes multi-allelic records and indels written
  right-aligned in repeats (for `bcftools norm -m -any -f`), missing genotypes, deliberate Mendelian errors
  and low-depth / allele-imbalance artefacts, all listed in `truth.json`.
* Planted cause: a heterozygous de novo {truth["consequence"]} in {truth["gene"]}, {where} (`truth.json`).
  Decoys: a de novo stop_gained in XPC, a common maternal TNNT2 missense and a low-quality TNNT2 "de novo".
* `cadd_simulated.tsv.gz` ({n_scored:,} SNV alleles): CADD's published layout (`#Chrom Pos Ref Alt RawScore
  PHRED`, contigs without 'chr', tabix-indexed) with SIMULATED scores, not CADD output, for the trio's SNVs in
  and near coding exons; the planted cause and the XPC stop_gained decoy get damaging-range PHRED scores.
* The proband's phenotype: {hpo}.
* 1000 Genomes phase 3 data (International Genome Sample Resource) are public without use restrictions.
"""


# ---------------------------------------------------------------------------------------------------------
# Entry points


def simulate_sites(genome: Genome, plan: Plan, source_data: Path, rng: random.Random) -> list[Site]:
    sites: list[Site] = []
    simulated = [r for r in genome.regions if r.spec.gene != "BRCA1"]
    brca1 = next(r for r in genome.regions if r.spec.gene == "BRCA1")
    sites += multiallelic_sites(genome, plan, simulated, 12, rng)
    sites += unaligned_indels(genome, plan, simulated, 10, rng)
    sites += brca1_sites(genome, plan, brca1, source_data, rng)
    sites += private_sites(genome, plan, brca1, 8, rng)
    for region in simulated:
        sites += simulate_background(genome, plan, region, len(region.seq) // 60, rng)
    return sites


def build_demo(out_dir: Path, source_data: Path, seed: int = 7) -> dict:
    """Write the demo into out_dir from the public test data under source_data; return truth.json."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    genome = assemble([read_region(source_data, spec) for spec in REGIONS])
    write_fasta(genome, out_dir / "reference.fa")
    features = load_gene_models(source_data, genome)
    write_gff(features, out_dir / "genes.gff3.gz")

    plan = make_plan(genome, features)
    planted_sites, planted = plant(genome, plan, features, rng)
    sites = planted_sites + simulate_sites(genome, plan, source_data, rng)
    errors = mendelian_errors(genome, plan, sites, rng)
    add_missing(sites, rng)
    simulate_calls(sites, rng)
    artefacts = add_artefacts(sites, rng)
    write_trio(genome, sites, out_dir / "trio.vcf.gz")
    population = population_records(genome, sites, source_data, rng) + extra_population_records(genome, plan, rng)
    write_population(genome, population, out_dir / "population.vcf.gz")
    write_ped(out_dir / "demo.ped")

    check_planted(out_dir, planted)
    causal = planted.pop("causal")
    truth = {"family": FAMILY, "proband": "proband"}
    truth |= {k: causal[k] for k in ("chrom", "pos", "ref", "alt", "gene", "consequence", "protein_change", "bcsq")}
    background = [planted.pop(kind) for kind in BACKGROUND_PARENT]
    truth |= {"hpo": list(HPO_TERMS), "decoys": list(planted.values()), "background": background}
    truth |= {
        "mendelian_errors": sorted(errors, key=_by_place),
        "artefacts": sorted(artefacts, key=_by_place),
    }
    write_json(out_dir / "truth.json", truth)
    write_demo_clinvar(genome, truth, out_dir)
    n_scored = write_demo_cadd(out_dir, truth, seed)
    with pysam.VariantFile(str(out_dir / "population.vcf.gz")) as handle:
        n_population = sum(1 for _ in handle)
    (out_dir / "README.md").write_text(readme(genome, truth, len(sites), n_population, seed, n_scored))
    write_json(out_dir / "manifest.json", manifest(out_dir, genome, seed))
    return truth


def _by_place(entry: dict) -> tuple:
    return natural_key(entry["chrom"]), entry["pos"]


def main_demo(out: str, source_data: str, seed: int = 7) -> dict:
    """String-argument wrapper for command lines: `rarevar simulate` calls build_demo the same way."""
    return build_demo(Path(out), Path(source_data), seed)
