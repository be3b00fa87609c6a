"""torch.ao.pruning on the implementation under test: a sparsifier's prepare registers FakeSparsity, step updates the
masks while training, squash_mask removes the parametrizations leaving the masked weights; its state_dict loads into
another prepared model; convert swaps the parametrized layers by their class before parametrizations."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from parametrize_conformance.clients.compare import Observations, state_dict_of
from parametrize_conformance.clients.harness import check_client, describe, train
from parametrize_conformance.clients.substitute import Clients

SPARSIFIERS = {
    "WeightNormSparsifier": lambda pruning: pruning.WeightNormSparsifier(sparsity_level=0.5, sparse_block_shape=(1, 4)),
    "NearlyDiagonalSparsifier": lambda pruning: pruning.NearlyDiagonalSparsifier(nearliness=3),
}


class DenseCopy(nn.Module):
    """What convert swaps a parametrized Linear for: a module holding a copy of its (masked) weight."""

    def __init__(self, weight: torch.Tensor) -> None:
        super().__init__()
        self.weight = nn.Parameter(weight.detach().clone())

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.weight.mT

    @classmethod
    def from_dense(cls, module: nn.Module) -> DenseCopy:
        return cls(module.weight)


def model(device: str) -> nn.Sequential:
    """Two square-ish Linear layers (NearlyDiagonalSparsifier needs square weights) around a ReLU."""
    return nn.Sequential(nn.Linear(8, 8, device=device), nn.ReLU(), nn.Linear(8, 8, device=device))


def layers(c: Clients, net: nn.Sequential, obs: Observations, when: str, key_order: bool = True) -> None:
    for index in (0, 2):
        describe(c, net[index], obs, f"{when}: model[{index}]", key_order=key_order)


def prepared(c: Clients, kind: str, device: str) -> tuple[nn.Sequential, object]:
    net = model(device)
    sparsifier = SPARSIFIERS[kind](c.pruning)
    sparsifier.prepare(net, config=None)
    return net, sparsifier


def sparsify_scenario(kind: str):
    """prepare, train with a step of the sparsifier after each SGD step, squash_mask."""

    def scenario(c: Clients, obs: Observations, device: str) -> None:
        net, sparsifier = prepared(c, kind, device)
        layers(c, net, obs, "after prepare")
        obs("model[0].parametrizations.weight[0] is a FakeSparsity", type(net[0].parametrizations.weight[0]).__qualname__)
        sparsifier.step()
        layers(c, net, obs, "after step")
        train(net, torch.randn(5, 8, device=device), obs, "training", after_step=sparsifier.step)
        obs("sparsifier.state_dict() after training", sparsifier.state_dict())
        sparsifier.squash_mask()
        layers(c, net, obs, "after squash_mask", key_order=False)

    return scenario


def reload_scenario(kind: str):
    """A stepped sparsifier's state_dict loaded into a second sparsifier on a second prepared model."""

    def scenario(c: Clients, obs: Observations, device: str) -> None:
        net, sparsifier = prepared(c, kind, device)
        sparsifier.step()
        other_net, other = prepared(c, kind, device)
        other.load_state_dict(sparsifier.state_dict())
        layers(c, other_net, obs, "after load_state_dict")
        obs("the masks of the loaded model", [other_net[i].parametrizations.weight[0].mask for i in (0, 2)])

    return scenario


def convert_scenario(kind: str, inplace: bool):
    """convert() after a step: parametrized Linear layers become DenseCopy (a copy of the model unless inplace)."""

    def scenario(c: Clients, obs: Observations, device: str) -> None:
        net, sparsifier = prepared(c, kind, device)
        sparsifier.step()
        converted = sparsifier.convert(net, mapping={nn.Linear: DenseCopy}, inplace=inplace)
        obs("converted is the model", converted is net)
        obs("classes after convert", [type(m).__name__ for m in converted])
        obs("weights after convert", [converted[i].weight for i in (0, 2)])
        obs("state_dict after convert", state_dict_of(converted))
        if not inplace:
            layers(c, net, obs, "the model, after converting a copy")

    return scenario


@pytest.mark.parametrize("kind", list(SPARSIFIERS))
def test_sparsifier_prepare_step_squash(adapter, kind):
    check_client(adapter, f"{kind}.prepare / step / squash_mask", sparsify_scenario(kind))


@pytest.mark.parametrize("kind", list(SPARSIFIERS))
def test_sparsifier_load_state_dict(adapter, kind):
    check_client(adapter, f"{kind}.load_state_dict", reload_scenario(kind))


@pytest.mark.parametrize("inplace", [False, True], ids=["copy", "inplace"])
def test_sparsifier_convert(adapter, inplace):
    check_client(
        adapter, f"WeightNormSparsifier.convert(inplace={inplace})", convert_scenario("WeightNormSparsifier", inplace)
    )
