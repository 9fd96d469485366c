"""Benchmark mode B (full pipeline): each solved case's causal variant(s) spiked into a background trio and run
through the real stages; the causal variant's rank is read from the real `candidates.json`.

The background (rarevar.benchmark.background) goes through normalize, frequency and consequence once per proband
sex; per case, the spiked records go through the same stage functions, are joined to the annotated background,
and the candidates and rank stages run on the whole family, as the workflow's rules would (regenotype and scores
pass records through unchanged without gVCFs and score files, so they are not run here). `write_batch` writes the
same families for a real `rarevar run`.

A case's rank is the best rank of its causal records (a compound heterozygote counts as found when either record
is at that rank); the per-case table also gives the worst. A causal record that is not among the candidates (for
instance a deep intronic variant the consequence filter drops) leaves the case unranked: a miss.
"""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sys
import tempfile
import time
import zlib
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pysam
import yaml
from pysam.libcbgzf import BGZFile

from rarevar.base.funnel import write_json_atomic
from rarevar.benchmark import background as bg
from rarevar.benchmark.calibration import print_reliability
from rarevar.benchmark.cases import Case, read_cases
from rarevar.benchmark.records import SAMPLES, header_lines
from rarevar.benchmark.spike import SpikedCase, spike
from rarevar.benchmark.table import Outcome, format_table
from rarevar.errors import InputError
from rarevar.report.outputs import read_json

FAMILY = "SPIKE"
GROUPS = ("inheritance", "pattern", "consequence")
MAX_CANDIDATES = 100_000  # every candidate is kept in candidates.json, so any rank can be read
RESOURCE_FILES = ("reference.fa.gz", "genes.gff3", "population.bcf")
PREPARED = "prepared.json"  # written last by `prepare`: the folder is complete


@dataclass(frozen=True)
class Background:
    """One proband sex's background, annotated once through the real stages."""

    vcf: str  # the family VCF as a user would give it
    annotated: str  # after normalize, frequency and consequence
    funnels: tuple[str, ...]
    qc: str


@dataclass(frozen=True)
class Prepared:
    folder: Path
    config: dict
    backgrounds: dict[bool, Background]  # keyed by male proband

    @property
    def resources(self) -> dict[str, str]:
        from rarevar.inputs.config import stage_resources

        return stage_resources(self.config)


def benchmark_config(resources: Path, results: Path, families: Path) -> dict:
    """The shipped config, pointed at the generated GRCh38 resources (no ClinVar, scores or report)."""
    from rarevar.inputs.config import REPO_ROOT, validate_config

    config = yaml.safe_load((REPO_ROOT / "config" / "config.yaml").read_text(encoding="utf-8"))
    config.update({"families": str(families), "results_dir": str(results), "genome_build": "GRCh38", "scores": [],
                   "resources": {"dir": str(resources), "reference": RESOURCE_FILES[0], "genes": RESOURCE_FILES[1],
                                 "population": RESOURCE_FILES[2]}})  # fmt: skip
    config["thresholds"]["max_candidates"] = MAX_CANDIDATES
    config["stages"]["report"] = False
    return validate_config(config)


def _annotate(vcf: str, work: Path, config: dict) -> tuple[str, list[str]]:
    """normalize -> frequency -> consequence, the functions the workflow's rules call."""
    from rarevar.annotate.csq import add_consequences
    from rarevar.annotate.frequency import annotate_and_filter
    from rarevar.inputs.config import resource_path
    from rarevar.inputs.normalize import normalize

    work.mkdir(parents=True, exist_ok=True)
    funnels = [str(work / f"{i}.json") for i in (1, 2, 3)]
    reference = str(resource_path(config, "reference"))
    normalize(vcf, list(SAMPLES), reference, str(work / "normalized.bcf"), funnels[0])
    annotate_and_filter(str(work / "normalized.bcf"), str(resource_path(config, "population")),
                        config["thresholds"]["max_population_af"], str(work / "population.bcf"),
                        str(work / "rare.bcf"), funnels[1])  # fmt: skip
    add_consequences(str(work / "rare.bcf"), reference, str(resource_path(config, "genes")),
                     config["consequence"]["source"], str(work / "consequence.bcf"), funnels[2])  # fmt: skip
    return str(work / "consequence.bcf"), funnels


def prepare(folder: Path, cases: list[Case], seed: int) -> Prepared:
    """Resources and both backgrounds; `cases`: every case of the table (their positions are kept free and their
    REF alleles are in the reference), so the background is the same whichever cases are then run."""
    from rarevar.family.qc import qc_stage

    (folder / PREPARED).unlink(missing_ok=True)
    resources = folder / "resources"
    resources.mkdir(parents=True, exist_ok=True)
    records = bg.draw_background(seed, bg.avoided_positions(cases))
    bg.write_reference(resources / RESOURCE_FILES[0], bg.reference_alleles(records, cases))
    (resources / RESOURCE_FILES[1]).write_text("##gff-version 3\n", encoding="utf-8")  # all consequences from CSQ
    bg.write_population(records, resources / RESOURCE_FILES[2], resources / RESOURCE_FILES[0])
    bg.write_manifest(resources, list(RESOURCE_FILES))
    config = benchmark_config(resources, folder / "results", folder / "families.tsv")
    backgrounds = {}
    for male in (False, True):
        sex = "male" if male else "female"
        vcf = folder / f"background_{sex}.vcf.gz"
        bg.write_family_vcf(records, male, seed, vcf)
        annotated, funnels = _annotate(str(vcf), folder / f"background_{sex}", config)
        ped = folder / f"background_{sex}.ped"
        ped.write_text(_ped(male), encoding="utf-8")
        qc = folder / f"background_{sex}" / "qc.json"
        qc_stage(str(folder / f"background_{sex}" / "normalized.bcf"), str(ped), FAMILY, "GRCh38", str(qc))
        backgrounds[male] = Background(str(vcf), annotated, tuple(funnels), str(qc))
    write_json_atomic(folder / PREPARED, {"seed": seed, "cases": cases_token(cases)})
    return Prepared(folder, config, backgrounds)


def cases_token(cases: list[Case]) -> str:
    """What the background depends on besides the seed: the causal positions and alleles of the cases."""
    text = "\n".join(f"{v.chrom}:{v.pos}:{v.ref}" for case in cases for v in case.variants)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_prepared(folder: Path) -> Prepared:
    """The resources and backgrounds `prepare` wrote into `folder`."""
    config = benchmark_config(folder / "resources", folder / "results", folder / "families.tsv")
    backgrounds = {}
    for male in (False, True):
        work = folder / f"background_{'male' if male else 'female'}"
        backgrounds[male] = Background(f"{work}.vcf.gz", str(work / "consequence.bcf"),
                                       tuple(str(work / f"{i}.json") for i in (1, 2, 3)), str(work / "qc.json"))
    return Prepared(folder, config, backgrounds)


def prepare_or_reuse(folder: Path, cases: list[Case], seed: int) -> Prepared:
    """Reuse a folder `prepare` filled for the same seed and cases; otherwise prepare it."""
    marker = folder / PREPARED
    if marker.is_file():
        if read_json(marker) == {"seed": seed, "cases": cases_token(cases)}:
            return load_prepared(folder)
    return prepare(folder, cases, seed)


def _ped(male: bool, family: str = FAMILY) -> str:
    return (f"{family}\tproband\tfather\tmother\t{1 if male else 2}\t2\n{family}\tmother\t0\t0\t2\t1\n"
            f"{family}\tfather\t0\t0\t1\t1\n")  # fmt: skip


def write_case_vcf(spiked: SpikedCase, path: Path, seed: int) -> None:
    from rarevar.phenotype.hpo import gene_ids

    rng = np.random.default_rng([seed, zlib.crc32(spiked.case.case_id.encode())])  # same calls every run
    lines = header_lines(bg.CONTIGS) + spiked.lines(rng, gene_ids())
    with BGZFile(str(path), "wb") as out:
        out.write(("\n".join(lines) + "\n").encode())
    from rarevar.base.bcftools import bcftools

    bcftools("index", "-t", "-f", str(path))


@dataclass
class CaseResult:
    outcome: Outcome
    spiked: SpikedCase
    worst_rank: int | None
    keys: list[tuple]  # the causal records after normalisation (chrom, pos, ref, alt)
    candidates: int
    status: str
    causal: list[bool] = field(default_factory=list)  # per candidate, in candidates.json order: a causal record?
    factors: list[list] = field(default_factory=list)  # each candidate's rank and FACTOR_COLUMNS

    @property
    def predictions(self) -> list[tuple[float, bool]]:
        """(log10 LR, causal) per candidate, for the reliability tables."""
        return [(float(row[1]), causal) for row, causal in zip(self.factors, self.causal, strict=True)]


def causal_ranks(candidates: list[dict], keys: list[tuple]) -> list[int | None]:
    ranks = {(c["chrom"], c["pos"], c["ref"], c["alt"]): c["rank"] for c in candidates}
    return [ranks.get(key) for key in keys]


def run_case(prepared: Prepared, spiked: SpikedCase, seed: int, keep: Path | None = None) -> CaseResult:
    """One case through the stages; candidates.json is written (kept under `keep` when given). A case the
    pipeline refuses (no observed HPO term, a record it cannot normalise) is a miss with the reason as status."""
    from rarevar.base.bcftools import BcftoolsError

    start = time.perf_counter()
    keys: list[tuple] = []
    status = "ranked"
    with tempfile.TemporaryDirectory(prefix="spike-", dir=prepared.folder) as tmp:
        work = Path(tmp)
        try:
            keys = _case_stages(prepared, spiked, seed, work)
            candidates = read_json(work / "candidates.json")["candidates"]
        except (InputError, BcftoolsError) as error:
            candidates, status = [], f"refused: {error}"
        if keep is not None and (work / "candidates.json").is_file():
            keep.mkdir(parents=True, exist_ok=True)
            shutil.copy(work / "candidates.json", keep / f"{spiked.case.case_id}.candidates.json")
    ranks = causal_ranks(candidates, keys)
    found = [r for r in ranks if r is not None]
    if status == "ranked" and not found:
        status = "causal record not among the candidates"
    seconds = time.perf_counter() - start
    outcome = Outcome(spiked.case.case_id, min(found) if found else None, case_groups(spiked), seconds)
    worst = max(ranks) if found and len(found) == len(ranks) else None
    causal = set(keys)
    is_causal = [(c["chrom"], c["pos"], c["ref"], c["alt"]) in causal for c in candidates]
    factors = [[c["rank"], *(c["posterior"][column] for column in FACTOR_COLUMNS)] for c in candidates]
    return CaseResult(outcome, spiked, worst, keys, len(candidates), status, is_causal, factors)


def _case_stages(prepared: Prepared, spiked: SpikedCase, seed: int, work: Path) -> list[tuple]:
    """The case's records through normalize, frequency and consequence, joined to the annotated background,
    then the candidates and rank stages; returns the causal records as normalised (chrom, pos, ref, alt)."""
    from rarevar.base.bcftools import bcftools
    from rarevar.inputs.config import stage_settings
    from rarevar.run.stages import candidates_stage, rank_stage

    base = prepared.backgrounds[spiked.male]
    settings = stage_settings(prepared.config)
    vcf = work / "case.vcf.gz"
    write_case_vcf(spiked, vcf, seed)
    ped = work / "case.ped"
    ped.write_text(_ped(spiked.male), encoding="utf-8")
    annotated, funnels = _annotate(str(vcf), work / "case", prepared.config)
    with pysam.VariantFile(str(work / "case" / "normalized.bcf")) as normalized:
        keys = [(r.chrom, r.pos, r.ref, r.alts[0]) for r in normalized]
    family = work / "family.bcf"
    bcftools("concat", "--no-version", "-a", "-Ob", "-o", str(family), "-W", base.annotated, annotated)
    candidates_stage(str(family), str(ped), FAMILY, "GRCh38", settings, prepared.config["consequence"]["source"],
                     str(work / "candidates.parquet"), str(work / "4.json"), str(work / "inheritance.json"))
    rank_stage(str(work / "candidates.parquet"), [*base.funnels, *funnels, str(work / "4.json")],
               str(work / "inheritance.json"), str(family), spiked.case.case_id, FAMILY, str(ped), spiked.hpo(),
               base.qc, settings, prepared.resources, str(work / "candidates.json"), str(work / "candidates.tsv"),
               str(work / "candidates.vcf.gz"))  # fmt: skip
    return keys


def case_groups(spiked: SpikedCase) -> dict:
    modes = ", ".join(m.replace(" inheritance", "") for m in spiked.case.inheritance) or "unknown"
    return {"inheritance": modes, "pattern": spiked.pattern, "consequence": spiked.consequence}


def select_cases(cases: list[Case], limit: int | None, seed: int) -> list[Case]:
    """Cases whose causal variants are all small; `limit`: a seeded sample of them, in table order."""
    usable = [c for c in cases if c.all_small]
    if limit is None or limit >= len(usable):
        return usable
    chosen = set(random.Random(seed).sample(range(len(usable)), limit))
    return [c for i, c in enumerate(usable) if i in chosen]


# --- a real workflow run over the same families ------------------------------------------------------------------


def write_batch(prepared: Prepared, spiked_cases: list[SpikedCase], folder: Path, seed: int) -> tuple[Path, dict]:
    """Families sheet and config for `rarevar run`: each case's family VCF is the background with its spiked
    records. Returns the config path and family id -> case id."""
    from rarevar.base.bcftools import bcftools

    folder.mkdir(parents=True, exist_ok=True)
    rows, ids = ["family_id\tvcf\tped\thpo"], {}
    for index, spiked in enumerate(spiked_cases, start=1):
        family = f"CASE{index}"
        ids[family] = spiked.case.case_id
        records = folder / f"{family}.spike.vcf.gz"
        write_case_vcf(spiked, records, seed)
        vcf = folder / f"{family}.vcf.gz"
        bcftools("concat", "--no-version", "-a", "-Oz", "-o", str(vcf), "-W=tbi",
                 prepared.backgrounds[spiked.male].vcf, str(records))  # fmt: skip
        ped = folder / f"{family}.ped"
        ped.write_text(_ped(spiked.male, family), encoding="utf-8")
        rows.append(f"{family}\t{vcf}\t{ped}\t{spiked.hpo()}")
    sheet = folder / "families.tsv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = {**prepared.config, "families": str(sheet), "results_dir": str(folder / "results")}
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return path, ids


# --- the command -------------------------------------------------------------------------------------------------

_PREPARED: Prepared | None = None


def _init_worker(prepared: Prepared) -> None:
    global _PREPARED
    _PREPARED = prepared
    from rarevar.phenotype.hpo import gene_diseases, ontology

    ontology()
    gene_diseases()


def _run_one(args: tuple[SpikedCase, int]) -> CaseResult:
    return run_case(_PREPARED, *args)


def run_cases(prepared: Prepared, spiked_cases: list[SpikedCase], seed: int, jobs: int = 1):
    """Yield each case's result, in order; `jobs` worker processes share the prepared background."""
    if jobs <= 1:
        _init_worker(prepared)
        for spiked in spiked_cases:
            yield _run_one((spiked, seed))
        return
    import multiprocessing

    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(jobs, mp_context=context, initializer=_init_worker, initargs=(prepared,)) as pool:
        yield from pool.map(_run_one, [(s, seed) for s in spiked_cases], chunksize=4)


TSV_COLUMNS = ("case_id", "rank", "worst_rank", "genes", "inheritance", "pattern", "consequence", "causal_records",
               "candidates", "seconds", "status")  # fmt: skip


def result_row(result: CaseResult) -> list[str]:
    o = result.outcome
    records = ";".join(f"{c}:{p}:{r}>{a}" for c, p, r, a in result.keys)
    genes = ",".join(sorted(result.spiked.case.genes))
    worst = "" if result.worst_rank is None else str(result.worst_rank)
    groups = [o.groups[key] for key in GROUPS]
    return [o.case_id, "" if o.rank is None else str(o.rank), worst, genes, *groups, records, str(result.candidates),
            f"{o.seconds:.3f}", result.status]  # fmt: skip


# Each candidate's likelihood-ratio factors (rarevar.evidence.posterior), for studying the score without re-running.
FACTOR_COLUMNS = ("log10_lr", "log10_lr_phenotype", "log10_lr_consequence", "log10_lr_variant", "log10_lr_clinvar",
                  "log10_lr_segregation", "log10_lr_inheritance_fit", "novel_disease")  # fmt: skip


def write_candidate_factors(results: list[CaseResult], path: Path) -> None:
    """One row per candidate of every case: case, rank, whether it is a causal record, its factors."""
    from rarevar.base.atomic import write_bytes_atomic

    lines = ["\t".join(("case_id", "rank", "causal", *FACTOR_COLUMNS))]
    for result in results:
        for causal, (rank, *factors) in zip(result.causal, result.factors, strict=True):
            lines.append("\t".join([result.outcome.case_id, str(rank), str(int(causal)), *map(str, factors)]))
    write_bytes_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))


def write_results(results: list[CaseResult], path: Path) -> None:
    from rarevar.base.atomic import write_bytes_atomic

    lines = ["\t".join(TSV_COLUMNS)] + ["\t".join(result_row(r)) for r in results]
    write_bytes_atomic(path, ("\n".join(lines) + "\n").encode("utf-8"))


def run(args) -> int:
    """`rarevar benchmark --mode full`: prints the summary table, writes the per-case TSV to --out."""
    all_cases = read_cases(args.cases)
    chosen = select_cases(all_cases, args.limit, args.seed)
    if not chosen:
        raise InputError(args.cases, "holds no case whose causal variants are all small", "Give the cases.tsv")
    work = Path(args.work) if args.work else Path(tempfile.mkdtemp(prefix="rarevar-spiked-"))
    try:
        started = time.perf_counter()
        prepared = prepare_or_reuse(work, [c for c in all_cases if c.all_small], args.seed)
        prepare_seconds = time.perf_counter() - started
        results = []
        for result in run_cases(prepared, [spike(c) for c in chosen], args.seed, args.jobs):
            results.append(result)
            if args.progress and len(results) % args.progress == 0:
                print(f"rarevar: {len(results)}/{len(chosen)} cases", file=sys.stderr, flush=True)
        wall = time.perf_counter() - started
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    if args.out:
        write_results(results, Path(args.out))
    if args.candidates_out:
        write_candidate_factors(results, Path(args.candidates_out))
    outcomes = [r.outcome for r in results]
    print(f"benchmark mode B (spiked into a background trio, full pipeline): {len(outcomes)} cases, seed {args.seed}")
    format_table(outcomes, GROUPS)
    print(f"background prepared in {prepare_seconds:.1f} s; {len(outcomes)} cases in {wall - prepare_seconds:.1f} s "
          f"wall ({args.jobs} job{'s' if args.jobs > 1 else ''}); s/case column: per case in one process")  # fmt: skip
    print_reliability([r.predictions for r in results])
    if args.out:
        print(f"per-case results: {args.out}")
    return 0


def register_arguments(parser) -> None:
    """The options only `--mode full` has (the `benchmark` command adds --cases, --limit and --out)."""
    parser.add_argument("--seed", type=int, default=1, help="seed of the background and of --limit's sample")
    parser.add_argument("--jobs", type=int, default=max(1, min(2, os.cpu_count() or 1)), help="worker processes")
    parser.add_argument("--work", help="keep the generated background and resources in this folder (reused by a "
                        "later run with the same seed and cases)")
    parser.add_argument("--progress", type=int, default=0, help="report progress every N cases on stderr")
    parser.add_argument("--candidates-out", help="write every candidate of every case (its rank, whether it is "
                        "causal, its likelihood-ratio factors) to this TSV")
