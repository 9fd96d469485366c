"""The `rarevar` command: `run` drives the Snakemake workflow; the stage commands are what its rules call."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import NoReturn

from rarevar import __version__
from rarevar.base.bcftools import BcftoolsError
from rarevar.benchmark import cli as benchmark_cli
from rarevar.errors import InputError
from rarevar.phenotype import term_frequency
from rarevar.report.i18n import LANGUAGES
from rarevar.run import cohort_cli, resources_cli
from rarevar.run.lock import Stopped, exclusive, run_in_group
from rarevar.run.outcome import check_profile, disk_full
from rarevar.run.results_folder import mark, remove_stale_temporaries

REPO_ROOT = Path(__file__).resolve().parent.parent
SNAKEFILE = REPO_ROOT / "Snakefile"
LOCAL_PROFILE = REPO_ROOT / "workflow" / "profiles" / "local"
DEMO_OUT = "resources/demo"  # where `rarevar simulate` writes the demo unless --out says otherwise


def _shard_spec(text: str) -> str:
    from rarevar.run.shards import parse_shard

    try:
        parse_shard(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None
    return text


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:  # Snakemake would wait forever for a free core
        raise argparse.ArgumentTypeError(f"{value}: give 1 or more")
    return value


def _run_parser(sub) -> None:
    run = sub.add_parser("run", help="run the workflow on a families sheet (--config) or on one family")
    run.add_argument("--config", help="config YAML naming a families sheet (batch mode)")
    run.add_argument("--vcf", help="one family: its VCF/BCF")
    run.add_argument("--ped", help="one family: its PED file")
    run.add_argument("--hpo", help="one family: HPO terms 'HP:0001250;HP:0001263' or a Phenopacket JSON")
    run.add_argument("--out", help="one family: output directory (results go to OUT/<family_id>/)")
    run.add_argument("--gvcf", default="", help="one family (optional): comma-separated gVCFs of family members")
    run.add_argument("--build", choices=["GRCh37", "GRCh38", "demo"],
                     help="one family: the VCF's genome build (default: detected from the VCF's header). Without "
                          "--base-config no local resource is used: the VCF must carry its consequences (VEP, snpEff "
                          "or bcftools csq); demo: the bundled demo genome and resources")  # fmt: skip
    run.add_argument("--base-config",
                     help="one family: config supplying genome build, resources and thresholds (its relative paths "
                          "are relative to it)")  # fmt: skip
    run.add_argument("--cores", type=_positive_int, default=os.cpu_count() or 1)
    run.add_argument("--profile", help="Snakemake profile directory (default: workflow/profiles/local)")
    run.add_argument("snakemake_args", nargs=argparse.REMAINDER, help="after --: passed to Snakemake")
    run.error = _usage_error  # one line, like every other refusal, instead of argparse's usage block


def _usage_error(message: str) -> NoReturn:
    print(f"rarevar: error: command line: {message}. See `rarevar run --help`", file=sys.stderr)
    sys.exit(2)


def _stage_parsers(sub) -> None:
    p = sub.add_parser("validate", help="check the config, families sheet and every input; run nothing")
    p.add_argument("--config", required=True)

    p = sub.add_parser("normalize", help="stage: family samples, split multi-allelics, left-align")
    for name in ("vcf", "out", "funnel"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--reference", help="reference FASTA: left-align and check REF (without it: split only)")
    p.add_argument("--samples", required=True, help="comma-separated sample ids")
    p.add_argument("--shard", type=_shard_spec,
                   help="I/N: only the chromosomes of shard I of N (rarevar.run.shards; default: all)")  # fmt: skip
    p.add_argument("--allow-filter", action="append", default=[], metavar="NAME",
                   help="a FILTER name whose records are analysed like PASS ones (repeatable; default: PASS only)")
    p.add_argument("--clinvar", help="ClinVar store: FILTER-failed records it holds as (likely) pathogenic are flagged")

    p = sub.add_parser("gather", help="stage: a family's whole-genome shards joined (BCFs and funnel steps)")
    p.add_argument("--bcf", nargs="+", action="append", default=[], metavar=("OUT", "SHARD"),
                   help="OUT then one BCF per shard, in shard order (repeatable)")  # fmt: skip
    p.add_argument("--funnel", nargs="+", action="append", default=[], metavar=("OUT", "SHARD"),
                   help="OUT then the shards' funnel files of one stage, in order: summed step by step")

    p = sub.add_parser("qc", help="stage: sample QC (sex, relatedness, Mendelian errors, call rate)")
    p.add_argument("--vcf", nargs="+", required=True, help="the normalised VCF/BCF, or its shards in order")
    for name in ("ped", "family", "build", "out"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--settings", type=json.loads, default={}, help="QC thresholds as JSON (the config's qc)")

    p = sub.add_parser("frequency", help="stage: population frequency annotation and prefilter")
    for name in ("vcf", "annotated", "rare", "funnel"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--population", help="population store (optional: the input's own frequencies may serve)")
    p.add_argument("--max-af", type=float, required=True)
    p.add_argument("--clinvar", help="ClinVar store (optional)")
    p.add_argument("--annotations", default="{}", help="JSON: the config's `annotations` (input fields to read)")

    p = sub.add_parser("consequence", help="stage: consequences (bcftools csq or the input's own)")
    for name in ("vcf", "out", "funnel"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--reference", help="reference FASTA for bcftools csq (not needed for the input's own)")
    p.add_argument("--genes", help="GFF3 gene models for bcftools csq (not needed for the input's own)")
    p.add_argument("--source", default="auto", choices=["auto", "bcftools-csq", "input"])

    p = sub.add_parser("regenotype", help="stage: fill missing genotypes (./.) from the samples' gVCFs")
    for name in ("vcf", "out", "summary", "funnel"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--gvcf", nargs="*", default=[], help="gVCFs of family members (none: records pass through)")

    p = sub.add_parser("scores", help="stage: in-silico scores (CADD, REVEL, AlphaMissense, SpliceAI) into INFO")
    for name in ("vcf", "out", "summary"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--sources", default="[]", help="JSON list of {name, path, [build], [columns]}")

    p = sub.add_parser("candidates", help="stage: genotype gates and inheritance modes")
    for name in ("vcf", "ped", "family", "build", "settings", "out", "funnel", "modes"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--source", default="auto")
    p.add_argument("--genes", help="GFF3 gene models, for HGVS c. where the annotation has none")
    p.add_argument("--reference", help="reference FASTA (3' shifting of indels in HGVS)")
    p.add_argument("--constraint", help="gnomAD gene constraint table (optional)")

    p = sub.add_parser("rank", help="stage: phenotype match, ranking, candidates.json/.tsv/.vcf.gz")
    for name in (
        "candidates",
        "modes",
        "annotated",
        "family",
        "ped-family",
        "ped",
        "hpo",
        "qc",
        "settings",
        "resources",
        "out-json",
        "out-tsv",
        "out-vcf",
    ):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--funnel", nargs="+", required=True)
    p.add_argument("--scores", help="summary of the scores stage (which sources scored how many records)")

    p = sub.add_parser("report", help="stage: the HTML report, spreadsheet and Phenopacket from candidates.json")
    for name in ("candidates", "out", "xlsx", "phenopacket"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--language", choices=LANGUAGES, default="en", help="language of the report (default: en)")
    p.add_argument("--hpo-labels", help="translated HPO term labels (Babelon profile or term id/label TSV)")

    p = sub.add_parser("pdf", help="stage: report.pdf from report.html")
    for name in ("html", "out"):
        p.add_argument(f"--{name}", required=True)

    p = sub.add_parser("summary", help="stage: the batch summary page from every family's candidates.json")
    p.add_argument("--candidates", nargs="+", required=True)
    p.add_argument("--results", required=True, help="the results folder (links are relative to it)")
    p.add_argument("--out", required=True)
    p.add_argument("--language", choices=LANGUAGES, default="en", help="language of the page (default: en)")

    p = sub.add_parser("reanalyze", help="what changed between two runs of one family (reanalysis.html/.json)")
    p.add_argument("--previous", required=True, help="the earlier run's family folder, <results_dir>/<family_id>/")
    p.add_argument("--current", required=True, help="the new run's family folder")
    p.add_argument("--out", required=True, help="folder to write reanalysis.html and reanalysis.json into")
    p.add_argument("--language", choices=LANGUAGES, default="en", help="language of reanalysis.html (default: en)")

    p = sub.add_parser("simulate", help="build the bundled demo: miniature genome and simulated trio")
    p.add_argument("--out", help="folder to write into (default: resources/demo; required with --families)")
    p.add_argument(
        "--source-data",
        default=str(REPO_ROOT.parent / "shared" / "data"),
        help="folder of the public test data the miniature genome is assembled from",
    )
    p.add_argument("--seed", type=int, default=7)
    batch = p.add_argument_group("a batch of families (instead of the demo) on the demo's genome and resources")
    batch.add_argument("--families", type=int,
                       help="write N simulated families (trios, duos, singletons; one planted cause each), "
                            "families.tsv, config.yaml and truth.json to --out")  # fmt: skip
    batch.add_argument("--resources", default=str(REPO_ROOT / "resources" / "demo"),
                       help="the demo resources the families share (default: the bundled demo)")  # fmt: skip
    scale = p.add_argument_group("genome scale (instead of the demo): a simulated trio over a build's chromosomes")
    scale.add_argument("--genome-scale", action="store_true",
                       help="write trio.vcf.gz, trio.ped, population.bcf and truth.json to --out")  # fmt: skip
    scale.add_argument("--records", type=int, default=5_000_000, help="trio VCF records (default 5,000,000)")
    scale.add_argument("--population-sites", type=int, help="population store records (default 4 per trio record)")
    scale.add_argument("--build", default="GRCh38", choices=["GRCh38", "GRCh37"])
    scale.add_argument("--fai", help="reference .fai whose chromosomes to use instead of the build's table")
    scale.add_argument("--proband-sex", default="male", choices=["male", "female"])
    scale.add_argument("--reference", action="store_true",
                       help="also write reference.fa and genes.gff3.gz matching the trio (to run the workflow on it)")

    p = sub.add_parser("resources", help="build compact local resources")
    what = p.add_subparsers(dest="resource", required=True)
    resources_cli.register(what)  # list, download, verify
    term_frequency.register(what)  # term-frequency
    gd = what.add_parser("gene-disease", help="gene-disease table from HPO annotation files")
    gd.add_argument("--genes-to-phenotype", required=True)
    gd.add_argument("--phenotype-hpoa", required=True)
    gd.add_argument("--out", required=True)
    bf = what.add_parser("build-frequency", help="compact, indexed frequency store from a gnomAD-style VCF")
    bf.add_argument("--vcf", required=True, help="gnomAD (v2-v4) or ExAC sites VCF")
    bf.add_argument("--out", required=True, help="store to write (.bcf, indexed)")
    bf.add_argument("--reference", help="FASTA to left-align indels against (recommended)")
    bc = what.add_parser("build-clinvar", help="ClinVar store matched to the reference, with its codon table")
    bc.add_argument("--vcf", required=True, help="NCBI clinvar.vcf.gz of the genome build")
    bc.add_argument("--reference", required=True)
    bc.add_argument("--genes", required=True, help="GFF3 gene models (for the protein changes of PS1/PM5)")
    bc.add_argument("--out", required=True, help="store to write (.bcf)")

    cohort_cli.register(sub)  # cohort add/remove/stats/export and the cohort-annotate stage
    benchmark_cli.register(sub)  # rarevar benchmark --mode ...


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rarevar", description=__doc__)
    parser.add_argument("--version", action="version", version=f"rarevar {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _run_parser(sub)
    _stage_parsers(sub)
    return parser


def _print_warnings(families) -> None:
    for family in families:
        for warning in family.phenotype.warnings():
            print(f"rarevar: warning: {warning}", file=sys.stderr)


def run_workflow(args) -> int:
    from rarevar.inputs.config import load_config
    from rarevar.run.validate import validate_batch

    if args.profile:
        check_profile(args.profile)
    if args.config:
        config_path = Path(args.config)
    else:
        from rarevar.run.one_family import single_family_config

        one = single_family_config(args.vcf, args.ped, args.hpo, args.out, args.gvcf, args.base_config, args.build)
        print(f"rarevar: {one.said}")
        config_path = one.config
    config = load_config(config_path)
    families = validate_batch(config, deep=True)  # every input checked before any job starts
    _print_warnings(families)
    if not SNAKEFILE.is_file():
        raise InputError(SNAKEFILE, "the workflow's Snakefile is missing", "Install rarevar from its repository")
    extra = [a for a in args.snakemake_args if a != "--"]
    command = [
        sys.executable,
        "-m",
        "snakemake",
        "--snakefile",
        str(SNAKEFILE),
        "--configfile",
        str(config_path),
        "--cores",
        str(args.cores),
        "--profile",
        str(args.profile or LOCAL_PROFILE),
        # rarevar's own lock (below) keeps runs apart; Snakemake's would survive a killed run and block the
        # re-run until `--unlock`.
        "--nolock",
        *extra,
    ]
    # The rules call `rarevar <stage>`: make it the one of this installation.
    env = {**os.environ, "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])}
    results = Path(config.get("results_dir", "results"))
    ids = [family.row.family_id for family in families]
    started = time.time()
    with exclusive(results) as lock:  # held until every job of this run has ended
        mark(results)
        remove_stale_temporaries(results, ids)
        try:
            status = run_in_group(command, env, lock)
        except Stopped as stop:
            remove_stale_temporaries(results, ids)
            message = (f"{results}: the run was stopped by {stop}; its jobs were stopped first and no half-written "
                       f"output was published. Run the same command again to resume")  # fmt: skip
            print(f"rarevar: error: {message}", file=sys.stderr)
            return 128 + stop.signum
        full = disk_full(results, started) if status != 0 else None  # before the clean-up frees space
        # A failed job's temporaries go now, not at the next run: on a full disk they hold the space.
        remove_stale_temporaries(results, ids)
    if full:
        print(f"rarevar: error: {full}", file=sys.stderr)
    if status == 0:
        print("\nrarevar: done. Reports:")
        for family in families:
            print(f"  {results / family.row.family_id / 'report.html'}")
    return status


def _stage(args) -> int:  # noqa: C901 - one dispatch per stage
    if getattr(args, "cohort_handler", None):
        return args.cohort_handler(args)
    if getattr(args, "handler", None):
        return args.handler(args)
    if args.command == "validate":
        from rarevar.inputs.config import load_config
        from rarevar.run.validate import validate_batch

        families = validate_batch(load_config(args.config), deep=True)
        _print_warnings(families)
        print(f"rarevar: {len(families)} famil{'y' if len(families) == 1 else 'ies'} checked, inputs are valid")
    elif args.command == "normalize":
        from rarevar.inputs.normalize import normalize
        from rarevar.run.shards import regions_of_shard

        if args.shard and not args.reference:
            raise InputError("command line", "--shard needs --reference (shards are planned from its .fai)",
                             "Give --reference, or leave out --shard")  # fmt: skip
        regions = regions_of_shard(args.reference, args.shard) if args.shard else None
        normalize(args.vcf, args.samples.split(","), args.reference, args.out, args.funnel, regions,
                  args.allow_filter, args.clinvar)  # fmt: skip
    elif args.command == "gather":
        from rarevar.run.shards import gather

        gather(args.bcf, args.funnel)
    elif args.command == "qc":
        from rarevar.family.qc import qc_stage

        qc_stage(args.vcf, args.ped, args.family, args.build, args.out, args.settings)
    elif args.command == "frequency":
        from rarevar.annotate.frequency import annotate_and_filter

        annotate_and_filter(args.vcf, args.population or None, args.max_af, args.annotated, args.rare, args.funnel,
                            args.clinvar or None, json.loads(args.annotations))  # fmt: skip
    elif args.command == "consequence":
        from rarevar.annotate.csq import add_consequences

        add_consequences(args.vcf, args.reference, args.genes, args.source, args.out, args.funnel)
    elif args.command == "regenotype":
        from rarevar.family.regenotype import regenotype

        regenotype(args.vcf, args.gvcf, args.out, args.summary, args.funnel)
    elif args.command == "scores":
        from rarevar.annotate.scores import scores_stage

        scores_stage(args.vcf, json.loads(args.sources), args.out, args.summary)
    elif args.command == "candidates":
        from rarevar.run import stages  # the heavier stages' modules: only where used

        stages.candidates_stage(
            args.vcf,
            args.ped,
            args.family,
            args.build,
            json.loads(args.settings),
            args.source,
            args.out,
            args.funnel,
            args.modes,
            args.genes,
            args.reference,
            args.constraint,
        )
    elif args.command == "rank":
        from rarevar.run import stages

        stages.rank_stage(
            args.candidates,
            args.funnel,
            args.modes,
            args.annotated,
            args.family,
            args.ped_family,
            args.ped,
            args.hpo,
            args.qc,
            json.loads(args.settings),
            json.loads(args.resources),
            args.out_json,
            args.out_tsv,
            args.out_vcf,
            args.scores,
        )
    elif args.command == "report":
        from rarevar.run import stages

        stages.report_stage(args.candidates, args.out, args.xlsx, args.phenopacket, args.language, args.hpo_labels)
    elif args.command == "pdf":
        from rarevar.report.pdf import write_pdf

        write_pdf(Path(args.html).read_text(encoding="utf-8"), args.out)
    elif args.command == "summary":
        from rarevar.run import stages

        stages.summary_stage(args.candidates, args.results, args.out, args.language)
    elif args.command == "reanalyze":
        from rarevar.report.reanalyze import reanalyze

        counts = reanalyze(args.previous, args.current, args.out, args.language)["counts"]
        summary = ", ".join(f"{n} {kind.replace('_', ' ')}" for kind, n in counts.items())
        print(f"rarevar: {summary}; written to {Path(args.out) / 'reanalysis.html'}")
    elif args.command == "simulate" and args.families is not None:
        from rarevar.simulate.batch import simulate_batch

        if not args.out:
            raise InputError("command line", "--families needs --out", "Name a folder to write the batch into")
        truth = simulate_batch(args.out, args.families, args.resources, args.seed)
        print(f"rarevar: {len(truth['families'])} families written to {args.out}; run them with "
              f"`rarevar run --config {Path(args.out) / 'config.yaml'}`")  # fmt: skip
    elif args.command == "simulate" and args.genome_scale:
        from rarevar.simulate.genome import simulate_genome

        truth = simulate_genome(args.out or DEMO_OUT, args.records, args.build, args.seed, args.population_sites,
                                args.fai, args.proband_sex, reference=args.reference)  # fmt: skip
        causal = truth["causal"] or {}
        print(f"rarevar: {truth['records']} trio records and {truth['population_sites']} population sites written "
              f"to {args.out}; planted de novo {causal.get('chrom')}:{causal.get('pos')}")  # fmt: skip
    elif args.command == "simulate":
        from rarevar.simulate.demo import build_demo

        out = args.out or DEMO_OUT
        truth = build_demo(Path(out), Path(args.source_data), args.seed)
        print(f"rarevar: demo written to {out}; planted {truth['gene']} {truth['chrom']}:{truth['pos']}")
    elif args.command == "resources" and args.resource in resources_cli.COMMANDS:
        return resources_cli.dispatch(args)
    elif args.command == "resources" and args.resource == "gene-disease":
        from rarevar.resources.gene_disease import build_gene_disease

        n = build_gene_disease(Path(args.genes_to_phenotype), Path(args.phenotype_hpoa), Path(args.out))
        print(f"rarevar: {n} gene-disease pairs written to {args.out}")
    elif args.command == "resources" and args.resource == "build-clinvar":
        from rarevar.annotate.clinvar import build_clinvar_store

        _check_output_folder(args.out)
        summary = build_clinvar_store(args.vcf, args.reference, args.genes, args.out)
        print(f"rarevar: {summary['records_out']} ClinVar alleles written to {args.out} "
              f"({summary['skipped']} on other contigs or symbolic skipped)")  # fmt: skip
    elif args.command == "resources" and args.resource == "build-frequency":
        from rarevar.resources.frequency_store import build_frequency_store

        _check_output_folder(args.out)
        summary = build_frequency_store(args.vcf, args.out, args.reference)
        print(f"rarevar: {summary['records_out']} alleles from {summary['records_in']} records written to {args.out}")
        if summary["inconsistent_records"]:
            print(
                f"rarevar: warning: {summary['inconsistent_records']} records carry more per-allele values than ALT "
                f"alleles (e.g. {summary['inconsistent_examples'][0]}); those values were left out",
                file=sys.stderr,
            )
    return 0


def _check_output_folder(out: str) -> None:
    """A store is written beside its temporaries: its folder must exist (and be a folder) before hours of work."""
    folder = Path(out).absolute().parent
    if not folder.is_dir():
        raise InputError(out, f"its folder {folder} does not exist", "Create the folder first, or give another --out")


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "run":
            return run_workflow(args)
        return _stage(args)
    except InputError as error:
        print(f"rarevar: error: {error}", file=sys.stderr)
        return 2
    except BcftoolsError as error:
        print(f"rarevar: error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # the environment failed (disk full, a file vanished or unreadable): exit 1
        print(f"rarevar: error: {environment_problem(error, _output_of(args))}", file=sys.stderr)
        return 1


def _output_of(args) -> str | None:
    """The file a stage command was writing (named when the system's error does not say which)."""
    for name in ("out", "out_json", "annotated", "rare", "results"):
        if getattr(args, name, None):
            return getattr(args, name)
    return None


def environment_problem(error: OSError, writing: str | None = None) -> str:
    """One line for an operating-system failure: what happened, to which file, what to do."""
    import errno

    path = error.filename or (f"while writing {writing}" if writing else None)
    where = f"{path}: " if path else ""
    reason = (error.strerror or str(error)).lower()
    fixes = {
        errno.ENOSPC: "Free space there (or give another results_dir) and run again: finished steps are kept",
        errno.EDQUOT: "Free space within your quota (or give another results_dir) and run again",
        errno.EACCES: "Make it readable (and its folder writable), or give another path",
        errno.EROFS: "Give a results_dir on a writable file system",
        errno.ELOOP: "The path is a loop of symbolic links: point it at the real file",
    }
    return f"{where}{reason}. {fixes.get(error.errno, 'Check the path, the disk and the permissions, then run again')}"
