import json
import shlex

from rarevar.config import resource_path, score_sources

# Every step runs one `rarevar <stage>` command. The environment Snakemake runs in (rarevar run puts its
# bin folder first on PATH) is the one the jobs use, locally and on cluster nodes alike.
WORK = f"{RESULTS}/{{family}}/work"


def family_input(column):
    return lambda wildcards: getattr(FAMILIES[wildcards.family].row, column)


def family_samples(wildcards):
    """The PED samples of the family that are in the VCF, in PED order."""
    family = FAMILIES[wildcards.family]
    return ",".join(s for s in family.pedigree.samples if s in family.vcf_samples)


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


def settings_json():
    settings = {**config["thresholds"], "keep_impacts": config["consequence"]["keep_impacts"],
                "genome_build": config["genome_build"], "consequence_source": config["consequence"]["source"],
                "qc_stop_on_failure": config["qc"]["stop_on_failure"],
                "scores": [spec["name"] for spec in config["scores"]]}
    return json.dumps(settings, sort_keys=True)


def score_files():
    return [spec["path"] for spec in score_sources(config)]


def score_sources_json():
    return json.dumps(score_sources(config))


def resources_json():
    names = ("reference", "genes", "population", "clinvar", "constraint")
    return json.dumps({name: str(resource_path(config, name)) for name in names if resource_path(config, name)})


def final_outputs():
    outputs = []
    for family in FAMILIES:
        outputs += [f"{RESULTS}/{family}/candidates.{ext}" for ext in ("json", "tsv", "vcf.gz")]
        if config["stages"]["report"]:
            outputs.append(f"{RESULTS}/{family}/report.html")
    return outputs
