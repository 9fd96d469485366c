"""Load the configuration, validate it against the workflow's JSON schema and fill in defaults."""

from __future__ import annotations

import difflib
import math
from pathlib import Path

import jsonschema
import yaml

from rarevar.base.text_input import check_file, read_text
from rarevar.errors import InputError
from rarevar.inputs.filters import check_filter_settings

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIR = REPO_ROOT / "workflow" / "schemas"


def load_schema(name: str) -> dict:
    with open(SCHEMA_DIR / name, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _fill_defaults(validator_class):
    # The standard jsonschema recipe: a validator that also writes `default` values into the instance.
    validate_properties = validator_class.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        for prop, subschema in properties.items():
            if isinstance(instance, dict) and "default" in subschema:
                instance.setdefault(prop, subschema["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(validator_class, {"properties": set_defaults})


DefaultFillingValidator = _fill_defaults(jsonschema.Draft202012Validator)


def validate_config(config: dict, source: str = "config") -> dict:
    """Validate in place (adding defaults); raise InputError naming the offending key."""
    schema = load_schema("config.schema.yaml")
    _refuse_non_finite(config, source)
    errors = sorted(DefaultFillingValidator(schema).iter_errors(config), key=lambda e: list(e.path))
    if errors:
        raise _schema_error(errors[0], schema, source)
    _check_beyond_schema(config, source)
    return config


def _schema_error(error, schema: dict, source: str) -> InputError:
    key = ".".join(str(p) for p in error.path)
    if error.validator == "additionalProperties":
        # A setting the schema does not know would be ignored: name it, and the known one it resembles.
        known = list(error.schema.get("properties", {}))
        unknown = sorted(set(error.instance) - set(known) - set(error.schema.get("patternProperties", {})))
        name = unknown[0] if unknown else "?"
        near = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
        hint = f"Did you mean '{near[0]}'? " if near else ""
        where = f"{key}.{name}" if key else name
        return InputError(source, f"setting '{where}' is not a rarevar setting and would be ignored",
                          f"{hint}Remove or rename it (see config/config.yaml for every setting)")  # fmt: skip
    return InputError(source, f"setting '{key or '(top level)'}' is invalid: {error.message}",
                      "Fix it in the config file")  # fmt: skip


def _refuse_non_finite(value, source: str, key: str = "") -> None:
    """NaN compares false with every bound, so the schema's minimum/maximum let it through; inf likewise
    where a number is unbounded. Neither is a usable threshold."""
    if isinstance(value, float) and not math.isfinite(value):
        raise InputError(source, f"setting '{key}' is {value}, not a number", "Give a finite number")
    children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for name, child in children:
        _refuse_non_finite(child, source, f"{key}.{name}" if key and isinstance(name, str) else
                           f"{key}[{name}]" if key else str(name))  # fmt: skip


def _check_beyond_schema(config: dict, source: str) -> None:
    """What the schema cannot express: a het allele-balance range must run from low to high; a score file's
    `build` is read for REVEL only, and `stages.consequence` cannot be turned off (either would be ignored)."""
    if config.get("stages", {}).get("consequence") is False:
        raise InputError(source, "setting 'stages.consequence' is false, but every run needs consequences to rank "
                         "(the setting would be ignored)", "Set it to true or remove it")  # fmt: skip
    for index, spec in enumerate(config.get("scores") or []):
        if "build" in spec and spec["name"] != "revel":
            raise InputError(source, f"setting 'scores.{index}.build' is read for REVEL files only and would be "
                             f"ignored for {spec['name']}", "Remove it")  # fmt: skip
    gates = config.get("genotype_gates", {})
    ranges = [("genotype_gates.het_ab", gates.get("het_ab"))]
    ranges += [(f"genotype_gates.modes.{mode}.het_ab", fields.get("het_ab"))
               for mode, fields in gates.get("modes", {}).items()]  # fmt: skip
    for key, pair in ranges:
        if pair and pair[0] > pair[1]:
            raise InputError(source, f"setting '{key}' is [{pair[0]}, {pair[1]}]: its minimum is above its maximum",
                             f"Write it as [{pair[1]}, {pair[0]}]")  # fmt: skip
    check_filter_settings(config, source)
    check_resource_needs(config, source)


def check_resource_needs(config: dict, source: str) -> None:
    """Every resource is optional, but some need another: bcftools csq reads the gene models with the reference,
    and whole-chromosome shards are planned from the reference's .fai."""
    resources = config.get("resources") or {}
    if resources.get("genes") and not resources.get("reference"):
        raise InputError(source, "setting 'resources.genes' needs 'resources.reference': bcftools csq reads the gene "
                         "models with the genome's sequence", "Add the reference FASTA, or remove genes to use the "
                         "VCF's own consequences")  # fmt: skip
    if config.get("consequence", {}).get("source") == "bcftools-csq" and not resources.get("genes"):
        raise InputError(source, "setting 'consequence.source' is 'bcftools-csq' but no gene models "
                         "(resources.genes) are configured", "Add resources.reference and resources.genes, or set "
                         "consequence.source: auto to use the VCF's own consequences")  # fmt: skip
    if config.get("shards", 1) > 1 and not resources.get("reference"):
        raise InputError(source, f"setting 'shards' is {config['shards']}, but shards are planned from the reference's "
                         "chromosome lengths and no reference FASTA (resources.reference) is configured",
                         "Set shards: 1, or add the reference FASTA")  # fmt: skip


def load_config(path: str | Path, given: dict | None = None) -> dict:
    """The config file's settings, validated with defaults filled in. `given`: settings the command line supplies
    (a one-family run's families sheet and results folder), which a --base-config need not hold."""
    path = Path(path)
    check_file(path, "config file", "Pass an existing YAML file with --config")
    text = read_text(path, "config file")
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise InputError(path, f"is not valid YAML ({' '.join(str(error).split())})", "Fix the YAML syntax") from None
    if not isinstance(config, dict):
        raise InputError(path, "does not hold a mapping of settings", "See config/config.yaml for the layout")
    return validate_config({**config, **(given or {})}, str(path))


def resource_path(config: dict, name: str) -> Path | None:
    """The path of a configured resource; None for an optional one that is not configured."""
    resources = config["resources"]
    if not resources.get(name):
        return None
    return Path(resources.get("dir") or ".") / resources[name]


# The resources the checks before any job verify against their folder's manifest (rarevar.run.validate).
MANIFEST_CHECKED = ("reference", "genes", "population", "clinvar")


def resource_signature(path: str | Path, manifest_checked: bool = False) -> str:
    """What identifies a resource's content, for the workflow to compare between runs (Snakemake's file-time
    check misses a resource replaced by one with an older time). The checksum its folder's manifest records
    where rarevar verifies that checksum on every run (`manifest_checked`: one of MANIFEST_CHECKED, at most
    FULL_CHECK_BYTES); otherwise size, times and inode, which a replacement changes (ctime cannot be set back)."""
    from rarevar.resources.check import FULL_CHECK_BYTES
    from rarevar.resources.download import MANIFEST, read_manifest

    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return "missing"  # the checks before any job name it
    manifest = {}
    if manifest_checked and stat.st_size <= FULL_CHECK_BYTES:
        try:
            manifest = read_manifest(path.parent / MANIFEST) or {}
        except InputError:
            pass
    entry = next((e for e in manifest.get("files", []) if isinstance(e, dict) and e.get("name") == path.name), {})
    if entry.get("sha256") and entry.get("size", stat.st_size) == stat.st_size:
        return f"sha256:{entry['sha256']}"
    return f"size:{stat.st_size},mtime:{stat.st_mtime_ns},ctime:{stat.st_ctime_ns},inode:{stat.st_ino}"


def score_sources(config: dict) -> list[dict]:
    """The configured in-silico score files, each path resolved against the resources folder."""
    base = Path(config["resources"].get("dir") or ".")
    return [{**spec, "path": str(base / spec["path"])} for spec in config.get("scores") or []]


def stage_settings(config: dict) -> dict:
    """The settings the candidates and rank stages take (the workflow passes them as JSON)."""
    return {**config["thresholds"], "keep_impacts": config["consequence"]["keep_impacts"],
            "genome_build": config["genome_build"], "consequence_source": config["consequence"]["source"],
            "qc_stop_on_failure": config["qc"]["stop_on_failure"],
            "genotype_gates": config.get("genotype_gates", {}),
            "scores": [spec["name"] for spec in config["scores"]]}  # fmt: skip


def stage_resources(config: dict) -> dict[str, str]:
    """The configured resource files the rank stage records versions of."""
    names = ("reference", "genes", "population", "clinvar", "constraint")
    return {name: str(resource_path(config, name)) for name in names if resource_path(config, name)}
