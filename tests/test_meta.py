"""Meta-tests: the suite rejects every planted bug, and passes on the reference and on torch."""

from __future__ import annotations

import pytest
from mutants import MUTANTS
from mutation import failing_clauses

from adapters import load_adapter
from conformance import AREAS, CLAUSES


def test_reference_passes_every_clause(suite):
    result = suite("conformance", "--adapter", "reference")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Failing clauses:" not in result.stdout
    rows = [line.split() for line in result.stdout.splitlines()]
    passed = sum(int(row[1]) for row in rows if row and row[0] in AREAS)
    assert passed == len(CLAUSES), f"the summary counts {passed} passing clauses, expected all {len(CLAUSES)}"


def test_torch_fails_exactly_its_declared_divergences(suite):
    result = suite("conformance", "--adapter", "torch", "-rxX")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    declared = {d.clause for d in load_adapter("torch").divergences}
    listed = _section(result.stdout, "Declared divergences:")
    stale = _section(result.stdout, "Declared divergences that passed (remove them from the adapter):")
    assert not stale, f"torch passes clauses it declares divergent: {stale}"
    assert listed == declared, f"diverged: {sorted(listed)}, declared: {sorted(declared)}"


def _section(stdout: str, title: str) -> set[str]:
    lines = stdout.splitlines()
    if title not in lines:
        return set()
    out = set()
    for line in lines[lines.index(title) + 1:]:
        if not line.startswith("  "):
            break
        out.add(line.strip().split(":")[0])
    return out


def test_mutants_are_many_and_spread_over_areas():
    assert len(MUTANTS) >= 20
    assert len({m.name for m in MUTANTS}) == len(MUTANTS)
    areas = {CLAUSES[m.clause].area for m in MUTANTS}
    assert len(areas) >= 10, f"mutants cover only {sorted(areas)}"


@pytest.mark.parametrize("mutant", MUTANTS, ids=lambda m: m.name)
def test_suite_rejects_mutant(mutant, suite, tmp_path):
    mutant.build(tmp_path)
    result = suite("conformance", "--adapter", mutant.package, "--clauses", mutant.clause, pythonpath=[tmp_path])
    assert result.returncode == 1, f"{mutant.name} ({mutant.bug}) was not rejected:\n" + result.stdout[-3000:]
    assert mutant.clause in failing_clauses(result.stdout), result.stdout[-3000:]
