"""Adapters that break the process rather than the contract: the reference, with type_before_parametrizations (used
only by the QUERY-TYPE-BEFORE clause) replaced by something that crashes, exits, hangs or interrupts."""

from __future__ import annotations

import ctypes
import os
import sys
import time
from types import SimpleNamespace

from parametrize_conformance import reference
from parametrize_conformance.adapters import API_NAMES, Adapter


def _with_type_before(behaviour) -> Adapter:
    api = SimpleNamespace(**{n: getattr(reference, n) for n in API_NAMES})
    api.type_before_parametrizations = behaviour
    return Adapter(name=f"broken-{behaviour.__name__}", api=api, version="0")


def segfault(module):
    """Dereference NULL: the process dies with SIGSEGV."""
    return ctypes.string_at(0)


def exit_process(module):
    """Leave at once, past every handler."""
    os._exit(3)


def hang(module):
    """Never return."""
    while True:
        time.sleep(1)


def system_exit(module):
    """Raise SystemExit from inside the call."""
    sys.exit(5)


def keyboard_interrupt(module):
    """Raise KeyboardInterrupt from inside the call (no Ctrl-C was pressed)."""
    raise KeyboardInterrupt


SEGFAULT = _with_type_before(segfault)
EXIT = _with_type_before(exit_process)
HANG = _with_type_before(hang)
SYSTEM_EXIT = _with_type_before(system_exit)
KEYBOARD_INTERRUPT = _with_type_before(keyboard_interrupt)


def _on_rank_one(behaviour) -> Adapter:
    """The reference, with type_before_parametrizations doing `behaviour` on rank 1 of a process group alone (so only
    the distributed area meets it, and only on one rank)."""
    import torch.distributed as dist

    def type_before_parametrizations(module):
        if dist.is_initialized() and dist.get_rank() == 1:
            behaviour(module)
        return reference.type_before_parametrizations(module)

    api = SimpleNamespace(**{n: getattr(reference, n) for n in API_NAMES})
    api.type_before_parametrizations = type_before_parametrizations
    spec = f"broken:RANK1_{behaviour.__name__.upper()}"
    return Adapter(name=f"rank1-{behaviour.__name__}", api=api, version="0", spec=spec)


RANK1_HANG = _on_rank_one(hang)
RANK1_EXIT_PROCESS = _on_rank_one(exit_process)
