"""--clauses runs: the report records the selection, never overwrites a full report, is compared on the clauses it
selected, is never blessed, and takes no second column in a directory's matrix. diff says "diff", gate says "gate"."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import ROOT, run_suite
from test_report_cli import assert_usage_error, snapshot, write
from test_report_diff import make_report

from parametrize_conformance.clauses import AREAS, CLAUSES
from parametrize_conformance.commands import main
from parametrize_conformance.report import ReportError, load_report, validate
from parametrize_conformance.report._files import destination_note, pair_name, report_destination
from parametrize_conformance.report._model import level_counts

TESTS = ROOT / "tests"
SELECTED = ["QUERY-IS-PARAMETRIZED", "QUERY-TYPE-BEFORE", "REGISTER-VALUE"]
PICK = ("--clauses", "query,REGISTER-VALUE")
FULL = {"A": "passed", "B": "passed", "C": "passed"}


def subset(statuses: dict[str, str], chosen: list[str], finished: str = "2025-01-01T00:01:00+00:00", **kw) -> dict:
    """A report of a --clauses run that selected `chosen`: the other clauses untested."""
    report = make_report({c: s if c in chosen else "untested" for c, s in statuses.items()}, **kw)
    report["run"]["clauses"] = sorted(chosen)
    report["run"]["finished"] = finished
    validate(report)
    return report


def as_full(report: dict, status: str = "passed") -> dict:
    """`report` as a full run's, every clause with `status`: a baseline under which an unselected clause regresses."""
    full = copy.deepcopy(report)
    full["run"]["clauses"] = None
    for entry in full["clauses"].values():
        entry.update(status=status, tests=[], message=None, reproducer=None)
    full["summary"] = {
        **{k: 0 for k in full["summary"] if k != "by_level"},
        "total": len(full["clauses"]),
        status: len(full["clauses"]),
        "by_level": level_counts(full["clauses"]),
    }
    validate(full)
    return full


def one_error_line(result) -> str:
    """The usage error pytest printed, checked to be one line."""
    errors = [line for line in (result.stdout + result.stderr).splitlines() if line.startswith("ERROR:")]
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stdout[-2000:] + result.stderr[-2000:]
    return errors[0]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Real --clauses runs of the reference and of an implementation that exits in QUERY-TYPE-BEFORE, to files."""
    folder = tmp_path_factory.mktemp("runs")
    done = {}
    for name, spec in (("reference", "reference"), ("broken", "broken:SYSTEM_EXIT")):
        result = run_suite(
            "conformance", "--adapter", spec, *PICK, "--report", str(folder / f"{name}.json"), pythonpath=[TESTS]
        )
        assert result.returncode in (0, 1), result.stdout[-3000:] + result.stderr[-2000:]
        done[name] = load_report(folder / f"{name}.json")
    return done


# The selection, recorded


def test_a_subset_run_records_the_selected_clauses_sorted_with_areas_expanded(runs):
    assert runs["reference"]["run"]["clauses"] == SELECTED
    assert {c: e["status"] for c, e in runs["reference"]["clauses"].items() if c in SELECTED} == dict.fromkeys(
        SELECTED, "passed"
    )


def test_selected_clauses_of_a_full_selection_is_none():
    from parametrize_conformance.run.options import selected_clauses

    def config(value):
        return SimpleNamespace(getoption=lambda name: value)

    assert selected_clauses(config(None)) is None
    assert selected_clauses(config(",".join(AREAS))) is None, "every area is a full run"
    assert selected_clauses(config(" REGISTER-VALUE , query")) == SELECTED
    with pytest.raises(pytest.UsageError, match="--clauses: unknown NOPE"):
        selected_clauses(config("NOPE"))
    assert len(CLAUSES) > len(SELECTED)


def test_the_schema_takes_a_selection_and_reads_reports_without_the_field():
    report = make_report(FULL)
    assert report["run"]["clauses"] is None, "every new report says whether it is a subset"
    del report["run"]["clauses"]
    validate(report)
    report["run"]["clauses"] = ["A"]
    validate(report)
    report["run"]["clauses"] = "A"
    with pytest.raises(ReportError, match="at run/clauses"):
        validate(report)


# Never over a full report


def test_a_subset_run_into_a_directory_of_full_reports_leaves_them_byte_for_byte(suite, tmp_path):
    out = tmp_path / "out"
    write(out / "reference.json", make_report(FULL, adapter="reference"))
    write(out / "torch.json", make_report(FULL))
    (out / "reference.log").write_text("the full run's output\n")
    before = snapshot(out)
    result = suite("conformance", "--adapter", "reference", *PICK, "--report-dir", str(out))
    assert result.returncode == 0, result.stdout[-3000:]
    assert {k: v for k, v in snapshot(out).items() if k in before} == before
    assert load_report(out / "reference.subset.json")["run"]["clauses"] == SELECTED
    assert (
        f"report: {out / 'reference.subset.json'} (a --clauses run: {out / 'reference.json'} holds a full report, "
        f"left as it was)"
    ) in result.stdout.splitlines()[-3:]


def test_an_isolated_subset_run_leaves_full_reports_and_their_logs_alone(suite, tmp_path):
    out = tmp_path / "out"
    write(out / "reference.json", make_report(FULL, adapter="reference"))
    (out / "reference.log").write_text("the full run's output\n")
    before = snapshot(out)
    result = suite(
        "conformance", "--adapter", "reference", "--isolate", "--clauses", "REGISTER-VALUE", "--report-dir", str(out)
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert {k: v for k, v in snapshot(out).items() if k in before} == before
    report = load_report(out / "reference.subset.json")
    assert report["run"]["clauses"] == ["REGISTER-VALUE"] and report["run"]["isolated"]
    assert (out / "reference.subset.log").is_file()
    assert "(a --clauses run: " in result.stdout.splitlines()[-1]


@pytest.mark.parametrize("isolate", [(), ("--isolate",)], ids=["in-process", "isolated"])
def test_report_naming_a_full_report_with_clauses_is_a_one_line_error_that_writes_nothing(suite, tmp_path, isolate):
    write(tmp_path / "out/r.json", make_report(FULL, adapter="reference"))
    before = snapshot(tmp_path)
    result = suite(
        "conformance",
        "--adapter",
        "reference",
        *isolate,
        "--clauses",
        "REGISTER-VALUE",
        "--report",
        str(tmp_path / "out/r.json"),
    )
    assert result.returncode == 4
    assert one_error_line(result) == (
        f"ERROR: --report {tmp_path / 'out/r.json'} holds a full report; a --clauses run "
        f"would overwrite it: give another path"
    )
    assert snapshot(tmp_path) == before


def test_an_unknown_clause_with_a_report_writes_nothing(suite, tmp_path):
    result = suite("conformance", "--adapter", "reference", "--clauses", "NOPE", "--report", str(tmp_path / "r.json"))
    assert result.returncode == 4 and "--clauses: unknown NOPE" in one_error_line(result)
    assert not (tmp_path / "r.json").exists()


def test_report_destination(tmp_path):
    full, part = tmp_path / "torch.json", tmp_path / "part.json"
    write(full, make_report(FULL))
    write(part, subset(FULL, ["A"]))
    assert report_destination(full, subset=False, explicit=True) == full, "a full run replaces a full report"
    assert report_destination(full, subset=True, explicit=False) == tmp_path / "torch.subset.json"
    assert report_destination(part, subset=True, explicit=True) == part, "a subset run replaces a subset report"
    assert report_destination(tmp_path / "new.json", subset=True, explicit=True) == tmp_path / "new.json"
    with pytest.raises(ReportError, match="holds a full report"):
        report_destination(full, subset=True, explicit=True)
    write(full, blessed(make_report(FULL)))
    assert report_destination(full, subset=True, explicit=False) == full, "beside a baseline, the baseline refusal"
    write(tmp_path / "torch.subset.json", subset(FULL, ["A"]))
    assert pair_name(tmp_path / "torch.subset.json") == "torch.json" and pair_name(full) == "torch.json"
    assert destination_note(tmp_path / "torch.subset.json").startswith(" (a --clauses run: ")
    assert destination_note(full) == ""


# diff and gate


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def test_diff_of_a_real_subset_against_a_full_baseline_compares_only_the_selected_clauses(runs, tmp_path, capsys):
    base = write(tmp_path / "base.json", as_full(runs["reference"]))
    new = write(tmp_path / "new.json", runs["reference"])
    assert main(["diff", str(base), str(new)]) == 0
    out = capsys.readouterr().out
    assert (
        f"note: compared the 3 clauses this run selected (--clauses); {len(CLAUSES) - 3} other clauses are not "
        f"compared" in out
    )
    assert "unchanged 3, fixed 0, regressed 0, added 0, removed 0" in out
    assert out.splitlines()[-1] == "diff passed: nothing regressed (1 report compared)"


def test_a_selected_clause_that_regressed_is_still_a_regression(runs, tmp_path, capsys):
    base = write(tmp_path / "base.json", as_full(runs["reference"]))
    new = write(tmp_path / "new.json", runs["broken"])
    assert main(["diff", str(base), str(new)]) == 1
    out = capsys.readouterr().out
    regressed = out.split("Regressed clauses:")[1].splitlines()
    assert [line.split()[0] for line in regressed[1:-1]] == ["QUERY-TYPE-BEFORE"], out
    assert regressed[-1] == "diff failed: 1 clause regressed (1 report compared)"


def test_diff_notes_whose_selection_was_compared():
    from parametrize_conformance.report._compare import diff_reports

    full, a, ab = make_report(FULL), subset(FULL, ["A"]), subset(FULL, ["A", "B"])
    assert (
        "compared the 1 clause the baseline's run selected (--clauses); 2 other clauses are not compared"
        in diff_reports(a, full).notes
    )
    assert (
        "compared the 1 clause both runs selected (--clauses); 2 other clauses are not compared" in diff_reports(ab, a).notes
    )
    assert [c.clause for c in diff_reports(full, ab).changes] == ["A", "B"]
    assert diff_reports(full, full).notes == ()


def test_diff_of_directories_compares_the_newer_report_of_an_adapter(tmp_path, capsys, in_tmp):
    write(tmp_path / "base/torch.json", make_report(FULL))
    write(tmp_path / "out/torch.json", make_report({"A": "passed", "B": "failed", "C": "failed"}))
    write(tmp_path / "out/torch.subset.json", subset(FULL, ["A"], finished="2025-01-02T00:00:00+00:00"))
    assert main(["diff", "base", "out"]) == 0
    out = capsys.readouterr().out
    assert "torch: base/torch.json -> out/torch.subset.json" in out
    assert (
        "not compared: out/torch.json (a full run), since out/torch.subset.json is the newer report of that "
        "adapter; compare it by name: python -m parametrize_conformance.report diff base/torch.json out/torch.json" in out
    )
    assert "not gated" not in out and out.splitlines()[-1] == "diff passed: nothing regressed (1 report compared)"
    assert main(["diff", "base/torch.json", "out"]) == 0, "a baseline file against a directory pairs the same way"
    capsys.readouterr()
    assert main(["diff", "base/torch.json", "out/torch.json"]) == 1, "named, the full run is compared"
    write(tmp_path / "out/torch.subset.json", subset(FULL, ["A"], finished="2024-01-01T00:00:00+00:00"))
    assert main(["diff", "base", "out"]) == 1, "an older subset leaves the full run compared"
    assert "not compared: out/torch.subset.json (a --clauses run)" in capsys.readouterr().out


def test_a_lone_subset_file_pairs_with_its_adapters_baseline(tmp_path, capsys, in_tmp):
    write(tmp_path / "base/torch.json", make_report(FULL))
    write(tmp_path / "out/torch.subset.json", subset({"A": "failed", "B": "passed", "C": "passed"}, ["A"]))
    assert main(["diff", "base", "out"]) == 1
    out = capsys.readouterr().out
    assert "torch: base/torch.json -> out/torch.subset.json" in out and "  A [torch] passed -> failed" in out
    assert out.splitlines()[-1] == "diff failed: 1 clause regressed (1 report compared)"


@pytest.fixture
def fake_suite(monkeypatch):
    """Stand in for the gate's suite run: it writes the reports it is given into the --out directory."""
    written: dict[str, dict] = {}

    def run(command):
        out = Path(command[command.index("--report-dir") + 1])
        for name, report in written.items():
            write(out / name, report)
        return 0

    monkeypatch.setattr("parametrize_conformance.report._compare.run_suite_for_gate", run)
    return written


def blessed(report: dict) -> dict:
    return {**report, "baseline": {"blessed_at": "2025-01-01T00:00:00+00:00", "source": "x"}}


def test_diff_says_diff_and_gate_says_gate(tmp_path, capsys, in_tmp, fake_suite):
    write(tmp_path / "base/torch.json", blessed(make_report(FULL)))
    fake_suite["torch.json"] = make_report(FULL)
    assert main(["gate", "--baseline", "base", "--out", "out"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "gate passed: nothing regressed (1 report compared)"
    assert main(["diff", "base", "out"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "diff passed: nothing regressed (1 report compared)"
    fake_suite["torch.json"] = make_report({"A": "failed", "B": "passed", "C": "passed"})
    assert main(["gate", "--baseline", "base", "--out", "out"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "gate failed: 1 clause regressed (1 report compared)"
    assert main(["diff", "base", "out"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "diff failed: 1 clause regressed (1 report compared)"


def test_a_gate_of_a_subset_compares_the_subset_it_just_ran(tmp_path, capsys, in_tmp, fake_suite):
    write(tmp_path / "base/torch.json", blessed(make_report(FULL)))
    write(tmp_path / "out/torch.json", make_report(FULL))
    fake_suite["torch.subset.json"] = subset(
        {"A": "failed", "B": "passed", "C": "passed"}, ["A"], finished="2025-01-02T00:00:00+00:00"
    )
    assert main(["gate", "--baseline", "base", "--out", "out", "--", "--clauses", "A"]) == 1
    out = capsys.readouterr().out
    assert "  A [torch] passed -> failed: Statement of A." in out
    assert out.splitlines()[-1] == "gate failed: 1 clause regressed (1 report compared)"


# bless and render


def test_bless_refuses_a_subset_report_and_writes_nothing(tmp_path, capsys, in_tmp):
    write(tmp_path / "out/torch.json", subset(FULL, ["A"]))
    before = snapshot(tmp_path)
    assert_usage_error(
        main(["bless", "out/torch.json", "--to", "base/torch.json"]),
        capsys,
        "out/torch.json is a --clauses run (1 of 3 clauses selected)",
        "no baseline",
        "no --clauses",
    )
    assert_usage_error(main(["bless", "out/torch.json"]), capsys, "is a --clauses run")
    assert snapshot(tmp_path) == before


def test_gate_refuses_a_subset_baseline(tmp_path, capsys, in_tmp, fake_suite):
    write(tmp_path / "base/torch.json", blessed(subset(FULL, ["A"])))
    assert_usage_error(main(["gate", "--baseline", "base"]), capsys, "is the baseline of a --clauses run")
    assert not (tmp_path / "reports").exists()


def test_render_of_a_directory_shows_one_column_per_adapter_and_names_the_subset(tmp_path, capsys, in_tmp):
    write(tmp_path / "out/torch.json", make_report(FULL))
    write(tmp_path / "out/torch.subset.json", subset(FULL, ["A"], finished="2025-01-02T00:00:00+00:00"))
    write(tmp_path / "out/reference.json", make_report(FULL, adapter="reference"))
    assert main(["render", "out"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "out/matrix.md",
        "out/matrix.html",
        "out/matrix.png",
        "skipped out/torch.subset.json (a --clauses run): the matrix shows out/torch.json for that adapter; name "
        "out/torch.subset.json to render it",
    ]
    markdown = (tmp_path / "out/matrix.md").read_text(encoding="utf-8")
    assert "2 adapter(s)" in markdown and "torch #2" not in markdown
    assert main(["render", "out/torch.subset.json", "--out", "named"]) == 0, "a subset file named is rendered"
    assert "1 adapter(s)" in (tmp_path / "named/matrix.md").read_text(encoding="utf-8")


def test_render_of_a_directory_holding_only_a_subset_shows_it(tmp_path, capsys, in_tmp):
    write(tmp_path / "out/torch.subset.json", subset(FULL, ["A"]))
    assert main(["render", "out"]) == 0
    assert capsys.readouterr().out.splitlines() == ["out/matrix.md", "out/matrix.html", "out/matrix.png"]
    assert json.loads((tmp_path / "out/torch.subset.json").read_text())["run"]["clauses"] == ["A"]
