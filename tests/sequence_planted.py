"""Planted divergences that only a sequence of operations exposes, for the state machine's own tests.

FIRST_REMOVE_ONLY: the reference, except that the first remove_parametrizations with leave_parametrized=True in the
process leaves the original instead: a difference a run shows once and no replay shows again (nondeterminism, as a
flaky oracle would give).

STACKED_REMOVE: the reference, except that remove_parametrizations(leave_parametrized=True) on a stacked (two or more)
single-input chain leaves the value of the first parametrization only. No single call shows it: it takes a
registration, a second (stacked) one, and the removal - three operations.
"""

from __future__ import annotations

from types import SimpleNamespace

import torch

from parametrize_conformance import reference
from parametrize_conformance.adapters import API_NAMES, Adapter


def _remove_keeping_first(module, tensor_name, leave_parametrized=True):
    plist = module.parametrizations[tensor_name] if reference.is_parametrized(module, tensor_name) else None
    if not (leave_parametrized and plist is not None and len(plist) >= 2 and hasattr(plist, "original")):
        return reference.remove_parametrizations(module, tensor_name, leave_parametrized)
    with torch.no_grad():
        first = plist[0](plist.original).clone()
    reference.remove_parametrizations(module, tensor_name, leave_parametrized=True)
    with torch.no_grad():
        tensor = getattr(module, tensor_name)
        if tensor.shape == first.shape and tensor.dtype == first.dtype:
            tensor.copy_(first)
    return module


_REMOVALS: list[int] = []


def _remove_wrong_once(module, tensor_name, leave_parametrized=True):
    first = leave_parametrized and not _REMOVALS and reference.is_parametrized(module, tensor_name)
    if first:
        _REMOVALS.append(1)
    return reference.remove_parametrizations(module, tensor_name, leave_parametrized and not first)


def _planted(name: str, **replaced) -> Adapter:
    api = SimpleNamespace(**{n: getattr(reference, n) for n in API_NAMES} | replaced)
    return Adapter(name=f"sequence_planted:{name}", api=api, version="0")


STACKED_REMOVE = _planted("STACKED_REMOVE", remove_parametrizations=_remove_keeping_first)
FIRST_REMOVE_ONLY = _planted("FIRST_REMOVE_ONLY", remove_parametrizations=_remove_wrong_once)
