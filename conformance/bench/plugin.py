"""The benchmark suite's pytest plugin (inert unless benchmarks are collected).

`pytest --pyargs parametrize_conformance.bench` times every case of conformance/bench/test_bench.py on each --bench-adapter
(default: every available adapter), on torch (the baseline of each device) and on the floor, serially, with one torch
thread and in three passes, then writes bench.json (validated against conformance/report/bench.schema.json), bench.md
and bench.png into --bench-out, atomically and only at the end; with --gate the run fails when an adapter other than
torch is more than 10% slower than torch on any case. Adapters that cannot run here (no CUDA) are skipped with their
reason, or failed under --require-adapter.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import torch

from parametrize_conformance.bench import results
from parametrize_conformance.bench.cases import Case, select
from parametrize_conformance.bench.gate import evaluate_gate, evaluate_goals
from parametrize_conformance.bench.output import write_outputs
from parametrize_conformance.bench.render import summary_lines
from parametrize_conformance.bench.run import Measurement, Settings
from parametrize_conformance.bench.targets import Target, bench_specs, resolve
from parametrize_conformance.report import ReportError

BENCH_DIR = Path(__file__).resolve().parent
OUT_FILES = ("bench.json", "bench.md", "bench.png")
DEFAULT_OUT = "reports/out"
# Note: tuned so that the whole suite (57 cases x 3 targets x 3 passes) takes about two minutes on a 2-core machine;
# three short windows per target beat one long one against bursts of load. pytest-benchmark's --benchmark-max-time
# and --benchmark-min-rounds override them.
DEFAULT_MAX_TIME = 0.2
DEFAULT_PASSES = 3
DEFAULT_MIN_ROUNDS = 10
INSTALL_HINT = "pip install 'parametrize-conformance[bench]'"


@dataclass
class BenchState:
    """What the run benchmarks, what it measured and what it wrote."""

    targets: list[Target] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    settings: Settings = Settings(DEFAULT_MAX_TIME, DEFAULT_MIN_ROUNDS)
    passes: int = DEFAULT_PASSES
    error: str | None = None
    active: bool = False
    measurements: list[Measurement] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    summary: list[str] = field(default_factory=list)


STATE = pytest.StashKey[BenchState]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("parametrize-conformance-bench", "parametrize-conformance benchmarks")
    group.addoption(
        "--bench-adapter",
        action="append",
        default=None,
        metavar="SPEC",
        help="adapter to benchmark (a built-in or installed name, a module path, pkg.mod:OBJ; repeat it "
        "or separate with commas; default: every available adapter); torch is always measured",
    )
    group.addoption(
        "--bench-case",
        action="append",
        default=None,
        metavar="PATTERN",
        help="benchmark only these cases: an operation (read, assign, ...), a case id such as "
        "read-8x8-scale-chain1, or an fnmatch pattern over case ids; repeatable, comma-separated",
    )
    group.addoption(
        "--bench-out",
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"directory for bench.json, bench.md and bench.png (default {DEFAULT_OUT})",
    )
    group.addoption(
        "--bench-threads",
        type=int,
        default=1,
        metavar="N",
        help="torch intra-op threads while benchmarking (default 1: a parallel kernel sharing cores with "
        "other processes stalls for whole scheduler ticks); 0 keeps torch's default",
    )
    group.addoption(
        "--bench-passes",
        type=int,
        default=DEFAULT_PASSES,
        metavar="N",
        help=f"measure each case N times, timing all of its targets in turn each time (default "
        f"{DEFAULT_PASSES}); "
        "each row keeps its target's best pass",
    )
    group.addoption(
        "--gate",
        action="store_true",
        help="fail when an adapter other than torch is more than 10%% slower than torch on any case "
        "(min times of this run, on the same device)",
    )


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # Note: conformance runs (always with --adapter) recurse into conformance/; they must not collect benchmarks.
    if config.getoption("adapter", None) and Path(collection_path).resolve() == BENCH_DIR:
        return True
    return None


def pytest_configure(config: pytest.Config) -> None:
    if _xdist_active(config) and _targets_bench(config):
        raise pytest.UsageError(
            "the benchmarks run serially: drop -n/--dist (pytest-xdist) when running parametrize_conformance.bench"
        )


def _xdist_active(config: pytest.Config) -> bool:
    return bool(config.getoption("numprocesses", None)) or config.getoption("dist", "no") != "no"


def _targets_bench(config: pytest.Config) -> bool:
    """Whether the command line names the benchmarks (or a directory holding them) and no --adapter."""
    if config.getoption("adapter", None):
        return False
    for arg in config.args:
        name = arg.split("::")[0]
        if config.getoption("pyargs", False) and (
            name == "parametrize_conformance" or name.startswith("parametrize_conformance.bench")
        ):
            return True
        path = (config.invocation_params.dir / name).resolve()
        if path == BENCH_DIR or path in BENCH_DIR.parents or BENCH_DIR in path.parents:
            return True
    return False


def bench_state(config: pytest.Config) -> BenchState:
    """The run's state, made on first use (when a benchmark module is collected); a bad option is kept in
    `error` and raised as a usage error once collection ends."""
    if STATE not in config.stash:
        state = BenchState(settings=_settings(config), passes=config.getoption("bench_passes"))
        if state.passes < 1:
            state.error = f"--bench-passes {state.passes}: give 1 or more"
        try:
            state.cases = select(
                [p.strip() for v in config.getoption("bench_case") or [] for p in v.split(",") if p.strip()]
            )
            state.targets = resolve(bench_specs(config.getoption("bench_adapter")))
        except Exception as exc:  # an adapter's import may raise anything; it must end as one line
            state.error = state.error or f"--bench-adapter/--bench-case: {exc}"
        config.stash[STATE] = state
    return config.stash[STATE]


def _explicit(config: pytest.Config, option: str) -> bool:
    return any(a == option or a.startswith(option + "=") for a in config.invocation_params.args)


def _settings(config: pytest.Config) -> Settings:
    max_time = config.getoption("benchmark_max_time", None) if _explicit(config, "--benchmark-max-time") else None
    rounds = config.getoption("benchmark_min_rounds", None) if _explicit(config, "--benchmark-min-rounds") else None
    return Settings(float(max_time or DEFAULT_MAX_TIME), int(rounds or DEFAULT_MIN_ROUNDS))


def is_bench_item(item: pytest.Item) -> bool:
    """Whether `item` is one of the benchmarks."""
    return Path(item.path).resolve().parent == BENCH_DIR


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    bench_items = [item for item in items if is_bench_item(item)]
    if not bench_items:
        return
    # Note: an operation with no selected case (--bench-case) is dropped, not shown as an empty-parameter skip.
    empty = [i for i in bench_items if not isinstance(_params(i).get("case"), Case)]
    if empty:
        config.hook.pytest_deselected(items=empty)
        items[:] = [i for i in items if i not in empty]
        bench_items = [i for i in bench_items if i not in empty]
    if not config.pluginmanager.hasplugin("benchmark"):
        raise pytest.UsageError(f"the benchmarks need pytest-benchmark (not installed or disabled): {INSTALL_HINT}")
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise pytest.UsageError(f"the benchmarks need matplotlib for bench.png: {INSTALL_HINT}") from None
    state = bench_state(config)
    if state.error:
        raise pytest.UsageError(state.error)
    check_out_dir(out_dir(config))
    threads = config.getoption("bench_threads")
    if threads < 0:
        raise pytest.UsageError(f"--bench-threads {threads}: give a positive number, or 0 for torch's default")
    if threads:
        torch.set_num_threads(threads)
    marker = pytest.mark.benchmark(max_time=state.settings.max_time, min_rounds=state.settings.min_rounds)
    for item in bench_items:
        item.add_marker(marker)
    _quiet_table(config)
    state.active = True


def _params(item: pytest.Item) -> dict:
    callspec = getattr(item, "callspec", None)
    return callspec.params if callspec is not None else {}


def out_dir(config: pytest.Config) -> Path:
    """--bench-out, relative to the directory pytest was invoked from."""
    return config.invocation_params.dir / config.getoption("bench_out")


def check_out_dir(path: Path) -> None:
    """Raise a usage error unless bench.json, bench.md and bench.png can be written into directory `path`."""
    if path.exists() and not path.is_dir():
        raise pytest.UsageError(
            f"--bench-out {path} exists and is not a directory; give a directory (bench.json, "
            f"bench.md and bench.png are written into it)"
        )
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        raise pytest.UsageError(f"--bench-out {path}: {existing} is a file, so the directory cannot be made")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise pytest.UsageError(f"--bench-out {path}: {existing} is not writable")
    for name in OUT_FILES:
        if (path / name).is_dir():
            raise pytest.UsageError(f"--bench-out {path}: {path / name} is a directory; move it away")


def _quiet_table(config: pytest.Config) -> None:
    """pytest-benchmark's own table: one group per operation, sorted by name, min/median/rounds (unless asked)."""
    # Note: its default (ten columns, sorted by time) is hard to read over ~170 rows; our summary follows it.
    session = getattr(config, "_benchmarksession", None)
    if session is None:
        return
    if not _explicit(config, "--benchmark-columns"):
        session.columns = ["min", "median", "rounds"]
    if not _explicit(config, "--benchmark-sort"):
        session.sort = "name"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    state = session.config.stash.get(STATE, None)
    if state is None or not state.active:
        return
    if exitstatus == pytest.ExitCode.INTERRUPTED or not state.measurements:
        state.summary = [
            "nothing measured, nothing written"
            if not state.measurements
            else "interrupted: nothing written (the previous files are kept)"
        ]
        return
    rows = results.build_rows(state.measurements, state.targets)
    gate = evaluate_gate(rows) if session.config.getoption("gate") else None
    doc = results.document(rows, state.targets, state.skipped, state.settings, state.passes, evaluate_goals(rows), gate)
    try:
        written = write_outputs(out_dir(session.config), doc)
    except (OSError, ReportError) as exc:
        state.summary = [f"ERROR: could not write the bench files into {out_dir(session.config)}: {exc}"]
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        return
    state.summary = summary_lines(doc, [str(p) for p in written])
    if gate is not None and not gate["passed"] and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    state = config.stash.get(STATE, None)
    if state is None or not state.summary:
        return
    terminalreporter.write_sep("=", "parametrize-conformance benchmarks")
    for line in state.summary:
        terminalreporter.write_line(line)
