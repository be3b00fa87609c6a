"""``remove_parametrizations``."""

from typing import Any

import torch
from torch import Tensor
from torch.nn import Module, Parameter

from . import _cache
from ._class import class_before, generated_of, is_parametrized, parametrized_class, with_generated
from ._list import ParametrizationList, chain_of, chains_of
from ._tensors import fully_shard_refusal, like, uses_swap, write_into

_SWAP = "enable torch.__future__.set_swap_module_params_on_conversion(True)."
_DTYPE_CHANGED = (
    "Cannot remove the parametrization on '{name}' with leave_parametrized=True: the parametrized tensor has "
    "dtype {new} but the original has dtype {old}, and set_() cannot change a tensor's dtype in place. Use "
    "leave_parametrized=False, or " + _SWAP
)
_SUBCLASS_SET = (
    "Calling remove_parametrizations() with leave_parametrized=True for a parameter that is an instance of a "
    "tensor subclass requires set_() to be implemented correctly for the tensor subclass. Either set "
    "leave_parametrized=False, implement set_() for the subclass, or " + _SWAP
)


def remove_parametrizations(module: Module, tensor_name: str, leave_parametrized: bool = True) -> Module:
    """Make ``module.<tensor_name>`` a plain Parameter or buffer again, holding the parametrized value (or with
    ``leave_parametrized=False`` the single original); a single original is reused. Returns ``module``."""
    if not (is_parametrized(module, tensor_name) and generated_of(type(module)) is not None):
        raise ValueError(f"Module {module} does not have a parametrization on {tensor_name}")
    # Note: DISTRIBUTED-FSDP-REMOVE: fully_shard writes into the list it knows: refused up front (torch fails half-way).
    refusal = fully_shard_refusal(module, "remove a parametrization")
    if refusal:
        raise ValueError(refusal)
    plist = chain_of(module, tensor_name)
    if plist.is_tensor:
        value = _restore_single(module, tensor_name, plist.original, leave_parametrized)
    elif leave_parametrized:
        value = _restore_multi(module, tensor_name, plist)
    else:
        raise ValueError(
            "Cannot leave unparametrized (`leave_parametrized=False`) a tensor that is parametrized in "
            "terms of a sequence of tensors."
        )
    del chains_of(module)[tensor_name]
    _cache.forget(module, tensor_name)
    base = class_before(type(module))
    if is_parametrized(module):
        module.__class__ = with_generated(type(module), parametrized_class(base, list(chains_of(module))))
    else:
        delattr(module, "parametrizations")
        # Note: SUBCLASS-GENERATED-CLASS: a class made from the generated one later keeps its behaviour over the base.
        module.__class__ = with_generated(type(module), base)
    _put_back(module, tensor_name, value, plist)
    return module


def _restore_single(module: Module, name: str, original: Tensor, leave_parametrized: bool) -> Tensor:
    """The original object, holding the parametrized value when ``leave_parametrized``."""
    if not leave_parametrized:
        return original
    with torch.no_grad():
        value = getattr(module, name)
    if not isinstance(value, Tensor):
        raise TypeError(f"module.{name} is a {type(value).__name__}, not a tensor; use leave_parametrized=False.")
    if value._base is not None:  # Note: REMOVE-VIEW-VALUE: a view keeps the original referenced (swap_tensors refuses)
        value = value.clone()
    if value.dtype != original.dtype and not uses_swap(original):
        # Note (implementation): a message of its own (torch surfaces set_'s error, or one about "tensor subclass").
        raise RuntimeError(_DTYPE_CHANGED.format(name=name, new=value.dtype, old=original.dtype))
    try:
        write_into(original, value)
    except RuntimeError as e:
        if type(original) is Tensor:
            raise
        raise RuntimeError(_SUBCLASS_SET) from e
    return original


def _restore_multi(module: Module, name: str, plist: ParametrizationList) -> Tensor:
    """A new tensor holding the parametrized value, of the same kind (Parameter or buffer) as the originals."""
    with torch.enable_grad():
        value = getattr(module, name)
    # Note: REMOVE-MULTI-KEEPS-KIND: the kind of original0, requires_grad of the value (computed with grad enabled).
    return like(plist._originals()[0], value.detach(), value.requires_grad, detach=False)


def _put_back(module: Module, name: str, value: Tensor, plist: ParametrizationList) -> None:
    """Register ``value`` under ``name`` at its old place (and, for a buffer, with its old persistence)."""
    if isinstance(value, Parameter):
        module.register_parameter(name, value)
    else:
        module.register_buffer(name, value, persistent=plist._persistent())
    if plist._slot is not None:  # Note: REMOVE-KEEPS-ORDER: right after the last name that preceded it
        slots: dict[str, Any] = module._parameters if isinstance(value, Parameter) else module._buffers
        items = list(slots.items())
        item = items.pop()
        after = [i + 1 for i, (key, _) in enumerate(items) if key in plist._slot.before]
        items.insert(after[-1] if after else 0, item)
        slots.clear()
        slots.update(items)
