"""How fast the regenotype stage fills missing genotypes from gVCFs, against a plain pass-through copy.

Usage: python benchmarks/regenotype.py [--records 5000] [--blocks 300000]
Writes a trio BCF whose mother and father are ./. at every record, and a GATK-style gVCF per parent
(reference blocks of 50-500 bp with a variant record now and then), into a temporary folder.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import pysam

from rarevar.family.regenotype import regenotype

CONTIG_LENGTH = 248_956_422
TRIO = ["proband", "mother", "father"]
FORMATS = [
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
]
GVCF_HEADER = [
    "##fileformat=VCFv4.2",
    '##ALT=<ID=NON_REF,Description="Represents any possible alternative allele at this location">',
    *FORMATS,
    '##FORMAT=<ID=MIN_DP,Number=1,Type=Integer,Description="Minimum DP observed within the GVCF block">',
    '##FORMAT=<ID=PL,Number=G,Type=Integer,Description="Phred-scaled genotype likelihoods">',
    '##INFO=<ID=END,Number=1,Type=Integer,Description="Stop position of the interval">',
    f"##contig=<ID=chr1,length={CONTIG_LENGTH}>",
]


def write_vcf(path: Path, header: list[str], samples: list[str], lines: list[str]) -> str:
    columns = "\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *samples])
    path.write_text("\n".join([*header, columns, *lines]) + "\n")
    return pysam.tabix_index(str(path), preset="vcf", force=True)


def gvcf(folder: Path, sample: str, blocks: int, rng: random.Random) -> tuple[str, int]:
    lines, pos = [], 1
    for _ in range(blocks):
        if rng.random() < 0.02:
            lines.append(
                f"chr1\t{pos}\t.\tA\tG,<NON_REF>\t300\t.\t.\tGT:AD:DP:GQ:PL\t0/1:15,14,0:29:99:400,0,420,450,460,900"
            )
            pos += 1
            continue
        end = pos + rng.randint(50, 500)
        gq = rng.choice((5, 20, 40, 99))
        lines.append(f"chr1\t{pos}\t.\tA\t<NON_REF>\t.\t.\tEND={end}\tGT:DP:GQ:MIN_DP:PL\t0/0:30:{gq}:25:0,{gq},900")
        pos = end + 1
    return write_vcf(folder / f"{sample}.g.vcf", GVCF_HEADER, [sample], lines), pos


def trio(folder: Path, records: int, span: int, rng: random.Random) -> str:
    positions = sorted(rng.sample(range(1, span), records))
    lines = [f"chr1\t{p}\t.\tA\tG\t300\tPASS\t.\tGT:AD:DP:GQ\t0/1:20,18:38:99\t./.:.:.:.\t./.:.:.:." for p in positions]
    vcf = write_vcf(folder / "trio.vcf", ["##fileformat=VCFv4.2", *FORMATS, GVCF_HEADER[-1]], TRIO, lines)
    bcf = folder / "trio.bcf"
    pysam.bcftools.view("-Ob", "-o", str(bcf), "-W", vcf, catch_stdout=False)
    return str(bcf)


def timed(function, *args) -> tuple[float, dict]:
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--blocks", type=int, default=300_000)
    args = parser.parse_args()
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        mother, span = gvcf(folder, "mother", args.blocks, rng)
        father, _ = gvcf(folder, "father", args.blocks, rng)
        vcf = trio(folder, args.records, span, rng)
        out, summary, funnel = (str(folder / name) for name in ("out.bcf", "summary.json", "funnel.json"))
        copy_seconds, _ = timed(regenotype, vcf, [], out, summary, funnel)
        fill_seconds, result = timed(regenotype, vcf, [mother, father], out, summary, funnel)
    lookups = result["filled"] + result["left_missing"]
    print(f"records: {args.records:,}; gVCF records per parent: {args.blocks:,} over {span:,} bp")
    print(f"pass-through (no gVCF): {copy_seconds:.2f} s")
    print(f"regenotype: {fill_seconds:.2f} s for {lookups:,} look-ups ({lookups / fill_seconds:,.0f} look-ups/s); "
          f"{result['filled']:,} filled, {result['left_missing']:,} left missing")  # fmt: skip
    print(f"ratio regenotype / pass-through: {fill_seconds / copy_seconds:.1f}x")


if __name__ == "__main__":
    main()
