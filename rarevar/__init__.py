"""rarevar: rare-disease variant triage for family sequencing data."""

__version__ = "0.1.0"
