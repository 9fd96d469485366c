"""The package's layout shows its data flow: subpackages in the order the data moves through them, imports only from
earlier stages to later ones (import-linter's layers contract in pyproject.toml), and nothing else at the top."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "rarevar"


def layers() -> list[str]:
    config = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["importlinter"]
    return next(c["layers"] for c in config["contracts"] if c["type"] == "layers")


def test_imports_flow_one_way_along_the_layers():
    result = subprocess.run([str(Path(sys.executable).parent / "lint-imports")], cwd=REPO, capture_output=True,
                            text=True)  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "1 kept, 0 broken" in result.stdout


def test_every_subpackage_is_a_layer_and_says_what_it_owns():
    subpackages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert {f"rarevar.{name}" for name in subpackages} | {"rarevar.cli"} == set(layers())
    for name in subpackages:
        docstring = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
        assert docstring and len(docstring) > 80, f"rarevar/{name}/__init__.py does not say what it owns"


def test_the_top_level_keeps_only_the_entry_points():
    assert {p.name for p in PACKAGE.glob("*.py")} == {"__init__.py", "__main__.py", "cli.py", "errors.py"}
