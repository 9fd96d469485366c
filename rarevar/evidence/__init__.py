"""From a family's rare, annotated, inheritance-fitting records to ranked hypotheses: the candidates stage, ACMG/AMP
criteria, the combined likelihood ratio and the calibrated probability of each candidate being the cause."""
