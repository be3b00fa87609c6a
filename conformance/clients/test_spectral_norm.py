"""torch.nn.utils.parametrizations.spectral_norm on the implementation under test: power iteration in train mode,
values in eval mode, n_power_iterations, Linear / Conv2d / ConvTranspose2d (dim=1) and a 1-d tensor."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from parametrize_conformance.clients.compare import Observations
from parametrize_conformance.clients.harness import check_client, describe, train
from parametrize_conformance.clients.substitute import Clients

MODULES = {
    "Linear": (lambda device: nn.Linear(5, 4, device=device), (6, 5)),
    "Conv2d": (lambda device: nn.Conv2d(2, 3, 3, device=device), (2, 2, 5, 5)),
    "ConvTranspose2d": (lambda device: nn.ConvTranspose2d(2, 3, 3, device=device), (2, 2, 4, 4)),
}


def spectral_norm_scenario(kind: str, n_power_iterations: int, name: str = "weight"):
    """Register spectral_norm(), read in train mode (each read iterates) and eval mode, train, remove."""
    make, input_shape = MODULES[kind]

    def scenario(c: Clients, obs: Observations, device: str) -> None:
        module = c.parametrizations.spectral_norm(make(device), name=name, n_power_iterations=n_power_iterations)
        describe(c, module, obs, "after spectral_norm()", names=(name,))
        obs("train mode: second read", getattr(module, name))
        obs("train mode: buffers after two reads", dict(module.named_buffers()))
        module.eval()
        obs("eval mode: first read", getattr(module, name))
        obs("eval mode: second read", getattr(module, name))
        obs("eval mode: buffers after two reads", dict(module.named_buffers()))
        module.train()
        train(module, torch.randn(*input_shape, device=device), obs, "training")
        obs("buffers after training", dict(module.named_buffers()))
        c.P.remove_parametrizations(module, name, leave_parametrized=True)
        describe(c, module, obs, "after remove_parametrizations(leave_parametrized=True)", names=(name,), key_order=False)

    return scenario


@pytest.mark.parametrize("n_power_iterations", [1, 3])
@pytest.mark.parametrize("kind", list(MODULES))
def test_spectral_norm(adapter, kind, n_power_iterations):
    call = f"spectral_norm(nn.{kind}(...), n_power_iterations={n_power_iterations})"
    check_client(adapter, call, spectral_norm_scenario(kind, n_power_iterations))


def test_spectral_norm_of_a_vector(adapter):
    check_client(adapter, "spectral_norm(nn.Linear(5, 4), name='bias')", spectral_norm_scenario("Linear", 1, "bias"))
