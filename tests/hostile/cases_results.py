"""Hostile results folders: a results folder holding the user's own files (their VCF, files named like the temporary
files of earlier versions), --out or results_dir naming a file, a user's folder, the filesystem root, the home folder
or a pattern, family ids that are names rarevar writes itself, and a number of cores that would hang the run."""

from __future__ import annotations

import json
from pathlib import Path

import pysam.bcftools

from tests.hostile import Case, Setup
from tests.hostile.runner import DEMO, demo_row

TRUTH = json.loads((DEMO / "truth.json").read_text())


def _planted_first(folder: Path) -> None:
    result = json.loads((folder / "results" / TRUTH["family"] / "candidates.json").read_text())
    top = result["candidates"][0]
    assert (top["chrom"], top["pos"]) == (TRUTH["chrom"], TRUTH["pos"]), f"top candidate {top['chrom']}:{top['pos']}"


def _files(folder: Path, names: list[str], text: str = "the user's own\n") -> list[Path]:
    paths = [folder / name for name in names]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return paths


def _vcf_in_results(folder: Path) -> Setup:
    """The results folder of an earlier run (marked), and the family's input VCF kept inside it under a name the
    clean-up of earlier versions deleted (`*.subset.bcf`)."""
    results = folder / "results"
    _files(results, [".rarevar-results"], "written by an earlier run\n")
    vcf = results / TRUTH["family"] / "input" / "trio.subset.bcf"
    vcf.parent.mkdir(parents=True)
    pysam.bcftools.view("--no-version", "-Ob", "-o", str(vcf), "-W", str(DEMO / "trio.vcf.gz"), catch_stdout=False)
    return Setup(rows=[demo_row(vcf=str(vcf))], protected=[vcf, Path(f"{vcf}.csi")])


def _temporary_names_in_old_results(folder: Path) -> Setup:
    """A results folder of a version that wrote no marker (adopted), with user files named like that version's
    temporaries in the family folder, its work folder and a folder of the user's."""
    results = folder / "results"
    # An earlier batch's family (every file present before the case must be unchanged after it).
    _files(results, ["OLDFAM/candidates.json", "logs/rank/OLDFAM.log"], "{}\n")
    user = _files(results, [f"{TRUTH['family']}/notes.tmp123", f"{TRUTH['family']}/work/.mine.tmp7",
                            f"{TRUTH['family']}/cohort.population2.bcf", "logs/.kept.slim3.bcf"])  # fmt: skip
    return Setup(protected=user)


def _single_family(out: str) -> list[str]:
    return ["run", "--vcf", str(DEMO / "trio.vcf.gz"), "--ped", str(DEMO / "demo.ped"),
            "--hpo", ";".join(TRUTH["hpo"]), "--out", out, "--cores", "2"]  # fmt: skip


def _out_is_a_file(folder: Path) -> Setup:
    (target,) = _files(folder, ["report.docx"])
    return Setup(command=_single_family(str(target)), protected=[target])


def _out_is_a_user_folder(folder: Path) -> Setup:
    mine = _files(folder, ["documents/letter.txt", "documents/.profile.tmp1"])
    return Setup(command=_single_family(str(folder / "documents")), protected=mine)


def _results_dir(value) -> callable:
    def build(folder: Path) -> Setup:
        return Setup(config={"results_dir": value(folder) if callable(value) else value})

    return build


def _results_dir_is_a_file(folder: Path) -> Setup:
    (target,) = _files(folder, ["results.txt"])
    return Setup(config={"results_dir": str(target)}, protected=[target])


def _results_dir_holds_the_vcf(folder: Path) -> Setup:
    """The user's project folder, holding their VCF, given as the results folder."""
    project = folder / "project"
    project.mkdir()
    vcf = project / "trio.vcf.gz"
    vcf.write_bytes((DEMO / "trio.vcf.gz").read_bytes())
    Path(f"{vcf}.tbi").write_bytes((DEMO / "trio.vcf.gz.tbi").read_bytes())
    return Setup(rows=[demo_row(vcf=str(vcf))], config={"results_dir": str(project)},
                 protected=[vcf, Path(f"{vcf}.tbi")])  # fmt: skip


def _family(family_id: str):
    def build(folder: Path) -> Setup:
        ped = folder / "family.ped"
        ped.write_text((DEMO / "demo.ped").read_text().replace(TRUTH["family"], family_id))
        return Setup(rows=[demo_row(family_id=family_id, ped=str(ped))])

    return build


def _cores(value: str):
    def build(folder: Path) -> Setup:
        return Setup(command=["run", "--config", "{config}", "--cores", value])

    return build


NOT_OURS = "not a rarevar results folder"
ROOT_OR_HOME = "is the filesystem root or the home folder"

CASES = [
    Case(
        "results_user_vcf_inside_results",
        "the family's input VCF sits in the results folder of an earlier run, "
        "named like a temporary (trio.subset.bcf) that the old clean-up deleted",
        "legal",
        _vcf_in_results,
        check=_planted_first,
    ),
    Case(
        "results_user_files_named_like_old_temporaries",
        "a results folder of an older version (no marker) holds "
        "the user's files named like that version's temporaries (*.tmp123, *.population2.bcf, *.slim3.bcf)",
        "legal",
        _temporary_names_in_old_results,
        check=_planted_first,
    ),
    Case(
        "results_out_is_a_file",
        "one-family --out names an existing file of the user's",
        "invalid",
        _out_is_a_file,
        "--out names a file, not a folder",
    ),
    Case(
        "results_out_is_a_user_folder",
        "one-family --out names a non-empty folder of the user's documents",
        "invalid",
        _out_is_a_user_folder,
        f"--out is a folder with other files in it, {NOT_OURS}",
    ),
    Case(
        "results_dir_empty",
        "results_dir is an empty string (outputs were planned at the filesystem root)",
        "invalid",
        _results_dir(""),
        "no folder given (an empty value)",
    ),
    Case("results_dir_root", "results_dir is '/', the filesystem root", "invalid", _results_dir("/"), ROOT_OR_HOME),
    Case(
        "results_dir_home",
        "results_dir is the user's home folder",
        "invalid",
        _results_dir(lambda folder: str(Path.home())),
        ROOT_OR_HOME,
    ),
    Case(
        "results_dir_tilde",
        "results_dir is '~' (not expanded: a folder named '~' would appear)",
        "invalid",
        _results_dir("~"),
        "starts with '~', which rarevar does not expand",
    ),
    Case(
        "results_dir_pattern",
        "results_dir holds '{family}', which Snakemake would read as a wildcard",
        "invalid",
        _results_dir(lambda folder: str(folder / "{family}" / "out")),
        "holds '{' or '}'",
    ),
    Case(
        "results_dir_is_a_file",
        "results_dir names an existing file",
        "invalid",
        _results_dir_is_a_file,
        "results_dir in the config names a file, not a folder",
    ),
    Case(
        "results_dir_holds_the_input_vcf",
        "results_dir is the user's project folder, holding the family's VCF",
        "invalid",
        _results_dir_holds_the_vcf,
        NOT_OURS,
    ),
    Case(
        "family_id_summary_html",
        "a family is named summary.html, the batch summary page's name",
        "invalid",
        _family("summary.html"),
        "family_id 'summary.html' is a name rarevar writes in the results folder",
    ),
    Case(
        "family_id_logs",
        "a family is named logs, the folder of the jobs' logs",
        "invalid",
        _family("logs"),
        "family_id 'logs' is a name rarevar writes in the results folder",
    ),
    Case(
        "cores_zero",
        "--cores 0: Snakemake waited forever for a free core",
        "invalid",
        _cores("0"),
        "argument --cores: 0: give 1 or more",
    ),
    Case("cores_negative", "a negative number of cores, --cores -4", "invalid", _cores("-4"),
         "argument --cores: -4: give 1 or more"),
]
