"""Hypothesis strategies of the suite: host modules, tensor names, parametrization chains, whole cases.

Every strategy draws descriptions whose repr is code, so a falsifying example is its own reproducer.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
from hypothesis import strategies as st
from torch import nn

from conformance import library as L
from conformance.hosts import KINDS, HostSpec

FLOAT_DTYPES = (torch.float32, torch.float64)


def shape_of(host: HostSpec, name: str) -> tuple[int, ...]:
    """The shape of tensor `name` in a freshly built `host`."""
    if host.kind == "buffers":
        return (host.n, host.n)
    if name == "bias":
        return (host.m,)
    return (host.m, host.n, 2) if host.kind == "conv1d" else (host.m, host.n)


@st.composite
def hosts(draw, dtypes=FLOAT_DTYPES, kinds=KINDS, square: bool = False, bias: bool | None = None) -> HostSpec:
    """A HostSpec of one of `kinds` and `dtypes`; `square` makes `weight` a square matrix."""
    kinds = [k for k in kinds if not (square and k == "conv1d")]
    kind = draw(st.sampled_from(kinds))
    n = draw(st.integers(2, 5))
    m = n if square else draw(st.integers(2, 5))
    has_bias = draw(st.booleans()) if bias is None else bias
    return HostSpec(kind, n=n, m=m, dtype=draw(st.sampled_from(dtypes)), seed=draw(st.integers(0, 2**16)),
                    bias=has_bias or kind == "buffers")


def preserving(shape: tuple[int, ...], exact: bool = False) -> st.SearchStrategy[L.Library]:
    """One shape- and dtype-preserving parametrization with a right_inverse, valid for a tensor of `shape`."""
    options = [st.just(L.Identity()), st.builds(L.Scale, st.sampled_from([2.0, 0.5, -4.0])),
               st.builds(L.Shift, st.sampled_from([1.0, -0.5]))]
    if len(shape) == 2 and shape[0] == shape[1]:
        options += [st.just(L.Symmetric()), st.just(L.Skew())]
        if not exact:
            options.append(st.just(L.CayleyOrthogonal()))
    return st.one_of(options).map(copy.deepcopy)


def chains(shape: tuple[int, ...], min_size: int = 1, max_size: int = 3, exact: bool = False):
    """A list of preserving parametrizations for `shape`, applied in order."""
    return st.lists(preserving(shape, exact), min_size=min_size, max_size=max_size)


@dataclass
class Case:
    """A host, the name of one of its tensors, the chain to register on it, and the unsafe flag."""

    host: HostSpec
    name: str
    chain: tuple[nn.Module, ...]
    unsafe: bool = False

    @property
    def shape(self) -> tuple[int, ...]:
        return shape_of(self.host, self.name)

    def fresh_chain(self) -> list[nn.Module]:
        """New copies of the chain's parametrizations (a module can only be registered once)."""
        return [copy.deepcopy(p) for p in self.chain]

    def build(self, api, device: str = "cpu", chain: list[nn.Module] | None = None) -> nn.Module:
        """A fresh host with the chain (or the given `chain`) registered through `api`."""
        module = self.host.build(device)
        for p in self.fresh_chain() if chain is None else chain:
            api.register_parametrization(module, self.name, p, unsafe=self.unsafe)
        return module

    def reproducer(self, adapter_name: str, device: str = "cpu") -> str:
        """A script that rebuilds this case through the adapter."""
        unsafe = ", unsafe=True" if self.unsafe else ""
        lines = ["import torch", "from adapters import load_adapter", "from conformance.hosts import HostSpec",
                 "from conformance.library import *", f"P = load_adapter({adapter_name!r}).api",
                 f"module = {self.host!r}.build({device!r})"]
        lines += [f"P.register_parametrization(module, {self.name!r}, {p!r}{unsafe})" for p in self.chain]
        return "Reproducer:\n    " + "\n    ".join(lines)


@st.composite
def cases(draw, dtypes=FLOAT_DTYPES, kinds=KINDS, names: tuple[str, ...] | None = None, square: bool = False,
          min_chain: int = 1, max_chain: int = 3, exact: bool = False) -> Case:
    """A Case with a preserving chain: `names` limits the tensor, `square` makes it a square matrix, `exact`
    keeps only parametrizations whose right_inverse round-trips exactly."""
    host = draw(hosts(dtypes, kinds, square=square), label="host")
    candidates = [n for n in host.tensor_names() if names is None or n in names]
    if square:
        candidates = [n for n in candidates if len(set(shape_of(host, n))) == 1 and len(shape_of(host, n)) == 2]
    name = draw(st.sampled_from(candidates), label="name")
    chain = draw(chains(shape_of(host, name), min_chain, max_chain, exact), label="chain")
    return Case(host, name, tuple(chain))


@st.composite
def multi_cases(draw, dtypes=FLOAT_DTYPES, max_extra: int = 2, exact: bool = False) -> Case:
    """A Case on a Linear weight whose chain starts with a two-input parametrization."""
    host = draw(hosts(dtypes, kinds=("linear", "buffers")), label="host")
    first = draw(st.sampled_from([L.SumOfTwo] if exact else list(L.MULTI_INPUT)), label="multi")()
    rest = draw(chains(shape_of(host, "weight"), 0, max_extra, exact=True), label="rest")
    return Case(host, "weight", (first, *rest))


def bad_forward_modes() -> st.SearchStrategy[str]:
    """How a forward may break the rules: return a tuple, change the dtype, change the shape."""
    return st.sampled_from(["tuple", "dtype", "shape"])


def bad_inverse_modes(first_registration: bool) -> st.SearchStrategy[str]:
    """How a right_inverse may break the rules at a first registration or when stacking."""
    if first_registration:
        return st.sampled_from(["none", "tuple_with_none", "dtype", "device"])
    return st.sampled_from(["tuple", "dtype", "shape"])
