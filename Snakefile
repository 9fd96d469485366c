# rarevar: family VCF + PED + HPO terms -> ranked, explained candidate variants and a clinician report.
# Run through `rarevar run` (or `snakemake --configfile config/config.yaml --cores N`).
from rarevar.inputs.config import resource_path, validate_config
from rarevar.run.shards import shard_regions
from rarevar.run.validate import batch_inputs, validate_batch


# The demo's config unless one is given with --configfile (as `rarevar run` always does).
if "families" not in config:

    configfile: "config/config.yaml"


# Every input is checked before any job starts; a bad input stops here with one message. A job process (a
# cluster job reading this file anew) takes the inputs its main process checked.
validate_config(config)
FAMILIES = {family.row.family_id: family
            for family in (validate_batch(config) if workflow.is_main_process else batch_inputs(config))}
RESULTS = config["results_dir"]
# The whole-genome stages run per shard of whole chromosomes (config `shards`); 1: the family at once.
# Without a reference (an annotated VCF run without local resources) the config check allows shards: 1 only.
SHARDS = len(shard_regions(resource_path(config, "reference"), config["shards"])) if config["shards"] > 1 else 1


wildcard_constraints:
    family="|".join(sorted(FAMILIES)) or "NO_FAMILY",
    shard=r"\d+",


include: "workflow/rules/common.smk"
include: "workflow/rules/normalize.smk"
include: "workflow/rules/qc.smk"
include: "workflow/rules/frequency.smk"
include: "workflow/rules/gather.smk"
include: "workflow/rules/cohort.smk"
include: "workflow/rules/consequence.smk"
include: "workflow/rules/regenotype.smk"
include: "workflow/rules/scores.smk"
include: "workflow/rules/candidates.smk"
include: "workflow/rules/rank.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        final_outputs(),
