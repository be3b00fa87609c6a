"""The generated ``Parametrized{Cls}`` classes that turn parametrized names into properties."""

import copy
import copyreg
import weakref

import torch
from torch import Tensor
from torch.nn import Module

from . import _cache

_SERIALIZATION_MESSAGE = (
    "Serialization of parametrized modules is only supported through state_dict(). See:\n"
    "https://pytorch.org/tutorials/beginner/saving_loading_models.html"
    "#saving-loading-a-general-checkpoint-for-inference-and-or-resuming-training"
)


def _refuse_getstate(self: Module) -> None:
    raise RuntimeError(_SERIALIZATION_MESSAGE)


def _deepcopy(self: Module, memo: dict) -> Module:
    """A plain deep copy (``__getstate__`` refuses, so ``copy.deepcopy`` needs this path)."""
    if id(self) in memo:
        return memo[id(self)]
    replica = self.__new__(type(self))
    memo[id(self)] = replica
    replica.__dict__ = copy.deepcopy(self.__dict__, memo)
    for slot in copyreg._slotnames(type(self)):
        if hasattr(self, slot):
            setattr(replica, slot, copy.deepcopy(getattr(self, slot), memo))
    return replica


def _property(name: str) -> property:
    """Getter evaluates (or fetches from the cache) the chain; setter assigns through ``right_inverse``.

    Both must stay parsable by TorchScript (no try blocks), so that ``torch.jit.script`` compiles and fails at run time.
    """

    def get(self: Module) -> Tensor:
        if torch.jit.is_scripting():
            raise RuntimeError("Parametrization is not working with scripting.")
        # Note: READ-FAST: the list is found through the _modules dicts, not Module.__getattr__, whose cost would be
        # most of a read; `parametrizations` is always a registered submodule of a generated class.
        return _cache.read(self, name, self._modules["parametrizations"]._modules[name])

    def put(self: Module, value: Tensor) -> None:
        if torch.jit.is_scripting():
            raise RuntimeError("Parametrization is not working with scripting.")
        self._modules["parametrizations"]._modules[name].right_inverse(value)

    return property(get, put)


def is_generated(cls: type) -> bool:
    """Whether ``cls`` was made by ``parametrized_class``."""
    return cls.__dict__.get("__getstate__") is _refuse_getstate


def generated_of(cls: type) -> type | None:
    """The generated class ``cls`` is or derives from (a class made from it later, as fully_shard makes), or None."""
    # Note: SUBCLASS-GENERATED-CLASS: found in the MRO, so a module whose generated class was subclassed afterwards
    # can still be stacked on, get new names and lose them.
    return next((c for c in cls.__mro__ if is_generated(c)), None)


# Note: COMPILE-PER-LAYER-GRAPHS: one class per (base, names), shared by every module parametrized alike, so Dynamo's
# type guard on `self` in the getter holds for all of them: N layers compiled one by one need one graph, not N (and
# never hit the recompile limit). Sharing is safe because a class is never changed after it is made. Weak values: a
# class lives as long as a module (or a subclass) uses it; its key's base id cannot be reused while it lives.
_classes: "weakref.WeakValueDictionary[tuple[int, tuple[str, ...]], type]" = weakref.WeakValueDictionary()


def parametrized_class(base: type, names: list[str]) -> type:
    """The subclass of ``base`` with one property per parametrized name in ``names``."""
    key = (id(base), tuple(names))
    cls = _classes.get(key)
    if cls is None or cls.__bases__[0] is not base:
        cls = _classes[key] = _new_class(base, names)
    return cls


def _new_class(base: type, names: list[str]) -> type:
    # Note: COPY-INDEPENDENT: a class is never changed after it is made; every structural change gives the
    # instance another class, so instances sharing one (modules parametrized alike, deepcopies, DataParallel
    # replicas) cannot affect each other.
    # Note: CLASS-MODULE: __module__ names this module, not torch's parametrize module (which Dynamo keys on).
    namespace = {"__module__": __name__, "__getstate__": _refuse_getstate}
    if not hasattr(base, "__deepcopy__"):
        namespace["__deepcopy__"] = _deepcopy
    namespace.update({name: _property(name) for name in names})
    return type(f"Parametrized{base.__name__}", (base,), namespace)


def with_generated(cls: type, new: type) -> type:
    """``cls`` with its generated class replaced by ``new`` (a generated class, or the base when none is left).

    ``cls`` itself when it is the generated class; for a class made from it later (``FSDPLinear(FSDPModule,
    ParametrizedLinear)``), a copy of that class on top of ``new``, so the later class's behaviour is kept.
    """
    old = generated_of(cls)
    if cls is old:
        return new
    bases = tuple(with_generated(b, new) if old in b.__mro__ else b for b in cls.__bases__)
    namespace = {k: v for k, v in vars(cls).items() if k not in ("__dict__", "__weakref__")}
    return type(cls)(cls.__name__, bases, namespace)
