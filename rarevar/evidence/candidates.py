"""Candidate variants of a family: consequence filter, genotype-quality gates and inheritance modes.

Input is the rare, consequence-annotated BCF of one family (a few thousand records at most for a genome),
read once with cyvcf2; the decisions are numpy operations over records x samples.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace

import cyvcf2
import numpy as np
import pandas as pd
import pysam

from rarevar.annotate.clinvar import info_text
from rarevar.annotate.consequence import (
    TranscriptConsequence,
    apply_transcript_tags,
    display_consequence,
    most_severe,
    parse_ann,
    parse_bcsq,
    parse_eff,
    parse_vep,
    rna_gene_exon,
    vep_fields,
)
from rarevar.annotate.constraint import is_lof_intolerant
from rarevar.annotate.hgvs import TranscriptModels
from rarevar.annotate.scores import LAYOUTS, pp3_bp4
from rarevar.base.atomic import temporary_name
from rarevar.base.bcftools import bcftools
from rarevar.base.funnel import FITS, GATES, IMPACT, IMPACT_OR_EXON, step, write_json_atomic, write_steps
from rarevar.base.messages import english, message
from rarevar.evidence.acmg import exons
from rarevar.evidence.acmg.repeats import tandem_repeat
from rarevar.family.gates import GenotypeQuality, describe
from rarevar.family.genotype_table import other_allele_calls
from rarevar.family.inheritance import MODES, ReadPhase, genotype_codes_from_cyvcf2
from rarevar.family.mode_calls import Locus, call_modes
from rarevar.family.read_phase import record_phase
from rarevar.inputs.pedigree import Pedigree


@dataclass
class Records:
    chrom: np.ndarray
    pos: np.ndarray
    ref: np.ndarray
    alt: np.ndarray
    gt: np.ndarray  # (records, samples) codes: 0 hom-ref, 1 het, 2 hom-alt, -1 missing
    gq: np.ndarray  # (records, samples), NaN where the VCF has no GQ
    dp: np.ndarray
    genotypes: list[dict[str, str]]
    consequence: list[TranscriptConsequence | None]
    frequency: dict[str, np.ndarray]
    clinvar: dict[str, list[str]]
    scores: dict[str, np.ndarray]
    transcripts: list[list[TranscriptConsequence]]  # every transcript's consequence, the displayed one included
    choice: list[str]  # the rule that chose the displayed consequence
    phase: ReadPhase | None = None  # read-backed phase of phased calls with FORMAT/PS
    ref_reads: np.ndarray | None = None  # (records, samples) FORMAT/AD, NaN where absent
    alt_reads: np.ndarray | None = None
    allele_fraction: np.ndarray | None = None  # FORMAT/AF, NaN where absent

    @property
    def quality(self) -> GenotypeQuality:
        missing = np.full(self.gq.shape, np.nan)
        ref = missing if self.ref_reads is None else self.ref_reads
        alt = missing if self.alt_reads is None else self.alt_reads
        return GenotypeQuality(self.gq, self.dp, ref, alt, self.allele_fraction)


FREQUENCY_FIELDS = ("POP_AF", "POP_AF_GRPMAX", "POP_AF_EAS", "POP_AC", "POP_AN", "POP_NHOMALT")
# Local cohort counts (rarevar.annotate.cohort); NaN where no cohort is configured or the allele is not in it.
COHORT_FIELDS = ("COHORT_AC", "COHORT_HOM", "COHORT_HEMI", "COHORT_FAMILIES", "COHORT_N_FAMILIES")
CLINVAR_FIELDS = ("CLINVAR_ID", "CLINVAR_SIG", "CLINVAR_REVSTAT", "CLINVAR_DN")
SCORE_FIELDS = tuple(layout.info for layout in LAYOUTS.values())  # written by the scores stage


def _format_array(variant, name: str, n_samples: int) -> np.ndarray:
    try:
        values = variant.format(name)
    except KeyError:
        values = None
    if values is None:
        return np.full(n_samples, np.nan)
    values = np.asarray(values, dtype=float)[:, 0]
    values[values < 0] = np.nan  # cyvcf2 writes missing integers as large negatives
    return values


def _genotype_strings(variant, samples: list[str]) -> dict[str, str]:
    out = {}
    for sample, call in zip(samples, variant.genotypes, strict=True):
        alleles = ["." if a < 0 else str(a) for a in call[:-1]]
        out[sample] = ("|" if call[-1] else "/").join(alleles)
    return out


def _allele_reads(variant, n_samples: int) -> tuple[np.ndarray, np.ndarray]:
    """FORMAT/AD of the reference and the first alt allele per sample; NaN where absent."""
    try:
        values = variant.format("AD")
    except KeyError:
        values = None
    if values is None or np.ndim(values) != 2 or np.shape(values)[1] < 2:
        return np.full(n_samples, np.nan), np.full(n_samples, np.nan)
    values = np.asarray(values, dtype=float)
    values[values < 0] = np.nan  # missing values come out as large negatives
    return values[:, 0], values[:, 1]


def allele_fraction_field(vcf: cyvcf2.VCF) -> str:
    """The FORMAT field giving the caller's alt allele fraction (mtDNA heteroplasmy): GATK Mutect2's AF, else
    MToolBox's HF."""
    declared = {h.info().get("ID") for h in vcf.header_iter() if h.type == "FORMAT"}
    return "HF" if "HF" in declared and "AF" not in declared else "AF"


def _consequence_reader(vcf: cyvcf2.VCF, source: str):
    if source == "CSQ":
        fields = vep_fields(vcf.get_header_type("CSQ")["Description"])
        return lambda values, ref, alt: parse_vep(values, fields, ref, alt)
    if source == "ANN":
        return lambda values, ref, alt: parse_ann(values, alt)
    if source == "EFF":
        return lambda values, ref, alt: parse_eff(values)
    return lambda values, ref, alt: parse_bcsq(values)


def read_records(path: str, source: str, tags: dict | None = None) -> tuple[Records, list[str]]:
    """`tags`: transcript id -> GFF3 tags, for sources that do not flag MANE Select / canonical themselves."""
    vcf = cyvcf2.VCF(path)
    samples = list(vcf.samples)
    parse = _consequence_reader(vcf, source)
    fraction = allele_fraction_field(vcf)
    keys = ("chrom", "pos", "ref", "alt", "gt", "gq", "dp", "gts", "csq", "all", "choice", "hap", "ps", "ad_ref",
            "ad_alt", "af")  # fmt: skip
    columns: dict[str, list] = {k: [] for k in keys}
    scores: dict[str, list] = {name: [] for name in SCORE_FIELDS}
    frequency: dict[str, list] = {name: [] for name in FREQUENCY_FIELDS + COHORT_FIELDS}
    clinvar: dict[str, list] = {name: [] for name in CLINVAR_FIELDS}
    for variant in vcf:
        alt = variant.ALT[0] if variant.ALT else "."
        columns["chrom"].append(variant.CHROM)
        columns["pos"].append(variant.POS)
        columns["ref"].append(variant.REF)
        columns["alt"].append(alt)
        columns["gt"].append(variant.gt_types.copy())
        columns["gq"].append(_format_array(variant, "GQ", len(samples)))
        columns["dp"].append(_format_array(variant, "DP", len(samples)))
        columns["gts"].append(_genotype_strings(variant, samples))
        haplotype, phase_set = record_phase(variant)
        columns["hap"].append(haplotype)
        columns["ps"].append(phase_set)
        ref_reads, alt_reads = _allele_reads(variant, len(samples))
        columns["ad_ref"].append(ref_reads)
        columns["ad_alt"].append(alt_reads)
        columns["af"].append(_format_array(variant, fraction, len(samples)))
        raw = variant.INFO.get(source)
        values = raw.split(",") if isinstance(raw, str) else []
        consequences = parse(values, variant.REF, alt)
        if tags and source == "BCSQ":
            consequences = apply_transcript_tags(consequences, tags)
        shown, rule = display_consequence(consequences)
        columns["csq"].append(shown)
        columns["all"].append(consequences)
        columns["choice"].append(rule)
        for name in SCORE_FIELDS:
            value = variant.INFO.get(name)
            scores[name].append(np.nan if value is None else float(value))
        for name in FREQUENCY_FIELDS + COHORT_FIELDS:
            value = variant.INFO.get(name)
            frequency[name].append(np.nan if value is None else float(value))
        for name in CLINVAR_FIELDS:
            clinvar[name].append(info_text(variant.INFO.get(name)))
    vcf.close()
    n = len(columns["pos"])
    shape = (n, len(samples))

    def stack(rows):
        return np.vstack(rows) if rows else np.zeros(shape)

    records = Records(
        chrom=np.asarray(columns["chrom"], dtype=str),
        pos=np.asarray(columns["pos"], dtype=np.int64),
        ref=np.asarray(columns["ref"], dtype=str),
        alt=np.asarray(columns["alt"], dtype=str),
        gt=genotype_codes_from_cyvcf2(stack(columns["gt"]).astype(np.int8)),
        gq=stack(columns["gq"]).astype(float),
        dp=stack(columns["dp"]).astype(float),
        genotypes=columns["gts"],
        consequence=columns["csq"],
        frequency={name: np.asarray(values, dtype=float) for name, values in frequency.items()},
        clinvar=clinvar,
        phase=ReadPhase(stack(columns["hap"]).astype(np.int8), stack(columns["ps"]).astype(np.int64)),
        ref_reads=stack(columns["ad_ref"]).astype(float),
        alt_reads=stack(columns["ad_alt"]).astype(float),
        allele_fraction=stack(columns["af"]).astype(float),
        scores={name: np.asarray(values, dtype=float) for name, values in scores.items()},
        transcripts=columns["all"],
        choice=columns["choice"],
    )
    return records, samples


def add_hgvs_c(records: Records, models: TranscriptModels, keep: np.ndarray) -> None:
    """c. notation from the gene models where the consequence source gave none (bcftools csq gives p. only),
    for the displayed consequence and every other transcript's."""

    def with_c(csq: TranscriptConsequence | None, i: int) -> TranscriptConsequence | None:
        if csq is None or csq.hgvs_c or not csq.transcript:
            return csq
        hgvs_c = models.hgvs_c(csq.transcript, records.chrom[i], int(records.pos[i]), records.ref[i], records.alt[i])
        return replace(csq, hgvs_c=hgvs_c)

    for i in np.flatnonzero(keep):
        records.consequence[i] = with_c(records.consequence[i], i)
        records.transcripts[i] = [with_c(c, i) for c in records.transcripts[i]]


@contextmanager
def _annotated_records(path: str, source: str, keep_impacts: set[str]):
    """The records with a consequence annotation, when MODIFIER impact is not kept. A record without one lies
    outside every transcript (MODIFIER): never a candidate, never a compound-het partner. On a genome most rare
    variants are such, and htslib skips them far faster than the per-record parse below reads them."""
    with pysam.VariantFile(path) as vcf:
        annotated_in_header = source in vcf.header.info
    if "MODIFIER" in keep_impacts or not annotated_in_header:
        yield path
        return
    # Named as rarevar's temporary: a killed run's leftover folder is removed by the next run (run.results_folder).
    prefix = os.path.basename(temporary_name(path, "selected", "."))
    with tempfile.TemporaryDirectory(prefix=prefix, dir=os.path.dirname(os.path.abspath(path))) as tmp:
        selected = os.path.join(tmp, "annotated.bcf")
        bcftools("view", "--no-version", "-i", f'INFO/{source}!="."', "-Ob0", "-o", selected, path)
        yield selected


def select_candidates(
    path: str, source: str, pedigree: Pedigree, build: str, settings: dict, out: str, funnel: str, modes_out: str,
    models: TranscriptModels | None = None, constraint: dict[str, dict] | None = None,
) -> None:  # fmt: skip
    keep_impacts = set(settings["keep_impacts"])
    with _annotated_records(path, source, keep_impacts) as annotated:
        records, samples = read_records(annotated, source, models.tags if models is not None else None)
    # Filtered on the most severe consequence over all transcripts, whichever one is displayed: nothing is lost
    # because its canonical transcript happens to be less affected.
    impact = np.array([c.impact if c else "MODIFIER" for c in _most_severe_each(records)], dtype=object)
    rna_exon = _rna_gene_exons(records) if "MODIFIER" not in keep_impacts else np.zeros(len(impact), dtype=bool)
    consequential = np.isin(impact, list(keep_impacts)) | rna_exon

    family = pedigree.restrict(set(samples))
    gene = np.array([c.gene if c else "" for c in records.consequence], dtype=object)
    locus = Locus(records.chrom, records.pos, gene)
    calls = call_modes(
        records.gt, records.quality, records.phase, samples, family, locus, consequential, build, settings,
        other_allele=other_allele_calls(records.genotypes, samples),
    )  # fmt: skip
    result, in_play = calls.result, calls.in_play
    fits = np.zeros(len(records.gt), dtype=bool)
    for mode in MODES:
        fits |= result.modes.get(mode, np.zeros_like(fits)) | result.possible.get(mode, np.zeros_like(fits))
    fits &= in_play

    overrides = sorted((settings.get("genotype_gates") or {}).get("modes") or {})
    gates = describe(calls.gates["default"]) + (f"; own gates for {', '.join(overrides)}" if overrides else "")
    write_steps(
        funnel,
        [
            step(IMPACT if "MODIFIER" in keep_impacts else IMPACT_OR_EXON, int(consequential.sum()),
                 {"impacts": "/".join(sorted(keep_impacts))}),
            step(GATES, int(in_play.sum()), {"gates": gates}),
            step(FITS, int(fits.sum())),
        ],
    )
    if models is not None:
        add_hgvs_c(records, models, fits)
    table = _candidate_table(records, result, fits, gene, calls.evidence, constraint or {}, models, rna_exon)
    tmp = temporary_name(out)
    table.to_parquet(tmp, index=False)
    os.replace(tmp, out)
    notes = dict(result.not_testable_messages)
    for field, values in (("GQ", records.gq), ("DP", records.dp)):
        if len(values) and np.isnan(values).all():
            notes[f"gate_{field}"] = message(
                "Genotype quality gate on {field} not applied: the VCF has no FORMAT/{field}.", field=field
            )
    if len(records.gq) and np.isnan(records.quality.allele_balance).all():
        notes["gate_AB"] = message("Allele-balance gate not applied: the VCF has no FORMAT/AD.")
    write_json_atomic(
        modes_out,
        {
            "not_testable": {key: english(why) for key, why in notes.items()},
            "not_testable_messages": notes,
            "samples": samples,
        },
    )


def _rna_gene_exons(records: Records) -> np.ndarray:
    from rarevar.phenotype.hpo import gene_diseases

    disease_genes = set(gene_diseases())
    return np.array([rna_gene_exon(every, disease_genes) for every in records.transcripts], dtype=bool)


def _significant(value: float) -> float:
    # INFO floats are stored as float32: 1.977e-05 reads back as 1.976999919861555e-05.
    return float(f"{value:.6g}")


def _most_severe_each(records: Records) -> list[TranscriptConsequence | None]:
    return [most_severe(every) for every in records.transcripts]


def _transcripts_json(consequences: list[TranscriptConsequence]) -> str:
    return json.dumps([
        {"gene": c.gene, "transcript": c.transcript, "biotype": c.biotype, "consequence": "&".join(c.terms),
         "impact": c.impact, "hgvs_c": c.hgvs_c, "hgvs_p": c.hgvs_p, "mane_select": c.mane_select,
         "canonical": c.canonical}
        for c in sorted(consequences, key=lambda c: (c.rank, c.gene, c.transcript))
    ])  # fmt: skip


def _score_columns(records: Records, i: int) -> dict:
    """SCORE_* values as columns, and the PP3/BP4 evidence they give (with the score that triggered it)."""
    values = {name.lower(): _significant(records.scores[name][i]) for name in SCORE_FIELDS}
    missense = any("missense_variant" in c.terms for c in records.transcripts[i])
    present = {name: value for name, value in values.items() if not np.isnan(value)}
    return {**values, "computational_evidence": json.dumps(pp3_bp4(present, missense=missense))}


def _constraint_columns(gene: str, constraint: dict[str, dict]) -> dict:
    c = constraint.get(gene) or {}
    return {
        "gene_pli": c.get("pli"),
        "gene_loeuf": c.get("loeuf"),
        "gene_mis_z": c.get("mis_z"),
        "constraint_version": c.get("version", ""),
        "gene_lof_intolerant": is_lof_intolerant(c) if c else None,
    }


# Evidence behind each call (rarevar.family.mode_calls): list-valued columns are stored as JSON.
EVIDENCE_COLUMNS = ("phase_evidence", "parents_genotyped", "unassessable_parents", "de_novo_confidence", "heteroplasmy",
                    "mitochondrial_doubts")  # fmt: skip


def _evidence_value(value):
    return json.dumps(value) if isinstance(value, list | dict) else value


def _candidate_table(
    records: Records, result, fits: np.ndarray, gene: np.ndarray, evidence: dict, constraint: dict[str, dict],
    models: TranscriptModels | None = None, rna_exon: np.ndarray | None = None,
) -> pd.DataFrame:  # fmt: skip
    index = np.flatnonzero(fits)
    key = [f"{c}:{p}:{r}:{a}" for c, p, r, a in zip(records.chrom, records.pos, records.ref, records.alt, strict=True)]
    rows = []
    for i in index:
        csq = records.consequence[i]
        modes = [m for m in MODES if result.modes.get(m) is not None and result.modes[m][i]]
        possible = [m for m in MODES if result.possible.get(m) is not None and result.possible[m][i]]
        rows.append(
            {
                "chrom": records.chrom[i],
                "pos": int(records.pos[i]),
                "ref": records.ref[i],
                "alt": records.alt[i],
                "gene": gene[i],
                "transcript": csq.transcript,
                "consequence": csq.term,
                "impact": csq.impact,
                "hgvs_c": csq.hgvs_c,
                "hgvs_p": csq.hgvs_p,
                "genotypes": json.dumps(records.genotypes[i]),
                "inheritance": json.dumps(modes),
                "possible_inheritance": json.dumps(possible),
                "partners": json.dumps([key[j] for j in result.partners[i]]),
                **{name.lower(): _significant(records.frequency[name][i]) for name in FREQUENCY_FIELDS},
                **{name.lower(): float(records.frequency[name][i]) for name in COHORT_FIELDS},
                **{name.lower(): records.clinvar[name][i] for name in CLINVAR_FIELDS},
                **{name: _evidence_value(evidence[name][i]) for name in EVIDENCE_COLUMNS},
                **_display_columns(records, i, models),
                **_score_columns(records, i),
                **_constraint_columns(gene[i], constraint),
                "rna_gene_exon": bool(rna_exon[i]) if rna_exon is not None else False,
            }
        )
    columns = [
        "chrom",
        "pos",
        "ref",
        "alt",
        "gene",
        "transcript",
        "consequence",
        "impact",
        "hgvs_c",
        "hgvs_p",
        "genotypes",
        "inheritance",
        "possible_inheritance",
        "partners",
        *(name.lower() for name in FREQUENCY_FIELDS),
        *(name.lower() for name in COHORT_FIELDS),
        *(name.lower() for name in CLINVAR_FIELDS),
        *EVIDENCE_COLUMNS,
        *EXTRA_COLUMNS,
    ]
    return pd.DataFrame(rows, columns=columns)


EXTRA_COLUMNS = (  # transcript choice, in-silico scores and gene constraint
    "transcript_choice",
    "most_severe_impact",
    "transcripts",
    *(name.lower() for name in SCORE_FIELDS),
    "computational_evidence",
    "gene_pli",
    "gene_loeuf",
    "gene_mis_z",
    "constraint_version",
    "gene_lof_intolerant",
    "exon_context",
    "repeat_region",
    "rna_gene_exon",  # kept though MODIFIER: an exon variant of a non-coding disease gene (rna_gene_exon)
)


def _display_columns(records: Records, i: int, models: TranscriptModels | None) -> dict:
    worst = most_severe(records.transcripts[i])
    return {
        "transcript_choice": records.choice[i],
        "most_severe_impact": worst.impact if worst else "MODIFIER",
        "transcripts": _transcripts_json(records.transcripts[i]),
        **_exon_columns(records, i, models),
    }


def _exon_columns(records: Records, i: int, models: TranscriptModels | None) -> dict:
    """Where the displayed consequence lies in its transcript's exons, and whether an indel sits in a tandem
    repeat of itself: the facts ACMG PVS1 and PM4 need (rarevar.evidence.acmg)."""
    csq = records.consequence[i]
    pos, ref, alt = int(records.pos[i]), records.ref[i], records.alt[i]
    tx = models.transcript(csq.transcript) if models is not None and csq and csq.transcript else None
    fasta = models.fasta if models is not None else None
    if tx is not None:
        context = exons.from_models(tx, pos, ref, alt, fasta)
    else:
        context = exons.from_annotation(csq.exon, csq.intron) if csq else None
    repeat = tandem_repeat(fasta, records.chrom[i], pos, ref, alt) if fasta is not None else None
    return {"exon_context": json.dumps(context) if context else "", "repeat_region": repeat}
