"""The ``cached()`` context and its store of parametrized values."""

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import Tensor
from torch.nn import Module

from ._calls import call

_is_tracing = torch._C._is_tracing

_depth = 0
# Note: CACHE-NO-ALIEN: keyed by id(module), but each entry holds the module itself, so the id cannot be reused by
# another module while the entry lives (torch stores only the id), and a hit also checks `entry[0] is module`.
_entries: dict[tuple[int, str], tuple[Module, Tensor]] = {}


@contextmanager
def cached() -> Iterator[None]:
    """Compute each parametrized tensor at most once inside the context; re-entrant, cleared on outermost exit."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0:
            _entries.clear()


def read(module: Module, name: str, plist: Module) -> Tensor:
    """The value of ``module.<name>``: computed by its list, or inside ``cached()`` the value computed first."""
    if _depth == 0:
        return call(plist)
    if _is_tracing():
        raise RuntimeError("Cannot trace a model while caching parametrizations.")
    key = (id(module), name)
    entry = _entries.get(key)
    # Note: CACHE-KEPT-IN-CONTEXT, CACHE-ASSIGN-DEFERRED: as documented, the value computed at the first read is
    # served until the outermost cached() exits, even after an in-place change, a replaced original, a stacked
    # parametrization or an assignment (an earlier version of this reference recomputed, and broke clients).
    if entry is not None and entry[0] is module:
        return entry[1]
    value = call(plist)
    _entries[key] = (module, value)
    return value


def snapshot() -> dict[tuple[int, str], tuple[Module, Tensor]]:
    """The cache as it is now, for a failed call to put back."""
    return dict(_entries)


def restore(saved: dict[tuple[int, str], tuple[Module, Tensor]]) -> None:
    """Put the cache back as ``snapshot`` saw it."""
    _entries.clear()
    _entries.update(saved)


def forget(module: Module, name: str) -> None:
    """Drop the cached value of ``module.<name>``: its parametrization was removed, or made anew by a first
    registration, so the next read inside ``cached()`` belongs to a new parametrized tensor."""
    _entries.pop((id(module), name), None)
