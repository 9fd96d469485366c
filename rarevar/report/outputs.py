"""Per-family outputs: candidates.json (the record of the analysis), candidates.tsv and candidates.vcf.gz."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pysam

from rarevar.annotate.scores import LABELS
from rarevar.base.atomic import publish_indexed, temporary_name, write_bytes_atomic
from rarevar.base.funnel import write_json_atomic
from rarevar.base.messages import N_, english, joined, message, word
from rarevar.inputs.pedigree import Pedigree

TSV_COLUMNS = [
    "rank",
    "gene",
    "chrom",
    "pos",
    "ref",
    "alt",
    "consequence",
    "impact",
    "transcript",
    "hgvs_c",
    "hgvs_p",
    "inheritance",
    "possible_inheritance",
    "compound_partners",
    "population_af",
    "population_af_grpmax",
    "population_af_eas",
    "population_homozygotes",
    "cohort_families",
    "cohort_n_families",
    "cohort_homozygotes",
    "cohort_hemizygotes",
    "clinvar",
    "scores",
    "constraint",
    "transcript_choice",
    "phenotype_score",
    "matched_disease",
    "variant_score",
    "score",
    "acmg_class",
    "acmg_class_points",
    "acmg_points",
    "acmg_criteria",
    "genotypes",
    "why",
]
# Columns taken from the candidate's `acmg` evidence (rarevar.evidence.acmg) rather than from a top-level field.
ACMG_COLUMNS = {
    "acmg_class": lambda a: a.get("class_2015"),
    "acmg_class_points": lambda a: a.get("class_points"),
    "acmg_points": lambda a: a.get("points"),
    "acmg_criteria": lambda a: ",".join(item["label"] for item in a.get("criteria", [])),
}

# Always true of this version; listed so that a negative report is never read as more than it is.
NOT_ASSESSED_ALWAYS = [
    message("Structural and copy-number variants and repeat expansions are not assessed."),
    message(
        "ACMG/AMP criteria are automated in part (functional, segregation, case-control and phenotype-specificity "
        "criteria are left for review) and the class is not weighed into the score: it is evidence for a reviewer, "
        "not a clinical classification."
    ),
]
# The impacts left out, with or without the exception the non-coding disease genes' exons make (MODIFIER left out).
IMPACTS_LEFT_OUT = N_(
    "Variants whose most severe consequence has impact {impacts} (for example deep intronic or intergenic) were not "
    "considered."
)
IMPACTS_LEFT_OUT_BUT_EXONS = N_(
    "Variants whose most severe consequence has impact {impacts} (for example deep intronic or intergenic) were not "
    "considered, apart from exon variants of non-coding disease genes."
)


# Candidates per mode expected of a WGS trio after standard filters (the published order of magnitude);
# a family far above them points at a sample or calling problem, not at many causes.
EXPECTED_YIELD = {
    "de_novo": 3,
    "compound_heterozygous": 10,
    "autosomal_recessive": 1,
    "x_linked_recessive": 4,
    "autosomal_dominant": 100,
}
YIELD_WARNING_FACTOR = 10


def mode_yield(candidates: list[dict]) -> dict:
    """Candidates per mode (confirmed modes only), with what a WGS trio usually yields."""
    counts = {mode: sum(mode in c["inheritance"] for c in candidates) for mode in EXPECTED_YIELD}
    return {mode: {"candidates": n, "expected_wgs_trio": EXPECTED_YIELD[mode]} for mode, n in counts.items()}


def yield_messages(yields: dict) -> list[dict]:
    """A warning (message) per mode whose candidates are far more than a WGS trio usually yields."""
    return [
        message(
            "{n} {mode} candidates, over {factor}x the ~{expected} of a typical genome trio: check sample quality and "
            "relationships first",
            n=f"{y['candidates']}",
            mode=word(mode.replace("_", " ")),
            factor=f"{YIELD_WARNING_FACTOR}",
            expected=f"{y['expected_wgs_trio']}",
        )
        for mode, y in yields.items()
        if y["candidates"] > YIELD_WARNING_FACTOR * y["expected_wgs_trio"]
    ]


def yield_warnings(yields: dict) -> list[str]:
    return [english(m) for m in yield_messages(yields)]


def sample_table(pedigree: Pedigree, vcf_samples: list[str]) -> list[dict]:
    roles = pedigree.roles()
    return [
        {
            "id": ind.sample,
            "role": roles[ind.sample],
            "sex": ind.sex,
            "phenotype": ind.phenotype,
            "father": ind.father,
            "mother": ind.mother,
            "sequenced": ind.sample in vcf_samples,
        }
        for ind in pedigree.individuals
    ]


STORE_STATES = {
    "not_configured": N_("no population store was configured"),
    "empty": N_("the population store {file} holds no records"),
    "other_build": N_("the population store {file} is of another genome build (its contigs differ from the input's)"),
}


def population_notes(sources: dict) -> list[dict]:
    """Why population frequency was not assessed where it was not: no store, an empty store, a store of another
    build, a store without some contigs, and the input's fields that were missing or hold only some contigs."""
    population = sources["population"]
    store, fields = population["store"], population["input_fields"]
    if store["state"] == "used" and store.get("contigs") is None:
        return []
    why = []
    if store["state"] != "used":
        template = STORE_STATES[store["state"]]
        why.append(message(template, **({"file": store.get("file", "")} if "{file}" in template else {})))
    scopes = {f["scope"] for f in fields}
    if not fields:
        why.append(message("the input VCF carries no population frequency field rarevar reads (set `annotations` "
                           "to name one)"))  # fmt: skip
    elif "all" not in scopes and scopes != {"nuclear", "mitochondrial"}:
        missing = N_("mitochondrial") if scopes == {"nuclear"} else N_("nuclear")
        why.append(message("the input's population fields ({fields}) hold no {kind} frequencies",
                           fields=", ".join(f["field"] for f in fields), kind=word(missing)))  # fmt: skip
    elif store["state"] == "used":
        return []
    if store["state"] == "used":
        why.append(message("the population store {file} covers only {contigs}", file=store.get("file", ""),
                           contigs=", ".join(store["contigs"])))  # fmt: skip
    return [message("Population frequency was not assessed for records no source covers ({reasons}): they were "
                    "kept, and not given PM2.", reasons=joined(why, N_("; ")))]  # fmt: skip


def clinvar_note(sources: dict) -> list[dict]:
    clinvar = sources["clinvar"]
    if clinvar["store"]["state"] == "used":
        return []
    if clinvar["input_fields"]:
        fields = ", ".join(f["field"] for f in clinvar["input_fields"])
        return [message("ClinVar was not configured: classifications come from the input's own fields ({fields}) "
                        "only, as of whenever the input was annotated.", fields=fields)]  # fmt: skip
    return [message("ClinVar was not configured: known classifications were not looked up.")]


def not_assessed(
    not_testable: dict[str, dict], consequence_impacts: list[str], clinvar: bool = True,
    scores: list[str] | None = None, constraint: bool = True, sources: dict | None = None,
) -> list[dict]:  # fmt: skip
    """What this run could not assess, as messages (the English is `english(m)`). `not_testable`: mode -> message
    of why it could not be tested; `scores`: the in-silico sources configured (None: not known to this caller,
    nothing said); `sources`: what the frequency stage consulted (rarevar.annotate.input_annotations)."""
    notes = [reason for _, reason in sorted(not_testable.items())]
    if sources:
        notes.extend(population_notes(sources))
        notes.extend(clinvar_note(sources))
    elif not clinvar:
        notes.append(message("ClinVar was not configured: known classifications were not looked up."))
    input_scores = {f["field"] for f in (sources or {}).get("scores", {}).get("input_fields", [])}
    if scores is not None and input_scores:
        notes.append(message("In-silico scores from the input's own fields: {fields}.",
                             fields=", ".join(sorted(input_scores))))  # fmt: skip
    elif scores is not None:
        missing = ", ".join(label for name, label in LABELS.items() if name not in scores)
        if not scores:
            template = N_("In-silico scores were not assessed: no score file ({sources}) was configured.")
            notes.append(message(template, sources=missing))
        elif missing:
            notes.append(message("In-silico scores not configured, so not looked up: {sources}.", sources=missing))
    if not constraint:
        notes.append(
            message("Gene constraint (pLI, LOEUF) was not assessed: no gnomAD constraint table was configured.")
        )
    excluded = sorted({"HIGH", "MODERATE", "LOW", "MODIFIER"} - set(consequence_impacts))
    if excluded:
        template = IMPACTS_LEFT_OUT_BUT_EXONS if "MODIFIER" in excluded else IMPACTS_LEFT_OUT
        notes.append(message(template, impacts="/".join(excluded)))
    return notes + NOT_ASSESSED_ALWAYS


def _tsv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and "significance" in value:
        return f"{value['significance']} ({value['stars']} stars, {value['id']})"
    if isinstance(value, dict) and "id" in value:
        return f"{value.get('name', '')} ({value['id']})"
    if isinstance(value, dict):
        return ";".join(f"{k}={v}" for k, v in value.items())
    if isinstance(value, list):
        return " | ".join(str(v) for v in value) if any(" " in str(v) for v in value) else ",".join(map(str, value))
    return str(value)


def candidate_rows(candidates: list[dict]) -> list[list[str]]:
    """The candidates as flat text rows in TSV_COLUMNS order (for the TSV and the spreadsheet)."""
    return [[_tsv_value(_column_value(candidate, column)) for column in TSV_COLUMNS] for candidate in candidates]


def _column_value(candidate: dict, column: str):
    if column in ACMG_COLUMNS:
        acmg = candidate.get("acmg")
        return ACMG_COLUMNS[column](acmg) if isinstance(acmg, dict) else None
    return candidate.get(column)


# OWASP's CSV-injection advice: a cell a spreadsheet could run as a formula starts with one of these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


def neutralise(cell: str) -> str:
    """A cell that a spreadsheet would read as a formula, prefixed by a single quote (OWASP); a number such as
    -0.5 stays a number."""
    if cell.startswith(FORMULA_START) and not NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def _tsv_cell(cell: str) -> str:
    """Quoted as csv does, and also when it holds a carriage return (csv leaves that bare, which splits the row
    for most readers)."""
    cell = neutralise(cell)
    return '"' + cell.replace('"', '""') + '"' if any(c in cell for c in '\t\n\r"') else cell


def write_tsv(candidates: list[dict], path: str | Path) -> None:
    rows = [TSV_COLUMNS, *candidate_rows(candidates)]
    text = "".join("\t".join(map(_tsv_cell, row)) + "\n" for row in rows)
    write_bytes_atomic(path, text.encode("utf-8"))


def write_vcf(candidates: list[dict], annotated_bcf: str, path: str | Path) -> None:
    """The candidate records, as annotated, with their rank and score, bgzipped and indexed for IGV."""
    wanted = {(c["chrom"], c["pos"], c["ref"], c["alt"]): c for c in candidates}
    path = Path(path)
    tmp = Path(temporary_name(path, suffix=".vcf.gz"))
    with pysam.VariantFile(annotated_bcf) as source:
        header = source.header.copy()
        header.add_meta(
            "INFO",
            items=[
                ("ID", "RAREVAR_RANK"),
                ("Number", 1),
                ("Type", "Integer"),
                ("Description", "rarevar candidate rank (1 = best)"),
            ],
        )
        header.add_meta(
            "INFO",
            items=[
                ("ID", "RAREVAR_SCORE"),
                ("Number", 1),
                ("Type", "Float"),
                ("Description", "rarevar score: phenotype score x variant score"),
            ],
        )
        header.add_meta(
            "INFO",
            items=[
                ("ID", "RAREVAR_MODE"),
                ("Number", "."),
                ("Type", "String"),
                ("Description", "Inheritance modes the variant fits in the family"),
            ],
        )
        with pysam.VariantFile(str(tmp), "wz", header=header) as out:
            for record in source:
                candidate = wanted.get((record.chrom, record.pos, record.ref, record.alts[0] if record.alts else "."))
                if candidate is None:
                    continue
                record.translate(header)
                record.info["RAREVAR_RANK"] = candidate["rank"]
                record.info["RAREVAR_SCORE"] = candidate["score"]
                modes = candidate["inheritance"] or candidate["possible_inheritance"]
                if modes:
                    record.info["RAREVAR_MODE"] = modes
                out.write(record)
    pysam.tabix_index(str(tmp), preset="vcf", force=True)
    publish_indexed(tmp, path, "tbi")


def write_json(payload: dict, path: str | Path) -> None:
    write_json_atomic(path, payload)


def read_json(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)
