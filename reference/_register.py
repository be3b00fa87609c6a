"""``register_parametrization``."""

from collections.abc import Mapping
from typing import cast

from torch import Tensor
from torch.nn import Module, ModuleDict
from torch.nn.parameter import UninitializedTensorMixin  # type: ignore[attr-defined]  # not in torch's stubs

from . import _cache
from ._class import class_before, generated_of, is_parametrized, parametrized_class, with_generated
from ._fast import right_inverse_of, set_plain
from ._list import ParametrizationList, Slot, chain_of, chains_of
from ._tensors import check_same, fully_shard_refusal, require_tensor

_UNSAFE = ", unless the `unsafe` flag is enabled.\nmodule.{name}.{what}: {old}\n"
_STACK_FORWARD = "Registering a parametrization may not change the {what} of the tensor" + _UNSAFE
_STACK_FORWARD += "parametrization(module.{name}).{what}: {new}"
_STACK_INVERSE = "The tensor returned by parametrization.right_inverse must have the same {what} as module.{name}"
_STACK_INVERSE += _UNSAFE + "returned {what}: {new}"


def register_parametrization(module: Module, tensor_name: str, parametrization: Module, *, unsafe: bool = False) -> Module:
    """Make ``module.<tensor_name>`` read as ``parametrization(original)``, or stack on its chain; returns ``module``.

    The tensor moves to ``module.parametrizations[tensor_name].original`` (``original0..`` when ``right_inverse``
    returns a sequence); ``unsafe=True`` skips the dtype and shape checks."""
    for role, obj in (("module", module), ("parametrization", parametrization)):
        if not isinstance(obj, Module):
            # Note: REGISTER-NOT-A-MODULE: torch fails with AttributeError ('function' object has no attribute 'train').
            raise TypeError(
                f"{role} must be an nn.Module, got {type(obj).__name__}; wrap it in an nn.Module "
                "(a class with forward, and optionally right_inverse)."
            )
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name) and generated_of(type(module)) is not None:
        if not unsafe:
            _check_stack(module, tensor_name, parametrization)
        plist = chain_of(module, tensor_name)
        plist._append(parametrization)
        plist.unsafe |= unsafe  # sticky: once unsafe, always unsafe
        # Note: CACHE-KEPT-IN-CONTEXT: stacking keeps a value cached in the current cached() context.
    elif tensor_name in module._parameters or tensor_name in module._buffers:
        # Note: DISTRIBUTED-FSDP-REGISTER-AFTER: fully_shard writes its parameters back by name at every forward.
        refusal = fully_shard_refusal(module, "register a parametrization") if tensor_name in module._parameters else None
        if refusal:
            raise ValueError(refusal)
        _first(module, tensor_name, parametrization, unsafe)
    else:
        raise ValueError(
            f"Module '{module}' does not have a parameter, a buffer, or a parametrized element with name '{tensor_name}'"
        )
    return module


def _check_stack(module: Module, name: str, parametrization: Module) -> None:
    """Check that ``parametrization`` (and its ``right_inverse``, if any) keep the tensor's dtype and shape."""
    y = getattr(module, name)
    x = parametrization(y)
    if not isinstance(x, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(x).__name__}.")
    check_same(("dtype", "shape"), y, x, _STACK_FORWARD, name=name)
    inverse = right_inverse_of(parametrization)
    if inverse is None:
        return  # the identity
    try:
        z = inverse(x)
    except NotImplementedError:
        return
    if not isinstance(z, Tensor):
        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(z).__name__}")
    check_same(("dtype", "shape"), y, z, _STACK_INVERSE, name=name)


def _first(module: Module, name: str, parametrization: Module, unsafe: bool) -> None:
    """First parametrization on ``name``: move the tensor into a new list and give the module a property."""
    slots = module._parameters if name in module._parameters else module._buffers
    first = _check_first(module, name, slots[name])
    names = [name] if first else [*chains_of(module), name]
    cls = (
        parametrized_class(type(module), names)
        if first
        else with_generated(type(module), parametrized_class(class_before(type(module)), names))
    )
    plist = ParametrizationList([parametrization], cast(Tensor, slots[name]), unsafe=unsafe)  # not None: checked
    persistent = name not in module._non_persistent_buffers_set  # Note: BUFFER-PERSISTENCE-KEPT: torch makes it persistent
    set_plain(plist, _slot=Slot(*_neighbours(module, slots, name), persistent))
    if not persistent:
        plist._non_persistent_buffers_set.update(plist._buffers)
    delattr(module, name)
    module.__class__ = cls
    if first:
        module.parametrizations = ModuleDict()
    chains_of(module)[name] = plist
    _cache.forget(module, name)


def _check_first(module: Module, name: str, tensor: Tensor | None) -> bool:
    """Refuse a tensor that cannot be parametrized yet; whether it is the module's first parametrized tensor."""
    if isinstance(tensor, UninitializedTensorMixin):  # Note: INIT-LAZY: torch's type for a use of a lazy tensor
        raise RuntimeError(
            f"{type(module).__name__}.{name} is not initialized yet (a lazy module before its first "
            "forward): run a forward first, then register the parametrization."
        )
    require_tensor(tensor, f"{type(module).__name__}.{name} is None", f" Give the module a tensor named '{name}' first.")
    first = generated_of(type(module)) is None
    if first and hasattr(module, "parametrizations"):  # Note: REGISTER-RESERVED-NAME: torch replaces it silently.
        raise ValueError(
            f"{type(module).__name__} already has an attribute 'parametrizations', a name reserved "
            "for parametrizations; rename that attribute before registering a parametrization."
        )
    return first


def _neighbours(module: Module, slots: Mapping[str, object], name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names before and after ``name`` in ``slots``, counting parametrized names at their old places."""
    keys = list(slots)
    i = keys.index(name)
    before, after = set(keys[:i]), set(keys[i + 1 :])
    for other in chains_of(module) if generated_of(type(module)) is not None else ():
        plist = chain_of(module, other)
        if plist._slot is not None and name in plist._slot.after:
            before.add(other)
        if plist._slot is not None and name in plist._slot.before:
            after.add(other)
    return tuple(before), tuple(after)  # Note (implementation): tuples keep a Slot immutable, so copies share it
