"""The clause × version matrix (render --by version) and the pieces of the versions command that need no pip."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from test_report_cli import assert_usage_error, write
from test_report_render import make_report, table_row

from parametrize_conformance.commands import main
from parametrize_conformance.releases.pip import Plan, pip_reason
from parametrize_conformance.releases.versions import Options, Outcome, candidates, render_versions, run_versions, write_runs
from parametrize_conformance.report import ReportError, render_html, render_markdown
from parametrize_conformance.report._matrix import changes, describe, load_runs, version_columns, version_key

OLD = {"REGISTER-A": "passed", "REGISTER-B": "diverged", "CACHE-A": "passed", "CACHE-B": "diverged"}
NEW = {"REGISTER-A": "passed", "REGISTER-B": "unexpected-pass", "CACHE-A": "failed", "CACHE-B": "diverged"}


def at_version(statuses: dict[str, str], version: str, adapter: str = "torch") -> dict:
    """A report of `adapter` at `version`."""
    report = copy.deepcopy(make_report(statuses, adapter))
    report["adapter"]["version"] = version
    return report


def test_columns_are_ordered_and_labelled_by_version():
    columns = version_columns([at_version(OLD, "2.13.0+cpu"), at_version(NEW, "2.9.1"), at_version(OLD, "2.14.1")])
    assert [c["adapter"]["name"] for c in columns] == ["torch 2.9.1", "torch 2.13.0+cpu", "torch 2.14.1"]


def test_version_key_is_numeric():
    assert sorted(["2.13.0", "2.4.1", "2.10.0", "2.13.0+cpu"], key=version_key) == [
        "2.4.1",
        "2.10.0",
        "2.13.0",
        "2.13.0+cpu",
    ]


def test_changes_are_the_clauses_whose_status_differs_with_each_step_in_words():
    columns = version_columns([at_version(OLD, "2.13.0"), at_version(NEW, "2.14.1")])
    found = changes(columns)
    assert [(c.clause, c.statuses) for c in found] == [
        ("REGISTER-B", ("diverged", "unexpected-pass")),
        ("CACHE-A", ("passed", "failed")),
    ]
    labels = ["torch 2.13.0", "torch 2.14.1"]
    assert describe(found[0], labels) == "the declared divergence does not reproduce in torch 2.14.1"
    assert describe(found[1], labels) == "conforms in torch 2.13.0, fails in torch 2.14.1"


def test_markdown_by_version_lists_and_marks_the_changed_clauses():
    markdown = render_markdown([at_version(NEW, "2.14.1"), at_version(OLD, "2.13.0")], by_version=True)
    assert "# Conformance matrix: torch at 2 version(s), 4 clauses" in markdown
    assert "| clause | statement | torch 2.13.0 | torch 2.14.1 | changes |" in markdown
    matrix = markdown.split("## Clauses")[1]
    assert table_row(matrix, "CACHE-A")[2:] == ["✓ passed", "✗ failed", "Δ"]
    assert table_row(matrix, "CACHE-B")[2:] == ["~ diverged", "~ diverged", ""]
    changes_part = markdown.split("## Changes by version")[1].split("## Clauses")[0]
    assert "2 change(s) in 1 of 1 version(s)" in changes_part
    assert "### torch 2.14.1 (2 since torch 2.13.0)" in changes_part
    assert (
        "- REGISTER-B: ~ diverged → ! unexpected-pass: passed although declared as a divergence: reason of REGISTER-B"
        in changes_part
    )
    assert "- CACHE-A: ✓ passed → ✗ failed: AssertionError: CACHE-A broke" in changes_part
    assert "CACHE-B" not in changes_part


def test_markdown_by_version_says_when_nothing_changed():
    markdown = render_markdown([at_version(OLD, "2.13.0"), at_version(OLD, "2.14.1")], by_version=True)
    assert "Every clause has the same status in every version." in markdown


def test_markdown_by_adapter_is_unchanged_by_the_option():
    reports = [make_report(OLD, "reference"), make_report(NEW, "torch")]
    assert render_markdown(reports) == render_markdown(reports, by_version=False)
    assert "## Changes by version" not in render_markdown(reports)


def test_html_by_version_marks_changed_rows_and_offers_the_filter():
    html = render_html([at_version(OLD, "2.13.0"), at_version(NEW, "2.14.1")], by_version=True)
    assert '<tr class="clause changed" data-changed="yes" data-area="cache" data-clause="CACHE-A"' in html
    assert '<tr class="clause" data-area="cache" data-clause="CACHE-B"' in html
    assert '<input type="checkbox" id="changed-only" checked> only clauses that change between versions' in html
    assert "<h2>Changes by version</h2>" in html
    by_adapter = render_html([make_report(OLD, "reference"), make_report(NEW, "torch")])
    assert '<input type="checkbox" id="changed-only"> only clauses that differ between columns' in by_adapter
    assert "Changes by version" not in by_adapter


def test_runs_are_shown_with_reasons_and_figures():
    runs = [
        {"version": "2.13.0", "status": "ran", "reason": "", "install_s": 41.2, "run_s": 60.4, "env_mb": 1536},
        {"version": "2.15.0", "status": "not installable", "reason": "not installable here: pip: torch<=2.14.1"},
    ]
    markdown = render_markdown([at_version(OLD, "2.13.0")], by_version=True, runs=runs)
    assert "| 2.13.0 | ran | install 41 s; run 60 s; environment 1.5 GiB |" in markdown
    assert "| 2.15.0 | not installable | not installable here: pip: torch\\<=2.14.1 |" in markdown
    assert "2.15.0" in render_html([at_version(OLD, "2.13.0")], by_version=True, runs=runs)


@pytest.mark.parametrize(
    ("reports", "fragment"),
    [
        ([], "needs at least one report"),
        ([at_version(OLD, "2.13.0"), at_version(OLD, "1.0", "reference")], "takes reports of one adapter"),
        ([at_version(OLD, "2.13.0"), at_version(NEW, "2.13.0")], "report 1 and report 2 both report torch 2.13.0"),
    ],
)
def test_bad_inputs_are_errors_that_say_what_to_do(reports, fragment):
    with pytest.raises(ReportError, match=fragment):
        version_columns(reports)


def test_a_report_without_any_version_is_refused():
    report = at_version(OLD, "")
    report["environment"] = {**report["environment"], "torch": None}
    with pytest.raises(ReportError, match="records no version"):
        version_columns([report], ["x.json"])


@pytest.fixture
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_render_by_version_writes_the_matrix_with_the_runs_file(in_tmp, capsys):
    write(in_tmp / "v/torch-2.13.0.json", at_version(OLD, "2.13.0"))
    write(in_tmp / "v/torch-2.14.1.json", at_version(NEW, "2.14.1"))
    write(
        in_tmp / "v/versions.json",
        {
            "format": 1,
            "versions": [
                {"version": "2.12.1", "status": "skipped", "reason": "skipped: a CUDA build, pass --download to try"}
            ],
        },
    )
    assert main(["render", "v", "--by", "version"]) == 0
    markdown = (in_tmp / "v/matrix.md").read_text()
    assert "| 2.12.1 | skipped | skipped: a CUDA build, pass --download to try |" in markdown
    assert "- CACHE-A: ✓ passed → ✗ failed: AssertionError: CACHE-A broke" in markdown


def test_render_by_version_refuses_two_reports_of_one_version_and_writes_nothing(in_tmp, capsys):
    write(in_tmp / "v/torch-2.13.0.json", at_version(OLD, "2.13.0+cpu"))
    write(in_tmp / "v/torch-2.13.json", at_version(NEW, "2.13.0+cpu"))
    assert_usage_error(
        main(["render", "v", "--by", "version"]),
        capsys,
        "v/torch-2.13.0.json and v/torch-2.13.json both report torch 2.13.0+cpu",
        "move one of them",
    )
    assert_usage_error(main(["render", "v/torch-2.13.0.json", "--runs", "r.json"]), capsys, "goes with --by version")
    assert not (in_tmp / "v/matrix.md").exists()


def test_render_by_version_refuses_a_bad_runs_file(in_tmp, capsys):
    write(in_tmp / "v/torch-2.13.0.json", at_version(OLD, "2.13.0"))
    write(in_tmp / "v/versions.json", {"format": 1, "versions": [{"version": "2.13.0"}]})
    assert_usage_error(main(["render", "v", "--by", "version"]), capsys, "is not a versions file of format 1")


@pytest.mark.parametrize(
    ("argv", "fragment"),
    [
        (["versions", "--versions", ","], "names no version"),
        (["versions", "--versions", "2.13.0,latest"], "latest is not a release version"),
        (["version"], "(did you mean versions?)"),
    ],
)
def test_versions_argument_errors(in_tmp, capsys, argv, fragment):
    assert_usage_error(main(argv), capsys, fragment)


# The versions command, without pip


def test_candidates_are_the_newest_patch_of_each_minor():
    releases = [
        "2.15.0",
        "2.14.1",
        "2.14.0",
        "2.13.0+cpu",
        "2.13.0",
        "2.12.1",
        "2.12.0",
        "2.4.1",
        "2.4.0",
        "2.3.1",
        "2.5.0rc1",
    ]
    assert candidates(releases) == ["2.3.1", "2.4.1", "2.12.1", "2.13.0", "2.14.1", "2.15.0"]


def test_pip_reasons_are_one_line():
    conflict = (
        "ERROR: Cannot install torch==2.15.0 because these package versions have conflicting dependencies.\n"
        "\nThe conflict is caused by:\n    The user requested torch==2.15.0\n"
        "    The user requested (constraint) torch<=2.14.1\n"
    )
    assert pip_reason(conflict).startswith("(constraint) torch<=2.14.1 excludes it (")
    missing = "ERROR: Could not find a version that satisfies ...\nERROR: No matching distribution found for torch==9.0\n"
    assert pip_reason(missing).startswith("No matching distribution found for torch==9.0 (no wheel for Python 3.")
    assert pip_reason("WARNING: x\nERROR: boom\n") == "boom"


def test_plan_describes_what_would_be_downloaded():
    assert Plan(2**30, 3, (), 2).describe() == "3 wheels on disk (1.0 GiB), 2 small ones from PyPI"
    text = Plan(0, 0, ("torch", "nvidia-cudnn-cu13", "nvidia-nccl-cu13", "triton"), 1).describe()
    assert text == (
        "a CUDA build: 4 large wheels from PyPI (torch, nvidia-cudnn-cu13, nvidia-nccl-cu13 and 1 more) "
        "besides 0 wheels on disk (0.0 GiB)"
    )


def test_a_version_whose_torch_wheel_is_on_disk_is_cheap_even_with_a_download():
    plan = Plan(3 * 2**30, 23, ("nvidia-nvjitlink",), 4, torch_on_disk=True)
    assert plan.describe() == (
        "a CUDA build: 1 large wheel from PyPI (nvidia-nvjitlink) besides the torch wheel and 23 wheels on disk (3.0 GiB)"
    )


def _options(tmp_path: Path) -> Options:
    return Options(tmp_path / "out", tmp_path / "envs", tmp_path, download=False, keep_envs=False)


def test_a_version_that_fails_does_not_stop_the_others(tmp_path, monkeypatch):
    outcomes = {
        "2.13.0": Outcome("2.13.0", "ran", report="torch-2.13.0.json"),
        "2.14.1": Outcome("2.14.1", "install failed", "not installable here: pip: boom"),
    }
    monkeypatch.setattr("parametrize_conformance.releases.versions._one_version", lambda v, o: outcomes[v])
    found = run_versions(["2.3.1", "2.14.1", "2.13.0"], _options(tmp_path), "torch>=2.4")
    assert [(o.version, o.status) for o in found] == [
        ("2.3.1", "below floor"),
        ("2.14.1", "install failed"),
        ("2.13.0", "ran"),
    ]
    assert found[0].reason == "below the project's floor torch>=2.4 in pyproject.toml"


def test_the_runs_file_is_written_after_each_version(tmp_path, monkeypatch):
    seen = []

    def one(version, options):
        seen.append([e["version"] for e in load_runs(options.out / "versions.json")] if seen else [])
        return Outcome(version, "ran", report=f"torch-{version}.json")

    monkeypatch.setattr("parametrize_conformance.releases.versions._one_version", one)
    run_versions(["2.12.1", "2.13.0"], _options(tmp_path), "torch>=2.4", command="versions")
    assert seen == [[], ["2.12.1"]]
    assert [e["version"] for e in load_runs(_options(tmp_path).out / "versions.json")] == ["2.12.1", "2.13.0"]


def test_skipped_versions_are_not_installed(tmp_path, monkeypatch):
    monkeypatch.setattr("parametrize_conformance.releases.versions.plan_install", lambda v: Plan(0, 0, ("torch",), 0))
    monkeypatch.setattr("parametrize_conformance.releases.versions._install_and_run", pytest.fail)
    [outcome] = run_versions(["2.12.1"], _options(tmp_path), "torch>=2.4")
    assert (outcome.status, outcome.reason) == (
        "skipped",
        "skipped: 1 large wheel from PyPI (torch) besides 0 wheels on disk (0.0 GiB), pass --download to try",
    )


def test_runs_file_and_matrix_keep_an_earlier_report_of_a_failed_version(tmp_path):
    out = tmp_path / "out"
    write(out / "torch-2.13.0.json", at_version(OLD, "2.13.0"))
    before = (out / "torch-2.13.0.json").read_bytes()
    path = write_runs(out, [Outcome("2.13.0", "run failed", "the suite exited with status 3")], "torch>=2.4", "cmd")
    [entry] = load_runs(path)
    assert entry["reason"].endswith("(the report of an earlier run, torch-2.13.0.json, is kept and shown)")
    assert json.loads(path.read_text())["floor"] == "torch>=2.4"
    assert render_versions(out) == [out / "matrix.md", out / "matrix.html", out / "matrix.png"]
    assert (out / "torch-2.13.0.json").read_bytes() == before
    assert "| 2.13.0 | run failed | the suite exited with status 3" in (out / "matrix.md").read_text()


def test_runs_file_keeps_the_entries_of_versions_a_run_did_not_try(tmp_path):
    out = tmp_path / "out"
    write_runs(out, [Outcome("2.13.0", "ran"), Outcome("2.12.1", "skipped", "skipped: pass --download")], "f", "a")
    write_runs(out, [Outcome("2.12.1", "ran", install_s=3.0)], "f", "b")
    entries = load_runs(out / "versions.json")
    assert [(e["version"], e["status"], e["command"]) for e in entries] == [("2.12.1", "ran", "b"), ("2.13.0", "ran", "a")]
