"""The planted bugs are keyed by AST edits: each applies to the reference, formatted any way, and one whose target
is gone fails with a message that names it. Fast: no suite run (the meta-tests run the suite on each bug)."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from planted import REFERENCE, Drop, Insert, Negate, PlantedBug, PlantedBugError, Replace
from planted_bugs import PLANTED_BUGS


def test_every_planted_bug_changes_the_reference():
    for bug in PLANTED_BUGS:
        original = ast.unparse(ast.parse((REFERENCE / bug.module).read_text())) + "\n"
        assert bug.apply() != original, f"{bug.name} leaves reference/{bug.module} as it is"


@pytest.fixture(scope="module", params=[80, 140])
def reformatted(request, tmp_path_factory) -> Path:
    """A copy of the reference put through `ruff format` at another line length."""
    copy = tmp_path_factory.mktemp(f"line_length_{request.param}") / "reference"
    shutil.copytree(REFERENCE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    command = [sys.executable, "-m", "ruff", "format", "--isolated", "--line-length", str(request.param), str(copy)]
    subprocess.run(command, check=True, capture_output=True, text=True, timeout=120)
    return copy


def test_reformatting_the_reference_breaks_no_planted_bug(reformatted):
    changed = [p.name for p in REFERENCE.glob("*.py") if p.read_text() != (reformatted / p.name).read_text()]
    assert changed, "ruff format changed nothing: the test would prove nothing"
    for bug in PLANTED_BUGS:
        assert bug.apply(reformatted) == bug.apply(), f"{bug.name} gives another module once the reference is reformatted"


def test_the_built_copy_holds_the_bug(tmp_path):
    bug = next(b for b in PLANTED_BUGS if b.name == "register-returns-none")
    package = bug.build(tmp_path)
    assert package == tmp_path / bug.package
    assert (package / bug.module).read_text() == bug.apply()
    untouched = REFERENCE / "_list.py"
    assert (package / "_list.py").read_text() == untouched.read_text()


def planted(edit, function: str = "_check_stack", module: str = "_register.py") -> PlantedBug:
    return PlantedBug("probe", "REGISTER-VALUE", module, function, edit, "a probe")


@pytest.mark.parametrize(
    ("bug", "missing"),
    [
        (planted(Drop("return module"), module="_gone.py"), "(_gone.py): module not found"),
        (planted(Drop("return module"), function="_gone"), "function '_gone' not found"),
        (
            planted(Drop("return module"), function="ParametrizationList._gone", module="_list.py"),
            "function 'ParametrizationList._gone' not found",
        ),
        (planted(Replace("no_such_name", "None")), "'no_such_name' not found in function '_check_stack'"),
        (planted(Insert("no_such_call()", "pass")), "'no_such_call()' not found"),
        (planted(Negate("isinstance(q, Tensor)")), "'isinstance(q, Tensor)' not found"),
        (planted(Replace("name", "other")), "'name' occurs"),
        (planted(Replace("x = (", "y")), "is not Python"),
    ],
)
def test_a_planted_bug_whose_target_is_gone_fails_naming_it(bug, missing):
    with pytest.raises(PlantedBugError) as caught:
        bug.apply()
    message = str(caught.value)
    assert "\n" not in message and message.startswith("planted bug probe (") and missing in message, message
    assert "re-key it" in message, message


def test_a_negated_condition_is_planted():
    text = planted(Negate("inverse is None")).apply()
    assert "if not inverse is None:" in text
