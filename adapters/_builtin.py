"""The built-in adapters: the reference implementation and torch's own, on the CPU and on a CUDA device."""

from __future__ import annotations

import dataclasses
import importlib

import torch

from parametrize_conformance.adapters._adapter import Adapter
from parametrize_conformance.adapters._torch_divergences import torch_divergences

# Note: float64 where the device supports it (CUDA does), float32, and bfloat16: the dtypes CUDA models train in.
# float16 is left out: it adds no parametrize code path that bfloat16 does not already take.
CUDA_DTYPES: tuple[torch.dtype, ...] = (torch.float32, torch.float64, torch.bfloat16)


def reference_adapter() -> Adapter:
    """The project's clean-room reference, on CPU."""
    from parametrize_conformance import reference

    return Adapter(
        name="reference",
        api=reference,
        version=getattr(reference, "__version__", "0"),
        import_line="from parametrize_conformance import reference as P",
    )


def torch_adapter() -> Adapter:
    """torch.nn.utils.parametrize on CPU, with the divergences torch is known to have."""
    parametrize = importlib.import_module("torch.nn.utils.parametrize")
    return Adapter(
        name="torch",
        api=parametrize,
        version=torch.__version__,
        divergences=torch_divergences("cpu"),
        import_line="import torch.nn.utils.parametrize as P",
    )


def reference_cuda_adapter() -> Adapter:
    """The reference with its modules and tensors on the current CUDA device (unavailable without one)."""
    return dataclasses.replace(
        reference_adapter(), name="reference-cuda", spec="reference-cuda", device="cuda", dtypes=CUDA_DTYPES
    )


def torch_cuda_adapter() -> Adapter:
    """torch.nn.utils.parametrize on the current CUDA device, with torch's divergences (unavailable without one)."""
    return dataclasses.replace(
        torch_adapter(),
        name="torch-cuda",
        spec="torch-cuda",
        device="cuda",
        dtypes=CUDA_DTYPES,
        divergences=torch_divergences("cuda"),
    )


BUILTIN_ADAPTERS = {
    "reference": reference_adapter,
    "torch": torch_adapter,
    "reference-cuda": reference_cuda_adapter,
    "torch-cuda": torch_cuda_adapter,
}
