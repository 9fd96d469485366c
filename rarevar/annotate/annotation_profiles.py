"""Where annotated VCFs already carry population frequency, ClinVar and in-silico scores: the built-in profiles.

A profile lists fields as the annotating tool writes them; rarevar reads the ones the input's header declares.
- `target`: the value it gives (the candidate's key, see TARGETS).
- `where`: "INFO", or "CSQ" for a subfield of VEP's CSQ (the entry whose Allele is the record's ALT).
- `scope`: the contigs the source covers: "nuclear", "mitochondrial" or "all". gnomAD exomes, ExAC, 1000 Genomes
  and SweGen hold no mitochondrial calls, so a chrM record absent from them is not assessed, never "not observed".
- `absent`: what a record without a value means. "not_observed" where the tool annotates every record it was run on
  (VEP, vcfanno, the clinical pipelines' INFO fields); "unknown" where the source only annotates some kinds of
  variant (dbNSFP: non-synonymous SNVs), so a missing value says nothing about the population.
- `description`: for a name another tool also uses, a pattern the header's Description must match. INFO/AF of a
  GATK call set is the call set's own frequency (0.33 for a het in a trio), not a population's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# target -> the INFO field rarevar writes (read by the candidates stage) and its kind.
TARGETS = {
    "population_af": ("POP_AF", "population"),
    "population_af_grpmax": ("POP_AF_GRPMAX", "population"),
    "population_af_eas": ("POP_AF_EAS", "population"),
    "population_homozygotes": ("POP_NHOMALT", "population"),
    "clinvar_significance": ("CLINVAR_SIG", "clinvar"),
    "clinvar_review_status": ("CLINVAR_REVSTAT", "clinvar"),
    "clinvar_conditions": ("CLINVAR_DN", "clinvar"),
    "cadd": ("SCORE_CADD_PHRED", "scores"),
    "revel": ("SCORE_REVEL", "scores"),
    "alphamissense": ("SCORE_ALPHAMISSENSE", "scores"),
    "spliceai": ("SCORE_SPLICEAI", "scores"),
}
TEXT_TARGETS = {"clinvar_significance", "clinvar_review_status", "clinvar_conditions"}


@dataclass(frozen=True)
class Field:
    name: str
    target: str
    where: str = "INFO"
    scope: str = "nuclear"
    absent: str = "not_observed"
    description: str = ""  # regex (case-insensitive) the header Description must match; "" = any

    @property
    def label(self) -> str:
        return f"{self.where}/{self.name}"


def _csq(target: str, *names: str, scope: str = "nuclear") -> list[Field]:
    return [Field(name, target, "CSQ", scope) for name in names]


def _info(target: str, *names: str, scope: str = "nuclear", absent: str = "not_observed",
          description: str = "") -> list[Field]:  # fmt: skip
    return [Field(name, target, "INFO", scope, absent, description) for name in names]


POPULATIONS = ("AFR", "AMR", "ASJ", "EAS", "FIN", "NFE", "OTH", "SAS", "MID", "AMI", "REMAINING")
PROFILES: dict[str, list[Field]] = {
    # Ensembl VEP (--af, --af_gnomade, --af_gnomadg, --max_af, --check_existing) and its plugins (REVEL, CADD,
    # SpliceAI, AlphaMissense). Older releases wrote GMAF and *_MAF as "allele:frequency".
    "vep": [
        *_csq("population_af", "gnomADe_AF", "gnomADg_AF", "gnomAD_AF", "AF", "GMAF"),
        *_csq("population_af_grpmax", "MAX_AF", "AFR_MAF", "AMR_MAF", "ASN_MAF", "EUR_MAF", "AA_MAF", "EA_MAF"),
        *_csq("population_af_eas", "gnomADe_EAS_AF", "gnomADg_EAS_AF", "gnomAD_EAS_AF", "EAS_AF"),
        *_csq("clinvar_significance", "CLIN_SIG", scope="all"),
        *_csq("revel", "REVEL", "REVEL_score", scope="all"),
        *_csq("cadd", "CADD_PHRED", scope="all"),
        *_csq("spliceai", "SpliceAI_pred_DS_AG", "SpliceAI_pred_DS_AL", "SpliceAI_pred_DS_DG", "SpliceAI_pred_DS_DL",
              scope="all"),
        *_csq("alphamissense", "am_pathogenicity", scope="all"),
    ],
    # SnpSift dbnsfp: dbNSFP_<column>, only for the non-synonymous SNVs dbNSFP lists.
    "snpsift_dbnsfp": [
        *_info("population_af", "dbNSFP_gnomAD_exomes_AF", "dbNSFP_gnomAD_genomes_AF", "dbNSFP_ExAC_AF",
               "dbNSFP_1000Gp3_AF", absent="unknown"),
        *_info("population_af_eas", "dbNSFP_gnomAD_exomes_EAS_AF", "dbNSFP_gnomAD_genomes_EAS_AF",
               "dbNSFP_1000Gp3_EAS_AF", absent="unknown"),
        *_info("clinvar_significance", "dbNSFP_clinvar_clnsig", scope="all", absent="unknown"),
        *_info("clinvar_review_status", "dbNSFP_clinvar_review", scope="all", absent="unknown"),
        *_info("revel", "dbNSFP_REVEL_score", scope="all", absent="unknown"),
        *_info("cadd", "dbNSFP_CADD_phred", scope="all", absent="unknown"),
        *_info("alphamissense", "dbNSFP_AlphaMissense_score", scope="all", absent="unknown"),
    ],
    # INFO fields: gnomAD's own names (vcfanno, bcftools annotate), NCBI ClinVar's, and the clinical pipelines'
    # (MIP/Scout: EXACAF, 1000GAF, GNOMADAF, SWEGENAF, MTAF; CLNSIG as text or numeric codes).
    "info": [
        *_info("population_af", "gnomAD_AF", "gnomad_AF", "gnomADe_AF", "gnomADg_AF", "GNOMADAF", "EXACAF", "ExACAF",
               "1000GAF", "SWEGENAF", "TOPMED_AF"),
        *_info("population_af", "AF", description=r"gnomad|genome aggregation"),
        *_info("population_af_grpmax", "AF_grpmax", "AF_popmax", "gnomad_AF_grpmax", "gnomad_AF_popmax",
               "GNOMADAF_popmax", "GNOMADAF_MAX", "gnomADg_AF_popmax"),
        *_info("population_af_eas", "AF_eas", "gnomad_AF_eas", "gnomAD_AF_EAS"),
        *_info("population_homozygotes", "nhomalt", "gnomad_nhomalt", description=r"homozyg"),
        # gnomAD v3.1 chrM: frequencies of homoplasmic and heteroplasmic calls; clinical pipelines' MTAF.
        *_info("population_af", "AF_hom", "AF_het", "MTAF", "gnomad_mt_AF_hom", "gnomad_mt_AF_het",
               scope="mitochondrial"),
        *_info("clinvar_significance", "CLNSIG", scope="all"),
        *_info("clinvar_review_status", "CLNREVSTAT", scope="all"),
        *_info("clinvar_conditions", "CLNDN", "CLNDBN", scope="all"),
    ],
}
DEFAULT_PROFILES = tuple(PROFILES)


def user_field(spec: dict) -> Field:
    """A field the user names in `annotations.fields` (already checked against the schema)."""
    return Field(spec["name"], spec["target"], spec.get("where", "INFO"), spec.get("scope", "all"),
                 spec.get("absent", "not_observed"), "")  # fmt: skip


def configured_fields(annotations: dict | None) -> list[Field]:
    """The fields of the profiles the config names (all built-in ones by default), the user's first."""
    annotations = annotations or {}
    names = annotations.get("profiles", list(DEFAULT_PROFILES))
    fields = [user_field(spec) for spec in annotations.get("fields") or []]
    return fields + [f for name in names for f in PROFILES[name]]


def matches_description(field: Field, description: str | None) -> bool:
    return not field.description or bool(re.search(field.description, description or "", re.IGNORECASE))
