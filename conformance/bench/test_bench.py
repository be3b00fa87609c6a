"""The benchmarks: one test function per operation, over the fixed cases, the passes and, innermost, the targets of
each device (the floor, torch, then the adapters under test; reversed on even passes), so that the numbers a ratio
compares are measured side by side.

Run with `pytest --pyargs parametrize_conformance.bench`; see conformance/bench/plugin.py for the options and ops.py for what
each operation times.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from parametrize_conformance.bench.cases import Case
from parametrize_conformance.bench.ops import build, skip_reason
from parametrize_conformance.bench.plugin import bench_state
from parametrize_conformance.bench.run import measure, measurement
from parametrize_conformance.bench.targets import Target


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if not {"case", "target"} <= set(metafunc.fixturenames):
        return
    op = metafunc.function.__name__.removeprefix("test_").replace("_", "-")
    state = bench_state(metafunc.config)
    passes = range(1, state.passes + 1)
    # Note: each pass times every target of a case once, so a burst of load on a shared machine rarely spoils all
    # of one target's passes; the rows keep the best (min) of the passes. Even passes go in reverse order, so no
    # target is always the first timed after another case.
    runs = [
        (c, t, k)
        for c in state.cases
        if c.op == op
        for k in passes
        for t in (state.targets if k % 2 else state.targets[::-1])
    ]
    # Note: a bad option leaves no runs; the plugin turns its message into a usage error after collection.
    ids = [f"{c.id}-{t.name}" + (f"-pass{k}" if state.passes > 1 else "") for c, t, k in runs]
    metafunc.parametrize(("case", "target"), [(c, t) for c, t, _ in runs], ids=ids)


@pytest.fixture
def bench(request: pytest.FixtureRequest, benchmark, case: Case, target: Target) -> Callable[[], None]:
    """Times `case` on `target` and records the measurement; skips (or, with --require-adapter, fails) a target
    that cannot run here."""
    config = request.config
    state = bench_state(config)

    def run() -> None:
        reason = target.unavailable_reason()
        if reason:
            state.skipped.setdefault(target.name, reason)
            if config.getoption("require_adapter", False):
                pytest.fail(f"{target.name}: {reason} (--require-adapter)", pytrace=False)
            pytest.skip(f"{target.name}: {reason}")
        if (why := skip_reason(case, target)) is not None:
            pytest.skip(why)
        benchmark.group = case.op
        benchmark.extra_info.update(case=case.id, adapter=target.name, device=target.device)
        timing = build(case, target)
        measure(benchmark, timing, target, state.settings)
        if (result := measurement(benchmark, case, target, timing.compiled)) is not None:
            state.measurements.append(result)

    return run


def test_read(bench: Callable[[], None]) -> None:
    """Reading the parametrized attribute outside cached()."""
    bench()


def test_read_cached(bench: Callable[[], None]) -> None:
    """Reading it inside cached() (the cache already holds the value)."""
    bench()


def test_assign(bench: Callable[[], None]) -> None:
    """Assigning through right_inverse: module.weight = value."""
    bench()


def test_register_remove(bench: Callable[[], None]) -> None:
    """Registering the chain on a fresh nn.Linear, then removing it (leave_parametrized=True)."""
    bench()


def test_mlp_step(bench: Callable[[], None]) -> None:
    """Forward, backward and SGD step of a two-layer MLP whose weights are parametrized."""
    bench()


def test_deepcopy(bench: Callable[[], None]) -> None:
    """copy.deepcopy of the parametrized module."""
    bench()


def test_state_dict(bench: Callable[[], None]) -> None:
    """torch.save of the state_dict to memory, then torch.load and load_state_dict into a fresh parametrized module."""
    bench()


def test_gpu_forward(bench: Callable[[], None]) -> None:
    """Forward of Linear(1024, 1024) with a CayleyOrthogonal weight -> ReLU -> Linear, on non-CPU adapters only."""
    bench()


def test_compiled_step(bench: Callable[[], None]) -> None:
    """Forward, backward and SGD step of a 12-layer MLP of parametrized Dense layers, torch.compile'd as a whole."""
    bench()


def test_compiled_layers(bench: Callable[[], None]) -> None:
    """The same step with each of the 12 layers compiled on its own (layer.compile())."""
    bench()
