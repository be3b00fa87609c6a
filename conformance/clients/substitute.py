"""Swapping an implementation in for torch.nn.utils.parametrize and importing torch's own clients of it afresh."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import torch.nn.utils

from parametrize_conformance.adapters import API_NAMES

TARGET = "torch.nn.utils.parametrize"
# Note: the clients are the modules that bind the parametrize module (or its names) when imported; dropping them from
# sys.modules makes the next import run their code again, against whatever TARGET is then.
CLIENT_PACKAGES = ("torch.nn.utils.parametrizations", "torch.ao.pruning")


@dataclass(frozen=True)
class Clients:
    """torch's clients of the parametrize API, bound to one implementation `P` of it."""

    P: Any
    parametrizations: ModuleType
    pruning: ModuleType


class PrivateNameError(AttributeError):
    """A client asked the substituted module for a name that is not one of the seven."""


class SubstituteModule(ModuleType):
    """A stand-in module `torch.nn.utils.parametrize` exposing exactly the seven names of an implementation."""

    def __init__(self, api: Any, label: str) -> None:
        super().__init__(TARGET, f"{label}'s implementation of the parametrize API, standing in for {TARGET}")
        self.__label = label
        for name in API_NAMES:
            setattr(self, name, getattr(api, name))

    def __getattr__(self, name: str) -> Any:
        # Note: a client that reaches for a private name (torch's _cache, say) fails loudly here rather than being
        # given torch's own object: the stand-in is the implementation under test, and only the seven are the API.
        raise PrivateNameError(
            f"a client of {TARGET} used {name!r}, which is not one of the seven API names; the "
            f"stand-in for {self.__label} has only {', '.join(API_NAMES)}"
        )


def torch_clients() -> Clients:
    """The clients as torch imported them, on torch's own implementation."""
    import torch.ao.pruning
    import torch.nn.utils.parametrizations
    import torch.nn.utils.parametrize

    return Clients(torch.nn.utils.parametrize, torch.nn.utils.parametrizations, torch.ao.pruning)


def _client_names() -> list[str]:
    return [n for n in sys.modules if any(n == p or n.startswith(p + ".") for p in CLIENT_PACKAGES)]


def _parent_attributes(names: list[str]) -> dict[tuple[str, str], Any]:
    """The attribute each module in `names` is bound to on its parent package, where the parent is loaded."""
    found = {}
    for name in names:
        parent, _, child = name.rpartition(".")
        if parent in sys.modules and hasattr(sys.modules[parent], child):
            found[(parent, child)] = getattr(sys.modules[parent], child)
    return found


@contextmanager
def substituted(api: Any, label: str) -> Iterator[Clients]:
    """Within the block, `api` stands in for torch.nn.utils.parametrize (in sys.modules and as the attribute of
    torch.nn.utils) and the clients are imported afresh against it; on exit, even on error, all is as before."""
    torch_clients()  # Note: the clients' own dependencies are loaded first, on torch, so only the clients re-run.
    stand_in = SubstituteModule(api, label)
    before = dict(sys.modules)
    replaced = [TARGET, *_client_names()]
    saved = _parent_attributes(replaced)
    try:
        for name in replaced:
            del sys.modules[name]
        sys.modules[TARGET] = stand_in
        torch.nn.utils.parametrize = stand_in
        yield Clients(stand_in, importlib.import_module(CLIENT_PACKAGES[0]), importlib.import_module(CLIENT_PACKAGES[1]))
    finally:
        added = [n for n in sys.modules if n not in before or n in replaced]
        for name in added:
            del sys.modules[name]
        sys.modules.update({n: before[n] for n in replaced})
        _restore_attributes(saved, [*replaced, *added])


def _restore_attributes(saved: dict[tuple[str, str], Any], names: list[str]) -> None:
    """Put back the parent-package attributes in `saved`; drop those the block added for the other `names`."""
    for name in names:
        parent, _, child = name.rpartition(".")
        if (parent, child) not in saved and parent in sys.modules and hasattr(sys.modules[parent], child):
            delattr(sys.modules[parent], child)
    for (parent, child), value in saved.items():
        setattr(sys.modules[parent], child, value)
