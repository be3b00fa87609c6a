"""Adapters: how an implementation of torch.nn.utils.parametrize is plugged into the conformance suite."""

from adapters._adapter import API_NAMES, Adapter, AdapterError, Divergence
from adapters._builtin import BUILTIN_ADAPTERS
from adapters._loading import ENTRY_POINT_GROUP, available_adapters, check_spec, known_adapters, load_adapter
from adapters._torch_divergences import torch_divergences

__all__ = [
    "API_NAMES",
    "Adapter",
    "AdapterError",
    "BUILTIN_ADAPTERS",
    "Divergence",
    "ENTRY_POINT_GROUP",
    "available_adapters",
    "check_spec",
    "known_adapters",
    "load_adapter",
    "torch_divergences",
]
