"""The report diff: how each clause is classified, the notes on mismatched suites and adapters, the terminal table."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from parametrize_conformance.clauses import Clause
from parametrize_conformance.report import STATUSES, build_report, rank, validate
from parametrize_conformance.report._compare import KINDS, Diff, classify, diff_reports, format_table

_OUTCOMES_OF = {
    "passed": ["passed"],
    "failed": ["failed"],
    "diverged": ["xfailed"],
    "unexpected-pass": ["xpassed"],
    "untested": [],
    "crashed": ["crashed"],
    "timeout": ["timeout"],
    "aborted": ["aborted"],
}
_ENVIRONMENT = {
    "python": "3.11.7",
    "platform": "Linux",
    "torch": "2.13.0",
    "hypothesis": "6.100.0",
    "pytest": "8.0.0",
    "device": {"type": "cpu", "name": "cpu", "cuda_runtime": None, "cuda_driver": None, "gpu": None},
}
COMMIT = "abc1234" + "0" * 33


def make_report(
    statuses: dict[str, str],
    adapter: str = "torch",
    version: str = "0.1.0",
    commit: str | None = COMMIT,
    exit: str = "completed",
) -> dict:
    """A valid report whose clauses (named by `statuses`' keys, in order) have the given statuses."""
    clauses = {c: Clause(c, "area", f"Statement of {c}.", "§0") for c in statuses}
    declared = {c: f"reason of {c}" for c, s in statuses.items() if s in ("diverged", "unexpected-pass")}
    header = {
        "suite": {"name": "parametrize-conformance", "version": version, "commit": commit, "clause_count": len(statuses)},
        "adapter": {
            "name": adapter,
            "spec": adapter,
            "version": "1.0",
            "device": "cpu",
            "dtypes": ["float32"],
            "import_line": f"import {adapter} as P",
            "declared": len(declared),
        },
        "environment": _ENVIRONMENT,
        "declared": declared,
    }
    results = [
        {
            "nodeid": f"conformance/test_x.py::test_{c}",
            "clause": c,
            "outcome": outcome,
            "duration_s": 0.01,
            "message": f"AssertionError: {c} broke",
        }
        for c, s in statuses.items()
        for outcome in _OUTCOMES_OF[s]
    ]
    run = {
        "started": "2025-01-01T00:00:00+00:00",
        "finished": "2025-01-01T00:01:00+00:00",
        "duration_s": 60.0,
        "hypothesis_profile": "ci",
        "hypothesis_seed": None,
        "derandomize": True,
        "arguments": ["conformance"],
        "exit": exit,
        "message": "" if exit == "completed" else "interrupted by the user",
        "restarts": 0,
        "isolated": False,
    }
    report = build_report(header, results, run, clauses)
    validate(report)
    return report


def _one(base: str | None, new: str | None):
    """The change of clause C between a base and a new report that hold it with these statuses (None: absent)."""
    diff = diff_reports(
        make_report({"C": base} if base else {"K": "passed"}), make_report({"C": new} if new else {"K": "passed"})
    )
    return next(c for c in diff.changes if c.clause == "C")


@pytest.mark.parametrize(
    ("base", "new", "kind"),
    [
        ("passed", "passed", "unchanged"),
        ("diverged", "diverged", "unchanged"),
        ("failed", "failed", "unchanged"),
        ("passed", "diverged", "regressed"),
        ("passed", "untested", "regressed"),
        ("diverged", "failed", "regressed"),
        ("failed", "crashed", "regressed"),
        ("passed", "unexpected-pass", "regressed"),
        ("failed", "passed", "fixed"),
        ("diverged", "unexpected-pass", "fixed"),
        ("crashed", "timeout", "fixed"),
        (None, "failed", "added"),
        ("failed", None, "removed"),
    ],
)
def test_classification(base, new, kind):
    change = _one(base, new)
    assert (change.kind, change.base, change.new) == (kind, base, new)


def test_classify_follows_rank_for_every_pair():
    for base, new in itertools.product(STATUSES, repeat=2):
        expected = "unchanged" if base == new else "regressed" if rank(new) > rank(base) else "fixed"
        assert classify(base, new) == expected, (base, new)


def test_change_carries_the_new_reports_message_or_reason_and_statement():
    assert _one("passed", "failed").detail == "AssertionError: C broke"
    assert _one("passed", "diverged").detail == "reason of C"
    assert _one("failed", "passed").detail is None
    assert _one("passed", "failed").statement == "Statement of C."
    assert _one("passed", None).statement == "Statement of C."


def test_regressed_lists_only_regressions_and_added_or_removed_are_not_gated():
    base = make_report({"A": "passed", "B": "failed", "C": "passed", "GONE": "passed"})
    new = make_report({"A": "failed", "B": "passed", "C": "passed", "NEW": "crashed"})
    diff = diff_reports(base, new)
    assert [c.clause for c in diff.regressed] == ["A"]
    assert diff.counts() == {"unchanged": 1, "fixed": 1, "regressed": 1, "added": 1, "removed": 1}
    assert [c.clause for c in diff.changes] == ["A", "B", "C", "NEW", "GONE"]
    assert tuple(diff.counts()) == KINDS


def test_diff_is_frozen():
    diff = diff_reports(make_report({"A": "passed"}), make_report({"A": "passed"}))
    assert isinstance(diff, Diff)
    with pytest.raises(dataclasses.FrozenInstanceError):
        diff.notes = ()


def test_same_suite_same_adapter_has_no_notes():
    assert diff_reports(make_report({"A": "passed"}), make_report({"A": "failed"})).notes == ()


def test_suite_version_and_clause_set_mismatch_is_noted():
    base = make_report({"A": "passed", "B": "passed", "C": "passed"}, version="0.1.0", commit="abc1234" + "0" * 33)
    new = make_report({"B": "passed", "C": "passed", "D": "failed"}, version="0.2.0", commit="def5678" + "0" * 33)
    assert diff_reports(base, new).notes == (
        "suite versions differ (base 0.1.0 abc1234, new 0.2.0 def5678): compared the 2 clauses both have; "
        "1 added and 1 removed are not gated",
    )


def test_commit_mismatch_alone_is_noted_and_a_missing_commit_named():
    notes = diff_reports(make_report({"A": "passed"}, commit=None), make_report({"A": "passed"})).notes
    assert notes == (
        "suite versions differ (base 0.1.0 no commit, new 0.1.0 abc1234): compared the 1 clauses both "
        "have; 0 added and 0 removed are not gated",
    )


def test_clause_set_mismatch_in_the_same_suite_is_noted():
    notes = diff_reports(make_report({"A": "passed"}), make_report({"A": "passed", "B": "passed"})).notes
    assert notes == (
        "clause sets differ (base 0.1.0 abc1234, new 0.1.0 abc1234): compared the 1 clauses both have; "
        "1 added and 0 removed are not gated",
    )


def test_adapter_mismatch_is_noted():
    notes = diff_reports(make_report({"A": "passed"}, adapter="reference"), make_report({"A": "passed"})).notes
    assert notes == ("comparing adapter torch against a baseline of reference",)


def test_format_table_lists_changed_clauses_then_counts():
    base = make_report({"A": "passed", "B": "failed", "LONGER-ID": "passed", "D": "passed"})
    new = make_report({"A": "failed", "B": "passed", "LONGER-ID": "diverged", "D": "passed"})
    assert format_table(diff_reports(base, new)) == [
        "regressed  A          passed -> failed    AssertionError: A broke",
        "fixed      B          failed -> passed    was: AssertionError: B broke",
        "regressed  LONGER-ID  passed -> diverged  reason of LONGER-ID",
        "unchanged 1, fixed 1, regressed 2, added 0, removed 0",
    ]


def test_format_table_shows_notes_absent_statuses_and_cuts_long_messages():
    base = make_report({"A": "passed", "GONE": "passed"}, adapter="reference")
    new = make_report({"A": "failed", "NEW": "passed"})
    new["clauses"]["A"]["message"] = "AssertionError: " + "x" * 300
    lines = format_table(diff_reports(base, new))
    assert lines[0] == "note: comparing adapter torch against a baseline of reference"
    assert lines[1].startswith("note: clause sets differ")
    assert lines[2].startswith("regressed  A     passed -> failed  AssertionError: xxx") and lines[2].endswith("...")
    assert len(lines[2]) < 160
    assert lines[3:] == [
        "added      NEW   - -> passed",
        "removed    GONE  passed -> -",
        "unchanged 0, fixed 0, regressed 1, added 1, removed 1",
    ]


def test_format_table_of_identical_reports_is_the_count_line():
    report = make_report({"A": "passed", "B": "diverged"})
    assert format_table(diff_reports(report, report)) == ["unchanged 2, fixed 0, regressed 0, added 0, removed 0"]
