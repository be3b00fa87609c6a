"""The report core: the shipped schema and validation, clause statuses, building, the terminal summary, atomic writing,
the journal, and how the recorder turns pytest's phase reports into test outcomes. Fast: no subprocesses."""

from __future__ import annotations

import os
import stat
from importlib.resources import files
from pathlib import Path
from types import SimpleNamespace

import pytest
from test_report_diff import make_report

from parametrize_conformance.clauses import Clause
from parametrize_conformance.report import (
    OUTCOMES,
    SCHEMA_VERSION,
    STATUSES,
    ReportError,
    build_report,
    check_writable,
    clause_status,
    load_report,
    schema,
    summary_lines,
    validate,
    write_atomically,
    write_report,
)
from parametrize_conformance.run.journal import Journal, events_of, in_flight, read_journal
from parametrize_conformance.run.recording import _merge, clause_of_nodeid

BASELINES = Path(__file__).resolve().parent.parent / "reports" / "baseline"

# --- the schema ----------------------------------------------------------------------------------------------------


def test_schema_ships_with_the_package_and_matches_the_model():
    assert files("parametrize_conformance.report").joinpath("schema.json").is_file(), "schema.json is package data"
    loaded = schema()
    assert loaded["properties"]["schema"]["const"] == SCHEMA_VERSION
    assert set(loaded["$defs"]["status"]["enum"]) == set(STATUSES), "the schema's statuses are the model's"
    assert tuple(loaded["$defs"]["test"]["properties"]["outcome"]["enum"]) == OUTCOMES
    assert set(loaded["properties"]["summary"]["required"]) == {"total", *STATUSES}


@pytest.mark.parametrize("name", ["reference.json", "torch.json"])
def test_committed_baselines_validate(name):
    report = load_report(BASELINES / name)
    assert "baseline" in report, "a committed baseline is blessed"
    assert sum(report["summary"][s] for s in STATUSES) == report["summary"]["total"] == len(report["clauses"])


def _drop(*path):
    def mutate(report):
        *parents, last = path
        target = report
        for key in parents:
            target = target[key]
        del target[last]

    return mutate


def _set(value, *path):
    def mutate(report):
        *parents, last = path
        target = report
        for key in parents:
            target = target[key]
        target[last] = value

    return mutate


@pytest.mark.parametrize(
    ("mutate", "expected"),
    [
        (_drop("run", "exit"), ["at run:", "'exit' is a required property"]),
        (_drop("summary"), ["at (top level):", "'summary' is a required property"]),
        (_set("broken", "clauses", "A", "status"), ["at clauses/A/status:", "'broken' is not one of"]),
        (_set("weird", "clauses", "A", "tests", 0, "outcome"), ["at clauses/A/tests/0/outcome:", "'weird' is not one of"]),
        (_set(1, "extra"), ["at (top level):", "'extra' was unexpected"]),
        (_set(-1, "summary", "passed"), ["at summary/passed:", "-1 is less than the minimum of 0"]),
        (_set(2, "schema"), ["has schema 2", "reads report schema 1", "upgrade parametrize-conformance"]),
    ],
    ids=["missing-field", "missing-section", "clause-status", "test-outcome", "extra-key", "negative-count", "schema-2"],
)
def test_validate_names_the_violation(mutate, expected):
    report = make_report({"A": "passed"})
    validate(report)  # the base report is valid: the mutation alone makes it invalid
    mutate(report)
    with pytest.raises(ReportError) as caught:
        validate(report, "some.json")
    message = str(caught.value)
    assert message.startswith("some.json "), "the message names the file"
    for part in expected:
        assert part in message


def test_load_report_refuses_a_missing_file_and_non_json(tmp_path):
    with pytest.raises(ReportError, match="no such report"):
        load_report(tmp_path / "absent.json")
    (tmp_path / "junk.json").write_text("not json")
    with pytest.raises(ReportError, match="not JSON"):
        load_report(tmp_path / "junk.json")


# --- clause status -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("outcomes", "status"),
    [
        (["passed", "error", "failed", "aborted", "timeout", "crashed"], "crashed"),
        (["passed", "error", "failed", "aborted", "timeout"], "timeout"),
        (["passed", "error", "failed", "aborted"], "aborted"),
        (["passed", "failed"], "failed"),
        (["passed", "error"], "failed"),
        (["xfailed", "failed"], "failed"),
        (["xfailed", "error"], "failed"),
        (["passed", "xfailed"], "diverged"),
        (["xfailed", "skipped"], "diverged"),
        (["xpassed", "xpassed"], "unexpected-pass"),
        (["xpassed", "xfailed"], "diverged"),
        (["passed", "skipped"], "passed"),
        (["skipped", "skipped"], "untested"),
        ([], "untested"),
    ],
)
def test_clause_status_precedence(outcomes, status):
    assert clause_status(outcomes) == status
    assert clause_status(reversed(outcomes)) == status, "the order of the tests does not matter"


def test_clause_status_refuses_an_unknown_outcome():
    with pytest.raises(ValueError, match="unknown test outcome.*'exploded'"):
        clause_status(["passed", "exploded"])


# --- building ------------------------------------------------------------------------------------------------------

TABLE = {
    "A-ONE": Clause("A-ONE", "alpha", "Statement A1.", "§1"),
    "A-TWO": Clause("A-TWO", "alpha", "Statement A2.", "§1"),
    "B-ONE": Clause("B-ONE", "beta", "Statement B1.", "§2"),
    "B-TWO": Clause("B-TWO", "beta", "Statement B2.", "§2"),
}
ENVIRONMENT = {
    "python": "3.11.7",
    "platform": "Linux",
    "torch": "2.13.0",
    "hypothesis": "6.100.0",
    "pytest": "8.0.0",
    "device": {"type": "cpu", "name": "cpu", "cuda_runtime": None, "cuda_driver": None, "gpu": None},
}
RUN = {
    "started": "2025-01-01T00:00:00+00:00",
    "finished": "2025-01-01T00:01:00+00:00",
    "duration_s": 60.0,
    "hypothesis_profile": "ci",
    "hypothesis_seed": None,
    "derandomize": True,
    "arguments": ["conformance"],
    "exit": "completed",
    "message": "",
    "restarts": 0,
    "isolated": False,
}


def _header(declared=None):
    """A RunRecorder-shaped header for TABLE."""
    declared = declared or {}
    return {
        "suite": {"name": "parametrize-conformance", "version": "0.1.0", "commit": None, "clause_count": len(TABLE)},
        "adapter": {
            "name": "toy",
            "spec": "toy",
            "version": "1.0",
            "device": "cpu",
            "dtypes": ["float32"],
            "import_line": "import toy as P",
            "declared": len(declared),
        },
        "environment": ENVIRONMENT,
        "declared": declared,
    }


def _result(clause, outcome, duration=0.1, **extra):
    return {
        "nodeid": f"conformance/test_x.py::test_{clause.lower()}[{len(extra)}]",
        "clause": clause,
        "outcome": outcome,
        "duration_s": duration,
        **extra,
    }


def _build(results, declared=None):
    report = build_report(_header(declared), results, RUN, TABLE)
    validate(report)
    return report


def test_build_lists_every_clause_in_table_order():
    report = _build([_result("B-TWO", "passed")])
    assert list(report["clauses"]) == list(TABLE), "clauses without results are listed too, in the table's order"
    assert [c["status"] for c in report["clauses"].values()] == ["untested", "untested", "untested", "passed"]
    assert [(c["area"], c["statement"]) for c in report["clauses"].values()] == [
        (c.area, c.statement) for c in TABLE.values()
    ]
    assert report["run"] == {**RUN, "clauses": None, "level": "required"}, (
        "a run without a selection is recorded as a run of every clause, counting the required level"
    )
    assert report["environment"] == ENVIRONMENT and report["schema"] == SCHEMA_VERSION


def test_build_summary_counts_every_clause_once():
    report = _build(
        [
            _result("A-ONE", "passed"),
            _result("A-TWO", "xfailed"),
            _result("A-TWO", "passed"),
            _result("B-ONE", "crashed"),
            _result("B-ONE", "failed"),
        ]
    )
    counts = {
        "total": 4,
        "passed": 1,
        "unexpected-pass": 0,
        "diverged": 1,
        "untested": 1,
        "failed": 0,
        "aborted": 0,
        "timeout": 0,
        "crashed": 1,
    }
    assert report["summary"] == {
        **counts,
        "by_level": {"required": counts, "recommended": {"total": 0, **{s: 0 for s in STATUSES}}},
    }, "every clause of TABLE is required"
    assert sum(report["summary"][s] for s in STATUSES) == report["summary"]["total"]


def test_build_takes_message_and_reproducer_from_the_first_test_of_the_worst_kind():
    report = _build(
        [
            _result("A-ONE", "failed", message="F1", reproducer="RF1"),
            _result("A-ONE", "crashed", message="C1", reproducer="RC1"),
            _result("A-ONE", "crashed", message="C2", reproducer="RC2"),
            _result("A-TWO", "passed"),
            _result("A-TWO", "failed", message="F1"),
            _result("A-TWO", "failed", message="F2", reproducer="RF2"),
        ]
    )
    one, two = report["clauses"]["A-ONE"], report["clauses"]["A-TWO"]
    assert (one["status"], one["message"], one["reproducer"]) == ("crashed", "C1", "RC1"), "crashed outranks failed"
    assert (two["status"], two["message"], two["reproducer"]) == ("failed", "F1", None), "from one test, not mixed"


def test_build_gives_passing_and_diverged_clauses_no_message_but_keeps_each_tests_own():
    report = _build(
        [_result("A-ONE", "xfailed", message="declared", reproducer="R"), _result("A-TWO", "passed")],
        declared={"A-ONE": "known"},
    )
    clause = report["clauses"]["A-ONE"]
    assert (clause["status"], clause["message"], clause["reproducer"]) == ("diverged", None, None)
    assert clause["tests"][0]["message"] == "declared" and clause["tests"][0]["reproducer"] == "R"
    assert "message" not in report["clauses"]["A-TWO"]["tests"][0], "absent message keys stay absent"


def test_build_sums_durations_per_clause():
    report = _build([_result("A-ONE", "passed", 0.25), _result("A-ONE", "passed", 0.5), _result("A-ONE", "skipped", 0.125)])
    clause = report["clauses"]["A-ONE"]
    assert clause["duration_s"] == 0.875
    assert [t["duration_s"] for t in clause["tests"]] == [0.25, 0.5, 0.125]
    assert report["clauses"]["A-TWO"]["duration_s"] == 0


def test_build_attaches_declared_reasons_and_ignores_unknown_clauses():
    report = _build(
        [
            _result("A-ONE", "xfailed"),
            _result("B-ONE", "xpassed"),
            _result("NOT-A-CLAUSE", "failed"),
            {**_result("A-TWO", "failed"), "clause": None},
        ],
        declared={"A-ONE": "reason one", "B-ONE": "reason two", "NOT-A-CLAUSE": "ignored"},
    )
    assert {i: c["reason"] for i, c in report["clauses"].items()} == {
        "A-ONE": "reason one",
        "A-TWO": None,
        "B-ONE": "reason two",
        "B-TWO": None,
    }
    assert report["clauses"]["B-ONE"]["status"] == "unexpected-pass"
    assert "NOT-A-CLAUSE" not in report["clauses"]
    assert report["clauses"]["A-TWO"]["tests"] == [], "a result without a clause is no clause's test"
    assert report["summary"]["failed"] == 0


# --- terminal summary ----------------------------------------------------------------------------------------------


def test_summary_lines_list_failing_clauses_divergences_and_unexpected_passes():
    lines = summary_lines(make_report({"OK": "passed", "BAD": "failed", "DIV": "diverged", "UP": "unexpected-pass"}))
    assert lines[0].split() == ["area", "passed", "unexpected-pass", "diverged", "untested", "failed"]
    assert lines[1].split() == ["area", "1", "1", "1", "0", "1"]
    assert lines[2].split() == ["total", "1", "1", "1", "0", "1"]
    assert lines[3:] == [
        "Failing clauses:",
        "  BAD [required]: Statement of BAD.",
        "      failed: AssertionError: BAD broke",
        "Declared divergences:",
        "  DIV [required]: reason of DIV",
        "Declared divergences that passed (remove them from the adapter):",
        "  UP [required]: reason of UP",
        "required level: does not conform: 1 failed (BAD)",
    ]


def test_summary_lines_of_a_clean_run_are_the_table_and_the_conforms_line():
    lines = summary_lines(make_report({"A": "passed", "B": "untested"}))
    assert len(lines) == 4, "header, one area, total, conforms"
    assert lines[-1] == "required level: conforms (1 passed, 1 untested)"


@pytest.mark.parametrize("status", ["aborted", "timeout", "crashed"])
def test_summary_lines_show_rare_columns_only_when_non_zero(status):
    header = summary_lines(make_report({"A": "passed", "B": status}))[0].split()
    assert header == ["area", "passed", "unexpected-pass", "diverged", "untested", "failed", status]
    assert status not in summary_lines(make_report({"A": "passed"}))[0]


def test_summary_lines_say_when_a_failing_clause_has_no_message():
    report = _build([_result("A-ONE", "timeout")])
    lines = summary_lines(report)
    assert lines[lines.index("  A-ONE [required]: Statement A1.") + 1] == "      timeout: no message"
    assert lines[1].split()[0] == "alpha" and lines[2].split()[0] == "beta", "one row per area, in table order"


# --- writing -------------------------------------------------------------------------------------------------------


def _baseline_copy(tmp_path):
    path = tmp_path / "torch.json"
    path.write_bytes((BASELINES / "torch.json").read_bytes())
    return path


def test_write_report_round_trips_and_creates_the_directory(tmp_path):
    report = make_report({"A": "passed", "B": "failed"})
    path = write_report(tmp_path / "out" / "run.json", report)
    assert path == tmp_path / "out" / "run.json"
    assert load_report(path) == report
    assert path.read_text().endswith("}\n")
    write_report(path, make_report({"A": "failed"}))  # an ordinary earlier run is overwritten
    assert load_report(path)["summary"]["failed"] == 1


def test_write_report_refuses_a_blessed_baseline_unless_allowed(tmp_path):
    path = _baseline_copy(tmp_path)
    before = path.read_bytes()
    with pytest.raises(ReportError, match="blessed baseline"):
        write_report(path, make_report({"A": "passed"}))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["torch.json"], "no temporary file was left"
    write_report(path, make_report({"A": "passed"}), allow_baseline=True)
    assert list(load_report(path)["clauses"]) == ["A"]


@pytest.mark.parametrize(
    "content",
    [b"hello\n", b'{"clauses": {}}', b"[1, 2]", b"\xff\xfe"],
    ids=["text", "json-without-schema", "json-list", "binary"],
)
def test_write_report_refuses_a_file_that_is_not_a_report(tmp_path, content):
    path = tmp_path / "notes.json"
    path.write_bytes(content)
    with pytest.raises(ReportError, match="not a parametrize-conformance report"):
        write_report(path, make_report({"A": "passed"}))
    assert path.read_bytes() == content
    assert os.listdir(tmp_path) == ["notes.json"]


def test_check_writable_refuses_a_directory_and_accepts_a_new_path(tmp_path):
    with pytest.raises(ReportError, match="is a directory"):
        check_writable(tmp_path)
    with pytest.raises(ReportError, match="is a directory"):
        write_report(tmp_path, make_report({"A": "passed"}))
    check_writable(tmp_path / "new.json")  # nothing there: nothing to protect


def test_write_report_refuses_an_invalid_report_before_writing(tmp_path):
    bad = make_report({"A": "passed"})
    bad["summary"]["passed"] = -1
    with pytest.raises(ReportError, match="at summary/passed"):
        write_report(tmp_path / "new" / "run.json", bad)
    assert not (tmp_path / "new").exists(), "not even the directory is made"
    old = tmp_path / "run.json"
    write_report(old, make_report({"A": "passed"}))
    before = old.read_bytes()
    with pytest.raises(ReportError):
        write_report(old, bad)
    assert old.read_bytes() == before


def test_failed_rename_keeps_the_old_file_and_leaves_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "run.json"
    write_report(path, make_report({"A": "passed"}))
    before = path.read_bytes()

    def refuse(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError, match="No space left"):
        write_report(path, make_report({"A": "failed"}))
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["run.json"], "the temporary file was removed"


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_umask_permissions(tmp_path, umask):
    previous = os.umask(umask)
    try:
        write_atomically(tmp_path / "new.txt", "text")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o666 & ~umask, "as open() would have made it"
    assert (tmp_path / "new.txt").read_text() == "text"


@pytest.mark.parametrize("mode", [0o600, 0o644, 0o640])
def test_an_existing_file_keeps_its_mode(tmp_path, mode):
    path = tmp_path / "run.json"
    write_report(path, make_report({"A": "passed"}))
    path.chmod(mode)
    write_report(path, make_report({"A": "failed"}))
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert load_report(path)["clauses"]["A"]["status"] == "failed"


# --- journal -------------------------------------------------------------------------------------------------------


def test_journal_round_trips_events_in_order(tmp_path):
    journal = Journal(tmp_path / "run.journal")
    journal.append("meta", path=Path("x/y"))
    journal.append("start", nodeid="t::a", clause="A")
    journal.append("result", nodeid="t::a", clause="A", outcome="passed", duration_s=0.5)
    events = read_journal(journal.path)
    assert [e["event"] for e in events] == ["meta", "start", "result"]
    assert events[0]["path"] == "x/y", "values JSON cannot hold are written as strings"
    assert events[2]["outcome"] == "passed" and isinstance(events[2]["time"], float)
    assert read_journal(tmp_path / "absent.journal") == []


def test_journal_ignores_a_torn_last_line(tmp_path):
    journal = Journal(tmp_path / "run.journal")
    journal.append("start", nodeid="t::a", clause="A")
    with open(journal.path, "a", encoding="utf-8") as out:
        out.write('{"event": "result", "nodeid": "t::a", "outc')  # the process died mid-write
    assert [e["event"] for e in read_journal(journal.path)] == ["start"]


def test_an_event_after_a_torn_line_starts_a_line_of_its_own(tmp_path):
    journal = Journal(tmp_path / "run.journal")
    journal.append("start", nodeid="t::a", clause="A")
    with open(journal.path, "a", encoding="utf-8") as out:
        out.write('{"event": "result", "nod')  # the child died mid-write
    journal.append("result", nodeid="t::a", clause="A", outcome="crashed")  # the supervisor records the crash
    assert [e["event"] for e in read_journal(journal.path)] == ["start", "result"]
    assert in_flight(read_journal(journal.path)) is None


def test_a_negative_duration_counts_as_zero_in_the_clause_total():
    report = _build([_result("A-ONE", "passed", duration=-0.5), _result("A-ONE", "passed", duration=0.25, x=1)])
    assert report["clauses"]["A-ONE"]["duration_s"] == 0.25


def test_in_flight_is_the_last_started_test_without_a_result():
    events = [
        {"event": "start", "nodeid": "a"},
        {"event": "result", "nodeid": "a"},
        {"event": "start", "nodeid": "b"},
        {"event": "start", "nodeid": "c"},
        {"event": "result", "nodeid": "c"},
    ]
    assert in_flight(events)["nodeid"] == "b"
    assert in_flight(events[:4])["nodeid"] == "c"
    assert in_flight(events[:2]) is None
    assert in_flight([]) is None


def test_events_of_filters_one_kind_in_order():
    events = [
        {"event": "start", "nodeid": "a"},
        {"event": "result", "nodeid": "a"},
        {"event": "start", "nodeid": "b"},
        {"no-event": True},
    ]
    assert events_of(events, "start") == [events[0], events[2]]
    assert events_of(events, "finish") == []


# --- recording helpers ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nodeid", "clause"),
    [
        ("conformance/test_register.py::test_register_returns_module[float32]", "REGISTER-RETURNS-MODULE"),
        ("conformance/test_register.py::test_register_returns_module", "REGISTER-RETURNS-MODULE"),
        ("conformance/test_register.py::test_helper[float32]", None),
        ("tests/test_x.py::test_register_returns_modules", None),
    ],
)
def test_clause_of_nodeid(nodeid, clause):
    assert clause_of_nodeid(nodeid) == clause


def _phase(when, outcome, **extra):
    """A stand-in for pytest's TestReport of one phase."""
    return SimpleNamespace(
        when=when,
        outcome=outcome,
        passed=outcome == "passed",
        failed=outcome == "failed",
        skipped=outcome == "skipped",
        **extra,
    )


def _outcome(*phases, properties=None):
    """The outcome _merge gives after feeding it `phases` in order (properties apply to the call phase)."""
    current = None
    for phase in phases:
        current = _merge(current, phase, properties if phase.when == "call" and properties else {})
    return current


SETUP_OK, TEARDOWN_OK = _phase("setup", "passed"), _phase("teardown", "passed")


@pytest.mark.parametrize(
    ("phases", "outcome"),
    [
        ([_phase("setup", "failed"), TEARDOWN_OK], "error"),
        ([_phase("setup", "skipped"), TEARDOWN_OK], "skipped"),
        ([SETUP_OK, _phase("call", "passed"), TEARDOWN_OK], "passed"),
        ([SETUP_OK, _phase("call", "failed"), TEARDOWN_OK], "failed"),
        ([SETUP_OK, _phase("call", "skipped", wasxfail="declared"), TEARDOWN_OK], "xfailed"),
        ([SETUP_OK, _phase("call", "passed", wasxfail="declared"), TEARDOWN_OK], "xpassed"),
        ([SETUP_OK, _phase("call", "passed"), _phase("teardown", "failed")], "error"),
        ([SETUP_OK, _phase("call", "passed", wasxfail="declared"), _phase("teardown", "failed")], "error"),
        ([SETUP_OK, _phase("call", "failed"), _phase("teardown", "failed")], "failed"),
        ([_phase("setup", "failed"), _phase("teardown", "failed")], "error"),
    ],
    ids=[
        "setup-failed",
        "setup-skipped",
        "call-passed",
        "call-failed",
        "xfailed",
        "xpassed",
        "teardown-after-pass",
        "teardown-after-xpass",
        "teardown-after-fail",
        "teardown-after-setup-error",
    ],
)
def test_merge_turns_phase_reports_into_an_outcome(phases, outcome):
    assert _outcome(*phases) == outcome


def test_merge_marks_an_implementation_abort():
    assert _outcome(SETUP_OK, _phase("call", "failed"), TEARDOWN_OK, properties={"pc_outcome": "aborted"}) == "aborted"


def test_merge_keeps_the_first_phase_verdict():
    assert _merge("error", _phase("call", "passed"), {}) == "error", "a later phase never overrides setup's error"
    assert _merge("failed", _phase("call", "passed"), {"pc_outcome": "aborted"}) == "failed"
