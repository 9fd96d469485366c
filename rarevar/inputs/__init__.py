"""What the user gives, read and checked before any job: the config and its schema, the families sheet, PED files,
every VCF record (the deep scan), and normalisation (family samples, split multi-allelics, left-align, upper case)."""
