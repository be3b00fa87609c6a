"""python -m parametrize_conformance.report: diff exit codes and pairing, one-line errors, bless, render wiring."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest
from test_report_diff import make_report

from parametrize_conformance.commands import main
from parametrize_conformance.report import ReportError, load_report, write_report

PREFIX = "python -m parametrize_conformance.report: "
PASSING = {"A": "passed", "B": "diverged", "C": "passed"}
REGRESSED = {"A": "failed", "B": "diverged", "C": "passed"}


def write(path: Path, report: dict | str) -> Path:
    """Write a report (or raw text) to `path`, creating its directory."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(report if isinstance(report, str) else json.dumps(report), encoding="utf-8")
    return path


def assert_usage_error(code: int, capsys, *fragments: str) -> str:
    """Check exit 2 with one line on stderr, starting with the prefix and holding `fragments`; returns it."""
    out, err = capsys.readouterr()
    assert code == 2, out + err
    assert err.startswith(PREFIX) and err.count("\n") == 1, err
    assert "Traceback" not in err
    for fragment in fragments:
        assert fragment in err, err
    return err


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    """Run each test in its own empty directory."""
    monkeypatch.chdir(tmp_path)


# diff


def test_diff_exits_0_when_nothing_regressed(tmp_path, capsys):
    base, new = write(tmp_path / "base.json", make_report(PASSING)), write(tmp_path / "new.json", make_report(PASSING))
    assert main(["diff", str(base), str(new)]) == 0
    out = capsys.readouterr().out
    assert "unchanged 3, fixed 0, regressed 0, added 0, removed 0" in out
    assert "Regressed clauses:" not in out and "diff passed" in out


def test_diff_exits_1_and_names_regressed_clauses_with_their_statements(tmp_path, capsys):
    base, new = write(tmp_path / "base.json", make_report(PASSING)), write(tmp_path / "new.json", make_report(REGRESSED))
    assert main(["diff", str(base), str(new)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "  regressed  A  passed -> failed  AssertionError: A broke" in lines
    regressed = lines[lines.index("Regressed clauses:") + 1 :]
    assert regressed[0] == "  A [torch] passed -> failed: Statement of A."
    assert regressed[1].startswith("diff failed: 1 clause regressed")


def test_diff_fixed_clauses_pass_the_gate(tmp_path, capsys):
    base, new = write(tmp_path / "b.json", make_report(REGRESSED)), write(tmp_path / "n.json", make_report(PASSING))
    assert main(["diff", str(base), str(new)]) == 0
    assert "  fixed      A  failed -> passed  was: AssertionError: A broke" in capsys.readouterr().out.splitlines()


def test_diff_prints_the_suite_mismatch_note_and_does_not_gate_added_clauses(tmp_path, capsys):
    base = write(tmp_path / "b.json", make_report({"A": "passed", "GONE": "passed"}))
    new = write(tmp_path / "n.json", make_report({"A": "passed", "NEW": "failed"}, version="0.2.0"))
    assert main(["diff", str(base), str(new)]) == 0
    assert (
        "note: suite versions differ (base 0.1.0 abc1234, new 0.2.0 abc1234): compared the 1 clauses both have; "
        "1 added and 1 removed are not gated" in capsys.readouterr().out
    )


def test_diff_directories_pair_by_name(tmp_path, capsys):
    write(tmp_path / "base/torch.json", make_report(PASSING))
    write(tmp_path / "base/mutant.json", make_report(PASSING, adapter="mutant"))
    write(tmp_path / "base/notes.json", '{"not": "a report"}')
    write(tmp_path / "base/broken.json", "not json at all")
    write(tmp_path / "new/torch.json", make_report(PASSING))
    write(tmp_path / "new/extra.json", make_report(PASSING, adapter="extra"))
    assert main(["diff", "base", "new"]) == 1
    out = capsys.readouterr().out
    assert "torch: base/torch.json -> new/torch.json" in out
    assert "no report for baseline base/mutant.json in new: run that adapter" in out
    assert "not gated (no baseline): new/extra.json" in out
    assert "notes.json" not in out and "broken.json" not in out
    assert out.splitlines()[-1] == "diff failed: 1 baseline without a report (1 report compared)"


def test_diff_directories_gate_every_pair(tmp_path, capsys):
    for name in ("a", "b"):
        write(tmp_path / f"base/{name}.json", make_report(PASSING, adapter=name))
    write(tmp_path / "new/a.json", make_report(PASSING, adapter="a"))
    write(tmp_path / "new/b.json", make_report(REGRESSED, adapter="b"))
    assert main(["diff", "base", "new"]) == 1
    assert "  A [b] passed -> failed: Statement of A." in capsys.readouterr().out.splitlines()
    write(tmp_path / "new/b.json", make_report(PASSING, adapter="b"))
    assert main(["diff", "base", "new"]) == 0


def test_diff_baseline_file_against_a_directory(tmp_path, capsys):
    write(tmp_path / "base/torch.json", make_report(PASSING))
    write(tmp_path / "new/torch.json", make_report(REGRESSED))
    assert main(["diff", "base/torch.json", "new"]) == 1
    assert main(["diff", "base/torch.json", "elsewhere"]) == 2
    (tmp_path / "other").mkdir()
    assert main(["diff", "base/torch.json", "other"]) == 1
    assert "no report for baseline base/torch.json in other" in capsys.readouterr().out


def test_diff_of_a_directory_against_a_file_is_a_usage_error(tmp_path, capsys):
    write(tmp_path / "base/torch.json", make_report(PASSING))
    write(tmp_path / "new.json", make_report(PASSING))
    assert_usage_error(main(["diff", "base", "new.json"]), capsys, "is a directory but NEW new.json is a file")


def test_diff_of_an_empty_baseline_directory_is_a_usage_error(tmp_path, capsys):
    (tmp_path / "base").mkdir()
    write(tmp_path / "new/torch.json", make_report(PASSING))
    assert_usage_error(main(["diff", "base", "new"]), capsys, "holds no baselines", "bless")


def test_diff_adapter_mismatch_is_noted(tmp_path, capsys):
    base = write(tmp_path / "b.json", make_report(PASSING, adapter="reference"))
    new = write(tmp_path / "n.json", make_report(PASSING))
    assert main(["diff", str(base), str(new)]) == 0
    assert "note: comparing adapter torch against a baseline of reference" in capsys.readouterr().out


# one-line errors


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (None, "no such report"),
        ("this is not JSON", "not JSON"),
        ('{"name": "package", "version": "1.0"}', "is not a valid parametrize-conformance report"),
        ("[1, 2, 3]", "is not a valid parametrize-conformance report"),
        ("SCHEMA2", "has schema 2"),
    ],
)
def test_unreadable_new_report_is_one_line_exit_2(tmp_path, capsys, content, fragment):
    base = write(tmp_path / "base.json", make_report(PASSING))
    if content is not None:
        write(tmp_path / "new.json", json.dumps({**make_report(PASSING), "schema": 2}) if content == "SCHEMA2" else content)
    err = assert_usage_error(main(["diff", str(base), str(tmp_path / "new.json")]), capsys, fragment)
    assert "new.json" in err


def test_missing_baseline_says_how_to_bless(tmp_path, capsys):
    write(tmp_path / "new.json", make_report(PASSING))
    assert_usage_error(main(["diff", "nothing.json", "new.json"]), capsys, "no such baseline", "bless")


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (
            ["dif", "a", "b"],
            ["'dif' is not a command (did you mean diff?)", "run python -m parametrize_conformance.report --help"],
        ),
        (["blss", "a"], ["(did you mean bless?)"]),
        (["frobnicate"], ["neither a command (render, diff, gate, bless) nor a report file or directory"]),
        ([], ["no command given"]),
        (
            ["diff", "a.json"],
            ["the following arguments are required: NEW", "run python -m parametrize_conformance.report diff --help"],
        ),
        (["diff", "a.json", "b.json", "c.json"], ["unexpected argument 'c.json'"]),
        (["render", "r.json", "--ot", "x"], ["unrecognized option --ot (did you mean --out?)"]),
        (["bless", "r.json", "--too=x"], ["unrecognized option --too (did you mean --to?)"]),
    ],
)
def test_argument_errors_are_one_line_with_a_hint(capsys, argv, fragments):
    assert_usage_error(main(argv), capsys, *fragments)


def test_help_exits_0(capsys):
    assert main(["--help"]) == 0
    assert capsys.readouterr().out.startswith("usage: python -m parametrize_conformance.report")
    assert main(["diff", "--help"]) == 0
    assert "usage: python -m parametrize_conformance.report diff [-h] BASE NEW" in capsys.readouterr().out


def test_module_help_runs_in_a_subprocess():
    done = subprocess.run(
        [sys.executable, "-m", "parametrize_conformance.report", "--help"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m parametrize_conformance.report")
    for command in ("render", "diff", "bless"):
        assert command in done.stdout


# bless


def test_bless_writes_a_baseline_that_runs_never_overwrite(tmp_path, capsys):
    source = write(tmp_path / "out/torch.json", make_report(PASSING))
    assert main(["bless", "out/torch.json", "--to", "base/torch.json"]) == 0
    out = capsys.readouterr().out
    assert "blessed out/torch.json as baseline base/torch.json" in out
    assert "3 clauses: 2 passed, 1 diverged" in out
    blessed = load_report(tmp_path / "base/torch.json")
    assert blessed["baseline"]["source"] == "out/torch.json" and blessed["baseline"]["blessed_at"].endswith("+00:00")
    assert {k: v for k, v in blessed.items() if k != "baseline"} == json.loads(source.read_text())
    before = snapshot(tmp_path)
    with pytest.raises(ReportError, match="blessed baseline"):
        write_report(tmp_path / "base/torch.json", make_report(REGRESSED))
    assert snapshot(tmp_path) == before


def test_bless_defaults_to_reports_baseline_and_may_replace_a_baseline(tmp_path, capsys):
    write(tmp_path / "out/torch.json", make_report(PASSING))
    assert main(["bless", "out/torch.json"]) == 0
    assert load_report(tmp_path / "reports/baseline/torch.json")["baseline"]["source"] == "out/torch.json"
    capsys.readouterr()
    assert main(["bless", "out/torch.json"]) == 0
    assert "replaced the baseline blessed at" in capsys.readouterr().out


def test_bless_notes_failing_clauses_it_accepts(tmp_path, capsys):
    write(tmp_path / "out/torch.json", make_report(REGRESSED))
    assert main(["bless", "out/torch.json"]) == 0
    assert "note: this baseline accepts 1 failing clause" in capsys.readouterr().out


def test_bless_refuses_an_interrupted_run_and_writes_nothing(tmp_path, capsys):
    write(tmp_path / "out/torch.json", make_report(PASSING))
    assert main(["bless", "out/torch.json", "--to", "base/torch.json"]) == 0
    write(tmp_path / "out/torch.json", make_report(REGRESSED, exit="interrupted"))
    capsys.readouterr()
    before = snapshot(tmp_path)
    assert_usage_error(
        main(["bless", "out/torch.json", "--to", "base/torch.json"]), capsys, "did not complete", "'interrupted'", "rerun"
    )
    assert_usage_error(main(["bless", "out/torch.json"]), capsys, "did not complete")
    assert snapshot(tmp_path) == before


def test_bless_refuses_to_overwrite_a_file_that_is_not_a_report(tmp_path, capsys):
    write(tmp_path / "out/torch.json", make_report(PASSING))
    write(tmp_path / "notes.txt", "my notes\n")
    before = snapshot(tmp_path)
    assert_usage_error(main(["bless", "out/torch.json", "--to", "notes.txt"]), capsys, "is not a parametrize-conformance")
    assert snapshot(tmp_path) == before


def test_bless_of_an_invalid_report_is_a_usage_error(tmp_path, capsys):
    write(tmp_path / "out/torch.json", '{"schema": 1}')
    assert_usage_error(main(["bless", "out/torch.json"]), capsys, "is not a valid parametrize-conformance report")
    assert not (tmp_path / "reports").exists()


# render


@pytest.fixture
def fake_renderers(monkeypatch):
    """Stand-in matrix renderers that list the adapters they were given."""

    def fake(name: str, function: str, kind: str):
        module = types.ModuleType(name)
        setattr(module, function, lambda reports: f"{kind}: " + ",".join(r["adapter"]["name"] for r in reports) + "\n")
        monkeypatch.setitem(sys.modules, name, module)

    fake("parametrize_conformance.report._markdown", "render_markdown", "md")
    fake("parametrize_conformance.report._html", "render_html", "html")


def test_render_writes_both_matrices_next_to_the_first_report(tmp_path, capsys, fake_renderers):
    write(tmp_path / "out/torch.json", make_report(PASSING))
    write(tmp_path / "out/reference.json", make_report(PASSING, adapter="reference"))
    write(tmp_path / "out/package.json", '{"name": "not a report"}')
    assert main(["render", "out"]) == 0
    assert capsys.readouterr().out.splitlines() == ["out/matrix.md", "out/matrix.html", "out/matrix.png"]
    assert (tmp_path / "out/matrix.md").read_text() == "md: reference,torch\n"
    assert (tmp_path / "out/matrix.html").read_text() == "html: reference,torch\n"


def test_render_is_the_default_command_and_takes_output_paths(tmp_path, capsys, fake_renderers):
    write(tmp_path / "a/torch.json", make_report(PASSING))
    write(tmp_path / "b/reference.json", make_report(PASSING, adapter="reference"))
    assert main(["b/reference.json", "a/torch.json", "--out", "site"]) == 0
    assert (tmp_path / "site/matrix.md").read_text() == "md: reference,torch\n"
    assert main(["render", "a", "--markdown", "m/x.md", "--html", "h/x.html"]) == 0
    assert (tmp_path / "m/x.md").read_text() == "md: torch\n" and (tmp_path / "h/x.html").read_text() == "html: torch\n"


def test_render_failure_leaves_existing_files_byte_identical(tmp_path, capsys, fake_renderers):
    write(tmp_path / "out/torch.json", make_report(PASSING))
    write(tmp_path / "out/matrix.md", "old markdown\n")
    write(tmp_path / "out/matrix.html", "old html\n")
    write(tmp_path / "bad.json", '{"schema": 2}')
    before = snapshot(tmp_path)
    assert_usage_error(main(["render", "out/torch.json", "bad.json", "--out", "out"]), capsys, "has schema 2")
    assert_usage_error(main(["render", "out/torch.json", "missing.json", "--out", "out"]), capsys, "no such report")
    assert_usage_error(main(["render", "out", "--markdown", "out/torch.json"]), capsys, "is a report")
    assert_usage_error(main(["render", "out", "--markdown", "x", "--html", "x"]), capsys, "different paths")
    assert_usage_error(main(["render", "out", "--out", "out/torch.json/sub"]), capsys, "not a directory")
    (tmp_path / "empty").mkdir()
    assert_usage_error(main(["render", "empty"]), capsys, "holds no reports")
    assert snapshot(tmp_path) == before


def test_render_with_the_real_renderers(tmp_path, capsys):
    write(tmp_path / "out/torch.json", make_report(REGRESSED))
    write(tmp_path / "out/reference.json", make_report(PASSING, adapter="reference"))
    assert main(["out"]) == 0
    assert (tmp_path / "out/matrix.md").read_text(encoding="utf-8").strip()
    assert "<" in (tmp_path / "out/matrix.html").read_text(encoding="utf-8")


# gate


def test_gate_refuses_bad_setups_before_running_anything(tmp_path, capsys):
    assert_usage_error(main(["gate", "--baseline", "none"]), capsys, "holds no baselines", "bless")
    write(tmp_path / "base/torch.json", make_report(PASSING))
    assert_usage_error(main(["gate", "--baseline", "base", "--out", "base"]), capsys, "is the baseline directory")
    assert_usage_error(main(["gate", "--baseline", "base"]), capsys, "not a blessed baseline", "bless")
    assert_usage_error(
        main(["diff", "base", "base", "--", "-x"]), capsys, "for the suite run of gate, versions or history only"
    )
    assert not (tmp_path / "reports").exists()


def test_gate_refuses_a_baseline_named_for_another_adapter(tmp_path, capsys):
    report = make_report(PASSING)
    report["baseline"] = {"blessed_at": "2026-11-23T00:00:00+00:00", "source": "x"}
    write(tmp_path / "base/other.json", report)
    assert_usage_error(main(["gate", "--baseline", "base"]), capsys, "whose reports are named torch.json")
