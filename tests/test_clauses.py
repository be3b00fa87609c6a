"""The clause table and the suite agree: one test function per clause, named after it, and nothing else."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from parametrize_conformance import AREAS, CLAUSES, LEVELS, Clause

SUITE = Path(__file__).resolve().parent.parent / "conformance"


def suite_tests() -> dict[str, str | None]:
    """Every test function in the suite, mapped to the clause its name names (None when it names none)."""
    by_test_name = {c.test_name: c.id for c in CLAUSES.values()}
    found: dict[str, str | None] = {}
    for path in sorted(SUITE.glob("test_*.py")):
        for node in ast.parse(path.read_text()).body:
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
                assert node.name not in found, f"{node.name} is defined twice"
                found[node.name] = by_test_name.get(node.name)
    return found


def test_no_suite_test_writes_a_clause_marker():
    written = [
        f"{path.name}::{node.name}"
        for path in sorted(SUITE.glob("test_*.py"))
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef)
        and any(getattr(getattr(d, "func", None), "attr", "") == "clause" for d in node.decorator_list)
    ]
    assert not written, f"the clause marker is derived from the test's name; drop the written ones: {written}"


def test_every_clause_has_exactly_its_test():
    tests = suite_tests()
    missing = [c.id for c in CLAUSES.values() if tests.get(c.test_name) != c.id]
    assert not missing, f"clauses without their test function: {missing}"


def test_every_test_checks_one_known_clause():
    unmarked = [name for name, clause in suite_tests().items() if clause not in CLAUSES]
    assert not unmarked, f"suite tests whose name names no clause: {unmarked}"


def test_clause_table_is_well_formed():
    assert len(AREAS) == len(set(AREAS))
    for clause in CLAUSES.values():
        assert clause.area in AREAS and clause.statement.endswith(".") and clause.source, clause
        assert clause.id == clause.id.upper() and " " not in clause.id, clause


_CITES = ("docs", "T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9", "invariant", "torch.load")


def test_every_clause_has_a_level_and_a_basis_that_cites_its_ground():
    for clause in CLAUSES.values():
        assert clause.level in LEVELS, clause
        assert clause.basis and "\n" not in clause.basis, f"{clause.id}: the basis is one line"
        assert any(word in clause.basis for word in _CITES), f"{clause.id}: basis cites no docs, test or invariant"


def test_an_unknown_level_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="level 'must' is not one of required, recommended"):
        Clause("X-ONE", "x", "Statement.", "§0", level="must")


def _bullets(section: str) -> list[str]:
    """The section's top-level list items, each with its continuation lines joined by one space."""
    items: list[list[str]] = []
    current: list[str] | None = None
    for line in section.splitlines():
        if line.startswith("- "):
            current = [line[2:]]
            items.append(current)
        elif line.startswith("  ") and current is not None:
            current.append(line.strip())
        else:
            current = None
    return [" ".join(parts) for parts in items]


def test_the_design_page_lists_the_recommended_clauses_with_their_basis():
    page = (SUITE.parent / "docs" / "design.md").read_text()
    section = page.split("\n## Clause levels\n", 1)[1].split("\n## ", 1)[0]
    listed = dict(re.fullmatch(r"`([A-Z0-9-]+)`: (.*)", item).groups() for item in _bullets(section) if item.startswith("`"))
    assert listed == {c.id: c.basis for c in CLAUSES.values() if c.level == "recommended"}
    counts = {level: sum(c.level == level for c in CLAUSES.values()) for level in LEVELS}
    assert f"**required** ({counts['required']} clauses)" in section
    assert f"**recommended** ({counts['recommended']} clauses)" in section
