"""The import contracts of pyproject's [tool.importlinter]: they name every package of the project, and they fail a
tree with an import circle or an import of another package's private module."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib
from conftest import ROOT
from setuptools import find_packages

from parametrize_conformance.layout import FOLDERS, PACKAGE

CONFIG = ROOT / "pyproject.toml"
LINT_IMPORTS = shutil.which("lint-imports", path=str(Path(sys.executable).parent))


def _contracts() -> list[dict]:
    return tomllib.loads(CONFIG.read_text())["tool"]["importlinter"]["contracts"]


def _packages() -> set[str]:
    subpackages = {name: ("", *find_packages(ROOT / folder)) for name, folder in FOLDERS.items()}
    return {f"{name}.{sub}" if sub else name for name, subs in subpackages.items() for sub in subs}


def test_the_circle_contract_names_every_package_of_the_project():
    (circles,) = [c for c in _contracts() if c["type"] == "acyclic_siblings"]
    assert set(circles["ancestors"]) == _packages(), "list each package in [tool.importlinter]'s ancestors"


def _installed_copy(tmp_path: Path) -> Path:
    """The package laid out as installed, copied (not linked) so that a module can be changed."""
    for name, folder in FOLDERS.items():
        shutil.copytree(ROOT / folder, tmp_path / name.replace(".", "/"), ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


def _lint_imports(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LINT_IMPORTS, "--no-cache", str(CONFIG)],
        cwd=tree,
        env={"PYTHONPATH": str(tree), "PATH": str(Path(sys.executable).parent)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.mark.skipif(LINT_IMPORTS is None, reason="import-linter is not installed (pip install -e '.[lint]')")
@pytest.mark.parametrize(
    ("module", "added", "broken"),
    [
        ("run/journal.py", "from parametrize_conformance.run import plugin\n", "No import circles"),
        ("spec.py", "from parametrize_conformance.report import _compare\n", "private module"),
    ],
)
def test_a_planted_circle_or_private_import_breaks_a_contract(tmp_path, module, added, broken):
    tree = _installed_copy(tmp_path)
    assert _lint_imports(tree).returncode == 0, "the project as it is keeps the contracts"
    path = tree / PACKAGE / module
    path.write_text(path.read_text() + added)
    done = _lint_imports(tree)
    assert done.returncode == 1, done.stdout[-2000:]
    assert f"{broken}" in done.stdout and "BROKEN" in done.stdout, done.stdout[-2000:]
