"""Simulated data off the runtime path: the bundled demo genome and trio, batches of families, whole-genome-scale
trios with their population store, and simulated ClinVar and score files."""
