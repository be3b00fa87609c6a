"""Meta-tests: the suite rejects every planted bug, and passes on the reference and on torch."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from planted_bugs import PLANTED_BUGS
from test_cuda_adapters import DEVICE_MUTANTS

from parametrize_conformance import AREAS, CLAUSES
from parametrize_conformance.adapters import load_adapter
from parametrize_conformance.report import load_report

# Note: the device clauses need an adapter on a CUDA device; on the CPU adapters they are untested.
DEVICE = {c for c, clause in CLAUSES.items() if clause.area == "device"}
# Note: areas no planted bug needs to cover (none: every area, the sequence one included, has at least two).
EXEMPT_AREAS: frozenset[str] = frozenset()


def test_reference_passes_every_clause(suite, tmp_path):
    result = suite("conformance", "--adapter", "reference", "--report", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    report = load_report(tmp_path / "r.json")
    not_passed = {c: e["status"] for c, e in report["clauses"].items() if e["status"] != "passed"}
    assert not_passed == dict.fromkeys(DEVICE, "untested"), f"the reference does not pass: {not_passed}"
    assert report["summary"]["passed"] == len(CLAUSES) - len(DEVICE)


def test_torch_fails_exactly_its_declared_divergences(suite, tmp_path):
    result = suite("conformance", "--adapter", "torch", "--report", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    report = load_report(tmp_path / "r.json")
    declared = {d.clause for d in load_adapter("torch").divergences}
    statuses = {c: e["status"] for c, e in report["clauses"].items()}
    diverged = {c for c, s in statuses.items() if s == "diverged"}
    assert diverged == declared, f"diverged: {sorted(diverged)}, declared: {sorted(declared)}"
    assert {s for c, s in statuses.items() if c not in declared | DEVICE} == {"passed"}, statuses
    assert {statuses[c] for c in DEVICE} == {"untested"}, statuses


def test_mutants_are_many_and_spread_over_areas():
    assert len(PLANTED_BUGS) >= 20
    assert len({m.name for m in PLANTED_BUGS}) == len(PLANTED_BUGS)
    areas = {CLAUSES[m.clause].area for m in PLANTED_BUGS}
    assert len(areas) >= 10, f"mutants cover only {sorted(areas)}"


def test_every_area_has_at_least_two_planted_bugs():
    """Each area of the clause table is rejected by at least two planted bugs: those of tests/planted_bugs.py, and for the
    device area (untested on CPU adapters) those test_cuda_adapters.py runs CPU to CPU through the test-only switch."""
    assert {m.name for m in PLANTED_BUGS} >= set(DEVICE_MUTANTS), "a device planted bug is not in tests/planted_bugs.py"
    planted = Counter(CLAUSES[m.clause].area for m in PLANTED_BUGS)
    planted.update(CLAUSES[clause].area for clause in DEVICE_MUTANTS.values())
    assert EXEMPT_AREAS <= set(AREAS), f"exempt areas that are not areas: {sorted(EXEMPT_AREAS - set(AREAS))}"
    thin = {area: planted[area] for area in AREAS if planted[area] < 2 and area not in EXEMPT_AREAS}
    assert not thin, f"areas with fewer than two planted bugs: {thin}; add planted bugs for them to tests/planted_bugs.py"


@pytest.mark.parametrize("mutant", PLANTED_BUGS, ids=lambda m: m.name)
def test_suite_rejects_mutant(mutant, suite, tmp_path):
    mutant.build(tmp_path)
    report_path = tmp_path / "report.json"
    level = CLAUSES[mutant.clause].level
    # Note: the verdict profile (ci without shrinking): a planted bug needs its clause's verdict only, and shrinking
    # a compile or export example was most of the slowest mutants' time (242 s for one).
    result = suite(
        "conformance",
        "--adapter",
        mutant.package,
        "--clauses",
        mutant.clause,
        "--level",
        level,
        "--report",
        str(report_path),
        "-p",
        "verdict_profile",
        "--hypothesis-profile",
        "verdict",
        pythonpath=[tmp_path, Path(__file__).parent],
    )
    assert result.returncode == 1, f"{mutant.name} ({mutant.bug}) was not rejected:\n" + result.stdout[-3000:]
    status = load_report(report_path)["clauses"][mutant.clause]["status"]
    assert status == "failed", f"{mutant.name}: clause {mutant.clause} is {status}, expected failed"
