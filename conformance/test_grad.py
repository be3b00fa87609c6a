"""Gradients: they reach the originals, an optimizer step moves the value, requires_grad follows the originals."""

from __future__ import annotations

import dataclasses

import torch
from hypothesis import given, note
from hypothesis import strategies as st

from parametrize_conformance import library as L
from parametrize_conformance.checks import assert_close, assert_equal, assert_same, assert_true, chain_value, original_names
from parametrize_conformance.drawing import draw_case, note_case
from parametrize_conformance.hosts import HostSpec, owner_of
from parametrize_conformance.strategies import any_cases, image_value, keeping_cases, other_seeds, seeded_randn


def _hand_grads(chain, originals, weights):
    """d(sum(weights * chain(originals)))/d(originals), on detached copies, without the implementation."""
    copies = [o.detach().clone().requires_grad_(True) for o in originals]
    loss = (chain_value(chain, *copies) * weights).sum()
    return torch.autograd.grad(loss, copies, allow_unused=True)


@given(data=st.data())
def test_grad_flows(P, adapter, device, dtype, data):
    case = draw_case(
        data,
        any_cases((dtype,), names=("weight", "bias")),
        adapter,
        device,
        "\n    (getattr(module, name) * weights).sum().backward()",
    )
    chain = case.fresh_chain()
    module = case.build(P, device, chain=chain)
    plist = module.parametrizations[case.name]
    originals = [getattr(plist, k) for k in original_names(plist)]
    weights = seeded_randn(case.shape, dtype, device, case.host.seed)
    expected = _hand_grads(chain, originals, weights)
    (getattr(module, case.name) * weights).sum().backward()
    for key, original, grad in zip(original_names(plist), originals, expected, strict=True):
        grad = torch.zeros_like(original) if grad is None else grad
        if original.grad is None:
            raise AssertionError(f"parametrizations[{case.name!r}].{key}.grad: got None, expected {grad}")
        assert_close(original.grad, grad, f"parametrizations[{case.name!r}].{key}.grad")


@given(data=st.data(), lr=st.sampled_from([0.1, 0.5]))
def test_grad_optimizer_step(P, adapter, device, dtype, data, lr):
    case = draw_case(
        data,
        any_cases((dtype,), names=("weight", "bias")),
        adapter,
        device,
        f"\n    one SGD(module.parameters(), lr={lr}) step on (getattr(module, name) * weights).sum()",
    )
    chain = case.fresh_chain()
    module = case.build(P, device, chain=chain)
    plist = module.parametrizations[case.name]
    keys = original_names(plist)
    originals = [getattr(plist, k) for k in keys]
    old = [o.detach().clone() for o in originals]
    weights = seeded_randn(case.shape, dtype, device, case.host.seed)
    grads = _hand_grads(chain, originals, weights)
    optimizer = torch.optim.SGD(module.parameters(), lr=lr)
    (getattr(module, case.name) * weights).sum().backward()
    optimizer.step()
    expected = [o - lr * (torch.zeros_like(o) if g is None else g) for o, g in zip(old, grads, strict=True)]
    for key, original, value in zip(keys, originals, expected, strict=True):
        assert_same(getattr(plist, key), original, f"parametrizations[{case.name!r}].{key} after the step")
        assert_close(original, value, f"parametrizations[{case.name!r}].{key} after the step")
    with torch.no_grad():
        assert_close(getattr(module, case.name), chain_value(chain, *expected), f"module.{case.name} after the step")


@given(data=st.data())
def test_grad_requires_grad(P, adapter, device, dtype, data):
    case = data.draw(any_cases((dtype,)), label="case")
    flag = data.draw(st.booleans(), label="requires_grad before registering")
    note_case(case, adapter, device, f"\n    (the tensor's requires_grad set to {flag} before registering)")
    module = case.host.build(device)
    getattr(module, case.name).requires_grad_(flag)
    case.register_on(P, module)
    plist = module.parametrizations[case.name]
    keys = original_names(plist)
    for key in keys:
        assert_equal(getattr(plist, key).requires_grad, flag, f"parametrizations[{case.name!r}].{key}.requires_grad")
    assert_equal(getattr(module, case.name).requires_grad, flag, f"module.{case.name}.requires_grad")
    flags = data.draw(st.lists(st.booleans(), min_size=len(keys), max_size=len(keys)), label="originals' requires_grad")
    for key, f in zip(keys, flags, strict=True):
        getattr(plist, key).requires_grad_(f)
    assert_equal(
        getattr(module, case.name).requires_grad,
        any(flags),
        f"module.{case.name}.requires_grad with the originals' flags set to {flags}",
    )


@given(data=st.data())
def test_grad_live_graph(P, adapter, device, dtype, swap, data):
    case = data.draw(any_cases((dtype,), names=("weight", "bias")), label="case")
    # Each example tries the drawn chain, and (single input) the chain after an Identity and after a Scale (one that
    # writes the original), on a frozen and on a trainable Parameter: the ways it fails differ.
    prefixes = [(), (L.Identity(),), (L.Scale(2.0),)] if case.chain[0].inputs == 1 else [()]
    for prefix in prefixes:
        for frozen in (False, True):
            _check_live_graph(P, adapter, device, dataclasses.replace(case, chain=(*prefix, *case.chain)), frozen, swap)


def _check_live_graph(P, adapter, device, case, frozen: bool, swap: bool) -> None:
    note(
        case.reproducer(adapter.spec, device).split("\n    P.register")[0] + f"\n    loss = (module.{case.name} * 2)"
        f".sum(); loss.backward(retain_graph=True)"
        + (f"; module.{case.name}.requires_grad_(False)" if frozen else "")
        + f"\n    (then the registrations of {list(case.chain)}, under swap={swap}, and a backward)"
    )
    module = case.host.build(device)
    tensor = getattr(module, case.name)
    loss = (tensor * 2).sum()  # the graph holds the Parameter while it is parametrized
    loss.backward(retain_graph=True)
    tensor.requires_grad_(not frozen)
    chain = case.fresh_chain()
    case.register_on(P, module, chain)
    plist = module.parametrizations[case.name]
    keys = original_names(plist)
    if keys == ["original"]:
        assert_same(plist.original, tensor, f"parametrizations[{case.name!r}].original")
    originals = [getattr(plist, k) for k in keys]
    with torch.no_grad():
        assert_close(getattr(module, case.name), chain_value(chain, *originals), f"module.{case.name}")
    for original in originals:
        original.grad = None
    if not frozen:
        getattr(module, case.name).sum().backward()
        assert_true(
            any(o.grad is not None for o in originals),
            f"after backward through module.{case.name}, no "
            "original has a gradient, expected the chain's gradient to reach them",
        )
    del loss


def _host_values(host: HostSpec, module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """Every tensor of `host` as `module` reads it (the parametrized value for a parametrized name), detached."""
    with torch.no_grad():
        return {name: getattr(*owner_of(module, name)).detach() for name in host.tensor_names()}


def _check_host_forward(host: HostSpec, module: torch.nn.Module, x: torch.Tensor, device: str, when: str) -> None:
    """The host's own forward equals the one computed by hand with the values `module` reads now."""
    expected = host.forward_with(_host_values(host, module), x, device)
    assert_close(
        host.run_forward(module, x),
        expected,
        f"the host's own forward {when} (expected: functional_call of "
        "an unparametrized host with the parametrized value in place)",
    )


@given(data=st.data())
def test_grad_host_forward(P, adapter, device, dtype, data):
    case = draw_case(
        data,
        keeping_cases((dtype,)),
        adapter,
        device,
        "\n    (a forward of the host before registering; then its forward, host.run_forward(module, x), after "
        "registering, after an assignment, after an in-place change of the originals, in eval mode under "
        "no_grad, and inside cached())",
    )
    host = case.host
    x = host.forward_input(device, host.seed)
    module = host.build(device)
    host.run_forward(module, x)  # the host keeps (RNNs: flattens) what its first forward read
    case.register_on(P, module)
    _check_host_forward(host, module, x, device, "after registering")
    owner, leaf = owner_of(module, case.name)
    seed = data.draw(other_seeds(host), label="seed of the assigned value")
    setattr(owner, leaf, image_value(case, device, seed))
    _check_host_forward(host, module, x, device, f"after module.{case.name} = <its value on the host with seed={seed}>")
    plist = owner.parametrizations[leaf]
    with torch.no_grad():
        for key in original_names(plist):
            getattr(plist, key).mul_(0.5)
    _check_host_forward(host, module, x, device, "after the originals were halved in place")
    module.eval()
    with torch.no_grad():
        _check_host_forward(host, module, x, device, "in eval mode under no_grad")
    module.train()
    with P.cached():
        _check_host_forward(host, module, x, device, "inside cached()")


@given(data=st.data(), lr=st.sampled_from([0.1, 0.5]))
def test_grad_host_step(P, adapter, device, dtype, data, lr):
    case = draw_case(
        data,
        keeping_cases((dtype,)),
        adapter,
        device,
        "\n    (a forward of the host before registering, and one in eval mode under no_grad after; then one "
        f"SGD(module.parameters(), lr={lr}) step on (host.run_forward(module, x) * weights).sum())",
    )
    host = case.host
    x = host.forward_input(device, host.seed)
    module = host.build(device)
    host.run_forward(module, x)  # the host keeps (RNNs: flattens) what its first forward read
    chain = case.fresh_chain()
    case.register_on(P, module, chain)
    owner, leaf = owner_of(module, case.name)
    plist = owner.parametrizations[leaf]
    keys = original_names(plist)
    originals = [getattr(plist, k) for k in keys]
    old = [o.detach().clone() for o in originals]
    module.eval()
    with torch.no_grad():  # an evaluation pass before training: the host keeps values read without a graph
        out = host.run_forward(module, x)
    module.train()
    weights = seeded_randn(tuple(out.shape), dtype, device, host.seed)
    copies = [o.detach().clone().requires_grad_(True) for o in originals]
    values = {**_host_values(host, module), case.name: chain_value(chain, *copies)}
    grads = torch.autograd.grad((host.forward_with(values, x, device) * weights).sum(), copies, allow_unused=True)
    grads = [torch.zeros_like(o) if g is None else g for o, g in zip(old, grads, strict=True)]
    optimizer = torch.optim.SGD(module.parameters(), lr=lr)
    (host.run_forward(module, x) * weights).sum().backward()
    for key, original, grad in zip(keys, originals, grads, strict=True):
        if original.grad is None:
            raise AssertionError(
                f"parametrizations[{leaf!r}].{key}.grad after a backward through the host's own "
                f"forward: got None, expected {grad}"
            )
        assert_close(
            original.grad, grad, f"parametrizations[{leaf!r}].{key}.grad after a backward through the host's own forward"
        )
    optimizer.step()
    for key, original, before, grad in zip(keys, originals, old, grads, strict=True):
        assert_same(getattr(plist, key), original, f"parametrizations[{leaf!r}].{key} after the step")
        assert_close(original, before - lr * grad, f"parametrizations[{leaf!r}].{key} after the step")
    _check_host_forward(host, module, x, device, "after the step")
