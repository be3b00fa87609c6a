"""The CUDA adapters and the device clauses, on machines with or without a GPU: the built-ins' declarations, how an
adapter that cannot run is skipped (or failed under --require-adapter) in process and isolated, the device clauses
run CPU to CPU through the test-only switch (and rejecting planted bugs), and the suite in bfloat16 on the CPU."""

from __future__ import annotations

import pytest
import torch
from conftest import ROOT
from device_adapters import UNAVAILABLE
from planted_bugs import PLANTED_BUGS

from parametrize_conformance import AREAS, CLAUSES
from parametrize_conformance.adapters import (
    AdapterError,
    available_adapters,
    check_spec,
    known_adapters,
    load_adapter,
    torch_divergences,
)
from parametrize_conformance.adapters._builtin import CUDA_DTYPES
from parametrize_conformance.adapters._torch_divergences import TORCH_CUDA_DIVERGENCES
from parametrize_conformance.report import (
    adapter_info,
    build_report,
    environment_info,
    load_report,
    suite_info,
    summary_lines,
)
from parametrize_conformance.test_device import NEEDS_DEVICE, SECOND_DEVICE

TESTS = ROOT / "tests"
DEVICE_CLAUSES = {c for c, clause in CLAUSES.items() if clause.area == "device"}
HAS_CUDA = torch.cuda.is_available()


def statuses(path) -> dict[str, str]:
    return {c: e["status"] for c, e in load_report(path)["clauses"].items()}


def test_the_cuda_builtins_are_declared():
    ref, tor = load_adapter("reference-cuda"), load_adapter("torch-cuda")
    assert (ref.device, ref.dtypes, ref.divergences) == ("cuda", CUDA_DTYPES, ())
    assert (tor.device, tor.dtypes) == ("cuda", CUDA_DTYPES)
    assert tor.divergences == torch_divergences() + TORCH_CUDA_DIVERGENCES
    assert tor.api is load_adapter("torch").api and ref.api is load_adapter("reference").api
    assert torch.bfloat16 in CUDA_DTYPES and torch.float64 in CUDA_DTYPES


@pytest.mark.parametrize("name", ["reference-cuda", "torch-cuda"])
def test_a_cuda_builtin_says_why_it_cannot_run(name):
    reason = load_adapter(name).unavailable_reason()
    if HAS_CUDA:
        assert reason is None
    else:
        assert reason.startswith(f"adapter {name!r} needs a CUDA device: torch.cuda.is_available() is False (torch ")
        assert "run it on a machine with an NVIDIA GPU and a CUDA build of torch" in reason and "\n" not in reason


def test_cpu_adapters_are_available_and_a_missing_device_is_not():
    assert load_adapter("reference").unavailable_reason() is None
    assert load_adapter("torch").unavailable_reason() is None
    reason = UNAVAILABLE.unavailable_reason()
    assert reason.startswith("adapter 'reference-nowhere' needs ") and "CUDA device" in reason


def test_available_adapters_list_cuda_only_with_cuda_while_every_builtin_stays_known():
    cuda = ["reference-cuda", "torch-cuda"]
    usable = ["reference", "torch", *(cuda if HAS_CUDA else [])]
    assert available_adapters()[: len(usable)] == usable
    assert HAS_CUDA or not set(cuda) & set(available_adapters())
    assert known_adapters()[:4] == ["reference", "torch", *cuda]
    for name in cuda:
        check_spec(name)
    with pytest.raises(AdapterError, match=r"did you mean 'reference-cuda'\?"):
        check_spec("reference-cdua")


@pytest.mark.parametrize(("device", "phrase"), [("gpu", "is not a torch device"), (3, "must be a string")])
def test_an_adapter_device_is_validated(device, phrase):
    with pytest.raises(AdapterError, match=phrase):
        type(UNAVAILABLE)(name="x", api=UNAVAILABLE.api, device=device)


# An adapter that cannot run: every test skipped with the reason (untested), or failed under --require-adapter.


def test_an_untested_clause_carries_its_skip_reason_into_the_report_and_its_summary():
    header = {
        "suite": suite_info(len(CLAUSES)),
        "adapter": adapter_info(UNAVAILABLE, "x"),
        "environment": environment_info(UNAVAILABLE.device),
        "declared": {},
    }
    results = [
        {
            "nodeid": f"conformance/test_query.py::{CLAUSES[c].test_name}[float32]",
            "clause": c,
            "outcome": "skipped",
            "duration_s": 0.0,
            "message": "no GPU here",
        }
        for c in ("QUERY-IS-PARAMETRIZED", "QUERY-TYPE-BEFORE")
    ]
    report = build_report(header, results, {"exit": "completed"})
    assert report["clauses"]["QUERY-TYPE-BEFORE"]["message"] == "no GPU here"
    assert report["clauses"]["REGISTER-VALUE"]["message"] is None, "a clause with no test ran says nothing"
    lines = summary_lines(report)
    at = lines.index("Untested clauses, by reason:")
    assert lines[at + 1 : at + 2] == ["  QUERY-IS-PARAMETRIZED, QUERY-TYPE-BEFORE: no GPU here"]


@pytest.mark.parametrize("spec", ["device_adapters:UNAVAILABLE", "device_adapters:UNAVAILABLE_TORCH"])
@pytest.mark.parametrize("required", [False, True], ids=["skipped", "required"])
def test_an_unavailable_adapter_in_process(suite, tmp_path, spec, required):
    path = tmp_path / "r.json"
    result = suite(
        "conformance",
        "--adapter",
        spec,
        "--clauses",
        "register,query",
        "--report",
        str(path),
        *(["--require-adapter"] if required else []),
        pythonpath=[TESTS],
    )
    assert result.returncode == (1 if required else 0), result.stdout[-3000:] + result.stderr[-2000:]
    report = load_report(path)
    reason = load_adapter(spec).unavailable_reason()
    wanted = {c for c, clause in CLAUSES.items() if clause.area in ("register", "query")}
    entries = {c: e for c, e in report["clauses"].items() if c in wanted}
    # Note: declared divergences never turn into "diverged" when nothing ran.
    assert {e["status"] for e in entries.values()} == {"failed" if required else "untested"}
    for entry in entries.values():
        assert entry["message"].startswith(reason), entry
        assert all(t["outcome"] == ("error" if required else "skipped") for t in entry["tests"]) and entry["tests"]
    assert f"parametrize-conformance: {reason}; every conformance test " in result.stdout
    assert ("failed (--require-adapter)" if required else "was skipped") in result.stdout
    if not required:
        assert f"  {len(wanted)} clauses: {reason}" in result.stdout.splitlines()


@pytest.mark.parametrize("required", [False, True], ids=["skipped", "required"])
def test_an_unavailable_adapter_beside_another_in_isolated_runs(suite, tmp_path, required):
    out = tmp_path / "out"
    result = suite(
        "conformance",
        "--adapter",
        "device_adapters:UNAVAILABLE",
        "--adapter",
        "reference",
        "--clauses",
        "query",
        "--report-dir",
        str(out),
        *(["--require-adapter"] if required else []),
        pythonpath=[TESTS],
    )
    assert result.returncode == (1 if required else 0), result.stdout[-3000:] + result.stderr[-2000:]
    assert set(statuses(out / "reference.json").values()) - {"untested"} == {"passed"}
    unavailable = load_report(out / "device_adapters_UNAVAILABLE.json")
    query = {c: e for c, e in unavailable["clauses"].items() if CLAUSES[c].area == "query"}
    assert {e["status"] for e in query.values()} == {"failed" if required else "untested"}
    assert all(UNAVAILABLE.unavailable_reason() in e["message"] for e in query.values())
    assert unavailable["run"]["isolated"] and unavailable["run"]["exit"] == "completed"
    assert UNAVAILABLE.unavailable_reason() in result.stdout, result.stdout[-3000:]


@pytest.mark.skipif(HAS_CUDA, reason="on a machine with a GPU the CUDA adapters run")
def test_the_cuda_session_fails_without_a_gpu(suite, tmp_path):
    """What `nox -s conformance_cuda` runs, on a machine without CUDA: a report per adapter, every clause failed."""
    out = tmp_path / "cuda"
    result = suite(
        "--pyargs",
        "parametrize_conformance",
        "--adapter",
        "reference-cuda",
        "--adapter",
        "torch-cuda",
        "--require-adapter",
        "--report-dir",
        str(out),
        "--clauses",
        "query",
    )
    assert result.returncode == 1, result.stdout[-3000:]
    for name in ("reference-cuda", "torch-cuda"):
        report = load_report(out / f"{name}.json")
        assert report["adapter"]["device"] == "cuda" and report["environment"]["device"]["type"] == "cuda"
        assert {e["status"] for c, e in report["clauses"].items() if CLAUSES[c].area == "query"} == {"failed"}


# The device clauses, CPU to CPU through the test-only switch.


def test_device_clauses_are_untested_on_a_cpu_adapter(suite, tmp_path):
    result = suite("conformance", "--adapter", "reference", "--clauses", "device", "--report", str(tmp_path / "r.json"))
    assert result.returncode == 0, result.stdout[-3000:]
    report = load_report(tmp_path / "r.json")
    device = {c: e for c, e in report["clauses"].items() if c in DEVICE_CLAUSES}
    assert {e["status"] for e in device.values()} == {"untested"}
    assert {e["message"] for e in device.values()} == {NEEDS_DEVICE}


@pytest.mark.parametrize("spec", ["reference", "torch"])
def test_device_clauses_run_cpu_to_cpu_with_the_switch(suite, tmp_path, monkeypatch, spec):
    monkeypatch.setenv(SECOND_DEVICE, "cpu")
    result = suite(
        "conformance", "--adapter", spec, "--clauses", "device", "--require-adapter", "--report", str(tmp_path / "r.json")
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert {c: s for c, s in statuses(tmp_path / "r.json").items() if c in DEVICE_CLAUSES} == dict.fromkeys(
        DEVICE_CLAUSES, "passed"
    )


def test_the_switch_takes_only_cpu(suite, monkeypatch):
    monkeypatch.setenv(SECOND_DEVICE, "cuda")
    result = suite("conformance", "--adapter", "reference", "--clauses", "DEVICE-CACHED")
    assert result.returncode == 1 and f"{SECOND_DEVICE}='cuda': the only value is 'cpu'" in result.stdout


# Planted bugs of tests/planted_bugs.py that a device clause rejects even CPU to CPU.
DEVICE_MUTANTS = {
    "register-inverse-device-unchecked": "DEVICE-INVERSE-SAME-DEVICE",
    "remove-default-leave-original": "DEVICE-MOVE-KEEPS-IDS",
    "copy-shallow-dict": "DEVICE-DEEPCOPY",
    "transfer-copies-not-ties": "DEVICE-TRANSFER",
    "cache-enabled-off-by-one": "DEVICE-CACHED",
}


@pytest.mark.parametrize(("name", "clause"), DEVICE_MUTANTS.items(), ids=list(DEVICE_MUTANTS))
def test_a_device_clause_rejects_a_planted_bug(suite, tmp_path, monkeypatch, name, clause):
    mutant = next(m for m in PLANTED_BUGS if m.name == name)
    mutant.build(tmp_path)
    monkeypatch.setenv(SECOND_DEVICE, "cpu")
    # Note: one parametrization (float64, set_ path) is enough to reject each, and shrinking four would be slow.
    result = suite(
        "conformance",
        "--adapter",
        mutant.package,
        "--clauses",
        clause,
        "-k",
        "float64 and not swap",
        "--report",
        str(tmp_path / "r.json"),
        pythonpath=[tmp_path],
    )
    assert result.returncode == 1, f"{name} ({mutant.bug}) was not rejected by {clause}:\n" + result.stdout[-3000:]
    assert statuses(tmp_path / "r.json")[clause] == "failed"


def test_device_is_an_area():
    assert "device" in AREAS and len(DEVICE_CLAUSES) == 7


# bfloat16, the dtype the CUDA adapters add, on the CPU.


@pytest.mark.parametrize("spec", ["device_adapters:REFERENCE_BFLOAT16", "device_adapters:TORCH_BFLOAT16"])
def test_the_suite_passes_in_bfloat16(suite, tmp_path, spec):
    result = suite("conformance", "--adapter", spec, "--report", str(tmp_path / "r.json"), pythonpath=[TESTS])
    assert result.returncode == 0, result.stdout[-4000:]
    declared = {d.clause for d in load_adapter(spec).divergences}
    expected = {c: "untested" if c in DEVICE_CLAUSES else "diverged" if c in declared else "passed" for c in CLAUSES}
    assert statuses(tmp_path / "r.json") == expected
