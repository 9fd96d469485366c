"""Compact local resource stores built from public releases, each with its provenance."""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from pathlib import Path

from rarevar.base.atomic import write_bytes_atomic

# Modes of inheritance as HPO terms (the `I` aspect of phenotype.hpoa).
INHERITANCE_TERMS = {
    "HP:0000006": "autosomal dominant",
    "HP:0000007": "autosomal recessive",
    "HP:0001417": "X-linked",
    "HP:0001419": "X-linked recessive",
    "HP:0001423": "X-linked dominant",
    "HP:0001427": "mitochondrial",
    "HP:0001450": "Y-linked",
    "HP:0010984": "digenic",
    "HP:0001442": "somatic mosaicism",
    "HP:0001428": "somatic mutation",
}
GENE_DISEASE_COLUMNS = ("gene_symbol", "ncbi_gene_id", "disease_id", "disease_name", "inheritance")


def sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_gene_disease(genes_to_phenotype: Path, phenotype_hpoa: Path, out: Path) -> int:
    """Gene-disease pairs from the HPO annotation release (genes_to_phenotype.txt + phenotype.hpoa):
    the ontology package scores phenotypes but does not say which disease of a gene matched."""
    names: dict[str, str] = {}
    inheritance: dict[str, set[str]] = {}
    with open(phenotype_hpoa, encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        header = next(rows)
        col = {name: i for i, name in enumerate(header)}
        for row in rows:
            disease = row[col["database_id"]]
            names.setdefault(disease, row[col["disease_name"]])
            if row[col["aspect"]] == "I" and row[col["hpo_id"]] in INHERITANCE_TERMS:
                inheritance.setdefault(disease, set()).add(INHERITANCE_TERMS[row[col["hpo_id"]]])
    pairs: set[tuple[str, str, str]] = set()
    with open(genes_to_phenotype, encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        for row in rows:
            pairs.add((row["gene_symbol"], row["ncbi_gene_id"], row["disease_id"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(GENE_DISEASE_COLUMNS)
    for symbol, gene_id, disease in sorted(pairs):
        writer.writerow(
            [symbol, gene_id, disease, names.get(disease, ""), ";".join(sorted(inheritance.get(disease, ())))]
        )
    # mtime=0 keeps the file byte-identical across rebuilds.
    write_bytes_atomic(out, gzip.compress(buffer.getvalue().encode(), mtime=0))
    return len(pairs)


def read_gene_disease(path: Path) -> dict[str, list[dict]]:
    """gene symbol -> its diseases [{id, name, inheritance}]."""
    by_gene: dict[str, list[dict]] = {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            by_gene.setdefault(row["gene_symbol"], []).append(
                {
                    "id": row["disease_id"],
                    "name": row["disease_name"],
                    "inheritance": [m for m in row["inheritance"].split(";") if m],
                }
            )
    return by_gene
