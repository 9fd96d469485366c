import json
import os
import shlex

from rarevar.inputs.config import (
    MANIFEST_CHECKED,
    resource_path,
    resource_signature,
    score_sources,
    stage_resources,
    stage_settings,
)

# Every step runs one `rarevar <stage>` command. The environment Snakemake runs in (rarevar run puts its
# bin folder first on PATH) is the one the jobs use, locally and on cluster nodes alike.
WORK = f"{RESULTS}/{{family}}/work"
# Where a whole-genome stage writes: per shard when the genome is split (rule gather joins them into WORK).
SHARD_WORK = f"{WORK}/shards/{{shard}}" if SHARDS > 1 else WORK
NORMALIZED = f"{WORK}/normalized.bcf"
RARE = f"{WORK}/rare.bcf"
FUNNEL_NORMALIZE = f"{WORK}/funnel/1_normalize.json"
FUNNEL_FREQUENCY = f"{WORK}/funnel/2_frequency.json"
# With fewer cores than ready jobs, the stages towards candidates.json go first, QC (which rank reads) next, and
# the whole-genome gather (a final output nothing waits for) last: otherwise QC can take the core a shard's
# frequency step needs, and the family waits on it.
CRITICAL_PATH = 2
QC_PRIORITY = 1


def family_input(column):
    return lambda wildcards: getattr(FAMILIES[wildcards.family].row, column)


def family_samples(wildcards):
    """The PED samples of the family that are in the VCF, in PED order."""
    family = FAMILIES[wildcards.family]
    return ",".join(s for s in family.pedigree.samples if s in family.vcf_samples)


def family_gvcfs(wildcards):
    """The family's gVCFs from the sheet's optional `gvcf` column ([] when none: regenotype passes through)."""
    return FAMILIES[wildcards.family].row.gvcfs


def pedigree_family(wildcards):
    return FAMILIES[wildcards.family].pedigree.family


def resource(name):
    return str(resource_path(config, name))


def optional_resource(name):
    """[path] when the config names this resource, else [] (the rule then runs without it)."""
    path = resource_path(config, name)
    return [str(path)] if path else []


def optional_flag(flag, name):
    """`--flag path` for a configured optional resource, else nothing."""
    path = resource_path(config, name)
    return f"{flag} {shlex.quote(str(path))}" if path else ""


def optional_flags(*names):
    """`--name path` for each configured resource among `names` (the reference and gene models are optional: an
    annotated VCF brings its consequences)."""
    return " ".join(optional_flag(f"--{name}", name) for name in names)


def resource_signatures(*names):
    """A params value naming the content of each configured resource among `names`. A replaced resource changes
    it, so Snakemake's params trigger re-runs the job and everything after it, even when the new file is older."""
    paths = {name: resource_path(config, name) for name in names}
    return ";".join(f"{name}={resource_signature(path, name in MANIFEST_CHECKED)}"
                    for name, path in paths.items() if path)  # fmt: skip


def family_signatures(*columns):
    """A params value naming the content of the family's own input files among `columns` (vcf, ped, gvcf, and hpo
    when it names a Phenopacket): like a resource, a VCF or PED replaced by an older file must re-run the family."""

    def signatures(wildcards):
        row = FAMILIES[wildcards.family].row
        files = [path for column in columns for path in (row.gvcfs if column == "gvcf" else [getattr(row, column)])]
        files = [path for path in files if path != row.hpo or path.lower().endswith(".json")]
        return ";".join(f"{path}={resource_signature(path)}" for path in files)

    return signatures


def score_signatures():
    return ";".join(f"{path}={resource_signature(path)}" for path in score_files())


def settings_json():
    return json.dumps(stage_settings(config), sort_keys=True)


def score_files():
    return [spec["path"] for spec in score_sources(config)]


def score_sources_json():
    return json.dumps(score_sources(config))


def resources_json():
    return json.dumps(stage_resources(config))


def cohort_exclude(wildcards):
    """Families left out of the counts: the whole batch by default, so a re-run after the update (or in
    another order) gives the same answer; or only the family being analysed."""
    if config["cohort"]["exclude"] == "family":
        return wildcards.family
    return ",".join(sorted(FAMILIES))


def cohort_limits():
    cohort = config["cohort"]
    limits = [f"--{key.replace('_', '-')} {cohort[key]}" for key in ("max_families", "max_frequency")
              if cohort.get(key) is not None]  # fmt: skip
    return " ".join(limits + (["--create"] if cohort["update"] else []))


def rare_variants():
    """What the consequence stage reads: the rare survivors, after the local cohort filter when configured."""
    return rules.cohort_annotate.output.rare if config.get("cohort") else RARE


def cohort_funnel():
    return [rules.cohort_annotate.output.funnel] if config.get("cohort") else []


def shard_file(path):
    """A shard's BCF is deleted once it is gathered (the family's whole files hold the same records)."""
    return temp(path) if SHARDS > 1 else path


def shard_files(name):
    """One file of each shard, in shard order."""
    return expand(f"{WORK}/shards/{{shard}}/{name}", shard=range(1, SHARDS + 1), allow_missing=True)


def normalized_shards():
    """The normalised genome as the stage files hold it: its shards in order, or the one file."""
    return [NORMALIZED] if SHARDS == 1 else shard_files("normalized.bcf")


def shard_option(wildcards):
    return f"--shard {wildcards.shard}/{SHARDS}" if SHARDS > 1 else ""


def final_outputs():
    outputs = []
    for family in FAMILIES:
        outputs += [f"{RESULTS}/{family}/candidates.{ext}" for ext in ("json", "tsv", "vcf.gz")]
        if config["stages"]["report"]:
            outputs += [f"{RESULTS}/{family}/{name}" for name in ("report.html", "candidates.xlsx", "phenopacket.json")]
            if config["report"]["pdf"]:
                outputs.append(f"{RESULTS}/{family}/report.pdf")
        if SHARDS > 1:  # the whole normalised and annotated genome, joined for the cohort database and reanalysis
            outputs += [f"{RESULTS}/{family}/work/{name}.bcf" for name in ("normalized", "population")]
        if config.get("cohort") and config["cohort"]["update"]:
            outputs.append(f"{RESULTS}/{family}/work/cohort_update.json")
    if config["stages"]["report"] and FAMILIES:
        outputs.append(f"{RESULTS}/summary.html")
    return outputs
