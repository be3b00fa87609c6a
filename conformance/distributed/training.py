"""Rank-side helpers: inputs per rank, the one-process run a distributed step must equal, and comparing full values."""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

import torch
from torch import Tensor, nn

from parametrize_conformance.checks import assert_close, assert_equal
from parametrize_conformance.strategies import Case, host_input

LR = 0.1


def full(t: Tensor) -> Tensor:
    """The whole value of `t` on this rank: a DTensor's full_tensor(), a tensor itself; detached."""
    try:
        from torch.distributed.tensor import DTensor
    except ImportError:
        # Note: a torch without a public DTensor (before 2.5) has only plain tensors here (DDP).
        return t.detach()
    return (t.full_tensor() if isinstance(t, DTensor) else t).detach()


def rank_input(case: Case, rank: int, seed: int) -> Tensor:
    """Rank `rank`'s batch: each rank gets its own."""
    return host_input(case.host, "cpu", seed + 1000 * rank)


def train_step(model: nn.Module, x: Tensor, P: Any = None, cached: bool = False) -> Tensor:
    """Forward on `x` (inside P.cached() when `cached`), backward of the summed output, one SGD step; returns the
    output (before the step)."""
    with P.cached() if cached else nullcontext():
        out = model(x)
        out.sum().backward()
    torch.optim.SGD(model.parameters(), lr=LR).step()
    return out.detach()


def solo_run(
    build: Any, case: Case, world_size: int, seed: int, cached: bool = False, P: Any = None
) -> tuple[nn.Module, dict[str, Tensor], Tensor]:
    """The same training in one process: the model from build(), every rank's batch, the loss averaged over ranks
    (as DDP and fully_shard average gradients). Returns the model, its gradients before the step and its outputs."""
    model = build()
    inputs = [rank_input(case, r, seed) for r in range(world_size)]
    with P.cached() if cached else nullcontext():
        outputs = torch.stack([model(x) for x in inputs])
        (outputs.sum() / world_size).backward()
    grads = {n: p.grad.detach().clone() for n, p in model.named_parameters() if p.grad is not None}
    torch.optim.SGD(model.parameters(), lr=LR).step()
    return model, grads, outputs.detach()


def assert_same_state(got: nn.Module | dict[str, Tensor], expected: nn.Module, what: str) -> None:
    """`got`'s state_dict (DTensors gathered) has `expected`'s keys, in order, and values."""
    got_state = got if isinstance(got, dict) else got.state_dict()
    want = expected.state_dict()
    assert_equal(list(got_state), list(want), f"state_dict keys {what}")
    for key, value in want.items():
        assert_close(full(got_state[key]), value.detach(), f"state_dict[{key!r}] {what}")


def assert_same_grads(model: nn.Module, expected: dict[str, Tensor], what: str) -> None:
    """Every parameter of `model` has the gradient `expected` gives for its name (DTensors gathered)."""
    got = {n: p.grad for n, p in model.named_parameters() if p.grad is not None}
    assert_equal(sorted(got), sorted(expected), f"parameters with a gradient {what}")
    for name, grad in expected.items():
        assert_close(full(got[name]), grad, f"{name}.grad {what}")


def full_state(model: nn.Module) -> dict[str, Tensor]:
    """The model's state_dict with every value gathered and copied."""
    return {k: full(v).clone() for k, v in model.state_dict().items()}
