"""In-silico predictor scores from the files their authors publish, and the calibrated PP3/BP4 thresholds.

Sources (LAYOUTS below) and the INFO field each writes, as a Float: the maximum over the source's entries for
the record's exact CHROM/POS/REF/ALT (REVEL has one row per transcript set, SpliceAI one entry per gene):
- CADD (`whole_genome_SNVs.tsv.gz`, indel files): tabix TSV `#Chrom Pos Ref Alt RawScore PHRED`.
- REVEL (`revel_with_transcript_ids`): published as CSV sorted by hg19_pos; tabix needs tabs, a '#' header
  and an index on the build's position column (set `build` in the source entry):
      GRCh37: tr ',' '\\t' < revel_with_transcript_ids | sed '1s/^/#/' | bgzip > revel.tsv.gz
              tabix -s 1 -b 2 -e 2 revel.tsv.gz
      GRCh38: the same, keeping the header, dropping rows whose grch38_pos is '.' and sorting by
              (chr, grch38_pos) before bgzip; then tabix -s 1 -b 3 -e 3
- AlphaMissense (`AlphaMissense_hg38.tsv.gz` / `_hg19`): gzip as published; recompress with bgzip, then
  `tabix -s 1 -b 2 -e 2`. Column `am_pathogenicity`.
- SpliceAI (precomputed `spliceai_scores.*.vcf.gz`): INFO `SpliceAI=ALLELE|SYMBOL|DS_AG|DS_AL|DS_DG|DS_DL|...`;
  the score is the largest of the four delta scores.

Why a tabix query per record rather than `bcftools annotate`: bcftools looks the score file up under the VCF's
own chromosome names, so a 'chr1' VCF against CADD's '1' would have to be renamed and renamed back, and it
cannot pick the allele's entry out of SpliceAI's '|'-separated INFO and take the largest of four deltas. The
input is the few thousand rare records of one family, so a region query per record is affordable; one code path
then covers all four formats, takes the maximum over several rows of one allele, and maps
chromosome names per source ('1' for CADD, REVEL, SpliceAI; 'chr1' for AlphaMissense) from the names in each
file's own index. The genome-wide files are never read whole.

What a query costs: tabix's .tbi starts every query at the beginning of its 16 kb window and reads on to the
position, and CADD holds three rows per base, so a query decodes ~24,000 rows. A CSI index with finer bins
(`tabix -C -m 10 whole_genome_SNVs.tsv.gz`: 1 kb) made each look-up 9x cheaper (8.9 -> 1.0 ms per record in
benchmarks/scores_lookup.py); when a file has both, the .csi is used.
"""

from __future__ import annotations

import contextlib
import gzip
import math
import os
import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pysam

from rarevar.annotate.clinvar import contig_renamer
from rarevar.base.atomic import copy_indexed, publish_indexed, temporary_name
from rarevar.base.bcftools import bcftools, count_records
from rarevar.base.funnel import write_json_atomic
from rarevar.errors import InputError


@dataclass(frozen=True)
class Layout:
    name: str
    info: str  # the INFO field rarevar writes
    description: str
    kind: str  # "table": tabix-indexed TSV; "vcf": tabix-indexed VCF carrying the scores in one INFO field
    columns: dict[str, str]  # role (chrom, pos, ref, alt, score; or info for a VCF) -> published column name
    published: tuple[str, ...]  # published column order (for a VCF: the fields of one INFO entry)
    pos_by_build: dict[str, str] = field(default_factory=dict)  # position column per build, when it depends on it


LAYOUTS = {
    "cadd": Layout(
        "cadd",
        "SCORE_CADD_PHRED",
        "CADD PHRED-scaled score (Rentzsch et al. 2019), maximum over the allele's rows",
        "table",
        {"chrom": "Chrom", "pos": "Pos", "ref": "Ref", "alt": "Alt", "score": "PHRED"},
        ("Chrom", "Pos", "Ref", "Alt", "RawScore", "PHRED"),
    ),
    "revel": Layout(
        "revel",
        "SCORE_REVEL",
        "REVEL score (Ioannidis et al. 2016), maximum over the allele's rows",
        "table",
        {"chrom": "chr", "ref": "ref", "alt": "alt", "score": "REVEL"},
        ("chr", "hg19_pos", "grch38_pos", "ref", "alt", "aaref", "aaalt", "REVEL", "Ensembl_transcriptid"),
        {"GRCh37": "hg19_pos", "GRCh38": "grch38_pos"},
    ),
    "alphamissense": Layout(
        "alphamissense",
        "SCORE_ALPHAMISSENSE",
        "AlphaMissense am_pathogenicity (Cheng et al. 2023), maximum over the allele's rows",
        "table",
        {"chrom": "CHROM", "pos": "POS", "ref": "REF", "alt": "ALT", "score": "am_pathogenicity"},
        (
            "CHROM",
            "POS",
            "REF",
            "ALT",
            "genome",
            "uniprot_id",
            "transcript_id",
            "protein_variant",
            "am_pathogenicity",
            "am_class",
        ),
    ),  # fmt: skip
    "spliceai": Layout(
        "spliceai",
        "SCORE_SPLICEAI",
        "SpliceAI maximum delta score (Jaganathan et al. 2019) over DS_AG, DS_AL, DS_DG, DS_DL and genes",
        "vcf",
        {"info": "SpliceAI"},
        ("ALLELE", "SYMBOL", "DS_AG", "DS_AL", "DS_DG", "DS_DL", "DP_AG", "DP_AL", "DP_DG", "DP_DL"),
    ),
}
SPLICEAI_DELTAS = ("DS_AG", "DS_AL", "DS_DG", "DS_DL")
LABELS = {"cadd": "CADD", "revel": "REVEL", "alphamissense": "AlphaMissense", "spliceai": "SpliceAI"}  # for people


# ---------------------------------------------------------------------------------------------------- sources


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None  # '.', '' or 'NA': not scored
    return None if math.isnan(value) else value


def _indexed_columns(path: str) -> tuple[int, int] | None:
    """0-based (chromosome, begin) columns the tabix index was built on; None when it cannot be read."""
    for suffix, offset in ((".csi", 16), (".tbi", 8)):  # .csi: tabix fields follow min_shift, depth, l_aux
        if os.path.exists(path + suffix):
            with gzip.open(path + suffix, "rb") as index:
                head = index.read(offset + 12)
            if len(head) < offset + 12 or (suffix == ".csi" and struct.unpack_from("<i", head, 12)[0] < 12):
                return None
            _format, seq, begin = struct.unpack_from("<3i", head, offset)
            return (seq - 1, begin - 1) if seq > 0 and begin > 0 else None
    return None


def _check_index(path: str, header: list[str], pos_column: int) -> None:
    # A REVEL file indexed on hg19_pos but read as GRCh38 would silently score nothing (or the wrong allele).
    indexed = _indexed_columns(path)
    if indexed is not None and indexed[1] != pos_column:
        name = header[indexed[1]] if indexed[1] < len(header) else f"column {indexed[1] + 1}"
        raise ValueError(
            f"{path}: indexed on {name.lstrip('#')} but positions are read from {header[pos_column].lstrip('#')}: "
            "re-index it on that column, or check the source's build"
        )


def _column_index(header: list[str], name: str, path: str) -> int:
    names = [column.lstrip("#").lower() for column in header]
    if name.lower() not in names:
        raise ValueError(f"{path}: no column '{name}' in its header ({', '.join(header)})")
    return names.index(name.lower())


def _header_line(tabix: pysam.TabixFile) -> list[str] | None:
    # The last '#' line holding tabs names the columns; copyright lines above it do not.
    lines = [line for line in tabix.header if "\t" in line]
    return lines[-1].split("\t") if lines else None


def _open_tabix(path: str) -> pysam.TabixFile:
    # A .csi beside a .tbi was made on purpose (finer bins, see above): use it.
    csi = os.path.exists(f"{path}.csi")
    try:
        return pysam.TabixFile(path, index=f"{path}.csi" if csi else None)
    except (OSError, ValueError) as error:
        raise ValueError(
            f"{path}: cannot be read as a bgzip-compressed, tabix-indexed file ({error}); "
            "recompress it with bgzip and index it with tabix (see rarevar.annotate.scores)"
        ) from None


class TableSource:
    """A tabix-indexed score table: one row per allele (and transcript), columns named in its header line."""

    def __init__(self, layout: Layout, spec: dict):
        self.layout, self.path = layout, spec["path"]
        self.file = _open_tabix(self.path)
        header = _header_line(self.file) or list(layout.published)
        names = {**layout.columns, **_position_column(layout, spec), **spec.get("columns", {})}
        roles = ("chrom", "pos", "ref", "alt", "score")
        self.column = {role: _column_index(header, names[role], self.path) for role in roles}
        _check_index(self.path, header, self.column["pos"])
        self.rename = contig_renamer(dict.fromkeys(self.file.contigs))
        self.contigs = list(self.file.contigs)

    def scores(self, contig: str, pos: int, ref: str, alt: str):
        c = self.column
        for line in self.file.fetch(contig, pos - 1, pos):
            row = line.split("\t")
            if row[c["pos"]] == str(pos) and row[c["ref"]] == ref and row[c["alt"]] == alt:
                value = _number(row[c["score"]])
                if value is not None:
                    yield value

    def close(self) -> None:
        self.file.close()


def _position_column(layout: Layout, spec: dict) -> dict[str, str]:
    if not layout.pos_by_build:
        return {}
    build = spec.get("build")
    if build not in layout.pos_by_build:
        raise ValueError(
            f"{layout.name} source {spec['path']}: set 'build' to one of {', '.join(layout.pos_by_build)} "
            "(the file holds one position column per build)"
        )
    return {"pos": layout.pos_by_build[build]}


class VcfSource:
    """A VCF whose INFO field holds '|'-separated entries, one per allele and gene (SpliceAI's layout)."""

    def __init__(self, layout: Layout, spec: dict):
        self.layout, self.path = layout, spec["path"]
        try:
            self.file = pysam.VariantFile(self.path)
        except (OSError, ValueError) as error:
            raise ValueError(f"{self.path}: cannot be read as a VCF ({error})") from None
        self.info = spec.get("columns", {}).get("info", layout.columns["info"])
        if self.info not in self.file.header.info:
            raise ValueError(f"{self.path}: no INFO/{self.info} in its header")
        fields = _entry_fields(self.file.header.info[self.info].description) or list(layout.published)
        self.allele = fields.index("ALLELE")
        self.deltas = [fields.index(name) for name in SPLICEAI_DELTAS]
        if self.file.index is None:
            raise ValueError(f"{self.path}: not indexed; index it with `tabix -p vcf` or `bcftools index`")
        self.contigs = list(dict.fromkeys([*self.file.header.contigs, *self.file.index]))
        self.rename = contig_renamer(dict.fromkeys(self.contigs))

    def scores(self, contig: str, pos: int, ref: str, alt: str):
        for record in self.file.fetch(contig, pos - 1, pos):
            if record.pos != pos or record.ref != ref or alt not in (record.alts or ()):
                continue
            entries = record.info.get(self.info) or ()
            for entry in (entries,) if isinstance(entries, str) else entries:
                parts = entry.split("|")
                if len(parts) > max(self.deltas) and parts[self.allele] == alt:
                    deltas = [v for v in (_number(parts[i]) for i in self.deltas) if v is not None]
                    if deltas:
                        yield max(deltas)

    def close(self) -> None:
        self.file.close()


def _entry_fields(description: str | None) -> list[str] | None:
    # SpliceAI states its layout in the header: '... Format: ALLELE|SYMBOL|DS_AG|...'.
    match = re.search(r"Format:\s*([A-Za-z_|]+)", description or "")
    fields = match.group(1).split("|") if match else []
    return fields if "ALLELE" in fields and all(name in fields for name in SPLICEAI_DELTAS) else None


def open_source(spec: dict, reference_contigs: list[str]):
    """A source from its config entry: {name: cadd|revel|alphamissense|spliceai, path, [build], [columns]}."""
    if spec.get("name") not in LAYOUTS:
        raise ValueError(f"unknown score source {spec.get('name')!r}; known: {', '.join(LAYOUTS)}")
    if not spec.get("path"):
        raise ValueError(f"{spec['name']} source: no 'path'")
    layout = LAYOUTS[spec["name"]]
    source = (TableSource if layout.kind == "table" else VcfSource)(layout, spec)
    if reference_contigs and not any(source.rename(name) for name in reference_contigs):
        source.close()
        raise ValueError(
            f"{spec['path']}: none of its chromosomes ({', '.join(source.contigs[:5])}...) is in the reference "
            f"({', '.join(reference_contigs[:5])}...): is it for another genome build or naming scheme?"
        )
    return source


# ---------------------------------------------------------------------------------------------------- annotate


def record_scores(sources: list, chrom: str, pos: int, ref: str, alt: str) -> dict[str, float]:
    """{source name: maximum score} over every configured file of each source that scores this allele."""
    best: dict[str, float] = {}
    for source in sources:
        contig = source.rename(chrom)
        if contig is None:
            continue
        for value in source.scores(contig, pos, ref, alt):
            name = source.layout.name
            best[name] = max(value, best.get(name, value))
    return best


def _write_mode(path: str) -> str:
    if path.endswith(".bcf"):
        return "wb"
    return "wz" if path.endswith(".gz") else "w"


def annotate_scores(vcf_in: str, vcf_out: str, sources: list[dict], reference_contigs: list[str]) -> dict:
    """Copy each source's score to INFO/SCORE_* of the records with the same CHROM/POS/REF/ALT; return
    {source name: records scored}. An allele a source does not score stays without the field. Records with
    several ALTs are left unscored (the workflow splits them before this step)."""
    tmp = temporary_name(vcf_out)
    counts = {spec.get("name"): 0 for spec in sources}
    try:
        with contextlib.ExitStack() as stack:
            opened = []
            for spec in sources:
                opened.append(open_source(spec, reference_contigs))
                stack.callback(opened[-1].close)
            vcf = stack.enter_context(pysam.VariantFile(vcf_in))
            for name in counts:
                if LAYOUTS[name].info not in vcf.header.info:
                    vcf.header.info.add(LAYOUTS[name].info, 1, "Float", LAYOUTS[name].description)
            with pysam.VariantFile(tmp, _write_mode(vcf_out), header=vcf.header) as out:
                for record in vcf:
                    for name, value in _biallelic_scores(opened, record).items():
                        record.info[LAYOUTS[name].info] = value
                        counts[name] += 1
                    out.write(record)
        if _write_mode(vcf_out) == "w":
            os.replace(tmp, vcf_out)
        else:
            bcftools("index", "--force", tmp)
            publish_indexed(tmp, vcf_out)
    finally:
        for leftover in (tmp, f"{tmp}.csi"):  # only left behind by a failure
            if os.path.exists(leftover):
                os.unlink(leftover)
    return counts


def _biallelic_scores(sources: list, record) -> dict[str, float]:
    if not record.alts or len(record.alts) != 1:
        return {}
    return record_scores(sources, record.chrom, record.pos, record.ref, record.alts[0])


# ---------------------------------------------------------------------------------------------------- PP3 / BP4

# Calibrated score intervals, strongest first. PP3 applies at score >= threshold, BP4 at score <= threshold.
# REVEL, CADD: Pejaver et al. 2022, Am J Hum Genet 109:2163-2177, Table 2 (ClinGen SVI). CADD was calibrated
#   on PHRED scores of missense variants. REVEL BP4 very strong is <= 0.003 and strong <= 0.016 there.
# AlphaMissense: Bergquist et al. 2025, Genet Med, "Calibration of additional computational tools expands
#   ClinGen recommendation options for variant classification with PP3/BP4 criteria": PP3 up to strong,
#   BP4 up to moderate (no score reached strong benign evidence).
# SpliceAI: Walker et al. 2023, Am J Hum Genet 110:1046-1067 (ClinGen SVI Splicing Subgroup).
PP3_THRESHOLDS = {
    "revel": (("strong", 0.932), ("moderate", 0.773), ("supporting", 0.644)),
    "alphamissense": (("strong", 0.990), ("moderate", 0.906), ("supporting", 0.792)),
    "cadd": (("moderate", 28.1), ("supporting", 25.3)),
    "spliceai": (("supporting", 0.2),),
}
BP4_THRESHOLDS = {
    "revel": (("very_strong", 0.003), ("strong", 0.016), ("moderate", 0.183), ("supporting", 0.290)),
    "alphamissense": (("moderate", 0.099), ("supporting", 0.169)),
    "cadd": (("strong", 0.15), ("moderate", 17.3), ("supporting", 22.7)),
    "spliceai": (("supporting", 0.1),),
}
# Pejaver et al. recommend one predictor chosen in advance rather than a consensus of several. rarevar's choice
# is REVEL; AlphaMissense, then CADD (not missense-specific) stand in only when REVEL has no score for the allele.
MISSENSE_PRECEDENCE = ("revel", "alphamissense", "cadd")
STRENGTH_ORDER = ("supporting", "moderate", "strong", "very_strong")


def _source_values(scores: dict) -> dict[str, float]:
    """Accept source names ('revel'), INFO names ('SCORE_REVEL') or candidate columns ('score_revel')."""
    aliases = {alias: name for name, layout in LAYOUTS.items() for alias in (name, layout.info, layout.info.lower())}
    values = {}
    for key, value in scores.items():
        if key in aliases and value is not None and not math.isnan(float(value)):
            # INFO floats are float32: REVEL 0.932 reads back as 0.93199998 and would miss its own threshold.
            values[aliases[key]] = float(f"{float(value):.6g}")
    return values


def _evidence(criterion: str, source: str, value: float) -> dict | None:
    table, hit = (PP3_THRESHOLDS, value.__ge__) if criterion == "PP3" else (BP4_THRESHOLDS, value.__le__)
    for strength, threshold in table[source]:
        if hit(threshold):
            return {"criterion": criterion, "strength": strength, "source": source, "value": value,
                    "threshold": threshold}  # fmt: skip
    return None


def pp3_bp4(scores: dict, missense: bool = True) -> list[dict]:
    """ACMG PP3/BP4 from calibrated scores: at most one PP3, or else at most one BP4.

    - Missense evidence (missense=True) comes from the first of REVEL, AlphaMissense, CADD that has a score.
    - Splicing evidence comes from SpliceAI (>= 0.2 PP3 supporting, <= 0.1 BP4 supporting).
    - PP3 is applied once, at the stronger of the missense and splicing evidence (Walker et al. 2023: splicing
      and missense predictions are not added up).
    - BP4 for a missense variant needs the missense predictor's BP4 and no hint of a splicing effect (SpliceAI
      <= 0.1 or not scored); for another variant (missense=False) SpliceAI <= 0.1 alone gives BP4 supporting.
    Scores between the PP3 and BP4 intervals are indeterminate: no evidence either way.
    """
    values = _source_values(scores)
    predictor = next((name for name in MISSENSE_PRECEDENCE if name in values), None) if missense else None
    splice = values.get("spliceai")
    pp3 = [
        evidence
        for source in (predictor, "spliceai" if splice is not None else None)
        if source and (evidence := _evidence("PP3", source, values[source]))
    ]
    if pp3:
        return [max(pp3, key=lambda e: STRENGTH_ORDER.index(e["strength"]))]
    splice_benign = _evidence("BP4", "spliceai", splice) if splice is not None else None
    if predictor:
        missense_benign = _evidence("BP4", predictor, values[predictor])
        return [missense_benign] if missense_benign and (splice is None or splice_benign) else []
    return [splice_benign] if splice_benign and not missense else []


def scores_stage(vcf: str, sources: list[dict], out: str, summary: str) -> None:
    """The workflow's scores step: the configured in-silico scores into INFO/SCORE_*; with no sources the
    records pass through."""
    with pysam.VariantFile(vcf) as handle:
        contigs = list(handle.header.contigs)
    try:
        counts = annotate_scores(vcf, out, sources, contigs) if sources else {}
    except ValueError as error:
        raise InputError("config `scores`", str(error), "Fix the score file or its entry under `scores`") from None
    if not sources:  # nothing to look up: the records pass through
        copy_indexed(vcf, out)
    files = {}
    for spec in sources:
        files.setdefault(spec["name"], []).append(Path(spec["path"]).name)
    write_json_atomic(summary, {
        "records": count_records(out),
        "sources": [{"name": name, "info": LAYOUTS[name].info, "files": files[name], "records_scored": n}
                    for name, n in counts.items()],
    })  # fmt: skip
