"""Inheritance modes on a simulated trio: rarevar against genmod (`genmod annotate -r` + `genmod models -p 2`).

Both read the same records: the simulated trio, multi-allelic records split, annotated with genes by
`genmod annotate -r`; rarevar takes its genes from that `Annotation` field, so both use the same gene
assignment. Prints wall time, peak memory, the speed ratio and, per mode, how often the two agree.

    python benchmarks/inheritance_vs_genmod.py                  # 1,000,000 records (genmod takes ~10 minutes)
    python benchmarks/inheritance_vs_genmod.py --records 20000  # a quick run
    python benchmarks/inheritance_vs_genmod.py --rarevar-only   # without genmod (pip install -e ".[bench]")

Targets: rarevar >= 50x faster than genmod, peak memory < 1 GB.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
from measure import measure, python_step, show

# genmod's models -> rarevar's modes. genmod (not --strict) lets a no-call fit, as rarevar's "possible" does.
GENMOD_TO_RAREVAR = {
    "AD": "autosomal_dominant",
    "AD_dn": "de_novo",
    "AR_hom": "autosomal_recessive",
    "AR_hom_dn": "uniparental_isodisomy",  # hom-alt child of a non-carrier parent
    "AR_comp": "compound_heterozygous",
    "AR_comp_dn": "compound_heterozygous",
    "XR": "x_linked_recessive",
    "XR_dn": "x_linked_de_novo",
    "XD": "x_linked_dominant",
    "XD_dn": "x_linked_de_novo",
}
COMPARED = sorted(set(GENMOD_TO_RAREVAR.values()))

# The rarevar step, run in its own interpreter so that its time and memory are its own.
RAREVAR_STEP = """
import sys
import numpy as np
from rarevar.family.genotype_table import read_genotype_table
from rarevar.family.inheritance import inheritance_modes
from rarevar.inputs.pedigree import read_ped

vcf, ped, build, out = sys.argv[1:]
table = read_genotype_table(vcf, ("Annotation",), first_only=True)  # the first gene genmod names
family = next(iter(read_ped(ped).values()))
gene = table.info["Annotation"]
result = inheritance_modes(table.gt, table.samples, family, table.chrom, table.pos, gene, build)
fits = {mode: result.modes[mode] | result.possible[mode] for mode in result.modes}
np.savez(out, chrom=table.chrom, pos=table.pos, ref=table.ref, alt=table.alt, **fits)
"""


def genmod_command() -> str | None:
    beside = Path(sys.executable).with_name("genmod")
    return str(beside) if beside.exists() else shutil.which("genmod")


def genmod_models(path: Path, keys: np.ndarray) -> tuple[dict[str, np.ndarray], list[str]]:
    """rarevar mode -> bool per record of `keys`: genmod gave that record a model mapped to the mode; and each
    record as 'chrom:pos ref>alt genotypes genes models' for the examples of disagreement. genmod may write the
    split alleles of one site in another order, so records are matched by chrom:pos:ref>alt."""
    import cyvcf2

    index = {key: i for i, key in enumerate(keys)}
    rows, shown = [set() for _ in keys], ["" for _ in keys]
    for variant in cyvcf2.VCF(str(path)):
        i = index[f"{variant.CHROM}:{variant.POS}:{variant.REF}>{variant.ALT[0]}"]
        value = variant.INFO.get("GeneticModels") or ""
        models = {m for family in value.split(",") for m in family.split(":", 1)[-1].split("|") if m}
        rows[i] = {GENMOD_TO_RAREVAR[m] for m in models if m in GENMOD_TO_RAREVAR}
        calls, listed = " ".join(variant.gt_bases), "|".join(sorted(models))
        genes = variant.INFO.get("Annotation") or "-"
        shown[i] = f"{variant.CHROM}:{variant.POS} {variant.REF}>{variant.ALT[0]} {calls} {genes} [{listed}]"
    return {mode: np.array([mode in r for r in rows], dtype=bool) for mode in COMPARED}, shown


def examples(ours: dict[str, np.ndarray], theirs: dict[str, np.ndarray], shown: list[str], n: int) -> None:
    print("\nExamples of disagreement (genotypes of proband, mother, father; genes; genmod's models):")
    for mode in COMPARED:
        for label, where in (("genmod only", theirs[mode] & ~ours[mode]), ("rarevar only", ours[mode] & ~theirs[mode])):
            for i in np.flatnonzero(where)[:n]:
                print(f"  {mode} {label}: {shown[i]}")


def agreement(ours: dict[str, np.ndarray], theirs: dict[str, np.ndarray]) -> float:
    print("\nAgreement per mode (records; rarevar counts fits and possible fits):")
    print(f"  {'mode':<24} {'both':>8} {'genmod only':>12} {'rarevar only':>13} {'neither':>10}")
    agree = np.ones(len(next(iter(theirs.values()))), dtype=bool)
    for mode in COMPARED:
        a, b = ours[mode], theirs[mode]
        agree &= a == b
        print(f"  {mode:<24} {int((a & b).sum()):>8} {int((~a & b).sum()):>12} {int((a & ~b).sum()):>13} "
              f"{int((~a & ~b).sum()):>10}")  # fmt: skip
    print(f"  records where every compared mode agrees: {agree.mean():.4%}")
    return float(agree.mean())


def simulate(work: Path, records: int, build: str, seed: int) -> Path:
    from rarevar.base.bcftools import bcftools
    from rarevar.simulate.genome import simulate_genome

    truth = simulate_genome(work / "sim", records, build, seed, population_sites=0)
    split = work / "split.vcf.gz"  # one ALT per record, as rarevar's inputs are after normalisation
    bcftools("norm", "--no-version", "-m", "-any", "-Oz", "-o", str(split), str(work / "sim" / "trio.vcf.gz"))
    print(f"simulated {records:,} records ({build}, seed {seed}); planted {truth['causal']}")
    return split


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--build", default="GRCh37", choices=["GRCh37", "GRCh38"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rarevar-only", action="store_true", help="time rarevar alone (no genmod installed)")
    parser.add_argument("--workdir", help="folder for the temporary files (default: the system's)")
    parser.add_argument("--examples", type=int, default=2, help="records shown per kind of disagreement")
    args = parser.parse_args(argv)
    genmod = None if args.rarevar_only else genmod_command()
    if not args.rarevar_only and genmod is None:
        parser.error('genmod is not installed: pip install -e ".[bench]", or give --rarevar-only')

    with tempfile.TemporaryDirectory(prefix="rarevar-bench-", dir=args.workdir) as tmp:
        work = Path(tmp)
        split = simulate(work, args.records, args.build, args.seed)
        ped = work / "sim" / "trio.ped"
        measures = []
        annotated = split
        if genmod:
            annotated = work / "annotated.vcf"
            number = args.build[-2:]
            measures.append(measure("genmod annotate -r", [genmod, "annotate", "-r", "-b", number, str(split),
                                                           "-o", str(annotated)]))  # fmt: skip
            models_vcf = str(work / "models.vcf")
            measures.append(measure("genmod models -p 2", [genmod, "models", "-p", "2", "-f", str(ped),
                                                           str(annotated), "-o", models_vcf]))  # fmt: skip
        ours = work / "rarevar.npz"
        measures.append(measure("rarevar inheritance", python_step(RAREVAR_STEP, str(annotated), str(ped), args.build,
                                                                   str(ours))))  # fmt: skip
        with np.load(ours) as saved:
            fits = {mode: saved[mode] for mode in COMPARED}
            keys = [f"{c}:{p}:{r}>{a}" for c, p, r, a in zip(saved["chrom"], saved["pos"].tolist(), saved["ref"],
                                                               saved["alt"], strict=True)]  # fmt: skip
            records = len(keys)
        print(f"\n{records:,} records (multi-allelic split), {args.build}:")
        show(measures, records)
        rarevar_m = measures[-1]
        figures = {"records": records, "rarevar_s": rarevar_m.wall, "rarevar_peak_mib": rarevar_m.peak_mib,
                   "rarevar_fits": {m: int(v.sum()) for m, v in fits.items()}}  # fmt: skip
        if genmod:
            models, both = measures[1], measures[0].wall + measures[1].wall
            print(f"speed: rarevar {models.wall / rarevar_m.wall:.1f}x faster than genmod models "
                  f"({both / rarevar_m.wall:.1f}x than annotate + models); target >= 50x; in CPU time "
                  f"{models.cpu / rarevar_m.cpu:.1f}x")  # fmt: skip
            print(f"peak memory: rarevar {rarevar_m.peak_mib:.0f} MiB (target < 1024), genmod models "
                  f"{models.peak_mib:.0f} MiB per process")  # fmt: skip
            theirs, shown = genmod_models(work / "models.vcf", keys)
            figures.update(genmod_models_s=models.wall, genmod_annotate_s=measures[0].wall,
                           ratio=models.wall / rarevar_m.wall, cpu_ratio=models.cpu / rarevar_m.cpu,
                           agreement=agreement(fits, theirs))  # fmt: skip
            examples(fits, theirs, shown, args.examples)
        else:
            print(f"peak memory: rarevar {rarevar_m.peak_mib:.0f} MiB (target < 1024); genmod not run")
        print("figures: " + json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
