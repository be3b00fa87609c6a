"""The plugin part that keeps checks apart: a snapshot of the shared state (shared_state, one level up) before each
check, compared after it and restored, so one check's damage never reaches another; what changed is kept for the
clause ISOLATION-SHARED-STATE, which runs last."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from parametrize_conformance.shared_state import SharedState, changes_since, restore, watched_classes

ISOLATION_CLAUSE = "ISOLATION-SHARED-STATE"
_WATCHED: list[type] = []


@dataclass(frozen=True)
class Trespass:
    """What one check changed of the shared state (undone before the next check)."""

    nodeid: str
    changes: tuple[str, ...]

    def __str__(self) -> str:
        return f"during {self.nodeid}: " + "; ".join(self.changes)


TRESPASSES: list[Trespass] = []


def watched() -> list[type]:
    """The classes that existed when the first check started (taken once)."""
    if not _WATCHED:
        _WATCHED.extend(watched_classes())
    return _WATCHED


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None):
    if item.get_closest_marker("clause") is None:
        return (yield)
    before = SharedState.take(watched())
    try:
        return (yield)
    finally:
        found = changes_since(before)
        if found:
            TRESPASSES.append(Trespass(item.nodeid, tuple(found)))
            restore(before)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The isolation clause runs after every other check, so that it sees what they changed."""
    # Note (ISOLATION-SHARED-STATE): under pytest-xdist each worker keeps its own record; the clause's own probe
    # (test_isolation.py) still finds a trespass alone, so its status does not depend on the other checks.
    last = [i for i in items if (m := i.get_closest_marker("clause")) is not None and m.args[0] == ISOLATION_CLAUSE]
    items[:] = [i for i in items if i not in last] + last
