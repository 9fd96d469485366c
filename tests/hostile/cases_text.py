"""Hostile text inputs around the VCF: PED files and families sheets in other encodings or with unusual codes, and
paths that are loops, folders or missing. Each generator writes its files under the folder it is given."""

from __future__ import annotations

import json
import os
from pathlib import Path

from tests.conftest import shared_data
from tests.hostile import Case, Setup
from tests.hostile.runner import DEMO, demo_row

PED = (DEMO / "demo.ped").read_text(encoding="utf-8")


def _ped(folder: Path, text: str | bytes, name: str = "family.ped") -> Path:
    path = folder / name
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return path


def _with_ped(text: str | bytes):
    def build(folder: Path) -> Setup:
        return Setup(rows=[demo_row(ped=str(_ped(folder, text)))])

    return build


def _ped_codes(sex: dict[str, str] | None = None, phenotype: dict[str, str] | None = None) -> str:
    lines = []
    for line in PED.splitlines():
        cols = line.split("\t")
        if not line.startswith("#"):
            cols[4] = (sex or {}).get(cols[1], cols[4])
            cols[5] = (phenotype or {}).get(cols[1], cols[5])
        lines.append("\t".join(cols))
    return "\n".join(lines) + "\n"


def _latin1_ped() -> bytes:
    return PED.replace("DEMO1\tmother\t0\t0\t2\t1", "DEMO1\tmother\t0\t0\t2\t1\t# mère").encode("latin-1")


def _sheet(folder: Path, data: bytes) -> Setup:
    """A families sheet written verbatim (the config points at it)."""
    setup = Setup()
    path = folder / "sheet.tsv"
    path.write_bytes(data)
    setup.config = {"families": str(path)}
    return setup


def _sheet_text(**changes) -> str:
    row = demo_row(**changes)
    return "family_id\tvcf\tped\thpo\n" + "\t".join(row[c] for c in ("family_id", "vcf", "ped", "hpo")) + "\n"


def _loop(folder: Path, name: str) -> Path:
    path = folder / name
    os.symlink(path, path)  # a link to itself
    return path


def _demo_planted_first(folder: Path) -> None:
    truth = json.loads((DEMO / "truth.json").read_text())
    result = json.loads((folder / "results" / truth["family"] / "candidates.json").read_text())
    top = result["candidates"][0]
    assert (top["chrom"], top["pos"]) == (truth["chrom"], truth["pos"]), f"top candidate {top['chrom']}:{top['pos']}"


def _male_proband_first(folder: Path) -> None:
    _demo_planted_first(folder)
    result = json.loads((folder / "results" / "DEMO1" / "candidates.json").read_text())
    sexes = {sample["id"]: sample["sex"] for sample in result["samples"]}
    assert sexes == {"proband": "male", "mother": "female", "father": "male"}, sexes


CASES = [
    Case("ped_sex_letters", "PED sex written M/F instead of 1/2 (read as unknown before: X-linked calls changed)",
         "legal", _with_ped(_ped_codes(sex={"father": "M", "mother": "F", "proband": "M"})),
         check=_male_proband_first),
    Case("ped_sex_unknown_word", "PED sex column holds 'X', which is no PED sex code", "invalid",
         _with_ped(_ped_codes(sex={"mother": "X"})), "sample 'mother' has sex 'X', which is not a PED sex code"),
    Case("ped_phenotype_word", "PED phenotype column holds 'yes' instead of 2", "invalid",
         _with_ped(_ped_codes(phenotype={"proband": "yes"})), "has phenotype 'yes', which is not a PED affection code"),
    Case("ped_byte_order_mark", "PED saved with a UTF-8 byte-order mark before the first line", "invalid",
         _with_ped(b"\xef\xbb\xbf" + PED.encode()), "PED file starts with a UTF-8 byte-order mark"),
    Case("ped_latin1", "PED saved in Latin-1 (a comment with an accented letter)", "invalid",
         _with_ped(_latin1_ped()), "line 3: PED file is not UTF-8"),
    Case("ped_crlf", "PED with Windows (CR LF) line ends", "legal",
         _with_ped(PED.replace("\n", "\r\n")), check=_male_proband_first),
    Case("ped_is_a_folder", "the families sheet's ped path names a folder", "invalid",
         lambda folder: Setup(rows=[demo_row(ped=str(folder))]), "is a folder, not a file"),
    Case("ped_symlink_loop", "the ped path is a symbolic link to itself", "invalid",
         lambda folder: Setup(rows=[demo_row(ped=str(_loop(folder, "loop.ped")))]), "symbolic links"),
    Case("vcf_symlink_loop", "the vcf path is a symbolic link to itself", "invalid",
         lambda folder: Setup(rows=[demo_row(vcf=str(_loop(folder, "loop.vcf.gz")))]), "symbolic links"),
    Case("vcf_is_a_folder", "the vcf path names a folder", "invalid",
         lambda folder: Setup(rows=[demo_row(vcf=str(folder))]), "is a folder, not a file"),
    Case("phenopacket_symlink_loop", "the hpo column names a Phenopacket path that is a link to itself", "invalid",
         lambda folder: Setup(rows=[demo_row(hpo=str(_loop(folder, "loop.json")))]), "symbolic links"),
    Case("sheet_byte_order_mark", "families sheet saved with a UTF-8 byte-order mark", "invalid",
         lambda folder: _sheet(folder, b"\xef\xbb\xbf" + _sheet_text().encode()),
         "families sheet starts with a UTF-8 byte-order mark"),
    Case("sheet_latin1", "families sheet in Latin-1 (an accented family id on line 2)", "invalid",
         lambda folder: _sheet(folder, _sheet_text(family_id="DEMO1é").encode("latin-1")),
         "line 2: families sheet is not UTF-8"),
    Case("sheet_is_a_folder", "the config's families setting names a folder", "invalid",
         lambda folder: Setup(config={"families": str(folder)}), "is a folder, not a file"),
    Case("sheet_symlink_loop", "the families sheet is a symbolic link to itself", "invalid",
         lambda folder: Setup(config={"families": str(_loop(folder, "loop.tsv"))}), "symbolic links"),
]


def _hpo(text: str):
    return lambda folder: Setup(rows=[demo_row(hpo=text)])


def _command(*args: str):
    return lambda folder: Setup(command=[part.replace("{folder}", str(folder)) for part in args])


def _config_text(text: str):
    return lambda folder: Setup(raw_config=text.encode("utf-8"))


ONE_FAMILY = ["run", "--vcf", str(DEMO / "trio.vcf.gz"), "--ped", str(DEMO / "demo.ped"), "--hpo", "HP:0001639"]

CASES += [
    Case("hpo_lowercase_prefix", "HPO terms written 'hp:0001639' (lowercase prefix)", "invalid",
         _hpo("hp:0001639;hp:0001645"), "hp:0001639"),
    Case("hpo_zero_width_space", "an HPO term carrying an invisible zero-width space, as copied from a web page",
         "invalid", _hpo("HP:0001639\u200b;HP:0001645"), "HP:0001639"),
    Case("hpo_only_excluded", "only excluded HPO terms: no observed phenotype to rank by", "invalid",
         _hpo("-HP:0001639;-HP:0001645"), "observed"),
    Case("hpo_missing_phenopacket", "the hpo column names a Phenopacket file that does not exist", "invalid",
         _hpo("/nonexistent/patient.json"), "does not exist"),
    Case("gvcf_missing", "the optional gvcf column names a gVCF that does not exist", "invalid",
         lambda folder: Setup(rows=[demo_row(gvcf=str(folder / "mother.g.vcf.gz"))]), "does not exist"),
    Case("ped_comments_only", "a PED holding only its header comment", "invalid",
         _with_ped(PED.splitlines()[0] + "\n"), "PED file lists no samples"),
    Case("sheet_row_extra_column", "a families-sheet row with a fifth, unnamed value (a stray tab)", "invalid",
         lambda folder: _sheet(folder, _sheet_text().replace("\n", "\textra\n").replace("hpo\textra", "hpo").encode()),
         "line 2"),
    Case("sheet_crlf", "a families sheet with Windows (CR LF) line ends", "legal",
         lambda folder: _sheet(folder, _sheet_text().replace("\n", "\r\n").encode()), check=_demo_planted_first),
    Case("config_empty_file", "an empty config file", "invalid", _config_text(""), "does not hold a mapping"),
    Case("config_yaml_list", "a config whose top level is a YAML list", "invalid", _config_text("- a\n- b\n"),
         "does not hold a mapping"),
    Case("config_tab_indent", "a config indented with a tab (not valid YAML)", "invalid",
         _config_text("families: x\nthresholds:\n\tmax_population_af: 0.01\n"), "not valid YAML"),
    Case("run_config_missing", "`rarevar run --config` naming a file that does not exist", "invalid",
         _command("run", "--config", "{folder}/nope.yaml"), "config file does not exist"),
    Case("run_one_family_without_out", "one-family `rarevar run` without --out", "invalid",
         _command(*ONE_FAMILY), "--out is missing"),
    Case("run_profile_missing", "`rarevar run --profile` naming a folder that does not exist", "invalid",
         _command("run", "--config", "{config}", "--profile", "{folder}/no-profile"), "no-profile"),
    Case("build_frequency_out_in_missing_folder", "`rarevar resources build-frequency --out` in a folder that does not "
         "exist (the store would fail after the whole source was read)", "invalid",
         _command("resources", "build-frequency", "--vcf", str(shared_data() / "vcfanno" / "exac.vcf.gz"), "--out",
                  "{folder}/no-such-folder/store.bcf"), "no-such-folder does not exist"),
]
