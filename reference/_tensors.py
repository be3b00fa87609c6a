"""Writing a new value into an existing tensor object without changing its identity."""

import torch
from torch import Tensor
from torch.__future__ import get_swap_module_params_on_conversion
from torch.nn import Parameter
from torch.utils._python_dispatch import is_traceable_wrapper_subclass

from ._sharded import in_layout_of


def uses_swap(dest: Tensor) -> bool:
    """Whether writes into ``dest`` go through ``torch.utils.swap_tensors`` instead of ``set_``."""
    if get_swap_module_params_on_conversion():
        return True
    return type(dest) is not Tensor and type(dest) is not Parameter and is_traceable_wrapper_subclass(dest)


def write_into(dest: Tensor, src: Tensor) -> None:
    """Make ``dest`` hold ``src``'s value in place, so that ``id(dest)`` (what optimizers track) is kept."""
    # Note: WRITE-SELF-NOOP: writing a tensor into itself is skipped; set_/swap_tensors would be no-ops anyway.
    if src is dest:
        return
    src = in_layout_of(dest, src)
    if torch.is_grad_enabled():
        with torch.no_grad():
            _write(dest, src)
    else:
        _write(dest, src)


def _held_frozen(dest: Tensor) -> bool:
    """Whether ``dest`` is a plain Parameter, frozen, whose gradient node a live autograd graph still holds."""
    # Note: GRAD-LIVE-GRAPH: torch.utils.swap_tensors refuses such a tensor (it cannot reach the node of a tensor
    # that no longer requires grad), so it is written with set_ even under the swap flag: same object, new value.
    return type(dest) is Parameter and not dest.requires_grad and dest._use_count() > 1


def _write(dest: Tensor, src: Tensor) -> None:
    if uses_swap(dest) and not _held_frozen(dest):
        # Note: ASSIGN-NO-GRAD: a fresh, detached object is swapped in, never the caller's tensor itself: torch swaps
        # an identity right_inverse's input in, so the original takes its graph and the caller's tensor the old value.
        if isinstance(dest, Parameter):
            src = Parameter(src.detach(), requires_grad=dest.requires_grad)
        else:
            src = src.detach().requires_grad_(dest.requires_grad)
        torch.utils.swap_tensors(dest, src)
    else:
        dest.set_(src)
