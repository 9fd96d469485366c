"""A GA4GH Phenopacket v2 of the proband with the top candidates as interpretations, for exchange with other tools
(Exomiser, LIRICAL, case databases). One interpretation per candidate: its disease match and the variant."""

from __future__ import annotations

import json
from pathlib import Path

from rarevar import __version__
from rarevar.base.atomic import write_bytes_atomic
from rarevar.report.i18n import Translator

TOP = 5
SEX = {"male": "MALE", "female": "FEMALE"}
ALLELIC_STATE = {
    "heterozygous": "GENO:0000135",
    "homozygous": "GENO:0000136",
    "hemizygous": "GENO:0000134",
    "compound heterozygous": "GENO:0000402",
}
# ACMG/AMP classes in the Phenopacket enumeration; a candidate not classified yet says so.
ACMG = {
    "Pathogenic": "PATHOGENIC",
    "Likely pathogenic": "LIKELY_PATHOGENIC",
    "Uncertain significance": "UNCERTAIN_SIGNIFICANCE",
    "Likely benign": "LIKELY_BENIGN",
    "Benign": "BENIGN",
}
HPO_RESOURCE = {
    "id": "hp",
    "name": "human phenotype ontology",
    "url": "http://purl.obolibrary.org/obo/hp.owl",
    "namespacePrefix": "HP",
    "iriPrefix": "http://purl.obolibrary.org/obo/HP_",
}
GENO_RESOURCE = {
    "id": "geno",
    "name": "Genotype Ontology",
    "url": "http://purl.obolibrary.org/obo/geno.owl",
    "namespacePrefix": "GENO",
    "iriPrefix": "http://purl.obolibrary.org/obo/GENO_",
}


def allelic_state(candidate: dict, proband: str) -> str:
    if "compound_heterozygous" in candidate.get("inheritance", []) + candidate.get("possible_inheritance", []):
        return "compound heterozygous"
    alleles = candidate.get("genotypes", {}).get(proband, "").replace("|", "/").split("/")
    called = [a for a in alleles if a not in ("", ".")]
    if len(alleles) == 1 and called and called[0] != "0":
        return "hemizygous"
    return "homozygous" if len(called) == 2 and called[0] == called[1] != "0" else "heterozygous"


def variation_descriptor(candidate: dict, proband: str, build: str, gene_ids: dict[str, int]) -> dict:
    expressions = []
    transcript = candidate.get("transcript") or ""
    for syntax, key in (("hgvs.c", "hgvs_c"), ("hgvs.p", "hgvs_p")):
        if candidate.get(key):
            prefix = f"{transcript}:" if transcript and syntax == "hgvs.c" else ""
            expressions.append({"syntax": syntax, "value": f"{prefix}{candidate[key]}"})
    gene = candidate.get("gene") or ""
    state = allelic_state(candidate, proband)
    descriptor = {
        "id": f"{candidate['chrom']}:{candidate['pos']}:{candidate['ref']}:{candidate['alt']}",
        "expressions": expressions,
        "vcfRecord": {
            "genomeAssembly": build,
            "chrom": candidate["chrom"],
            "pos": str(candidate["pos"]),
            "ref": candidate["ref"],
            "alt": candidate["alt"],
        },  # fmt: skip
        "allelicState": {"id": ALLELIC_STATE[state], "label": state},
    }
    if gene:
        value_id = f"NCBIGene:{gene_ids[gene]}" if gene in gene_ids else gene
        descriptor["geneContext"] = {"valueId": value_id, "symbol": gene}
    return descriptor


def interpretation(
    candidate: dict, family: str, proband: str, build: str, gene_ids: dict[str, int], t: Translator
) -> dict:
    acmg = ACMG.get((candidate.get("acmg") or {}).get("classification", ""), "NOT_PROVIDED")
    diagnosis: dict = {
        "genomicInterpretations": [
            {
                "subjectOrBiosampleId": proband,
                "interpretationStatus": "CANDIDATE",
                "variantInterpretation": {
                    "acmgPathogenicityClassification": acmg,
                    "therapeuticActionability": "UNKNOWN_ACTIONABILITY",
                    "variationDescriptor": variation_descriptor(candidate, proband, build, gene_ids),
                },
            }
        ]
    }
    disease = candidate.get("matched_disease")
    if disease and disease.get("id"):
        diagnosis["disease"] = {"id": disease["id"], "label": disease.get("name", "")}
    return {
        "id": f"{family}-rarevar-candidate-{candidate['rank']}",
        "progressStatus": "IN_PROGRESS",  # candidates for the team to review, not a diagnosis
        "diagnosis": diagnosis,
        "summary": " ".join(t.said(candidate, "why")),  # free text, in the report's language
    }


def phenopacket(payload: dict, created: str, gene_ids: dict[str, int], language: str = "en") -> dict:
    t = Translator(language)
    samples = payload.get("samples", [])
    proband = next((s for s in samples if s.get("role") == "proband"), samples[0] if samples else {"id": ""})
    family = payload.get("family", "")
    phenotype = payload.get("phenotype", {})
    features = [{"type": term} for term in phenotype.get("observed", [])]
    features += [{"type": term, "excluded": True} for term in phenotype.get("excluded", [])]
    build = payload.get("settings", {}).get("genome_build", "")
    versions = payload.get("versions", {})
    return {
        "id": f"{family}-{proband['id']}",
        "subject": {"id": proband["id"], "sex": SEX.get(proband.get("sex", ""), "UNKNOWN_SEX")},
        "phenotypicFeatures": features,
        "interpretations": [
            interpretation(c, family, proband["id"], build, gene_ids, t) for c in payload.get("candidates", [])[:TOP]
        ],
        "metaData": {
            "created": created,
            "createdBy": f"rarevar {__version__}",
            "resources": [{**HPO_RESOURCE, "version": versions.get("hpo_ontology", "")}, GENO_RESOURCE],
            "phenopacketSchemaVersion": "2.0",
        },
    }


def write_phenopacket(payload: dict, created: str, path: str | Path, language: str = "en") -> None:
    from rarevar.phenotype.hpo import gene_ids

    packet = phenopacket(payload, created, gene_ids(), language)
    write_bytes_atomic(path, (json.dumps(packet, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
