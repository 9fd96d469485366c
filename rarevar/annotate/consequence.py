"""Transcript consequences from bcftools csq (BCSQ), VEP (CSQ) or snpEff (ANN, EFF), on one severity scale.

Every source is mapped to Sequence Ontology terms and ranked with Ensembl's consequence order
(https://www.ensembl.org/info/genome/variation/prediction/predicted_data.html), so the most
severe consequence of a record means the same whatever annotated it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

# The header side of an input's annotation is read with the inputs (before any job); the records are parsed here.
from rarevar.base.messages import N_
from rarevar.inputs.annotation_header import ann_fields, detect_source, vep_fields  # noqa: F401

# Ensembl's order, most severe first, with its IMPACT class.
SO_TERMS: list[tuple[str, str]] = [
    ("transcript_ablation", "HIGH"),
    ("splice_acceptor_variant", "HIGH"),
    ("splice_donor_variant", "HIGH"),
    ("stop_gained", "HIGH"),
    ("frameshift_variant", "HIGH"),
    ("stop_lost", "HIGH"),
    ("start_lost", "HIGH"),
    ("transcript_amplification", "HIGH"),
    ("feature_elongation", "HIGH"),
    ("feature_truncation", "HIGH"),
    ("inframe_insertion", "MODERATE"),
    ("inframe_deletion", "MODERATE"),
    ("missense_variant", "MODERATE"),
    ("protein_altering_variant", "MODERATE"),
    ("splice_donor_5th_base_variant", "LOW"),
    ("splice_region_variant", "LOW"),
    ("splice_donor_region_variant", "LOW"),
    ("splice_polypyrimidine_tract_variant", "LOW"),
    ("incomplete_terminal_codon_variant", "LOW"),
    ("start_retained_variant", "LOW"),
    ("stop_retained_variant", "LOW"),
    ("synonymous_variant", "LOW"),
    ("coding_sequence_variant", "MODIFIER"),
    ("mature_miRNA_variant", "MODIFIER"),
    ("5_prime_UTR_variant", "MODIFIER"),
    ("3_prime_UTR_variant", "MODIFIER"),
    ("non_coding_transcript_exon_variant", "MODIFIER"),
    ("intron_variant", "MODIFIER"),
    ("NMD_transcript_variant", "MODIFIER"),
    ("non_coding_transcript_variant", "MODIFIER"),
    ("coding_transcript_variant", "MODIFIER"),
    ("upstream_gene_variant", "MODIFIER"),
    ("downstream_gene_variant", "MODIFIER"),
    ("TFBS_ablation", "MODIFIER"),
    ("TFBS_amplification", "MODIFIER"),
    ("TF_binding_site_variant", "MODIFIER"),
    ("regulatory_region_ablation", "MODIFIER"),
    ("regulatory_region_amplification", "MODIFIER"),
    ("regulatory_region_variant", "MODIFIER"),
    ("intergenic_variant", "MODIFIER"),
    ("sequence_variant", "MODIFIER"),
]
RANK = {term: rank for rank, (term, _) in enumerate(SO_TERMS)}
IMPACT = dict(SO_TERMS)
UNKNOWN_RANK = len(SO_TERMS)

# bcftools csq and snpEff use short or legacy names for some SO terms.
ALIASES = {
    "missense": "missense_variant",
    "synonymous": "synonymous_variant",
    "frameshift": "frameshift_variant",
    "splice_acceptor": "splice_acceptor_variant",
    "splice_donor": "splice_donor_variant",
    "splice_region": "splice_region_variant",
    "start_retained": "start_retained_variant",
    "stop_retained": "stop_retained_variant",
    "5_prime_utr": "5_prime_UTR_variant",
    "3_prime_utr": "3_prime_UTR_variant",
    "intron": "intron_variant",
    "non_coding": "non_coding_transcript_exon_variant",
    "coding_sequence": "coding_sequence_variant",
    "NMD_transcript": "NMD_transcript_variant",
    "intergenic": "intergenic_variant",
    "upstream": "upstream_gene_variant",
    "downstream": "downstream_gene_variant",
    "5_prime_UTR_premature_start_codon_gain_variant": "5_prime_UTR_variant",
    "disruptive_inframe_insertion": "inframe_insertion",
    "disruptive_inframe_deletion": "inframe_deletion",
    "conservative_inframe_insertion": "inframe_insertion",
    "conservative_inframe_deletion": "inframe_deletion",
    "exon_loss_variant": "transcript_ablation",
    "inframe_altering": "protein_altering_variant",  # csq, for indels combined on one haplotype
    "intergenic_region": "intergenic_variant",  # snpEff
    "nc_transcript_variant": "non_coding_transcript_variant",  # VEP before release 75
    "initiator_codon_variant": "start_retained_variant",
    "non_coding_exon_variant": "non_coding_transcript_exon_variant",
    "intragenic_variant": "intron_variant",
    # snpEff's classic (EFF) effect names
    "NON_SYNONYMOUS_CODING": "missense_variant",
    "SYNONYMOUS_CODING": "synonymous_variant",
    "STOP_GAINED": "stop_gained",
    "STOP_LOST": "stop_lost",
    "START_LOST": "start_lost",
    "FRAME_SHIFT": "frameshift_variant",
    "SPLICE_SITE_ACCEPTOR": "splice_acceptor_variant",
    "SPLICE_SITE_DONOR": "splice_donor_variant",
    "SPLICE_SITE_REGION": "splice_region_variant",
    "CODON_INSERTION": "inframe_insertion",
    "CODON_DELETION": "inframe_deletion",
    "CODON_CHANGE_PLUS_CODON_INSERTION": "inframe_insertion",
    "CODON_CHANGE_PLUS_CODON_DELETION": "inframe_deletion",
    "UTR_5_PRIME": "5_prime_UTR_variant",
    "UTR_3_PRIME": "3_prime_UTR_variant",
    "INTRON": "intron_variant",
    "UPSTREAM": "upstream_gene_variant",
    "DOWNSTREAM": "downstream_gene_variant",
    "INTERGENIC": "intergenic_variant",
    "EXON": "non_coding_transcript_exon_variant",
    "NON_SYNONYMOUS_START": "start_lost",
    "SYNONYMOUS_STOP": "stop_retained_variant",
}


@dataclass(frozen=True)
class TranscriptConsequence:
    terms: tuple[str, ...]  # SO terms, most severe first
    gene: str
    transcript: str
    biotype: str
    hgvs_c: str = ""
    hgvs_p: str = ""
    canonical: bool = False
    mane_select: bool = False
    exon: str = ""  # '5/12' as VEP (EXON) or snpEff (rank) write it, where the source gives it
    intron: str = ""

    @property
    def rank(self) -> int:
        return min((RANK.get(t, UNKNOWN_RANK) for t in self.terms), default=UNKNOWN_RANK)

    @property
    def term(self) -> str:
        return self.terms[0] if self.terms else "sequence_variant"

    @property
    def impact(self) -> str:
        return IMPACT.get(self.term, "MODIFIER")


def so_terms(text: str) -> tuple[str, ...]:
    """'missense&splice_region' / 'missense_variant&...' / 'STOP_GAINED' -> SO terms, most severe first."""
    terms = []
    for part in re.split(r"[&+]", text.strip()):
        part = part.strip().lstrip("*")  # csq marks consequences downstream of a stop with '*'
        if part:
            terms.append(ALIASES.get(part, part))
    return tuple(sorted(dict.fromkeys(terms), key=lambda t: RANK.get(t, UNKNOWN_RANK)))


AA3 = {
    "A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "E": "Glu", "Q": "Gln", "G": "Gly",
    "H": "His", "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser",
    "T": "Thr", "W": "Trp", "Y": "Tyr", "V": "Val", "*": "Ter", "X": "Xaa",
}  # fmt: skip


def _three_letter(amino_acids: str) -> str:
    return "".join(AA3.get(aa, aa) for aa in amino_acids)


def bcsq_protein_hgvs(change: str) -> str:
    """csq's '132E>132D' / '132EE>132D*' / '145L' (synonymous) -> HGVS p. ('p.Glu132Asp')."""
    if not change:
        return ""
    match = re.fullmatch(r"(\d+)([A-Z*]+)(?:>(\d+)([A-Z*]+))?", change)
    if not match:
        return ""
    pos, ref, _, alt = match.groups()
    if alt is None:
        return f"p.{_three_letter(ref[0])}{pos}="
    if len(ref) == 1 and len(alt) == 1:
        return f"p.{_three_letter(ref)}{pos}{_three_letter(alt)}"
    end = int(pos) + len(ref) - 1
    span = (
        f"{_three_letter(ref[0])}{pos}_{_three_letter(ref[-1])}{end}" if len(ref) > 1 else f"{_three_letter(ref)}{pos}"
    )
    return f"p.{span}delins{_three_letter(alt)}"


def parse_bcsq(values: list[str]) -> list[TranscriptConsequence]:
    """Consequence|gene|transcript|biotype|strand|amino_acid_change|dna_change (csq run with -l)."""
    out = []
    for value in values:
        fields = value.split("|")
        if len(fields) < 4 or fields[0].startswith("@"):
            continue  # '@POS' points at a compound consequence on another record
        aa = fields[5] if len(fields) > 5 else ""
        out.append(
            TranscriptConsequence(so_terms(fields[0]), fields[1], fields[2], fields[3], "", bcsq_protein_hgvs(aa))
        )
    return out


def vep_allele(ref: str, alt: str) -> str:
    """The allele string VEP writes: the common leading base of an indel is removed ('-' if nothing is left)."""
    if len(ref) != len(alt) and ref[:1] == alt[:1]:
        return alt[1:] or "-"
    return alt


def _hgvs_tail(value: str) -> str:
    # VEP writes 'ENST00000360372.3:c.412C>T'; keep the part after the reference sequence.
    return value.split(":", 1)[1] if ":" in value else value


def parse_vep(values: list[str], fields: list[str], ref: str, alt: str) -> list[TranscriptConsequence]:
    """VEP CSQ entries (field order read from the header) for this record's ALT allele."""
    col = {name: i for i, name in enumerate(fields)}
    wanted = {alt, vep_allele(ref, alt), alt.strip("<>")}  # VEP writes <CN0> as CN0
    out = []
    for value in values:
        entry = value.split("|")

        def get(name: str, entry=entry) -> str:
            return entry[col[name]] if name in col and col[name] < len(entry) else ""

        if "Allele" in col and get("Allele") not in wanted:
            continue
        gene = get("SYMBOL") or get("HGNC") or get("Gene")
        mane = bool(get("MANE_SELECT") or get("MANE"))  # VEP 103-104 named the field MANE
        canonical = get("CANONICAL") == "YES" or mane
        protein = _hgvs_tail(get("HGVSp")).replace("%3D", "=")
        out.append(
            TranscriptConsequence(
                so_terms(get("Consequence")), gene, get("Feature"), get("BIOTYPE"),
                _hgvs_tail(get("HGVSc")), protein, canonical, mane, get("EXON"), get("INTRON"),
            )
        )  # fmt: skip
    return out


def parse_ann(values: list[str], alt: str) -> list[TranscriptConsequence]:
    """snpEff ANN: Allele|Annotation|Impact|Gene_Name|Gene_ID|Feature_Type|Feature_ID|Biotype|Rank|HGVS.c|HGVS.p|..."""
    out = []
    for value in values:
        f = value.split("|")
        if len(f) < 11 or f[0] not in (alt, "-"):
            continue
        terms = so_terms(f[1])
        # snpEff's rank counts introns for intronic and splice-site variants, exons otherwise
        intronic = any(t.startswith(("intron", "splice_")) for t in terms[:1])
        exon, intron = ("", f[8]) if intronic else (f[8], "")
        out.append(TranscriptConsequence(terms, f[3], f[6], f[7], f[9], f[10], exon=exon, intron=intron))
    return out


EFF_ENTRY = re.compile(r"^([^(]+)\((.*)\)$")


def parse_eff(values: list[str]) -> list[TranscriptConsequence]:
    """snpEff classic EFF: Effect(Impact|Class|Codon|AA_change|AA_len|Gene|Biotype|Coding|Transcript|Exon...)."""
    out = []
    for value in values:
        match = EFF_ENTRY.match(value.strip())
        if not match:
            continue
        effect, inner = match.groups()
        f = inner.split("|")
        gene = f[5] if len(f) > 5 else ""
        transcript = f[8] if len(f) > 8 else ""
        biotype = f[6] if len(f) > 6 else ""
        aa = f[3] if len(f) > 3 else ""
        protein, _, coding = aa.partition("/")
        if not protein.startswith("p."):
            protein = ""
        out.append(
            TranscriptConsequence(
                so_terms(effect),
                gene,
                transcript,
                biotype,
                coding if coding.startswith("c.") else "",
                protein,
            )
        )
    return out


NON_CODING_EXON = "non_coding_transcript_exon_variant"


def rna_gene_exon(consequences: list[TranscriptConsequence], disease_genes) -> bool:
    """An exon variant of a non-coding gene with a known disease: the gene's product is the RNA itself (snRNA
    genes such as RNU4-2, RNU4ATAC, RNU12 or RNU7-1), so a change in its exon alters the functional molecule as a
    missense change alters a protein. Its impact class, MODIFIER, would otherwise drop it with the deep intronic
    and intergenic variants (Exomiser likewise scores every effect below MODERATE as non-pathogenic unless a
    non-coding score is given). Not for a non-coding transcript of a protein-coding gene (a retained intron is
    intronic for the protein) nor for a pseudogene."""
    genes = {c.gene for c in consequences if NON_CODING_EXON in c.terms and c.gene in disease_genes
             and "pseudogene" not in c.biotype}  # fmt: skip
    coding = {c.gene for c in consequences if c.biotype == "protein_coding" or c.impact != "MODIFIER"}
    return bool(genes - coding)


def most_severe(consequences: list[TranscriptConsequence]) -> TranscriptConsequence | None:
    """Most severe consequence; among equals a canonical/MANE transcript, then the transcript id, so the
    choice is the same every run."""
    if not consequences:
        return None
    return min(consequences, key=lambda c: (c.rank, not c.canonical, c.gene, c.transcript))


CHOSEN_MANE = N_("MANE Select transcript")
CHOSEN_CANONICAL = N_("Ensembl canonical transcript")
CHOSEN_MOST_SEVERE = N_("most severe consequence (no MANE Select or canonical transcript tagged)")


def display_consequence(
    consequences: list[TranscriptConsequence],
) -> tuple[TranscriptConsequence | None, str]:
    """The consequence to show, and the rule that chose it: the most severe one on a MANE Select or Ensembl
    canonical transcript (MANE first among equals), else the most severe overall. The others stay in the data."""
    tagged = [c for c in consequences if c.mane_select or c.canonical]
    if not tagged:
        return most_severe(consequences), CHOSEN_MOST_SEVERE if consequences else ""
    chosen = min(tagged, key=lambda c: (c.rank, not c.mane_select, not c.canonical, c.gene, c.transcript))
    return chosen, CHOSEN_MANE if chosen.mane_select else CHOSEN_CANONICAL


def apply_transcript_tags(
    consequences: list[TranscriptConsequence], tags: dict[str, frozenset[str]]
) -> list[TranscriptConsequence]:
    """MANE Select / canonical flags from the gene models' `tag=` (bcftools csq's BCSQ does not carry them)."""
    out = []
    for c in consequences:
        found = tags.get(c.transcript) or tags.get(c.transcript.split(".")[0]) or frozenset()
        mane = c.mane_select or "MANE_Select" in found
        out.append(replace(c, mane_select=mane, canonical=c.canonical or mane or "Ensembl_canonical" in found))
    return out
