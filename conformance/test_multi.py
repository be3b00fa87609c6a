"""Multi-input parametrizations: a right_inverse returning a sequence gives original0..N-1."""

from __future__ import annotations

import dataclasses

import torch
from hypothesis import given, note
from hypothesis import strategies as st
from torch import nn

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    assert_close,
    assert_equal,
    assert_grads,
    assert_same,
    assert_true,
    assert_unchanged,
    chain_value,
    composed_inverse,
    leaves_like,
    original_names,
    originals_of,
    raises,
    read_value,
    snapshot,
    transfer,
)
from parametrize_conformance.drawing import draw_case, note_case
from parametrize_conformance.strategies import (
    cases,
    image_value,
    mixed_cases,
    multi_cases,
    other_seeds,
    registered,
    registered_reproducer,
    seeded_randn,
)


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
        assert_true(
            f"original{i}" in kind,
            f"original{i} is not a {'parameter' if was_parameter else 'buffer'} of "
            f"the list, expected one since module.{case.name} was",
        )
        assert_equal(isinstance(t, nn.Parameter), was_parameter, f"original{i} is an nn.Parameter")
        assert_equal(t.requires_grad, requires_grad, f"original{i}.requires_grad")
        assert_close(t, expected[i], f"original{i}")


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


@given(data=st.data(), seed=st.integers(0, 2**16))
def test_multi_value(P, adapter, device, dtype, data, seed):
    case = draw_case(
        data,
        multi_cases(dtypes=(dtype,), weighted=(2, 3, 4), any_tensor=True),
        adapter,
        device,
        f"\n(after the first registration, every original_i is refilled from torch.Generator().manual_seed({seed}))",
    )
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


@given(data=st.data(), arity=st.tuples(st.integers(1, 3), st.integers(0, 3)).filter(lambda io: io[0] != max(io[1], 1)))
def test_multi_arity(P, adapter, device, dtype, data, arity):
    inputs, outputs = arity
    case = draw_case(
        data,
        cases(dtypes=(dtype,), min_chain=0, max_chain=0),
        adapter,
        device,
        f"\nthen registering Arity({inputs}, {outputs})",
    )
    p = L.Arity(inputs, outputs)
    module = case.host.build(device)
    before = snapshot(module)
    with raises(TypeError, "positional argument", f"registering Arity({inputs}, {outputs})"):
        P.register_parametrization(module, case.name, p)
    assert_unchanged(before, module)


def _assert_originals(module: nn.Module, name: str, expected: tuple, parameter: bool, grads: list[bool], what: str):
    """module's originals of `name` are original0..: each of `expected`'s dtype and value, an nn.Parameter iff
    `parameter`, with requires_grad `grads[i]`."""
    plist = module.parametrizations[name]
    assert_equal(original_names(plist), [f"original{i}" for i in range(len(expected))], f"the list's originals {what}")
    for i, (t, e) in enumerate(zip(originals_of(module, name), expected, strict=True)):
        assert_equal(t.dtype, e.dtype, f"original{i}.dtype {what} (right_inverse gave it {e.dtype})")
        assert_equal(isinstance(t, nn.Parameter), parameter, f"original{i} is an nn.Parameter {what}")
        assert_equal(t.requires_grad, grads[i], f"original{i}.requires_grad {what}")
        assert_close(t, e, f"original{i} {what}")


@given(data=st.data())
def test_multi_mixed_dtype(P, adapter, device, dtype, swap, data):
    case = data.draw(mixed_cases(dtypes=(dtype,)), label="case")
    seed = data.draw(other_seeds(case.host), label="seed of the assigned value")
    name = case.name
    note(
        registered_reproducer(case, adapter.spec, device, False)
        + f"\n(swap flag {swap}; then module.{name} = <its value on the host built with seed {seed}>; a state_dict "
        "save and load into the case built with the next seed; a transfer to a fresh host built alike)"
    )
    chain = case.fresh_chain()
    module = case.host.build(device)
    tensor = getattr(module, name).requires_grad_(False)
    parameter = isinstance(tensor, nn.Parameter)
    expected = composed_inverse(chain[:1], tensor.detach().clone())  # stacking never re-inverts
    case.register_on(P, module, chain)
    frozen = [False] * len(expected)
    _assert_originals(module, name, expected, parameter, frozen, "after registration")
    value = read_value(module, name, "module")
    assert_equal(value.dtype, dtype, f"module.{name}.dtype")
    assert_close(value, chain_value(chain, *expected), f"module.{name}")

    ids = [id(t) for t in originals_of(module, name)]
    assigned = image_value(case, device, seed)
    setattr(module, name, assigned)
    expected = composed_inverse(chain, assigned)
    assert_equal([id(t) for t in originals_of(module, name)], ids, "the originals' ids after an assignment")
    _assert_originals(module, name, expected, parameter, frozen, "after an assignment")
    assert_close(read_value(module, name, "module"), chain_value(chain, *expected), f"module.{name} after an assignment")

    saved = module.state_dict()
    for i, e in enumerate(expected):
        assert_equal(
            saved[f"parametrizations.{name}.original{i}"].dtype,
            e.dtype,
            f"the dtype of state_dict()['parametrizations.{name}.original{i}']",
        )
    target = registered(case.reseeded(), P, device, False)[0]
    ids = [id(t) for t in originals_of(target, name)]
    target.load_state_dict(saved)
    assert_equal([id(t) for t in originals_of(target, name)], ids, "the target's original ids after load_state_dict")
    _assert_originals(target, name, expected, parameter, frozen, "in the target after load_state_dict")
    assert_close(read_value(target, name, "target"), chain_value(chain, *expected), f"target.{name} after loading")

    to = case.reseeded().host.build(device)
    getattr(to, name).requires_grad_(False)
    transfer(P, module, to, name)
    for i, t in enumerate(originals_of(module, name)):
        assert_same(getattr(to.parametrizations[name], f"original{i}"), t, f"the target's original{i} after a transfer")
    assert_close(read_value(to, name, "to_module"), chain_value(chain, *expected), f"to_module.{name} after a transfer")


@given(data=st.data(), seed=st.integers(0, 2**16))
def test_multi_mixed_dtype_trainable(P, adapter, device, dtype, swap, data, seed):
    case = data.draw(mixed_cases(dtypes=(dtype,), names=("weight", "bias")), label="case")
    name = case.name
    note(
        registered_reproducer(case, adapter.spec, device, True)
        + f"\n(swap flag {swap}; then backward of (module.{name} * w).sum(), w drawn from "
        f"torch.Generator().manual_seed({seed}); then module.{name} = <its value on the host built with the next "
        "seed>)"
    )
    chain = case.fresh_chain()
    module = case.host.build(device)
    tensor = getattr(module, name).requires_grad_(True)
    expected = composed_inverse(chain[:1], tensor.detach().clone())
    try:
        case.register_on(P, module, chain)
    except Exception as exc:
        raise AssertionError(
            f"registering {chain[0]!r} on a trainable Parameter: got {type(exc).__name__}({exc}), expected it to register"
        ) from exc
    # Note: autograd lets floating (and complex) tensors only require grad: the integer codes never can.
    grads = [e.is_floating_point() for e in expected]
    _assert_originals(module, name, expected, True, grads, "after registering on a trainable Parameter")
    originals = originals_of(module, name)
    leaves = leaves_like(originals)
    w = seeded_randn(tuple(tensor.shape), dtype, device, seed)
    (getattr(module, name) * w).sum().backward()
    (chain_value(chain, *leaves) * w).sum().backward()
    assert_grads(originals, leaves, "after backward through the value")
    for i, t in enumerate(originals):
        assert_true(t.requires_grad or t.grad is None, f"original{i} ({t.dtype}) got a gradient")

    ids = [id(t) for t in originals]
    assigned = image_value(case, device, case.host.seed + 1)
    setattr(module, name, assigned)
    assert_equal([id(t) for t in originals_of(module, name)], ids, "the originals' ids after an assignment")
    _assert_originals(module, name, composed_inverse(chain, assigned), True, grads, "after an assignment")
