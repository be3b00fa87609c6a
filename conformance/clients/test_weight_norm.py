"""torch.nn.utils.parametrizations.weight_norm on the implementation under test: the two originals, training,
assignment, and a legacy state_dict (weight_g / weight_v, from the old torch.nn.utils.weight_norm) loaded through
weight_norm's compatibility hook."""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn

from parametrize_conformance.clients.compare import Observations, state_dict_of
from parametrize_conformance.clients.harness import check_client, describe, raised, train
from parametrize_conformance.clients.substitute import Clients

MODULES = {
    "Linear": (lambda device: nn.Linear(5, 4, device=device), (6, 5)),
    "Conv1d": (lambda device: nn.Conv1d(2, 3, 3, device=device), (2, 2, 7)),
}


def weight_norm_scenario(kind: str, dim: int | None):
    """Register weight_norm(), read, train, assign, remove."""
    make, input_shape = MODULES[kind]

    def scenario(c: Clients, obs: Observations, device: str) -> None:
        module = c.parametrizations.weight_norm(make(device), dim=dim)
        describe(c, module, obs, "after weight_norm()")
        train(module, torch.randn(*input_shape, device=device), obs, "training")
        module.weight = torch.randn_like(module.weight)
        describe(c, module, obs, "after module.weight = W")
        obs(
            "remove_parametrizations(leave_parametrized=False) raises",
            raised(lambda: c.P.remove_parametrizations(module, "weight", leave_parametrized=False)),
        )
        describe(c, module, obs, "after the refused removal")
        c.P.remove_parametrizations(module, "weight", leave_parametrized=True)
        describe(c, module, obs, "after remove_parametrizations(leave_parametrized=True)", key_order=False)

    return scenario


def legacy_scenario(kind: str, nested: bool):
    """Load a state_dict with weight_g / weight_v keys into a module parametrized by the new weight_norm."""
    make, input_shape = MODULES[kind]

    def wrap(module: nn.Module) -> nn.Module:
        return nn.Sequential(nn.Identity(), module) if nested else module

    def scenario(c: Clients, obs: Observations, device: str) -> None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            old = wrap(nn.utils.weight_norm(make(device)))
        legacy = old.state_dict()
        obs("legacy state_dict", legacy)
        new = wrap(c.parametrizations.weight_norm(make(device)))
        obs("load_state_dict(legacy)", str(new.load_state_dict(legacy)))
        inner = new[1] if nested else new
        describe(c, inner, obs, "after loading the legacy state_dict")
        obs(
            "output equals the legacy module's",
            torch.equal(new(torch.ones(*input_shape, device=device)), old(torch.ones(*input_shape, device=device))),
        )
        obs("state_dict after loading", state_dict_of(new))

    return scenario


@pytest.mark.parametrize("dim", [0, None], ids=["dim0", "dimNone"])
@pytest.mark.parametrize("kind", list(MODULES))
def test_weight_norm(adapter, kind, dim):
    check_client(adapter, f"weight_norm(nn.{kind}(...), dim={dim})", weight_norm_scenario(kind, dim))


@pytest.mark.parametrize("nested", [False, True], ids=["top-level", "nested"])
@pytest.mark.parametrize("kind", list(MODULES))
def test_weight_norm_loads_legacy_state_dict(adapter, kind, nested):
    call = f"weight_norm(nn.{kind}(...)).load_state_dict(<weight_g/weight_v state_dict>)"
    check_client(adapter, call, legacy_scenario(kind, nested))
