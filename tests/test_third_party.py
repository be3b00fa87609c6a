"""The third-party path: adapters that other packages install are found through the entry-point group, --adapter all
runs every available adapter, and each way of naming an adapter wrongly gets a one-line error that says what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from conftest import ROOT

from parametrize_conformance import CLAUSES
from parametrize_conformance.report import load_report

TOY = ROOT / "examples" / "toy_parametrize"


def installed(site: Path, distribution: str, entry_points: dict[str, str]) -> Path:
    """Make `site` look like a site-packages holding `distribution`, registering `entry_points` in the suite's group
    (what pip writes on install, without running pip)."""
    info = site / f"{distribution.replace('-', '_')}-0.1.0.dist-info"
    info.mkdir(parents=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: 0.1.0\n")
    lines = [f"{name} = {target}" for name, target in entry_points.items()]
    (info / "entry_points.txt").write_text("[parametrize_conformance.adapters]\n" + "\n".join(lines) + "\n")
    return site


@pytest.fixture
def toy_site(tmp_path) -> list[Path]:
    return [installed(tmp_path / "site", "toy-parametrize", {"toy": "toy_parametrize.adapter:ADAPTER"}), TOY]


def test_the_worked_example_is_validated_with_its_one_divergence(suite, tmp_path, toy_site):
    result = suite("conformance", "--adapter", "toy", "--report", str(tmp_path / "toy.json"), pythonpath=toy_site)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    report = load_report(tmp_path / "toy.json")
    statuses = {c: e["status"] for c, e in report["clauses"].items()}
    assert statuses.pop("REMOVE-KEEPS-ORDER") == "diverged"
    # Note: the toy runs on the CPU, so the device clauses (which need a CUDA device) are untested.
    device = {c for c in statuses if CLAUSES[c].area == "device"}
    assert {statuses.pop(c) for c in device} == {"untested"} and device
    assert set(statuses.values()) == {"passed"}
    assert report["adapter"]["name"] == "toy" and report["adapter"]["declared"] == 1


def test_adapter_all_runs_every_available_adapter_each_in_its_own_report(suite, tmp_path, toy_site):
    out = tmp_path / "out"
    result = suite(
        "conformance", "--adapter", "all", "--clauses", "query", "--report-dir", str(out), "--jobs", "2", pythonpath=toy_site
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    # Note: the CUDA built-ins are available, and so run, only where CUDA is.
    cuda = ["reference-cuda.json", "torch-cuda.json"] if torch.cuda.is_available() else []
    assert sorted(p.name for p in out.glob("*.json")) == sorted(["reference.json", "torch.json", "toy.json", *cuda])
    assert all(load_report(p)["run"]["isolated"] for p in out.glob("*.json"))


@pytest.mark.parametrize("isolate", [False, True], ids=["in-process", "isolated"])
def test_an_entry_point_that_cannot_be_loaded_is_a_one_line_error(suite, tmp_path, isolate):
    site = installed(tmp_path / "site", "ghost-impl", {"ghost": "ghost_impl.missing:ADAPTER"})
    result = suite("conformance", "--adapter", "ghost", *(["--isolate"] if isolate else []), pythonpath=[site])
    assert result.returncode == 4
    error = _one_line(result.stderr)
    if isolate:
        assert "ghost" in error and "isolated" not in error
    else:
        assert "entry point 'ghost' of ghost-impl points to 'ghost_impl.missing:ADAPTER'" in error
        assert "reinstall ghost-impl" in error


@pytest.mark.parametrize(
    "arguments, phrase",
    [
        (("--adapter", "refrence"), "did you mean 'reference'?"),
        (("--adapter", "refrence", "--adapter", "torch"), "unknown adapter 'refrence' (did you mean 'reference'?)"),
        (("--adapter", "toy_parametrize:__version__"), "is a str, not a parametrize_conformance.adapters.Adapter"),
        (("--adapter", "toy_parametrize.adapter:NOPE"), "has no attribute 'NOPE'"),
        (("--adpter", "reference"), "unknown option --adpter (did you mean --adapter?)"),
        (("--adapter", "reference", "--report", "a.json", "--report-dir", "b"), "keep one"),
        (("--adapter", "reference", "--adapter", "torch", "--report", "a.json"), "use --report-dir DIR"),
        (("--adapter", "reference", "--isolate", "--test-timeout", "0"), "--test-timeout must be a positive"),
    ],
)
def test_a_wrong_adapter_or_option_is_a_one_line_error(suite, arguments, phrase):
    result = suite("conformance", *arguments, pythonpath=[TOY])
    assert result.returncode == 4, result.stdout[-2000:]
    assert phrase in _one_line(result.stderr)


def _one_line(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, f"expected a one-line error, got:\n{stderr}"
    return lines[0]
