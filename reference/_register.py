"""``register_parametrization``."""

from torch import Tensor
from torch.nn import Module, ModuleDict
from torch.nn.parameter import UninitializedTensorMixin

from . import _cache
from ._class import generated_of, parametrized_class, with_generated
from ._list import ParametrizationList, Slot
from ._queries import is_parametrized
from ._sharded import fully_shard_refusal

_UNSAFE = ", unless the `unsafe` flag is enabled.\nmodule.{name}.{what}: {y}\n"
_STACK_FORWARD = "Registering a parametrization may not change the {what} of the tensor" + _UNSAFE
_STACK_FORWARD += "parametrization(module.{name}).{what}: {x}"
_STACK_INVERSE = "The tensor returned by parametrization.right_inverse must have the same {what} as module.{name}"
_STACK_INVERSE += _UNSAFE + "returned {what}: {x}"


def register_parametrization(
    module: Module, tensor_name: str, parametrization: Module, *, unsafe: bool = False
) -> Module:
    """Make ``module.<tensor_name>`` read as ``parametrization(original)``, or stack on its existing chain.

    The tensor moves to ``module.parametrizations[tensor_name].original`` (``original0..`` when the composed
    ``right_inverse`` returns a sequence). ``unsafe=True`` skips the dtype and shape checks. Returns ``module``.
    """
    for role, obj in (("module", module), ("parametrization", parametrization)):
        if not isinstance(obj, Module):
            # Note: ERROR-NOT-A-MODULE: torch fails with AttributeError ('function' object has no attribute 'train').
            raise TypeError(f"{role} must be an nn.Module, got {type(obj).__name__}; wrap it in an nn.Module "
                            "(a class with forward, and optionally right_inverse).")
    parametrization.train(module.training)
    if is_parametrized(module, tensor_name) and generated_of(type(module)) is not None:
        if not unsafe:
            _check_stack(module, tensor_name, parametrization)
        plist = module.parametrizations[tensor_name]
        plist._append(parametrization)
        plist.unsafe |= unsafe  # sticky: once unsafe, always unsafe
        # Note: CACHE-KEPT-IN-CONTEXT: stacking keeps a value cached in the current cached() context.
    elif tensor_name in module._parameters or tensor_name in module._buffers:
        # Note: DISTRIBUTED-FSDP-REGISTER-AFTER: fully_shard writes its unsharded parameters back under their old
        # names at every forward, so a parameter moved under parametrizations would break the first forward (torch
        # registers, then fails there with "got mixed torch.Tensor and DTensor"): refused, nothing changed.
        refusal = fully_shard_refusal(module, "register a parametrization") if tensor_name in module._parameters \
            else None
        if refusal:
            raise ValueError(refusal)
        _first(module, tensor_name, parametrization, unsafe)
    else:
        raise ValueError(f"Module '{module}' does not have a parameter, a buffer, or a parametrized element "
                         f"with name '{tensor_name}'")
    return module


def _check_stack(module: Module, name: str, parametrization: Module) -> None:
    """Check that ``parametrization`` (and its ``right_inverse``, if any) keep the tensor's dtype and shape."""
    y = getattr(module, name)
    x = parametrization(y)
    if not isinstance(x, Tensor):
        raise ValueError(f"A parametrization must return a tensor. Got {type(x).__name__}.")
    _same_space(name, y, x, _STACK_FORWARD)
    if not hasattr(parametrization, "right_inverse"):
        return  # the identity
    try:
        z = parametrization.right_inverse(x)
    except NotImplementedError:
        return
    if not isinstance(z, Tensor):
        raise ValueError(f"parametrization.right_inverse must return a tensor. Got: {type(z).__name__}")
    _same_space(name, y, z, _STACK_INVERSE)


def _same_space(name: str, y: Tensor, x: Tensor, template: str) -> None:
    for what in ("dtype", "shape"):
        if getattr(x, what) != getattr(y, what):
            raise ValueError(template.format(what=what, name=name, y=getattr(y, what), x=getattr(x, what)))


def _first(module: Module, name: str, parametrization: Module, unsafe: bool) -> None:
    """First parametrization on ``name``: move the tensor into a new list and give the module a property."""
    slots = module._parameters if name in module._parameters else module._buffers
    if isinstance(slots[name], UninitializedTensorMixin):
        # Note: INIT-LAZY: RuntimeError, torch's type for any use of an uninitialized parameter, raised before any
        # change.
        raise RuntimeError(f"{type(module).__name__}.{name} is not initialized yet (a lazy module before its first "
                           "forward): run a forward first, then register the parametrization.")
    if slots[name] is None:
        # Note: ERROR-NONE-SLOT: torch fails with AttributeError 'NoneType' object has no attribute 'shape'.
        raise ValueError(f"{type(module).__name__}.{name} is None: there is no tensor to parametrize. "
                         f"Give the module a tensor named '{name}' first.")
    generated = generated_of(type(module))
    first = generated is None
    if first and hasattr(module, "parametrizations"):
        # Note: ERROR-RESERVED-NAME: torch silently replaces the user's attribute.
        raise ValueError(f"{type(module).__name__} already has an attribute 'parametrizations', a name reserved "
                         "for parametrizations; rename that attribute before registering a parametrization.")
    names = [name] if first else [*module.parametrizations, name]
    cls = parametrized_class(type(module), names) if first else with_generated(
        type(module), parametrized_class(generated.__bases__[0], names))
    plist = ParametrizationList([parametrization], slots[name], unsafe=unsafe)
    before, after = _neighbours(module, slots, name)
    # Note: BUFFER-PERSISTENCE-KEPT: torch makes a non-persistent buffer persistent.
    persistent = name not in module._non_persistent_buffers_set
    vars(plist).update(_slot=Slot(before, after, persistent))
    if not persistent:
        plist._non_persistent_buffers_set.update(plist._buffers)
    delattr(module, name)
    module.__class__ = cls
    if first:
        module.parametrizations = ModuleDict()
    module.parametrizations[name] = plist
    _cache.forget(module, name)


def _neighbours(module: Module, slots: dict, name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The names before and after ``name`` in ``slots``, counting parametrized names at their old places."""
    keys = list(slots)
    i = keys.index(name)
    before, after = set(keys[:i]), set(keys[i + 1 :])
    for other, plist in module.parametrizations.items() if generated_of(type(module)) is not None else ():
        if plist._slot is not None and name in plist._slot.after:
            before.add(other)
        if plist._slot is not None and name in plist._slot.before:
            after.add(other)
    # Note: tuples, not sets: deepcopy copies a tuple of strings as is, and rebuilds a set.
    return tuple(before), tuple(after)
