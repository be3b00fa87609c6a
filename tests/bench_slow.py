"""A planted slow implementation for the benchmark gate: the reference, except that reading a parametrized tensor
evaluates its chain twice (the first value is thrown away). Use as `--bench-adapter bench_slow`."""

from __future__ import annotations

from collections.abc import Callable

from torch import nn

from parametrize_conformance import reference
from parametrize_conformance.reference import (  # noqa: F401 - re-exported: an adapter module exposes the seven names
    ParametrizationList,
    cached,
    is_parametrized,
    transfer_parametrizations_and_params,
    type_before_parametrizations,
)

Getter = Callable[[nn.Module], object]


class PlantedReads:
    """register/remove of the reference whose getters are wrapped by `wrap`, on a class of the module's own."""

    def __init__(self, wrap: Callable[[Getter], Getter]) -> None:
        self.wrap = wrap

    def register_parametrization(
        self, module: nn.Module, tensor_name: str, parametrization: nn.Module, *, unsafe: bool = False
    ) -> nn.Module:
        self._unwrap(module)
        try:
            return reference.register_parametrization(module, tensor_name, parametrization, unsafe=unsafe)
        finally:
            self._wrap(module)

    def remove_parametrizations(self, module: nn.Module, tensor_name: str, leave_parametrized: bool = True) -> nn.Module:
        self._unwrap(module)
        try:
            return reference.remove_parametrizations(module, tensor_name, leave_parametrized)
        finally:
            self._wrap(module)

    @staticmethod
    def _unwrap(module: nn.Module) -> None:
        if type(module).__dict__.get("_planted_reads"):
            module.__class__ = type(module).__bases__[0]

    def _wrap(self, module: nn.Module) -> None:
        # Note: a class of this module's own on top of the reference's: the reference shares a generated class
        # among all modules parametrized alike, so editing it would change the reference adapter's modules too.
        if not reference.is_parametrized(module):
            return
        cls = type(module)
        getters = {
            name: property(self.wrap(getattr(cls, name).fget), getattr(cls, name).fset) for name in module.parametrizations
        }
        module.__class__ = type(cls.__name__, (cls,), {"_planted_reads": True, **getters})


def _twice(getter: Getter) -> Getter:
    def get(self: nn.Module) -> object:
        getter(self)
        return getter(self)

    return get


_PLANTED = PlantedReads(_twice)
register_parametrization = _PLANTED.register_parametrization
remove_parametrizations = _PLANTED.remove_parametrizations
