"""What every stage stands on: outputs written whole or not at all (atomic), htslib's bcftools run and read into
Arrow, the funnel files that count each step's records, strict reading of text inputs, and genome-build tables."""
