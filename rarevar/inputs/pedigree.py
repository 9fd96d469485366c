"""PED (6-column pedigree) parsing and validation, and the family roles inheritance needs."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rarevar.base.text_input import read_text
from rarevar.errors import InputError

MISSING_PARENT = {"0", "-9", ".", ""}
# PED codes and the synonyms real pedigree files use (GEMINI writes `male`/`female`, peddy `-1` for unknown sex).
# Anything else is refused: read as "unknown", a typo would silently change the X-linked and de novo calls.
SEX_CODES = {"1": "male", "m": "male", "male": "male", "2": "female", "f": "female", "female": "female",
             "0": "unknown", "-9": "unknown", "-1": "unknown", ".": "unknown", "other": "unknown",
             "u": "unknown", "unknown": "unknown"}  # fmt: skip
PHENOTYPE_CODES = {"1": "unaffected", "unaffected": "unaffected", "2": "affected", "affected": "affected",
                   "0": "unknown", "-9": "unknown", ".": "unknown", "unknown": "unknown"}  # fmt: skip


@dataclass(frozen=True)
class Individual:
    family: str
    sample: str
    father: str | None
    mother: str | None
    sex: str  # male | female | unknown
    phenotype: str  # affected | unaffected | unknown

    @property
    def affected(self) -> bool:
        return self.phenotype == "affected"

    @property
    def unaffected(self) -> bool:
        return self.phenotype == "unaffected"


@dataclass
class Pedigree:
    """One family. Samples keep PED order; parents may be listed but not sequenced."""

    family: str
    individuals: list[Individual]
    path: str = ""
    _by_id: dict[str, Individual] = field(init=False, repr=False)

    def __post_init__(self):
        self._by_id = {ind.sample: ind for ind in self.individuals}

    def __getitem__(self, sample: str) -> Individual:
        return self._by_id[sample]

    def __contains__(self, sample: str) -> bool:
        return sample in self._by_id

    @property
    def samples(self) -> list[str]:
        return [ind.sample for ind in self.individuals]

    @property
    def affected(self) -> list[Individual]:
        return [ind for ind in self.individuals if ind.affected]

    @property
    def unaffected(self) -> list[Individual]:
        return [ind for ind in self.individuals if ind.unaffected]

    def proband(self) -> Individual | None:
        """The first affected individual with the most sequenced parents (the usual index case)."""
        if not self.affected:
            return None
        return max(self.affected, key=lambda ind: (ind.father is not None) + (ind.mother is not None))

    def roles(self) -> dict[str, str]:
        """A plain-words role per sample (proband, mother, father, sibling, relative)."""
        proband = self.proband()
        roles = {}
        for ind in self.individuals:
            if proband is None:
                roles[ind.sample] = "affected" if ind.affected else "relative"
            elif ind.sample == proband.sample:
                roles[ind.sample] = "proband"
            elif ind.sample == proband.mother:
                roles[ind.sample] = "mother"
            elif ind.sample == proband.father:
                roles[ind.sample] = "father"
            elif ind.father and ind.father == proband.father or ind.mother and ind.mother == proband.mother:
                roles[ind.sample] = "sibling"
            else:
                roles[ind.sample] = "relative"
        return roles

    def restrict(self, sequenced: set[str]) -> Pedigree:
        """The same family with parents that are not sequenced set to missing."""
        kept = []
        for ind in self.individuals:
            if ind.sample not in sequenced:
                continue
            kept.append(
                Individual(
                    ind.family,
                    ind.sample,
                    ind.father if ind.father in sequenced else None,
                    ind.mother if ind.mother in sequenced else None,
                    ind.sex,
                    ind.phenotype,
                )
            )
        return Pedigree(self.family, kept, self.path)


def _fields(line: str) -> list[str]:
    # PED files are tab- or space-separated; tabs win so that sample ids may contain spaces.
    return line.rstrip("\r\n").split("\t") if "\t" in line else line.split()


def read_ped(path: str | Path) -> dict[str, Pedigree]:
    """Read every family in a PED file, validated. Raises InputError naming the line at fault."""
    path = Path(path)
    individuals: dict[str, Individual] = {}
    line_of: dict[str, int] = {}
    for lineno, line in enumerate(read_text(path, "PED file").split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = _fields(line)
        where = f"line {lineno}"
        if len(cols) < 6:
            raise InputError(
                path,
                f"expected 6 columns (family, sample, father, mother, sex, phenotype), found {len(cols)}",
                "Use a standard tab-separated PED file",
                where,
            )
        family, sample, father, mother, sex, pheno = (c.strip() for c in cols[:6])
        _check_codes(path, where, sample, sex, pheno)
        if sample in individuals:
            other = individuals[sample]
            what = "in two families" if other.family != family else "twice"
            raise InputError(
                path,
                f"sample '{sample}' is listed {what} (first on line {line_of[sample]})",
                "List each sample once",
                where,
            )
        father = None if father in MISSING_PARENT else father
        mother = None if mother in MISSING_PARENT else mother
        if sample in (father, mother):
            raise InputError(path, f"sample '{sample}' is its own parent", "Fix the parent columns", where)
        individuals[sample] = Individual(
            family,
            sample,
            father,
            mother,
            SEX_CODES[sex.lower()],
            PHENOTYPE_CODES[pheno.lower()],
        )
        line_of[sample] = lineno
    if not individuals:
        raise InputError(path, "PED file lists no samples", "Add one line per sequenced individual")
    _check_parents(path, individuals, line_of)
    families: dict[str, list[Individual]] = {}
    for ind in individuals.values():
        families.setdefault(ind.family, []).append(ind)
    return {fam: Pedigree(fam, members, str(path)) for fam, members in families.items()}


def _check_codes(path: Path, where: str, sample: str, sex: str, phenotype: str) -> None:
    if sex.lower() not in SEX_CODES:
        raise InputError(path, f"sample '{sample}' has sex '{sex}', which is not a PED sex code",
                         "Use 1 (or M, male) for male, 2 (or F, female) for female, 0 for unknown", where)  # fmt: skip
    if phenotype.lower() not in PHENOTYPE_CODES:
        raise InputError(path, f"sample '{sample}' has phenotype '{phenotype}', which is not a PED affection code",
                         "Use 2 for affected, 1 for unaffected, 0 or -9 for unknown", where)  # fmt: skip


def _check_parents(path: Path, individuals: dict[str, Individual], line_of: dict[str, int]) -> None:
    for ind in individuals.values():
        where = f"line {line_of[ind.sample]}"
        for parent_id, expected_sex, role in (
            (ind.father, "female", "father"),
            (ind.mother, "male", "mother"),
        ):
            parent = individuals.get(parent_id) if parent_id else None
            if parent is None:
                continue
            if parent.sex == expected_sex:
                raise InputError(
                    path,
                    f"'{parent_id}' is the {role} of '{ind.sample}' but is coded {parent.sex}",
                    "Fix the sex column or the parent columns",
                    where,
                )
            if parent.family != ind.family:
                raise InputError(
                    path,
                    f"'{parent_id}', parent of '{ind.sample}', is in another family ('{parent.family}')",
                    "Put parents and children in the same family",
                    where,
                )
    # A cycle (someone their own ancestor) makes every inheritance model meaningless.
    for ind in individuals.values():
        visited: set[str] = set()
        frontier = [p for p in (ind.father, ind.mother) if p]
        while frontier:
            current = frontier.pop()
            if current == ind.sample:
                raise InputError(
                    path,
                    f"pedigree has a cycle: '{ind.sample}' is among its own ancestors",
                    "Fix the parent columns",
                    f"line {line_of[ind.sample]}",
                )
            if current in visited:  # consanguinity reaches an ancestor twice; that is fine
                continue
            visited.add(current)
            parent = individuals.get(current)
            if parent:
                frontier.extend(p for p in (parent.father, parent.mother) if p)


def family_for(path: str | Path, family_id: str) -> Pedigree:
    """The family `family_id` from a PED file; a PED holding a single family is taken whatever its id."""
    families = read_ped(path)
    if family_id in families:
        return families[family_id]
    if len(families) == 1:
        return next(iter(families.values()))
    raise InputError(
        path,
        f"family '{family_id}' is not in this PED (it has {', '.join(sorted(families))})",
        "Use the PED family id as family_id in the families sheet",
    )
