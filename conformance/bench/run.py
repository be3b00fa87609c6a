"""Timing one case on one target with pytest-benchmark, and what a measurement keeps."""

from __future__ import annotations

import gc
import math
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import torch

from parametrize_conformance.bench.cases import Case
from parametrize_conformance.bench.ops import Timing
from parametrize_conformance.bench.targets import Target

# Note: pedantic (setup per round) measurements get as many rounds as fit in max_time, within these bounds.
MAX_PEDANTIC_ROUNDS = 2000


@dataclass(frozen=True)
class Settings:
    """How long each measurement runs: pytest-benchmark's max_time (seconds) and min_rounds."""

    max_time: float
    min_rounds: int


@dataclass(frozen=True)
class Measurement:
    """The statistics of one case on one target (seconds per call)."""

    case: Case
    target: str
    min_s: float
    median_s: float
    rounds: int
    # graphs, recompiles and eager_fallbacks of a compiled model (see ops.compile_counts); None for the others.
    compiled: dict[str, int] | None = None


def synchronized(function: Callable[..., Any], device: str) -> Callable[..., Any]:
    """`function`, followed by torch.cuda.synchronize() on a CUDA device (so the time includes the kernels)."""
    if device.split(":")[0] != "cuda":
        return function

    def call(*args: Any, **kwargs: Any) -> Any:
        result = function(*args, **kwargs)
        torch.cuda.synchronize(device)
        return result

    return call


def measure(benchmark: Any, timing: Timing, target: Target, settings: Settings) -> None:
    """Time `timing` with the benchmark fixture: plain calls, or one fresh setup per round (pedantic)."""
    function = synchronized(timing.target, target.device)
    with timing.context, _no_gc():
        if timing.setup is None:
            warm_up(function, timing.args, settings)
            benchmark(function, *timing.args)
        else:
            rounds = pedantic_rounds(function, timing.setup, settings)
            benchmark.pedantic(function, setup=timing.setup, rounds=rounds, warmup_rounds=1)


@contextmanager
def _no_gc() -> Iterator[None]:
    """The garbage collector off (after one collection) for a measurement."""
    # Note: a collection landing in some rounds of one adapter and not the other's moved state-dict and deepcopy
    # ratios by up to 10% between runs; with it off they stay within a few percent.
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def warm_up(function: Callable[..., Any], args: tuple, settings: Settings) -> None:
    """Call `function` for a tenth of max_time (at least 3 times), so the first target of a case is not timed cold."""
    # Note: the floor is always timed first in a case; without this, lazy initialisation (allocator, linalg
    # kernels, caches) would land on it and flatter everything compared with it.
    deadline = time.perf_counter() + settings.max_time / 10
    calls = 0
    while calls < 3 or time.perf_counter() < deadline:
        function(*args)
        calls += 1


def pedantic_rounds(function: Callable[..., Any], setup: Callable[[], tuple[tuple, dict]], settings: Settings) -> int:
    """As many rounds as one setup and call fit in max_time, at least min_rounds."""
    # Note: the setup counts too (building a Cayley-parametrized module costs more than what is timed on it), so a
    # measurement's wall time stays near max_time.
    start = time.perf_counter()
    args, kwargs = setup()
    function(*args, **kwargs)
    once = max(time.perf_counter() - start, 1e-7)
    return max(settings.min_rounds, min(MAX_PEDANTIC_ROUNDS, math.ceil(settings.max_time / once)))


def measurement(benchmark: Any, case: Case, target: Target, compiled: dict[str, int] | None = None) -> Measurement | None:
    """What the benchmark fixture measured (with the compile counts of a compiled model), or None when it did not
    time anything (--benchmark-disable)."""
    stats = getattr(getattr(benchmark, "stats", None), "stats", None)
    if not stats:
        return None
    return Measurement(case, target.name, float(stats.min), float(stats.median), int(stats.rounds), compiled)


def best_of_passes(measurements: list[Measurement]) -> list[Measurement]:
    """One measurement per (case, target), in first-seen order: the min of its passes' mins, the median of their
    medians, the rounds summed, and each compile count the largest of its passes' (they agree in a sound run)."""
    passes: dict[tuple[Case, str], list[Measurement]] = {}
    for m in measurements:
        passes.setdefault((m.case, m.target), []).append(m)
    return [
        Measurement(
            case,
            target,
            min(m.min_s for m in ms),
            statistics.median(m.median_s for m in ms),
            sum(m.rounds for m in ms),
            _largest_counts(ms),
        )
        for (case, target), ms in passes.items()
    ]


def _largest_counts(measurements: list[Measurement]) -> dict[str, int] | None:
    counted = [m.compiled for m in measurements if m.compiled is not None]
    return {key: max(c[key] for c in counted) for key in counted[0]} if counted else None
