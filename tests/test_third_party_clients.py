"""The third-party client runner (conformance/clients/third_party/), offline: a fake library built in tmp_path, with
its own tests, run through the runner on torch, on the reference and on a planted adapter; the substitution is in
place before the library is imported, the counts are read from the runs, the tests that pass on torch and fail on an
adapter are listed, and an unknown library or a failed download or install is one line."""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT

from parametrize_conformance.clients.third_party import LIBRARIES, Library, fetch
from parametrize_conformance.clients.third_party.cli import main
from parametrize_conformance.clients.third_party.plugin import imported_too_early

FAKE_INIT = """\
# Note: bound when the library is first imported, as geotorch and monotonicnetworks do.
from torch.nn.utils.parametrize import cached, is_parametrized, register_parametrization
"""

FAKE_TESTS = """\
import os
import sys

import pytest
import torch
import torch.nn.utils.parametrize as P

import fakelib


class Double(torch.nn.Module):
    def forward(self, x):
        return 2 * x


def parametrized():
    module = torch.nn.Linear(2, 2)
    fakelib.register_parametrization(module, "weight", Double())
    return module


def test_sees_the_implementation_it_imported():
    current = sys.modules["torch.nn.utils.parametrize"]
    assert fakelib.register_parametrization is current.register_parametrization
    with open(os.environ["FAKELIB_RECORD"], "a") as f:
        f.write(f"{type(current).__name__} {fakelib.register_parametrization.__module__}\\n")


def test_cached():
    module = parametrized()
    with P.cached():
        assert module.weight is module.weight
    assert module.weight is not module.weight


def test_is_parametrized():
    assert fakelib.is_parametrized(parametrized(), "weight")


def test_needs_the_network():
    pytest.skip("offline")
"""

# Note: the reference with is_parametrized always False, named by spec as `planted_third_party:ADAPTER`.
PLANTED = """\
from types import SimpleNamespace

from parametrize_conformance import reference
from parametrize_conformance.adapters import API_NAMES, Adapter


def is_parametrized(module, tensor_name=None):
    return False


api = SimpleNamespace(**{n: getattr(reference, n) for n in API_NAMES})
api.is_parametrized = is_parametrized
ADAPTER = Adapter(name="planted-is-parametrized", api=api, version="0")
"""
PLANTED_SPEC = "planted_third_party:ADAPTER"

FAKE = Library(
    "fakelib",
    "0.1",
    ("fakelib",),
    "register_parametrization (bound at import), is_parametrized, cached",
    pyargs="fakelib.tests",
)


def fake_site(site: Path) -> Path:
    """A directory that looks like a site-packages holding fakelib 0.1 (with its tests inside) and the planted adapter."""
    (site / "fakelib" / "tests").mkdir(parents=True)
    (site / "fakelib" / "__init__.py").write_text(FAKE_INIT)
    (site / "fakelib" / "tests" / "__init__.py").write_text("")
    (site / "fakelib" / "tests" / "test_fake.py").write_text(FAKE_TESTS)
    info = site / "fakelib-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: fakelib\nVersion: 0.1\n")
    (site / "planted_third_party.py").write_text(PLANTED)
    return site


@pytest.fixture
def site(tmp_path, monkeypatch) -> Path:
    """fakelib and the planted adapter, importable here and in the runner's pytest subprocesses."""
    site = fake_site(tmp_path / "site")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.setenv("PYTHONPATH", str(site))
    return site


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    """One runner run of fakelib on torch, the reference and the planted adapter: (exit status, report, record, output)."""
    tmp = tmp_path_factory.mktemp("third-party")
    site, record = fake_site(tmp / "site"), tmp / "record.txt"
    with pytest.MonkeyPatch.context() as mp:
        mp.syspath_prepend(str(site))
        mp.setenv("PYTHONPATH", str(site))
        mp.setenv("FAKELIB_RECORD", str(record))
        status = main(
            [
                "--library",
                "fakelib",
                "--adapter",
                "reference",
                "--adapter",
                PLANTED_SPEC,
                "--work",
                str(tmp / "work"),
                "--out",
                str(tmp / "out"),
            ],
            libraries=(FAKE,),
        )
    report = json.loads((tmp / "out" / "third_party.json").read_text())
    return status, report["libraries"][0], record.read_text().splitlines(), (tmp / "out" / "third_party.md").read_text()


def test_the_stand_in_is_in_place_before_the_library_is_imported(ran):
    _, library, record, _ = ran
    # Note: one line per run: torch's own module, then the stand-in holding the reference (twice: the planted adapter
    # is the reference with one name replaced).
    assert record == [
        "module torch.nn.utils.parametrize",
        "SubstituteModule parametrize_conformance.reference._register",
        "SubstituteModule parametrize_conformance.reference._register",
    ]
    for label in ("reference", PLANTED_SPEC):
        bindings = library["runs"][label]["bindings"]
        assert bindings["torch"] == []
        assert {"fakelib.register_parametrization", "fakelib.cached", "fakelib.is_parametrized"} <= set(bindings["stand-in"])


def test_counts_are_read_per_run(ran):
    _, library, _, markdown = ran
    counts = {label: run["counts"] for label, run in library["runs"].items()}
    assert counts == {
        "torch": {"passed": 3, "failed": 0, "skipped": 1, "error": 0},
        "reference": {"passed": 3, "failed": 0, "skipped": 1, "error": 0},
        PLANTED_SPEC: {"passed": 2, "failed": 1, "skipped": 1, "error": 0},
    }
    assert all(run["problem"] == "" for run in library["runs"].values())
    assert f"| fakelib 0.1 | {PLANTED_SPEC} | 2 | 1 | 1 | 0 |" in markdown


def test_tests_that_pass_on_torch_and_fail_on_an_adapter_are_listed(ran):
    status, library, _, markdown = ran
    assert status == 1
    assert library["fails_only_on"]["reference"] == []
    (failing,) = library["fails_only_on"][PLANTED_SPEC]
    assert failing["test"].endswith("test_is_parametrized")
    assert failing["first_failure"].startswith("failed: ")
    assert f"## fakelib: passes on torch, not on {PLANTED_SPEC} (1)" in markdown


def test_the_library_imported_before_the_plugin_is_caught():
    assert imported_too_early(["parametrize_conformance.clients"]) and not imported_too_early(["fakelib_never_imported"])


def one_line(text: str) -> str:
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_an_unknown_library_is_one_line(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--library", "nosuchlib", "--out", "/nonexistent"])
    assert exc.value.code == 2
    line = one_line(capsys.readouterr().err)
    assert "unknown third-party library 'nosuchlib'" in line and "geotorch, orthogonium, monotonicnetworks" in line


def test_a_failed_download_is_one_line(site, tmp_path, capsys):
    # Note: real pip, offline: fakelib 0.1 is "installed" (its dist-info is on sys.path) but the empty --find-links
    # directory holds no sdist of it.
    empty = tmp_path / "empty"
    empty.mkdir()
    from_sdist = Library("fakelib", "0.1", ("fakelib",), "", tests_dir="tests")
    status = main(
        [
            "--library",
            "fakelib",
            "--work",
            str(tmp_path / "work"),
            "--out",
            str(tmp_path / "out"),
            "--find-links",
            str(empty),
        ],
        libraries=(from_sdist,),
    )
    assert status == 1
    line = one_line(capsys.readouterr().err)
    assert line.startswith("fakelib: pip could not download the sdist of fakelib==0.1: ERROR: ")
    assert json.loads((tmp_path / "out" / "third_party.json").read_text())["libraries"][0]["notes"] == [
        line.removeprefix("fakelib: ")
    ]


def test_a_failed_install_is_one_line(tmp_path, monkeypatch, capsys):
    def failing_pip(*args, find_links=None):
        return subprocess.CompletedProcess(
            ["pip", *args], 1, "Collecting nothere==1.0\n", "ERROR: No matching distribution found for nothere==1.0\n"
        )

    monkeypatch.setattr(fetch, "_pip", failing_pip)
    status = main(
        ["--library", "nothere", "--work", str(tmp_path / "work"), "--out", str(tmp_path / "out")],
        libraries=(Library("nothere", "1.0", ("nothere",), "", tests_dir="tests"),),
    )
    assert status == 1
    assert one_line(capsys.readouterr().err) == (
        "nothere: pip could not install nothere==1.0: ERROR: No matching distribution found for nothere==1.0"
    )


def test_the_pins_agree_and_the_session_is_opt_in():
    tomllib = pytest.importorskip("tomllib")
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"]["clients"]
    assert sorted(extra) == sorted(lib.requirement for lib in LIBRARIES)
    tree = ast.parse((ROOT / "noxfile.py").read_text())
    values = {
        t.id: ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name) and isinstance(node.value, ast.List)
    }
    assert values["THIRD_PARTY"] == [lib.name for lib in LIBRARIES]
    sessions = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    assert "third_party_clients" in sessions
    nox_options = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and ast.unparse(node.targets[0]) == "nox.options.sessions"
    )
    assert "third_party_clients" not in nox_options
