"""The annotation an input VCF already carries, read from its header: which kind (VEP CSQ, snpEff ANN/EFF,
bcftools BCSQ) and the field order its header declares. The input checks use it before any job; the
consequence stage parses the records with it."""

from __future__ import annotations

import re


def detect_source(info_ids: set[str]) -> str | None:
    """Which annotation the input carries, best first."""
    for key in ("CSQ", "ANN", "BCSQ", "EFF"):
        if key in info_ids:
            return key
    return None


def vep_fields(description: str) -> list[str]:
    """The CSQ field order from its header description ('... Format: Allele|Consequence|...')."""
    match = re.search(r"Format:\s*([^\"]+)", description)
    return [f.strip() for f in match.group(1).split("|")] if match else []


def ann_fields(description: str) -> list[str]:
    """snpEff's ANN field names from its header description ("Functional annotations: 'Allele | Annotation | ...'")."""
    match = re.search(r"'([^']*)'", description)
    return [f.strip() for f in match.group(1).split("|")] if match else []
