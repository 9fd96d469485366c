"""A seeded GRCh38 background trio for the spiked-case benchmark, with its population-frequency store and a
reference that matches its REF alleles.

What a WGS trio leaves in genes, per family (figures from the literature, rounded):
- rare (population AF < 1% or unobserved) variants the proband carries: ~440 in disease genes, mostly
  synonymous, intronic and UTR, ~100 missense and ~10 loss-of-function (a genome carries ~100 LoF variants, most
  of them common: MacArthur et al. 2012; 149-182 truncating sites per genome: 1000 Genomes 2015; disease genes
  are a quarter of all genes and depleted of LoF); ~250 of them coding or splice, within the ~200-500 rare coding
  variants a WGS proband keeps after an AF < 1% and coding/splice filter;
- as many rare variants the parents carry but did not transmit;
- de novo: ~70 per genome, 1-2 of them coding (Jonsson et al. 2017; Acuna-Hidalgo et al. 2016): 3 here, one of them
  coding on average (drawn from the rare consequence mix);
- a few rare homozygous variants (4) and compound heterozygous pairs (3 genes) in an outbred trio;
- rare chrX variants from the mother (hemizygous in a son) and the father (to a daughter only);
- common variants (AF 1-95%) that the population store removes: 4,000 records in genes.
Genes come from the HPO gene-disease list (genes of X-linked diseases on chrX, the others on autosomes), each at
a random locus; no background variant lies within `AVOID_WINDOW` bp of any case's causal variant.

The reference FASTA has GRCh38's chromosome names and lengths and holds N except at the REF alleles of the
background and of every case: there is no GRCh38 sequence offline, and normalisation only needs REF to match.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pysam.libcbgzf import BGZFile

from rarevar.base import genome
from rarevar.base.bcftools import bcftools
from rarevar.benchmark.records import call as format_call
from rarevar.benchmark.records import csq_entry, header_lines, record_line
from rarevar.simulate.genome import POPULATION_AN

CONTIGS = genome.CHROMOSOMES["GRCh38"]
AUTOSOMES = [name for name in CONTIGS if name not in ("chrX", "chrY", "chrM")]
X_NONPAR = (2_781_480, 155_701_382)
AVOID_WINDOW = 100
LOCUS_SPAN = 100_000  # a gene's variants fall within this many bp of its locus
LINE = 60  # FASTA bases per line
CHUNK_LINES = 10_000
BASES = "ACGT"
AA = ("Ala", "Arg", "Asn", "Asp", "Cys", "Gln", "Glu", "Gly", "His", "Ile", "Leu", "Lys", "Met", "Phe", "Pro", "Ser",
      "Thr", "Trp", "Tyr", "Val")  # fmt: skip


@dataclass(frozen=True)
class Spectrum:
    transmitted: int = 420
    untransmitted: int = 420
    de_novo: int = 3
    homozygous: int = 4
    compound_pairs: int = 3
    x_maternal: int = 16  # about half transmitted
    x_paternal: int = 6
    common: int = 4000
    observed_fraction: float = 0.6  # of rare variants, in the population store (the rest never observed)


# Consequence mix of rare variants in genes (a VEP run over a WGS after the frequency filter, coding-centred).
RARE_MIX = {
    "synonymous_variant": 0.3, "intron_variant": 0.284, "5_prime_UTR_variant": 0.05, "3_prime_UTR_variant": 0.08,
    "missense_variant": 0.2, "splice_region_variant": 0.03, "inframe_deletion": 0.01, "stop_gained": 0.005,
    "frameshift_variant": 0.005, "splice_donor_variant": 0.003, "splice_acceptor_variant": 0.003,
}  # fmt: skip
COMMON_MIX = {"synonymous_variant": 0.35, "intron_variant": 0.35, "3_prime_UTR_variant": 0.1, "missense_variant": 0.2}


@dataclass
class Record:
    chrom: str
    pos: int
    ref: str
    alt: str
    gene: str
    csq: str
    mother: tuple[int, int]  # alt on each haplotype
    father: tuple[int, ...]  # one haplotype on chrX
    picks: tuple[int, int]  # which maternal / paternal haplotype the proband inherited
    af: float | None  # population AF; None = not in the store
    de_novo: bool = False

    def genotypes(self, male: bool) -> tuple[str, str, str]:
        x_linked = self.chrom == "chrX"
        mother = "/".join(map(str, sorted(self.mother)))
        father = str(self.father[0]) if x_linked else "/".join(map(str, sorted(self.father)))
        maternal = self.mother[self.picks[0]]
        if x_linked and male:
            return str(1 if self.de_novo else maternal), mother, father
        paternal = self.father[0] if x_linked else self.father[self.picks[1]]
        alleles = (0, 1) if self.de_novo else tuple(sorted((maternal, paternal)))
        return f"{alleles[0]}/{alleles[1]}", mother, father


def disease_genes() -> tuple[list[str], set[str]]:
    """Symbols of the HPO gene-disease list, and which of them have an X-linked disease."""
    from rarevar.phenotype.hpo import gene_diseases

    genes, x_linked = [], set()
    for symbol, diseases in sorted(gene_diseases().items()):
        modes = {m for d in diseases for m in d.get("inheritance", [])}
        if not re.fullmatch(r"[A-Z0-9][A-Za-z0-9-]*", symbol) or modes & {"Y-linked", "mitochondrial"}:
            continue
        genes.append(symbol)
        if any(m.startswith("X-linked") for m in modes):
            x_linked.add(symbol)
    return genes, x_linked


class Draw:
    """Seeded positions, alleles and HGVS of background records; never near an avoided position."""

    def __init__(self, seed: int, avoid: dict[str, np.ndarray]):
        from rarevar.phenotype.hpo import gene_ids

        self.rng = np.random.default_rng(seed)
        self.genes, x_linked = disease_genes()
        self.x_genes = [g for g in self.genes if g in x_linked]
        self.autosomal_genes = [g for g in self.genes if g not in x_linked]
        self.ids = gene_ids()
        self.avoid = avoid
        self.used: set[tuple[str, int]] = set()
        self.loci: dict[str, tuple[str, int]] = {}
        lengths = np.array([CONTIGS[c] for c in AUTOSOMES], dtype=float)
        self.autosome_weights = lengths / lengths.sum()

    def gene(self, x_linked: bool) -> str:
        pool = self.x_genes if x_linked else self.autosomal_genes
        return pool[int(self.rng.integers(len(pool)))]

    def locus(self, gene: str) -> tuple[str, int]:
        if gene not in self.loci:
            if gene in self.x_genes:
                chrom, (low, high) = "chrX", X_NONPAR
            else:
                chrom = AUTOSOMES[int(self.rng.choice(len(AUTOSOMES), p=self.autosome_weights))]
                low, high = 1_000_000, CONTIGS[chrom] - 1_000_000
            self.loci[gene] = (chrom, int(self.rng.integers(low, high - LOCUS_SPAN)))
        return self.loci[gene]

    def position(self, gene: str) -> tuple[str, int]:
        chrom, start = self.locus(gene)
        avoid = self.avoid.get(chrom, np.empty(0, dtype=np.int64))
        while True:
            pos = start + int(self.rng.integers(LOCUS_SPAN))
            crowded = any((chrom, p) in self.used for p in range(pos - 20, pos + 21))  # indels stay apart
            if not crowded and not np.any(np.abs(avoid - pos) <= AVOID_WINDOW):
                self.used.add((chrom, pos))
                return chrom, pos

    def base(self, other_than: str = "") -> str:
        choices = [b for b in BASES if b not in other_than]
        return choices[int(self.rng.integers(len(choices)))]

    def consequence(self, mix: dict[str, float]) -> str:
        terms = list(mix)
        return terms[int(self.rng.choice(len(terms), p=np.array(list(mix.values())) / sum(mix.values())))]

    def alleles_and_hgvs(self, consequence: str) -> tuple[str, str, str, str]:
        """REF, ALT, HGVS c. and p. fitting the consequence (indels keep their last base off the anchor, so they
        are left-aligned against any reference)."""
        rng = self.rng
        cds = int(rng.integers(4, 3000))
        codon = (cds + 2) // 3
        aa, other = rng.choice(len(AA), size=2, replace=False)
        ref = self.base()
        if consequence == "frameshift_variant":
            deleted = self.base(ref)
            return ref + deleted, ref, f"c.{cds}del", f"p.{AA[aa]}{codon}{AA[other]}fsTer{int(rng.integers(2, 40))}"
        if consequence == "inframe_deletion":
            deleted = self.base() + self.base() + self.base(ref)
            return ref + deleted, ref, f"c.{cds}_{cds + 2}del", f"p.{AA[aa]}{codon}del"
        alt = self.base(ref)
        change = f"{ref}>{alt}"
        hgvs_c, hgvs_p = {
            "missense_variant": (f"c.{cds}{change}", f"p.{AA[aa]}{codon}{AA[other]}"),
            "synonymous_variant": (f"c.{cds}{change}", f"p.{AA[aa]}{codon}="),
            "stop_gained": (f"c.{cds}{change}", f"p.{AA[aa]}{codon}Ter"),
            "splice_donor_variant": (f"c.{cds}+{int(rng.integers(1, 3))}{change}", ""),
            "splice_acceptor_variant": (f"c.{cds}-{int(rng.integers(1, 3))}{change}", ""),
            "splice_region_variant": (f"c.{cds}+{int(rng.integers(3, 9))}{change}", ""),
            "intron_variant": (f"c.{cds}+{int(rng.integers(20, 3000))}{change}", ""),
            "5_prime_UTR_variant": (f"c.-{int(rng.integers(1, 200))}{change}", ""),
            "3_prime_UTR_variant": (f"c.*{int(rng.integers(1, 2000))}{change}", ""),
        }[consequence]
        return ref, alt, hgvs_c, hgvs_p

    def record(self, gene: str, mix: dict[str, float], mother, father, picks, af, de_novo=False) -> Record:
        chrom, pos = self.position(gene)
        consequence = self.consequence(mix)
        ref, alt, hgvs_c, hgvs_p = self.alleles_and_hgvs(consequence)
        transcript = f"NM_9{self.genes.index(gene):05d}.1"  # synthetic transcript ids (NM_9xxxxx)
        csq = csq_entry(ref, alt, consequence, gene, str(self.ids.get(gene, "")), transcript,
                        f"{transcript}:{hgvs_c}", f"NP_9{self.genes.index(gene):05d}.1:{hgvs_p}" if hgvs_p else "")
        return Record(chrom, pos, ref, alt, gene, csq, mother, father, picks, af, de_novo)  # fmt: skip

    def rare_af(self, observed_fraction: float) -> float | None:
        if self.rng.random() >= observed_fraction:
            return None
        return float(math.exp(self.rng.uniform(math.log(1 / POPULATION_AN), math.log(0.01))))


def draw_background(seed: int, avoid: dict[str, np.ndarray], spectrum: Spectrum = Spectrum()) -> list[Record]:
    """The background trio's records, sorted; the same for the same seed and avoided positions."""
    d = Draw(seed, avoid)
    s = spectrum
    het, none = (1, 0), (0, 0)
    records = []

    def rare() -> float | None:
        return d.rare_af(s.observed_fraction)

    for transmitted, n in ((True, s.transmitted), (False, s.untransmitted)):
        for _ in range(n):
            from_mother = bool(d.rng.random() < 0.5)
            pick = 0 if transmitted else 1
            mother, father = (het, none) if from_mother else (none, het)
            records.append(d.record(d.gene(False), RARE_MIX, mother, father, (pick, pick), rare()))
    for _ in range(s.de_novo):
        gene = d.gene(False)
        records.append(d.record(gene, RARE_MIX, none, none, (0, 0), None, de_novo=True))
    for _ in range(s.homozygous):
        records.append(d.record(d.gene(False), RARE_MIX, het, het, (0, 0), rare()))
    for _ in range(s.compound_pairs):
        gene = d.gene(False)
        coding = {k: v for k, v in RARE_MIX.items() if k not in ("intron_variant", "5_prime_UTR_variant",
                                                                 "3_prime_UTR_variant")}  # fmt: skip
        records.append(d.record(gene, coding, het, none, (0, 0), rare()))
        records.append(d.record(gene, coding, none, het, (0, 0), rare()))
    for i in range(s.x_maternal):
        records.append(d.record(d.gene(True), RARE_MIX, het, (0,), (i % 2, 0), rare()))
    for _ in range(s.x_paternal):
        records.append(d.record(d.gene(True), RARE_MIX, (0, 0), (1,), (0, 0), rare()))
    while sum(1 for r in records if r.af is not None and r.af > 0.01) < s.common:
        af = float(d.rng.uniform(0.011, 0.95))
        x_linked = bool(d.rng.random() < 0.04)
        mother = tuple(int(h) for h in d.rng.random(2) < af)
        father = tuple(int(h) for h in d.rng.random(1 if x_linked else 2) < af)
        if not any(mother) and not any(father):
            continue  # nobody in the family carries it: not in the family's VCF
        picks = (int(d.rng.integers(2)), int(d.rng.integers(2)))
        records.append(d.record(d.gene(x_linked), COMMON_MIX, mother, father, picks, af))
    order = {name: i for i, name in enumerate(CONTIGS)}
    return sorted(records, key=lambda r: (order[r.chrom], r.pos))


# --- files ---------------------------------------------------------------------------------------------------


def write_family_vcf(records: list[Record], male: bool, seed: int, path: Path) -> None:
    """bgzipped, indexed trio VCF (GT:AD:DP:GQ, CSQ); the same read depths for both sexes of the proband."""
    rng = np.random.default_rng(seed + 1)
    lines = header_lines(CONTIGS)
    for r in records:
        lines.append(record_line(r.chrom, r.pos, r.ref, r.alt, r.csq, [format_call(g, rng) for g in r.genotypes(male)]))
    with BGZFile(str(path), "wb") as out:
        out.write(("\n".join(lines) + "\n").encode())
    bcftools("index", "-t", "-f", str(path))


def write_population(records: list[Record], path: Path, reference: Path) -> None:
    """gnomAD-style sites VCF of the background's observed alleles, built into rarevar's frequency store."""
    from rarevar.resources.frequency_store import build_frequency_store

    rng = np.random.default_rng(len(records))
    sites = path.with_name(f"{path.stem}.sites.vcf.gz")
    lines = ["##fileformat=VCFv4.2", *(f"##contig=<ID={n},length={length}>" for n, length in CONTIGS.items()),
             '##INFO=<ID=AC,Number=A,Type=Integer,Description="Alternate allele count">',
             '##INFO=<ID=AN,Number=1,Type=Integer,Description="Total number of alleles">',
             '##INFO=<ID=AF,Number=A,Type=Float,Description="Alternate allele frequency">',
             '##INFO=<ID=AF_grpmax,Number=A,Type=Float,Description="Maximum allele frequency across groups">',
             '##INFO=<ID=nhomalt,Number=A,Type=Integer,Description="Count of homozygous individuals">',
             "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO"]  # fmt: skip
    for r in records:
        if r.af is None:
            continue
        ac = max(1, round(r.af * POPULATION_AN))
        grpmax = min(1.0, r.af * float(rng.uniform(1.0, 2.5)))
        info = f"AC={ac};AN={POPULATION_AN};AF={ac / POPULATION_AN:.6g};AF_grpmax={grpmax:.6g};" \
               f"nhomalt={round(r.af * r.af * POPULATION_AN / 2)}"  # fmt: skip
        lines.append(f"{r.chrom}\t{r.pos}\t.\t{r.ref}\t{r.alt}\t.\tPASS\t{info}")
    with BGZFile(str(sites), "wb") as out:
        out.write(("\n".join(lines) + "\n").encode())
    build_frequency_store(str(sites), str(path), str(reference))
    sites.unlink()


def write_reference(path: Path, alleles: dict[str, dict[int, str]]) -> None:
    """bgzipped FASTA (+ .fai, .gzi) of GRCh38's chromosomes: N except the given bases (chrom -> pos -> base).
    Only the 600 kb chunks holding a base are built; the rest is one pre-built block of N lines."""
    blank = (b"N" * LINE + b"\n") * CHUNK_LINES
    fai = []
    offset = 0
    with BGZFile(str(path), "wb1", index=f"{path}.gzi") as out:
        for name, length in CONTIGS.items():
            header = f">{name}\n".encode()
            out.write(header)
            offset += len(header)
            fai.append(f"{name}\t{length}\t{offset}\t{LINE}\t{LINE + 1}\n")
            bases = alleles.get(name, {})
            positions = np.array(sorted(bases), dtype=np.int64) - 1
            chunk_of = positions // (LINE * CHUNK_LINES)
            lines_total = -(-length // LINE)
            for chunk_start in range(0, lines_total, CHUNK_LINES):
                chunk = chunk_start // CHUNK_LINES
                n_lines = min(CHUNK_LINES, lines_total - chunk_start)
                block = np.frombuffer(blank, dtype=np.uint8)[: n_lines * (LINE + 1)].copy().reshape(n_lines, LINE + 1)
                for index in positions[chunk_of == chunk]:
                    block[index // LINE - chunk_start, index % LINE] = ord(bases[int(index) + 1])
                if chunk_start + n_lines == lines_total and length % LINE:
                    flat = block.ravel()[: (n_lines - 1) * (LINE + 1) + length % LINE]
                    data = flat.tobytes() + b"\n"
                else:
                    data = block.tobytes()
                out.write(data)
                offset += len(data)
    Path(f"{path}.fai").write_text("".join(fai), encoding="utf-8")


def reference_alleles(records: list[Record], cases) -> dict[str, dict[int, str]]:
    """The REF bases the reference must hold: every background record's and every case's causal variant's."""
    alleles: dict[str, dict[int, str]] = {}
    spans = [(r.chrom, r.pos, r.ref) for r in records]
    spans += [(v.chrom, v.pos, v.ref) for case in cases for v in case.variants]
    for chrom, pos, ref in spans:
        for i, base in enumerate(ref.upper()):
            alleles.setdefault(chrom, {})[pos + i] = base
    return alleles


def avoided_positions(cases) -> dict[str, np.ndarray]:
    out: dict[str, list[int]] = {}
    for case in cases:
        for v in case.variants:
            out.setdefault(v.chrom, []).append(v.pos)
    return {chrom: np.array(sorted(p), dtype=np.int64) for chrom, p in out.items()}


def write_manifest(folder: Path, names: list[str]) -> None:
    """Checksums of the generated resources, so each rank stage reads them instead of hashing the files again."""
    from rarevar.resources.gene_disease import sha256

    files = [{"name": n, "size": (folder / n).stat().st_size, "sha256": sha256(folder / n)} for n in names]
    (folder / "manifest.json").write_text(json.dumps({"files": files}, indent=1), encoding="utf-8")
