"""Gene constraint (pLI, LOEUF, missense Z) from the tables gnomAD publishes, for PVS1 and gene-level context.

- gnomAD v2.1.1 `gnomad.v2.1.1.lof_metrics.by_gene.txt(.bgz)`: one row per gene (its canonical transcript);
  columns `gene`, `pLI`, `oe_lof_upper` (LOEUF), `mis_z`.
- gnomAD v4.x `gnomad.v4.1.constraint_metrics.tsv`: one row per transcript, Ensembl and RefSeq; columns `gene`,
  `lof.pLI`, `lof.oe_ci.upper` (LOEUF), `mis.z_score`, with `mane_select` and `canonical` flags. The gene's
  MANE Select row is used, else its canonical row (gnomAD ranks LOEUF on the same transcripts).
The version is told by the header, not the file name.
"""

from __future__ import annotations

import csv
import gzip
import io
import math

COLUMNS = {
    "v2": {"pli": "pLI", "loeuf": "oe_lof_upper", "mis_z": "mis_z"},
    "v4": {"pli": "lof.pLI", "loeuf": "lof.oe_ci.upper", "mis_z": "mis.z_score"},
}
# gnomAD's suggested LOEUF cut-offs for "LoF-intolerant": < 0.35 for v2 (Karczewski et al. 2020 and the v2
# browser help), < 0.6 for v4 (the v4 constraint README); pLI >= 0.9 in both (Lek et al. 2016). The two LOEUF
# scales differ, so the cut-off follows the version of the table the values came from.
LOEUF_INTOLERANT = {"v2": 0.35, "v4": 0.6}
PLI_INTOLERANT = 0.9


def detect_version(header: list[str]) -> str:
    for version, columns in (("v4", COLUMNS["v4"]), ("v2", COLUMNS["v2"])):
        if "gene" in header and all(name in header for name in columns.values()):
            return version
    raise ValueError(
        "not a gnomAD constraint table: expected the columns of v2.1.1 lof_metrics.by_gene "
        "(gene, pLI, oe_lof_upper, mis_z) or of v4 constraint_metrics (gene, lof.pLI, lof.oe_ci.upper, mis.z_score)"
    )


def _value(text: str | None) -> float | None:
    try:
        value = float(text)
    except (TypeError, ValueError):
        return None  # 'NA' or empty: not estimated for this transcript
    return None if math.isnan(value) else value


def open_text(path: str):
    with open(path, "rb") as handle:
        compressed = handle.read(2) == b"\x1f\x8b"  # gzip or bgzip (.bgz, .gz)
    return io.TextIOWrapper(gzip.open(path), encoding="utf-8") if compressed else open(path, encoding="utf-8")


def _preference(row: dict, loeuf: float | None) -> tuple:
    # Lower is better: MANE Select, then canonical, then an Ensembl row (RefSeq rows repeat its values),
    # then a row with a LOEUF at all.
    return (
        row.get("mane_select", "").lower() != "true",
        row.get("canonical", "").lower() != "true",
        not row.get("transcript", "").startswith("ENST"),
        loeuf is None,
    )


def read_constraint(path: str) -> dict[str, dict]:
    """{gene symbol: {"pli", "loeuf", "mis_z", "version"}}; a value gnomAD did not estimate is None."""
    with open_text(path) as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        version = detect_version(reader.fieldnames or [])
        names = COLUMNS[version]
        best: dict[str, tuple[tuple, dict]] = {}
        for row in reader:
            gene = row["gene"]
            metrics = {key: _value(row[column]) for key, column in names.items()}
            rank = _preference(row, metrics["loeuf"])
            if gene and (gene not in best or rank < best[gene][0]):
                best[gene] = (rank, {**metrics, "version": version})
    return {gene: metrics for gene, (_, metrics) in best.items()}


def is_lof_intolerant(c: dict | None) -> bool:
    """LOEUF below gnomAD's cut-off for the table's version, or pLI >= 0.9. Unknown constraint: False."""
    if not c:
        return False
    loeuf, pli = c.get("loeuf"), c.get("pli")
    threshold = LOEUF_INTOLERANT.get(c.get("version", "v4"), LOEUF_INTOLERANT["v4"])
    return (loeuf is not None and loeuf < threshold) or (pli is not None and pli >= PLI_INTOLERANT)
