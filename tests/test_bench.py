"""The benchmark suite (conformance/bench): its files, the gate on a planted slow adapter, the ratio and gate logic,
unavailable adapters, staying out of conformance runs, and usage errors that write nothing."""

from __future__ import annotations

import json

import pytest
import torch
from conftest import ROOT
from PIL import Image

from parametrize_conformance.bench.cases import Case, all_cases, select
from parametrize_conformance.bench.gate import evaluate_gate, evaluate_goals
from parametrize_conformance.bench.results import build_rows
from parametrize_conformance.bench.run import Measurement
from parametrize_conformance.bench.targets import FLOOR, IMPL, TORCH, Target
from parametrize_conformance.report import ReportError
from parametrize_conformance.report._model import validate_bench

TESTS = ROOT / "tests"
# Note: tiny measurements keep each run to seconds; the numbers are not looked at, only their plumbing.
FAST = ("--benchmark-max-time", "0.005", "--benchmark-min-rounds", "2")


def bench(suite, *args: str):
    """Run `pytest --pyargs parametrize_conformance.bench ARGS` in a subprocess that can import the tests' helper
    adapters."""
    return suite("--pyargs", "parametrize_conformance.bench", "-rs", *args, pythonpath=[TESTS])


def test_a_run_writes_valid_json_markdown_and_png(suite, tmp_path):
    out = tmp_path / "out"
    result = bench(
        suite,
        "--bench-adapter",
        "reference",
        "--bench-case",
        "read-8x8-scale-chain1,deepcopy-8x8-*-chain1",
        "--bench-out",
        str(out),
        *FAST,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    doc = json.loads((out / "bench.json").read_text())
    validate_bench(doc)
    cases = {(r["case"], r["adapter"]) for r in doc["rows"]}
    assert {("read-8x8-scale-chain1", a) for a in ("floor", "torch", "reference")} <= cases
    assert len(cases) == 3 * 3 and doc["gate"] is None
    reference = next(r for r in doc["rows"] if r["adapter"] == "reference")
    assert reference["ratio_vs_torch"] > 0 and reference["ratio_over_floor"] > 0 and reference["rounds"] >= 2 * 3
    assert doc["settings"]["passes"] == 3 and doc["settings"]["torch_threads"] == 1
    assert {t["id"] for t in doc["targets"]} >= {"not-slower-than-torch", "read-overhead", "cached-read"}
    markdown = (out / "bench.md").read_text()
    assert "| read | 8x8 | scale | 1 | reference |" in markdown and "## Targets" in markdown
    with Image.open(out / "bench.png") as image:
        image.verify()
    with Image.open(out / "bench.png") as image:
        assert image.format == "PNG" and image.size[0] > 600 and image.size[1] > 150
    assert (out / "bench.png").stat().st_size > 10_000
    assert "parametrize-conformance benchmarks" in result.stdout and "reference read 8x8 scale chain=1:" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["bench.json", "bench.md", "bench.png"]


def test_the_gate_fails_on_a_planted_slow_adapter_and_names_the_case(suite, tmp_path):
    # Note: a compute-bound case, so reading twice is about 2x torch, far above the 1.10 limit even on a busy machine.
    result = bench(
        suite,
        "--bench-adapter",
        "torch",
        "--bench-adapter",
        "bench_slow",
        "--gate",
        "--bench-case",
        "read-256x256-cayley-chain1",
        "--bench-out",
        str(tmp_path),
        *FAST,
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert "bench_slow read 256x256 cayley chain=1: " in result.stdout
    assert "x torch (limit 1.10)" in result.stdout and "Failed" in result.stdout
    gate = json.loads((tmp_path / "bench.json").read_text())["gate"]
    assert gate["passed"] is False and gate["failures"][0].startswith("bench_slow read 256x256 cayley chain=1: ")


def test_the_gate_passes_when_no_adapter_is_slower(suite, tmp_path):
    result = bench(
        suite,
        "--bench-adapter",
        "torch",
        "--gate",
        "--bench-case",
        "deepcopy-8x8-scale-chain1",
        "--bench-out",
        str(tmp_path),
        *FAST,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert json.loads((tmp_path / "bench.json").read_text())["gate"] == {
        "limit": 1.1,
        "checked": 0,
        "passed": True,
        "failures": [],
    }


def _targets() -> list[Target]:
    return [
        Target("floor", FLOOR, "cpu", "floor"),
        Target("torch", TORCH, "cpu", "torch"),
        Target("mine", IMPL, "cpu", "mine"),
    ]


def _rows(times: dict[tuple[str, str], float]) -> list[dict]:
    """Rows of synthetic measurements: {(case op, target name): min seconds}."""
    measurements = [Measurement(Case(op, 8, "scale", 1), name, t, t * 1.1, 10) for (op, name), t in times.items()]
    return build_rows(measurements, _targets())


def test_ratios_compare_min_times_with_torch_and_the_floor():
    rows = _rows({("read", "floor"): 1.0, ("read", "torch"): 3.0, ("read", "mine"): 2.0})
    floor, torch_row, mine = rows
    assert floor["ratio_vs_torch"] is None and floor["ratio_over_floor"] is None and floor["overhead_s"] is None
    assert torch_row["ratio_vs_torch"] == 1.0 and torch_row["overhead_vs_torch"] == 1.0
    assert mine["ratio_vs_torch"] == pytest.approx(2 / 3) and mine["ratio_over_floor"] == 2.0
    assert mine["overhead_s"] == 1.0 and mine["overhead_vs_torch"] == 0.5
    assert mine["median_s"] == pytest.approx(2.2) and mine["label"] == "read 8x8 scale chain=1"


def test_rows_keep_the_best_of_the_passes():
    case = Case("read", 8, "scale", 1)
    passes = [
        Measurement(case, "torch", 2.0, 3.0, 10),
        Measurement(case, "torch", 1.5, 5.0, 20),
        Measurement(case, "floor", 1.0, 1.0, 5),
    ]
    rows = build_rows(passes, _targets())
    assert [(r["adapter"], r["min_s"], r["median_s"], r["rounds"]) for r in rows] == [
        ("torch", 1.5, 4.0, 30),
        ("floor", 1.0, 1.0, 5),
    ]
    assert rows[0]["ratio_over_floor"] == 1.5


def test_an_overhead_ratio_needs_a_positive_torch_overhead():
    rows = _rows({("read", "floor"): 2.0, ("read", "torch"): 1.9, ("read", "mine"): 2.5})
    assert rows[2]["overhead_vs_torch"] is None and rows[2]["overhead_s"] == 0.5
    goal = next(g for g in evaluate_goals(rows) if g["id"] == "read-overhead")
    assert goal["passed"] is False  # torch shows no overhead here, so any overhead is more than half of it


def test_the_gate_passes_within_ten_percent_and_fails_beyond_naming_each_case():
    passing = _rows(
        {
            ("read", "floor"): 1.0,
            ("read", "torch"): 2.0,
            ("read", "mine"): 2.2,
            ("assign", "floor"): 1.0,
            ("assign", "torch"): 2.0,
            ("assign", "mine"): 1.0,
        }
    )
    assert evaluate_gate(passing) == {"limit": 1.1, "checked": 2, "passed": True, "failures": []}
    failing = _rows(
        {
            ("read", "floor"): 1.0,
            ("read", "torch"): 2.0,
            ("read", "mine"): 2.46,
            ("assign", "floor"): 1.0,
            ("assign", "torch"): 2.0,
            ("assign", "mine"): 2.0,
        }
    )
    gate = evaluate_gate(failing)
    assert gate["passed"] is False and gate["failures"] == ["mine read 8x8 scale chain=1: 1.23x torch (limit 1.10)"]
    barely = _rows({("read", "floor"): 1.0, ("read", "torch"): 2.0, ("read", "mine"): 2.2042})
    assert evaluate_gate(barely)["failures"] == ["mine read 8x8 scale chain=1: 1.102x torch (limit 1.10)"]


def test_the_gate_fails_without_a_torch_measurement_to_compare_with():
    gate = evaluate_gate(_rows({("read", "floor"): 1.0, ("read", "mine"): 1.0}))
    assert gate["failures"] == ["mine read 8x8 scale chain=1: no torch measurement on cpu to compare with"]


def _compiled_rows(counts: dict[str, tuple[int, int, int]]) -> list[dict]:
    """Rows of a compiled case, all timed alike: {target name: (graphs, recompiles, eager_fallbacks)}."""
    case = Case("compiled-layers", 64, "scale", 1)
    keys = ("graphs", "recompiles", "eager_fallbacks")
    measurements = [Measurement(case, name, 1.0, 1.0, 10, dict(zip(keys, c, strict=True))) for name, c in counts.items()]
    return build_rows(measurements, _targets())


def test_the_gate_fails_on_more_graphs_or_eager_frames_than_torch_naming_both_numbers():
    assert evaluate_gate(_compiled_rows({"torch": (8, 7, 1), "mine": (2, 1, 0)}))["passed"] is True
    assert evaluate_gate(_compiled_rows({"torch": (8, 7, 1), "mine": (8, 7, 1)}))["passed"] is True
    gate = evaluate_gate(_compiled_rows({"torch": (1, 0, 0), "mine": (9, 8, 2)}))
    assert gate["failures"] == [
        "mine compiled-layers 64x64 scale chain=1: 9 graphs, torch 1",
        "mine compiled-layers 64x64 scale chain=1: 2 frames run eagerly, torch 0",
    ]
    no_torch = evaluate_gate(_compiled_rows({"floor": (1, 0, 0), "mine": (1, 0, 0)}))
    assert "no torch compile counts on cpu to compare with" in no_torch["failures"][0]
    goal = next(
        g
        for g in evaluate_goals(_compiled_rows({"torch": (1, 0, 0), "mine": (3, 2, 0)}))
        if g["id"] == "compile-graphs" and g["adapter"] == "mine"
    )
    assert goal["passed"] is False and goal["failures"][0]["value"] == 2


def test_rows_of_uncompiled_cases_carry_no_compile_counts():
    rows = _rows({("read", "floor"): 1.0, ("read", "torch"): 2.0, ("read", "mine"): 2.0})
    assert {(r["graphs"], r["recompiles"], r["eager_fallbacks"]) for r in rows} == {(None, None, None)}
    assert evaluate_gate(rows)["passed"] is True


def test_the_compile_gate_rejects_a_planted_graph_breaking_getter_and_passes_the_reference(suite, tmp_path):
    # Note: the time limit is not asserted for the reference: FAST timings of a compiled step are noise-bound.
    result = bench(
        suite,
        "--bench-adapter",
        "reference",
        "--bench-adapter",
        "bench_graphs",
        "--gate",
        "--bench-case",
        "compiled-step-64x64-scale-chain1,compiled-layers-64x64-scale-chain1",
        "--bench-out",
        str(tmp_path),
        *FAST,
    )
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    doc = json.loads((tmp_path / "bench.json").read_text())
    validate_bench(doc)
    counts = {(r["op"], r["adapter"]): (r["graphs"], r["eager_fallbacks"]) for r in doc["rows"]}
    assert counts[("compiled-step", "torch")] == (1, 0) and counts[("compiled-step", "reference")] == (1, 0)
    torch_layers, reference_layers = counts[("compiled-layers", "torch")], counts[("compiled-layers", "reference")]
    assert torch_layers[1] >= 1 and reference_layers == (2, 0) and reference_layers[0] < torch_layers[0]
    compile_failures = [f for f in doc["gate"]["failures"] if "graphs, torch" in f or "run eagerly" in f]
    assert compile_failures and all(f.startswith("bench_graphs ") for f in compile_failures)
    assert any(
        f.startswith("bench_graphs compiled-step 64x64 scale chain=1: ") and "graphs, torch 1" in f for f in compile_failures
    ), compile_failures
    assert "graphs / recompiles / eager frames" in (tmp_path / "bench.md").read_text()


def test_targets_report_pass_and_fail_per_adapter():
    rows = _rows(
        {
            ("read", "floor"): 1.0,
            ("read", "torch"): 3.0,
            ("read", "mine"): 1.5,
            ("read-cached", "floor"): 1.0,
            ("read-cached", "torch"): 3.0,
            ("read-cached", "mine"): 2.5,
        }
    )
    goals = {g["id"]: g for g in evaluate_goals(rows) if g["adapter"] == "mine"}
    assert goals["not-slower-than-torch"]["passed"] is True and goals["not-slower-than-torch"]["checked"] == 2
    assert goals["read-overhead"]["passed"] is True  # 0.5 s of overhead against torch's 2 s
    assert goals["cached-read"]["passed"] is False
    assert goals["cached-read"]["failures"] == [{"case": "read-cached 8x8 scale chain=1", "value": 2.5, "limit": 2.0}]
    assert goals["gpu-overhead"]["passed"] is None and goals["gpu-overhead"]["checked"] == 0


def test_the_bench_schema_rejects_a_malformed_document():
    with pytest.raises(ReportError, match="not a valid parametrize-conformance bench document"):
        validate_bench({"schema": 1, "kind": "bench"})
    with pytest.raises(ReportError, match="reads bench document schema 1"):
        validate_bench({"schema": 2})


def test_cases_cover_every_operation_with_fixed_ids():
    assert len(all_cases()) == 7 * 8 + 1 + 2 * 2
    assert [c.id for c in select(["compiled-layers"])] == [
        "compiled-layers-64x64-scale-chain1",
        "compiled-layers-64x64-cayley-chain1",
    ]
    assert [c.id for c in select(["read-8x8-*-chain1"])] == ["read-8x8-scale-chain1", "read-8x8-cayley-chain1"]
    assert {c.op for c in select(["gpu-forward"])} == {"gpu-forward"}
    with pytest.raises(ValueError, match="matches no case"):
        select(["nope"])


def test_an_unavailable_adapter_is_skipped_with_its_reason(suite, tmp_path):
    result = bench(
        suite,
        "--bench-adapter",
        "bench_unavailable:ADAPTER",
        "--bench-case",
        "read-8x8-scale-chain1",
        "--bench-out",
        str(tmp_path),
        *FAST,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "SKIPPED" in result.stdout and "offline: the bench tests' stand-in accelerator is switched off" in result.stdout
    adapters = {a["name"]: a for a in json.loads((tmp_path / "bench.json").read_text())["adapters"]}
    assert adapters["offline"]["skipped"].endswith("switched off") and adapters["torch"]["skipped"] is None


def test_an_unavailable_adapter_fails_under_require_adapter(suite, tmp_path):
    result = bench(
        suite,
        "--bench-adapter",
        "bench_unavailable:ADAPTER",
        "--bench-case",
        "read-8x8-scale-chain1",
        "--require-adapter",
        "--bench-out",
        str(tmp_path),
        *FAST,
    )
    assert result.returncode == 1, result.stdout[-3000:]
    assert "offline: the bench tests' stand-in accelerator is switched off (--require-adapter)" in result.stdout


def test_the_cuda_adapters_are_skipped_with_their_reason_without_cuda(suite, tmp_path):
    result = bench(
        suite,
        "--bench-adapter",
        "reference-cuda",
        "--bench-case",
        "read-8x8-scale-chain1",
        "--bench-out",
        str(tmp_path),
        *FAST,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    if torch.cuda.is_available():
        assert "9 passed" in result.stdout and (tmp_path / "bench.json").exists()
        return
    assert "9 skipped" in result.stdout and "nothing measured, nothing written" in result.stdout
    assert "reference-cuda: adapter 'reference-cuda' needs a CUDA device" in result.stdout
    assert "floor-cuda: CUDA is not available" in result.stdout and "torch-cuda: adapter 'torch-cuda'" in result.stdout


def test_gpu_forward_is_skipped_with_a_reason_on_cpu(suite, tmp_path):
    result = bench(suite, "--bench-adapter", "reference", "--bench-case", "gpu-forward", "--bench-out", str(tmp_path), *FAST)
    assert result.returncode == 0 and "9 skipped" in result.stdout, result.stdout[-3000:]
    assert "gpu-forward runs only on non-CPU adapters; reference runs on cpu" in result.stdout
    assert not (tmp_path / "bench.json").exists() and "nothing measured, nothing written" in result.stdout


def test_conformance_runs_do_not_collect_the_benchmarks_and_the_plugin_stays_inert(suite, tmp_path):
    a_file = tmp_path / "not-a-directory"
    a_file.write_text("keep")
    result = suite(
        "--pyargs",
        "parametrize_conformance",
        "--adapter",
        "reference",
        "--clauses",
        "query",
        "--collect-only",
        "--bench-out",
        str(a_file),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "test_query.py" in result.stdout and "test_bench" not in result.stdout
    assert "benchmarks" not in result.stdout and a_file.read_text() == "keep"


@pytest.mark.parametrize("make", ["file", "under-a-file"])
def test_a_bad_bench_out_is_a_one_line_usage_error_that_writes_nothing(suite, tmp_path, make):
    a_file = tmp_path / "taken"
    a_file.write_text("keep")
    out = a_file if make == "file" else a_file / "sub"
    result = bench(
        suite, "--bench-adapter", "reference", "--bench-case", "read-8x8-scale-chain1", "--bench-out", str(out), *FAST
    )
    assert result.returncode == 4, result.stdout[-2000:] + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith(f"ERROR: --bench-out {out}"), result.stderr
    assert "passed" not in result.stdout and a_file.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["taken"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--bench-adapter", "refrence"), "ERROR: --bench-adapter/--bench-case: unknown adapter 'refrence'"),
        (("--bench-case", "nope"), "ERROR: --bench-adapter/--bench-case: --bench-case nope matches no case"),
        (
            ("-p", "no:benchmark"),
            "ERROR: the benchmarks need pytest-benchmark (not installed or disabled): "
            "pip install 'parametrize-conformance[bench]'",
        ),
        (("-n", "2"), "ERROR: the benchmarks run serially: drop -n/--dist"),
        (("--bench-passes", "0"), "ERROR: --bench-passes 0: give 1 or more"),
        (("--bench-threads", "-1"), "ERROR: --bench-threads -1: give a positive number, or 0 for torch's default"),
    ],
)
def test_usage_errors_are_one_line_and_run_nothing(suite, tmp_path, args, message):
    result = bench(suite, "--bench-out", str(tmp_path / "out"), *args)
    assert result.returncode == 4, result.stdout[-2000:] + result.stderr
    assert result.stderr.strip().startswith(message), result.stderr
    assert not (tmp_path / "out").exists()
