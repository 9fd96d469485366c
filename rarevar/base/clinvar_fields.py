"""The ClinVar store's fields as rarevar joins them onto a family's records (`bcftools annotate -c`), and the
expression that picks a (likely) pathogenic one. Shared by the stages that read the store: normalisation (FILTER-
failed records) and the frequency prefilter."""

from __future__ import annotations

CLINVAR_COLUMNS = ",".join(
    f"INFO/CLINVAR_{ours}:=INFO/{theirs}"
    for ours, theirs in (("ID", "CLNVID"), ("SIG", "CLNSIG"), ("REVSTAT", "CLNREVSTAT"), ("DN", "CLNDN"))
)
CLINVAR_PATHOGENIC = 'INFO/CLINVAR_SIG~"^Pathogenic" || INFO/CLINVAR_SIG~"^Likely_pathogenic"'
