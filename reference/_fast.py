"""The fast paths: each gives what the plain nn.Module API gives, without a cost that shows in the benchmarks."""

import threading
from collections.abc import Callable
from typing import Any

import torch
from torch import Tensor
from torch.nn import Module
from torch.nn.modules import module as nn_module

_forward_hooks, _forward_pre_hooks = nn_module._global_forward_hooks, nn_module._global_forward_pre_hooks
_backward_hooks, _backward_pre_hooks = nn_module._global_backward_hooks, nn_module._global_backward_pre_hooks
# Note (speed): read-cached-8x8-scale-chain1: a C call, 4x cheaper than torch.jit.is_tracing().
tracing_state = torch._C._get_tracing_state
# Note: REGISTER-FORWARD-ERROR: the AttributeError a read of a parametrized name raised, per thread, for __getattr__.
_raised = threading.local()


def call(module: Module, *args: object) -> Any:
    """``module(*args)`` (whatever the module returns); calls ``forward`` directly when no hook, tracer or compiled
    wrapper would see the call."""
    # Note (speed): read-8x8-scale-chain1: nn.Module.__call__ costs more than a Scale forward.
    # Note: REGISTER-HOOKS-FIRE: only when __call__ would go straight to forward (no hook, trace or module.compile()).
    if (
        module._forward_hooks
        or module._forward_pre_hooks
        or module._backward_hooks
        or module._backward_pre_hooks
        or _forward_hooks
        or _forward_pre_hooks
        or _backward_hooks
        or _backward_pre_hooks
        or module._compiled_call_impl is not None
        or tracing_state()
    ):
        return module(*args)
    return module.forward(*args)


def list_property(name: str, read: Callable[[Module, str, Any], Tensor]) -> property:
    """The property of ``name``: reads ``read(module, name, plist)``, assigns ``plist.right_inverse`` (no try blocks:
    ``torch.jit.script`` compiles it and fails at run time)."""

    # Note (speed): read-cached-8x8-scale-chain1: the list read inline from the _modules dicts, not Module.__getattr__.
    def get(self: Module) -> Tensor:
        if torch.jit.is_scripting():
            raise RuntimeError("Parametrization is not working with scripting.")
        chains: Any = self._modules["parametrizations"]  # Note (implementation): typed Any: read inline, as above
        return read(self, name, chains._modules[name])

    def put(self: Module, value: Tensor) -> None:
        if torch.jit.is_scripting():
            raise RuntimeError("Parametrization is not working with scripting.")
        chains: Any = self._modules["parametrizations"]
        chains._modules[name].right_inverse(value)

    return property(get, put)


def right_inverse_of(parametrization: Module) -> Callable[[Any], Any] | None:
    """The parametrization's ``right_inverse`` (it takes and returns what the user's code does), or None."""
    return getattr(parametrization, "right_inverse", None)


def raised_in_read(module: Module, name: str, error: AttributeError) -> None:
    """Keep ``error``, raised while ``module.<name>`` was computed, for the generated ``__getattr__`` to raise."""
    _raised.last = (module, name, error)


def surfacing_getattr(fallback: Callable[[Module, str], object]) -> Callable[[Module, str], object]:
    """The generated class's ``__getattr__``: ``fallback``'s (its base's), but after a parametrized read raised an
    AttributeError, that error itself."""

    # Note: REGISTER-FORWARD-ERROR: Python answers a property's AttributeError by calling __getattr__, whose own
    # "object has no attribute 'weight'" would hide the forward's error (torch's does). The error object is raised
    # again, unwrapped: the caller's `except` clauses and getattr(module, name, default) see what the forward raised.
    def __getattr__(self: Module, name: str) -> object:
        try:
            return fallback(self, name)
        except AttributeError:
            last = vars(_raised).pop("last", None)
            if last is None or last[0] is not self or last[1] != name:
                raise
        raise last[2]  # outside the except block: the error's own __context__ is left as it was

    return __getattr__


def set_plain(module: Module, **attributes: object) -> None:
    """Set attributes that are neither tensors nor modules, without nn.Module.__setattr__'s checks for them."""
    vars(module).update(attributes)  # Note (speed): register-remove-8x8-scale-chain1


def own_originals(plist: Any) -> tuple[Tensor, ...]:
    """The original(s) of a list of class ParametrizationList itself, read from its dicts (typed Any here: this module
    sits below the list's own)."""
    # Note (speed): read-8x8-scale-chain1: Module.__getattr__ costs as much as a Scale chain.
    parameters = plist._parameters
    if plist.is_tensor and "original" in parameters:
        return (parameters["original"],)
    buffers = plist._buffers
    return tuple(
        parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(plist, key)
        for key in plist._original_names()
    )


def holds(entry: tuple[Module, tuple[Tensor, ...], Tensor], module: Module, plist: Any) -> bool:
    """Whether a cache ``Entry`` still serves ``module``: its own module, and ``plist``'s originals its objects."""
    # Note (speed): read-cached-8x8-scale-chain1: Entry fields by index (a field name costs more); a single Parameter
    # original looked up in its slot (a third of _originals()' cost); a loop, not all() over a generator (0.6 us).
    if entry[0] is not module:
        return False
    cached = entry[1]
    if len(cached) == 1 and plist._parameters.get("original") is cached[0]:
        return True
    current = plist._originals()
    if len(cached) != len(current):
        return False
    for a, b in zip(cached, current):  # noqa: B905 - the lengths are equal
        if a is not b:
            return False
    return True
