"""Load the configuration, validate it against the workflow's JSON schema and fill in defaults."""

from __future__ import annotations

from pathlib import Path

import jsonschema
import yaml

from rarevar.errors import InputError

REPO_ROOT = Path(__file__).resolve().parent.parent
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
    errors = sorted(DefaultFillingValidator(schema).iter_errors(config), key=lambda e: list(e.path))
    if errors:
        error = errors[0]
        key = ".".join(str(p) for p in error.path) or "(top level)"
        raise InputError(source, f"setting '{key}' is invalid: {error.message}", "Fix it in the config file")
    return config


def load_config(path: str | Path) -> dict:
    path = Path(path)
    if not path.is_file():
        raise InputError(path, "config file does not exist", "Pass an existing YAML file with --config")
    try:
        with open(path, encoding="utf-8") as handle:
            config = yaml.safe_load(handle)
    except yaml.YAMLError as error:
        raise InputError(path, f"is not valid YAML ({error})", "Fix the YAML syntax") from None
    if not isinstance(config, dict):
        raise InputError(path, "does not hold a mapping of settings", "See config/config.yaml for the layout")
    return validate_config(config, str(path))


def resource_path(config: dict, name: str) -> Path | None:
    """The path of a configured resource; None for an optional one that is not configured."""
    resources = config["resources"]
    if not resources.get(name):
        return None
    return Path(resources["dir"]) / resources[name]


def score_sources(config: dict) -> list[dict]:
    """The configured in-silico score files, each path resolved against the resources folder."""
    base = Path(config["resources"]["dir"])
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
