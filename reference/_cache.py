"""The ``cached()`` context and its store of parametrized values."""

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import Tensor
from torch.nn import Module

from ._calls import _tracing_state, call

# (module, originals, value) per (id(module), name).
Entries = dict[tuple[int, str], tuple[Module, tuple[Tensor, ...], Tensor]]

# Note: THREADS-CACHE-LOCAL, THREADS-OWN-CACHE: the store belongs to the thread that entered cached() (torch's is
# global: another thread's reads are served stale values). A thread-local rather than a ContextVar: Dynamo traces
# attribute reads of a threading.local but not ContextVar.get, which would break fullgraph compiles and strict
# exports inside cached() (COMPILE-FULLGRAPH, EXPORT-CACHED). The price: asyncio tasks of one thread share it.
_local = threading.local()
# Note: READ-FAST: whether a cached() context is open in any thread. While none is, a read skips the thread-local
# lookup, so an uncached read costs what it cost with one global flag; a bool, not the count, so that compiled code
# guarded on it is not recompiled as contexts open and close elsewhere.
_open = 0
_any_open = False
_open_lock = threading.Lock()


def _count(step: int) -> None:
    global _open, _any_open
    if torch.compiler.is_compiling():
        # Note: EXPORT-CACHED: Dynamo, tracing a cached() inside a compiled forward, cannot trace a lock.
        _open += step
        _any_open = _open > 0
        return
    with _open_lock:  # both under the lock: a flag set from a stale count could hide an open context
        _open += step
        _any_open = _open > 0


@contextmanager
def cached() -> Iterator[None]:
    """Compute each parametrized tensor at most once inside the context; re-entrant, cleared on outermost exit."""
    outermost = getattr(_local, "entries", None) is None  # in this thread
    if outermost:
        _local.entries = {}
    _count(1)
    try:
        yield
    finally:
        _count(-1)
        if outermost:
            _local.entries = None


def _entries() -> Entries | None:
    return getattr(_local, "entries", None)


def read(module: Module, name: str, plist: Module) -> Tensor:
    """The value of ``module.<name>``: computed by its list, or inside ``cached()`` the value computed first."""
    entries = getattr(_local, "entries", None) if _any_open else None
    if entries is None:
        return call(plist)
    # Note: torch._C._get_tracing_state, which Dynamo folds to None (torch._C._is_tracing it cannot trace), so that
    # compiling or exporting inside cached() (fullgraph, strict export) traces through this check (COMPILE-FULLGRAPH,
    # EXPORT-CACHED); a C call, 4x cheaper than torch.jit.is_tracing() on every cached read (READ-FAST).
    if _tracing_state():
        raise RuntimeError("Cannot trace a model while caching parametrizations.")
    key = (id(module), name)
    entry = entries.get(key)
    # Note: CACHE-KEPT-IN-CONTEXT, CACHE-ASSIGN-DEFERRED: as documented, the value computed at the first read is
    # served until the outermost cached() exits, even after an in-place change, a stacked parametrization or an
    # assignment (an earlier version of this reference recomputed, and broke clients).
    # Note: FUNCTIONAL-CACHED, INIT-ASSIGN-LOAD: but not once the originals are other tensor objects
    # (functional_call, load_state_dict(assign=True)): the value would then be computed from tensors the module no
    # longer holds, and the gradient would miss the ones it holds (torch serves it).
    # Note: CACHE-NO-ALIEN: keyed by id(module), but each entry holds the module itself, so the id cannot be reused by
    # another module while the entry lives (torch stores only the id), and a hit also checks `entry[0] is module`.
    if entry is not None and entry[0] is module and _holds(plist, entry[1]):
        return entry[2]
    originals = plist._originals()
    value = call(plist)
    entries[key] = (module, originals, value)
    return value


def _holds(plist: Module, cached: tuple[Tensor, ...]) -> bool:
    """Whether ``plist``'s originals are still the objects in ``cached``."""
    # Note: READ-FAST: a single Parameter original is looked up in its slot (a third of the cost of _originals()).
    if len(cached) == 1 and plist._parameters.get("original") is cached[0]:
        return True
    return _same(cached, plist._originals())


def _same(cached: tuple[Tensor, ...], current: tuple[Tensor, ...]) -> bool:
    # Note: READ-FAST: a loop, not all() over a generator, which cost 0.6 us per cached read (the read's budget).
    if len(cached) != len(current):
        return False
    for a, b in zip(cached, current):  # noqa: B905 - the lengths are equal
        if a is not b:
            return False
    return True


def snapshot() -> Entries:
    """The cache of the current context as it is now, for a failed call to put back."""
    entries = _entries()
    return {} if entries is None else dict(entries)


def restore(saved: Entries) -> None:
    """Put the cache of the current context back as ``snapshot`` saw it."""
    entries = _entries()
    if entries is not None:
        entries.clear()
        entries.update(saved)


def forget(module: Module, name: str) -> None:
    """Drop the cached value of ``module.<name>``: its parametrization was removed, or made anew by a first
    registration, so the next read inside ``cached()`` belongs to a new parametrized tensor."""
    entries = _entries()
    if entries is not None:
        entries.pop((id(module), name), None)
