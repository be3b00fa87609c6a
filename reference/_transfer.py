"""``transfer_parametrizations_and_params``."""

import copy
from typing import Any

from torch import Tensor
from torch.nn import Module, Parameter

from . import _cache
from ._cache import Entry
from ._class import is_parametrized
from ._list import ParametrizationList, chain_of, chains_of
from ._register import register_parametrization
from ._tensors import write_into

_STATE = ("_parameters", "_buffers", "_modules", "_non_persistent_buffers_set")
# What a failed transfer puts back: (module, class, instance dict, _STATE's contents) for each module the transfer may
# change, (tensor, its value) pairs, (module, training flag) pairs, and the cache.
_Saved = tuple[
    list[tuple[Module, type, dict[str, Any], list[Any]]],
    list[tuple[Tensor, Tensor]],
    list[tuple[Module, bool]],
    dict[tuple[int, str], Entry],
]


def transfer_parametrizations_and_params(from_module: Module, to_module: Module, tensor_name: str | None = None) -> Module:
    """Register ``from_module``'s parametrizations (all, or those of ``tensor_name``) on ``to_module``, sharing the
    parametrization modules and the original tensor objects; missing names are created. Returns ``to_module``
    (unchanged if ``from_module`` is not parametrized)."""
    if not is_parametrized(from_module):
        return to_module
    if from_module is to_module:  # Note: TRANSFER-SELF: refused before anything changes (torch fails half-way)
        raise ValueError(
            "transfer_parametrizations_and_params: from_module and to_module are the same module; "
            "transfer to another module (copy.deepcopy(module) gives one with the same tensors)"
        )
    names = list(chains_of(from_module)) if tensor_name is None else [tensor_name]
    for name in names:
        if name not in chains_of(from_module):
            raise KeyError(f"from_module has no parametrization on {name!r}")
    # Note: TRANSFER-ATOMIC: any failure rolls to_module back to its state on entry (torch leaves it partly done).
    saved = _save(from_module, to_module, names)
    try:
        for name in names:
            _transfer_one(chain_of(from_module, name), from_module, to_module, name)
    except BaseException:
        _restore(saved)
        raise
    return to_module


def _transfer_one(source: ParametrizationList, from_module: Module, to_module: Module, name: str) -> None:
    if not hasattr(to_module, name):
        _create(to_module, name, getattr(from_module, name), source)
    for parametrization in source._chain():
        register_parametrization(to_module, name, parametrization)
    for key in source._original_names():
        setattr(chain_of(to_module, name), key, getattr(source, key))  # tie: the same tensor objects
    # Note: CACHE-KEPT-IN-CONTEXT: onto a parametrized tensor, a transfer is a stack: the cached value stays.


def _create(to_module: Module, name: str, value: Tensor, source: ParametrizationList) -> None:
    """Create ``name`` on ``to_module`` holding ``value``, of the same kind as the source's original."""
    key = source._original_names()[0]
    while is_parametrized(source, key):  # a nested parametrization: its innermost original decides
        source = chain_of(source, key)
        key = source._original_names()[0]
    # Note: TRANSFER-BUFFER: a parametrized buffer is created as a buffer (torch makes a Parameter, then fails).
    if key in source._parameters:
        to_module.register_parameter(name, Parameter(value))
    else:
        to_module.register_buffer(name, value.detach(), persistent=source._persistent())


def _save(from_module: Module, to_module: Module, names: list[str]) -> _Saved:
    """What a failed transfer may change: ``to_module``'s structure, its tensors' values, training flags, the cache."""
    modules = [to_module]
    if is_parametrized(to_module):
        modules += [chains_of(to_module), *chains_of(to_module).values()]
    structure = [(m, type(m), dict(vars(m)), [copy.copy(getattr(m, a)) for a in _STATE]) for m in modules]
    slots = {**to_module._buffers, **to_module._parameters}
    values = [(t, t.detach()) for n in names if (t := slots.get(n)) is not None]
    chains = [chain_of(from_module, n)._chain() for n in names]
    modes = [(m, m.training) for chain in chains for p in chain for m in p.modules()]
    return structure, values, modes, _cache.snapshot()


def _restore(saved: _Saved) -> None:
    structure, values, modes, cache = saved
    for m, cls, attrs, state in structure:
        m.__class__ = cls
        vars(m).clear()
        vars(m).update(attrs)
        for attr, content in zip(_STATE, state, strict=True):
            getattr(m, attr).clear()
            getattr(m, attr).update(content)
    for t, old in values:
        write_into(t, old)
    for m, training in modes:
        m.training = training
    _cache.restore(cache)  # Note: TRANSFER-ATOMIC: the values served inside cached() are kept too
