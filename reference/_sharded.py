"""Tensors and modules of torch.distributed: DTensor originals and modules that fully_shard manages.

Nothing here imports torch.distributed: a program that never loaded it has neither DTensors nor fully_shard modules.
"""

import sys

from torch import Tensor
from torch.nn import Module


def _loaded(name: str, attribute: str) -> type | None:
    module = sys.modules.get(name)
    return getattr(module, attribute, None) if module is not None else None


def in_layout_of(dest: Tensor, src: Tensor) -> Tensor:
    """``src`` laid out as ``dest`` is: a DTensor value redistributed to a DTensor original's mesh and placements."""
    dtensor = _loaded("torch.distributed.tensor", "DTensor")
    # Note: DISTRIBUTED-DTENSOR-ORIGINALS: set_ would give the original the value's placements; the original keeps
    # its own layout (a Shard(0) weight stays sharded when a replicated value is assigned).
    if dtensor is None or not (isinstance(dest, dtensor) and isinstance(src, dtensor)):
        return src
    if src.device_mesh == dest.device_mesh and tuple(src.placements) == tuple(dest.placements):
        return src
    return src.redistribute(dest.device_mesh, dest.placements)


def fully_shard_refusal(module: Module, action: str) -> str | None:
    """Why ``action`` may not be done on ``module`` (a message), when fully_shard manages it; None otherwise."""
    fsdp_module = _loaded("torch.distributed.fsdp", "FSDPModule")
    if fsdp_module is None or not isinstance(module, fsdp_module):
        return None
    return (f"Cannot {action} on a module that fully_shard manages: fully_shard keeps its own references to the "
            f"module's parameters and would keep writing the old ones. Do it before calling fully_shard, or load the "
            f"module's full state_dict into an unsharded copy and do it there.")
