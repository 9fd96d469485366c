"""A batch of simulated families on the demo's miniature genome: trios, duos and singletons, one planted cause each.

`simulate_batch(out_dir, n_families, resources, seed)` (the CLI's `rarevar simulate --families N --out DIR`) writes
for every family its own VCF (bgzipped, tabix-indexed), PED and HPO terms, plus `families.tsv` (the batch sheet),
`config.yaml` (the shipped settings pointed at the sheet and at the demo resources the families share) and
`truth.json` (each family's planted variants, mode and terms).

Background calls are drawn per family from the demo's own population file at Hardy-Weinberg, so the frequency
prefilter sees real annotations, plus a few private variants (absent from the population file) carried by one
parent, never in the causal gene. The cause is one of four disease genes of the miniature genome, with 4 of its
disease's characteristic HPO terms: a dominant TNNT2 missense (de novo in a trio), a homozygous XPC stop-gain,
compound heterozygous PEX26 changes (stop-gain from the mother, missense from the father) and a maternally
inherited hemizygous TLR8 missense in a boy. Each family's draws are seeded by the seed and its own id, so family
FAM007 is the same in a batch of 10 and of 50. The VCFs and PEDs hold no dates and no paths (the sheet and
the config name the files by absolute path, as a families sheet run from anywhere needs).
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass
from pathlib import Path

import pysam
import yaml

from rarevar.simulate.demo import (
    Call,
    Genome,
    Site,
    balanced_call,
    disruptive_snvs,
    draw_allele,
    make_call,
    parse_gff,
    pick_change,
    random_snv,
    transcript_cds,
    write_trio,
)

LAYOUTS = ("trio", "duo", "singleton")
SOURCE = "##source=rarevar simulate --families (simulated family; not real sequencing data)"
NEAR_PLANTED = 20  # bases around a planted variant kept free of background calls
PRIVATE_VARIANTS = (3, 8)  # per family, absent from the population file


@dataclass(frozen=True)
class Cause:
    """A disease gene of the miniature genome, how the planted variants reach the proband, and the terms."""

    gene: str
    transcript: str
    mode: str  # dominant, recessive_homozygous, compound_heterozygous, x_linked_recessive
    consequences: tuple[str, ...]  # one per planted allele
    terms: tuple[str, ...]  # characteristic HPO terms of the gene's disease (the proband shows 4 of them)


CAUSES = (
    Cause("TNNT2", "ENST00000360372", "dominant", ("missense",),  # familial hypertrophic cardiomyopathy 2
          ("HP:0001639", "HP:0005144", "HP:0005110", "HP:0002094", "HP:0001681", "HP:0001645")),
    Cause("XPC", "ENST00000285021", "recessive_homozygous", ("stop_gained",),  # xeroderma pigmentosum C
          ("HP:0000992", "HP:0001480", "HP:0025127", "HP:0006739", "HP:0002671", "HP:0000613")),
    Cause("PEX26", "ENST00000428061", "compound_heterozygous", ("stop_gained", "missense"),  # Zellweger 7A
          ("HP:0006829", "HP:0000260", "HP:0002240", "HP:0001250", "HP:0034298", "HP:0012368")),
    Cause("TLR8", "ENST00000218032", "x_linked_recessive", ("missense",),  # immunodeficiency 98, X-linked
          ("HP:0001875", "HP:0001873", "HP:0001744", "HP:0004315", "HP:0001890", "HP:0002719")),
)  # fmt: skip


@dataclass(frozen=True)
class FamilyPlan:
    family: str
    layout: str
    cause: Cause
    proband_sex: str  # male / female
    duo_parent: str  # the sequenced parent of a duo (mother / father)

    @property
    def roles(self) -> tuple[str, ...]:
        """Family members in the VCF: the proband first."""
        if self.layout == "trio":
            return ("proband", "mother", "father")
        return ("proband", self.duo_parent) if self.layout == "duo" else ("proband",)

    def sample(self, role: str) -> str:
        return f"{self.family}_{role}"


def family_plans(n_families: int, seed: int) -> list[FamilyPlan]:
    """Layouts cycle trio, duo, singleton; causes cycle every three families, so each layout meets each cause."""
    plans = []
    for index in range(n_families):
        family = f"FAM{index + 1:03d}"
        rng = random.Random(f"{seed}:{family}:plan")
        cause = CAUSES[index // len(LAYOUTS) % len(CAUSES)]
        sex = "male" if cause.mode == "x_linked_recessive" else rng.choice(["male", "female"])
        plans.append(FamilyPlan(family, LAYOUTS[index % len(LAYOUTS)], cause, sex, rng.choice(["mother", "father"])))
    return plans


# ---------------------------------------------------------------------------------------------------------
# The shared miniature genome and its population


@dataclass
class PopulationSite:
    contig: str
    pos: int
    ref: str
    alts: list[str]
    afs: list[float]


@dataclass
class Demo:
    genome: Genome
    features: list
    population: list[PopulationSite]  # grouped by position and REF, in file order
    population_positions: set[tuple[str, int]]
    disruptive: set[tuple[str, int, str]]


def load_demo(resources: Path) -> Demo:
    contigs = {}
    with pysam.FastaFile(str(resources / "reference.fa")) as fasta:
        for name in fasta.references:
            contigs[name] = fasta.fetch(name).upper()
    genome = Genome(contigs, [])
    with gzip.open(resources / "genes.gff3.gz", "rt") as handle:
        features = parse_gff(handle.read())
    sites: dict[tuple[str, int, str], PopulationSite] = {}
    with pysam.VariantFile(str(resources / "population.vcf.gz")) as population:
        for record in population:
            key = (record.chrom, record.pos, record.ref)
            site = sites.setdefault(key, PopulationSite(record.chrom, record.pos, record.ref, [], []))
            site.alts.append(record.alts[0])
            site.afs.append(float(record.info["AF"][0]))
    positions = {(site.contig, site.pos) for site in sites.values()}
    return Demo(genome, features, list(sites.values()), positions, disruptive_snvs(genome, features))


# ---------------------------------------------------------------------------------------------------------
# Genotypes


def transmit(mother: tuple[int, int], father: tuple[int, int], on_x: bool, sex: str, rng) -> tuple[int, int]:
    """Mendelian transmission; a son takes his one X from the mother (written as a homozygous call)."""
    from_mother = rng.choice(mother)
    if on_x and sex == "male":
        return (from_mother, from_mother)
    return tuple(sorted((rng.choice(father), from_mother)))


def founders(afs: list[float], on_x: bool, rng) -> dict[str, tuple[int, int]]:
    """Parents at Hardy-Weinberg from the population AFs; the father is hemizygous on X."""
    mother = tuple(sorted((draw_allele(afs, rng), draw_allele(afs, rng))))
    dad = draw_allele(afs, rng)
    return {"mother": mother, "father": (dad, dad) if on_x else tuple(sorted((dad, draw_allele(afs, rng))))}


def background(demo: Demo, plan: FamilyPlan, keep_out, rng) -> list[Site]:
    """The family's inherited calls at the population's sites: those a sequenced member carries."""
    sites, last_end = [], {}
    for pop in demo.population:
        on_x = pop.contig == "chrX"
        gts = founders(pop.afs, on_x, rng)
        gts["proband"] = transmit(gts["mother"], gts["father"], on_x, plan.proband_sex, rng)
        end = pop.pos + len(pop.ref) - 1
        if not any(any(gts[role]) for role in plan.roles) or keep_out(pop.contig, pop.pos, end):
            continue
        if pop.pos <= last_end.get(pop.contig, 0):  # overlaps the previous call (an indel): one haplotype each
            continue
        last_end[pop.contig] = end
        sites.append(Site(pop.contig, pop.pos, pop.ref, list(pop.alts), list(pop.afs), True, gts))
    return sites


def private_variants(demo: Demo, plan: FamilyPlan, keep_out, rng) -> list[Site]:
    """A few SNVs no population has seen, each from one parent (passed on to the proband half the time)."""
    sites = []
    wanted = rng.randint(*PRIVATE_VARIANTS)
    contigs = sorted(demo.genome.contigs)
    while len(sites) < wanted:
        contig = rng.choice(contigs)
        seq = demo.genome.contigs[contig]
        pos = rng.randint(30, len(seq) - 30)
        base = seq[pos - 1]
        alt = random_snv(base, rng) if base in "ACGT" else None
        if alt is None or (contig, pos) in demo.population_positions or (contig, pos, alt) in demo.disruptive:
            continue
        if keep_out(contig, pos - 1, pos + 1) or any(s.contig == contig and abs(s.pos - pos) < 3 for s in sites):
            continue
        carrier = rng.choice(["mother", "father"])
        gts = {"mother": (0, 0), "father": (0, 0)}
        gts[carrier] = (1, 1) if contig == "chrX" and carrier == "father" else (0, 1)
        gts["proband"] = transmit(gts["mother"], gts["father"], contig == "chrX", plan.proband_sex, rng)
        if any(any(gts[role]) for role in plan.roles):
            sites.append(Site(contig, pos, base, [alt], [0.0], False, gts))
    return sites


def planted_genotypes(cause: Cause, allele: int) -> dict[str, tuple[int, int]]:
    """Who carries planted allele number `allele` (0 or 1) for the cause's mode."""
    het, hom, ref = (0, 1), (1, 1), (0, 0)
    if cause.mode == "dominant":  # de novo: unaffected parents do not carry it
        return {"proband": het, "mother": ref, "father": ref}
    if cause.mode == "recessive_homozygous":
        return {"proband": hom, "mother": het, "father": het}
    if cause.mode == "compound_heterozygous":  # first allele from the mother, second from the father
        return {"proband": het, "mother": het if allele == 0 else ref, "father": ref if allele == 0 else het}
    return {"proband": hom, "mother": het, "father": ref}  # X-linked recessive: a hemizygous son


def confident_call(gt: tuple[int, int], rng) -> Call:
    """A deep, clean call: a het with near-even allele depths (as a real het looks), or a homozygous one."""
    return balanced_call(gt, rng) if gt == (0, 1) else make_call(gt, 2, rng, depth=(36, 4))


def plant(demo: Demo, plan: FamilyPlan, rng) -> tuple[list[Site], list[dict]]:
    """The cause's variants, each in its own coding exon of the transcript, with confident, balanced calls."""
    cds = transcript_cds(demo.features, plan.cause.transcript)
    pieces = [i for i, f in enumerate(cds) if f.end - f.start >= 59]
    sites, truth = [], []
    for allele, (piece, consequence) in enumerate(
        zip(rng.sample(pieces, len(plan.cause.consequences)), plan.cause.consequences, strict=True)
    ):
        change = pick_change(demo.genome, cds, piece, consequence, rng)
        gts = planted_genotypes(plan.cause, allele)
        site = Site(cds[0].contig, change.pos, change.ref, [change.alt], [0.0], False, gts, fixed=True)
        site.calls = {plan.sample(role): confident_call(gts[role], rng) for role in plan.roles}
        sites.append(site)
        carriers = {plan.sample(role): "/".join(map(str, gts[role])) for role in plan.roles}
        truth.append({"chrom": site.contig, "pos": change.pos, "ref": change.ref, "alt": change.alt,
                      "gene": plan.cause.gene, "consequence": consequence,
                      "protein_change": f"{change.ref_aa}{change.codon}{change.alt_aa}",
                      "genotypes": carriers})  # fmt: skip
    return sites, truth


def simulate_family(demo: Demo, plan: FamilyPlan, seed: int) -> tuple[list[Site], dict]:
    rng = random.Random(f"{seed}:{plan.family}")
    planted, variants = plant(demo, plan, rng)
    gene = [f for f in demo.features if f.type == "gene" and f.attrs.get("Name") == plan.cause.gene][0]

    def keep_out(contig: str, start: int, end: int) -> bool:
        """Background calls stay clear of the planted variants (one haplotype, one consequence each)."""
        return any(s.contig == contig and start - NEAR_PLANTED <= s.pos <= end + NEAR_PLANTED for s in planted)

    def private_keep_out(contig: str, start: int, end: int) -> bool:
        """Private variants also stay out of the causal gene: a rare second hit there would change the answer."""
        return keep_out(contig, start, end) or (contig == gene.contig and start <= gene.end and end >= gene.start)

    sites = background(demo, plan, keep_out, rng)

    sites += private_variants(demo, plan, private_keep_out, rng)
    for site in sites:
        site.calls = {plan.sample(role): make_call(site.gts[role], 1 + len(site.alts), rng) for role in plan.roles}
    hpo = rng.sample(plan.cause.terms, 4)
    truth = {"family": plan.family, "layout": plan.layout, "proband": plan.sample("proband"),
             "proband_sex": plan.proband_sex, "samples": [plan.sample(r) for r in plan.roles],
             "gene": plan.cause.gene, "mode": plan.cause.mode, "hpo": hpo, "planted": variants}  # fmt: skip
    return planted + sites, truth


# ---------------------------------------------------------------------------------------------------------
# Files


def write_family(demo: Demo, plan: FamilyPlan, sites: list[Site], folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    vcf, ped = folder / f"{plan.family}.vcf.gz", folder / f"{plan.family}.ped"
    write_trio(demo.genome, sites, vcf, [plan.sample(r) for r in plan.roles], SOURCE)
    ped.write_text("".join(ped_lines(plan)))
    return vcf, ped


def ped_lines(plan: FamilyPlan) -> list[str]:
    """6-column PED; a parent who was not sequenced is 0 in the proband's row."""
    father = plan.sample("father") if "father" in plan.roles else "0"
    mother = plan.sample("mother") if "mother" in plan.roles else "0"
    sex = "1" if plan.proband_sex == "male" else "2"
    lines = ["#family_id\tindividual_id\tpaternal_id\tmaternal_id\tsex\tphenotype\n"]
    if father != "0":
        lines.append(f"{plan.family}\t{father}\t0\t0\t1\t1\n")
    if mother != "0":
        lines.append(f"{plan.family}\t{mother}\t0\t0\t2\t1\n")
    lines.append(f"{plan.family}\t{plan.sample('proband')}\t{father}\t{mother}\t{sex}\t2\n")
    return lines


def batch_config(sheet: Path, resources: Path, results: Path) -> dict:
    """The shipped demo settings, pointed at this batch's sheet and at the demo resources its families share."""
    return {
        "families": str(sheet),
        "results_dir": str(results),
        "genome_build": "demo",
        "resources": {"dir": str(resources), "reference": "reference.fa", "genes": "genes.gff3.gz",
                      "population": "population.vcf.gz", "clinvar": "clinvar.bcf"},  # fmt: skip
        "scores": [{"name": "cadd", "path": "cadd_simulated.tsv.gz"}],
    }


def simulate_batch(out_dir: str | Path, n_families: int, resources: str | Path, seed: int = 7) -> dict:
    """Write the batch into out_dir; return truth.json's content."""
    if n_families < 1:
        raise ValueError("--families must be at least 1")
    out_dir, resources = Path(out_dir).resolve(), Path(resources).resolve()
    demo = load_demo(resources)
    rows, families = ["family_id\tvcf\tped\thpo\n"], []
    for plan in family_plans(n_families, seed):
        sites, truth = simulate_family(demo, plan, seed)
        vcf, ped = write_family(demo, plan, sites, out_dir / "families" / plan.family)
        truth["records"] = len(sites)
        families.append(truth)
        rows.append(f"{plan.family}\t{vcf}\t{ped}\t{';'.join(truth['hpo'])}\n")
    sheet = out_dir / "families.tsv"
    sheet.write_text("".join(rows))
    config = batch_config(sheet, resources, out_dir / "results")
    (out_dir / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    truth = {"generator": "rarevar simulate --families", "seed": seed, "families": families}
    (out_dir / "truth.json").write_text(json.dumps(truth, indent=2) + "\n")
    return truth
