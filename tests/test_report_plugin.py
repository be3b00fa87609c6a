"""The plugin's reports: the same under pytest-xdist as serially, a dead xdist worker reported as a crash, JUnit XML
passed through (one file per adapter in isolated runs), and failing clauses named with their statement."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conftest import ROOT

from parametrize_conformance.report import load_report

TESTS = ROOT / "tests"


def statuses(path) -> dict[str, str]:
    return {c: e["status"] for c, e in load_report(path)["clauses"].items()}


def test_a_report_under_xdist_equals_the_serial_one(suite, tmp_path):
    areas = ("--clauses", "register,cache")
    serial = suite("conformance", "--adapter", "torch", *areas, "--report", str(tmp_path / "serial.json"))
    parallel = suite("conformance", "--adapter", "torch", *areas, "-n", "2", "--report", str(tmp_path / "xdist.json"))
    assert (serial.returncode, parallel.returncode) == (0, 0), parallel.stdout[-3000:]
    assert statuses(tmp_path / "xdist.json") == statuses(tmp_path / "serial.json")
    tests = [
        sorted(t["nodeid"] for c in load_report(tmp_path / f"{n}.json")["clauses"].values() for t in c["tests"])
        for n in ("serial", "xdist")
    ]
    assert tests[0] == tests[1] and len(tests[0]) > 20
    assert "diverged" in statuses(tmp_path / "xdist.json").values()


def test_a_dead_xdist_worker_is_reported_as_a_crash(suite, tmp_path):
    result = suite(
        "conformance",
        "--adapter",
        "broken:SEGFAULT",
        "--clauses",
        "query",
        "-n",
        "2",
        "--report",
        str(tmp_path / "r.json"),
        pythonpath=[TESTS],
    )
    assert result.returncode == 1
    clause = load_report(tmp_path / "r.json")["clauses"]["QUERY-TYPE-BEFORE"]
    assert clause["status"] == "crashed" and "crashed while running" in clause["message"], clause


def test_junit_xml_passes_through_in_process(suite, tmp_path):
    result = suite("conformance", "--adapter", "reference", "--clauses", "query", "--junitxml", str(tmp_path / "j.xml"))
    assert result.returncode == 0
    assert len(ET.parse(tmp_path / "j.xml").getroot().findall(".//testcase")) == 4


def test_junit_xml_is_written_per_adapter_in_isolated_runs(suite, tmp_path):
    result = suite(
        "conformance",
        "--adapter",
        "reference",
        "--adapter",
        "torch",
        "--clauses",
        "query",
        "--report-dir",
        str(tmp_path / "reports"),
        "--junitxml",
        str(tmp_path / "j.xml"),
    )
    assert result.returncode == 0, result.stdout[-3000:]
    for adapter in ("reference", "torch"):
        cases = ET.parse(tmp_path / f"j-{adapter}.xml").getroot().findall(".//testcase")
        assert len(cases) == 4, adapter


def test_failing_clauses_are_listed_with_their_statement_and_message(suite, tmp_path):
    result = suite("conformance", "--adapter", "broken:SYSTEM_EXIT", "--clauses", "query", pythonpath=[TESTS])
    lines = result.stdout.splitlines()
    at = lines.index("Failing clauses:")
    assert lines[at + 1].startswith("  QUERY-TYPE-BEFORE [required]: type_before_parametrizations gives the class")
    assert lines[at + 2].strip().startswith("aborted: ImplementationAbort: the implementation raised SystemExit")


def test_a_test_whose_body_never_ran_is_not_reported_as_passed(suite, tmp_path):
    result = suite(
        "conformance", "--adapter", "reference", "--clauses", "query", "--setup-only", "--report", str(tmp_path / "r.json")
    )
    assert result.returncode == 0
    assert set(statuses(tmp_path / "r.json").values()) == {"untested"}
