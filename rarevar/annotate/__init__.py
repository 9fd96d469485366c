"""Annotation of a family's records: population frequency (the prefilter), the local cohort database and its counts,
consequences (bcftools csq or the input's own), ClinVar, in-silico scores, gene constraint and HGVS."""
