"""`rarevar run --vcf --ped --hpo --out`: one family without a families sheet. Writes the sheet and the config under
OUT/.rarevar and says which genome build the run uses and why.

The build comes from --build, from a --base-config's genome_build, or from the VCF's own header (its ##contig
lengths, its ##reference line: rarevar.inputs.vcf_build); a VCF whose header names another build is refused naming
both. The bundled demo genome and resources serve only `--build demo`, the demo config, or a VCF of the demo's own
contigs. Without a --base-config a GRCh37/GRCh38 run has no local resource: the VCF must carry its consequences
(VEP, snpEff or bcftools csq), its own frequencies, ClinVar and scores are read where it has them, and the report
says what could not be assessed. Relative paths in a --base-config are relative to that file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from rarevar.errors import InputError
from rarevar.inputs.config import load_config, validate_config
from rarevar.inputs.pedigree import read_ped
from rarevar.inputs.vcf_build import DetectedBuild, detect_build
from rarevar.inputs.vcfcheck import open_vcf, read_fai
from rarevar.run.results_folder import check_results_dir, mark

REPO_ROOT = Path(__file__).resolve().parents[2]
DEMO_CONFIG = REPO_ROOT / "config" / "config.yaml"  # its relative paths are the repository's (as `make demo` runs)
DEMO_REFERENCE = REPO_ROOT / "resources" / "demo" / "reference.fa"
BUILDS = ("GRCh37", "GRCh38", "demo")


@dataclass
class OneFamily:
    config: Path  # the config written under OUT/.rarevar
    build: str
    said: str  # which build, and why, for the person running it


def single_family_config(vcf: str, ped: str, hpo: str, out: str, gvcf: str = "", base_config: str | None = None,
                         build: str | None = None) -> OneFamily:  # fmt: skip
    """Write a families sheet and config for one family under OUT/.rarevar."""
    for flag, value in (("vcf", vcf), ("ped", ped), ("hpo", hpo), ("out", out)):
        if not value:
            raise InputError("command line", f"--{flag} is missing", "Give --vcf, --ped, --hpo and --out together")
    families = read_ped(ped)
    if len(families) != 1:
        raise InputError(ped, f"holds {len(families)} families", "Use --config with a families sheet instead")
    family_id = next(iter(families))
    results = check_results_dir(out, "--out")  # before anything is written there
    detected = vcf_build(vcf)
    meta = results / ".rarevar"
    sheet = meta / "families.tsv"
    given = {"families": str(sheet), "results_dir": str(results)}
    base, run_build, origin = base_settings(base_config, build, detected, vcf, given)
    if detected and detected.build != run_build:
        raise InputError(vcf, f"the VCF is {detected.build} ({detected.evidence}) but the run's genome build is "
                         f"{run_build} ({origin})", f"Run with --build {detected.build}"
                         f"{' and a config of that build' if base_config else ''}, or give a VCF of "
                         f"{run_build}")  # fmt: skip
    mark(results)
    meta.mkdir(parents=True, exist_ok=True)
    hpo_value = str(Path(hpo).resolve()) if hpo.lower().endswith(".json") else hpo
    gvcfs = ",".join(str(Path(path.strip()).resolve()) for path in gvcf.split(",") if path.strip())
    sheet.write_text(
        f"family_id\tvcf\tped\thpo\tgvcf\n"
        f"{family_id}\t{Path(vcf).resolve()}\t{Path(ped).resolve()}\t{hpo_value}\t{gvcfs}\n",
        encoding="utf-8",
    )
    config = {**base, **given}
    config_path = meta / "config.yaml"
    config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    return OneFamily(config_path, run_build, _said(run_build, origin, detected, base))


def vcf_build(vcf: str) -> DetectedBuild | None:
    """The build the VCF's header names; the demo's when its contigs are exactly the bundled demo genome's."""
    detected = detect_build(vcf)
    if detected or not Path(f"{DEMO_REFERENCE}.fai").is_file():
        return detected
    with open_vcf(vcf) as handle:
        lengths = {name: contig.length for name, contig in handle.header.contigs.items()}
    demo = read_fai(DEMO_REFERENCE)
    if lengths and all(length and demo.get(name) == length for name, length in lengths.items()):
        return DetectedBuild("demo", "its contigs are the bundled demo genome's")
    return None


def base_settings(base_config: str | None, build: str | None, detected: DetectedBuild | None, vcf: str,
                  given: dict) -> tuple[dict, str, str]:  # fmt: skip
    """(settings, the run's build, where that build comes from). `given`: the settings the command line supplies."""
    if base_config:
        base = resolved_paths(load_config(base_config, given), Path(base_config))
        if build and build != base["genome_build"]:
            raise InputError(base_config, f"its genome_build is {base['genome_build']} but --build is {build}",
                             "Give one build: leave out --build, or use a config of that build")  # fmt: skip
        return base, base["genome_build"], f"genome_build of {base_config}"
    chosen = build or (detected.build if detected else None)
    if chosen is None:
        raise InputError(vcf, "its header names no genome build (no ##contig lengths of GRCh37 or GRCh38, no "
                         "##reference or ##assembly line naming one)",
                         "Give --build GRCh37 or --build GRCh38")  # fmt: skip
    origin = "--build" if build else "detected from the VCF"
    if chosen == "demo":
        return resolved_paths(load_config(DEMO_CONFIG, given), DEMO_CONFIG), "demo", origin
    # No local resource: the VCF's own consequences and annotations; every setting at its default.
    return validate_config({**given, "genome_build": chosen, "resources": {}}, "command line"), chosen, origin


def resolved_paths(config: dict, path: Path) -> dict:
    """The config's relative paths made absolute against the folder of the config file (the shipped demo config's
    against the repository, where `make demo` runs it): resources.dir (score files and resource names are relative
    to it) and the cohort database."""
    path = path.resolve()
    folder = REPO_ROOT if path == DEMO_CONFIG else path.parent
    resources = config.get("resources") or {}
    resolved = {**config, "resources": {**resources, "dir": str((folder / resources.get("dir", ".")).resolve())}}
    if config.get("cohort", {}).get("db"):
        resolved["cohort"] = {**config["cohort"], "db": str((folder / config["cohort"]["db"]).resolve())}
    return resolved


def _said(build: str, origin: str, detected: DetectedBuild | None, config: dict) -> str:
    why = f"{origin}: {detected.evidence}" if detected and origin == "detected from the VCF" else origin
    if detected and origin != "detected from the VCF":
        why += f", as the VCF says ({detected.evidence})"
    elif not detected:
        why += "; the VCF's header names no build"
    resources = config.get("resources") or {}
    named = [name for name in ("reference", "genes", "population", "clinvar", "constraint") if resources.get(name)]
    used = ", ".join(named) if named else "none (the VCF's own consequences, frequencies, ClinVar and scores)"
    return f"genome build {build} ({why}); local resources: {used}"
