"""Sample QC for one family from its genotypes: sex, relatedness and Mendelian consistency (-> qc.json).

`family_qc(vcf, pedigree, build)` reads the normalised, biallelic family VCF/BCF once (bcftools query) into
record x sample arrays and answers three questions a clinician must trust before reading candidates:

* Is each sample the sex the PED says? chrX non-PAR heterozygosity among good-quality SNV calls
  (het / (het + hom-alt): ~0 for one X, ~0.5-0.9 for two), chrY alt calls as a fallback; chrY outside the PARs
  must agree with chrX (`sex_conflict`: a female chrX with chrY calls, a male chrX without them).
* Are the samples related as the PED says? KING-robust kinship (Manichaikul et al. 2010,
  Bioinformatics 26:2867, eq. 11, the between-family form, as in plink2 --make-king-table) and IBS0,
  over autosomal SNVs called in both; relationships inferred with KING's cut-offs (2^-1.5, 2^-2.5,
  2^-3.5, 2^-4.5) and parent-child told from full siblings by IBS0 (GWASTools' ibdAssignRelatednessKing).
* Does every child's genotype follow from its parents'? Mendelian errors per trio, with the rules of
  bcftools +mendelian2 (see `trio_errors`), and an error-rate limit.

The result (qc.json) holds `samples` (per sample: call_rate, het_hom_ratio, mean_dp, mean_gq, n_variants,
x_heterozygosity, x_sites, y_calls, y_alt_calls, y_het_calls, x_sex, inferred_sex, ped_sex, het_hom_sites,
sex_conflict, sex_ok), `relatedness` (per pair), `mendelian` (per trio), `failures` (worst first), `warnings`,
`passed` (no failure), `verdict` (passed / failed / not fully checked), `not_checked` (the checks without enough data,
also among the warnings), and the `records` read and `settings` used; `failures_messages`, `warnings_messages` and
`not_checked_messages` hold the same findings as messages (rarevar.base.messages), for the report's other languages.
Mendelian error examples read
"chrom:pos ref>alt mother x father -> child", e.g. "1:101 A>G 0/0 x 0/0 -> 0/1". A check without enough data is None
(not judged), never a failure, and never a pass: the verdict is then "not fully checked".
Everything is vectorised over records; the only Python loops are over samples, pairs and trios.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pysam

from rarevar.base import genome
from rarevar.base.bcftools import query_table
from rarevar.base.funnel import write_json_atomic
from rarevar.base.messages import N_, message, with_messages, word
from rarevar.family.genotype_table import decoded, genotype_codes
from rarevar.family.inheritance import HET, HOM_ALT, HOM_REF, MISSING
from rarevar.inputs.pedigree import Pedigree, family_for

DEFAULT_SETTINGS = {
    # A "good" call: called, and GQ / DP at least these where the VCF has them (as the candidate gates).
    "min_gq": 20,
    "min_dp": 10,
    # Sex from chrX non-PAR SNVs: het / (het + hom-alt) among good calls.
    "x_male_max_het": 0.1,
    "x_female_min_het": 0.3,
    "min_x_sites": 20,  # fewer good non-ref chrX calls: sex "unknown" (not checked), not a failure
    # chrY is "called" for a sample from this many good non-ref calls outside the PARs; with too few chrX calls,
    # that says "male".
    "min_y_alt_calls": 10,
    # chrY against chrX (see `sex_conflict`). Females collect a few chrY calls from reads mismapped from chrX (many
    # in a genome, as many as a male has in an exome), so a female-looking chrX is contradicted only by chrY non-ref
    # calls at least min_y_alt_calls and at least this share of the median of the family's male-looking samples.
    "female_y_min_share": 0.2,
    # A male-looking chrX is contradicted when his good chrY calls (any genotype: a man with the reference Y
    # haplogroup still has calls there) are below this share of the median of the other male-looking samples whose
    # chrY was called.
    "male_y_max_share": 0.1,
    # Relatedness: fewer autosomal SNVs called in both samples -> not judged (None). 1,000 independent
    # sites put the kinship standard error near 0.01-0.02, enough to tell 1st / 2nd / 3rd degree apart.
    "min_relatedness_sites": 1000,
    # First-degree pairs with IBS0 (fraction of shared sites at opposite homozygotes) at most this are
    # parent-child; above it, full siblings (GWASTools' KING IBS0 error cut-off, 0.003 on array SNPs,
    # loosened for sequencing genotype error).
    "parent_child_max_ibs0": 0.005,
    # Mendelian errors: a trio fails above this rate, judged only with enough informative sites.
    "max_mendelian_error_rate": 0.02,
    "min_mendelian_sites": 100,
    # Warnings: low autosomal call rate; het/hom ratio outside this range (consanguinity / contamination).
    "min_call_rate": 0.9,
    # Real genomes sit near 1.5-2.5; rare-heavy simulated data (the demo) near 3-4.5.
    "het_hom_ratio_range": (1.0, 5.0),
    "min_het_hom_sites": 100,
}

# chrY pseudo-autosomal regions (1-based, inclusive; GRC assembly reports). genome.py holds chrX only.
PAR_Y = {
    "GRCh37": [(10_001, 2_649_520), (59_034_050, 59_363_566)],
    "GRCh38": [(10_001, 2_781_479), (56_887_903, 57_217_415)],
    "demo": [],
}

# KING kinship cut-offs between relationship degrees (Manichaikul et al. 2010, Table 1).
DUPLICATE_MIN = 2**-1.5  # 0.354
FIRST_DEGREE_MIN = 2**-2.5  # 0.177
SECOND_DEGREE_MIN = 2**-3.5  # 0.088
THIRD_DEGREE_MIN = 2**-4.5  # 0.044

MAX_EXAMPLES = 20
# --- reading ---------------------------------------------------------------------------------------


@dataclass
class Genotypes:
    """The family VCF as arrays: one row per biallelic record, one column per sample."""

    samples: list[str]
    chrom: np.ndarray
    pos: np.ndarray
    ref: pa.ChunkedArray  # kept as Arrow strings: a whole genome's alleles as numpy text would take gigabytes
    alt: pa.ChunkedArray
    snv: np.ndarray  # bool: one base to one base
    gt: np.ndarray  # int8 codes HOM_REF/HET/HOM_ALT/MISSING
    haploid: np.ndarray  # bool: the call was written with one allele ("0", "1")
    gq: np.ndarray  # float, NaN where absent
    dp: np.ndarray  # float, NaN where absent
    skipped_not_biallelic: int


def _depth_from_ad(ad: str) -> float:
    """Read depth as the sum of allele depths, for a VCF without DP (missing values count 0; 0 is no depth)."""
    total = sum(int(v) for v in ad.split(",") if v not in (".", ""))
    return float(total) if total > 0 else np.nan


def _is_haploid(gt: str) -> bool:
    return "/" not in gt and "|" not in gt


def read_genotypes(vcf: str | list[str]) -> Genotypes:
    """Every record's genotypes, GQ and depth through `bcftools query` and Arrow (rarevar.family.genotype_table): a
    whole genome's 5 million records in seconds and a few hundred MB, without a Python object per record.
    `vcf` may be a list: the shards of one genome (one header), read in order."""
    parts = [vcf] if isinstance(vcf, str) else list(vcf)
    with pysam.VariantFile(parts[0]) as handle:
        samples, formats = list(handle.header.samples), set(handle.header.formats)
    depth = "DP" if "DP" in formats else "AD" if "AD" in formats else None
    fields = ["GT", *(["GQ"] if "GQ" in formats else []), *([depth] if depth else [])]
    query = "%CHROM\t%POS\t%REF\t%ALT" + "".join(f"[\t%{f}]" for f in fields) + "\n"
    columns = ["chrom", "pos", "ref", "alt", *(f"{f}:{s}" for f in fields for s in samples)]
    numeric = {"GQ", "DP"}
    types = {c: pa.float64() if c.split(":")[0] in numeric else pa.string() for c in columns}
    table = pa.concat_tables([query_table(part, query, columns, {**types, "pos": pa.int64()}) for part in parts])
    multiallelic = pc.match_substring(table["alt"], ",")
    skipped = int(pc.sum(multiallelic).as_py() or 0)
    if skipped:
        table = table.filter(pc.invert(multiallelic))
    n = table.num_rows
    chrom = decoded(table["chrom"], str, str)

    def per_sample(field: str, convert) -> np.ndarray:
        if field not in fields:
            return np.full((n, len(samples)), np.nan)
        return np.column_stack([convert(table[f"{field}:{s}"]) for s in samples]).reshape(n, len(samples))

    # Ploidy only matters on the sex chromosomes; everywhere else a call is read as diploid.
    on_sex_chrom = genome.is_x(chrom) | genome.is_y(chrom)
    one_base = [pc.equal(pc.utf8_length(table[c]), 1) for c in ("ref", "alt")]
    snv = pc.and_(pc.and_(*one_base), pc.is_in(table["alt"], value_set=pa.array(list("ACGT"))))
    return Genotypes(
        samples=samples,
        chrom=chrom,
        pos=table["pos"].to_numpy(),
        ref=table["ref"],
        alt=table["alt"],
        snv=snv.to_numpy(zero_copy_only=False).astype(bool),
        gt=per_sample("GT", genotype_codes).astype(np.int8),
        haploid=per_sample("GT", lambda c: decoded(c, _is_haploid, bool)).astype(bool) & on_sex_chrom[:, None],
        gq=per_sample("GQ", lambda c: c.to_numpy(zero_copy_only=False).astype(float)),
        dp=per_sample(depth, (lambda c: decoded(c, _depth_from_ad, float)) if depth == "AD"
                      else (lambda c: c.to_numpy(zero_copy_only=False).astype(float))),  # fmt: skip
        skipped_not_biallelic=skipped,
    )


@dataclass
class Regions:
    autosomal: np.ndarray  # autosomes + chrX PAR: diploid in everyone
    x_nonpar: np.ndarray
    y_nonpar: np.ndarray


def regions(g: Genotypes, build: str) -> Regions:
    if not len(g.pos):  # an empty VCF is valid: every check then has too few sites
        none = np.zeros(0, dtype=bool)
        return Regions(none, none, none)
    on_y = genome.is_y(g.chrom)
    y_par = np.zeros(len(g.pos), dtype=bool)
    for start, end in PAR_Y.get(build, []):
        y_par |= on_y & (g.pos >= start) & (g.pos <= end)
    # Numbered autosomes only: unplaced, alt and decoy contigs would blur call rates and kinship.
    names = np.char.upper(g.chrom.astype(str))
    names = np.where(np.char.startswith(names, "CHR"), np.char.replace(names, "CHR", "", count=1), names)
    numbered = np.isin(names, [str(n) for n in range(1, 23)])
    return Regions(
        autosomal=genome.is_autosomal(g.chrom, g.pos, build) & (numbered | genome.is_x(g.chrom)),
        x_nonpar=genome.is_x_nonpar(g.chrom, g.pos, build),
        y_nonpar=on_y & ~y_par,
    )


def good_calls(g: Genotypes, settings: dict) -> np.ndarray:
    """Called, with GQ and DP at the thresholds where the VCF carries them (an absent value does not fail)."""
    with np.errstate(invalid="ignore"):
        gq_ok = np.isnan(g.gq) | (g.gq >= settings["min_gq"])
        dp_ok = np.isnan(g.dp) | (g.dp >= settings["min_dp"])
    return (g.gt != MISSING) & gq_ok & dp_ok


# --- per-sample metrics and sex ------------------------------------------------------------------


def _ratio(numerator: float, denominator: float) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


def _round(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _mean(values: np.ndarray) -> float | None:
    values = values[~np.isnan(values)]
    return round(float(values.mean()), 2) if values.size else None


def sex_from_x(x_het_ratio: float | None, x_sites: int, settings: dict) -> str:
    """male | female | unknown from chrX non-PAR heterozygosity alone (unknown: too few calls, or ambiguous)."""
    if x_sites < settings["min_x_sites"] or x_het_ratio is None:
        return "unknown"
    if x_het_ratio <= settings["x_male_max_het"]:
        return "male"
    return "female" if x_het_ratio >= settings["x_female_min_het"] else "unknown"


def infer_sex(x_het_ratio: float | None, x_sites: int, y_alt_calls: int, settings: dict) -> str:
    """male | female | unknown from chrX heterozygosity; chrY alt calls only when chrX has too few calls."""
    if x_sites >= settings["min_x_sites"] and x_het_ratio is not None:
        return sex_from_x(x_het_ratio, x_sites, settings)
    return "male" if y_alt_calls >= settings["min_y_alt_calls"] else "unknown"


# Contradictions between chrX and chrY (per sample `sex_conflict`).
FEMALE_X_WITH_Y = "female chrX with chrY calls"
MALE_X_WITHOUT_Y = "male chrX without chrY calls"


def y_called_males(metrics: dict, settings: dict, besides: str) -> list[dict]:
    """The other samples whose chrX looks male and whose chrY was called: what a sample's chrY is measured against."""
    return [
        m
        for sample, m in metrics.items()
        if sample != besides and m["x_sex"] == "male" and m["y_alt_calls"] >= settings["min_y_alt_calls"]
    ]


def sex_conflict(sample: str, metrics: dict, settings: dict) -> str | None:
    """FEMALE_X_WITH_Y, MALE_X_WITHOUT_Y or None: does the sample's chrY contradict its chrX?

    * female-looking chrX, and chrY non-ref calls at least `min_y_alt_calls` and at least `female_y_min_share` of
      the median of the family's male-looking samples with chrY called (the absolute count alone without them);
    * male-looking chrX, and good chrY calls (any genotype) below `male_y_max_share` of that median over the other
      males: judged only when chrY was called for another male, since a VCF may hold no chrY at all.
    """
    m = metrics[sample]
    males = y_called_males(metrics, settings, besides=sample)
    if m["x_sex"] == "female" and m["y_alt_calls"] >= settings["min_y_alt_calls"]:
        typical = np.median([other["y_alt_calls"] for other in males]) if males else 0
        return FEMALE_X_WITH_Y if m["y_alt_calls"] >= settings["female_y_min_share"] * typical else None
    if m["x_sex"] == "male" and males:
        typical = np.median([other["y_calls"] for other in males])
        return MALE_X_WITHOUT_Y if m["y_calls"] < settings["male_y_max_share"] * typical else None
    return None


def sample_metrics(g: Genotypes, where: Regions, good: np.ndarray, pedigree: Pedigree, settings: dict) -> dict:
    called = g.gt != MISSING
    auto = where.autosomal
    x_snv = (where.x_nonpar & g.snv)[:, None] & good
    x_het = ((g.gt == HET) & x_snv).sum(axis=0)
    x_hom = ((g.gt == HOM_ALT) & x_snv).sum(axis=0)
    y_good = where.y_nonpar[:, None] & good
    y_called = y_good.sum(axis=0)
    y_alt = (y_good & (g.gt >= HET)).sum(axis=0)
    y_het = (y_good & (g.gt == HET)).sum(axis=0)
    het = ((g.gt == HET) & auto[:, None]).sum(axis=0)
    hom = ((g.gt == HOM_ALT) & auto[:, None]).sum(axis=0)
    metrics = {}
    for i, sample in enumerate(g.samples):
        x_ratio = _ratio(x_het[i], x_het[i] + x_hom[i])
        x_sites = int(x_het[i] + x_hom[i])
        metrics[sample] = {
            "call_rate": _round(_ratio(called[auto, i].sum(), auto.sum())),
            "het_hom_ratio": _round(_ratio(het[i], hom[i])),
            "mean_dp": _mean(g.dp[called[:, i], i]),
            "mean_gq": _mean(g.gq[called[:, i], i]),
            "n_variants": int((g.gt[:, i] >= HET).sum()),
            "x_heterozygosity": _round(x_ratio),
            "x_sites": x_sites,
            "y_calls": int(y_called[i]),
            "y_alt_calls": int(y_alt[i]),
            "y_het_calls": int(y_het[i]),
            "x_sex": sex_from_x(x_ratio, x_sites, settings),
            "inferred_sex": infer_sex(x_ratio, x_sites, int(y_alt[i]), settings),
            "ped_sex": pedigree[sample].sex if sample in pedigree else "unknown",
            "het_hom_sites": int(het[i] + hom[i]),
        }
    conflicts = {sample: sex_conflict(sample, metrics, settings) for sample in metrics}
    for sample, m in metrics.items():
        # chrX and chrY disagreeing tell no sex: the check is made, and fails.
        m["sex_conflict"] = conflicts[sample]
        if conflicts[sample]:
            m["inferred_sex"] = "unknown"
        judged = m["inferred_sex"] != "unknown" and m["ped_sex"] != "unknown"
        m["sex_ok"] = False if conflicts[sample] else (m["inferred_sex"] == m["ped_sex"]) if judged else None
    return metrics


# --- relatedness ---------------------------------------------------------------------------------


def king_robust(gt: np.ndarray, usable: np.ndarray) -> dict[str, np.ndarray]:
    """Pairwise KING-robust kinship and IBS0 for all samples at once (matrix products over sites).

    Counts run over sites called in both samples of a pair. With N_Aa(i) the het count of the sample
    with fewer hets, N_AaAa shared hets and N_AA,aa opposite homozygotes (Manichaikul 2010, eq. 11):
        phi = (N_AaAa - 2 N_AA,aa) / (2 N_Aa(i)) + 1/2 - (N_Aa(i) + N_Aa(j)) / (4 N_Aa(i))
    which is (N_AaAa - 2 N_AA,aa) / (N_Aa(i) + N_Aa(j)) when both have as many hets.
    """
    called = usable.astype(np.float64)
    het = ((gt == HET) & usable).astype(np.float64)
    hom_ref = ((gt == HOM_REF) & usable).astype(np.float64)
    hom_alt = ((gt == HOM_ALT) & usable).astype(np.float64)
    n_sites = called.T @ called
    shared_het = het.T @ het
    opposite = hom_ref.T @ hom_alt + hom_alt.T @ hom_ref
    het_i = het.T @ called  # [i, j]: hets of i over sites j is called at
    het_j = het_i.T
    fewer = np.minimum(het_i, het_j)
    with np.errstate(divide="ignore", invalid="ignore"):
        kinship = (shared_het - 2 * opposite) / (2 * fewer) + 0.5 - (het_i + het_j) / (4 * fewer)
        ibs0 = opposite / n_sites
    return {"kinship": kinship, "ibs0": ibs0, "n_sites": n_sites}


def degree(kinship: float) -> str:
    if kinship >= DUPLICATE_MIN:
        return "duplicate"
    if kinship >= FIRST_DEGREE_MIN:
        return "first-degree"
    if kinship >= SECOND_DEGREE_MIN:
        return "second-degree"
    if kinship >= THIRD_DEGREE_MIN:
        return "third-degree"
    return "unrelated"


def infer_relationship(kinship: float, ibs0: float, settings: dict) -> str:
    found = degree(kinship)
    if found == "first-degree":
        return "parent-child" if ibs0 <= settings["parent_child_max_ibs0"] else "siblings"
    return found


def _parents_with_placeholders(pedigree: Pedigree) -> dict[str, tuple[str | None, str | None]]:
    """Each listed person's (father, mother). A missing parent beside a known one becomes a placeholder
    shared by that known parent's children, so siblings whose other parent was not sequenced (PED '0')
    count as full siblings, as peddy reads them; both parents missing = founder."""
    parents = {}
    for ind in pedigree.individuals:
        father, mother = ind.father, ind.mother
        if mother and not father:
            father = f"(unknown father of {mother}'s children)"
        if father and not mother:
            mother = f"(unknown mother of {father}'s children)"
        parents[ind.sample] = (father, mother)
    return parents


def _ancestors_first(parents: dict[str, tuple[str | None, str | None]]) -> list[str]:
    order: list[str] = []

    def place(person: str, path: frozenset) -> None:
        if person in order or person in path:  # `path` guards against a cycle
            return
        for parent in parents.get(person, (None, None)):
            if parent:
                place(parent, path | {person})
        order.append(person)

    for person in parents:
        place(person, frozenset())
    return order


class PedigreeKinship:
    """The kinship coefficients and relationship names a PED implies, for every pair of its members.

    Kinship by the recursive definition: phi(i,i) = (1 + phi(father_i, mother_i)) / 2 and
    phi(i,j) = (phi(father_i, j) + phi(mother_i, j)) / 2 for j not a descendant of i; founders and parents
    named but not listed are unrelated to one another.
    """

    def __init__(self, pedigree: Pedigree):
        self.parents = _parents_with_placeholders(pedigree)
        self.phi: dict[tuple[str, str], float] = {}
        order = _ancestors_first(self.parents)
        for i, person in enumerate(order):
            father, mother = self.parents.get(person, (None, None))
            self.phi[person, person] = 0.5 * (1 + self.kinship(father, mother))
            for other in order[:i]:
                value = 0.5 * (self.kinship(father, other) + self.kinship(mother, other))
                self.phi[person, other] = self.phi[other, person] = value

    def kinship(self, a: str | None, b: str | None) -> float:
        return self.phi.get((a, b), 0.0) if a and b else 0.0

    def _parents_of(self, person: str) -> set[str]:
        return {p for p in self.parents.get(person, (None, None)) if p}

    def _grandparents_of(self, person: str) -> set[str]:
        return set().union(*(self._parents_of(p) for p in self._parents_of(person)))

    def relationship(self, a: str, b: str) -> str:
        """In words for the common cases; otherwise the degree the kinship implies."""
        pa, pb = self._parents_of(a), self._parents_of(b)
        if a in pb or b in pa:
            return "parent-child"
        shared = len(pa & pb)
        if shared:
            return "siblings" if shared == 2 else "half-siblings"
        if a in self._grandparents_of(b) or b in self._grandparents_of(a):
            return "grandparent-grandchild"
        if (pa and pa <= self._grandparents_of(b)) or (pb and pb <= self._grandparents_of(a)):
            return "avuncular"
        if any(self._parents_of(x) and self._parents_of(x) == self._parents_of(y) for x in pa for y in pb):
            return "first cousins"
        found = degree(self.kinship(a, b))
        return "unrelated" if found == "unrelated" else f"{found} relatives"


def _agrees(expected: str, expected_kinship: float, inferred: str) -> bool:
    if expected in ("parent-child", "siblings"):
        return inferred == expected
    want = degree(expected_kinship)
    if want == "first-degree":  # e.g. a pair related through consanguinity: either first-degree kind
        return inferred in ("parent-child", "siblings")
    return inferred == want


def relatedness(g: Genotypes, where: Regions, good: np.ndarray, pedigree: Pedigree, settings: dict) -> list[dict]:
    sites = where.autosomal & g.snv
    stats = king_robust(g.gt[sites], good[sites])
    expected_by_ped = PedigreeKinship(pedigree)
    pairs = []
    for i, j in combinations(range(len(g.samples)), 2):
        a, b = g.samples[i], g.samples[j]
        n_sites = int(stats["n_sites"][i, j])
        kinship = float(stats["kinship"][i, j])
        ibs0 = float(stats["ibs0"][i, j])
        enough = n_sites >= settings["min_relatedness_sites"] and np.isfinite(kinship)
        in_ped = a in pedigree and b in pedigree
        phi = round(expected_by_ped.kinship(a, b), 4) if in_ped else None
        expected = expected_by_ped.relationship(a, b) if in_ped else "unknown"
        inferred = infer_relationship(kinship, ibs0, settings) if enough else "insufficient data"
        pairs.append(
            {
                "sample_a": a,
                "sample_b": b,
                "kinship": round(kinship, 4) if np.isfinite(kinship) else None,
                "ibs0": round(ibs0, 5) if np.isfinite(ibs0) else None,
                "n_sites": n_sites,
                "expected": expected,
                "expected_kinship": phi,
                "inferred": inferred,
                "ok": _agrees(expected, phi, inferred) if enough and in_ped else None,
            }
        )
    return pairs


def _relatedness_message(pair: dict) -> dict:
    expected, inferred = pair["expected"], pair["inferred"]
    looks = {
        "duplicate": N_("the same person"),
        "parent-child": N_("parent and child"),
        "siblings": N_("full siblings"),
        "unrelated": N_("unrelated"),
    }.get(inferred, f"{inferred} relatives")
    if inferred == "duplicate":
        why = N_("a duplicated sample (or identical twins)")
    elif inferred == "unrelated":
        why = N_("a sample swap, or non-paternity / non-maternity")
    elif expected == "unrelated":
        why = N_("a sample swap, or relatives the PED does not record")
    else:
        why = N_("a sample swap or a wrong relationship in the PED")
    return message(
        "{a} and {b} are recorded in the PED as {expected} but their genotypes look {looks} (kinship {kinship}, "
        "expected {expected_kinship}; IBS0 {ibs0} over {n} sites): check for {why}.",
        a=pair["sample_a"],
        b=pair["sample_b"],
        expected=word(expected),
        looks=word(looks),
        kinship=f"{pair['kinship']:.3f}",
        expected_kinship=f"{pair['expected_kinship']:.3f}",
        ibs0=f"{pair['ibs0']:.4f}",
        n=f"{pair['n_sites']:,}",
        why=word(why),
    )


def _is_serious(pair: dict) -> bool:
    """First-degree or duplicate on either side -> failure; a 2nd/3rd-degree disagreement -> warning."""
    close = ("duplicate", "first-degree")
    return degree(pair["kinship"]) in close or degree(pair["expected_kinship"]) in close


# --- Mendelian errors ----------------------------------------------------------------------------


@dataclass
class Member:
    """One trio member's columns: genotype code, whether the call is usable, whether written haploid."""

    code: np.ndarray
    usable: np.ndarray
    haploid: np.ndarray

    def can_pass(self) -> tuple[np.ndarray, np.ndarray]:
        """Alleles this parent could transmit (ref, alt); anything when unknown."""
        unknown = ~self.usable
        return unknown | (self.code <= HET), unknown | (self.code >= HET)


def _consistent_diploid(child: np.ndarray, mother: Member, father: Member) -> np.ndarray:
    m_ref, m_alt = mother.can_pass()
    f_ref, f_alt = father.can_pass()
    return (
        ((child == HOM_REF) & m_ref & f_ref)
        | ((child == HOM_ALT) & m_alt & f_alt)
        | ((child == HET) & ((m_ref & f_alt) | (m_alt & f_ref)))
    )


def _consistent_hemizygous(child: np.ndarray, parent: Member) -> np.ndarray:
    p_ref, p_alt = parent.can_pass()
    return ((child == HOM_REF) & p_ref) | ((child == HOM_ALT) & p_alt)


def trio_errors(child: Member, mother: Member, father: Member, child_male: bool, where: Regions) -> dict:
    """Mendelian errors, per record, following bcftools +mendelian2:

    * autosomes and PAR: the child's two alleles must come one from each parent;
    * chrX non-PAR: a hemizygous child (call written haploid, or a male child) takes his allele from the
      mother; otherwise one allele from each parent, the father passing his single X;
    * chrY non-PAR: a hemizygous (male) child's allele must match the father's; a diploid-written
      female/unknown child is not checked there;
    * a het call where one allele is expected (male chrX/chrY, child or father) is read as a no-call;
    * a no-call counts as "any allele", so an error is still proven where one parent is missing
      (child 1/1, called parent 0/0), as bcftools does.

    `sites` are records where the relevant members are all called, or an error is proven anyway, and
    at least one relevant member carries the alternate allele.
    """
    hemizygous = (where.x_nonpar | where.y_nonpar) & (child.haploid | child_male)
    x_hemi = where.x_nonpar & hemizygous
    y_hemi = where.y_nonpar & hemizygous
    diploid = where.autosomal | (where.x_nonpar & ~hemizygous)
    # A male's X or Y is one allele: a het call there is an artefact, not evidence.
    child = Member(child.code, child.usable & ~(hemizygous & (child.code == HET)), child.haploid)
    single_copy = where.x_nonpar | where.y_nonpar
    father = Member(father.code, father.usable & ~(single_copy & (father.code == HET)), father.haploid)

    consistent = np.where(
        diploid,
        _consistent_diploid(child.code, mother, father),
        np.where(x_hemi, _consistent_hemizygous(child.code, mother), _consistent_hemizygous(child.code, father)),
    )
    checked = (diploid | x_hemi | y_hemi) & child.usable
    error = checked & ~consistent
    needs_mother = diploid | x_hemi
    needs_father = diploid | y_hemi
    complete = checked & (mother.usable | ~needs_mother) & (father.usable | ~needs_father)
    carried = (
        (child.code >= HET)
        | (needs_mother & mother.usable & (mother.code >= HET))
        | (needs_father & father.usable & (father.code >= HET))
    )
    return {"sites": (complete | error) & carried, "errors": error}


def _written(code: int, haploid: bool) -> str:
    """A genotype code back as the VCF wrote it (examples show the calls, whatever their quality)."""
    if haploid:
        return {HOM_REF: "0", HOM_ALT: "1"}.get(code, ".")
    return {HOM_REF: "0/0", HET: "0/1", HOM_ALT: "1/1"}.get(code, "./.")


def mendelian(
    g: Genotypes, where: Regions, good: np.ndarray, pedigree: Pedigree, inferred_sex: dict[str, str], settings: dict
) -> list[dict]:
    """Per trio (a child with both parents sequenced). A child of unknown PED sex is taken as male when
    the genotypes say so, or a son's diploid-written chrX would look full of errors."""
    column = {sample: i for i, sample in enumerate(g.samples)}
    results = []
    for ind in pedigree.individuals:
        if not (ind.sample in column and ind.father in column and ind.mother in column):
            continue
        child, father, mother = (
            Member(g.gt[:, column[s]], good[:, column[s]], g.haploid[:, column[s]])
            for s in (ind.sample, ind.father, ind.mother)
        )
        male = ind.sex == "male" or (ind.sex == "unknown" and inferred_sex[ind.sample] == "male")
        found = trio_errors(child, mother, father, male, where)
        n_sites, n_errors = int(found["sites"].sum()), int(found["errors"].sum())
        rate = _ratio(n_errors, n_sites)
        judged = n_sites >= settings["min_mendelian_sites"]
        examples = [
            f"{g.chrom[r]}:{g.pos[r]} {g.ref[int(r)].as_py()}>{g.alt[int(r)].as_py()} "
            + " x ".join(_written(m.code[r], m.haploid[r]) for m in (mother, father))
            + f" -> {_written(child.code[r], child.haploid[r])}"
            for r in np.flatnonzero(found["errors"])[:MAX_EXAMPLES]
        ]
        results.append(
            {
                "child": ind.sample,
                "father": ind.father,
                "mother": ind.mother,
                "sites": n_sites,
                "errors": n_errors,
                "error_rate": _round(rate, 5),
                "ok": (rate <= settings["max_mendelian_error_rate"]) if judged else None,
                "examples": examples,
            }
        )
    return results


# --- the report ----------------------------------------------------------------------------------


def _settings(settings: dict | None) -> dict:
    merged = dict(DEFAULT_SETTINGS)
    unknown = set(settings or {}) - set(DEFAULT_SETTINGS)
    if unknown:
        raise ValueError(f"unknown QC setting(s): {', '.join(sorted(unknown))}")
    merged.update(settings or {})
    return merged


# Failure kinds, worst first: the order of `failures`.
DUPLICATE, RELATIONSHIP, SEX, MENDELIAN = range(4)
# (kind, message) failures, warning messages, and the messages of the checks with too little data to judge
# (`not_checked`: also among the warnings, where qc.json listed them before verdicts).
Findings = tuple[list[tuple[int, dict]], list[dict], list[dict]]

# The overall verdict: "passed" only when every check was made and none failed.
PASSED, FAILED, NOT_FULLY_CHECKED = N_("passed"), N_("failed"), N_("not fully checked")
VERDICTS = (PASSED, FAILED, NOT_FULLY_CHECKED)

# A female-looking chrX with chrY calls: the rule applied, and what the calls suggest.
FEMALE_Y_RULE_WITH_MALES = N_(
    "a female has fewer than {min}, or fewer than {share} of the family's males' median of {median}"
)
FEMALE_Y_RULE_ALONE = N_("a female has fewer than {min}")
MOSTLY_HETEROZYGOUS_Y = N_(
    "Mostly heterozygous, which one Y chromosome cannot give: reads from chrX mismapped to chrY, or DNA of another "
    "(male) person in the sample; check for contamination."
)
Y_PRESENT = N_(
    "A Y chromosome seems present: check for a sample swap or mix-up, or an XXY karyotype (Klinefelter syndrome)."
)


def _x_evidence(m: dict) -> dict:
    return message(
        "chrX heterozygosity {het} over {n} calls", het=f"{m['x_heterozygosity'] or 0:.2f}", n=f"{m['x_sites']:,}"
    )


def _conflict_message(sample: str, metrics: dict, settings: dict) -> dict:
    m = metrics[sample]
    males = y_called_males(metrics, settings, besides=sample)
    if m["sex_conflict"] == MALE_X_WITHOUT_Y:
        return message(
            "{sample} has a male-looking {x} but only {n} good-quality chrY calls outside the pseudo-autosomal "
            "regions, where the family's other males have {median} (a male has at least {share} of that). Check for "
            "a sample swap, a 45,X karyotype (Turner syndrome) or a lost chrY.",
            sample=sample,
            x=_x_evidence(m),
            n=f"{m['y_calls']:,}",
            median=f"{np.median([other['y_calls'] for other in males]):,.0f}",
            share=f"{settings['male_y_max_share']:.0%}",
        )
    minimum = f"{settings['min_y_alt_calls']:,}"
    rule = (
        message(
            FEMALE_Y_RULE_WITH_MALES,
            min=minimum,
            share=f"{settings['female_y_min_share']:.0%}",
            median=f"{np.median([other['y_alt_calls'] for other in males]):,.0f}",
        )
        if males
        else message(FEMALE_Y_RULE_ALONE, min=minimum)
    )
    return message(
        "{sample} has a female-looking {x} but {y} outside the pseudo-autosomal regions, {het} of them heterozygous "
        "({rule}). {why}",
        sample=sample,
        x=_x_evidence(m),
        y=message("{n} chrY alt calls", n=f"{m['y_alt_calls']:,}"),
        het=f"{m['y_het_calls']:,}",
        rule=rule,
        why=word(MOSTLY_HETEROZYGOUS_Y if 2 * m["y_het_calls"] > m["y_alt_calls"] else Y_PRESENT),
    )


def _sex_findings(metrics: dict, settings: dict) -> Findings:
    failures, warnings, not_checked, unchecked, no_ped_sex = [], [], [], [], []
    for sample, m in metrics.items():
        x = _x_evidence(m)
        y = message("{n} chrY alt calls", n=f"{m['y_alt_calls']:,}")
        if m.get("sex_conflict"):
            failures.append((SEX, _conflict_message(sample, metrics, settings)))
        elif m["sex_ok"] is False:
            failures.append(
                (
                    SEX,
                    message(
                        "{sample} is recorded as {ped_sex} in the PED but looks {inferred_sex} ({evidence}): check "
                        "for a sample swap or a wrong sex in the PED.",
                        sample=sample,
                        ped_sex=word(m["ped_sex"]),
                        inferred_sex=word(m["inferred_sex"]),
                        evidence=x if m["x_sites"] >= settings["min_x_sites"] else y,
                    ),
                )
            )
        elif m["inferred_sex"] == "unknown" and m["x_sites"] >= settings["min_x_sites"]:
            not_checked.append(
                message(
                    "{sample} has an ambiguous {x} (male up to {male}, female from {female}): possible contamination "
                    "or a sex-chromosome aneuploidy.",
                    sample=sample,
                    x=x,
                    male=f"{settings['x_male_max_het']}",
                    female=f"{settings['x_female_min_het']}",
                )
            )
        elif m["inferred_sex"] == "unknown":
            unchecked.append(sample)
        elif m["ped_sex"] == "unknown":
            no_ped_sex.append(sample)
    if unchecked:
        not_checked.append(
            message(
                "Sex could not be checked for {samples}: fewer than {n} good-quality non-reference chrX calls.",
                samples=", ".join(unchecked),
                n=f"{settings['min_x_sites']}",
            )
        )
    if no_ped_sex:
        not_checked.append(
            message("Sex could not be checked for {samples}: the PED records no sex.", samples=", ".join(no_ped_sex))
        )
    return failures, warnings + not_checked, not_checked


# The het/hom-alt ratio warning, by the side of the expected range the ratio falls on.
LOW_HET_HOM = N_(
    "{sample} has an unusual het/hom-alt ratio of {ratio} (expected {range}): possible long runs of homozygosity "
    "(consanguinity) or a poor-quality sample."
)
HIGH_HET_HOM = N_(
    "{sample} has an unusual het/hom-alt ratio of {ratio} (expected {range}): possible contamination or a "
    "poor-quality sample."
)


def _sample_warnings(metrics: dict, settings: dict) -> list[dict]:
    warnings = []
    low, high = settings["het_hom_ratio_range"]
    for sample, m in metrics.items():
        if m["call_rate"] is not None and m["call_rate"] < settings["min_call_rate"]:
            warnings.append(
                message(
                    "{sample} has a low call rate: {rate} of autosomal records are called (warning below {limit}).",
                    sample=sample,
                    rate=f"{m['call_rate']:.1%}",
                    limit=f"{settings['min_call_rate']:.0%}",
                )
            )
        ratio = m["het_hom_ratio"]
        if ratio is not None and m["het_hom_sites"] >= settings["min_het_hom_sites"] and not low <= ratio <= high:
            template = LOW_HET_HOM if ratio < low else HIGH_HET_HOM
            warnings.append(message(template, sample=sample, ratio=f"{ratio:.2f}", range=f"{low}-{high}"))
    return warnings


def _relatedness_findings(pairs: list[dict], settings: dict) -> Findings:
    failures, warnings = [], []
    # Within a kind, the pair furthest from its expected kinship first.
    for pair in sorted(pairs, key=lambda p: -abs((p["kinship"] or 0) - (p["expected_kinship"] or 0))):
        if pair["ok"] is not False:
            continue
        if _is_serious(pair):
            kind = DUPLICATE if pair["inferred"] == "duplicate" else RELATIONSHIP
            failures.append((kind, _relatedness_message(pair)))
        else:
            warnings.append(_relatedness_message(pair))
    unchecked = [f"{p['sample_a']}-{p['sample_b']}" for p in pairs if p["inferred"] == "insufficient data"]
    not_checked = []
    if unchecked:
        not_checked.append(
            message(
                "Relatedness could not be checked for {pairs}: fewer than {n} autosomal SNVs called in both samples.",
                pairs=", ".join(unchecked),
                n=f"{settings['min_relatedness_sites']:,}",
            )
        )
    return failures, warnings + not_checked, not_checked


def _mendelian_findings(trios: list[dict], settings: dict) -> Findings:
    failures, warnings = [], []
    for t in trios:
        trio = {"child": t["child"], "father": t["father"], "mother": t["mother"], "sites": f"{t['sites']:,}"}
        if t["ok"] is False:
            failures.append(
                (
                    MENDELIAN,
                    message(
                        "{child} (father {father}, mother {mother}) has {errors} Mendelian errors in {sites} sites "
                        "({rate}, limit {limit}): a parent may be wrong (sample swap, non-paternity) or the genotypes "
                        "poor.",
                        **trio,
                        errors=f"{t['errors']:,}",
                        rate=f"{t['error_rate']:.1%}",
                        limit=f"{settings['max_mendelian_error_rate']:.0%}",
                    ),
                )
            )
        elif t["ok"] is None:
            warnings.append(
                message(
                    "Mendelian errors were not judged for {child} (father {father}, mother {mother}): {sites} "
                    "informative sites (at least {n} needed).",
                    **trio,
                    n=f"{settings['min_mendelian_sites']:,}",
                )
            )
    return failures, warnings, list(warnings)  # every Mendelian warning is a trio not judged


def verdict(qc: dict) -> str:
    """qc.json's overall verdict: PASSED, FAILED or NOT_FULLY_CHECKED; for a qc.json written before verdicts,
    from `passed` alone."""
    found = qc.get("verdict")
    if found in VERDICTS:
        return found
    return PASSED if qc.get("passed", True) else FAILED


def family_qc(vcf: str | list[str], pedigree: Pedigree, build: str, settings: dict | None = None) -> dict:
    """Sample QC of one family's normalised VCF/BCF against its PED: the content of qc.json.

    `settings` overrides DEFAULT_SETTINGS (unknown keys raise ValueError). `passed` is False when any
    check fails: a sex that contradicts the PED or chrX contradicting chrY, a relationship that contradicts the
    PED at first degree or closer (second/third-degree disagreements are warnings), or a trio over the Mendelian
    error limit. A check without enough data gives `ok`/`sex_ok` None and never fails, but it is listed in
    `not_checked` and the `verdict` is then "not fully checked", never "passed" ("failed" whenever `passed` is False).
    """
    settings = _settings(settings)
    g = read_genotypes(vcf)
    where = regions(g, build)
    good = good_calls(g, settings)
    metrics = sample_metrics(g, where, good, pedigree, settings)
    pairs = relatedness(g, where, good, pedigree, settings)
    inferred_sex = {sample: m["inferred_sex"] for sample, m in metrics.items()}
    trios = mendelian(g, where, good, pedigree, inferred_sex, settings)

    failures: list[tuple[int, dict]] = []
    warnings: list[dict] = []
    not_checked: list[dict] = []
    for found_failures, found_warnings, found_not_checked in (
        _relatedness_findings(pairs, settings),
        _sex_findings(metrics, settings),
        ([], _sample_warnings(metrics, settings), []),
        _mendelian_findings(trios, settings),
    ):
        failures += found_failures
        warnings += found_warnings
        not_checked += found_not_checked
    failures.sort(key=lambda item: item[0])  # stable: worst kind first, each kind in its own order
    return {
        "samples": metrics,
        "relatedness": pairs,
        "mendelian": trios,
        **with_messages("failures", [found for _, found in failures]),
        **with_messages("warnings", warnings),
        "passed": not failures,
        "verdict": FAILED if failures else NOT_FULLY_CHECKED if not_checked else PASSED,
        **with_messages("not_checked", not_checked),
        "records": {"used": int(len(g.pos)), "skipped_not_biallelic": g.skipped_not_biallelic},
        "settings": {k: list(v) if isinstance(v, tuple) else v for k, v in settings.items()},
    }


def qc_stage(
    vcf: str | list[str], ped: str, family: str, build: str, out: str, settings: dict | None = None
) -> None:
    """The workflow's qc step: qc.json for the family's sequenced members; `settings` from the config's `qc`."""
    with pysam.VariantFile(vcf if isinstance(vcf, str) else vcf[0]) as handle:
        sequenced = set(handle.header.samples)
    write_json_atomic(out, family_qc(vcf, family_for(ped, family).restrict(sequenced), build, settings))
