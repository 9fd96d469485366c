"""Solved cases from a flattened phenopacket-store table (`cases.tsv`: one row per phenopacket, per-variant
columns joined with '|'), read into one object per case with its causal variants."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from rarevar.errors import InputError

SMALL_CLASSES = {"snv", "mnv", "indel"}
REQUIRED = ("phenopacket_id", "sex", "disease_id", "moi_label", "genotype_summary", "gene_symbol", "chrom", "pos",
            "ref", "alt", "vcf_class", "hgvs_c", "hgvs_p", "allelic_state", "consequence_guess", "hpo_observed",
            "hpo_excluded")
PER_VARIANT = ("gene_symbol", "chrom", "pos", "ref", "alt", "vcf_class", "hgvs_c", "hgvs_p", "allelic_state",
               "consequence_guess")


@dataclass(frozen=True)
class CausalVariant:
    gene: str
    chrom: str
    pos: int | None
    ref: str
    alt: str
    vcf_class: str
    hgvs_c: str
    hgvs_p: str
    allelic_state: str  # heterozygous / homozygous / hemizygous
    consequence: str  # SO term guessed from the HGVS; "" when unsure

    @property
    def small(self) -> bool:
        return self.vcf_class in SMALL_CLASSES and self.pos is not None


@dataclass(frozen=True)
class Case:
    case_id: str
    sex: str  # MALE / FEMALE / UNKNOWN_SEX / OTHER_SEX / ""
    disease_id: str
    inheritance: tuple[str, ...]  # HPO labels of the disease's modes of inheritance ("Autosomal recessive ...")
    genotype: str  # heterozygous, homozygous, hemizygous, heterozygous+heterozygous(same_gene)
    observed: tuple[str, ...]
    excluded: tuple[str, ...]
    variants: tuple[CausalVariant, ...] = field(default=())

    @property
    def genes(self) -> set[str]:
        return {v.gene for v in self.variants if v.gene}

    @property
    def all_small(self) -> bool:
        return bool(self.variants) and all(v.small for v in self.variants)


def _terms(text: str) -> tuple[str, ...]:
    return tuple(term for term in text.split(",") if term)


def _variants(row: dict, line: int, path: Path) -> tuple[CausalVariant, ...]:
    columns = {name: row[name].split("|") for name in PER_VARIANT}
    count = len(columns["gene_symbol"])
    if any(len(values) != count for values in columns.values()):
        raise InputError(path, f"line {line}: per-variant columns hold different numbers of values",
                         "Rebuild the table so every per-variant column has one value per causal variant")
    variants = []
    for i in range(count):
        value = {name: columns[name][i] for name in PER_VARIANT}
        pos = value["pos"]
        variants.append(CausalVariant(
            gene=value["gene_symbol"], chrom=value["chrom"], pos=int(pos) if pos.isdigit() else None,
            ref=value["ref"], alt=value["alt"], vcf_class=value["vcf_class"], hgvs_c=value["hgvs_c"],
            hgvs_p=value["hgvs_p"], allelic_state=value["allelic_state"], consequence=value["consequence_guess"]))
    return tuple(variants)


def read_cases(path: str | Path) -> list[Case]:
    """Every case of the table, in file order."""
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "not found", "Give the cases.tsv of a phenopacket-store development split")
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        missing = [name for name in REQUIRED if name not in (reader.fieldnames or [])]
        if missing:
            raise InputError(path, f"header lacks {', '.join(missing)}", "Give the flattened cases.tsv")
        cases = []
        for line, row in enumerate(reader, start=2):
            cases.append(Case(
                case_id=row["phenopacket_id"], sex=row["sex"], disease_id=row["disease_id"],
                inheritance=tuple(label for label in row["moi_label"].split(",") if label),
                genotype=row["genotype_summary"], observed=_terms(row["hpo_observed"]),
                excluded=_terms(row["hpo_excluded"]), variants=_variants(row, line, path)))
    return cases
