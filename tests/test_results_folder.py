"""rarevar writes only into a results folder it created or recognises as its own, removes only its own temporaries
there, and stops with one line on a full disk, leaving no half-written output and a temporary of no one."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from rarevar.base.atomic import is_temporary, temporary_name, write_bytes_atomic
from rarevar.errors import InputError
from rarevar.inputs.families import FamilyRow
from rarevar.run.results_folder import MARKER, check_family_ids, check_results_dir, mark, remove_stale_temporaries
from tests.conftest import demo_row, rarevar, write_config


def test_every_temporary_has_the_one_name_form_no_user_file_has():
    name = os.path.basename(temporary_name("/r/DEMO1/work/normalized.bcf", "subset", ".bcf"))
    assert name == f".normalized.bcf.subset.rarevar-tmp{os.getpid()}.bcf"
    assert is_temporary(name) and is_temporary(f"{name}.csi") and is_temporary(".candidates.json.rarevar-tmp12")
    # Names the clean-up of earlier versions matched, which users' files can have.
    for user in ("trio.subset.bcf", "x.tmp123", ".x.tmp123", "cohort.population2.bcf", "a.rarevar-tmp1", "rarevar-tmp"):
        assert not is_temporary(user), user


def _layout(results: Path) -> dict[str, Path]:
    files = {
        "stale": results / "DEMO1" / "work" / ".rare.bcf.rarevar-tmp41.bcf",
        "stale index": results / "DEMO1" / "work" / ".rare.bcf.rarevar-tmp41.bcf.csi",
        "stale log": results / "logs" / "rank" / ".DEMO1.log.rarevar-tmp7",
        "stale folder": results / "DEMO1" / "work" / ".annotated.bcf.selected.rarevar-tmp9.x1y2" / "annotated.bcf",
        "user vcf": results / "DEMO1" / "trio.subset.bcf",
        "user tmp": results / "DEMO1" / "work" / "notes.tmp123",
        "old-style name": results / "DEMO1" / "work" / ".rare.bcf.tmp41",
        "user folder": results / "mine" / ".data.rarevar-tmp3",  # not a folder rarevar writes
        "other family": results / "OTHER" / ".x.rarevar-tmp3",  # not a family of this batch
    }
    for path in files.values():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x")
    return files


def test_clean_up_removes_only_rarevar_temporaries_in_its_own_folders(tmp_path):
    results = tmp_path / "results"
    files = _layout(results)
    assert remove_stale_temporaries(results, ["DEMO1"]) == [], "an unmarked folder is not rarevar's"
    mark(results)
    removed = remove_stale_temporaries(results, ["DEMO1"])
    gone = {"stale", "stale index", "stale log", "stale folder"}
    assert {name for name, path in files.items() if not path.exists()} == gone
    assert not (results / "DEMO1" / "work" / ".annotated.bcf.selected.rarevar-tmp9.x1y2").exists()
    assert len(removed) == 4


def test_results_folder_refusals(tmp_path):
    file = tmp_path / "afile"
    file.write_text("mine")
    user = tmp_path / "user"
    user.mkdir()
    (user / "trio.vcf.gz").write_text("mine")
    refused = {
        "": "no folder given",
        "   ": "no folder given",
        "/": "the filesystem root or the home folder",
        str(Path.home()): "the filesystem root or the home folder",
        "~": "does not expand",
        "~/results": "does not expand",
        str(tmp_path / "{family}"): "holds '{' or '}'",
        str(file): "names a file, not a folder",
        str(user): "not a rarevar results folder",
    }
    for value, problem in refused.items():
        with pytest.raises(InputError, match=problem.replace("{", r"\{").replace("}", r"\}")):
            check_results_dir(value)
    assert file.read_text() == "mine" and (user / "trio.vcf.gz").read_text() == "mine"


def test_new_empty_marked_and_earlier_layout_folders_are_accepted(tmp_path):
    assert check_results_dir(tmp_path / "new") == (tmp_path / "new").resolve()
    assert not (tmp_path / "new").exists(), "checking writes nothing"
    (tmp_path / "empty").mkdir()
    check_results_dir(tmp_path / "empty")
    # What a version that wrote no marker left: adopted.
    old = tmp_path / "old"
    for path in ("DEMO1/candidates.json", "FAILED/work/normalized.bcf", "logs/rank/DEMO1.log", "summary.html",
                 ".rarevar.lock", ".rarevar/config.yaml"):  # fmt: skip
        (old / path).parent.mkdir(parents=True, exist_ok=True)
        (old / path).write_text("")
    check_results_dir(old)
    (old / "notes.txt").write_text("mine")
    with pytest.raises(InputError, match="not a rarevar results folder"):
        check_results_dir(old)
    mark(old)
    assert (old / MARKER).is_file()
    check_results_dir(old)  # marked: rarevar's, whatever else the user put there


def test_family_id_that_is_an_output_name_is_refused_naming_the_line():
    rows = [FamilyRow("FAM1", "a.vcf", "a.ped", "HP:1", 2), FamilyRow("Summary.HTML", "a.vcf", "a.ped", "HP:1", 3)]
    with pytest.raises(InputError, match=r"sheet.tsv, line 3: family_id 'Summary.HTML' is a name rarevar writes"):
        check_family_ids(rows, "sheet.tsv")


def test_validate_refuses_a_family_named_logs(tmp_path):
    config = write_config(tmp_path, [demo_row(family_id="logs")])
    result = rarevar("validate", "--config", str(config))
    assert result.returncode == 2
    assert result.stderr.strip().endswith(
        f"{tmp_path / 'families.tsv'}, line 2: family_id 'logs' is a name rarevar writes in the results folder. "
        "Rename the family (not summary.html, logs, benchmarks)"
    )


def test_out_naming_a_file_or_a_user_folder_is_refused_and_left_alone(tmp_path, truth):
    target = tmp_path / "report.txt"
    target.write_text("mine")
    folder = tmp_path / "documents"
    folder.mkdir()
    (folder / "letter.txt").write_text("mine")
    demo = Path(demo_row()["vcf"]).parent
    for out, problem in ((target, "--out names a file"), (folder, "--out is a folder with other files in it")):
        result = rarevar("run", "--vcf", str(demo / "trio.vcf.gz"), "--ped", str(demo / "demo.ped"),
                         "--hpo", ";".join(truth["hpo"]), "--out", str(out))  # fmt: skip
        assert result.returncode == 2 and result.stderr.count("\n") == 1, result.stderr
        assert result.stderr.startswith(f"rarevar: error: {out}: {problem}")
    assert target.read_text() == "mine"
    assert sorted(p.name for p in folder.iterdir()) == ["letter.txt"]


@pytest.mark.parametrize("cores", ["0", "-2"])
def test_non_positive_cores_is_refused_in_one_line(tmp_path, cores):
    config = write_config(tmp_path, [demo_row()])
    result = rarevar("run", "--config", str(config), "--cores", cores)
    assert result.returncode == 2
    assert result.stderr == f"rarevar: error: command line: argument --cores: {cores}: give 1 or more. " \
                            "See `rarevar run --help`\n"  # fmt: skip
    assert not (tmp_path / "results").exists()


def test_a_failed_atomic_write_removes_its_temporary_and_keeps_the_old_file(tmp_path):
    # /dev/full fails every write with ENOSPC: the temporary's name is known, so it is made to point there.
    target = tmp_path / "candidates.json"
    target.write_text("previous")
    Path(temporary_name(target)).symlink_to("/dev/full")
    with pytest.raises(OSError) as raised:
        write_bytes_atomic(target, b"new" * 100_000)
    assert raised.value.errno == errno.ENOSPC
    assert target.read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["candidates.json"]
