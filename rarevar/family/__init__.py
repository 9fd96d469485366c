"""A family's genotypes and what they say: genotype arrays, quality gates, inheritance modes over numpy arrays,
per-call evidence (de novo confidence, parental reads), read-backed phase, gVCF re-genotyping and sample QC."""
