"""The gate: the committed baselines pass on main, and a bug planted in the reference fails the gate, naming the
regressed clause."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT
from planted_bugs import PLANTED_BUGS

from parametrize_conformance.report import load_report

BASELINES = ROOT / "reports" / "baseline"
PLANTED = next(m for m in PLANTED_BUGS if m.name == "register-returns-none")


# Note: the gate's own machinery on a few areas (a subset run is diffed against the full baseline on its clauses
# alone); tests/test_meta.py runs every clause on the reference, and `python -m nox -s gate` the whole gate.
AREAS = ("--", "--clauses", "register,query,cache")


def gate(baseline_dir, out, pythonpath=()) -> subprocess.CompletedProcess:
    """Run the gate on AREAS from outside the checkout, with `pythonpath` first (a project copy there replaces the
    installed one)."""
    env = dict(os.environ, CI="true", PYTHONPATH=os.pathsep.join(str(p) for p in pythonpath))
    command = [
        sys.executable,
        "-m",
        "parametrize_conformance.report",
        "gate",
        "--baseline",
        str(baseline_dir),
        "--out",
        str(out),
        *AREAS,
    ]
    return subprocess.run(command, cwd=out.parent, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture
def reference_baseline(tmp_path):
    """The committed reference baseline, alone in a directory (the gate then runs only the reference)."""
    directory = tmp_path / "baseline"
    directory.mkdir()
    shutil.copy(BASELINES / "reference.json", directory)
    return directory


def test_the_committed_baselines_are_blessed_and_valid():
    for name in ("reference.json", "torch.json"):
        report = load_report(BASELINES / name)
        assert "baseline" in report and report["run"]["exit"] == "completed"
        assert report["summary"]["failed"] == 0


def test_the_gate_passes_on_main(reference_baseline, tmp_path):
    result = gate(reference_baseline, tmp_path / "out")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "gate passed: nothing regressed" in result.stdout


def test_a_planted_regression_fails_the_gate_naming_the_clause(reference_baseline, tmp_path):
    committed = (BASELINES / "reference.json").read_bytes()
    planted = PLANTED.build_project(tmp_path / "planted")
    result = gate(reference_baseline, tmp_path / "out", pythonpath=[planted])
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    regressed = result.stdout.split("Regressed clauses:")[-1]
    assert f"{PLANTED.clause} [reference] passed -> failed" in regressed, result.stdout[-3000:]
    assert "gate failed:" in result.stdout
    assert (BASELINES / "reference.json").read_bytes() == committed, "the committed baseline was written over"
