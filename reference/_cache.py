"""The ``cached()`` context and its store of parametrized values."""

import operator
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
_entries: dict[tuple[int, str], tuple[Module, tuple[Tensor, ...], tuple[int | None, ...], Tensor]] = {}


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


def _version(t: Tensor) -> int | None:
    """The version counter of ``t``; None for an inference tensor, which has none."""
    try:
        return t._version
    except RuntimeError:
        return None


def _unchanged(then: tuple[Tensor, ...], versions: tuple[int | None, ...], now: tuple[Tensor, ...]) -> bool:
    """Whether ``now`` holds the very tensors of ``then``, at the same ``versions``."""
    if len(then) != len(now):
        return False
    if len(now) == 1:  # the common case, without building tuples
        if then[0] is not now[0]:
            return False
        try:
            return versions[0] == now[0]._version
        except RuntimeError:  # an inference tensor: no version counter
            return versions[0] is None
    return all(map(operator.is_, then, now)) and versions == tuple(map(_version, now))


def read(module: Module, name: str, plist: Module) -> Tensor:
    """The value of ``module.<name>``: computed by its list, or inside ``cached()`` the stored value while fresh."""
    if _depth == 0:
        return call(plist)
    if _is_tracing():
        raise RuntimeError("Cannot trace a model while caching parametrizations.")
    key = (id(module), name)
    entry = _entries.get(key)
    # Note: CACHE-NO-STALE: reused only while the originals are the same objects at the same versions, so
    # in-place updates (optimizer steps) and re-tied originals are seen; torch would serve the old value.
    if entry is not None and entry[0] is module and _unchanged(entry[1], entry[2], plist._originals()):
        return entry[3]
    value = call(plist)
    originals = plist._originals()
    _entries[key] = (module, originals, tuple(map(_version, originals)), value)
    return value


def invalidate(module: Module, name: str) -> None:
    """Forget the cached value of ``module.<name>`` (after an assignment, registration or removal)."""
    # Note: CACHE-NO-STALE: torch keeps serving the old value after `module.name = X` inside cached().
    _entries.pop((id(module), name), None)
