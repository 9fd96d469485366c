"""The input's own annotations as evidence: population frequency, ClinVar and in-silico scores already in the VCF.

The fields (rarevar.annotate.annotation_profiles) that the input's header declares are read for every record in one
`bcftools query`, turned into rarevar's INFO fields with Arrow (no Python loop over records), and written back with
`bcftools annotate` from a tabix-indexed table. Each record also gets the fields consulted for it (POP_SOURCE,
CLINVAR_SOURCE, SCORE_SOURCES), so a candidate says where each value came from.

A configured local resource wins: on the contigs a population store covers, and everywhere when a ClinVar store is
configured, the input's population or ClinVar fields are not written. What each source covered is written in the
header (`##rarevar_annotation_sources=<json>`), which later stages carry, for the report and its "not assessed".
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

import numpy as np
import pysam

from rarevar.annotate.annotation_profiles import TARGETS, TEXT_TARGETS, Field, matches_description
from rarevar.base.atomic import publish_indexed, temporary_name
from rarevar.base.bcftools import bcftools, json_header_record, query_table
from rarevar.base.genome import is_mito
from rarevar.inputs.annotation_header import vep_fields

SOURCES_HEADER = "rarevar_annotation_sources"
SOURCE_FIELDS = {"population": "POP_SOURCE", "clinvar": "CLINVAR_SOURCE", "scores": "SCORE_SOURCES"}
NUMBER = r"^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$"


@dataclass(frozen=True)
class Present:
    field: Field
    csq_index: int | None = None  # position in the CSQ entry (where == "CSQ")


def present_fields(header: pysam.VariantHeader, fields: list[Field]) -> list[Present]:
    """The fields the input declares (INFO ids, or CSQ subfields named in its Format), each once."""
    csq = vep_fields(header.info["CSQ"].description or "") if "CSQ" in header.info else []
    found, seen = [], set()
    for field in fields:
        if (field.where, field.name) in seen:
            continue
        if field.where == "CSQ" and field.name in csq:
            found.append(Present(field, csq.index(field.name)))
        elif field.where == "INFO" and field.name in header.info and matches_description(
                field, header.info[field.name].description):  # fmt: skip
            found.append(Present(field))
        else:
            continue
        seen.add((field.where, field.name))
    return found


def covers(field: Field, mito: np.ndarray) -> np.ndarray:
    """Records on the contigs this field's source holds."""
    if field.scope == "mitochondrial":
        return mito
    return ~mito if field.scope == "nuclear" else np.ones(len(mito), dtype=bool)


# --- store coverage -------------------------------------------------------------------------------------------------


def store_coverage(store: str | None, vcf_header: pysam.VariantHeader) -> dict:
    """Which of the input's contigs a local store covers: a store with no records, or whose contigs have other
    lengths than the input's (another build), covers none. `state`: used, not_configured, empty, other_build."""
    if not store:
        return {"state": "not_configured", "contigs": []}
    with pysam.VariantFile(store) as handle:
        lengths = {name: c.length for name, c in handle.header.contigs.items()}
        indexed = list(handle.index.keys()) if handle.index is not None else []
    with_records = [c for c in indexed if next(pysam.VariantFile(store).fetch(c), None) is not None] if indexed else []
    ours = {name: c.length for name, c in vcf_header.contigs.items()}
    if not with_records:
        return {"state": "empty", "file": os.path.basename(store), "contigs": []}
    shared = [c for c in with_records if c in ours or not ours]
    other_build = [c for c in shared if lengths.get(c) and ours.get(c) and lengths[c] != ours[c]]
    contigs = [c for c in shared if c not in other_build]
    state = "used" if contigs else "other_build"
    return {"state": state, "file": os.path.basename(store), "contigs": contigs}


# --- value parsing (vectorised) -------------------------------------------------------------------------------------


def _numbers_max(values, owner, n: int, alleles=None):
    """The largest number in each record's values (several per record: '0.1,0.2', '0.1&0.2', 'T:0.01'), as a
    float array of length n, NaN where none. `owner`: each value's record; `alleles`: the record's VEP allele,
    which an 'allele:frequency' value must name."""
    import pyarrow as pa
    import pyarrow.compute as pc

    parts = pc.split_pattern_regex(pc.fill_null(values, ""), r"[,&|]")
    owner = pc.take(pa.array(owner), pc.list_parent_indices(parts))
    flat = pc.list_flatten(parts)
    has_allele = pc.match_substring(flat, ":")
    number = pc.replace_substring_regex(flat, "^[^:]*:", "")
    good = pc.match_substring_regex(number, NUMBER)
    if alleles is not None:
        allele = pc.replace_substring_regex(flat, ":.*$", "")
        good = pc.and_(good, pc.or_(pc.invert(has_allele), pc.equal(allele, pc.take(alleles, owner))))
    owner = np.asarray(pc.filter(owner, good))
    numbers = np.asarray(pc.cast(pc.filter(number, good), pa.float64()))
    out = np.full(n, np.nan)
    if len(owner):
        order = np.argsort(numbers)  # the largest written last
        out[owner[order]] = numbers[order]
    return out


def _vep_alleles(ref, alt):
    """VEP's allele string per record (rarevar.annotate.consequence.vep_allele, over arrays)."""
    import pyarrow.compute as pc

    indel = pc.and_(pc.not_equal(pc.utf8_length(ref), pc.utf8_length(alt)),
                    pc.equal(pc.utf8_slice_codeunits(ref, 0, 1), pc.utf8_slice_codeunits(alt, 0, 1)))  # fmt: skip
    trimmed = pc.utf8_slice_codeunits(alt, 1)
    trimmed = pc.if_else(pc.equal(trimmed, ""), "-", trimmed)
    return pc.if_else(indel, trimmed, alt)


def _csq_entries(csq, alleles, alts, allele_index: int | None, width: int):
    """(entries split into their fields, each entry's record) for the entries of each record's own allele."""
    import pyarrow as pa
    import pyarrow.compute as pc

    entries = pc.split_pattern(pc.fill_null(csq, ""), ",")
    owner = pc.list_parent_indices(entries)
    flat = pc.list_flatten(entries)
    # Padded so that every entry has all the header's fields (an entry may end early).
    fields = pc.split_pattern(pc.binary_join_element_wise(flat, "|" * width, ""), "|")
    if allele_index is None:
        return fields, owner
    allele = pc.list_element(fields, allele_index)
    own = pc.or_(pc.equal(allele, pc.take(alleles, owner)), pc.equal(allele, pc.take(alts, owner)))
    return pc.filter(fields, own), pc.filter(owner, own) if len(owner) else pa.array([], pa.int32())


# ClinVar's significance words, and the numeric codes of its older VCFs (still written by clinical pipelines).
SIGNIFICANCE_CODES = {"0": "Uncertain_significance", "1": "not_provided", "2": "Benign", "3": "Likely_benign",
                      "4": "Likely_pathogenic", "5": "Pathogenic", "6": "drug_response", "7": "histocompatibility",
                      "255": "other"}  # fmt: skip
SIGNIFICANCE_WORDS = {w.lower(): w for w in (
    "Pathogenic", "Likely_pathogenic", "Uncertain_significance", "Likely_benign", "Benign", "risk_factor",
    "drug_response", "not_provided", "other", "association", "protective", "affects", "histocompatibility",
    "Conflicting_classifications_of_pathogenicity")}  # fmt: skip
CONFLICTING = "Conflicting_classifications_of_pathogenicity"
SIGNIFICANCE_WORDS.update({"conflicting_interpretations_of_pathogenicity": CONFLICTING,
                           "non-pathogenic": "Benign", "probable-non-pathogenic": "Likely_benign",
                           "probable-pathogenic": "Likely_pathogenic", "untested": "not_provided",
                           "unknown": "Uncertain_significance"})  # fmt: skip
REVIEW_CODES = {"single": "criteria_provided,_single_submitter",
                "mult": "criteria_provided,_multiple_submitters,_no_conflicts",
                "conf": "criteria_provided,_conflicting_classifications", "exp": "reviewed_by_expert_panel",
                "guideline": "practice_guideline", "no_criteria": "no_assertion_criteria_provided",
                "no_assertion": "no_assertion_provided"}  # fmt: skip


def clinvar_significance(text: str) -> str:
    """One ClinVar significance from an annotation's value: numeric codes or words, in any case, several joined by
    '|', ',', '&' or '/'. Pathogenic and benign (or uncertain) together are a conflict, as ClinVar says."""
    tokens = [t.strip().replace(" ", "_") for t in re.split(r"[|,&/]", text) if t.strip() and t.strip() != "."]
    words = [SIGNIFICANCE_CODES.get(t) or SIGNIFICANCE_WORDS.get(t.lower()) or t for t in tokens]
    pathogenic = {w for w in words if w in ("Pathogenic", "Likely_pathogenic")}
    benign = {w for w in words if w in ("Benign", "Likely_benign", "Uncertain_significance")}
    if pathogenic and benign or "Conflicting_classifications_of_pathogenicity" in words:
        return "Conflicting_classifications_of_pathogenicity"
    for group in (pathogenic, benign & {"Benign", "Likely_benign"}):
        if len(group) == 2:
            return "/".join(sorted(group, key=lambda w: w.startswith("Likely")))
    order = ("Pathogenic", "Likely_pathogenic", "Uncertain_significance", "Likely_benign", "Benign")
    ranked = sorted(dict.fromkeys(words), key=lambda w: order.index(w) if w in order else len(order))
    return ranked[0] if ranked else ""


def clinvar_review(text: str) -> str:
    status = text.strip().replace(" ", "_")
    return REVIEW_CODES.get(status.split("|")[0], status.split("|")[0])


def _clean_text(text: str) -> str:
    return re.sub(r'[;=\s"]', "_", text)


def _text_values(values, owner, n: int, normalise) -> np.ndarray:
    """The first non-empty value of each record, normalised (once per distinct value); '' where none."""
    import pyarrow as pa
    import pyarrow.compute as pc

    values = pc.fill_null(values, "")
    keep = pc.and_(pc.not_equal(values, ""), pc.not_equal(values, "."))
    values, owner = pc.filter(values, keep), np.asarray(pc.filter(pa.array(owner), keep))
    out = np.full(n, "", dtype=object)
    if not len(owner):
        return out
    distinct = pc.unique(values)
    mapped = np.asarray([_clean_text(normalise(v)) for v in distinct.to_pylist()], dtype=object)
    codes = np.asarray(pc.index_in(values, distinct))
    records, first = np.unique(owner, return_index=True)  # a record's values are consecutive, in entry order
    out[records] = mapped[codes[first]]
    return out


NORMALISE = {"clinvar_significance": clinvar_significance, "clinvar_review_status": clinvar_review,
             "clinvar_conditions": lambda v: v.replace("|", ",")}  # fmt: skip


# --- the annotation pass --------------------------------------------------------------------------------------------


def _read(vcf: str, fields: list[Present], csq_width: int):
    import pyarrow as pa

    info = [p.field.name for p in fields if p.field.where == "INFO"]
    columns = ["chrom", "pos", "ref", "alt", *(f"info:{name}" for name in info)]
    query = "\t".join(["%CHROM", "%POS", "%REF", "%ALT", *(f"%INFO/{name}" for name in info)])
    if csq_width:
        columns.append("csq")
        query += "\t%INFO/CSQ"
    return query_table(vcf, query + "\n", columns, {c: pa.string() for c in columns if c != "pos"})


def _values(table, present: Present, csq, n: int, alleles):
    """(the value column of one field, each value's record) for this field."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if present.field.where == "INFO":
        return table.column(f"info:{present.field.name}").combine_chunks(), pa.array(np.arange(n))
    fields, owner = csq
    if not len(owner):
        return pa.array([], pa.string()), owner
    return pc.list_element(fields, present.csq_index), owner


@dataclass
class Extracted:
    columns: dict[str, object]  # INFO field -> float array or list of text
    sources: dict[str, list[str]]  # POP_SOURCE etc. -> per record text ('' where none)
    covered: dict[str, int]  # kind -> records covered


def extract(vcf: str, fields: list[Present], store_contigs: set[str], clinvar_store: bool) -> tuple:
    """The input's values per record, as rarevar's INFO fields; (chrom, pos, ref, alt, Extracted)."""

    with pysam.VariantFile(vcf) as handle:
        csq_names = vep_fields(handle.header.info["CSQ"].description or "") if "CSQ" in handle.header.info else []
    uses_csq = any(p.field.where == "CSQ" for p in fields)
    table = _read(vcf, fields, len(csq_names) if uses_csq else 0)
    n = table.num_rows
    chrom = np.asarray(table.column("chrom").to_numpy(zero_copy_only=False), dtype=str)
    mito = is_mito(chrom)
    on_store = np.isin(chrom, list(store_contigs)) if store_contigs else np.zeros(n, dtype=bool)
    ref, alt = table.column("ref").combine_chunks(), table.column("alt").combine_chunks()
    alleles = _vep_alleles(ref, alt)
    csq = None
    if uses_csq:
        allele_index = csq_names.index("Allele") if "Allele" in csq_names else None
        csq = _csq_entries(table.column("csq").combine_chunks(), alleles, alt, allele_index, len(csq_names))
    columns: dict[str, object] = {}
    consulted: dict[str, list[tuple[str, np.ndarray]]] = {kind: [] for kind in SOURCE_FIELDS}
    for present in fields:
        field = present.field
        info, kind = TARGETS[field.target]
        allowed = covers(field, mito)
        if kind == "population":
            allowed &= ~on_store
        if kind == "clinvar" and clinvar_store:
            continue
        values, owner = _values(table, present, csq, n, alleles)
        if field.target in TEXT_TARGETS:
            text = _text_values(values, owner, n, NORMALISE[field.target])
            text[~allowed] = ""
            previous = columns.get(info, np.full(n, "", dtype=object))
            columns[info] = np.where(previous == "", text, previous)
            has_value = text != ""
        else:
            number = _numbers_max(values, owner, n, alleles if field.where == "CSQ" else None)
            number[~allowed] = np.nan
            columns[info] = np.fmax(columns.get(info, np.full(n, np.nan)), number)
            has_value = ~np.isnan(number)
        if field.target == "clinvar_conditions":
            continue
        # A score is credited to the fields that gave it; population and ClinVar to every field consulted.
        reached = allowed if field.absent == "not_observed" and kind != "scores" else has_value
        label = field.label if kind != "scores" else f"{field.target}:{field.label}"
        consulted[kind].append((label, reached))
    sources = {SOURCE_FIELDS[kind]: _joined(pairs, n, "|" if kind == "scores" else "+")
               for kind, pairs in consulted.items()}  # fmt: skip
    covered = {kind: int(np.count_nonzero(np.logical_or.reduce([r for _, r in pairs]))) if pairs else 0
               for kind, pairs in consulted.items()}  # fmt: skip
    return chrom, table.column("pos").to_numpy(), ref, alt, Extracted(columns, sources, covered)


def _joined(pairs: list[tuple[str, np.ndarray]], n: int, separator: str) -> np.ndarray:
    """Each record's consulted labels joined, '' where none: labels per distinct combination, not per record."""
    if not pairs:
        return np.full(n, "", dtype=object)
    combination = np.zeros(n, dtype=np.int64)
    for bit, (_, reached) in enumerate(pairs):
        combination |= reached.astype(np.int64) << bit
    distinct, codes = np.unique(combination, return_inverse=True)
    labels = np.asarray([separator.join(label for bit, (label, _) in enumerate(pairs) if c >> bit & 1)
                         for c in distinct], dtype=object)  # fmt: skip
    return labels[codes]


HEADER_LINES = {
    "POP_AF": ("1", "Float", "Population allele frequency (the input's own annotation, see POP_SOURCE)"),
    "POP_AF_GRPMAX": ("1", "Float", "Population group-maximum allele frequency (the input's own annotation)"),
    "POP_AF_EAS": ("1", "Float", "East Asian allele frequency (the input's own annotation)"),
    "POP_NHOMALT": ("1", "Integer", "Homozygotes in the population (the input's own annotation)"),
    "CLINVAR_SIG": (".", "String", "ClinVar significance (the input's own annotation, see CLINVAR_SOURCE)"),
    "CLINVAR_REVSTAT": (".", "String", "ClinVar review status (the input's own annotation)"),
    "CLINVAR_DN": (".", "String", "ClinVar conditions (the input's own annotation)"),
    "SCORE_CADD_PHRED": ("1", "Float", "CADD PHRED (the input's own annotation, see SCORE_SOURCES)"),
    "SCORE_REVEL": ("1", "Float", "REVEL (the input's own annotation)"),
    "SCORE_ALPHAMISSENSE": ("1", "Float", "AlphaMissense (the input's own annotation)"),
    "SCORE_SPLICEAI": ("1", "Float", "SpliceAI, the largest delta score (the input's own annotation)"),
    "POP_SOURCE": ("1", "String", "Population fields of the input consulted for this record"),
    "CLINVAR_SOURCE": ("1", "String", "ClinVar fields of the input consulted for this record"),
    "SCORE_SOURCES": ("1", "String", "In-silico score fields of the input that gave this record's scores"),
}


def _column(name: str, values: np.ndarray):
    """One INFO field as text for the table bcftools reads ('.' where missing)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if values.dtype == object:
        array = pa.array(values, pa.string())
        array = pc.if_else(pc.equal(array, ""), pa.scalar(None, pa.string()), array)
    else:
        array = pa.array(values, pa.float64(), from_pandas=True)  # NaN -> null
        if HEADER_LINES[name][1] == "Integer":
            array = pc.cast(pc.round(array), pa.int64())
    return pc.cast(array, pa.string())


def _write_table(path: str, chrom, pos, ref, alt, columns: dict[str, np.ndarray]) -> None:
    """CHROM, POS, REF, ALT and the fields of the records with any value, tab-separated, bgzipped, indexed."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    texts = {name: _column(name, values) for name, values in columns.items()}
    anything = np.logical_or.reduce([np.asarray(pc.is_valid(t)) for t in texts.values()])
    table = pa.table({"chrom": pa.array(chrom), "pos": pa.array(pos), "ref": ref, "alt": alt,
                      **{name: pc.fill_null(t, ".") for name, t in texts.items()}})  # fmt: skip
    table = table.filter(pa.array(anything))
    pacsv.write_csv(table, path, pacsv.WriteOptions(include_header=False, delimiter="\t", quoting_style="none"))
    pysam.tabix_compress(path, f"{path}.gz", force=True)
    pysam.tabix_index(f"{path}.gz", seq_col=0, start_col=1, end_col=1, force=True)


def annotate_from_input(vcf: str, out: str, fields: list[Present], store_contigs: set[str], clinvar_store: bool,
                        output_type: str = "-Ob0", extra_header: str | None = None) -> dict:  # fmt: skip
    """Write `out` (BCF + .csi): `vcf` with the input's values in rarevar's INFO fields (and the lines of the file
    `extra_header` in its header). Return records covered per kind (population, clinvar, scores)."""
    chrom, pos, ref, alt, found = extract(vcf, fields, store_contigs, clinvar_store)
    columns = {**found.columns, **{name: v for name, v in found.sources.items() if (v != "").any()}}
    tsv = temporary_name(out, "input_annotations", ".tsv")
    header = temporary_name(out, "input_annotations", ".hdr")
    try:
        _write_table(tsv, chrom, pos, ref, alt, columns)
        with open(header, "w", encoding="utf-8") as handle:
            for name in columns:
                number, kind, description = HEADER_LINES[name]
                handle.write(f'##INFO=<ID={name},Number={number},Type={kind},Description="{description}">\n')
            if extra_header:
                with open(extra_header, encoding="utf-8") as extra:
                    handle.write(extra.read())
        tmp = temporary_name(out)
        bcftools("annotate", "--no-version", "-a", f"{tsv}.gz", "-h", header,
                 "-c", ",".join(["CHROM", "POS", "REF", "ALT", *(f"INFO/{n}" for n in columns)]),
                 "--threads", "1", output_type, "-o", tmp, "-W", vcf)  # fmt: skip
        publish_indexed(tmp, out)
    finally:
        for leftover in (tsv, f"{tsv}.gz", f"{tsv}.gz.tbi", header):
            if os.path.exists(leftover):
                os.unlink(leftover)
    return found.covered


# --- what was consulted, in the header ------------------------------------------------------------------------------


def sources_summary(fields: list[Present], store: dict, clinvar_store: str | None) -> dict:
    """Per kind: the store (file, state, contigs) and the input's fields used (with their scope)."""

    def used(kind: str) -> list[dict]:
        return [{"field": p.field.label, "scope": p.field.scope, "absent": p.field.absent}
                for p in fields if TARGETS[p.field.target][1] == kind
                and not (kind == "clinvar" and clinvar_store)]  # fmt: skip

    clinvar = {"state": "used", "file": os.path.basename(clinvar_store)} if clinvar_store else \
        {"state": "not_configured"}  # fmt: skip
    return {"population": {"store": store, "input_fields": used("population")},
            "clinvar": {"store": clinvar, "input_fields": used("clinvar")},
            "scores": {"input_fields": used("scores")}}  # fmt: skip


def sources_header_line(summary: dict) -> str:
    return f"##{SOURCES_HEADER}={json.dumps(summary, separators=(',', ':'))}\n"


def read_sources(vcf: str) -> dict | None:
    """The summary written by the frequency stage (None: a file from before it was written)."""
    return json_header_record(vcf, SOURCES_HEADER)


def record_sources(vcf: str) -> dict[tuple, dict[str, str]]:
    """(chrom, pos, ref, alt) -> the source fields the frequency stage wrote (POP_SOURCE etc., where set), for the
    few thousand records of the candidates' file."""
    import pyarrow as pa

    with pysam.VariantFile(vcf) as handle:
        keys = [key for key in SOURCE_FIELDS.values() if key in handle.header.info]
    if not keys:
        return {}
    columns = ["chrom", "pos", "ref", "alt", *keys]
    query = "\t".join(["%CHROM", "%POS", "%REF", "%ALT", *(f"%INFO/{k}" for k in keys)]) + "\n"
    rows = query_table(vcf, query, columns, {c: pa.string() for c in columns if c != "pos"}).to_pylist()
    return {(r["chrom"], r["pos"], r["ref"], r["alt"]): {k: r[k] for k in keys if r[k]} for r in rows}
