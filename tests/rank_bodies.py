"""Task bodies for the rank pool's own tests: each misbehaves on rank 1 alone."""

from __future__ import annotations

import os
import time

import torch
import torch.distributed as dist


def total(r, x: float) -> float:
    """Every rank's rank, summed over the group, plus x."""
    t = torch.tensor([float(r.rank)])
    dist.all_reduce(t)
    return t.item() + x


def raise_on_rank_one(r) -> None:
    if r.rank == 1:
        raise ValueError("planted failure on rank one")
    dist.barrier()


def exit_on_rank_one(r) -> None:
    if r.rank == 1:
        os._exit(7)
    dist.barrier()


def hang_on_rank_one(r) -> None:
    while r.rank == 1:
        time.sleep(0.2)
