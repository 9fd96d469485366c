"""Check every input of a batch before any job runs, so a bad input stops the run with one clear message."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rarevar.annotate.cohort_db import check_cohort_config
from rarevar.base.genome import CHROMOSOMES
from rarevar.base.text_input import check_file
from rarevar.errors import InputError
from rarevar.family.gvcf import gvcf_contigs, open_gvcf, open_gvcfs, require_members
from rarevar.inputs.config import resource_path, score_sources
from rarevar.inputs.families import FamilyRow, read_families
from rarevar.inputs.filters import check_allowed_declared
from rarevar.inputs.pedigree import Pedigree, family_for
from rarevar.inputs.resource_build import check_resource_contents
from rarevar.inputs.vcf_build import check_vcf_build
from rarevar.inputs.vcfcheck import check_contigs, check_vcf, read_fai, scan_records
from rarevar.phenotype.hpo import Phenotype, read_phenotype
from rarevar.resources.check import check_against_manifest
from rarevar.run.results_folder import check_family_ids, check_results_dir


@dataclass
class FamilyInputs:
    row: FamilyRow
    pedigree: Pedigree
    phenotype: Phenotype | None  # None where it was not read again (batch_inputs)
    vcf_samples: list[str]


def check_resources(config: dict) -> None:
    """Each configured resource exists and can serve the run. The reference and gene models are optional too: an
    annotated VCF brings its consequences (validate_family checks it does), and normalisation then only splits."""
    reference = resource_path(config, "reference")
    for name in ("reference", "genes"):
        path = resource_path(config, name)
        if path is not None and not path.is_file():
            raise InputError(
                path,
                f"the {name} resource does not exist",
                "Fix `resources` in the config or fetch the resource",
            )
    contigs = list(read_fai(reference)) if reference is not None else list(CHROMOSOMES.get(config["genome_build"], {}))
    check_cohort_config(config)
    for name in ("reference", "genes", "population", "clinvar"):
        path = resource_path(config, name)
        if path is not None and path.is_file():
            check_against_manifest(path)
    for name in ("population", "clinvar"):
        path = resource_path(config, name)
        if path is None:
            continue
        if not path.is_file():
            raise InputError(path, f"the {name} resource does not exist", "Fix `resources` in the config")
        if not (Path(f"{path}.tbi").is_file() or Path(f"{path}.csi").is_file()):
            raise InputError(path, f"the {name} resource is not indexed", f"Run `bcftools index {path}`")
    check_resource_contents(config)
    check_constraint(config)
    check_score_sources(config, contigs)
    check_term_labels(config)


def check_term_labels(config: dict) -> None:
    """Translated HPO labels, when configured, are read as the report will read them."""
    from rarevar.report.term_labels import read_term_labels

    path = resource_path(config, "hpo_labels")
    if path is not None:
        check_file(path, "HPO label file", "Fix `resources: hpo_labels` in the config")
        read_term_labels(path, config["report"]["language"])


def check_constraint(config: dict) -> None:
    from rarevar.annotate.constraint import detect_version, open_text

    path = resource_path(config, "constraint")
    if path is None:
        return
    if not path.is_file():
        raise InputError(path, "the constraint resource does not exist", "Fix `resources.constraint` in the config")
    check_against_manifest(path)
    with open_text(str(path)) as handle:
        header = handle.readline().rstrip("\n").split("\t")
    try:
        detect_version(header)
    except ValueError as error:
        raise InputError(path, str(error), "Give gnomAD's gene constraint table as published") from None


def check_score_sources(config: dict, reference_contigs: list[str]) -> None:
    """Each score file exists, is indexed, has the configured columns and shares chromosomes with the reference."""
    from rarevar.annotate.scores import open_source

    for spec in score_sources(config):
        path = Path(spec["path"])
        if not path.is_file():
            raise InputError(path, f"the {spec['name']} score file does not exist", "Fix `scores` in the config")
        check_against_manifest(path)
        try:
            open_source(spec, reference_contigs).close()
        except ValueError as error:
            raise InputError(path, str(error).removeprefix(f"{path}: "), "Fix the file or its `scores` entry") from None


def validate_family(row: FamilyRow, sheet: str, reference: Path | None, deep: bool = False, source: str = "auto",
                    build: str | None = None, gene_models: bool = True) -> FamilyInputs:  # fmt: skip
    """`source`: consequence.source of the config (the VCF must then carry what it names). Without a `reference`,
    the VCF's header must not name another `build` than the run's; without `gene_models`, the VCF must carry its
    consequences."""
    origin = f"{sheet}, line {row.line}"
    for column in ("vcf", "ped"):
        check_file(getattr(row, column), f"{column} of family '{row.family_id}'",
                   f"Fix the `{column}` path on line {row.line} of {sheet}")  # fmt: skip
    pedigree = family_for(row.ped, row.family_id)
    if not pedigree.affected:
        raise InputError(
            row.ped,
            f"family '{pedigree.family}' has no affected individual (phenotype column 2)",
            "Mark the patient(s) as affected",
        )
    phenotype = read_phenotype(row.hpo, origin)
    samples = check_vcf(row.vcf, pedigree.samples, reference, source)
    if reference is None and build:
        check_vcf_build(row.vcf, build)
    if not gene_models:
        require_consequences(row)
    if deep:
        scan_records(row.vcf, reference, source, [s for s in pedigree.samples if s in samples])
    check_gvcfs(row, pedigree, samples, reference, build)
    return FamilyInputs(row, pedigree, phenotype, samples)


def require_consequences(row: FamilyRow) -> None:
    """Without gene models nothing can call consequences: the VCF must bring its own."""
    from rarevar.inputs.annotation_header import detect_source
    from rarevar.inputs.vcfcheck import open_vcf

    with open_vcf(row.vcf) as vcf:
        if detect_source(set(vcf.header.info)):
            return
    raise InputError(row.vcf, "carries no consequences (no VEP CSQ, snpEff ANN/EFF or bcftools BCSQ header line) and "
                     "no gene models are configured to call them", "Annotate it first (VEP, snpEff or bcftools csq), "
                     "or give resources.reference and resources.genes (with --base-config)")  # fmt: skip


def check_gvcfs(row: FamilyRow, pedigree: Pedigree, vcf_samples: list[str], reference: Path | None,
                build: str | None = None) -> None:  # fmt: skip
    """Each gVCF: indexed, readable, on the reference's contigs (without one: of the run's build, as its header
    says), holding only family members in the VCF."""
    for path in row.gvcfs:
        with open_gvcf(path) as gvcf:
            require_members(
                path, gvcf.header.samples, pedigree.samples, f"in the PED {row.ped} of family '{row.family_id}'",
                f"Give only this family's gVCFs on line {row.line} of the sheet, with sample ids as in the PED",
            )  # fmt: skip
            if reference is not None:
                check_contigs(path, gvcf_contigs(gvcf), reference)
            elif build:
                check_vcf_build(path, build)
    for gvcf in set(open_gvcfs(row.gvcfs, [s for s in pedigree.samples if s in vcf_samples]).values()):
        gvcf.close()


def validate_batch(config: dict, deep: bool = False) -> list[FamilyInputs]:
    """`deep` also reads every record of every VCF (about 10 s per 5 million records): done once by
    `rarevar run`/`validate` before the workflow starts, not again each time Snakemake reads the Snakefile."""
    check_results_dir(config.get("results_dir"))
    check_resources(config)
    sheet = config["families"]
    reference = resource_path(config, "reference")
    rows = read_families(sheet)
    check_family_ids(rows, sheet)
    source = config.get("consequence", {}).get("source", "auto")
    build, gene_models = config["genome_build"], resource_path(config, "genes") is not None
    families = [validate_family(row, sheet, reference, deep, source, build, gene_models) for row in rows]
    check_allowed_declared(config["filters"]["allow"], [row.vcf for row in rows], "config: filters.allow")
    return families


def batch_inputs(config: dict) -> list[FamilyInputs]:
    """The families as a workflow job needs them, without checking them again: a job that a cluster runs reads
    the Snakefile anew, and its main process has already checked every input (HPO terms need the ontology loaded,
    about a second per job). An unindexed VCF is opened without htslib's "could not retrieve index" in each job's
    log."""
    from rarevar.base.bcftools import vcf_samples

    inputs = []
    for row in read_families(config["families"]):
        inputs.append(FamilyInputs(row, family_for(row.ped, row.family_id), None, vcf_samples(row.vcf)))
    return inputs
