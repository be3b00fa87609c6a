"""The built-in adapters: the reference implementation and torch's own."""

from __future__ import annotations

import importlib

import torch

from adapters._adapter import Adapter
from adapters._torch_divergences import TORCH_DIVERGENCES


def reference_adapter() -> Adapter:
    """The project's clean-room reference, on CPU."""
    import reference

    return Adapter(
        name="reference",
        api=reference,
        version=getattr(reference, "__version__", "0"),
        import_line="import reference as P",
    )


def torch_adapter() -> Adapter:
    """torch.nn.utils.parametrize on CPU, with the divergences torch is known to have."""
    parametrize = importlib.import_module("torch.nn.utils.parametrize")
    return Adapter(
        name="torch",
        api=parametrize,
        version=torch.__version__,
        divergences=TORCH_DIVERGENCES,
        import_line="import torch.nn.utils.parametrize as P",
    )


BUILTIN_ADAPTERS = {"reference": reference_adapter, "torch": torch_adapter}
