"""Which inheritance modes each variant record fits in one family, vectorised over records.

Every rule below is written once, as a small function over whole genotype columns (one array per
person, one element per record), in the style of slivar's ``denovo(kid, mom, dad)``. Each rule
returns a `Fit`: ``sure`` where the called genotypes prove it, ``maybe`` where it would hold if every
no-call, unsequenced relative and unknown phenotype or sex were read in its favour. A record *fits* a
mode when ``sure``; it is *possible* when only ``maybe``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from rarevar.base import genome
from rarevar.base.messages import english, message, word
from rarevar.inputs.pedigree import Pedigree

HOM_REF, HET, HOM_ALT, MISSING = 0, 1, 2, -1

MODES = (
    "de_novo",
    "autosomal_dominant",
    "autosomal_recessive",
    "compound_heterozygous",
    "x_linked_recessive",
    "x_linked_dominant",
    "x_linked_de_novo",
    "uniparental_isodisomy",
    "mitochondrial",
)
AUTOSOMAL_MODES = ("de_novo", "autosomal_dominant", "autosomal_recessive", "compound_heterozygous")
X_LINKED_MODES = ("x_linked_recessive", "x_linked_dominant", "x_linked_de_novo")

# cyvcf2 gt_types: 0 HOM_REF, 1 HET, 2 UNKNOWN, 3 HOM_ALT (haploid calls come out as HOM_REF / HOM_ALT).
_CYVCF2_CODES = np.array([HOM_REF, HET, MISSING, HOM_ALT], dtype=np.int8)


def genotype_codes_from_cyvcf2(gt_types: np.ndarray) -> np.ndarray:
    """cyvcf2 ``variant.gt_types`` (any shape) -> our int8 codes; anything unexpected becomes missing."""
    types = np.asarray(gt_types)
    codes = np.full(types.shape, MISSING, dtype=np.int8)
    known = (types >= 0) & (types <= 3)
    codes[known] = _CYVCF2_CODES[types[known].astype(np.intp)]
    return codes


class Partners:
    """Each record's compound-het partner records, stored as one index array with per-record offsets (a genome
    has a million records and a few thousand with partners: no list per record)."""

    def __init__(self, n: int, owners: np.ndarray | None = None, others: np.ndarray | None = None):
        """`owners`/`others`: the pairs (record, partner), sorted by record then partner."""
        owners = np.zeros(0, dtype=np.int64) if owners is None else owners
        self._others = np.zeros(0, dtype=np.int64) if others is None else others
        self._offsets = np.searchsorted(owners, np.arange(n + 1))

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def __getitem__(self, record: int | slice) -> list:
        if isinstance(record, slice):
            return [self[i] for i in range(len(self))[record]]
        return self._others[self._offsets[record] : self._offsets[record + 1]].tolist()

    def __iter__(self):
        return (self[i] for i in range(len(self)))


@dataclass
class InheritanceResult:
    modes: dict[str, np.ndarray]  # mode -> bool per record: fits that mode in this family
    possible: dict[str, np.ndarray]  # mode -> bool per record: fits only if unknowns are favourable
    partners: Partners  # per record: its compound-het partner records (same gene)
    # mode -> why it could not be tested, as a message (rarevar.base.messages)
    not_testable_messages: dict[str, dict] = field(default_factory=dict)
    # per record: how its compound-het partners were shown to be on the other copy (PHASE_EVIDENCE), or ''
    phase_evidence: np.ndarray = field(default_factory=lambda: np.array([], dtype=object))

    @property
    def not_testable(self) -> dict[str, str]:
        """mode -> why it could not be tested, in English."""
        return {mode: english(why) for mode, why in self.not_testable_messages.items()}


# How a compound het's two alleles were placed on different copies, strongest first.
PHASE_EVIDENCE = ("parents", "reads", "unphased")


@dataclass
class ReadPhase:
    """Read-backed phase per (record, sample): which haplotype (0 or 1) carries the alt allele of a phased
    heterozygous call, and its phase set (FORMAT/PS); -1 where the call is not phased or has no phase set.
    Two alleles are phased relative to each other only within one phase set."""

    haplotype: np.ndarray
    phase_set: np.ndarray

    @classmethod
    def unphased(cls, shape: tuple[int, int]) -> ReadPhase:
        return cls(np.full(shape, -1, dtype=np.int8), np.full(shape, -1, dtype=np.int64))


# --- three-valued answers -------------------------------------------------------------------------


@dataclass(frozen=True)
class Fit:
    """Per-record answer: `sure` (proven by called genotypes) implies `maybe` (not ruled out)."""

    sure: np.ndarray
    maybe: np.ndarray

    def __and__(self, other: Fit) -> Fit:
        return Fit(self.sure & other.sure, self.maybe & other.maybe)

    def __or__(self, other: Fit) -> Fit:
        return Fit(self.sure | other.sure, self.maybe | other.maybe)

    def __invert__(self) -> Fit:
        return Fit(~self.maybe, ~self.sure)

    def __getitem__(self, index) -> Fit:
        return Fit(self.sure[index], self.maybe[index])


def constant(n: int, value: bool | None) -> Fit:
    """The same answer for every record; None means 'unknown' (maybe, never sure)."""
    return Fit(np.full(n, value is True), np.full(n, value is not False))


def unsure(fit: Fit) -> Fit:
    """At best possible: for patterns the genotypes alone cannot confirm (e.g. phase unknown)."""
    return Fit(np.zeros_like(fit.sure), fit.maybe)


def all_of(fits: Iterable[Fit], n: int) -> Fit:
    result = constant(n, True)
    for fit in fits:
        result = result & fit
    return result


def any_of(fits: Iterable[Fit], n: int) -> Fit:
    result = constant(n, False)
    for fit in fits:
        result = result | fit
    return result


# --- people ---------------------------------------------------------------------------------------


@dataclass(eq=False)
class Person:
    """One sequenced family member: PED facts plus the genotype column for every record."""

    sample: str
    sex: str  # male | female | unknown
    phenotype: str  # affected | unaffected | unknown
    gt: np.ndarray
    mother: Person | None = None
    father: Person | None = None
    haplotype: np.ndarray | None = None  # read-backed phase (see ReadPhase), this person's column
    phase_set: np.ndarray | None = None
    is_parent: bool = False  # parent of an affected individual: a no-call is "not assessable"
    # A split multi-allelic call with a copy of another ALT of the site (`1/.`, `0/.`: rarevar.inputs.split_alleles).
    # Coded by this allele's copies (het, hom-ref), it is neither a no-call nor a reference copy.
    other_allele: np.ndarray | None = None
    # mtDNA heteroplasmy: the alt allele's share of the copies (FORMAT/AF or HF, else AD), NaN where unknown.
    level: np.ndarray | None = None

    def _is(self, match: np.ndarray) -> Fit:
        return Fit(match, match | (self.gt == MISSING))

    @property
    def hom_ref(self) -> Fit:
        return self._is(self.gt == HOM_REF)

    @property
    def het(self) -> Fit:
        return self._is(self.gt == HET)

    @property
    def hom_alt(self) -> Fit:
        return self._is(self.gt == HOM_ALT)

    @property
    def carrier(self) -> Fit:
        return self._is(self.gt >= HET)  # het or hom-alt (codes: -1 missing, 0, 1, 2)

    @property
    def clear(self) -> Fit:
        """No alt allele seen: hom-ref, or a no-call. A relative's no-call is not held against a record; a
        parent's no-call is never read as hom-ref: the parent is not assessable, the call only possible."""
        ok = self.gt <= HOM_REF
        return Fit(self.gt == HOM_REF if self.is_parent else ok, ok)

    @property
    def not_hom_alt(self) -> Fit:
        """Not seen hom-alt (a no-call is allowed; for a parent it leaves the call possible)."""
        ok = self.gt != HOM_ALT
        return Fit(ok & (self.gt != MISSING) if self.is_parent else ok, ok)

    @property
    def carries_another_allele(self) -> np.ndarray:
        return np.zeros(len(self.gt), dtype=bool) if self.other_allele is None else self.other_allele

    @property
    def called_carrier(self) -> np.ndarray:
        return self.gt >= HET

    @property
    def affected(self) -> Fit:
        known = {"affected": True, "unaffected": False}.get(self.phenotype)
        return constant(len(self.gt), known)

    def read_phase(self, first: np.ndarray, second: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per pair of records: (trans, cis) as the reads show it, i.e. both alt alleles phased in one
        phase set, on different haplotypes or on the same one. Neither where reads do not tell."""
        if self.haplotype is None or self.phase_set is None:
            unknown = np.zeros(len(first), dtype=bool)
            return unknown, unknown
        hap, ps = self.haplotype, self.phase_set
        called_het = (self.gt[first] == HET) & (self.gt[second] == HET)  # not a call the gates removed
        known = called_het & (ps[first] >= 0) & (ps[first] == ps[second]) & (hap[first] >= 0) & (hap[second] >= 0)
        return known & (hap[first] != hap[second]), known & (hap[first] == hap[second])

    @property
    def mito_level(self) -> np.ndarray:
        """The alt allele's share of the mtDNA copies per record: the caller's fraction or AD where given; otherwise
        1 for a hom-alt (or haploid alt) call, 0 for a hom-ref one, NaN (unknown) for a het call."""
        by_call = np.where(self.gt == HOM_ALT, 1.0, np.where(self.gt == HOM_REF, 0.0, np.nan))
        if self.level is None:
            return by_call
        return np.where(np.isnan(self.level), by_call, self.level)

    @property
    def homoplasmic(self) -> np.ndarray:
        """Called with the variant in (nearly) every mtDNA copy. Mutect2 writes every call 0/1, so the level decides."""
        return self.called_carrier & (self.mito_level >= HOMOPLASMY_MIN)

    @property
    def heteroplasmic(self) -> np.ndarray:
        """Called with the variant in some of the mtDNA copies (or at a level not known)."""
        return self.called_carrier & ~(self.mito_level >= HOMOPLASMY_MIN)

    @property
    def parents(self) -> list[Person]:
        return [p for p in (self.mother, self.father) if p is not None]

    @property
    def has_both_parents(self) -> bool:
        return self.mother is not None and self.father is not None


def by_sex(person: Person, male: Fit, female: Fit) -> Fit:
    """The rule for the person's sex; for unknown sex sure only if both rules are, possible if either is."""
    if person.sex == "male":
        return male
    if person.sex == "female":
        return female
    return Fit(male.sure & female.sure, male.maybe | female.maybe)


@dataclass
class Family:
    people: list[Person]
    n: int  # number of records

    @property
    def affected(self) -> list[Person]:
        return [p for p in self.people if p.phenotype == "affected"]

    @property
    def unaffected(self) -> list[Person]:
        return [p for p in self.people if p.phenotype == "unaffected"]

    @property
    def affected_trios(self) -> list[Person]:
        return [p for p in self.affected if p.has_both_parents]

    def evidence(self) -> Fit:
        """At least one affected individual is called with the alt allele (no-calls alone prove nothing)."""
        called = np.zeros(self.n, dtype=bool)
        for person in self.affected:
            called |= person.called_carrier
        return Fit(called, called)


def family_from_pedigree(
    pedigree: Pedigree,
    samples: list[str],
    gt: np.ndarray,
    phase: ReadPhase | None = None,
    other_allele: np.ndarray | None = None,
    level: np.ndarray | None = None,
) -> Family:
    """`other_allele`: (records, samples) bool, the call carries another ALT of the site (Person.other_allele).
    `level`: (records, samples) mtDNA heteroplasmy, NaN where unknown (Person.level)."""
    column = {sample: i for i, sample in enumerate(samples)}
    sequenced = pedigree.restrict(set(column))
    phase = phase or ReadPhase.unphased(gt.shape)
    people = {
        ind.sample: Person(
            ind.sample,
            ind.sex,
            ind.phenotype,
            gt[:, column[ind.sample]],
            haplotype=phase.haplotype[:, column[ind.sample]],
            phase_set=phase.phase_set[:, column[ind.sample]],
            other_allele=None if other_allele is None else other_allele[:, column[ind.sample]],
            level=None if level is None else np.asarray(level, dtype=float)[:, column[ind.sample]],
        )
        for ind in sequenced.individuals
    }
    for ind in sequenced.individuals:
        people[ind.sample].mother = people.get(ind.mother) if ind.mother else None
        people[ind.sample].father = people.get(ind.father) if ind.father else None
    for person in people.values():
        if person.phenotype == "affected":
            for parent in person.parents:
                parent.is_parent = True
    return Family(list(people.values()), gt.shape[0])


# --- the rules, one per textbook statement --------------------------------------------------------


def de_novo_in(kid: Person, mom: Person, dad: Person) -> Fit:
    """The kid has an alt allele that neither parent has, at a site where none of the three carries another ALT.

    A parent's other ALT is no reference copy, and a new allele beside another ALT at one site is far more often a
    genotyping artefact than a mutation: a split multi-allelic site is never a de novo."""
    multi_allelic = kid.carries_another_allele | mom.carries_another_allele | dad.carries_another_allele
    return kid.carrier & mom.hom_ref & dad.hom_ref & Fit(~multi_allelic, ~multi_allelic)


def passed_on_by_affected_parent(kid: Person, sources: list[Person | None], n: int) -> Fit:
    """The kid's alt allele came from one of `sources`, an affected carrier (unknown phenotype -> possible).

    If a source parent is not sequenced it may be the one, so the sequenced one need not carry.
    """
    if all(parent is not None for parent in sources):
        return any_of((p.carrier & p.affected for p in sources), n)
    return all_of((p.clear | p.affected for p in sources if p is not None), n)


def inherited_dominantly(kid: Person, n: int, x_linked: bool = False) -> Fit:
    """Passed on by an affected parent; on chrX a son's only X comes from his mother."""
    if not x_linked:
        return passed_on_by_affected_parent(kid, [kid.mother, kid.father], n)
    son = passed_on_by_affected_parent(kid, [kid.mother], n)
    daughter = passed_on_by_affected_parent(kid, [kid.mother, kid.father], n)
    return by_sex(kid, son, daughter)


def de_novo(family: Family, x_linked: bool = False) -> Fit:
    """Arose anew in an affected child of hom-ref parents; unaffected relatives do not carry it.

    Affected relatives must carry it too; an affected child of an affected carrier parent may have
    received the new allele from that parent (a de novo event one generation up, as GEMINI allows).
    """
    n = family.n
    arose = any_of((de_novo_in(k, k.mother, k.father) for k in family.affected_trios), n)
    explained = all_of(
        (de_novo_in(k, k.mother, k.father) | inherited_dominantly(k, n, x_linked) for k in family.affected_trios),
        n,
    )
    affected_carry = all_of((a.carrier for a in family.affected), n)
    unaffected_clear = all_of((u.clear for u in family.unaffected), n)
    return arose & explained & affected_carry & unaffected_clear


def isodisomy_in(kid: Person, mom: Person, dad: Person) -> Fit:
    """Hom-alt kid with one hom-ref parent and one carrier: two copies of one parent's allele, as in
    uniparental isodisomy (or a deletion on the other parent's chromosome)."""
    return kid.hom_alt & ((mom.hom_ref & dad.carrier) | (dad.hom_ref & mom.carrier))


def uniparental_isodisomy(family: Family) -> Fit:
    """A recessive cause unmasked by isodisomy in an affected child; unaffected relatives are not hom-alt."""
    n = family.n
    child = any_of((isodisomy_in(k, k.mother, k.father) for k in family.affected_trios), n)
    unaffected_ok = all_of((u.not_hom_alt for u in family.unaffected), n)
    return child & unaffected_ok


def autosomal_dominant(family: Family) -> Fit:
    """Every affected is het, every unaffected hom-ref, and an affected parent passed it on.

    A het affected child whose sequenced parents both lack the allele is de novo, not dominant.
    """
    n = family.n
    affected_het = all_of((a.het for a in family.affected), n)
    unaffected_clear = all_of((u.clear for u in family.unaffected), n)
    transmitted = all_of((inherited_dominantly(a, n) for a in family.affected if a.parents), n)
    return affected_het & unaffected_clear & transmitted


def recessive_parent(parent: Person) -> Fit:
    """A parent of a homozygous child carries one copy (two only if the parent is affected too)."""
    return parent.het | (parent.hom_alt & parent.affected)


def autosomal_recessive(family: Family) -> Fit:
    """Every affected is hom-alt, no unaffected is, and every sequenced parent of an affected carries.

    A hom-ref parent makes a hom-alt child a Mendelian error (uniparental disomy, deletion), not AR.
    """
    n = family.n
    affected_hom = all_of((a.hom_alt for a in family.affected), n)
    unaffected_ok = all_of((u.not_hom_alt for u in family.unaffected), n)
    parents_carry = all_of((recessive_parent(p) for a in family.affected for p in a.parents), n)
    return affected_hom & unaffected_ok & parents_carry


def x_recessive_parents(kid: Person, n: int) -> Fit:
    """A son's alt X comes from his carrier mother; a hom-alt daughter needs a carrier mother and father."""
    mother = [recessive_parent(kid.mother)] if kid.mother else []
    father = [kid.father.carrier] if kid.father else []
    return by_sex(kid, all_of(mother, n), all_of(mother + father, n))


def x_linked_recessive(family: Family) -> Fit:
    """Affected males carry (hemizygous, written het or hom-alt), affected females are hom-alt;
    unaffected males do not carry, unaffected females are not hom-alt."""
    n = family.n
    affected_ok = all_of((by_sex(a, a.carrier, a.hom_alt) for a in family.affected), n)
    unaffected_ok = all_of((by_sex(u, u.clear, u.not_hom_alt) for u in family.unaffected), n)
    parents_ok = all_of((x_recessive_parents(a, n) for a in family.affected), n)
    return affected_ok & unaffected_ok & parents_ok


def x_linked_dominant(family: Family) -> Fit:
    """Every affected carries, no unaffected does, and an affected parent passed it on (never father to son)."""
    n = family.n
    affected_carry = all_of((a.carrier for a in family.affected), n)
    unaffected_clear = all_of((u.clear for u in family.unaffected), n)
    transmitted = all_of((inherited_dominantly(a, n, x_linked=True) for a in family.affected if a.parents), n)
    return affected_carry & unaffected_clear & transmitted


# --- mitochondrial DNA ----------------------------------------------------------------------------

# gnomAD's classes of mtDNA calls: homoplasmic from an alt fraction of 0.95, heteroplasmic below.
HOMOPLASMY_MIN = 0.95
# A father's heteroplasmy within this of his child's is "the same": read sampling at mtDNA depths moves a level a
# few percent, and a real maternal heteroplasmy matching an unrelated paternal one by chance is rare.
SAME_HETEROPLASMY = 0.10


def mitochondrial(family: Family) -> Fit:
    """mtDNA comes from the mother only: every affected individual carries the variant (at any heteroplasmy level),
    whether the mother passed it on or it arose anew.
    - No unaffected relative is homoplasmic for it: every copy changed without disease is a harmless variant (a
      haplogroup marker), as an unaffected carrier is for a dominant disease.
    - An unaffected relative heteroplasmic at a lower level than every affected one fits (below the threshold of
      disease); at the same or a higher level the mode stays possible: blood levels differ from the affected
      tissue's and fall with age.
    - A heteroplasmy the father shares with his affected child cannot have come from him: likely an artefact (a
      nuclear copy of mtDNA, contamination), possible at best."""
    n = family.n
    affected_carry = all_of((a.carrier for a in family.affected), n)
    lowest = lowest_affected_level(family)
    mothers = {a.mother.sample for a in family.affected if a.mother is not None}
    unaffected_ok = all_of((mito_unaffected_fits(u, lowest, u.sample in mothers) for u in family.unaffected), n)
    artefact = np.zeros(n, dtype=bool)
    for kid in family.affected:
        artefact |= shared_paternal_heteroplasmy(kid)
    return affected_carry & unaffected_ok & Fit(~artefact, np.ones(n, dtype=bool))


def lowest_affected_level(family: Family) -> np.ndarray:
    """Per record, the lowest heteroplasmy among the affected individuals (NaN where one is not known: then no
    unaffected relative's level is held against the mode)."""
    levels = [a.mito_level for a in family.affected]
    return np.minimum.reduce(levels) if levels else np.full(family.n, np.nan)


def mito_unaffected_fits(person: Person, lowest: np.ndarray, mother: bool) -> Fit:
    """An unaffected relative: without the variant, or heteroplasmic below `lowest`; homoplasmic rules the mode out;
    heteroplasmic at `lowest` or above leaves it possible. A no-call is held against the mode only for the `mother`
    of an affected individual (she may be homoplasmic, and she passes her mtDNA on); a father's plays no part."""
    maybe = ~person.homoplasmic
    lower = person.heteroplasmic & ~unaffected_level_not_lower(person, lowest)
    clear = person.gt == HOM_REF if mother else person.gt <= HOM_REF
    return Fit((clear | lower) & maybe, maybe)


def unaffected_level_not_lower(person: Person, lowest: np.ndarray) -> np.ndarray:
    """An unaffected relative heteroplasmic at an affected individual's level or above. Only known levels count:
    without read counts or the caller's fraction (a 0/1 beside a 0/1), nothing tells the levels apart."""
    return person.heteroplasmic & (person.mito_level >= lowest)


def shared_paternal_heteroplasmy(kid: Person) -> np.ndarray:
    """The kid and the father are both heteroplasmic at about the same level (or at levels not known)."""
    father = kid.father
    if father is None:
        return np.zeros(len(kid.gt), dtype=bool)
    apart = np.abs(father.mito_level - kid.mito_level) > SAME_HETEROPLASMY
    return father.heteroplasmic & kid.heteroplasmic & ~apart


# --- compound heterozygotes -----------------------------------------------------------------------


def compound_het_candidate(family: Family) -> Fit:
    """A record one half of a compound het could be: het in every affected, hom-alt in no unaffected.

    (An unaffected homozygote shows the allele is harmless in two copies.)
    """
    n = family.n
    affected_het = all_of((a.het for a in family.affected), n)
    unaffected_ok = all_of((u.not_hom_alt for u in family.unaffected), n)
    return affected_het & unaffected_ok & family.evidence()


@dataclass
class ParentalOrigin:
    """Where an affected child's alt allele came from, per record (both parents sequenced)."""

    father_only: Fit
    mother_only: Fit
    new: Fit

    @classmethod
    def of(cls, kid: Person) -> ParentalOrigin:
        mom, dad = kid.mother, kid.father
        both_carry = unsure(mom.carrier & dad.carrier)  # either parent may have given it
        return cls(
            father_only=(dad.carrier & mom.hom_ref) | both_carry,
            mother_only=(mom.carrier & dad.hom_ref) | both_carry,
            new=de_novo_in(kid, mom, dad),
        )

    def __getitem__(self, index) -> ParentalOrigin:
        return ParentalOrigin(self.father_only[index], self.mother_only[index], self.new[index])


def in_trans(first: ParentalOrigin, second: ParentalOrigin) -> Fit:
    """The two alt alleles sit on different parental copies: one from each parent, or one de novo.

    Two de novo alleles may or may not share a copy: without phase that is only possible.
    """
    return (
        (first.father_only & (second.mother_only | second.new))
        | (first.mother_only & (second.father_only | second.new))
        | (first.new & (second.father_only | second.mother_only))
        | unsure(first.new & second.new)
    )


def same_gene_pairs(gene: np.ndarray, records: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every ordered pair (first, second) of distinct `records` that share a gene, without a Python loop."""
    by_gene = records[np.argsort(gene[records], kind="stable")]
    _, starts, sizes = np.unique(gene[by_gene], return_index=True, return_counts=True)
    group_size = np.repeat(sizes, sizes)  # for each record: how many records its gene has
    group_start = np.repeat(starts, sizes)
    first = np.repeat(np.arange(len(by_gene)), group_size)
    rank_in_group = np.arange(len(first)) - np.repeat(np.cumsum(group_size) - group_size, group_size)
    second = np.repeat(group_start, group_size) + rank_in_group
    distinct = first != second
    return by_gene[first[distinct]], by_gene[second[distinct]]


def phased_by_parents_or_reads(by_parents: Fit, trans: np.ndarray, cis: np.ndarray) -> Fit:
    """Parental phase wins; where the parents leave the phase open, the reads decide."""
    open_ = by_parents.maybe & ~by_parents.sure
    return Fit(by_parents.sure | (open_ & trans), by_parents.maybe & ~(open_ & cis))


def phase_in_affected(family: Family, first: np.ndarray, second: np.ndarray) -> tuple[Fit, np.ndarray]:
    """Whether each pair's two alleles sit on different copies in every affected individual, and where
    the parents alone show it. Without parents, reads in trans confirm and reads in cis rule out."""
    n_pairs = len(first)
    trans_everywhere = constant(n_pairs, True)
    by_parents_everywhere = np.full(n_pairs, bool(family.affected_trios))
    for person in family.affected:
        trans, cis = person.read_phase(first, second)
        if person.has_both_parents:
            origin = ParentalOrigin.of(person)
            by_parents = in_trans(origin[first], origin[second])
            by_parents_everywhere &= by_parents.sure
            trans_everywhere = trans_everywhere & phased_by_parents_or_reads(by_parents, trans, cis)
        elif family.affected_trios:
            trans_everywhere = trans_everywhere & Fit(~cis, ~cis)  # reads can still rule a pair out
        else:
            trans_everywhere = trans_everywhere & Fit(trans, ~cis)
    return trans_everywhere, by_parents_everywhere


def compound_het_pairs(family: Family, candidate: Fit, first: np.ndarray, second: np.ndarray) -> tuple[Fit, np.ndarray]:
    """Whether each pair of records (same gene) can be the two hits of a compound heterozygote, and each
    pair's phase evidence as an index into PHASE_EVIDENCE."""
    in_trans_everywhere, by_parents = phase_in_affected(family, first, second)
    pairs = candidate[first] & candidate[second] & in_trans_everywhere
    for person in family.unaffected:
        carries_both = person.called_carrier[first] & person.called_carrier[second]
        pairs = pairs & Fit(~carries_both, ~carries_both)
    evidence = np.where(by_parents & pairs.sure, 0, np.where(pairs.sure, 1, 2))
    return pairs, evidence


def compound_heterozygous(family: Family, gene: np.ndarray, usable: np.ndarray) -> tuple[Fit, Partners, np.ndarray]:
    """Records with a compound-het partner in the same gene, the partners of each record, and the
    strongest phase evidence among its partners ('' where it has none).

    A record's partners are its confirmed partners, or, if it has none, its possible ones.
    """
    n = family.n
    candidate = compound_het_candidate(family)
    records = np.flatnonzero(usable & (gene != "") & candidate.maybe)
    first, second = same_gene_pairs(gene, records)
    pairs, pair_evidence = compound_het_pairs(family, candidate, first, second)
    sure, maybe = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    sure[first[pairs.sure]] = True
    maybe[first[pairs.maybe]] = True

    shown = pairs.sure | (pairs.maybe & ~sure[first])
    strongest = np.full(n, len(PHASE_EVIDENCE), dtype=np.int64)
    np.minimum.at(strongest, first[shown], pair_evidence[shown])
    labels = np.array([*PHASE_EVIDENCE, ""], dtype=object)[strongest]
    first, second = first[shown], second[shown]
    order = np.lexsort((second, first))
    return Fit(sure, maybe), Partners(n, first[order], second[order]), labels


# --- the public entry point -----------------------------------------------------------------------


def _not_testable(family: Family, pedigree: Pedigree, chrom: np.ndarray) -> dict[str, dict]:
    """mode -> why it cannot be tested in this family (a message)."""
    if not pedigree.affected:
        return {
            mode: message("{mode}: family has no affected individual", mode=word(mode.replace("_", " ")))
            for mode in MODES
        }
    if not family.affected:
        return {
            mode: message("{mode}: no affected individual is sequenced", mode=word(mode.replace("_", " ")))
            for mode in MODES
        }
    reasons = {}
    if not family.affected_trios:
        for mode, said in (("de_novo", "de novo"), ("x_linked_de_novo", "x-linked de novo"),
                           ("uniparental_isodisomy", "uniparental isodisomy")):  # fmt: skip
            reasons[mode] = message("{mode}: no affected individual has both parents sequenced", mode=word(said))
    if genome.is_y(chrom).any():
        reasons["y_linked"] = message("Y-linked: not assessed yet")
    return reasons


def _gene_symbols(gene) -> np.ndarray:
    """Gene symbols as a str array; None or NaN (no gene) become ''."""
    gene = np.asarray(gene)
    if gene.dtype.kind == "U":
        return gene
    return np.array(["" if g is None or g != g else str(g) for g in gene], dtype=str)


def _check_shapes(gt: np.ndarray, samples: list[str], chrom, pos, gene) -> None:
    if gt.ndim != 2 or gt.shape[1] != len(samples):
        raise ValueError(f"gt must be (records, {len(samples)} samples), got shape {gt.shape}")
    for name, values in (("chrom", chrom), ("pos", pos), ("gene", gene)):
        if len(values) != gt.shape[0]:
            raise ValueError(f"{name} has {len(values)} entries for {gt.shape[0]} records")


def inheritance_modes(
    gt: np.ndarray,
    samples: list[str],
    pedigree: Pedigree,
    chrom: np.ndarray,
    pos: np.ndarray,
    gene: np.ndarray,
    build: str,
    *,
    phase: ReadPhase | None = None,
    other_allele: np.ndarray | None = None,
    level: np.ndarray | None = None,
) -> InheritanceResult:
    """Which modes each record fits in this family. `possible` never repeats a record of `modes`.

    `phase`: read-backed phase of the calls (phased GT with a phase set), used for compound hets.
    `other_allele`: (records, samples) bool, the call carries another ALT of the site (Person.other_allele).
    `level`: (records, samples) mtDNA heteroplasmy, NaN where unknown (Person.level; the mitochondrial mode).
    """
    if build not in genome.BUILDS:
        raise ValueError(f"unknown genome build '{build}' (expected one of {', '.join(genome.BUILDS)})")
    gt = np.asarray(gt, dtype=np.int8)
    _check_shapes(gt, samples, chrom, pos, gene)
    chrom = np.asarray(chrom, dtype=str)
    gene = _gene_symbols(gene)
    n = gt.shape[0]
    family = family_from_pedigree(pedigree, list(samples), gt, phase, other_allele, level)
    not_testable = _not_testable(family, pedigree, chrom)

    empty = Fit(np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))
    fits = dict.fromkeys(MODES, empty)
    partners = Partners(n)
    phase_evidence = np.full(n, "", dtype=object)
    if family.affected:
        autosomal = genome.is_autosomal(chrom, pos, build)
        x_linked = genome.is_x_nonpar(chrom, pos, build)
        # No-calls alone prove nothing: every mode needs an affected individual called with the allele.
        evidence = family.evidence()
        on_autosome = evidence & Fit(autosomal, autosomal)
        on_x = evidence & Fit(x_linked, x_linked)
        mito = genome.is_mito(chrom)
        fits["mitochondrial"] = mitochondrial(family) & evidence & Fit(mito, mito)
        fits["autosomal_dominant"] = autosomal_dominant(family) & on_autosome
        fits["autosomal_recessive"] = autosomal_recessive(family) & on_autosome
        fits["compound_heterozygous"], partners, phase_evidence = compound_heterozygous(family, gene, autosomal)
        fits["x_linked_recessive"] = x_linked_recessive(family) & on_x
        fits["x_linked_dominant"] = x_linked_dominant(family) & on_x
        if family.affected_trios:
            fits["de_novo"] = de_novo(family) & on_autosome
            fits["x_linked_de_novo"] = de_novo(family, x_linked=True) & on_x
            fits["uniparental_isodisomy"] = uniparental_isodisomy(family) & on_autosome

    return InheritanceResult(
        modes={mode: fit.sure.copy() for mode, fit in fits.items()},
        possible={mode: fit.maybe & ~fit.sure for mode, fit in fits.items()},
        partners=partners,
        not_testable_messages=not_testable,
        phase_evidence=phase_evidence,
    )
