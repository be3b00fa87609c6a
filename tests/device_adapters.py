"""Adapters for the device tests (tests/test_cuda_adapters.py), loaded as `device_adapters:NAME` with tests/ on the
path: two on a CUDA device that no machine has (cuda:99), so they cannot run anywhere, and two on the CPU that test
in bfloat16 only, the dtype the CUDA adapters add."""

from __future__ import annotations

import torch
import torch.nn.utils.parametrize as torch_parametrize

from parametrize_conformance import reference
from parametrize_conformance.adapters import Adapter, torch_divergences
from parametrize_conformance.adapters._builtin import CUDA_DTYPES

# Note: an index no machine has, rather than plain "cuda", so the adapter is unavailable on a GPU machine too.
NOWHERE = "cuda:99"

UNAVAILABLE = Adapter(name="reference-nowhere", api=reference, device=NOWHERE, dtypes=CUDA_DTYPES)
UNAVAILABLE_TORCH = Adapter(
    name="torch-nowhere", api=torch_parametrize, device=NOWHERE, dtypes=CUDA_DTYPES, divergences=torch_divergences()
)
REFERENCE_BFLOAT16 = Adapter(name="reference-bfloat16", api=reference, dtypes=(torch.bfloat16,))
TORCH_BFLOAT16 = Adapter(
    name="torch-bfloat16", api=torch_parametrize, dtypes=(torch.bfloat16,), divergences=torch_divergences()
)
