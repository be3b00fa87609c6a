"""torch.nn.utils.parametrizations.orthogonal on the implementation under test: all three maps, with and without the
dynamic trivialization, square, tall and wide, real and complex."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from parametrize_conformance.clients.compare import Observations
from parametrize_conformance.clients.harness import check_client, describe, raised, train
from parametrize_conformance.clients.substitute import Clients

MAPS = ("matrix_exp", "cayley", "householder")
SHAPES = {"square": (4, 4), "tall": (6, 3), "wide": (3, 6)}


class ComplexLinear(nn.Module):
    """A linear map with a complex weight (nn.Linear's initialisation is real only)."""

    def __init__(self, out_features: int, in_features: int, device: str) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features, dtype=torch.complex64, device=device))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.to(self.weight.dtype) @ self.weight.mT


def orthogonal_scenario(shape: tuple[int, int], orthogonal_map: str, trivialization: bool, complex_: bool = False):
    """Register orthogonal(), read, train, assign an orthogonal matrix, remove (leaving it parametrized)."""
    out_features, in_features = shape

    def make(c: Clients, device: str) -> nn.Module:
        module = (
            ComplexLinear(out_features, in_features, device)
            if complex_
            else nn.Linear(in_features, out_features, device=device)
        )
        return c.parametrizations.orthogonal(module, orthogonal_map=orthogonal_map, use_trivialization=trivialization)

    def scenario(c: Clients, obs: Observations, device: str) -> None:
        module = make(c, device)
        describe(c, module, obs, "after orthogonal()")
        obs("buffers after orthogonal()", dict(module.named_buffers()))
        with c.P.cached():
            obs("inside cached(): module.weight is module.weight", module.weight is module.weight)
        train(module, torch.randn(5, in_features, device=device), obs, "training")
        copy = make(c, device)
        obs("load_state_dict(trained state) into a new orthogonal() module", str(copy.load_state_dict(module.state_dict())))
        describe(c, copy, obs, "the new module, after load_state_dict")
        target = torch.linalg.qr(torch.randn(max(shape), min(shape), dtype=module.weight.dtype, device=device)).Q
        target = target if out_features >= in_features else target.mT
        obs("module.weight = Q raises", raised(lambda: setattr(module, "weight", target)))
        describe(c, module, obs, "after module.weight = Q")
        c.P.remove_parametrizations(module, "weight", leave_parametrized=True)
        describe(c, module, obs, "after remove_parametrizations(leave_parametrized=True)", key_order=False)
        obs("weight is a Parameter after remove", isinstance(module.weight, nn.Parameter))

    return scenario


@pytest.mark.parametrize("trivialization", [True, False], ids=["trivialization", "no-trivialization"])
@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
@pytest.mark.parametrize("orthogonal_map", MAPS)
def test_orthogonal(adapter, orthogonal_map, shape, trivialization):
    call = (
        f"orthogonal(nn.Linear{SHAPES[shape][::-1]}, orthogonal_map={orthogonal_map!r}, use_trivialization={trivialization})"
    )
    check_client(adapter, call, orthogonal_scenario(SHAPES[shape], orthogonal_map, trivialization))


@pytest.mark.parametrize("orthogonal_map", ["matrix_exp", "cayley"])
@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
def test_orthogonal_complex(adapter, shape, orthogonal_map):
    call = f"orthogonal(ComplexLinear{SHAPES[shape]}, orthogonal_map={orthogonal_map!r})"
    check_client(adapter, call, orthogonal_scenario(SHAPES[shape], orthogonal_map, True, complex_=True))
