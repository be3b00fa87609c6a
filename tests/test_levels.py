"""Clause levels in reports, the terminal's conforms line, the diff and the matrix, and --level's exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_report_core import RUN, _header, _result
from test_report_diff import make_report

from parametrize_conformance.clauses import CLAUSES, Clause
from parametrize_conformance.report import (
    STATUSES,
    build_report,
    diff_reports,
    format_table,
    load_report,
    render_html,
    render_markdown,
    summary_lines,
    validate,
)

TESTS = Path(__file__).resolve().parent
TABLE = {
    "A-ONE": Clause("A-ONE", "alpha", "Statement A1.", "§1"),
    "A-TWO": Clause("A-TWO", "alpha", "Statement A2.", "§1"),
    "B-ONE": Clause("B-ONE", "beta", "Statement B1.", "§2", level="recommended", basis="stricter than the docs"),
    "B-TWO": Clause("B-TWO", "beta", "Statement B2.", "§2", level="recommended", basis="stricter than the docs"),
}


def _build(results, declared=None, **run):
    header = {**_header(declared), "suite": {**_header()["suite"], "clause_count": len(TABLE)}}
    report = build_report(header, results, {**RUN, **run}, TABLE)
    validate(report)
    return report


def _zero():
    return {"total": 0, **{s: 0 for s in STATUSES}}


# --- reports -------------------------------------------------------------------------------------------------------


def test_build_report_records_each_clauses_level_and_counts_each_level():
    report = _build(
        [_result("A-ONE", "passed"), _result("A-TWO", "failed"), _result("B-ONE", "xfailed"), _result("B-TWO", "failed")],
        declared={"B-ONE": "known"},
    )
    assert {c: e["level"] for c, e in report["clauses"].items()} == {
        "A-ONE": "required",
        "A-TWO": "required",
        "B-ONE": "recommended",
        "B-TWO": "recommended",
    }
    assert report["clauses"]["B-ONE"]["basis"] == "stricter than the docs" and report["clauses"]["A-ONE"]["basis"] == ""
    by_level = report["summary"]["by_level"]
    assert by_level["required"] == {**_zero(), "total": 2, "passed": 1, "failed": 1}
    assert by_level["recommended"] == {**_zero(), "total": 2, "diverged": 1, "failed": 1}
    assert report["summary"]["failed"] == 2, "the overall counts still count both levels"
    assert report["run"]["level"] == "required", "a run that does not say counts the required level"
    assert _build([], level="recommended")["run"]["level"] == "recommended"


def test_a_report_older_than_the_level_fields_loads_with_them_filled_in(tmp_path):
    report = make_report({"REMOVE-KEEPS-ORDER": "failed", "REGISTER-ATOMIC": "passed", "NOT-A-CLAUSE-ANY-MORE": "passed"})
    for entry in report["clauses"].values():
        del entry["level"], entry["basis"]
    del report["summary"]["by_level"], report["run"]["level"]
    validate(report)  # the old shape is still valid
    path = tmp_path / "old.json"
    path.write_text(json.dumps(report))
    loaded = load_report(path)
    assert CLAUSES["REMOVE-KEEPS-ORDER"].level == "recommended"
    assert {c: e["level"] for c, e in loaded["clauses"].items()} == {
        "REMOVE-KEEPS-ORDER": "recommended",
        "REGISTER-ATOMIC": "required",
        "NOT-A-CLAUSE-ANY-MORE": "required",
    }
    assert loaded["summary"]["by_level"]["recommended"] == {**_zero(), "total": 1, "failed": 1}
    assert loaded["run"]["level"] == "required"
    assert loaded["clauses"]["REMOVE-KEEPS-ORDER"]["basis"] == CLAUSES["REMOVE-KEEPS-ORDER"].basis != ""
    assert "basis" not in loaded["clauses"]["NOT-A-CLAUSE-ANY-MORE"]
    validate(loaded)


# --- the terminal summary ------------------------------------------------------------------------------------------


def test_summary_conforms_line_of_a_conforming_run():
    report = _build(
        [_result("A-ONE", "passed"), _result("A-TWO", "xfailed"), _result("B-ONE", "passed")], declared={"A-TWO": "known"}
    )
    lines = summary_lines(report)
    assert lines[-2:] == [
        "required level: conforms (1 passed, 1 declared divergence)",
        "recommended level (not counted; --level recommended counts it): 1 passed, 1 untested",
    ]
    assert "  A-TWO [required]: known" in lines


def test_summary_conforms_line_of_a_run_that_does_not_conform():
    report = _build([_result("A-ONE", "failed", message="E: boom"), _result("A-TWO", "crashed"), _result("B-ONE", "passed")])
    lines = summary_lines(report)
    assert lines[-2] == "required level: does not conform: 1 failed, 1 crashed (A-ONE, A-TWO)"
    assert "  A-ONE [required]: Statement A1." in lines


def test_summary_conforms_line_when_only_a_recommended_clause_fails():
    report = _build(
        [_result("A-ONE", "passed"), _result("A-TWO", "passed"), _result("B-ONE", "failed"), _result("B-TWO", "xfailed")],
        declared={"B-TWO": "known"},
    )
    lines = summary_lines(report)
    assert lines[-2:] == [
        "required level: conforms (2 passed)",
        "recommended level (not counted; --level recommended counts it): 1 failed (B-ONE), 0 passed, 1 declared divergence",
    ]
    assert "  B-ONE [recommended]: Statement B1." in lines and "  B-TWO [recommended]: known" in lines
    counted = summary_lines({**report, "run": {**report["run"], "level": "recommended"}})
    assert counted[-1] == "recommended level: does not conform: 1 failed (B-ONE)", "both levels counted: no more line"


def test_summary_conforms_line_counts_only_the_selected_clauses_and_a_run_that_did_not_complete():
    report = _build([_result("A-ONE", "passed")], clauses=["A-ONE"], exit="crashed", message="died")
    assert summary_lines(report)[-1] == "required level: does not conform: the run ended crashed"
    report = _build([_result("A-ONE", "passed")], clauses=["A-ONE"])
    assert summary_lines(report)[-1] == "required level: conforms (1 passed)", "unselected clauses are not untested"


# --- diff and matrix -----------------------------------------------------------------------------------------------


def test_diff_and_matrix_tag_recommended_clauses_and_a_recommended_regression_is_a_regression():
    base = _build([_result("A-ONE", "passed"), _result("B-ONE", "passed")])
    new = _build([_result("A-ONE", "failed", message="E: a"), _result("B-ONE", "failed", message="E: b")])
    diff = diff_reports(base, new)
    assert {c.clause: c.level for c in diff.regressed} == {"A-ONE": "required", "B-ONE": "recommended"}
    table = format_table(diff)
    assert any(line.startswith("regressed  A-ONE ") for line in table)
    assert any(line.startswith("regressed  B-ONE [recommended]  passed -> failed") for line in table)
    markdown = render_markdown([new])
    assert "| B-ONE [recommended] | Statement B1. |" in markdown and "| A-ONE | Statement A1. |" in markdown
    assert "/ B-ONE [recommended] (failed)" in markdown
    html = render_html([new])
    assert 'data-clause="B-ONE" data-level="recommended"' in html and '<span class="level"' in html
    assert 'Statement B1. — recommended: stricter than the docs"' in html, "the basis is the clause id's tooltip"


# --- exit status ---------------------------------------------------------------------------------------------------

UNDECLARED = "level_adapters:TORCH_UNDECLARED"


@pytest.mark.parametrize(
    ("clause", "level", "code"),
    [
        ("REMOVE-KEEPS-ORDER", None, 0),
        ("REMOVE-KEEPS-ORDER", "recommended", 1),
        ("REGISTER-ATOMIC", None, 1),
    ],
    ids=["recommended-not-counted", "recommended-counted", "required"],
)
def test_exit_status_counts_only_the_counted_level(suite, tmp_path, clause, level, code):
    assert CLAUSES["REMOVE-KEEPS-ORDER"].level == "recommended" and CLAUSES["REGISTER-ATOMIC"].level == "required"
    path = tmp_path / "r.json"
    result = suite(
        "conformance",
        "--adapter",
        UNDECLARED,
        "--clauses",
        clause,
        "--report",
        str(path),
        *(["--level", level] if level else []),
        pythonpath=[TESTS],
    )
    assert result.returncode == code, result.stdout[-3000:] + result.stderr[-2000:]
    report = load_report(path)
    assert report["clauses"][clause]["status"] == "failed", "torch breaks both clauses and declares neither here"
    assert report["run"]["level"] == (level or "required")
    verdict = f"{level or 'required'} level: " + ("conforms (" if code == 0 else f"does not conform: 1 failed ({clause})")
    assert any(line.startswith(verdict) for line in result.stdout.splitlines()), result.stdout[-3000:]


def test_a_failure_outside_the_counted_clauses_still_fails_the_run(suite, tmp_path):
    (tmp_path / "test_extra.py").write_text("def test_plain():\n    assert False\n")
    # Note: --clauses would deselect the plain test; -k picks it and the recommended clause's test.
    result = suite(
        "conformance",
        str(tmp_path / "test_extra.py"),
        "--adapter",
        UNDECLARED,
        "-k",
        "test_remove_keeps_order or test_plain",
        pythonpath=[TESTS],
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "required level: conforms (" in result.stdout, "the clauses conform; the plain test fails the run"


def test_isolated_runs_count_the_level_too(suite, tmp_path):
    result = suite(
        "conformance",
        "--adapter",
        UNDECLARED,
        "--isolate",
        "--clauses",
        "REMOVE-KEEPS-ORDER",
        "--report-dir",
        str(tmp_path),
        pythonpath=[TESTS],
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "required level: conforms" in result.stdout
    result = suite(
        "conformance",
        "--adapter",
        UNDECLARED,
        "--isolate",
        "--clauses",
        "REMOVE-KEEPS-ORDER",
        "--level",
        "recommended",
        "--report-dir",
        str(tmp_path / "r"),
        pythonpath=[TESTS],
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "recommended level: does not conform: 1 failed (REMOVE-KEEPS-ORDER)" in result.stdout
