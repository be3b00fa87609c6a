"""The history command's pieces, offline: a release's file taken from its wheel, the torch-release adapter, a release
that cannot be loaded, and a run of a cached (stand-in) release into reports, history.json and the matrix."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from parametrize_conformance.adapters import AdapterError, load_adapter, torch_divergences
from parametrize_conformance.releases.history import (
    HistoryOptions,
    _extract,
    fetch,
    render_history,
    run_release,
    write_history,
)

ROOT = Path(__file__).resolve().parent.parent
# A stand-in for a release's parametrize.py: the reference's names (no torch code is kept in this repository).
STAND_IN = (
    "from parametrize_conformance.reference import *  # noqa: F401,F403\n"
    "from parametrize_conformance.reference import ParametrizationList, cached, is_parametrized\n"
    "from parametrize_conformance.reference import register_parametrization\n"
    "from parametrize_conformance.reference import remove_parametrizations, type_before_parametrizations\n"
    "from parametrize_conformance.reference import transfer_parametrizations_and_params\n"
)


def _wheel(folder: Path, release: str, source: str) -> Path:
    wheel = folder / f"torch-{release}-cp39-none-macosx_11_0_arm64.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        archive.writestr("torch/nn/utils/parametrize.py", source)
        archive.writestr("torch/__init__.py", "")
    return wheel


def _cached(cache: Path, release: str, source: str = STAND_IN) -> Path:
    return _extract(_wheel(cache, release, source), cache / f"torch-{release}", release)


def test_the_file_is_taken_from_the_wheel_and_described(tmp_path):
    folder = _cached(tmp_path, "1.99.0")
    info = json.loads((folder / "source.json").read_text())
    assert info["release"] == "1.99.0" and info["wheel"].startswith("torch-1.99.0-") and len(info["sha256"]) == 64
    assert (folder / "parametrize.py").read_text() == STAND_IN
    assert sorted(p.name for p in folder.iterdir()) == ["parametrize.py", "source.json"]
    with zipfile.ZipFile(tmp_path / "empty.whl", "w") as archive:
        archive.writestr("torch/__init__.py", "")
    assert _extract(tmp_path / "empty.whl", tmp_path / "none", "1.0.0") == "empty.whl has no torch/nn/utils/parametrize.py"


def test_a_cached_release_loads_as_an_adapter_with_its_releases_divergences(tmp_path):
    folder = _cached(tmp_path, "1.98.0")
    adapter = load_adapter(f"torch-release:{folder}")
    assert (adapter.name, adapter.version, adapter.spec) == ("torch-source", "1.98.0", f"torch-release:{folder}")
    assert adapter.divergences == torch_divergences(version="1.98.0") and not adapter.missing
    assert "load_adapter(" in adapter.import_line


def test_a_release_needing_what_this_torch_lacks_is_not_loadable(tmp_path):
    folder = _cached(tmp_path, "1.97.0", "from torch.nn.utils.parametrize import no_such_internal\n")
    with pytest.raises(
        AdapterError,
        match="torch 1.97.0's parametrize.py is not loadable on torch .*: it needs "
        "no_such_internal from torch.nn.utils.parametrize, which this torch lacks",
    ):
        load_adapter(f"torch-release:{folder}")
    outcome = run_release("1.97.0", HistoryOptions(tmp_path, tmp_path / "out", ROOT))
    assert outcome.status == "not loadable" and "no_such_internal" in outcome.reason
    with pytest.raises(
        AdapterError, match="holds no cached torch release .*fetch it with python -m parametrize_conformance.report history"
    ):
        load_adapter(f"torch-release:{tmp_path / 'nothing'}")


def test_a_release_pip_cannot_get_says_why(tmp_path, monkeypatch):
    import parametrize_conformance.releases.history as history

    def failing(arguments, options):
        return subprocess.CompletedProcess(arguments, 1, "", "ERROR: No matching distribution found for torch==0.1\n")

    monkeypatch.setattr(history, "_pip", failing)
    reason = fetch("0.1.0", HistoryOptions(tmp_path, tmp_path / "out", ROOT))
    assert reason.startswith("no wheel could be downloaded (pip: No matching distribution found for torch==0.1")
    assert not (tmp_path / "torch-0.1.0").exists()


def test_a_cached_release_runs_into_a_report_the_history_and_the_matrix(tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "out"
    cache.mkdir()
    _cached(cache, "1.96.0")
    options = HistoryOptions(cache, out, ROOT, pytest_arguments=("--clauses", "query"))
    outcome = run_release("1.96.0", options)
    assert outcome.status == "ran", outcome.reason
    report = json.loads((out / "torch-1.96.0.json").read_text())
    assert report["adapter"]["version"] == "1.96.0" and report["adapter"]["spec"] == "torch-release:CACHE/torch-1.96.0"
    assert report["summary"]["passed"] == 2 and str(cache) not in (out / "torch-1.96.0.json").read_text()
    history = json.loads(write_history(out, [outcome], "history --releases 1.96.0", cache).read_text())
    entry = history["versions"][0]
    assert (entry["version"], entry["status"]) == ("1.96.0", "ran") and len(entry["sha256"]) == 64
    assert [p.name for p in render_history(out)] == ["matrix.md", "matrix.html", "matrix.png"]
    assert "torch-source 1.96.0" in (out / "matrix.md").read_text()


@pytest.mark.parametrize(
    ("arguments", "phrase"),
    [
        (["--cache", "reports/cache"], "is inside this repository; torch's files must not be committed"),
        (["--cache", "/tmp/x", "--releases", "two"], "--releases: two is not a release version"),
        (["--releases", "1.9.1"], "the following arguments are required: --cache"),
    ],
)
def test_history_usage_errors_say_what_to_fix(arguments, phrase):
    done = subprocess.run(
        [sys.executable, "-m", "parametrize_conformance.report", "history", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2 and phrase in done.stderr, done.stderr
    assert not (ROOT / "reports" / "cache").exists()


def test_the_triage_lists_every_declared_behaviour_of_an_older_release():
    from parametrize_conformance.adapters._torch_divergences import TORCH_DIVERGENCES

    rows = [
        line
        for line in (ROOT / "reports" / "history" / "triage.md").read_text().splitlines()
        if line.startswith("| ") and " | " in line
    ]
    scoped = [(d.clause, d.releases or d.core_releases) for d in TORCH_DIVERGENCES if d.releases or d.core_releases]
    missing = [
        f"{clause} ({releases})"
        for clause, releases in scoped
        if not any(re.search(rf"\b{re.escape(clause)}\b", row) and releases in row for row in rows)
    ]
    assert not missing, f"declared with releases but not in reports/history/triage.md: {missing}"


def test_a_divergence_holds_for_its_releases_and_its_core_releases(monkeypatch):
    from parametrize_conformance.adapters import Divergence

    scoped = Divergence("CACHE-NESTED", "why", "code", releases=">=1.10,<2.4")
    assert [scoped.applies_to(v) for v in ("1.9.1", "1.10.2", "2.3.1", "2.4.1", "2.13.0+cpu")] == [
        False,
        True,
        True,
        False,
        False,
    ]
    assert Divergence("CACHE-NESTED", "why", "code").applies_to("0.1") and scoped.applies_to("not a version")
    core = Divergence("CACHE-NESTED", "why", "code", core_releases="<2.6")
    monkeypatch.setattr("torch.__version__", "2.5.1")
    assert core.applies_to("2.13.0")
    monkeypatch.setattr("torch.__version__", "2.13.0+cpu")
    assert not core.applies_to("2.5.1")
    with pytest.raises(AdapterError, match="releases 'two' is not a version specifier set"):
        Divergence("CACHE-NESTED", "why", "code", releases="two")
