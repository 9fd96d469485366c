"""A ClinVar-format file for the demo, in NCBI's own layout (contigs '1', 'X'; CLNSIG, CLNREVSTAT, CLNDN...).

Its entries are what a real ClinVar holds around a case: the common variant of the right gene classified benign,
a pathogenic change at the same codon as the (novel) causal variant, benign common variants and a VUS. The
causal variant itself is not in ClinVar: most diagnoses in rare disease are novel variants.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pysam

from rarevar.base.genome import strip_chr

INFO_LINES = (
    '##INFO=<ID=ALLELEID,Number=1,Type=Integer,Description="the ClinVar Allele ID">',
    '##INFO=<ID=CLNDN,Number=.,Type=String,Description="ClinVar\'s preferred disease name">',
    '##INFO=<ID=CLNREVSTAT,Number=.,Type=String,Description="ClinVar review status">',
    '##INFO=<ID=CLNSIG,Number=.,Type=String,Description="Aggregate germline classification">',
    '##INFO=<ID=GENEINFO,Number=1,Type=String,Description="Gene(s) for the variant (symbol:id)">',
)
GENE_IDS = {"TNNT2": 7139, "XPC": 7508, "PEX26": 55670, "BRCA1": 672}
MULTIPLE = "criteria_provided,_multiple_submitters,_no_conflicts"


def _missense_at(reference: Path, genes: Path, chrom: str, pos: int, ref: str, exclude: str) -> str | None:
    """Another base at the same position that changes the same codon to a different amino acid."""
    for alt in "ACGT":
        if alt in (ref, exclude):
            continue
        vcf = (
            "##fileformat=VCFv4.2\n"
            f"##contig=<ID={chrom}>\n"
            "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
            f"{chrom}\t{pos}\t.\t{ref}\t{alt}\t.\t.\t.\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", "import sys, pysam.bcftools as b; print(b.csq(*sys.argv[1:]))",
             "-f", str(reference), "-g", str(genes), "-s", "-", "-l", "/dev/stdin"],
            input=vcf, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip
        if "BCSQ=missense|" in out:
            return alt
    return None


def demo_entries(out_dir: Path, truth: dict) -> list[dict]:
    decoys = {d["kind"]: d for d in truth["decoys"]}
    entries = [
        {**decoys["common_in_right_gene"], "clnsig": "Benign", "review": MULTIPLE, "disease": "not_specified"},
    ]
    alt = _missense_at(out_dir / "reference.fa", out_dir / "genes.gff3.gz", truth["chrom"], truth["pos"],
                       truth["ref"], truth["alt"])  # fmt: skip
    if alt:
        entries.append({"chrom": truth["chrom"], "pos": truth["pos"], "ref": truth["ref"], "alt": alt,
                        "gene": truth["gene"], "clnsig": "Pathogenic", "review": MULTIPLE,
                        "disease": "Hypertrophic_cardiomyopathy_2"})  # fmt: skip
    background = truth.get("background", [])
    if background:
        single = "criteria_provided,_single_submitter"
        entries.append({**background[0], "clnsig": "Uncertain_significance", "review": single,
                        "disease": "Peroxisome_biogenesis_disorder"})  # fmt: skip
    with pysam.VariantFile(str(out_dir / "population.vcf.gz")) as population:
        common = [r for r in population.fetch("chr17") if r.info["AF"][0] > 0.05][:5]
    for record in common:
        entries.append({"chrom": record.chrom, "pos": record.pos, "ref": record.ref, "alt": record.alts[0],
                        "gene": "BRCA1", "clnsig": "Benign", "review": "reviewed_by_expert_panel",
                        "disease": "Hereditary_breast_ovarian_cancer_syndrome"})  # fmt: skip
    return entries


def write_clinvar_vcf(entries: list[dict], lengths: dict[str, int], path: Path) -> None:
    """NCBI layout: contigs without 'chr', ID = variation id, sorted."""
    order = {strip_chr(name): i for i, name in enumerate(lengths)}
    lines = ["##fileformat=VCFv4.1", "##source=ClinVar (demo subset, simulated)", *INFO_LINES]
    lines += [f"##contig=<ID={strip_chr(name)},length={length}>" for name, length in lengths.items()]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    rows = sorted(entries, key=lambda e: (order[strip_chr(e["chrom"])], e["pos"], e["alt"]))
    for number, entry in enumerate(rows, start=1):
        info = (f"ALLELEID={900000 + number};CLNDN={entry['disease']};CLNREVSTAT={entry['review']};"
                f"CLNSIG={entry['clnsig']};GENEINFO={entry['gene']}:{GENE_IDS.get(entry['gene'], 0)}")  # fmt: skip
        lines.append(f"{strip_chr(entry['chrom'])}\t{entry['pos']}\t{800000 + number}\t{entry['ref']}\t"
                     f"{entry['alt']}\t.\t.\t{info}")  # fmt: skip
    bgzipped = str(path)
    plain = f"{bgzipped}.tmp.vcf"
    Path(plain).write_text("\n".join(lines) + "\n")
    pysam.tabix_compress(plain, bgzipped, force=True)
    Path(plain).unlink()
    pysam.tabix_index(bgzipped, preset="vcf", force=True)
