"""`rarevar cohort add|remove|stats|export` for labs, and the workflow's `cohort-annotate` stage."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pysam

from rarevar.base.funnel import write_json_atomic
from rarevar.base.genome import BUILDS
from rarevar.errors import InputError


def register(sub) -> None:
    cohort = sub.add_parser("cohort", help="the local cohort frequency database (families a lab has processed)")
    what = cohort.add_subparsers(dest="cohort_command", required=True)

    p = what.add_parser("add", help="add a family, or replace its earlier contribution")
    p.add_argument("--db", required=True, help="SQLite file (created when missing)")
    p.add_argument("--vcf", required=True, help="the family's VCF/BCF (biallelic, or give --reference)")
    p.add_argument("--ped", required=True)
    p.add_argument("--family", required=True, help="family id in the database (the PED family, or any id)")
    p.add_argument("--build", default="GRCh38", choices=list(BUILDS), help="for the chrX pseudo-autosomal regions")
    p.add_argument("--min-gq", type=int, default=20, help="genotypes below this GQ are not counted")
    p.add_argument("--reference", help="FASTA: split multi-allelics and left-align before loading")
    p.add_argument("--force", action="store_true", help="load even if the same calls are in under another id")
    p.add_argument("--summary", help="write what was loaded to this JSON file")
    p.set_defaults(cohort_handler=_add)

    p = what.add_parser("remove", help="remove a family's contribution")
    p.add_argument("--db", required=True)
    p.add_argument("--family", required=True)
    p.set_defaults(cohort_handler=_remove)

    p = what.add_parser("stats", help="families, samples and variants in the database")
    p.add_argument("--db", required=True)
    p.set_defaults(cohort_handler=_stats)

    p = what.add_parser("export", help="the counts as a sites file (.bcf or .vcf.gz, indexed)")
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--exclude", default="", help="comma-separated family ids to leave out")
    p.set_defaults(cohort_handler=_export)

    p = sub.add_parser("cohort-annotate", help="stage: local cohort counts and the recurrence filter")
    for name in ("vcf", "db", "annotated", "out", "funnel"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--exclude", default="", help="comma-separated family ids left out of the counts")
    p.add_argument("--max-families", type=int)
    p.add_argument("--max-frequency", type=float)
    p.add_argument("--create", action="store_true", help="start an empty database when it does not exist")
    p.set_defaults(cohort_handler=_annotate)


def _ids(text: str) -> set[str]:
    return {f for f in text.split(",") if f}


def _add(args) -> int:
    from rarevar.annotate.cohort_db import add_family
    from rarevar.inputs.normalize import normalize
    from rarevar.inputs.pedigree import family_for

    pedigree = family_for(args.ped, args.family)
    with tempfile.TemporaryDirectory(prefix="rarevar-cohort-norm-") as tmp:
        vcf = args.vcf
        if args.reference:
            with pysam.VariantFile(vcf) as handle:
                in_vcf = set(handle.header.samples)
            samples = [s for s in pedigree.samples if s in in_vcf]
            if not samples:
                raise InputError(vcf, "none of the PED samples are in the VCF", "Make the PED sample ids match")
            vcf = str(Path(tmp) / "normalized.bcf")
            normalize(args.vcf, samples, args.reference, vcf, str(Path(tmp) / "funnel.json"))
        summary = add_family(args.db, args.family, vcf, pedigree, args.build, args.min_gq, args.force)
    summary["source"] = str(args.vcf)
    if args.summary:
        write_json_atomic(args.summary, summary)
    verb = "replaced" if summary["replaced"] else "added"
    print(f"rarevar: family {args.family} {verb}: {len(summary['samples'])} samples, {summary['variants']} variants")
    return 0


def _remove(args) -> int:
    from rarevar.annotate.cohort_db import remove_family

    if not remove_family(args.db, args.family):
        raise InputError(args.db, f"family '{args.family}' is not in the database", "See `rarevar cohort stats`")
    print(f"rarevar: family {args.family} removed")
    return 0


def _stats(args) -> int:
    from rarevar.annotate.cohort_db import stats

    print(json.dumps(stats(args.db), indent=1))
    return 0


def _export(args) -> int:
    from rarevar.annotate.cohort_db import export_sites

    if not args.out.endswith((".bcf", ".vcf.gz")):
        raise InputError(args.out, "unknown output type", "Name the output .bcf or .vcf.gz")
    summary = export_sites(args.db, args.out, _ids(args.exclude))
    print(f"rarevar: counts of {summary['n_families']} families written to {args.out}")
    return 0


def _annotate(args) -> int:
    from rarevar.annotate.cohort import annotate_and_filter

    annotate_and_filter(args.vcf, args.db, _ids(args.exclude), args.max_families, args.max_frequency,
                        args.annotated, args.out, args.funnel, args.create)  # fmt: skip
    return 0
