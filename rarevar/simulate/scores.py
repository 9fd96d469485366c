"""A CADD-format score file for the demo: the published layout (`#Chrom Pos Ref Alt RawScore PHRED`, contigs
without 'chr', bgzipped and tabix-indexed), with SIMULATED scores for every SNV allele of the demo trio that lies
in or near a coding exon, so the scores stage and PP3/BP4 show in the demo report.

The planted causal missense gets a damaging-range PHRED and the loss-of-function decoy a higher one, as CADD
scores such variants; everything else is drawn from a seeded generator of its own (the rest of the demo's
random stream is untouched).
"""

from __future__ import annotations

import gzip
import random
from pathlib import Path

import pysam

from rarevar.base.genome import strip_chr

CADD_FILE = "cadd_simulated.tsv.gz"
HEADER = (
    "## CADD-format file with SIMULATED scores for the rarevar demo (not CADD output)",
    "#Chrom\tPos\tRef\tAlt\tRawScore\tPHRED",
)
NEAR_CDS = 10  # bases either side of a CDS piece: splice-region SNVs are scored too
PLANTED_PHRED = {"causal": 29.6, "unrelated_gene": 38.0}


def _coding_intervals(genes: Path) -> dict[str, list[tuple[int, int]]]:
    intervals: dict[str, list[tuple[int, int]]] = {}
    with gzip.open(genes, "rt") as handle:
        for line in handle:
            fields = line.split("\t")
            if len(fields) > 4 and fields[2] == "CDS":
                intervals.setdefault(fields[0], []).append((int(fields[3]) - NEAR_CDS, int(fields[4]) + NEAR_CDS))
    return intervals


def _planted(truth: dict) -> dict[tuple, float]:
    decoys = {d["kind"]: d for d in truth["decoys"]}
    chosen = {"causal": truth, "unrelated_gene": decoys["unrelated_gene"]}
    return {(v["chrom"], v["pos"], v["ref"], v["alt"]): PLANTED_PHRED[k] for k, v in chosen.items()}


def demo_cadd_rows(out_dir: Path, truth: dict, seed: int) -> list[tuple[str, int, str, str, float, float]]:
    rng = random.Random(f"{seed}:cadd")
    coding = _coding_intervals(out_dir / "genes.gff3.gz")
    planted = _planted(truth)
    rows = []
    with pysam.VariantFile(str(out_dir / "trio.vcf.gz")) as vcf:
        contigs = list(vcf.header.contigs)
        for record in vcf:
            if not any(lo <= record.pos <= hi for lo, hi in coding.get(record.chrom, ())):
                continue
            for alt in record.alts or ():
                if len(record.ref) != 1 or len(alt) != 1:
                    continue  # CADD publishes SNVs and indels in separate files; the demo scores SNVs only
                phred = planted.get((record.chrom, record.pos, record.ref, alt)) or round(rng.uniform(0.5, 26.0), 3)
                raw = round(phred / 10 - 1.2, 6)  # CADD's raw score rises with PHRED; its scale is immaterial here
                rows.append((record.chrom, record.pos, record.ref, alt, raw, phred))
    order = {name: i for i, name in enumerate(contigs)}
    return sorted(rows, key=lambda r: (order[r[0]], r[1], r[3]))


def write_demo_cadd(out_dir: Path, truth: dict, seed: int) -> int:
    """Write CADD_FILE (+ .tbi) into out_dir; return the number of scored alleles."""
    rows = demo_cadd_rows(out_dir, truth, seed)
    plain = out_dir / "cadd_simulated.tsv"
    lines = [*HEADER, *(f"{strip_chr(c)}\t{p}\t{r}\t{a}\t{raw:g}\t{phred:g}" for c, p, r, a, raw, phred in rows)]
    plain.write_text("\n".join(lines) + "\n", encoding="utf-8")
    target = out_dir / CADD_FILE
    pysam.tabix_compress(str(plain), str(target), force=True)
    plain.unlink()
    pysam.tabix_index(str(target), seq_col=0, start_col=1, end_col=1, meta_char="#", force=True)
    return len(rows)
