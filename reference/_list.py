"""``ParametrizationList``: the chain of parametrizations on one tensor, owning its original tensor(s)."""

from collections.abc import Sequence
from dataclasses import dataclass

import torch
from torch import Tensor
from torch.nn import Module, ModuleList, Parameter

from ._calls import call
from ._class import _deepcopy
from ._queries import is_parametrized
from ._tensors import write_into

_RI_TYPE = "'right_inverse' must return a Tensor or a Sequence of tensors (list, tuple...). Got "


def _stand_in(original: Tensor, new: Tensor) -> Tensor:
    """A tensor holding ``new`` that looks like ``original`` will once ``new`` is written into it."""
    if new is original:
        return original
    if isinstance(original, Parameter):
        return Parameter(new, requires_grad=original.requires_grad)
    return new.detach().requires_grad_(original.requires_grad)


def _as_original(original: Tensor, t: object, i: int) -> Tensor:
    """Element ``i`` of a multi-output ``right_inverse``, made a Parameter when ``original`` is one."""
    if not isinstance(t, Tensor):
        raise ValueError(f"{_RI_TYPE}element {i} of the sequence with type {type(t).__name__}.")
    if isinstance(original, Parameter):
        t = Parameter(t, original.requires_grad)
    return t.requires_grad_(original.requires_grad)


@dataclass(frozen=True)
class Slot:
    """Where a tensor sat in its module before registration: the names before and after it, and its persistence."""

    before: tuple[str, ...]
    after: tuple[str, ...]
    persistent: bool

    def __deepcopy__(self, memo: dict) -> "Slot":
        return self  # immutable: copies of a list may share it


class ParametrizationList(ModuleList):
    """The parametrizations registered on one tensor, in order, and ``original`` (or ``original0..N-1``).

    Made by ``register_parametrization``, not by users. ``unsafe`` turns off the dtype and shape checks.
    """

    original: Tensor
    unsafe: bool
    # Note: a list is copied by copying its instance dict, as the generated classes do (COPY-DEEPCOPY-EQUAL);
    # nn.Module's default route through __reduce_ex__ gives the same copy, more slowly.
    __deepcopy__ = _deepcopy

    def __init__(self, modules: Sequence[Module], original: Tensor, unsafe: bool = False) -> None:
        if len(modules) == 0:
            raise ValueError("ParametrizationList requires one or more modules.")
        if original is None:
            # Note: ERROR-NONE-SLOT: torch fails with AttributeError 'NoneType' object has no attribute 'shape'.
            raise ValueError("ParametrizationList got original=None: there is no tensor to parametrize.")
        super().__init__(modules)
        # Note: plain attributes go straight into the instance dict: nn.Module.__setattr__ would only check that
        # they are not tensors or modules, at a cost that shows in register + remove.
        # _slot: where the tensor sat in its module (set by register; None for a list made by hand).
        vars(self).update(unsafe=unsafe, _slot=None)
        with torch.no_grad():
            new = original
            for module in reversed(self._chain()):
                try:
                    new = module.right_inverse(new) if hasattr(module, "right_inverse") else new
                except NotImplementedError:
                    pass  # treated as the identity
        if isinstance(new, Tensor) and new._base is not None:
            # Note: REMOVE-VIEW-VALUE: a right_inverse returning a view of its input (a transpose) would keep the
            # original referenced while it is written, which swap_tensors refuses: the value is copied out first.
            new = new.clone()
        if not isinstance(new, (Tensor, Sequence)):
            raise ValueError(f"{_RI_TYPE}{type(new).__name__}")
        is_tensor = isinstance(new, Tensor)
        ntensors = 1 if is_tensor else len(new)
        vars(self).update(is_tensor=is_tensor, ntensors=ntensors)
        if self.is_tensor:
            for what in ("dtype", "device"):
                if getattr(original, what) != getattr(new, what):
                    raise ValueError(
                        f"When `right_inverse` outputs one tensor, it may not change the {what}.\n"
                        f"original.{what}: {getattr(original, what)}\nright_inverse(original).{what}: {getattr(new, what)}"
                    )
            candidates = (_stand_in(original, new),)
        else:
            candidates = tuple(_as_original(original, t, i) for i, t in enumerate(new))
        if not self.unsafe:
            self._check_forward(original, candidates)
        # Note: ATOMIC-FIRST-REGISTER: the checks above ran on stand-ins; only now is the user's tensor written
        # (torch writes right_inverse(original) into it before the forward checks, contract 3.1).
        if self.is_tensor:
            write_into(original, new)
            candidates = (original,)
        for key, t in zip(self._original_names(), candidates, strict=True):
            self.register_parameter(key, t) if isinstance(t, Parameter) else self.register_buffer(key, t)

    def _check_forward(self, original: Tensor, candidates: tuple[Tensor, ...]) -> None:
        z = self._evaluate(candidates)
        if not isinstance(z, Tensor):
            raise ValueError(f"A parametrization must return a tensor. Got {type(z).__name__}.")
        for what in ("dtype", "shape"):
            if getattr(original, what) != getattr(z, what):
                raise ValueError(
                    f"Registering a parametrization may not change the {what} of the tensor, unless `unsafe` flag is "
                    f"enabled.\nunparametrized {what}: {getattr(original, what)}\nparametrized {what}: {getattr(z, what)}"
                )

    def _chain(self) -> list[Module]:
        """The modules under the consecutive integer keys 0, 1, ... (a nested ``parametrizations`` is skipped)."""
        modules = self._modules
        chain = []
        key = "0"
        while key in modules:
            chain.append(modules[key])
            key = str(len(chain))
        return chain

    def _append(self, module: Module) -> None:
        # Note: STACK-NEXT-KEY: the next integer key of the chain; torch's ModuleList.append uses len(self), which
        # counts a nested `parametrizations` child, so forward would skip the new module.
        self.add_module(str(len(self._chain())), module)

    def _persistent(self) -> bool:
        """Whether the tensor was persistent in its module's state_dict (True for a list made by hand)."""
        return self._slot is None or self._slot.persistent

    def _original_names(self) -> tuple[str, ...]:
        """The names of the original(s): original, or original0..N-1."""
        return ("original",) if self.is_tensor else tuple(f"original{i}" for i in range(self.ntensors))

    def _originals(self) -> tuple[Tensor, ...]:
        """The original tensor(s); a nested-parametrized original is read through its own parametrization."""
        # Note: READ-FAST: the un-nested case reads the dicts directly: Module.__getattr__ costs as much as a chain.
        if type(self) is ParametrizationList:
            parameters = self._parameters
            if self.is_tensor and "original" in parameters:
                return (parameters["original"],)
            buffers = self._buffers
            return tuple(parameters[key] if key in parameters else buffers[key] if key in buffers else getattr(self, key)
                         for key in self._original_names())
        return tuple(getattr(self, key) for key in self._original_names())

    def _evaluate(self, originals: tuple[Tensor, ...]) -> Tensor:
        first, *rest = self._chain()
        x = call(first, *originals)
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
                if not hasattr(module, "right_inverse"):
                    raise RuntimeError(f"parametrization {type(module).__name__} does not implement right_inverse.")
                value = module.right_inverse(value)
            # Note: ASSIGN-MULTI-ATOMIC: every element is validated before the first write.
            pairs = self._checked_pairs(value)
            nested = type(self) is not ParametrizationList and is_parametrized(self)
            for key, (dest, src) in zip(self._original_names(), pairs, strict=True):
                # Note: NESTED-ASSIGN: a parametrized original is assigned through its own parametrization
                # (torch raises KeyError '1': reversed() of the list trips over the nested `parametrizations` child).
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
            raise ValueError(f"'right_inverse' must return a sequence of tensors of length {self.ntensors}. "
                             f"Got a sequence of length {len(value)}.")
        pairs = list(zip(self._originals(), value, strict=True))
        for i, (key, (dest, new)) in enumerate(zip(self._original_names(), pairs, strict=True)):
            self._check_element(i, key, dest, new, f"Tensor {i} returned by `right_inverse`")
        return pairs

    def _check_element(self, i: int, key: str, dest: Tensor, new: object, label: str) -> None:
        if not isinstance(new, Tensor):
            raise ValueError("'right_inverse' must return a sequence of tensors or reference-type opaques. "
                             f"Got element {i} of type {type(new).__name__}.")
        if new.dtype != dest.dtype:
            raise ValueError(f"{label} has dtype {new.dtype} while `{key}` has dtype {dest.dtype}")
        # Note: ASSIGN-SHAPE-CHECKED: torch silently resizes the original; only an `unsafe` list allows it.
        if not self.unsafe and new.shape != dest.shape:
            raise ValueError(f"Assigning a value may not change the shape of `{key}`, unless the `unsafe` flag is "
                             f"enabled.\n{key}.shape: {dest.shape}\nright_inverse(value).shape: {new.shape}")
