"""Checks after a declared divergence still run: checks.all_checks runs every check of a test and raises what failed,
and a failure beside the declared one fails the clause with its own message (run.expectations)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest
from hypothesis.errors import UnsatisfiedAssumption
from torch_ports import run_clause, write_port

from parametrize_conformance.adapters import Divergence
from parametrize_conformance.checks import all_checks, assert_equal
from parametrize_conformance.report import load_report
from parametrize_conformance.run.expectations import Expected

if sys.version_info < (3, 11):
    from exceptiongroup import ExceptionGroup

# Note: REMOVE-MULTI-KEEPS-KIND is declared for torch 2.13 (a frozen Parameter under a multi-input parametrization
# comes back as a buffer); the test checks the frozen case first. The planted bug makes the trainable case a buffer
# too, which a divergence ending the test at its first check would hide.
CLAUSE = "REMOVE-MULTI-KEEPS-KIND"
ADAPTERS = """
import torch_multi_removal_bug
from parametrize_conformance.adapters import Adapter

SIGNED = Adapter.like_torch(torch_multi_removal_bug, name="torch-multi-removal-bug")
"""


def _plant_multi_removal_gives_buffers(source: str) -> str:
    """torch's parametrize.py whose remove_parametrizations leaves a multi-input tensor as a plain tensor (a buffer)
    even when its value requires grad: `original = Parameter(t) if ... else t` made `original = t` (found through the
    AST, so no text of torch's is needed here)."""
    tree = ast.parse(source)
    remove = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "remove_parametrizations")
    choice = next(
        n
        for n in ast.walk(remove)
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.IfExp) and "Parameter" in ast.unparse(n.value.body)
    )
    lines = source.splitlines(keepends=True)
    at = choice.lineno - 1
    assert choice.end_lineno == choice.lineno, ast.unparse(choice)
    indent = lines[at][: len(lines[at]) - len(lines[at].lstrip())]
    lines[at] = f"{indent}{ast.unparse(choice.targets[0])} = {ast.unparse(choice.value.orelse)}\n"
    return "".join(lines)


@pytest.fixture(scope="module")
def planted(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("multi_removal_bug")
    return write_port(folder, "torch_multi_removal_bug", _plant_multi_removal_gives_buffers, ADAPTERS)


def test_a_failure_after_the_declared_one_fails_the_clause(suite, planted, tmp_path):
    report = tmp_path / "report.json"
    result = run_clause(suite, planted, "torch_multi_removal_bug_adapters:SIGNED", CLAUSE, report)
    assert result.returncode == 1, result.stdout[-3000:]
    entry = load_report(report)["clauses"][CLAUSE]
    assert entry["status"] == "failed", entry
    # The message and the reproducer are the undeclared failure's; the declared one was met beside it.
    assert entry["message"].startswith("AssertionError: where 'weight' is registered after removing a trainable"), entry
    assert "module.weight.requires_grad_(requires_grad)" in entry["reproducer"], entry["reproducer"]
    assert "the declared failure was met" in entry["reproducer"], entry["reproducer"]


def test_the_unplanted_torch_file_stays_diverged(suite, tmp_path):
    report = tmp_path / "torch.json"
    result = suite("--pyargs", "parametrize_conformance", "--adapter", "torch", "--clauses", CLAUSE, "--report", str(report))
    assert result.returncode == 0, result.stdout[-3000:]
    assert load_report(report)["clauses"][CLAUSE]["status"] == "diverged"


def test_every_check_runs_and_one_failure_is_raised_as_itself():
    ran = []
    first = AssertionError("x: got 1, expected 2")
    with pytest.raises(AssertionError) as info, all_checks() as check:
        with check():
            ran.append(1)
            raise first
        with check():
            ran.append(2)
    assert ran == [1, 2] and info.value is first


def test_several_failures_are_one_group():
    with pytest.raises(ExceptionGroup) as info, all_checks() as check:
        with check():
            assert_equal(1, 2, "x")
        with check():
            raise RuntimeError("the implementation's own error")
    assert [type(e).__name__ for e in info.value.exceptions] == ["AssertionError", "RuntimeError"]
    assert str(info.value).startswith("2 checks failed")


def test_a_pytest_raises_that_saw_nothing_is_a_failure_too():
    with pytest.raises(ExceptionGroup) as info, all_checks() as check:
        with check(), pytest.raises(ValueError):
            pass
        with check():
            assert_equal(1, 2, "x")
    assert [type(e).__name__ for e in info.value.exceptions] == ["AssertionError", "AssertionError"]
    assert "DID NOT RAISE" in str(info.value.exceptions[0])
    with pytest.raises(pytest.fail.Exception), all_checks() as check, check(), pytest.raises(ValueError):
        pass  # alone, it is raised as itself


def test_hypothesis_control_flow_passes_through():
    with pytest.raises(UnsatisfiedAssumption), all_checks() as check, check():
        raise UnsatisfiedAssumption()


def test_a_group_fails_on_its_undeclared_failures_alone():
    expected = Expected((Divergence(CLAUSE, "why", "code", raises="AssertionError", match="frozen"),))
    declared, other = AssertionError("after removing a frozen one"), AssertionError("after removing a trainable one")
    assert expected.undeclared(ExceptionGroup("2 checks failed", [declared, other])) is other
    assert expected.seen == 1 and expected.first == "AssertionError: after removing a frozen one"
    both = ExceptionGroup("2 checks failed", [declared, declared])
    assert expected.absorbs(both)
    alone = AssertionError("unrelated")
    assert expected.undeclared(alone) is alone
