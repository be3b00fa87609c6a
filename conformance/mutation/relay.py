"""The reference functions that the suite's child processes call, handed to mutmut's coverage of the test running,
and what starting those processes costs, charged to the tests that need them.

mutmut picks the tests a mutant runs from the functions each test called while it collected its stats, and it sees
only calls made in the pytest process. The distributed area runs the implementation in rank processes: without this
relay, a mutant of code that only ranks reach (DTensor layouts, fully_shard) never runs the tests that could kill it.
mutmut runs a mutant's tests fastest first and stops at the first failure, timing each test by its call alone; a new
process runs each mutant, so every mutant that runs a distributed test starts the rank processes again. Each such test
is charged that start, so that they run last, after the tests that kill most mutants.
Outside mutmut's stats run every function here does nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

# Note: the value mutmut gives MUTANT_UNDER_TEST while it records which functions each test calls; child processes
# inherit it, so their trampolines record too, into their own process's state.
_COLLECTING = "stats"


# Note: set to "0" by the driver's --no-rank-coverage: the rank processes' calls then count for no test.
SWITCH = "PARAMETRIZE_CONFORMANCE_RANK_COVERAGE"


def collecting() -> bool:
    """Whether mutmut is recording which reference functions the running test calls, with the ranks' calls counted."""
    return os.environ.get("MUTANT_UNDER_TEST") == _COLLECTING and os.environ.get(SWITCH) != "0"


def take_hits() -> list[str]:
    """In a child process: the functions its trampolines recorded since the last call (and forget them)."""
    if not collecting():
        return []
    from mutmut.state import state

    hits = sorted(state()._stats)
    state()._stats.clear()
    return hits


def record_hits(names: Iterable[str]) -> None:
    """In the pytest process: count `names` (a child's hits) as called by the running test."""
    if not collecting():
        return
    from mutmut.state import state

    state()._stats.update(names)


_slowest_start_s = 0.0


def started(seconds: float) -> None:
    """In the pytest process: a pool of child processes took `seconds` to start."""
    global _slowest_start_s
    _slowest_start_s = max(_slowest_start_s, seconds)


def charge_start(nodeid: str) -> None:
    """In the pytest process: add the slowest start seen to the recorded duration of the test `nodeid`, which needs
    child processes (every mutant's run starts them anew)."""
    if not collecting():
        return
    from mutmut.state import state

    state().duration_by_test[nodeid] += _slowest_start_s
