"""Running one client scenario on torch and on an adapter, and the observations scenarios share."""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import nn

from parametrize_conformance.adapters import Adapter
from parametrize_conformance.clients.compare import Observations, differences, failure_message, state_dict_of
from parametrize_conformance.clients.substitute import Clients, substituted, torch_clients

SEED = 20240605
Scenario = Callable[[Clients, Observations, str], None]


def check_client(adapter: Adapter, client: str, scenario: Scenario, seed: int = SEED) -> None:
    """Run `scenario` (which calls `client`) on torch, then on `adapter` standing in for torch.nn.utils.parametrize,
    from the same seed; fail with every observation that differs."""
    expected = observe(torch_clients(), scenario, adapter.device, seed, on_torch=True)
    with substituted(adapter.api, adapter.name) as clients:
        got = observe(clients, scenario, adapter.device, seed)
    lines = differences(got, expected)
    if lines:
        raise AssertionError(failure_message(client, adapter.name, lines))


def observe(clients: Clients, scenario: Scenario, device: str, seed: int, on_torch: bool = False) -> Observations:
    """What `scenario` observes on `clients`, from `seed`, leaving torch's global random state as it was."""
    observations = Observations()
    with torch.random.fork_rng(devices=[torch.device(device)] if torch.device(device).type == "cuda" else []):
        torch.manual_seed(seed)
        try:
            scenario(clients, observations, device)
        except Exception as exc:
            if on_torch:
                raise
            observations.error = f"{type(exc).__name__}: {exc}"
    return observations


def describe(
    c: Clients, module: nn.Module, obs: Observations, when: str, names: tuple[str, ...] = ("weight",), key_order: bool = True
) -> None:
    """Record the module's class, its class before parametrizations, the is_parametrized answers, its state_dict
    (keys in order unless not `key_order`, values) and the value of each tensor in `names`."""
    obs(f"{when}: type(module).__name__", type(module).__name__)
    obs(f"{when}: type_before_parametrizations(module)", c.P.type_before_parametrizations(module).__qualname__)
    obs(f"{when}: is_parametrized(module)", c.P.is_parametrized(module))
    for name in names:
        obs(f"{when}: is_parametrized(module, {name!r})", c.P.is_parametrized(module, name))
        obs(f"{when}: module.{name}", getattr(module, name))
    if key_order:
        obs(f"{when}: module.state_dict()", state_dict_of(module))
    else:
        # Note: torch puts a removed parametrization's tensor back last, breaking the contract's REMOVE-KEEPS-ORDER
        # (a declared torch divergence); after a removal only the keys and values are compared, not their order.
        obs(f"{when}: module.state_dict() (keys sorted)", dict(sorted(state_dict_of(module).items())))


def train(
    module: nn.Module,
    inputs: torch.Tensor,
    obs: Observations,
    when: str,
    steps: int = 3,
    after_step: Callable[[], None] = lambda: None,
) -> None:
    """A few SGD steps on the mean squared output; records each loss and the parameters at the end."""
    optimizer = torch.optim.SGD(module.parameters(), lr=0.1)
    for step in range(steps):
        optimizer.zero_grad()
        loss = module(inputs).abs().square().mean()
        loss.backward()
        optimizer.step()
        after_step()
        obs(f"{when}: loss at SGD step {step}", loss.item())
    obs(f"{when}: named_parameters() after {steps} SGD steps", dict(module.named_parameters()))


def raised(call: Callable[[], object]) -> str | None:
    """The name of the exception `call` raises, or None."""
    try:
        call()
    except Exception as exc:
        return type(exc).__name__
    return None
