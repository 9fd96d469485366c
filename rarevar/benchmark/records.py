"""Text of synthetic VCF records for the spiked-case benchmark: a VEP-style CSQ entry and GT:AD:DP:GQ calls.

Shared by the background family (rarevar.benchmark.background) and the spiked causal records
(rarevar.benchmark.spike), so both read back through the same CSQ and genotype readers as a real VEP-annotated
trio would.
"""

from __future__ import annotations

import numpy as np

from rarevar.annotate.consequence import IMPACT, so_terms, vep_allele

SAMPLES = ("proband", "mother", "father")
CSQ_FIELDS = ("Allele", "Consequence", "IMPACT", "SYMBOL", "Gene", "Feature_type", "Feature", "BIOTYPE", "EXON",
              "INTRON", "HGVSc", "HGVSp", "CANONICAL", "MANE_SELECT")  # fmt: skip
CSQ_HEADER = ('##INFO=<ID=CSQ,Number=.,Type=String,Description="Consequence annotations from Ensembl VEP. '
              f'Format: {"|".join(CSQ_FIELDS)}">')  # fmt: skip
FORMAT_HEADER = (
    '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allelic depths for the ref and alt alleles">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Read depth">',
    '##FORMAT=<ID=GQ,Number=1,Type=Integer,Description="Genotype quality">',
)
MEAN_DEPTH = 35  # a 30-40x WGS


def impact_of(consequence: str) -> str:
    """VEP's IMPACT class of SO terms ('a&b': the most severe; rarevar's severity scale); a term VEP does not
    emit (exon_loss_variant) maps to its alias."""
    return IMPACT.get(so_terms(consequence)[0], "MODIFIER")


def csq_entry(ref: str, alt: str, consequence: str, gene: str, gene_id: str, transcript: str, hgvs_c: str,
              hgvs_p: str, biotype: str = "protein_coding") -> str:  # fmt: skip
    """One CSQ value on a MANE Select transcript. CSQ separators (| , ; = and spaces) never occur in HGVS."""
    values = {
        "Allele": vep_allele(ref, alt), "Consequence": consequence, "IMPACT": impact_of(consequence),
        "SYMBOL": gene, "Gene": gene_id, "Feature_type": "Transcript", "Feature": transcript, "BIOTYPE": biotype,
        "HGVSc": hgvs_c, "HGVSp": hgvs_p.replace("=", "%3D"), "CANONICAL": "YES", "MANE_SELECT": transcript,
    }  # fmt: skip
    return "|".join(_clean(values.get(field, "")) for field in CSQ_FIELDS)


def _clean(text: str) -> str:
    for separator in "|,;= \t":
        text = text.replace(separator, "")
    return text


def call(genotype: str, rng: np.random.Generator) -> str:
    """GT:AD:DP:GQ of a good-quality call ("0/0", "0/1", "1/1" or haploid "0", "1"): depth around MEAN_DEPTH,
    a het's allele balance kept within 0.3-0.7 so the benchmark measures ranking, not chance gate failures."""
    depth = int(max(15, rng.poisson(MEAN_DEPTH)))
    alt_copies = genotype.count("1")
    if alt_copies == 0:
        alt = 0
    elif "0" in genotype:  # heterozygous
        alt = int(np.clip(rng.binomial(depth, 0.5), round(0.3 * depth), round(0.7 * depth)))
    else:
        alt = depth
    quality = 99 if alt_copies == 0 or "0" not in genotype else int(rng.integers(60, 100))
    return f"{genotype}:{depth - alt},{alt}:{depth}:{quality}"


def header_lines(contigs: dict[str, int], extra: tuple[str, ...] = ()) -> list[str]:
    return [
        "##fileformat=VCFv4.2",
        *(f"##contig=<ID={name},length={length},assembly=GRCh38>" for name, length in contigs.items()),
        CSQ_HEADER,
        *extra,
        *FORMAT_HEADER,
        "#" + "\t".join(("CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", *SAMPLES)),
    ]


def record_line(chrom: str, pos: int, ref: str, alt: str, csq: str, calls: list[str]) -> str:
    return "\t".join((chrom, str(pos), ".", ref, alt, "50", "PASS", f"CSQ={csq}", "GT:AD:DP:GQ", *calls))
