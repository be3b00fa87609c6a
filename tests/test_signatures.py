"""Declared divergences with signatures: a second bug planted in torch's own parametrize.py, inside a clause torch
already diverges on, is caught by the suite and the gate; stripped of signatures, the divergence would hide it."""

from __future__ import annotations

import ast
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest
from torch_ports import run_clause, write_port

from parametrize_conformance.adapters import Adapter, AdapterError, Divergence, load_adapter
from parametrize_conformance.report import load_report

# Note: ASSIGN-NO-GRAD is declared for torch 2.13 (under the swap flag a buffer's original takes the assigned graph);
# the planted bug runs right_inverse with grad enabled, which breaks the clause with the flag off too, in a way the
# declared signature does not describe (the clause's check of grad mode during the call fails first).
CLAUSE = "ASSIGN-NO-GRAD"
ADAPTERS = """
import dataclasses
import torch_second_bug
from parametrize_conformance.adapters import Adapter, torch_divergences

SIGNED = Adapter.like_torch(torch_second_bug, name="torch-second-bug")
UNSIGNED = Adapter.like_torch(torch_second_bug, name="torch-second-bug", divergences=tuple(
    dataclasses.replace(d, raises=(), match="") for d in torch_divergences()))
"""


def _plant_grad_enabled_writes(source: str) -> str:
    """torch's parametrize.py with ParametrizationList.right_inverse's first `with torch.no_grad():` made
    `with torch.enable_grad():` (found through the AST, so no text of torch's is needed here)."""
    tree = ast.parse(source)
    plist = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "ParametrizationList")
    method = next(n for n in plist.body if isinstance(n, ast.FunctionDef) and n.name == "right_inverse")
    block = next(n for n in ast.walk(method) if isinstance(n, ast.With) and "no_grad" in ast.unparse(n.items[0]))
    lines = source.splitlines(keepends=True)
    at = block.lineno - 1
    assert lines[at].count("no_grad") == 1, lines[at]
    lines[at] = lines[at].replace("no_grad", "enable_grad")
    return "".join(lines)


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    """A folder with torch_second_bug.py (torch's file with the bug) and torch_second_bug_adapters.py (SIGNED,
    UNSIGNED)."""
    return write_port(tmp_path_factory.mktemp("second_bug"), "torch_second_bug", _plant_grad_enabled_writes, ADAPTERS)


def _run(suite, planted: Path, adapter: str, report: Path):
    return run_clause(suite, planted, f"torch_second_bug_adapters:{adapter}", CLAUSE, report)


def test_unsigned_divergence_hides_the_second_bug(suite, planted, tmp_path):
    result = _run(suite, planted, "UNSIGNED", tmp_path / "unsigned.json")
    assert result.returncode == 0, result.stdout[-3000:]
    assert load_report(tmp_path / "unsigned.json")["clauses"][CLAUSE]["status"] == "diverged"
    assert "without a signature" in result.stdout


def test_signed_divergence_fails_on_the_second_bug(suite, planted, tmp_path):
    result = _run(suite, planted, "SIGNED", tmp_path / "signed.json")
    assert result.returncode == 1, result.stdout[-3000:]
    entry = load_report(tmp_path / "signed.json")["clauses"][CLAUSE]
    assert entry["status"] == "failed", entry
    assert "grad mode during the assignment's right_inverse" in entry["message"], entry["message"]
    assert entry["signature"].startswith("AssertionError matching"), entry
    assert "which this failure does not match" in result.stdout, result.stdout[-3000:]


def test_the_gate_sees_the_second_bug_as_a_regression(suite, planted, tmp_path):
    _run(suite, planted, "SIGNED", tmp_path / "signed.json")
    baseline = json.loads(Path(__file__).parent.parent.joinpath("reports/baseline/torch.json").read_text())
    assert baseline["clauses"][CLAUSE]["status"] == "diverged"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "parametrize_conformance.report",
            "diff",
            "reports/baseline/torch.json",
            str(tmp_path / "signed.json"),
        ],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert CLAUSE in done.stdout and "regressed" in done.stdout, done.stdout


def test_every_builtin_divergence_has_a_signature():
    unsigned = [(d.clause, d.releases, d.core_releases) for d in load_adapter("torch").divergences if not d.signed]
    from parametrize_conformance.adapters._torch_divergences import TORCH_DIVERGENCES

    unsigned += [(d.clause, d.releases, d.core_releases) for d in TORCH_DIVERGENCES if not d.signed]
    assert not unsigned, f"declared divergences without a signature: {unsigned}"
    toy = pytest.importorskip("toy_parametrize.adapter").ADAPTER
    assert all(d.signed for d in toy.divergences)


def test_a_signature_matches_type_and_message():
    divergence = Divergence("CACHE-NESTED", "why", "code", raises="AssertionError", match=r"got \d+")
    assert divergence.matches(AssertionError("x: got 3, expected 4"))
    assert not divergence.matches(AssertionError("x: got None"))
    assert not divergence.matches(RuntimeError("x: got 3"))
    assert divergence.matches(type("Sub", (AssertionError,), {})("got 5"))
    unsigned = Divergence("CACHE-NESTED", "why", "code")
    assert not unsigned.signed and unsigned.matches(KeyError("anything"))
    assert unsigned.signature == "any failure (unsigned)"


@pytest.mark.parametrize(
    "fields, problem",
    [({"raises": ("not a name",)}, "exception class names"), ({"match": "(unclosed"}, "not a regular expression")],
)
def test_a_malformed_signature_is_a_clear_error(fields, problem):
    with pytest.raises(AdapterError, match=problem):
        Divergence("CACHE-NESTED", "why", "code", **fields)


def test_an_unsigned_divergence_of_an_adapter_warns():
    from parametrize_conformance import reference

    adapter = Adapter(name="mine", api=reference, divergences=(Divergence("CACHE-NESTED", "why", "code"),))
    assert "CACHE-NESTED without a signature" in adapter.unsigned_summary()
    signed = dataclasses.replace(adapter, divergences=(Divergence("CACHE-NESTED", "why", "code", match="x"),))
    assert signed.unsigned_summary() == ""
