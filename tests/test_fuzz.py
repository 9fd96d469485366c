"""Property-based tests: the input parsers never fail except with a clear InputError, and the vectorised
inheritance engine agrees with a slow, per-record reference written straight from the textbook definitions.

`make fuzz` runs the same properties with many more examples (HYPOTHESIS_PROFILE=long).
"""

from __future__ import annotations

import os
import string
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rarevar.annotate.consequence import (
    TranscriptConsequence,
    parse_ann,
    parse_bcsq,
    parse_eff,
    parse_vep,
    so_terms,
    vep_fields,
)
from rarevar.errors import InputError
from rarevar.family.inheritance import inheritance_modes
from rarevar.inputs.families import read_families
from rarevar.inputs.pedigree import Individual, Pedigree, read_ped
from rarevar.phenotype.hpo import parse_terms, read_phenotype

settings.register_profile("ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TMP = [HealthCheck.function_scoped_fixture]  # each example rewrites the same file under tmp_path

# Text as found in real files: printable ASCII plus tabs, a few unicode and HTML characters.
FIELD_TEXT = st.text(alphabet=string.printable.replace("\n", "").replace("\r", "") + "éü中<>&\"'", max_size=30)


# --- PED ------------------------------------------------------------------------------------------------------


@st.composite
def valid_pedigrees(draw) -> list[Individual]:
    """Families drawn generation by generation, so parents always come first and there is no cycle."""
    people: list[Individual] = []
    for family in range(draw(st.integers(1, 3))):
        members: list[Individual] = []
        for index in range(draw(st.integers(1, 7))):
            sex = draw(st.sampled_from(["male", "female", "unknown"]))
            phenotype = draw(st.sampled_from(["affected", "unaffected", "unknown"]))
            fathers = [m.sample for m in members if m.sex == "male"]
            mothers = [m.sample for m in members if m.sex == "female"]
            father = draw(st.sampled_from([None, *fathers])) if fathers else None
            mother = draw(st.sampled_from([None, *mothers])) if mothers else None
            members.append(Individual(f"FAM{family}", f"s{family}_{index}", father, mother, sex, phenotype))
        people += members
    return people


SEX_CODE = {"male": "1", "female": "2", "unknown": "0"}
PHENOTYPE_CODE = {"affected": "2", "unaffected": "1", "unknown": "-9"}


def ped_line(ind: Individual) -> str:
    return "\t".join(
        [ind.family, ind.sample, ind.father or "0", ind.mother or "0", SEX_CODE[ind.sex], PHENOTYPE_CODE[ind.phenotype]]
    )


@settings(suppress_health_check=TMP)
@given(valid_pedigrees())
def test_a_valid_ped_reads_back_exactly(tmp_path, people):
    path = tmp_path / "family.ped"
    path.write_text("#family\tsample\tfather\tmother\tsex\tphenotype\n" + "\n".join(map(ped_line, people)) + "\n")
    families = read_ped(path)
    read_back = [ind for pedigree in families.values() for ind in pedigree.individuals]
    assert sorted(read_back, key=lambda i: i.sample) == sorted(people, key=lambda i: i.sample)


@settings(suppress_health_check=TMP)
@given(st.lists(st.lists(FIELD_TEXT, min_size=0, max_size=8).map("\t".join), max_size=8))
def test_any_ped_text_reads_or_stops_with_a_clear_error(tmp_path, lines):
    path = tmp_path / "family.ped"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        families = read_ped(path)
    except InputError as error:
        assert str(path) in str(error)
        return
    samples = [ind.sample for pedigree in families.values() for ind in pedigree.individuals]
    assert len(samples) == len(set(samples)), "a sample read twice"


# --- the families sheet and HPO terms ----------------------------------------------------------------------


@settings(suppress_health_check=TMP)
@given(st.lists(st.lists(FIELD_TEXT, max_size=6).map("\t".join), max_size=6), st.booleans())
def test_any_families_sheet_reads_or_stops_with_a_clear_error(tmp_path, rows, with_header):
    path = tmp_path / "families.tsv"
    header = ["family_id\tvcf\tped\thpo"] if with_header else []
    path.write_text("\n".join(header + rows) + "\n", encoding="utf-8")
    try:
        families = read_families(path)
    except InputError as error:
        assert str(path) in str(error)
        return
    ids = [row.family_id for row in families]
    assert len(ids) == len(set(ids)) and all(row.vcf and row.ped and row.hpo for row in families)


HPO_LIKE = st.one_of(
    st.from_regex(r"\A[-!]?HP:[0-9]{7}\Z"), FIELD_TEXT, st.sampled_from(["HP:0001250", "-HP:0000252", "HP:0000005"])
)


@given(st.lists(HPO_LIKE, max_size=6).map(";".join))
def test_any_hpo_text_is_read_or_stops_with_a_clear_error(text):
    try:
        phenotype = read_phenotype(text, "families.tsv, line 2")
    except InputError as error:
        assert str(error).startswith("families.tsv, line 2")
        return
    assert phenotype.observed and all(term.startswith("HP:") for term in phenotype.observed + phenotype.excluded)


@given(st.lists(st.from_regex(r"\AHP:[0-9]{7}\Z"), min_size=1, max_size=5), st.lists(st.booleans(), max_size=5))
def test_excluded_prefix_is_kept_apart(terms, exclusions):
    flags = (exclusions + [False] * len(terms))[: len(terms)]
    text = ";".join(("-" if excluded else "") + term for term, excluded in zip(terms, flags, strict=True))
    phenotype = parse_terms(text, "x")
    assert phenotype.observed == [t for t, e in zip(terms, flags, strict=True) if not e]
    assert phenotype.excluded == [t for t, e in zip(terms, flags, strict=True) if e]


# --- consequence annotations -------------------------------------------------------------------------------

ANNOTATION_VALUE = st.text(alphabet=string.printable.replace("\n", "") + "&|()%", max_size=80)
SO = st.sampled_from(
    ["missense_variant", "stop_gained", "frameshift_variant", "synonymous_variant", "splice_region_variant",
     "intron_variant", "3_prime_UTR_variant", "start_lost", "inframe_deletion"]
)  # fmt: skip
NAME = st.text(alphabet=string.ascii_letters + string.digits + "-._", min_size=1, max_size=12)


def consequences_are_well_formed(out: list[TranscriptConsequence]) -> None:
    for csq in out:
        assert isinstance(csq.terms, tuple) and csq.impact in {"HIGH", "MODERATE", "LOW", "MODIFIER"}


@given(st.lists(ANNOTATION_VALUE, max_size=5), st.lists(NAME, min_size=1, max_size=10))
def test_any_vep_bcsq_ann_eff_text_parses_without_error(values, fields):
    consequences_are_well_formed(parse_vep(values, fields, "A", "G"))
    consequences_are_well_formed(parse_bcsq(values))
    consequences_are_well_formed(parse_ann(values, "G"))
    consequences_are_well_formed(parse_eff(values))


@given(st.permutations(["Allele", "Consequence", "SYMBOL", "Feature", "BIOTYPE", "HGVSc", "HGVSp"]), SO, NAME, NAME)
def test_vep_fields_in_any_order_give_the_same_consequence(order, term, gene, transcript):
    header = f"Consequence annotations from Ensembl VEP. Format: {'|'.join(order)}"
    fields = vep_fields(header)
    value = {"Allele": "G", "Consequence": term, "SYMBOL": gene, "Feature": transcript, "BIOTYPE": "protein_coding",
             "HGVSc": f"{transcript}:c.1A>G", "HGVSp": ""}  # fmt: skip
    (csq,) = parse_vep(["|".join(value[name] for name in fields)], fields, "A", "G")
    assert (csq.terms, csq.gene, csq.transcript, csq.hgvs_c) == ((term,), gene, transcript, "c.1A>G")


@given(st.lists(SO, min_size=1, max_size=4), NAME, NAME)
def test_ann_and_bcsq_entries_round_trip(terms, gene, transcript):
    joined = "&".join(terms)
    ann = f"G|{joined}|MODERATE|{gene}|ID|transcript|{transcript}|protein_coding|1/2|c.1A>G|p.Met1?|1|1|1|"
    (from_ann,) = parse_ann([ann], "G")
    (from_bcsq,) = parse_bcsq([f"{joined}|{gene}|{transcript}|protein_coding|+|1M>1V|1A>G"])
    for csq in (from_ann, from_bcsq):
        assert csq.terms == so_terms(joined) and (csq.gene, csq.transcript) == (gene, transcript)


# --- the inheritance engine against a per-record reference ----------------------------------------------------


@st.composite
def called_families(draw):
    """A family with every sex and phenotype known and every genotype called, and random records."""
    people: list[Individual] = []
    if draw(st.booleans()):  # most clinical families are built around a trio
        status = st.sampled_from(["affected", "unaffected"])
        people = [Individual("F", "p0", None, None, "male", draw(status)),
                  Individual("F", "p1", None, None, "female", draw(status))]  # fmt: skip
    for index in range(len(people), len(people) + draw(st.integers(1, 4))):
        sex = draw(st.sampled_from(["male", "female"]))
        phenotype = draw(st.sampled_from(["affected", "unaffected"]))
        fathers = [p.sample for p in people if p.sex == "male"]
        mothers = [p.sample for p in people if p.sex == "female"]
        father = draw(st.sampled_from([*fathers, None])) if fathers else None
        mother = draw(st.sampled_from([*mothers, None])) if mothers else None
        people.append(Individual("F", f"p{index}", father, mother, sex, phenotype))
    n = draw(st.integers(1, 12))
    gt = np.array(draw(st.lists(st.lists(st.sampled_from([0, 1, 2]), min_size=len(people), max_size=len(people)),
                                min_size=n, max_size=n)), dtype=np.int8)  # fmt: skip
    on_x = np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    genes = np.array(draw(st.lists(st.sampled_from(["G1", "G2"]), min_size=n, max_size=n)))
    return people, gt, on_x, genes


class Reference:
    """The textbook statements, one record at a time, with plain Python over a fully called family."""

    def __init__(self, people: list[Individual], row: np.ndarray):
        self.people = people
        self.g = {p.sample: int(v) for p, v in zip(people, row, strict=True)}

    def affected(self):
        return [p for p in self.people if p.affected]

    def unaffected(self):
        return [p for p in self.people if p.unaffected]

    def trio_kids(self):
        return [p for p in self.affected() if p.father and p.mother]

    def parent(self, name):
        return next(p for p in self.people if p.sample == name)

    def new_in(self, kid) -> bool:
        return self.g[kid.sample] >= 1 and self.g[kid.mother] == 0 and self.g[kid.father] == 0

    def from_affected_parent(self, kid, x_linked: bool) -> bool:
        """Some affected carrier parent passed it on (a son's X only from his mother). If a parent who could be
        the source is not sequenced, the sequenced ones must only not contradict (clear, or affected)."""
        names = [kid.mother] if x_linked and kid.sex == "male" else [kid.mother, kid.father]
        if all(names):
            return any(self.g[n] >= 1 and self.parent(n).affected for n in names)
        return all(self.g[n] == 0 or self.parent(n).affected for n in names if n)

    def de_novo(self, x_linked: bool) -> bool:
        kids = self.trio_kids()
        return (
            any(self.new_in(k) for k in kids)
            and all(self.new_in(k) or self.from_affected_parent(k, x_linked) for k in kids)
            and all(self.g[a.sample] >= 1 for a in self.affected())
            and all(self.g[u.sample] == 0 for u in self.unaffected())
        )

    def dominant(self, x_linked: bool) -> bool:
        carriers = (lambda v: v >= 1) if x_linked else (lambda v: v == 1)
        return (
            all(carriers(self.g[a.sample]) for a in self.affected())
            and all(self.g[u.sample] == 0 for u in self.unaffected())
            and all(self.from_affected_parent(a, x_linked) for a in self.affected() if a.father or a.mother)
        )

    def recessive_parent_ok(self, name) -> bool:
        return self.g[name] == 1 or (self.g[name] == 2 and self.parent(name).affected)

    def recessive(self) -> bool:
        return (
            all(self.g[a.sample] == 2 for a in self.affected())
            and all(self.g[u.sample] != 2 for u in self.unaffected())
            and all(self.recessive_parent_ok(n) for a in self.affected() for n in (a.father, a.mother) if n)
        )

    def x_recessive(self) -> bool:
        def affected_ok(a):
            ok = self.g[a.sample] >= 1 if a.sex == "male" else self.g[a.sample] == 2
            if a.mother:
                ok &= self.recessive_parent_ok(a.mother)
            if a.sex == "female" and a.father:
                ok &= self.g[a.father] >= 1
            return ok

        def unaffected_ok(u):
            return self.g[u.sample] == 0 if u.sex == "male" else self.g[u.sample] != 2

        return all(map(affected_ok, self.affected())) and all(map(unaffected_ok, self.unaffected()))

    def isodisomy(self) -> bool:
        def upd(k):
            mom, dad = self.g[k.mother], self.g[k.father]
            return self.g[k.sample] == 2 and ((mom == 0 and dad >= 1) or (dad == 0 and mom >= 1))

        return any(upd(k) for k in self.trio_kids()) and all(self.g[u.sample] != 2 for u in self.unaffected())


def reference_compound_het(people, gt, genes, on_x) -> list[bool]:
    """A record fits when some other record of its gene makes a pair that every affected trio child received
    one allele of from each parent (or one de novo), that is het in every affected, hom-alt in no unaffected,
    and that no unaffected relative carries both of."""
    col = {p.sample: i for i, p in enumerate(people)}
    affected = [p for p in people if p.affected]
    unaffected = [p for p in people if p.unaffected]
    kids = [p for p in affected if p.father and p.mother]

    def half(r):
        return all(gt[r, col[a.sample]] == 1 for a in affected) and all(gt[r, col[u.sample]] != 2 for u in unaffected)

    def origin(r, kid):
        mom, dad = gt[r, col[kid.mother]], gt[r, col[kid.father]]
        if mom == 0:
            return "new" if dad == 0 else "father"
        return "mother" if dad == 0 else "?"

    def in_trans(r, s, kid):
        pair = {origin(r, kid), origin(s, kid)}
        return pair in ({"father", "mother"}, {"father", "new"}, {"mother", "new"})

    def pair_ok(r, s):
        carriers_of_both = any(gt[r, col[u.sample]] >= 1 and gt[s, col[u.sample]] >= 1 for u in unaffected)
        return half(r) and half(s) and not carriers_of_both and all(in_trans(r, s, k) for k in kids)

    n = len(gt)
    if not kids or not affected:
        return [False] * n
    return [
        not on_x[r] and any(s != r and not on_x[s] and genes[s] == genes[r] and pair_ok(r, s) for s in range(n))
        for r in range(n)
    ]


@settings(max_examples=max(1000, settings().max_examples))
@given(called_families())
def test_engine_agrees_with_the_reference_on_fully_called_families(family):
    people, gt, on_x, genes = family
    chrom = np.where(on_x, "chrX", "chr1")
    pos = np.full(len(gt), 5_000_000)  # outside both pseudo-autosomal regions on GRCh38
    result = inheritance_modes(gt, [p.sample for p in people], Pedigree("F", people), chrom, pos, genes, "GRCh38")
    # Called genotypes leave nothing unknown; only a compound het's phase can stay open (both parents carry).
    assert not any(result.possible[m].any() for m in result.possible if m != "compound_heterozygous")

    has_evidence = [any(gt[r, i] >= 1 for i, p in enumerate(people) if p.affected) for r in range(len(gt))]
    expected = {mode: [] for mode in result.modes}
    for r, row in enumerate(gt):
        ref = Reference(people, row)
        autosomal = not on_x[r] and has_evidence[r]
        x = bool(on_x[r]) and has_evidence[r]
        trios = bool(ref.trio_kids())
        expected["de_novo"].append(autosomal and trios and ref.de_novo(False))
        expected["autosomal_dominant"].append(autosomal and ref.dominant(False))
        expected["autosomal_recessive"].append(autosomal and ref.recessive())
        expected["x_linked_recessive"].append(x and ref.x_recessive())
        expected["x_linked_dominant"].append(x and ref.dominant(True))
        expected["x_linked_de_novo"].append(x and trios and ref.de_novo(True))
        expected["uniparental_isodisomy"].append(autosomal and trios and ref.isodisomy())
    expected["compound_heterozygous"] = reference_compound_het(people, gt, genes, on_x)
    expected["mitochondrial"] = [False] * len(gt)  # nuclear records only
    for mode, values in expected.items():
        assert result.modes[mode].tolist() == values, mode


@given(called_families(), st.data())
def test_a_missing_parent_genotype_never_confirms_and_never_drops_a_de_novo(family, data):
    """A no-call is never read as hom-ref: blanking a parent of a de novo makes it possible, not sure, not gone."""
    people, gt, _, genes = family
    kids = [p for p in people if p.affected and p.father and p.mother]
    if not kids:
        return
    samples = [p.sample for p in people]
    args = (samples, Pedigree("F", people), np.full(len(gt), "chr1"), np.full(len(gt), 5_000_000), genes, "GRCh38")
    before = inheritance_modes(gt, *args)
    kid = data.draw(st.sampled_from(kids))
    blanked = gt.copy()
    blanked[:, samples.index(data.draw(st.sampled_from([kid.mother, kid.father])))] = -1
    after = inheritance_modes(blanked, *args)
    assert not (after.modes["de_novo"] & ~before.modes["de_novo"]).any(), "a no-call confirmed a de novo"
    lost = before.modes["de_novo"] & ~(after.modes["de_novo"] | after.possible["de_novo"])
    assert not lost.any(), "a de novo vanished when a parent's genotype went missing"


def test_reference_catches_a_wrong_answer():
    """The reference is not vacuous: a de novo trio record is de novo, an inherited one is not."""
    kid = Individual("F", "kid", "dad", "mom", "male", "affected")
    trio = [Individual("F", "dad", None, None, "male", "unaffected"),
            Individual("F", "mom", None, None, "female", "unaffected"), kid]  # fmt: skip
    assert Reference(trio, np.array([0, 0, 1])).de_novo(False)
    assert not Reference(trio, np.array([1, 0, 1])).de_novo(False)
    assert Reference(trio, np.array([1, 1, 2])).recessive()


def test_ped_fixture_path_is_named(tmp_path):
    """The PED property above relies on errors naming the file; check one concrete case of it."""
    path = Path(tmp_path) / "bad.ped"
    path.write_text("F\tkid\t0\n")
    try:
        read_ped(path)
    except InputError as error:
        assert str(path) in str(error) and "line 1" in str(error)
    else:
        raise AssertionError("a 3-column PED was accepted")
