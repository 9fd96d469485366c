"""Words the report translates that arrive as values, not as texts rarevar writes: consequence terms (from VEP,
snpEff or bcftools csq), impacts, ClinVar significances and the roles, sexes and statuses of a PED.

Listed here with `N_`/`C_` so that the catalogue extraction (rarevar.report.extraction) finds them; a value not
listed is shown as it is.
"""

from __future__ import annotations

from rarevar.base.messages import N_


def C_(context: str, text: str) -> str:  # noqa: N802  (gettext's pgettext, marked for extraction)
    """A word that needs a context: an impact "moderate" is not a strength "moderate"."""
    return text


# Sequence Ontology consequence terms (the common ones), then bcftools csq's own terms.
CONSEQUENCES = (
    N_("transcript_ablation"), N_("splice_acceptor_variant"), N_("splice_donor_variant"), N_("stop_gained"),
    N_("frameshift_variant"), N_("stop_lost"), N_("start_lost"), N_("transcript_amplification"),
    N_("inframe_insertion"), N_("inframe_deletion"), N_("missense_variant"), N_("protein_altering_variant"),
    N_("splice_region_variant"), N_("splice_donor_5th_base_variant"), N_("splice_donor_region_variant"),
    N_("splice_polypyrimidine_tract_variant"), N_("incomplete_terminal_codon_variant"), N_("start_retained_variant"),
    N_("stop_retained_variant"), N_("synonymous_variant"), N_("coding_sequence_variant"), N_("mature_miRNA_variant"),
    N_("5_prime_UTR_variant"), N_("3_prime_UTR_variant"), N_("non_coding_transcript_exon_variant"),
    N_("intron_variant"), N_("NMD_transcript_variant"), N_("non_coding_transcript_variant"),
    N_("upstream_gene_variant"), N_("downstream_gene_variant"), N_("regulatory_region_variant"),
    N_("intergenic_variant"), N_("feature_elongation"), N_("feature_truncation"), N_("coding_transcript_variant"),
    N_("TFBS_ablation"), N_("TFBS_amplification"), N_("TF_binding_site_variant"), N_("regulatory_region_ablation"),
    N_("regulatory_region_amplification"), N_("sequence_variant"),
    N_("missense"), N_("synonymous"), N_("stop_gained_NMD"), N_("frameshift"), N_("splice_acceptor"),
    N_("splice_donor"), N_("splice_region"), N_("inframe_deletion_NMD"), N_("start_lost_NMD"), N_("intron"),
    N_("5_prime_utr"), N_("3_prime_utr"), N_("non_coding"),
)  # fmt: skip
CONSEQUENCE_SEPARATOR = N_("&")  # VEP joins a transcript's terms with '&'

IMPACTS = (C_("impact", "high"), C_("impact", "moderate"), C_("impact", "low"), C_("impact", "modifier"))

CLINVAR_SIGNIFICANCES = (
    N_("pathogenic"), N_("likely pathogenic"), N_("Pathogenic"), N_("Likely pathogenic"),
    N_("Pathogenic/Likely pathogenic"), N_("uncertain significance"), N_("Uncertain significance"),
    N_("likely benign"), N_("Likely benign"), N_("benign"), N_("Benign"), N_("Benign/Likely benign"),
    N_("Conflicting classifications of pathogenicity"),
)  # fmt: skip

# Inheritance mode ids as the not-assessed notes write them ("x linked recessive": the id with spaces).
MODE_IDS = (
    N_("autosomal recessive"), N_("x linked recessive"), N_("x linked dominant"), N_("x linked de novo"),
    N_("x-linked de novo"), N_("uniparental isodisomy"),
)  # fmt: skip

# ACMG strengths as the report shows them (the others are written by rarevar.evidence.rank).
STRENGTHS = (N_("stand-alone"),)

# Relationships from a PED and from genotypes (rarevar.inputs.pedigree, rarevar.family.qc).
RELATIONSHIPS = (
    N_("parent-child"), N_("siblings"), N_("half-siblings"), N_("grandparent-grandchild"), N_("avuncular"),
    N_("first cousins"), N_("duplicate"), N_("unrelated"), N_("first-degree relatives"), N_("second-degree relatives"),
    N_("third-degree relatives"),
)  # fmt: skip

PEDIGREE = (
    N_("proband"), N_("father"), N_("mother"), N_("sibling"), N_("sister"), N_("brother"), N_("relative"),
    N_("affected"), N_("unaffected"), N_("unknown"), N_("male"), N_("female"),
)  # fmt: skip
