"""Multi-input parametrizations: a right_inverse returning a sequence gives original0..N-1."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from hypothesis import given, note
from hypothesis import strategies as st
from torch import Tensor, nn

from conformance import library as L
from conformance.checks import assert_close, assert_equal, assert_true, assert_unchanged, raises, snapshot
from conformance.strategies import cases, multi_cases


class Weighted(L.Library):
    """k inputs -> x_0 + 2 x_1 + ... + k x_{k-1}; right_inverse gives k copies of x / (1 + ... + k) (exact).

    Order-sensitive, and of any arity, unlike SumOfTwo. (Private: belongs in conformance/library.py.)"""

    def __init__(self, k: int = 3) -> None:
        super().__init__()
        self.k = self.inputs = k

    def _args(self) -> str:
        return repr(self.k)

    def forward(self, *xs: Tensor) -> Tensor:
        return sum((i + 1) * x for i, x in enumerate(xs))

    def right_inverse(self, x: Tensor) -> tuple[Tensor, ...]:
        total = self.k * (self.k + 1) / 2
        return tuple(x / total for _ in range(self.k))


def _one(x):
    return x


def _two(a, b):
    return a + b


def _three(a, b, c):
    return a + b + c


class Arity(L.Library):
    """A forward of fixed arity `inputs` (1-3, a real Python signature); right_inverse returns the tensor itself
    (outputs=0) or a tuple of `outputs` copies of it. (Private: belongs in conformance/library.py.)"""

    exact = False

    def __init__(self, inputs: int, outputs: int) -> None:
        super().__init__()
        self.inputs, self.outputs = inputs, outputs

    def _args(self) -> str:
        return f"{self.inputs}, {self.outputs}"

    def forward(self, *xs: Tensor) -> Tensor:
        return (_one, _two, _three)[self.inputs - 1](*xs)

    def right_inverse(self, x: Tensor):
        return x if self.outputs == 0 else tuple(x for _ in range(self.outputs))


@st.composite
def multi_originals_cases(draw, dtype):
    """A multi_cases Case whose first parametrization may be Weighted(k), on any tensor of its host."""
    case = draw(multi_cases(dtypes=(dtype,)), label="multi case")
    k = draw(st.sampled_from([None, 2, 3, 4]), label="Weighted arity (None: keep the library's)")
    if k is not None:
        case = dataclasses.replace(case, chain=(Weighted(k), *case.chain[1:]))
    # Note: every tensor of a "buffers" host is n x n, so the chain fits its buffers as well as its weight.
    name = draw(st.sampled_from(case.host.tensor_names() if case.host.kind == "buffers" else ("weight",)), label="name")
    return dataclasses.replace(case, name=name)


def composed_inverse(chain, value):
    """The chain's right_inverses applied last to first, computed without the implementation."""
    with torch.no_grad():
        for p in reversed(chain):
            value = p.right_inverse(value)
    return value


def chain_value(chain, *originals):
    """The chain's forward applied to the originals, computed without the implementation."""
    value = chain[0](*originals)
    for p in chain[1:]:
        value = p(value)
    return value


def original_names(plist: nn.Module) -> list[str]:
    """The names of the list's own tensors that start with 'original'."""
    own = list(plist._parameters) + list(plist._buffers)
    return sorted(n for n in own if n.startswith("original"))


@pytest.mark.clause("MULTI-ORIGINALS")
@given(data=st.data())
def test_multi_originals(P, adapter, device, dtype, data):
    case = data.draw(multi_originals_cases(dtype), label="case")
    module = case.host.build(device)
    tensor = getattr(module, case.name)
    was_parameter = case.name in module._parameters
    requires_grad = data.draw(st.booleans(), label="requires_grad")
    tensor.requires_grad_(requires_grad)
    note(case.reproducer(adapter.name, device) + f"\n(with module.{case.name}.requires_grad_({requires_grad}) first)")
    chain = case.fresh_chain()
    expected = composed_inverse(chain[:1], tensor.detach().clone())  # stacking never re-inverts
    for p in chain:
        P.register_parametrization(module, case.name, p)
    plist = module.parametrizations[case.name]
    n = len(expected)
    assert_equal(original_names(plist), sorted(f"original{i}" for i in range(n)), "the list's originals")
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
    note(case.reproducer(adapter.name, device))
    module = case.host.build(device)
    tensor = getattr(module, case.name)
    was_parameter = case.name in module._parameters
    old = tensor.detach().clone()
    chain = case.fresh_chain()
    for p in chain:
        P.register_parametrization(module, case.name, p)
    plist = module.parametrizations[case.name]
    assert_equal(original_names(plist), ["original0"], "the list's originals")
    original0 = plist.original0
    assert_equal(isinstance(original0, nn.Parameter), was_parameter, "original0 is an nn.Parameter")
    assert_equal(original0.requires_grad, tensor.requires_grad, "original0.requires_grad")
    assert_close(original0, old, "original0")


@pytest.mark.clause("MULTI-VALUE")
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_multi_value(P, adapter, device, dtype, data, seed):
    case = data.draw(multi_originals_cases(dtype), label="case")
    note(case.reproducer(adapter.name, device)
         + f"\n(after the first registration, every original_i is refilled from torch.Generator().manual_seed({seed}))")
    chain = case.fresh_chain()
    module = case.host.build(device)
    P.register_parametrization(module, case.name, chain[0])
    plist = module.parametrizations[case.name]
    names = sorted(original_names(plist), key=lambda n: int(n.removeprefix("original")))
    originals = [getattr(plist, n) for n in names]
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
    case = data.draw(cases(dtypes=(dtype,), min_chain=0, max_chain=0), label="case")
    p = Arity(inputs, outputs)
    note(case.reproducer(adapter.name, device) + f"\nthen registering Arity({inputs}, {outputs}) (a private class)")
    module = case.host.build(device)
    before = snapshot(module)
    with raises(TypeError, "positional argument", f"registering Arity({inputs}, {outputs})"):
        P.register_parametrization(module, case.name, p)
    assert_unchanged(before, module)
