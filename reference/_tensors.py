"""The tensor rules: a Parameter or buffer like another, the same dtype and shape, writes that keep an object's id,
and the tensors and modules of torch.distributed (never imported here: a program that did not load it has neither)."""

import sys
import weakref
from collections.abc import Callable
from typing import Any, cast

import torch
from torch import Tensor
from torch.__future__ import get_swap_module_params_on_conversion
from torch.nn import Module, Parameter
from torch.utils._python_dispatch import is_traceable_wrapper_subclass

# Note (implementation): torch.utils.swap_tensors has no annotations; its type is given here.
swap_tensors: Callable[[Tensor, Tensor], None] = torch.utils.swap_tensors


def like(kind: Tensor, value: Tensor, requires_grad: bool, detach: bool = True) -> Tensor:
    """``value`` as a Parameter when ``kind`` is one (which detaches it), else as a buffer (detached if ``detach``)."""
    if isinstance(kind, Parameter):
        return Parameter(value, requires_grad)
    return (value.detach() if detach else value).requires_grad_(requires_grad)


def check_same(what: tuple[str, ...], old: Tensor, new: Tensor, message: str, **names: object) -> None:
    """Raise ValueError(``message``) when ``new`` differs from ``old`` in an attribute of ``what`` (dtype, shape...)."""
    for attribute in what:
        if getattr(old, attribute) != getattr(new, attribute):
            raise ValueError(
                message.format(what=attribute, old=getattr(old, attribute), new=getattr(new, attribute), **names)
            )


def require_tensor(value: Tensor | None, where: str, hint: str = "") -> None:
    """Raise ValueError when ``value`` (the tensor to parametrize, at ``where``) is None."""
    # Note: REGISTER-NONE-SLOT: torch fails with AttributeError 'NoneType' object has no attribute 'shape'.
    if value is None:
        raise ValueError(f"{where}: there is no tensor to parametrize.{hint}")


def uses_swap(dest: Tensor) -> bool:
    """Whether writes into ``dest`` go through ``torch.utils.swap_tensors`` instead of ``set_``."""
    if get_swap_module_params_on_conversion():
        return True
    return type(dest) is not Tensor and type(dest) is not Parameter and is_traceable_wrapper_subclass(dest)


def write_into(dest: Tensor, src: Tensor) -> None:
    """Make ``dest`` hold ``src``'s value in place, so that ``id(dest)`` (what optimizers track) is kept."""
    if src is dest:  # Note (implementation): nothing to write (set_ and swap_tensors would change nothing)
        return
    src = in_layout_of(dest, src)
    if torch.is_grad_enabled():
        with torch.no_grad():
            _write(dest, src)
    else:
        _write(dest, src)


def weakly_held(dest: Tensor) -> bool:
    """Whether ``dest`` is a plain Tensor or Parameter that weak references point to (swap_tensors refuses it)."""
    return (type(dest) is Tensor or type(dest) is Parameter) and weakref.getweakrefcount(dest) > 0


def _write(dest: Tensor, src: Tensor) -> None:
    # Note: GRAD-LIVE-GRAPH: swap_tensors refuses a frozen Parameter whose gradient node a live graph holds: set_.
    frozen = type(dest) is Parameter and not dest.requires_grad
    swap = uses_swap(dest) and not (frozen and dest._use_count() > 1)  # type: ignore[attr-defined]  # not in torch's stubs
    # Note: REGISTER-SWAP-WEAKREF: swap_tensors refuses a tensor that weak references point to (nn.RNN, nn.LSTM and
    # nn.GRU keep them in _flat_weight_refs; torch's registration fails there under the swap flag): set_.
    if swap and not weakly_held(dest):
        # Note: ASSIGN-NO-GRAD: a fresh, detached object is swapped in, never the caller's tensor (torch swaps an
        # identity right_inverse's input in: the original takes its graph, the caller's tensor the old value).
        swap_tensors(dest, like(dest, src.detach(), dest.requires_grad, detach=False))
    else:
        dest.set_(src)  # type: ignore[call-overload]  # torch's stubs lack set_(Tensor)


def _loaded(name: str, attribute: str) -> type | None:
    module = sys.modules.get(name)
    return getattr(module, attribute, None) if module is not None else None


def in_layout_of(dest: Tensor, src: Tensor) -> Tensor:
    """``src`` laid out as ``dest`` is: a DTensor value redistributed to a DTensor original's mesh and placements."""
    dtensor = _loaded("torch.distributed.tensor", "DTensor")
    # Note: DISTRIBUTED-DTENSOR-ORIGINALS: the original keeps its own layout (set_ would give it the value's).
    if dtensor is None or not (isinstance(dest, dtensor) and isinstance(src, dtensor)):
        return src
    new, old = cast(Any, src), cast(Any, dest)  # DTensors (the type is never imported here, so not named)
    if new.device_mesh == old.device_mesh and tuple(new.placements) == tuple(old.placements):
        return src
    return cast(Tensor, new.redistribute(old.device_mesh, old.placements))


def fully_shard_refusal(module: Module, action: str) -> str | None:
    """Why ``action`` may not be done on ``module`` (a message), when fully_shard manages it; None otherwise."""
    fsdp_module = _loaded("torch.distributed.fsdp", "FSDPModule")
    if fsdp_module is None or not isinstance(module, fsdp_module):
        return None
    return (
        f"Cannot {action} on a module that fully_shard manages: fully_shard keeps its own references to the "
        f"module's parameters and would keep writing the old ones. Do it before calling fully_shard, or load the "
        f"module's full state_dict into an unsharded copy and do it there."
    )
