"""Gradients: they reach the originals, an optimizer step moves the value, requires_grad follows the originals."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from hypothesis import given, note
from hypothesis import strategies as st

from conformance import library as L
from conformance.checks import assert_close, assert_equal, assert_same, assert_true, chain_value, original_names
from conformance.drawing import draw_case, note_case
from conformance.strategies import any_cases, seeded_randn


def _hand_grads(chain, originals, weights):
    """d(sum(weights * chain(originals)))/d(originals), on detached copies, without the implementation."""
    copies = [o.detach().clone().requires_grad_(True) for o in originals]
    loss = (chain_value(chain, *copies) * weights).sum()
    return torch.autograd.grad(loss, copies, allow_unused=True)


@pytest.mark.clause("GRAD-FLOWS")
@given(data=st.data())
def test_grad_flows(P, adapter, device, dtype, data):
    case = draw_case(data, any_cases((dtype,), names=("weight", "bias")), adapter, device,
                     "\n    (getattr(module, name) * weights).sum().backward()")
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


@pytest.mark.clause("GRAD-OPTIMIZER-STEP")
@given(data=st.data(), lr=st.sampled_from([0.1, 0.5]))
def test_grad_optimizer_step(P, adapter, device, dtype, data, lr):
    case = draw_case(data, any_cases((dtype,), names=("weight", "bias")), adapter, device,
                     f"\n    one SGD(module.parameters(), lr={lr}) step on "
                     "(getattr(module, name) * weights).sum()")
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


@pytest.mark.clause("GRAD-REQUIRES-GRAD")
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
    assert_equal(getattr(module, case.name).requires_grad, any(flags),
                 f"module.{case.name}.requires_grad with the originals' flags set to {flags}")


@pytest.mark.clause("GRAD-LIVE-GRAPH")
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
    note(case.reproducer(adapter.spec, device).split("\n    P.register")[0] + f"\n    loss = (module.{case.name} * 2)"
         f".sum(); loss.backward(retain_graph=True)" + (f"; module.{case.name}.requires_grad_(False)" if frozen else "")
         + f"\n    (then the registrations of {list(case.chain)}, under swap={swap}, and a backward)")
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
        assert_true(any(o.grad is not None for o in originals), f"after backward through module.{case.name}, no "
                    "original has a gradient, expected the chain's gradient to reach them")
    del loss
