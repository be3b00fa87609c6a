"""Adapters: how an implementation of torch.nn.utils.parametrize is plugged into the conformance suite."""

from parametrize_conformance.adapters._adapter import API_NAMES, Adapter
from parametrize_conformance.adapters._builtin import BUILTIN_ADAPTERS
from parametrize_conformance.adapters._divergence import AdapterError, Divergence
from parametrize_conformance.adapters._loading import (
    ENTRY_POINT_GROUP,
    available_adapters,
    check_spec,
    known_adapters,
    load_adapter,
)
from parametrize_conformance.adapters._release import release_adapter
from parametrize_conformance.adapters._torch_divergences import TORCH_DIVERGENCES, torch_divergences

__all__ = [
    "API_NAMES",
    "TORCH_DIVERGENCES",
    "Adapter",
    "AdapterError",
    "BUILTIN_ADAPTERS",
    "Divergence",
    "ENTRY_POINT_GROUP",
    "available_adapters",
    "check_spec",
    "known_adapters",
    "load_adapter",
    "release_adapter",
    "torch_divergences",
]
