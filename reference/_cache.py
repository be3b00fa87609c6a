"""The ``cached()`` context and its store of parametrized values."""

import operator
from collections.abc import Iterator
from contextlib import contextmanager

from torch import Tensor
from torch.nn import Module

_depth = 0
# Note: CACHE-NO-ALIEN: keyed by id(module), but each entry holds the module itself, so the id cannot be reused by
# another module while the entry lives (torch stores only the id), and a hit also checks `entry[0] is module`.
_entries: dict[tuple[int, str], tuple[Module, tuple, Tensor]] = {}


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


def is_enabled() -> bool:
    """Whether a ``cached()`` context is active."""
    return _depth > 0


def _stamp(plist: Module) -> tuple:
    """The original tensors and their version counters; a cached value is stale once either changes."""
    originals = plist._originals()
    return originals, [None if t.is_inference() else t._version for t in originals]


def lookup(module: Module, name: str, plist: Module) -> Tensor:
    """The cached value of ``module.<name>``, computed by ``plist()`` on a miss."""
    entry = _entries.get((id(module), name))
    if entry is not None and entry[0] is module:
        (then, versions), (now, current) = entry[1], _stamp(plist)
        # Note: CACHE-NO-STALE: reused only while the originals are the same objects at the same versions, so
        # in-place updates (optimizer steps) and re-tied originals are seen; torch would serve the old value.
        if len(then) == len(now) and all(map(operator.is_, then, now)) and versions == current:
            return entry[2]
    value = plist()
    _entries[(id(module), name)] = (module, _stamp(plist), value)
    return value


def invalidate(module: Module, name: str) -> None:
    """Forget the cached value of ``module.<name>`` (after an assignment, registration or removal)."""
    # Note: CACHE-NO-STALE: torch keeps serving the old value after `module.name = X` inside cached().
    _entries.pop((id(module), name), None)
