"""Adapters for the level tests (tests/test_levels.py), loaded as `level_adapters:NAME` with tests/ on the path."""

from __future__ import annotations

import torch
import torch.nn.utils.parametrize as torch_parametrize

from parametrize_conformance.adapters import Adapter

# torch's own parametrize, declaring none of its divergences: the clauses it breaks fail, at either level.
TORCH_UNDECLARED = Adapter(name="torch-undeclared", api=torch_parametrize, version=torch.__version__)
