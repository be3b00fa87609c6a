"""Multi-input parametrizations: a right_inverse returning a sequence gives original0..N-1."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from conformance import library as L
from conformance.checks import (
    assert_close,
    assert_equal,
    assert_true,
    assert_unchanged,
    chain_value,
    composed_inverse,
    original_names,
    originals_of,
    raises,
    snapshot,
)
from conformance.drawing import draw_case, note_case
from conformance.strategies import cases, multi_cases


@pytest.mark.clause("MULTI-ORIGINALS")
@given(data=st.data())
def test_multi_originals(P, adapter, device, dtype, data):
    case = data.draw(multi_cases(dtypes=(dtype,), weighted=(2, 3, 4), any_tensor=True), label="case")
    module = case.host.build(device)
    tensor = getattr(module, case.name)
    was_parameter = case.name in module._parameters
    requires_grad = data.draw(st.booleans(), label="requires_grad")
    tensor.requires_grad_(requires_grad)
    note_case(case, adapter, device, f"\n(with module.{case.name}.requires_grad_({requires_grad}) first)")
    chain = case.fresh_chain()
    expected = composed_inverse(chain[:1], tensor.detach().clone())  # stacking never re-inverts
    case.register_on(P, module, chain)
    plist = module.parametrizations[case.name]
    n = len(expected)
    assert_equal(original_names(plist), [f"original{i}" for i in range(n)], "the list's originals")
    for i in range(n):
        t = getattr(plist, f"original{i}")
        kind = plist._parameters if was_parameter else plist._buffers
        assert_true(f"original{i}" in kind, f"original{i} is not a {'parameter' if was_parameter else 'buffer'} of "
                    f"the list, expected one since module.{case.name} was")
        assert_equal(isinstance(t, nn.Parameter), was_parameter, f"original{i} is an nn.Parameter")
        assert_equal(t.requires_grad, requires_grad, f"original{i}.requires_grad")
        assert_close(t, expected[i], f"original{i}")


@pytest.mark.clause("MULTI-SINGLE-SEQUENCE")
@given(data=st.data())
def test_multi_single_sequence(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), min_chain=0, max_chain=2), label="case")
    case = dataclasses.replace(case, chain=(L.SingleTuple(), *case.chain))
    note_case(case, adapter, device)
    module = case.host.build(device)
    tensor = getattr(module, case.name)
    was_parameter = case.name in module._parameters
    old = tensor.detach().clone()
    case.register_on(P, module)
    plist = module.parametrizations[case.name]
    assert_equal(original_names(plist), ["original0"], "the list's originals")
    original0 = plist.original0
    assert_equal(isinstance(original0, nn.Parameter), was_parameter, "original0 is an nn.Parameter")
    assert_equal(original0.requires_grad, tensor.requires_grad, "original0.requires_grad")
    assert_close(original0, old, "original0")


@pytest.mark.clause("MULTI-VALUE")
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_multi_value(P, adapter, device, dtype, data, seed):
    case = draw_case(data, multi_cases(dtypes=(dtype,), weighted=(2, 3, 4), any_tensor=True), adapter, device,
                     "\n(after the first registration, every original_i is refilled from "
                     f"torch.Generator().manual_seed({seed}))")
    chain = case.fresh_chain()
    module = case.host.build(device)
    P.register_parametrization(module, case.name, chain[0])
    originals = originals_of(module, case.name)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for t in originals:
            t.copy_(torch.randn(t.shape, generator=generator, dtype=t.dtype))
    for depth in range(1, len(chain) + 1):
        if depth > 1:
            P.register_parametrization(module, case.name, chain[depth - 1])
        with torch.no_grad():
            expected = chain_value(chain[:depth], *originals)
            assert_close(getattr(module, case.name), expected, f"module.{case.name} with {depth} parametrizations")


@pytest.mark.clause("MULTI-ARITY")
@given(data=st.data(),
       arity=st.tuples(st.integers(1, 3), st.integers(0, 3)).filter(lambda io: io[0] != max(io[1], 1)))
def test_multi_arity(P, adapter, device, dtype, data, arity):
    inputs, outputs = arity
    case = draw_case(data, cases(dtypes=(dtype,), min_chain=0, max_chain=0), adapter, device,
                     f"\nthen registering Arity({inputs}, {outputs})")
    p = L.Arity(inputs, outputs)
    module = case.host.build(device)
    before = snapshot(module)
    with raises(TypeError, "positional argument", f"registering Arity({inputs}, {outputs})"):
        P.register_parametrization(module, case.name, p)
    assert_unchanged(before, module)
