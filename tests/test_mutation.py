"""The mutation driver (parametrize_conformance.mutation): parsing mutmut's output, triage, the score, the reports and their
atomic writing, and its one-line errors. No mutation run here: that is `nox -s mutation`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from importlib import metadata

import pytest
from conftest import ROOT
from hypothesis import Phase, settings

from parametrize_conformance.mutation import _cli, _report
from parametrize_conformance.mutation._errors import MutationError
from parametrize_conformance.mutation._model import Mutant
from parametrize_conformance.mutation._parse import locate, parse_diff, parse_results
from parametrize_conformance.mutation._score import score
from parametrize_conformance.mutation._triage import Equivalent, check_table, triage
from parametrize_conformance.mutation._work import message_lines, mutmut_config, prepare, refresh
from parametrize_conformance.mutation.equivalent import EQUIVALENT
from parametrize_conformance.mutation.profile import PROFILE

RESULTS = """\
⠋ some spinner noise
    parametrize_conformance.reference._list.xǁParametrizationListǁforward__mutmut_3: killed
    parametrize_conformance.reference._cache.x_read__mutmut_12: survived
    parametrize_conformance.reference._cache.x_invalidate__mutmut_1: no tests
    parametrize_conformance.reference._class.x__deepcopy__mutmut_2: timeout
"""
SHOW = """\
# parametrize_conformance.reference._cache.x_read__mutmut_12: survived
--- reference/_cache.py
+++ reference/_cache.py
@@ -1,5 +1,5 @@
 def read(module, name, plist):
-    if _depth == 0:
+    if _depth == 1:
         return call(plist)
"""


def mutant(name: str, status: str, original: str = "", mutated: str = "") -> Mutant:
    file, function = locate(name)
    return Mutant(name, file, function, status, original, mutated)


MUTANTS = [
    mutant("parametrize_conformance.reference._list.xǁParametrizationListǁforward__mutmut_3", "killed"),
    mutant("parametrize_conformance.reference._cache.x_read__mutmut_12", "survived", "if _depth == 0:", "if _depth == 1:"),
    mutant("parametrize_conformance.reference._cache.x_invalidate__mutmut_1", "no tests", "a", "b"),
    mutant("parametrize_conformance.reference._class.x__deepcopy__mutmut_2", "timeout"),
]
READ_EQUIVALENT = Equivalent("reference/_cache.py", "read", "if _depth == 0:", "if _depth == 1:", "never nested")


# Parsing mutmut's output.


def test_results_are_parsed_and_noise_ignored():
    assert parse_results(RESULTS) == {
        "parametrize_conformance.reference._list.xǁParametrizationListǁforward__mutmut_3": "killed",
        "parametrize_conformance.reference._cache.x_read__mutmut_12": "survived",
        "parametrize_conformance.reference._cache.x_invalidate__mutmut_1": "no tests",
        "parametrize_conformance.reference._class.x__deepcopy__mutmut_2": "timeout",
    }


def test_a_mutant_name_gives_its_file_and_function():
    assert locate("parametrize_conformance.reference._list.xǁParametrizationListǁforward__mutmut_3") == (
        "reference/_list.py",
        "ParametrizationList.forward",
    )
    assert locate("parametrize_conformance.reference._class.x__deepcopy__mutmut_2") == ("reference/_class.py", "_deepcopy")


@pytest.mark.parametrize(
    "name",
    [
        "parametrize_conformance.reference._list.forward",
        "parametrize_conformance.reference._list.forward__mutmut_x",
        "y__mutmut_1",
        "parametrize_conformance.reference._list.forward__mutmut_1",
    ],
)
def test_an_unreadable_mutant_name_is_an_error(name):
    with pytest.raises(MutationError, match="cannot read the mutant name .*mutmut 3"):
        locate(name)


def test_a_diff_gives_the_changed_lines():
    assert parse_diff(SHOW) == ("if _depth == 0:", "if _depth == 1:")
    assert parse_diff("--- a\n+++ a\n-x = 1\n-y = 2\n+x = 2\n") == ("x = 1\ny = 2", "x = 2")
    with pytest.raises(MutationError, match="no diff"):
        parse_diff("# a: survived\n--- a\n+++ a\n")


# Triage and score.


def test_triage_splits_the_survivors_and_finds_stale_entries():
    stale = Equivalent("reference/_cache.py", "read", "gone", "gone too", "the code changed")
    result = triage(MUTANTS, [READ_EQUIVALENT, stale])
    assert result.equivalent == {"parametrize_conformance.reference._cache.x_read__mutmut_12": "never nested"}
    assert [m.name for m in result.untriaged] == ["parametrize_conformance.reference._cache.x_invalidate__mutmut_1"]
    assert result.stale == (stale,)


def test_the_key_is_not_the_mutant_number():
    renumbered = mutant(
        "parametrize_conformance.reference._cache.x_read__mutmut_99", "survived", "if _depth == 0:", "if _depth == 1:"
    )
    assert triage([renumbered], [READ_EQUIVALENT]).equivalent == {renumbered.name: "never nested"}
    elsewhere = mutant(
        "parametrize_conformance.reference._cache.x_invalidate__mutmut_99", "survived", "if _depth == 0:", "if _depth == 1:"
    )
    assert triage([elsewhere], [READ_EQUIVALENT]).untriaged == (elsewhere,)


def test_a_bad_table_is_an_error():
    with pytest.raises(MutationError, match="listed twice"):
        check_table([READ_EQUIVALENT, READ_EQUIVALENT])
    with pytest.raises(MutationError, match="has no reason"):
        check_table([Equivalent("f", "g", "a", "b", "  ")])


def test_the_score_leaves_out_the_equivalent_mutants():
    counts = score(MUTANTS, triage(MUTANTS, [READ_EQUIVALENT]))
    assert (counts.generated, counts.killed, counts.equivalent, counts.untriaged) == (4, 2, 1, 1)
    assert counts.denominator == 3 and counts.value == pytest.approx(2 / 3)
    assert counts.by_status == {"killed": 1, "no tests": 1, "survived": 1, "timeout": 1}
    assert counts.meets(0.6) and not counts.meets(0.95)
    only = [MUTANTS[1]]
    assert score(only, triage(only, [READ_EQUIVALENT])).value is None


# The committed table.


def test_the_committed_table_is_valid_and_points_at_the_current_reference():
    check_table(EQUIVALENT)
    for entry in EQUIVALENT:
        source = {line.strip() for line in (ROOT / entry.file).read_text().splitlines()}
        missing = [line for line in entry.original.splitlines() if line not in source]
        assert not missing, f"{entry.key}: {missing} no longer in {entry.file}; re-triage it"


# Reports.


def _doc(tmp_path):
    result = triage(MUTANTS, [READ_EQUIVALENT])
    run = {
        "tool": "mutmut",
        "tool_version": "3.8.1",
        "started": "2025-01-01T00:00:00+00:00",
        "duration_s": 12.0,
        "git_commit": "abc",
        "command": "pytest",
        "max_children": 2,
        "target": 0.95,
        "resumed": False,
        "not_mutated": {"pattern": "x", "lines": {"reference/_list.py": 3}},
    }
    return _report.build(MUTANTS, result, score(MUTANTS, result), run)


def test_the_json_report_has_a_stable_shape():
    doc = _doc(None)
    assert list(doc) == ["schema", "run", "counts", "score", "files", "survivors", "stale_equivalents"]
    assert doc["schema"] == _report.SCHEMA
    assert doc["score"] == {"killed": 2, "denominator": 3, "value": pytest.approx(2 / 3), "target": 0.95, "met": False}
    assert doc["files"]["reference/_cache.py"] == {"generated": 2, "killed": 0, "equivalent": 1, "untriaged": 1}
    assert [(s["function"], s["equivalent"]) for s in doc["survivors"]] == [("invalidate", None), ("read", "never nested")]
    assert set(doc["survivors"][0]) == {"file", "function", "original", "mutated", "status", "equivalent", "tool_name"}


def test_the_markdown_summary_gives_the_score_and_the_survivors():
    text = _report.markdown(_doc(None))
    assert text.startswith("# Mutation score of the reference: 66.7%\n")
    assert "2 killed of 3 non-equivalent mutants (4 generated, 1 equivalent, 1 untriaged survivors)" in text
    assert "NOT met" in text and "- reference/_cache.py `invalidate` (no tests): `a` → `b`" in text
    assert "- 1 × never nested" in text


def test_reports_are_written_atomically(tmp_path, monkeypatch):
    doc = _doc(tmp_path)
    json_path, md_path = _report.write(tmp_path / "m", doc)
    assert json.loads(json_path.read_text()) == doc and md_path.read_text() == _report.markdown(doc)
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["mutation.json", "mutation.md"]

    def fail(*args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError):
        _report.write(tmp_path / "m", {**doc, "schema": "changed"})
    assert json.loads(json_path.read_text()) == doc, "a failed write leaves the old report whole"
    assert sorted(p.name for p in (tmp_path / "m").iterdir()) == ["mutation.json", "mutation.md"]


# The work directory and the profile.


def test_the_mutmut_configuration_lists_one_item_per_line():
    text = mutmut_config(["--adapter", "reference"], ["parametrize_conformance/run/plugin.py"])
    assert "source_paths = parametrize_conformance/reference\n" in text
    assert "pytest_add_cli_args =\n    --adapter\n    reference\n" in text
    assert "also_copy =\n    parametrize_conformance/run/plugin.py\n" in text
    assert "process_isolation = forkserver" in text


def test_prepare_copies_the_packages_and_refuses_a_wrong_root(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    prepare(ROOT, work, ["-q"])
    assert {p.name for p in work.iterdir()} == {"parametrize_conformance", "setup.cfg"}
    package = work / "parametrize_conformance"
    assert (package / "run" / "plugin.py").is_file() and (package / "reference" / "_list.py").is_file()
    assert (package / "adapters" / "_adapter.py").is_file()
    config = (work / "setup.cfg").read_text()
    assert "    parametrize_conformance/adapters\n" in config and "    parametrize_conformance/reference\n" not in config
    assert not list(work.rglob("__pycache__"))
    with pytest.raises(
        MutationError, match="is not a package: run python -m parametrize_conformance.mutation from the project"
    ):
        prepare(tmp_path, tmp_path / "other", [])


def test_resume_refreshes_the_suite_and_refuses_a_changed_reference(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(MutationError, match="not a work directory of a finished run"):
        refresh(ROOT, work, [])
    prepare(ROOT, work, ["-q"])
    (work / "mutants" / "parametrize_conformance" / "reference").mkdir(parents=True)
    (work / "parametrize_conformance" / "stale.py").write_text("")
    (work / "mutants" / "mutmut-stats.json").write_text("{}")
    refresh(ROOT, work, ["--new"])
    assert not (work / "parametrize_conformance" / "stale.py").exists()
    assert "    --new\n" in (work / "setup.cfg").read_text()
    assert not (work / "mutants" / "mutmut-stats.json").exists(), "the old suite's test mapping was kept"
    (work / "parametrize_conformance" / "reference" / "_list.py").write_text("# changed\n")
    with pytest.raises(MutationError, match="reference/ changed since that run, so its verdicts no longer hold"):
        refresh(ROOT, work, [])


def test_message_lines_are_counted_without_docstrings(tmp_path):
    counts = message_lines(ROOT)
    assert set(counts) == {f"reference/{p.name}" for p in (ROOT / "reference").glob("*.py")}
    assert counts["reference/_list.py"] > 10
    (tmp_path / "reference").mkdir()
    (tmp_path / "reference" / "_one.py").write_text(
        '"""Module docstring."""\n\n\ndef f():\n    """Docstring."""\n    raise ValueError("the one message line")\n'
    )
    assert message_lines(tmp_path) == {"reference/_one.py": 1}


def test_the_mutation_profile_does_not_shrink():
    profile = settings.get_profile(PROFILE)
    assert Phase.shrink not in profile.phases and Phase.generate in profile.phases
    assert profile.derandomize and profile.database is None and profile.deadline is None


# Errors: one line saying what is wrong and the fix, and nothing written.


def _cli_run(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "parametrize_conformance.mutation", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        cwd=ROOT,
    )


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (["--max-children", "0"], "argument --max-children: invalid positive integer value: '0'"),
        (["--target", "95"], "argument --target: invalid fraction between 0 and 1 value: '95'"),
        (["--ouy", "x"], "unrecognized arguments: --ouy x"),
    ],
)
def test_a_bad_option_is_one_line_and_writes_nothing(tmp_path, args, phrase):
    done = _cli_run("--out", str(tmp_path / "out"), *args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines() == [
        f"python -m parametrize_conformance.mutation: error: {phrase}; see python -m parametrize_conformance.mutation --help"
    ]
    assert not (tmp_path / "out").exists()


def test_a_missing_tool_is_one_line_and_writes_nothing(tmp_path, monkeypatch, capsys):
    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "version", missing)
    assert _cli.main(["--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [
        f"python -m parametrize_conformance.mutation: error: mutmut is not installed in "
        f"{sys.executable}: pip install 'mutmut>=3.8' (or pip install -e '.[mutation]' in a "
        "checkout)"
    ]
    assert not (tmp_path / "out").exists()


def test_an_old_tool_is_refused(monkeypatch):
    monkeypatch.setattr(metadata, "version", lambda name: "2.4.0")
    with pytest.raises(MutationError, match=r"mutmut 2.4.0 is too old .*pip install 'mutmut>=3.8'"):
        _cli.execute(_cli.parser().parse_args([]))


def test_an_out_that_is_a_file_is_refused_before_the_run(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(metadata, "version", lambda name: "3.8.1")
    (tmp_path / "f").write_text("keep me")
    assert _cli.main(["--out", str(tmp_path / "f")]) == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("--out " + str(tmp_path / "f") + " is a file: give a directory, e.g. reports/mutation")
    )
    assert (tmp_path / "f").read_text() == "keep me"


def test_retriage_without_resume_is_refused_before_anything_is_made(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(metadata, "version", lambda name: "3.8.1")
    assert _cli.main(["--retriage", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith("--retriage needs --resume WORK: the work directory of a --keep-work run")
    assert not (tmp_path / "out").exists()


def test_a_retriaged_report_keeps_the_run_it_triages_again(tmp_path):
    (tmp_path / "mutation.json").write_text(json.dumps({"run": {"started": "S", "duration_s": 12.0, "git_commit": "c"}}))
    assert _cli._kept_run(tmp_path) == {"started": "S", "duration_s": 12.0, "git_commit": "c"}
    assert _cli._kept_run(tmp_path / "nowhere") == {}
