"""The workflow's stages as functions of explicit files, so each Snakemake rule is one `rarevar <stage>` line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pysam

from rarevar import __version__
from rarevar.annotate.clinvar import read_codon_table
from rarevar.annotate.consequence import detect_source
from rarevar.annotate.input_annotations import read_sources
from rarevar.base.bcftools import versions as htslib_versions
from rarevar.base.funnel import REPORTED, REPORTED_NONE, read_steps, step
from rarevar.base.messages import english, message, with_messages
from rarevar.errors import InputError
from rarevar.evidence.acmg import AcmgContext, parentage_from_qc
from rarevar.evidence.candidates import select_candidates
from rarevar.evidence.rank import rank_candidates
from rarevar.inputs.pedigree import family_for
from rarevar.phenotype.hpo import gene_diseases, hpo_version, read_phenotype, term_labels
from rarevar.report.outputs import (
    mode_yield,
    not_assessed,
    read_json,
    sample_table,
    write_json,
    write_tsv,
    write_vcf,
    yield_messages,
)
from rarevar.resources.checksums import cached_sha256
from rarevar.run.without_resources import missing_resource_notes

HPO_ANNOTATION_RELEASE = "2025-01-16"  # of resources/hpo/gene_disease.tsv.gz (see its manifest)


def consequence_key(vcf: str, source: str) -> str:
    """The INFO key the candidate stage parses: what bcftools csq wrote, or the input's own annotation."""
    with pysam.VariantFile(vcf) as handle:
        present = set(handle.header.info)
    if source == "bcftools-csq":
        return "BCSQ"
    return detect_source(present) or "BCSQ"


def candidates_stage(
    vcf: str, ped: str, family: str, build: str, settings: dict, source: str, out: str, funnel: str, modes_out: str,
    genes: str | None = None, reference: str | None = None, constraint: str | None = None,
) -> None:  # fmt: skip
    from rarevar.annotate.hgvs import TranscriptModels

    pedigree = family_for(ped, family)
    models = TranscriptModels.from_gff(genes, reference=reference) if genes else None
    gene_constraint = load_constraint(constraint) if constraint else None
    select_candidates(
        vcf, consequence_key(vcf, source), pedigree, build, settings, out, funnel, modes_out, models, gene_constraint
    )


def load_constraint(path: str) -> dict[str, dict]:
    from rarevar.annotate.constraint import read_constraint

    try:
        return read_constraint(path)
    except (ValueError, KeyError, UnicodeDecodeError) as error:
        raise InputError(path, str(error), "Give gnomAD's constraint table as published (tab-separated)") from None


def legacy_sources(resources: dict[str, str]) -> dict:
    """The sources of a run whose files predate the sources header: the configured stores, every contig."""
    return {"population": {"store": {"state": "used" if "population" in resources else "not_configured",
                                     "contigs": None}, "input_fields": []},
            "clinvar": {"store": {"state": "used" if "clinvar" in resources else "not_configured"},
                        "input_fields": []},
            "scores": {"input_fields": []}}  # fmt: skip


def population_consulted(sources: dict) -> bool:
    population = sources["population"]
    return population["store"]["state"] == "used" or bool(population["input_fields"])


def add_sources(table: pd.DataFrame, annotated: str, sources: dict, score_files: list[str]) -> None:
    """Per candidate, which source gave or was consulted for each value (columns population_source, clinvar_source,
    score_sources); None where no source covers the record, which the report says is not assessed."""
    from rarevar.annotate.input_annotations import record_sources

    per_record = record_sources(annotated)
    store = sources["population"]["store"]
    clinvar_store = sources["clinvar"]["store"]
    population, clinvar, scores = [], [], []
    for key in zip(table["chrom"], table["pos"].astype(int), table["ref"], table["alt"], strict=True):
        found = per_record.get(key, {})
        if found.get("POP_SOURCE"):
            population.append({"kind": "input", "name": found["POP_SOURCE"]})
        elif store["state"] == "used" and (store["contigs"] is None or key[0] in store["contigs"]):
            population.append({"kind": "store", "name": store.get("file", "")})
        else:
            population.append(None)
        if clinvar_store["state"] == "used":
            clinvar.append({"kind": "store", "name": clinvar_store.get("file", "")})
        else:
            clinvar.append({"kind": "input", "name": found["CLINVAR_SOURCE"]} if found.get("CLINVAR_SOURCE") else None)
        given = dict(part.split(":", 1) for part in found.get("SCORE_SOURCES", "").split("|") if ":" in part)
        scores.append({name: {"kind": "file"} if name in score_files else {"kind": "input", "name": field}
                       for name, field in given.items()})  # fmt: skip
    table["population_source"] = pd.Series(population, index=table.index, dtype=object)
    table["clinvar_source"] = pd.Series(clinvar, index=table.index, dtype=object)
    table["score_sources"] = pd.Series(scores, index=table.index, dtype=object)


def resource_versions(resources: dict[str, str]) -> dict:
    """A checksum per resource file, so a report says exactly what it was made from: the one its manifest records,
    else read once per version of the file (rarevar.resources.checksums), not on every run."""
    versions = {}
    for name, path in resources.items():
        manifest = Path(path).parent / "manifest.json"
        known = {}
        if manifest.is_file():
            known = {f["name"]: f.get("sha256") for f in read_json(manifest).get("files", [])}
        versions[name] = {"file": Path(path).name, "sha256": known.get(Path(path).name) or cached_sha256(path)}
    return versions


def rank_stage(
    candidates: str, funnels: list[str], modes: str, annotated: str, family: str, ped_family: str, ped: str,
    hpo: str, qc_json: str, settings: dict, resources: dict, out_json: str, out_tsv: str, out_vcf: str,
    scores_json: str | None = None,
) -> None:  # fmt: skip
    phenotype = read_phenotype(hpo, f"family {family}")
    gene_diseases()  # load once, before ranking
    table = pd.read_parquet(candidates)
    codons = read_codon_table(f"{resources['clinvar']}.codons.tsv.gz") if resources.get("clinvar") else {}
    qc = read_json(qc_json)
    confirmed, note = parentage_from_qc(qc)
    sources = read_sources(annotated) or legacy_sources(resources)
    scored = read_json(scores_json) if scores_json else None
    add_sources(table, annotated, sources, [s["name"] for s in scored["sources"]] if scored else [])
    context = AcmgContext(confirmed, note, population_configured=population_consulted(sources))
    ranked = rank_candidates(table, phenotype, settings["max_population_af"], codons, context)
    yields = mode_yield(ranked)
    warnings = yield_messages(yields)
    qc["warnings"] = qc.get("warnings", []) + [english(m) for m in warnings]
    qc["warnings_messages"] = qc.get("warnings_messages", []) + warnings
    stopped = settings.get("qc_stop_on_failure") and not qc["passed"]
    kept = [] if stopped else ranked[: settings["max_candidates"]]
    inheritance = read_json(modes)
    pedigree = family_for(ped, ped_family)
    funnel = read_steps(funnels)
    funnel.append(step(REPORTED_NONE, len(kept)) if stopped else
                  step(REPORTED, len(kept), {"n": settings["max_candidates"]}))  # fmt: skip
    limits = not_assessed(
        inheritance["not_testable_messages"], settings["keep_impacts"], "clinvar" in resources,
        [s["name"] for s in scored["sources"]] if scored else None, "constraint" in resources, sources,
    )  # fmt: skip
    limits = missing_resource_notes(resources) + limits
    cohort = cohort_summary(annotated, kept)
    if not cohort["used"]:
        limits.append(
            message("No local cohort database was used: variants recurrent in this lab's families were not filtered.")
        )
    if not qc["passed"]:
        failed = [message("Sample QC failed: {failure}", failure=failure) for failure in qc["failures_messages"]]
        limits = failed + limits
    payload = {
        "family": family,
        "versions": {
            "rarevar": __version__,
            **htslib_versions(),
            "hpo_ontology": hpo_version(),
            "hpo_annotations": HPO_ANNOTATION_RELEASE,
            "resources": resource_versions(resources),
            "annotation_sources": sources,
            **({"scores": scored["sources"]} if scored and scored["sources"] else {}),
        },
        # The cohort's effective limits and state (families, samples, checksum token) belong with the settings.
        "settings": {**settings, "local_cohort": {k: v for k, v in cohort.items() if k != "used"} or "not used"},
        "samples": sample_table(pedigree, inheritance["samples"]),
        "phenotype": {
            "observed": term_labels(phenotype.observed),
            "excluded": term_labels(phenotype.excluded),
            **with_messages("notes", phenotype.notes()),
        },
        "funnel": funnel,
        "cohort": cohort,
        "qc": qc,
        "yield": yields,
        **with_messages("not_assessed", limits),
        "candidates": kept,
    }
    write_vcf(kept, annotated, out_vcf)
    write_tsv(kept, out_tsv)
    write_json(payload, out_json)


def cohort_summary(annotated: str, candidates: list[dict]) -> dict:
    """What the local cohort counts were made from (read from the annotated VCF's header). When a cohort was
    used, an allele absent from it was seen in 0 of its families: say so on each candidate."""
    from rarevar.annotate.cohort_db import read_header_summary

    summary = read_header_summary(annotated)
    if summary is None:
        return {"used": False}
    for candidate in candidates:
        candidate["cohort_n_families"] = summary["n_families"]
        for key in ("cohort_families", "cohort_homozygotes", "cohort_hemizygotes", "cohort_ac"):
            if candidate.get(key) is None:
                candidate[key] = 0
    return {"used": True, **summary}


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def report_stage(
    candidates_json: str,
    out_html: str,
    out_xlsx: str,
    out_phenopacket: str,
    language: str = "en",
    hpo_labels: str | None = None,
) -> None:
    from rarevar.report.html import write_report
    from rarevar.report.phenopacket import write_phenopacket
    from rarevar.report.term_labels import read_term_labels
    from rarevar.report.xlsx import write_xlsx

    payload = read_json(candidates_json)
    term_labels = read_term_labels(hpo_labels, language) if hpo_labels else None
    now = _now()
    write_xlsx(payload, out_xlsx, language)
    # The run date lives only in the report and the Phenopacket (which requires it), so the other outputs are
    # identical between runs.
    write_phenopacket(payload, now.isoformat().replace("+00:00", "Z"), out_phenopacket, language)
    payload["generated"] = now.strftime("%Y-%m-%d %H:%M UTC")
    write_report(payload, out_html, language, term_labels)


def summary_stage(candidates_jsons: list[str], results_dir: str, out_html: str, language: str = "en") -> None:
    from rarevar.report.summary import write_summary

    write_summary(candidates_jsons, results_dir, _now().strftime("%Y-%m-%d %H:%M UTC"), out_html, language)
