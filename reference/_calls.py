"""Calling a parametrization module the way ``module(*args)`` would, without ``nn.Module.__call__``'s cost."""

import torch
from torch.nn import Module
from torch.nn.modules.module import (
    _global_backward_hooks,
    _global_backward_pre_hooks,
    _global_forward_hooks,
    _global_forward_pre_hooks,
)

_tracing_state = torch._C._get_tracing_state


def call(module: Module, *args: object) -> object:
    """``module(*args)``; calls ``forward`` directly when no hook, tracer or compiled wrapper would see the call."""
    # Note: HOOKS-STILL-FIRE: the shortcut is taken only when nn.Module.__call__ would itself go straight to forward
    # (no module or global hook, no torch.jit.trace, no module.compile()), so all of those behave as under torch.
    # The global hook tables are dicts that torch only ever updates in place, so binding them once is safe.
    if (module._forward_hooks or module._forward_pre_hooks or module._backward_hooks or module._backward_pre_hooks
            or _global_forward_hooks or _global_forward_pre_hooks or _global_backward_hooks
            or _global_backward_pre_hooks or module._compiled_call_impl is not None or _tracing_state()):
        return module(*args)
    return module.forward(*args)
