"""A planted slow implementation for the benchmark gate: the reference, except that reading a parametrized tensor
evaluates its chain twice (the first value is thrown away). Use as `--bench-adapter bench_slow`."""

from __future__ import annotations

from torch import nn

import reference
from reference import (  # noqa: F401 - re-exported: an adapter module exposes the seven names
    ParametrizationList,
    cached,
    is_parametrized,
    remove_parametrizations,
    transfer_parametrizations_and_params,
    type_before_parametrizations,
)


def register_parametrization(module: nn.Module, tensor_name: str, parametrization: nn.Module, *,
                             unsafe: bool = False) -> nn.Module:
    """reference.register_parametrization, then the generated class's getters made to run twice."""
    reference.register_parametrization(module, tensor_name, parametrization, unsafe=unsafe)
    cls = type(module)
    for name in module.parametrizations:
        prop = cls.__dict__[name]
        if not getattr(prop.fget, "twice", False):
            # Note: the reference gives every parametrized instance a class of its own: this edits no other module.
            setattr(cls, name, property(_twice(prop.fget), prop.fset))
    return module


def _twice(getter):
    def get(self: nn.Module):
        getter(self)
        return getter(self)

    get.twice = True
    return get
