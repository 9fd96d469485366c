"""How long the scores stage takes on one family's rare records: tabix look-ups per record into a CADD-format
table, against a plain copy of the same records (the pass-through the stage does without score files).

    python benchmarks/scores_lookup.py [--rows 1000000] [--records 5000] [--repeats 3]

Builds a CADD-format table (`#Chrom Pos Ref Alt RawScore PHRED`, every position of one chromosome with three
alternative alleles, bgzipped + tabix-indexed) and a VCF of records at random positions of it in a temporary
folder, then prints the medians of `annotate_scores` with and without the table.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import pysam

from rarevar.annotate.scores import annotate_scores

BASES = "ACGT"


def csi_copy(table: str, min_shift: int) -> str:
    """The same table indexed as CSI with finer bins (`tabix -C -m N`): a query scans less of its window."""
    copy = str(Path(table).with_name(f"csi{min_shift}_{Path(table).name}"))
    Path(copy).write_bytes(Path(table).read_bytes())
    pysam.tabix_index(copy, seq_col=0, start_col=1, end_col=1, meta_char="#", csi=True, min_shift=min_shift)
    return copy


def build_table(folder: Path, rows: int, rng: random.Random) -> tuple[str, list[str]]:
    positions = rows // 3
    reference = [rng.choice(BASES) for _ in range(positions)]
    plain = folder / "whole_genome_SNVs.tsv"
    with open(plain, "w") as handle:
        handle.write("## CADD-format benchmark table\n#Chrom\tPos\tRef\tAlt\tRawScore\tPHRED\n")
        for i, ref in enumerate(reference, start=1):
            for alt in BASES:
                if alt != ref:
                    handle.write(f"1\t{i}\t{ref}\t{alt}\t0.1\t{rng.uniform(0, 40):.3f}\n")
    table = str(folder / "whole_genome_SNVs.tsv.gz")
    pysam.tabix_compress(str(plain), table, force=True)
    pysam.tabix_index(table, seq_col=0, start_col=1, end_col=1, meta_char="#", force=True)
    plain.unlink()
    return table, reference


def build_vcf(folder: Path, reference: list[str], records: int, rng: random.Random) -> str:
    header = pysam.VariantHeader()
    header.contigs.add("chr1", length=len(reference))
    path = str(folder / "rare.bcf")
    with pysam.VariantFile(path, "wb", header=header) as vcf:
        for pos in sorted(rng.sample(range(1, len(reference) + 1), records)):
            ref = reference[pos - 1]
            alt = rng.choice([b for b in BASES if b != ref])
            vcf.write(header.new_record(contig="chr1", start=pos - 1, alleles=(ref, alt)))
    pysam.bcftools.index(path)
    return path


def median_seconds(run, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--records", type=int, default=5_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--min-shift", type=int, default=10, help="CSI bins of 2^N bp for the re-indexed copy")
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        table, reference = build_table(folder, args.rows, rng)
        vcf = build_vcf(folder, reference, args.records, rng)
        out = str(folder / "scores.bcf")
        variants = {
            "pass-through (no score file)": [],
            "CADD table, .tbi as published": [{"name": "cadd", "path": table}],
            f"CADD table, .csi -m {args.min_shift}": [{"name": "cadd", "path": csi_copy(table, args.min_shift)}],
        }
        scored = annotate_scores(vcf, out, variants["CADD table, .tbi as published"], ["chr1"])["cadd"]
        timings = {
            label: median_seconds(lambda sources=sources: annotate_scores(vcf, out, sources, ["chr1"]), args.repeats)
            for label, sources in variants.items()
        }
    print(f"table rows: {args.rows:,} (3 per position); records: {args.records:,}; scored: {scored:,}")
    base = timings["pass-through (no score file)"]
    for label, seconds in timings.items():
        per_record = (seconds - base) / args.records * 1e3
        print(f"{label:32s} {seconds:8.3f} s  ({per_record:.2f} ms per record over the pass-through)")


if __name__ == "__main__":
    main()
