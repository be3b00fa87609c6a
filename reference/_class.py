"""The generated ``Parametrized{Cls}`` classes that turn parametrized names into properties, and the queries on them."""

import copy
import copyreg
import weakref
from typing import Any, cast

from torch.nn import Module, ModuleDict

from . import _cache
from ._fast import list_property, surfacing_getattr

_SERIALIZATION_MESSAGE = (
    "Serialization of parametrized modules is only supported through state_dict(). See:\n"
    "https://pytorch.org/tutorials/beginner/saving_loading_models.html"
    "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training"
)


def is_parametrized(module: Module, tensor_name: str | None = None) -> bool:
    """True if ``module`` has a parametrization on ``tensor_name`` (on any tensor when it is None)."""
    parametrizations = getattr(module, "parametrizations", None)
    if not isinstance(parametrizations, ModuleDict):
        return False
    return len(parametrizations) > 0 if tensor_name is None else tensor_name in parametrizations


def type_before_parametrizations(module: Module) -> type:
    """The class ``module`` had before its first parametrization (its own class if it has none)."""
    return class_before(type(module)) if is_parametrized(module) else type(module)


def class_before(cls: type) -> type:
    """The class that the generated class of ``cls`` parametrizes (``cls`` itself when it has none)."""
    # Note: SUBCLASS-GENERATED-CLASS: also for a class made from it later (torch gives its first base, FSDPModule).
    generated = generated_of(cls)
    return cls if generated is None else generated.__bases__[0]


def generated_of(cls: type) -> type | None:
    """The generated class ``cls`` is or derives from (a class made from it later, as fully_shard makes), or None."""
    return next((c for c in cls.__mro__ if c.__dict__.get("__getstate__") is _refuse_getstate), None)


def _refuse_getstate(self: Module) -> None:
    raise RuntimeError(_SERIALIZATION_MESSAGE)


def _deepcopy(self: Module, memo: dict[int, Any]) -> Module:
    """A plain deep copy (``__getstate__`` refuses, so ``copy.deepcopy`` needs this path)."""
    if id(self) in memo:
        return cast(Module, memo[id(self)])
    replica = self.__new__(type(self))
    memo[id(self)] = replica
    replica.__dict__ = copy.deepcopy(self.__dict__, memo)
    for slot in copyreg._slotnames(type(self)):  # type: ignore[attr-defined]  # not in typeshed
        if hasattr(self, slot):
            setattr(replica, slot, copy.deepcopy(getattr(self, slot), memo))
    return replica


# Note: COMPILE-PER-LAYER-GRAPHS: one class per (base, names), shared by modules parametrized alike (one graph for N
# layers: Dynamo guards on the type of `self`); weak values: a class lives while a module uses it.
_classes: "weakref.WeakValueDictionary[tuple[int, tuple[str, ...]], type]" = weakref.WeakValueDictionary()


def parametrized_class(base: type[Module], names: list[str]) -> type:
    """The subclass of ``base`` with one property per parametrized name in ``names``."""
    key = (id(base), tuple(names))
    cls = _classes.get(key)
    if cls is None or class_before(cls) is not base:
        cls = _classes[key] = _new_class(base, names)
    return cls


def _new_class(base: type[Module], names: list[str]) -> type:
    # Note: COPY-INDEPENDENT: a class is never changed once made; every structural change gives the instance another.
    # Note (implementation): __module__ names this module, not torch's parametrize module (which Dynamo keys on).
    namespace = {"__module__": __name__, "__getstate__": _refuse_getstate}
    namespace["__getattr__"] = surfacing_getattr(base.__getattr__)  # Note: REGISTER-FORWARD-ERROR: see surfacing_getattr
    if not hasattr(base, "__deepcopy__"):
        namespace["__deepcopy__"] = _deepcopy
    namespace.update({name: list_property(name, _cache.read) for name in names})
    return type(f"Parametrized{base.__name__}", (base,), namespace)


def with_generated(cls: type, new: type) -> type:
    """``cls`` with its generated class replaced by ``new`` (``new`` itself, or a copy of a later ``FSDPLinear`` on it)."""
    old = generated_of(cls)
    if cls is old:
        return new
    bases = tuple(with_generated(b, new) if old in b.__mro__ else b for b in cls.__bases__)
    namespace = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}
    return type(cls)(cls.__name__, bases, namespace)
