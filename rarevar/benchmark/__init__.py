"""Ranking benchmarks on published solved cases (GA4GH Phenopackets): phenotype only and full pipeline."""
