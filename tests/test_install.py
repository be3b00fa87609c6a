"""The project installed as users install it: the sdist and the wheel built with `python -m build`, the wheel (not
editable) installed into a fresh venv beside the pinned torch, and the suite run from a folder outside the clone on a
sample of areas (the distributed one among them), the report CLI on its report, and the toy example beside it."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

from parametrize_conformance import __version__
from parametrize_conformance.layout import FOLDERS, PACKAGE, installed_path

TORCH = os.environ.get("PARAMETRIZE_CONFORMANCE_TORCH", "torch==2.13.0")
AREAS = "register,query,transfer,distributed"
# Note: an implementation outside any package, as a user's first try would be: registration forgets its return value.
BROKEN = (
    f"from {PACKAGE}.reference import *  # noqa: F403\nfrom {PACKAGE} import reference\n\n\n"
    "def register_parametrization(module, tensor_name, parametrization, *, unsafe=False):\n"
    "    reference.register_parametrization(module, tensor_name, parametrization, unsafe=unsafe)\n"
)


def _run(*command: str | Path, cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    # Note: nothing of the clone or of this test run leaks in: no PYTHONPATH, no xdist worker variables.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("PYTEST_XDIST")}
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, (
        f"{' '.join(map(str, command))}: exit {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel of the clone."""
    out = tmp_path_factory.mktemp("dist")
    # Note: --no-isolation: the build uses this environment's setuptools (the test extra pins it), no download.
    _run(sys.executable, "-m", "build", "--no-isolation", "--sdist", "--wheel", "--outdir", out, ROOT, cwd=out)
    return {"sdist": next(out.glob("*.tar.gz")), "wheel": next(out.glob("*.whl"))}


def _wheel_names(wheel: Path) -> set[str]:
    with zipfile.ZipFile(wheel) as archive:
        return set(archive.namelist())


def test_the_wheel_installs_only_the_projects_own_top_level_name(built):
    tops = {name.split("/")[0] for name in _wheel_names(built["wheel"])}
    assert {t for t in tops if not t.endswith(".dist-info")} == {PACKAGE}
    assert f"parametrize_conformance-{__version__}.dist-info" in tops


def test_the_wheel_and_the_sdist_hold_every_package_and_its_data(built):
    folders = {folder: installed_path(folder) for folder in FOLDERS.values()}
    expected = {
        f"{folders[p.relative_to(ROOT).parts[0]]}/{Path(*p.relative_to(ROOT).parts[1:]).as_posix()}"
        for folder in folders
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".json", ".md", ".typed")
    }
    missing = sorted(expected - _wheel_names(built["wheel"]))
    assert not missing, f"files of the clone missing from the wheel: {missing[:10]}"
    with tarfile.open(built["sdist"]) as archive:
        sdist = {"/".join(n.split("/")[1:]) for n in archive.getnames()}
    source = {
        p.relative_to(ROOT).as_posix()
        for folder in folders
        for p in (ROOT / folder).rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert not sorted(source - sdist), f"files missing from the sdist: {sorted(source - sdist)[:10]}"


@pytest.mark.slow
def test_the_installed_wheel_runs_the_suite_the_report_cli_and_the_toy_example(built, tmp_path):
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    _run(python, "-m", "pip", "install", "-q", built["wheel"], TORCH, cwd=tmp_path)
    # Note: from a copy: building the toy example writes build/ beside its sources, which stay untouched in the clone.
    toy = shutil.copytree(
        ROOT / "examples" / "toy_parametrize",
        tmp_path / "toy_parametrize",
        ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"),
    )
    _run(python, "-m", "pip", "install", "-q", "--no-deps", toy, cwd=tmp_path)
    where = _run(python, "-c", f"import {PACKAGE}; print({PACKAGE}.__file__)", cwd=tmp_path).stdout
    assert "site-packages" in where and str(ROOT) not in where, where
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for adapter in ("reference", "toy"):
        _run(
            python,
            "-m",
            "pytest",
            "--pyargs",
            PACKAGE,
            "-p",
            "no:cacheprovider",
            "-q",
            "--adapter",
            adapter,
            "--clauses",
            AREAS,
            "--report",
            elsewhere / f"{adapter}.json",
            cwd=elsewhere,
        )
    rendered = _run(python, "-m", f"{PACKAGE}.report", "render", elsewhere, "--out", elsewhere / "out", cwd=elsewhere)
    assert (elsewhere / "out" / "matrix.md").is_file(), rendered.stdout
    assert "toy" in (elsewhere / "out" / "matrix.md").read_text()
    _a_printed_reproducer_runs(python, elsewhere)


def _a_printed_reproducer_runs(python: Path, where: Path) -> None:
    """A failure's reproducer, printed by the installed suite, runs in the plain install and shows the bug."""
    (where / "broken_impl.py").write_text(BROKEN)
    report = where / "broken.json"
    done = subprocess.run(
        [
            python,
            "-m",
            "pytest",
            "--pyargs",
            PACKAGE,
            "-p",
            "no:cacheprovider",
            "-q",
            "--adapter",
            "broken_impl",
            "--clauses",
            "REGISTER-RETURNS-MODULE",
            "--report",
            report,
        ],
        cwd=where,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 1, done.stdout[-3000:]
    entry = json.loads(report.read_text())["clauses"]["REGISTER-RETURNS-MODULE"]
    lines = entry["reproducer"].removeprefix("Reproducer:").splitlines()
    script = "\n".join(line[4:] for line in lines if line.startswith("    "))
    assert f"from {PACKAGE}." in script, script
    shown = _run(
        python, "-c", script + "\nprint('returned', P.register_parametrization(module, 'weight', Identity()))", cwd=where
    )
    assert "returned None" in shown.stdout, shown.stdout
