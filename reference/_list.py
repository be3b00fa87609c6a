"""``ParametrizationList``: the chain of parametrizations on one tensor, owning its original tensor(s)."""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import torch
from torch import Tensor
from torch.nn import Module, ModuleDict, ModuleList, Parameter

from ._class import _deepcopy, is_parametrized
from ._fast import call, own_originals, right_inverse_of, set_plain
from ._tensors import check_same, like, require_tensor, write_into

_RI_TYPE = "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got "
_RI_CHANGED = (
    "When `right_inverse` outputs one tensor, it may not change the {what}.\noriginal.{what}: {old}\n"
    "right_inverse(original).{what}: {new}"
)
_FORWARD_CHANGED = (
    "Registering a parametrization may not change the {what} of the tensor, unless `unsafe` flag is "
    "enabled.\nunparametrized {what}: {old}\nparametrized {what}: {new}"
)
_DTYPE_CHANGED = "{label} has {what} {new} while `{key}` has {what} {old}"
_SHAPE_CHANGED = (
    "Assigning a value may not change the {what} of `{key}`, unless the `unsafe` flag is enabled.\n"
    "{key}.{what}: {old}\nright_inverse(value).{what}: {new}"
)


def _as_original(original: Tensor, t: object, i: int) -> Tensor:
    """Element ``i`` of a multi-output ``right_inverse``, made a Parameter when ``original`` is one; it requires grad
    when ``original`` does and its dtype can."""
    if not isinstance(t, Tensor):
        raise ValueError(f"{_RI_TYPE}element {i} of the sequence with type {type(t).__name__}.")
    # Note: MULTI-MIXED-DTYPE-TRAINABLE: integer codes beside a trainable scale stay a Parameter that cannot require
    # grad (torch asks it to and fails: "Only Tensors of floating point and complex dtype can require gradients").
    return like(original, t, original.requires_grad and (t.is_floating_point() or t.is_complex()), detach=False)


@dataclass(frozen=True)
class Slot:
    """Where a tensor sat in its module before registration: the names before and after it, and its persistence."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    persistent: bool

    def __deepcopy__(self, memo: dict[int, Any]) -> "Slot":
        return self  # immutable: copies of a list may share it


class ParametrizationList(ModuleList):
    """The parametrizations on one tensor (the modules under the keys 0, 1, ...) and ``original`` (``original0..N-1``
    when not ``is_tensor``), each a Parameter when the tensor was one. Made by ``register_parametrization``. Unless
    ``unsafe``, the chain keeps their dtype and shape; a construction or an assignment that fails has written nothing."""

    original: Tensor
    unsafe: bool
    is_tensor: bool
    ntensors: int
    if TYPE_CHECKING:  # Note: JIT-SCRIPT-REFUSED: torch.jit.script compiles annotated attributes' types (not Slot's)
        _slot: Slot | None
    # Note (speed): deepcopy-8x8-scale-chain1: copied through its instance dict, as the generated classes are.
    __deepcopy__ = _deepcopy

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False) -> None:
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        require_tensor(original, "ParametrizationList got original=None")
        super().__init__(modules)
        set_plain(self, unsafe=unsafe, _slot=None)  # _slot: where the tensor sat (set by register_parametrization)
        new = self._inverse(original)
        set_plain(self, is_tensor=isinstance(new, Tensor), ntensors=1 if isinstance(new, Tensor) else len(new))
        candidates = self._candidates(original, new)
        if not self.unsafe:
            self._check_forward(original, candidates)
        # Note: REGISTER-ATOMIC: the checks ran on stand-ins; only now is the user's tensor written.
        if isinstance(new, Tensor):
            write_into(original, new)
            candidates = (original,)
        for key, t in zip(self._original_names(), candidates, strict=True):
            self.register_parameter(key, t) if isinstance(t, Parameter) else self.register_buffer(key, t)

    def _inverse(self, original: Tensor) -> Tensor | Sequence[object]:
        """The chain's ``right_inverse``s applied to ``original``, last to first: a tensor or a sequence."""
        with torch.no_grad():
            new = original
            for module in reversed(self._chain()):
                inverse = right_inverse_of(module)
                try:
                    new = inverse(new) if inverse is not None else new
                except NotImplementedError:
                    pass  # treated as the identity
        if isinstance(new, Tensor) and new._base is not None:  # Note: REMOVE-VIEW-VALUE: as in _restore_single
            new = new.clone()
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError(f"{_RI_TYPE}{type(new).__name__}")
        return new

    def _candidates(self, original: Tensor, new: Tensor | Sequence[object]) -> tuple[Tensor, ...]:
        """The originals to be, as the forward check sees them (a stand-in for the single original)."""
        if not isinstance(new, Tensor):
            return tuple(_as_original(original, t, i) for i, t in enumerate(new))
        check_same(("dtype", "device"), original, new, _RI_CHANGED)
        return (original if new is original else like(original, new, original.requires_grad),)

    def _check_forward(self, original: Tensor, candidates: tuple[Tensor, ...]) -> None:
        z = self._evaluate(candidates)
        if not isinstance(z, Tensor):
            raise ValueError(f"A parametrization must return a tensor. Got {type(z).__name__}.")
        check_same(("dtype", "shape"), original, z, _FORWARD_CHANGED)

    def _chain(self) -> list[Module]:
        """The modules under the consecutive integer keys 0, 1, ... (a nested ``parametrizations`` is skipped)."""
        modules, chain, key = self._modules, [], "0"
        while key in modules:
            chain.append(modules[key])
            key = str(len(chain))
        return chain

    def _append(self, module: Module) -> None:
        # Note: NESTED-ASSIGN: the next integer key of the chain (len(self) counts a nested `parametrizations`).
        self.add_module(str(len(self._chain())), module)

    def _persistent(self) -> bool:
        """Whether the tensor was persistent in its module's state_dict (True for a list made by hand)."""
        return self._slot is None or self._slot.persistent

    def _original_names(self) -> tuple[str, ...]:
        """The names of the original(s): original, or original0..N-1."""
        return ("original",) if self.is_tensor else tuple(f"original{i}" for i in range(self.ntensors))

    def _originals(self) -> tuple[Tensor, ...]:
        """The original tensor(s); a nested-parametrized original is read through its own parametrization."""
        if type(self) is ParametrizationList:
            return own_originals(self)
        return tuple(getattr(self, key) for key in self._original_names())

    def _evaluate(self, originals: tuple[Tensor, ...]) -> Tensor:
        first, *rest = self._chain()
        x: Tensor = call(first, *originals)
        for module in rest:
            x = call(module, x)
        return x

    def forward(self) -> Tensor:
        """The parametrized tensor: the chain applied to the original(s)."""
        if torch.jit.is_scripting():
            raise RuntimeError("Parametrization is not working with scripting.")
        return self._evaluate(self._originals())

    def right_inverse(self, value: Tensor) -> None:
        """Store ``value``: run the ``right_inverse``s last to first, then write into the original(s) in place."""
        with torch.no_grad():
            for module in reversed(self._chain()):
                inverse = right_inverse_of(module)
                if inverse is None:
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
                value = inverse(value)
            pairs = self._checked_pairs(value)  # Note: ASSIGN-MULTI-ATOMIC: all are checked before the first write.
            nested = type(self) is not ParametrizationList and is_parametrized(self)
            for key, (dest, src) in zip(self._original_names(), pairs, strict=True):
                # Note: NESTED-ASSIGN: a parametrized original is assigned through its own parametrization.
                setattr(self, key, src) if nested and is_parametrized(self, key) else write_into(dest, src)

    def _checked_pairs(self, value: object) -> list[tuple[Tensor, Tensor]]:
        """(original, new value) pairs for an assignment, once every element has passed the checks."""
        if self.is_tensor:
            if not isinstance(value, Tensor):
                raise ValueError(f"`right_inverse` should return a tensor. Got {type(value).__name__}")
            dest = self._originals()[0]
            self._check_element(0, "original", dest, value, "The tensor returned by `right_inverse`")
            return [(dest, value)]
        if not isinstance(value, Sequence):
            raise ValueError(f"'right_inverse' must return a sequence of tensors. Got {type(value).__name__}.")
        if len(value) != self.ntensors:
            raise ValueError(
                f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. "
                f"Got a sequence of length {len(value)}."
            )
        pairs = list(zip(self._originals(), value, strict=True))
        for i, (key, (dest, new)) in enumerate(zip(self._original_names(), pairs, strict=True)):
            self._check_element(i, key, dest, new, f"Tensor {i} returned by `right_inverse`")
        return pairs

    def _check_element(self, i: int, key: str, dest: Tensor, new: object, label: str) -> None:
        if not isinstance(new, Tensor):
            raise ValueError(
                "'right_inverse' must return a sequence of tensors or reference-type opaques. "
                f"Got element {i} of type {type(new).__name__}."
            )
        check_same(("dtype",), dest, new, _DTYPE_CHANGED, label=label, key=key)
        if not self.unsafe:  # Note: ASSIGN-SHAPE-CHECKED: torch silently resizes the original.
            check_same(("shape",), dest, new, _SHAPE_CHANGED, key=key)


def chains_of(module: Module) -> ModuleDict:
    """``module.parametrizations``: a ParametrizationList per parametrized name (the module must have one)."""
    return cast(ModuleDict, module.parametrizations)


def chain_of(module: Module, name: str) -> ParametrizationList:
    """``module.parametrizations[name]``: the list of the parametrized name ``name``."""
    return cast(ParametrizationList, chains_of(module)[name])
