"""Spike a solved case's causal variant(s) into the background trio: genotypes that follow the allelic state and
the disease's mode of inheritance, and a VEP-style CSQ built from the case's HGVS.

Family patterns (the proband's observed allelic state, the disease's mode):
- heterozygous, a dominant (or unknown, or unspecified X-linked) mode: de novo, both parents 0/0;
- heterozygous, recessive modes only: inherited from the mother (the second hit was not found in the paper);
- two heterozygous variants (compound heterozygous): the first from the mother, the second from the father;
- homozygous: both parents heterozygous carriers (on a female's X: carrier mother, hemizygous father);
- hemizygous, a male's X outside the pseudo-autosomal regions: carrier mother, father without it. A female
  "hemizygous" is a heterozygote (a known quirk of the source), an autosomal one a homozygote.
A male's X calls are haploid ("1"), as callers write them with a ploidy map.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from rarevar.base import genome
from rarevar.benchmark.cases import Case, CausalVariant
from rarevar.benchmark.records import call, csq_entry, record_line

DE_NOVO, MATERNAL, PATERNAL, BIPARENTAL, HEMIZYGOUS = "de novo", "maternal", "paternal", "biparental", "hemizygous"
LOSS_OF_FUNCTION_CHANGE = re.compile(r"(fs|Ter|\*|X)$")


@dataclass(frozen=True)
class SpikedRecord:
    variant: CausalVariant
    consequence: str
    pattern: str  # DE_NOVO, MATERNAL, PATERNAL, BIPARENTAL (homozygous) or HEMIZYGOUS
    genotypes: tuple[str, str, str]  # proband, mother, father


@dataclass(frozen=True)
class SpikedCase:
    case: Case
    male: bool
    records: tuple[SpikedRecord, ...]

    @property
    def pattern(self) -> str:
        patterns = sorted({r.pattern for r in self.records})
        return "compound heterozygous" if patterns == [MATERNAL, PATERNAL] else "+".join(patterns)

    @property
    def consequence(self) -> str:
        """The most severe causal consequence (the class a case is reported under)."""
        from rarevar.annotate.consequence import RANK, UNKNOWN_RANK, so_terms

        terms = [so_terms(r.consequence)[0] for r in self.records]
        return min(terms, key=lambda term: RANK.get(term, UNKNOWN_RANK))

    def hpo(self) -> str:
        return ";".join([*self.case.observed, *(f"-{term}" for term in self.case.excluded)])

    def ped(self, family: str) -> str:
        sex = "1" if self.male else "2"
        return (f"{family}\tproband\tfather\tmother\t{sex}\t2\n{family}\tmother\t0\t0\t2\t1\n"
                f"{family}\tfather\t0\t0\t1\t1\n")  # fmt: skip

    def lines(self, rng: np.random.Generator, gene_ids: dict[str, int]) -> list[str]:
        out = []
        for r in sorted(self.records, key=lambda r: (r.variant.chrom, r.variant.pos)):
            v = r.variant
            transcript = v.hgvs_c.split(":", 1)[0] if ":" in v.hgvs_c else ""
            biotype = "protein_coding" if ":c." in v.hgvs_c or not v.hgvs_c else "lncRNA"
            csq = csq_entry(v.ref, v.alt, r.consequence, v.gene, str(gene_ids.get(v.gene, "")), transcript, v.hgvs_c,
                            v.hgvs_p, biotype)  # fmt: skip
            out.append(record_line(v.chrom, v.pos, v.ref, v.alt, csq, [call(g, rng) for g in r.genotypes]))
        return out


# --- consequence from HGVS -------------------------------------------------------------------------------------

C_POSITION = r"([-*]?\d+)([+-]\d+)?"
C_EXPRESSION = re.compile(rf"^[cn]\.(?:{C_POSITION})(?:_{C_POSITION})?(.*)$")


def consequence_from_hgvs(hgvs_c: str, hgvs_p: str) -> str:
    """An SO consequence from HGVS alone (no transcript models, no sequence): hgvs.p when it tells, else hgvs.c.
    A coding substitution without hgvs.p is taken as missense, the commonest class of reported causal coding SNVs
    (missense, synonymous and nonsense cannot be told apart without the sequence)."""
    protein, coding = hgvs_p.split(":", 1)[-1], hgvs_c.split(":", 1)[-1]
    return _from_protein(protein) or _from_coding(coding) or "coding_sequence_variant"


def _from_protein(p: str) -> str:
    p = p.strip("()").removeprefix("p.").strip("()")
    if not p or p in ("?", "0"):
        return ""
    if p.startswith("Met1"):
        return "start_lost"
    if "fs" in p:
        return "frameshift_variant"
    if p.startswith(("Ter", "*")):
        return "stop_retained_variant" if p.endswith("=") else "stop_lost"
    if p.endswith("="):
        return "synonymous_variant"
    if LOSS_OF_FUNCTION_CHANGE.search(p) or "delinsTer" in p or "insTer" in p:
        return "stop_gained"
    if "delins" in p:
        return ""  # inframe or missense depends on amino-acid counts: left to hgvs.c
    if "del" in p:
        return "inframe_deletion"
    if "dup" in p or "ins" in p:
        return "inframe_insertion"
    if re.fullmatch(r"[A-Z][a-z]{2}\d+[A-Z][a-z]{2}", p):
        return "missense_variant"
    return ""


def _from_coding(c: str) -> str:
    match = C_EXPRESSION.match(c)
    if not match:
        return ""
    start, start_offset, end, end_offset, change = match.groups()
    offsets = [int(o) for o in (start_offset, end_offset) if o]
    if offsets:
        nearest = min(offsets, key=abs)
        if abs(nearest) <= 2:
            return "splice_donor_variant" if nearest > 0 else "splice_acceptor_variant"
        return "splice_region_variant" if abs(nearest) <= 8 else "intron_variant"
    if c.startswith("n."):
        return "non_coding_transcript_exon_variant"
    if start.startswith("-"):
        return "5_prime_UTR_variant"
    if start.startswith("*"):
        return "3_prime_UTR_variant"
    first, last = int(start), int(end) if end and end.lstrip("-").isdigit() else int(start)
    if first <= 3:
        return "start_lost"
    span = last - first + 1
    inserted = len(re.sub(r"[^ACGT]", "", change.split("ins", 1)[1])) if "ins" in change else 0
    if change.startswith("delins"):
        net = inserted - span
    elif change.startswith("del"):
        net = -span
    elif change.startswith("dup"):
        net = span
    elif change.startswith("ins"):
        net = inserted
    else:
        return "missense_variant" if ">" in change else ""
    if net % 3:
        return "frameshift_variant"
    return "missense_variant" if net == 0 else ("inframe_deletion" if net < 0 else "inframe_insertion")


def vep_splice_terms(hgvs_c: str) -> tuple[str, ...]:
    """The splice-site terms VEP adds for an intronic position (offset from the nearest exon): 5th base and
    donor region (+3..+6), polypyrimidine tract (-3..-17), splice region (3..8 either side)."""
    match = C_EXPRESSION.match(hgvs_c.split(":", 1)[-1])
    offsets = [int(o) for o in (match.group(2), match.group(4)) if o] if match else []
    if not offsets:
        return ()
    nearest = min(offsets, key=abs)
    terms = []
    if nearest == 5:
        terms.append("splice_donor_5th_base_variant")
    if 3 <= abs(nearest) <= 8:
        terms.append("splice_region_variant")
    if 3 <= nearest <= 6:
        terms.append("splice_donor_region_variant")
    if -17 <= nearest <= -3:
        terms.append("splice_polypyrimidine_tract_variant")
    return tuple(terms)


def consequence_of(variant: CausalVariant) -> str:
    """The table's guess where it has one, else the HGVS parser's; an intronic one joined, as VEP writes it, by
    its splice-site terms ('splice_polypyrimidine_tract_variant&intron_variant')."""
    term = variant.consequence or consequence_from_hgvs(variant.hgvs_c, variant.hgvs_p)
    if term not in ("intron_variant", "splice_region_variant"):
        return term
    return "&".join(dict.fromkeys([*vep_splice_terms(variant.hgvs_c), term, "intron_variant"]))


# --- genotypes ---------------------------------------------------------------------------------------------------


def _x_linked(variant: CausalVariant) -> bool:
    return bool(genome.is_x_nonpar(np.array([variant.chrom]), np.array([variant.pos]), "GRCh38")[0])


def _dominant_possible(case: Case) -> bool:
    modes = " ".join(case.inheritance).lower()
    return not modes or "dominant" in modes or modes.strip() == "x-linked inheritance"


def is_male(case: Case) -> bool:
    """PED sex: the case's; unknown sex is male when a causal X variant is hemizygous, else female."""
    if case.sex in ("MALE", "FEMALE"):
        return case.sex == "MALE"
    return any(v.allelic_state == "hemizygous" and _x_linked(v) for v in case.variants)


def _genotypes(state: str, x_linked: bool, male: bool, origin: str) -> tuple[str, str, str]:
    """(proband, mother, father) for one record; a father's and a son's X calls are haploid."""
    father_ref, father_alt = ("0", "1") if x_linked else ("0/0", "0/1")  # a homozygous girl's father: hemizygous
    if x_linked and male:
        return "1", "0/1", father_ref
    if state == "homozygous":
        return "1/1", "0/1", father_alt
    if origin == MATERNAL:
        return "0/1", "0/1", father_ref
    if origin == PATERNAL:
        return "0/1", "0/0", father_alt
    return "0/1", "0/0", father_ref


def spike(case: Case) -> SpikedCase:
    male = is_male(case)
    het_index = 0
    records = []
    for variant in case.variants:
        x_linked = _x_linked(variant)
        state = variant.allelic_state
        if state == "hemizygous" and not (x_linked and male):
            state = "heterozygous" if x_linked else "homozygous"
        if x_linked and male:
            pattern = HEMIZYGOUS
        elif state == "homozygous":
            pattern = BIPARENTAL
        elif len(case.variants) > 1:
            pattern = (MATERNAL, PATERNAL)[het_index % 2]  # compound heterozygous: one from each parent
            het_index += 1
        else:
            pattern = DE_NOVO if _dominant_possible(case) else MATERNAL
        records.append(SpikedRecord(variant, consequence_of(variant), pattern,
                                    _genotypes(state, x_linked, male, pattern)))  # fmt: skip
    return SpikedCase(case, male, tuple(records))
