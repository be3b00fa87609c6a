"""The ``cached()`` context and its store of parametrized values."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, NamedTuple

import torch
from torch import Tensor
from torch.nn import Module

from ._fast import call, holds, raised_in_read, tracing_state


class Entry(NamedTuple):
    """A value served inside ``cached()``, with the module and the originals it was computed for."""

    module: Module
    originals: tuple[Tensor, ...]
    value: Tensor


# Note: THREADS-CACHE-LOCAL, THREADS-OWN-CACHE: a store per thread (torch's is global): {(id(module), name): Entry}.
_local = threading.local()  # Note: COMPILE-FULLGRAPH, EXPORT-CACHED: Dynamo traces a threading.local, not a ContextVar
# Note (speed): read-8x8-scale-chain1: while no cached() is open, a read skips the thread-local. A bool, not the count,
# so that compiled code guarded on it is not recompiled as contexts open and close elsewhere.
_open, _any_open = 0, False
_open_lock = threading.Lock()


def _count(step: int) -> None:
    global _open, _any_open
    if torch.compiler.is_compiling():  # Note: EXPORT-CACHED: Dynamo cannot trace a lock.
        _open += step
        _any_open = _open > 0
        return
    with _open_lock:  # both under the lock: a flag set from a stale count could hide an open context
        _open += step
        _any_open = _open > 0


@contextmanager
def cached() -> Iterator[None]:
    """Compute each parametrized tensor at most once inside the context; re-entrant, cleared on outermost exit."""
    outermost = _entries() is None  # in this thread
    if outermost:
        _local.entries = {}
    _count(1)
    try:
        yield
    finally:
        _count(-1)
        if outermost:
            _local.entries = None


def _entries() -> dict[tuple[int, str], Entry] | None:
    return getattr(_local, "entries", None)


def read(module: Module, name: str, plist: Any) -> Tensor:
    """The value of ``module.<name>``: computed by its list, or inside ``cached()`` the value computed first."""
    try:  # Note (speed): read-8x8-scale-chain1: a try block costs nothing until it catches
        entries: dict[tuple[int, str], Entry] | None = getattr(_local, "entries", None) if _any_open else None
        if entries is None:
            computed: Tensor = call(plist)
            return computed
        # Note: JIT-TRACE-CACHED-REFUSED, COMPILE-FULLGRAPH, EXPORT-CACHED: Dynamo folds torch._C._get_tracing_state to
        # None.
        if tracing_state():
            raise RuntimeError("Cannot trace a model while caching parametrizations.")
        key = (id(module), name)
        entry = entries.get(key)
        # Note: CACHE-KEPT-IN-CONTEXT, CACHE-ASSIGN-DEFERRED, FUNCTIONAL-CACHED, INIT-ASSIGN-LOAD, CACHE-NO-ALIEN: the
        # first value until the outermost exit (after in-place changes, stacks, assignments too) while module and
        # originals stay.
        if entry is not None and holds(entry, module, plist):
            return entry[2]  # Note (speed): read-cached-8x8-scale-chain1: by index, as in holds
        originals = plist._originals()
        value: Tensor = call(plist)
        entries[key] = Entry(module, originals, value)
        return value
    except AttributeError as error:  # Note: REGISTER-FORWARD-ERROR: see surfacing_getattr
        raised_in_read(module, name, error)
        raise


def snapshot() -> dict[tuple[int, str], Entry]:
    """The cache of the current context as it is now, for a failed call to put back."""
    entries = _entries()
    return {} if entries is None else dict(entries)


def restore(saved: dict[tuple[int, str], Entry]) -> None:
    """Put the cache of the current context back as ``snapshot`` saw it."""
    entries = _entries()
    if entries is not None:
        entries.clear()
        entries.update(saved)


def forget(module: Module, name: str) -> None:
    """Drop the cached value of ``module.<name>`` (removed, or made anew by a first registration)."""
    entries = _entries()
    if entries is not None:
        entries.pop((id(module), name), None)
