"""What a run without a reference FASTA or gene models could not do, for the report's "what could not be assessed".
Both are optional when the VCF carries its own consequences (a one-family run with only --build): normalisation then
only splits multi-allelic records, and consequences, HGVS and exon numbers are the annotation's."""

from __future__ import annotations

from rarevar.base.messages import N_, message

NO_REFERENCE = N_("No reference FASTA was configured: multi-allelic records were split, but indels were not "
                  "left-aligned and REF was not checked against the genome, so an indel written at another position "
                  "of a repeat than a population or ClinVar entry may not be matched to it.")  # fmt: skip
NO_GENE_MODELS = N_("No gene models were configured: consequences, HGVS and exon numbers are the input VCF's own "
                    "annotation. PVS1 used its exon numbers only: the 50-nucleotide NMD rule in the penultimate exon, "
                    "the share of the protein removed and the splicing outcome were not assessed, and PVS1 was "
                    "lowered where they decide it.")  # fmt: skip


def missing_resource_notes(resources: dict[str, str]) -> list[dict]:
    """`resources`: the configured resource files (rarevar.inputs.config.stage_resources)."""
    notes = []
    if "reference" not in resources:
        notes.append(message(NO_REFERENCE))
    if "genes" not in resources:
        notes.append(message(NO_GENE_MODELS))
    return notes
