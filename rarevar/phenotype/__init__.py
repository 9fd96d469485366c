"""The patient's phenotype: HPO terms and Phenopackets read and checked against the ontology, gene-disease links,
and the likelihood ratios of the patient's terms under each disease (with the term-frequency table they use)."""
