"""Local cohort database: ingest rate, export time, and the streaming join against one SQL query per variant.

    python benchmarks/cohort_bench.py --families 10 --variants 200000 --query 50000

Synthetic trios are written to a temporary folder: each carries `--variants` alleles drawn from a shared pool
(so alleles recur across families, as artefacts do). The query is a rare-survivor-sized VCF. Both annotation
methods are timed in the same run and their counts compared allele by allele.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

import numpy as np
import pysam

from rarevar.annotate.cohort import annotate_and_filter
from rarevar.annotate.cohort_db import INFO_HEADER, add_family, stats
from rarevar.base.bcftools import bcftools
from rarevar.inputs.pedigree import Individual, Pedigree

CONTIG, LENGTH = "chr1", 250_000_000
GENOTYPES = np.array(["0/0", "0/1", "1/1"])


def write_family(path: Path, sites: np.ndarray, rng: np.random.Generator) -> str:
    calls = GENOTYPES[rng.choice(3, size=(len(sites), 3), p=[0.3, 0.55, 0.15])]
    calls[:, 0] = np.where(calls[:, 0] == "0/0", "0/1", calls[:, 0])  # the proband carries every allele
    with open(path, "w") as handle:
        handle.write(f"##fileformat=VCFv4.2\n##contig=<ID={CONTIG},length={LENGTH}>\n"
                     '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                     "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tkid\tdad\tmum\n")  # fmt: skip
        handle.writelines(
            f"{CONTIG}\t{pos}\t.\tA\tG\t.\t.\t.\tGT\t{a}\t{b}\t{c}\n"
            for pos, (a, b, c) in zip(sites, calls, strict=True)
        )
    # BCF, as the workflow's normalize stage writes it.
    bcf = f"{path}.bcf"
    bcftools("view", "--no-version", "-Ob", "-o", bcf, "-W", pysam.tabix_index(str(path), preset="vcf", force=True))
    return bcf


def trio(name: str) -> Pedigree:
    members = [Individual(name, "kid", "dad", "mum", "male", "affected"),
               Individual(name, "dad", None, None, "male", "unaffected"),
               Individual(name, "mum", None, None, "female", "unaffected")]  # fmt: skip
    return Pedigree(name, members)


def per_variant_queries(db: Path, query: str, exclude: str, out: str) -> None:
    """The approach avoided: read the VCF, one indexed SQL look-up per record, write the annotated BCF."""
    with sqlite3.connect(db) as conn, pysam.VariantFile(query) as source:
        header = source.header.copy()
        for line in INFO_HEADER:
            header.add_line(line)
        with pysam.VariantFile(out, "wb", header=header) as sink:
            for record in source:
                record.translate(header)
                ac, hom, hemi, families = conn.execute(
                    "SELECT SUM(ac), SUM(hom), SUM(hemi), COUNT(*) FROM observations WHERE chrom = ? AND pos = ? "
                    "AND ref = ? AND alt = ? AND family_id != ?",
                    (record.chrom, record.pos, record.ref, record.alts[0], exclude),
                ).fetchone()
                if families:
                    record.info.update(COHORT_AC=ac, COHORT_HOM=hom, COHORT_HEMI=hemi, COHORT_FAMILIES=families)
                sink.write(record)


def families_per_site(path: str) -> dict[int, int]:
    with pysam.VariantFile(path) as handle:
        return {r.pos: r.info["COHORT_FAMILIES"][0] for r in handle if "COHORT_FAMILIES" in r.info}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=10)
    parser.add_argument("--variants", type=int, default=200_000, help="alleles per family")
    parser.add_argument("--query", type=int, default=50_000, help="records of the VCF to annotate")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    pool = np.sort(rng.choice(np.arange(1, LENGTH), size=args.variants * 3, replace=False))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        db = tmp / "cohort.sqlite"
        ingest = []
        for i in range(args.families):
            sites = np.sort(rng.choice(pool, size=args.variants, replace=False))
            vcf = write_family(tmp / f"F{i}.vcf", sites, rng)
            start = time.perf_counter()
            add_family(db, f"F{i}", vcf, trio(f"F{i}"), "GRCh38")
            ingest.append(time.perf_counter() - start)
        summary = stats(db)
        print(f"families {summary['families']}, samples {summary['samples']}, distinct alleles {summary['variants']}, "
              f"database {db.stat().st_size / 1e6:.1f} MB")  # fmt: skip
        print(f"ingest: median {np.median(ingest):.2f} s per family of {args.variants} records "
              f"({args.variants / np.median(ingest):,.0f} records/s)")  # fmt: skip

        query_sites = np.sort(rng.choice(pool, size=args.query, replace=False))
        query = write_family(tmp / "Q.vcf", query_sites, rng)
        out = str(tmp / "q.bcf")
        start = time.perf_counter()
        annotate_and_filter(query, str(db), {"Q"}, None, None, str(tmp / "qa.bcf"), out, str(tmp / "f.json"))
        first = time.perf_counter() - start
        start = time.perf_counter()
        annotate_and_filter(query, str(db), {"Q"}, None, None, str(tmp / "qa.bcf"), out, str(tmp / "f.json"))
        cached = time.perf_counter() - start
        start = time.perf_counter()
        per_variant_queries(db, query, "Q", str(tmp / "looked_up.bcf"))
        lookups = time.perf_counter() - start
        joined, looked_up = families_per_site(out), families_per_site(str(tmp / "looked_up.bcf"))
        agree = "agree" if joined == looked_up else f"DISAGREE ({len(joined)} vs {len(looked_up)})"
        print(f"annotate {args.query} records: streaming join {first:.2f} s with export, {cached:.2f} s from the "
              f"cached sites file; one SQL query per record {lookups:.2f} s "
              f"({lookups / cached:.1f}x the cached join); counts {agree} on {len(joined)} alleles")  # fmt: skip


if __name__ == "__main__":
    main()
