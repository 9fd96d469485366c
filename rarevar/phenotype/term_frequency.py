"""How often each HPO term occurs in each disease: a compact table built from HPO's phenotype.hpoa, whose
frequency column the ontology package does not carry, and its reader."""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections import defaultdict
from pathlib import Path

from rarevar.base.atomic import write_bytes_atomic
from rarevar.errors import InputError

# HPO's frequency classes (subontology HP:0040279), each as the middle of the range it names.
FREQUENCY_CLASSES = {
    "HP:0040280": 1.0,  # obligate (100%)
    "HP:0040281": 0.895,  # very frequent (80-99%)
    "HP:0040282": 0.545,  # frequent (30-79%)
    "HP:0040283": 0.17,  # occasional (5-29%)
    "HP:0040284": 0.025,  # very rare (1-4%)
    "HP:0040285": 0.0,  # excluded (0%)
}
COLUMNS = ("disease_id", "hpo_id", "frequency")
RATIO = re.compile(r"^(\d+)/(\d+)$")
PERCENT = re.compile(r"^(\d+(?:\.\d+)?)%$")


def parse_frequency(text: str) -> float | None:
    """`HP:0040281`, `3/7` or `45%` as a fraction; None when the column is empty or unreadable."""
    text = text.strip()
    if text in FREQUENCY_CLASSES:
        return FREQUENCY_CLASSES[text]
    if match := RATIO.match(text):
        n, m = int(match[1]), int(match[2])
        return min(n / m, 1.0) if m else None
    if match := PERCENT.match(text):
        return min(float(match[1]) / 100, 1.0)
    return None


def build_term_frequency(phenotype_hpoa: Path, out: Path) -> int:
    """One row per OMIM/Orphanet disease and phenotypic-abnormality term whose frequency the annotation
    gives; a term annotated with the `NOT` qualifier is written with frequency 0 (the disease lacks it).
    Several rows for the same pair (different publications) are averaged."""
    values: dict[tuple[str, str], list[float]] = defaultdict(list)
    with open(phenotype_hpoa, encoding="utf-8") as handle:
        rows = csv.reader((line for line in handle if not line.startswith("#")), delimiter="\t")
        header = next(rows, None)
        if not header or "frequency" not in header:
            raise InputError(phenotype_hpoa, "has no frequency column", "Give HPO's phenotype.hpoa")
        col = {name: i for i, name in enumerate(header)}
        for row in rows:
            disease = row[col["database_id"]]
            if row[col["aspect"]] != "P" or not disease.startswith(("OMIM:", "ORPHA:")):
                continue
            frequency = 0.0 if row[col["qualifier"]] == "NOT" else parse_frequency(row[col["frequency"]])
            if frequency is not None:
                values[(disease, row[col["hpo_id"]])].append(frequency)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    writer.writerow(COLUMNS)
    for (disease, term), found in sorted(values.items()):
        writer.writerow([disease, term, f"{sum(found) / len(found):.3g}"])
    # mtime=0 keeps the file byte-identical across rebuilds.
    write_bytes_atomic(out, gzip.compress(buffer.getvalue().encode(), compresslevel=9, mtime=0))
    return len(values)


def read_term_frequency(path: Path) -> dict[tuple[str, str], float]:
    """(disease id, HPO id) -> frequency in the disease (0..1; 0 = the disease is known to lack the term)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return {(row["disease_id"], row["hpo_id"]): float(row["frequency"])
                for row in csv.DictReader(handle, delimiter="\t")}  # fmt: skip


def register(what) -> None:
    """`rarevar resources term-frequency`."""
    p = what.add_parser("term-frequency", help="disease-term frequency table from HPO's phenotype.hpoa")
    p.add_argument("--phenotype-hpoa", required=True)
    p.add_argument("--out", required=True, help="table to write (.tsv.gz)")
    p.set_defaults(handler=_build)


def _build(args) -> int:
    n = build_term_frequency(Path(args.phenotype_hpoa), Path(args.out))
    print(f"rarevar: {n} disease-term frequencies written to {args.out}")
    return 0
