"""Conversions of a parametrized module: dtype conversions (half, double, to(dtype)) with the swap flag on and off,
to(memory_format=channels_last) of a parametrized Conv2d, and forward and backward under autocast."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import torch
import torch.nn.functional as F
from hypothesis import given, note
from hypothesis import strategies as st
from torch import Tensor, nn

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    assert_close,
    assert_equal,
    assert_grads,
    assert_same,
    assert_true,
    chain_value,
    leaves_like,
    originals_of,
)
from parametrize_conformance.drawing import note_case
from parametrize_conformance.hosts import HostSpec
from parametrize_conformance.profiles import costly
from parametrize_conformance.strategies import ANY_FLOAT_DTYPES, Case, cases, multi_cases, seeded_randn, serial_cases

# The dtype conversions CONVERT-DTYPE draws: (code, the dtype it converts to; None: drawn, for .to(dtype)).
_CONVERSIONS = (("half", torch.float16), ("double", torch.float64), ("to", None))


def _convert(module: nn.Module, how: str, target: torch.dtype) -> nn.Module:
    """module.half(), module.double() or module.to(target); returns what the call returned."""
    if how == "half":
        return module.half()
    if how == "double":
        return module.double()
    return module.to(target)


def _weights(tensor: Tensor, seed: int) -> Tensor:
    """A fixed random weighting of `tensor`'s shape, dtype and device, for a loss that depends on every element."""
    return seeded_randn(tuple(tensor.shape), tensor.dtype, str(tensor.device), seed)


@costly()
@given(data=st.data())
def test_convert_dtype(P, adapter, device, dtype, swap, data):
    # Note: serial_cases: single- and multi-input chains on parameters and buffers, some with a Shift, whose own
    # buffer the conversion must convert too.
    case = data.draw(serial_cases((dtype,)), label="case")
    how, target = data.draw(st.sampled_from(_CONVERSIONS), label="conversion")
    target = target or data.draw(st.sampled_from(ANY_FLOAT_DTYPES), label="dtype of .to")
    call = f"module.{how}()" if how != "to" else f"module.to({target})"
    note_case(
        case, adapter, device, f"\n    (swap={swap}) then read module.{case.name}; {call}; read module.{case.name}; backward"
    )
    module = case.build(P, device)
    name = case.name
    with torch.no_grad():
        getattr(module, name)  # Note: the module is used before it is converted, as models are
    before = originals_of(module, name)
    stored = [t.detach().clone() for t in before]
    keys = list(module.state_dict())
    assert_same(_convert(module, how, target), module, f"the return value of {call}")
    after = originals_of(module, name)
    assert_equal(len(after), len(before), f"the number of originals after {call}")
    for i, (new, old, value) in enumerate(zip(after, before, stored, strict=True)):
        assert_equal(new.dtype, target, f"original {i}'s dtype after {call}")
        assert_equal(
            isinstance(new, nn.Parameter), isinstance(old, nn.Parameter), f"original {i} is an nn.Parameter after {call}"
        )
        assert_equal(new.requires_grad, old.requires_grad, f"original {i}.requires_grad after {call}")
        if isinstance(old, nn.Parameter):
            # Note: measured on torch, swap flag on and off: nn.Module._apply keeps Parameter objects (param.data = ...
            # or swap_tensors) and rebinds buffers to new tensors, so only Parameters must keep their id.
            assert_same(new, old, f"original {i} (a Parameter) after {call}")
        assert_close(new, value.to(target), f"original {i}'s value after {call}")
    _assert_all_converted(module, target, call)
    assert_equal(list(module.state_dict()), keys, f"state_dict keys after {call}")
    _assert_reads_chain(module, case, after, target, call)


def _assert_all_converted(module: nn.Module, target: torch.dtype, call: str) -> None:
    """Every floating tensor of the module tree (the parametrizations' own buffers included) has dtype `target`."""
    for key, tensor in [*module.named_parameters(), *module.named_buffers()]:
        if tensor.is_floating_point():
            assert_equal(tensor.dtype, target, f"{key}'s dtype after {call}")


def _assert_reads_chain(module: nn.Module, case: Case, originals: list[Tensor], target: torch.dtype, call: str) -> None:
    """module.<name> is the chain applied to the converted originals (by hand), and backward reaches them."""
    name = case.name
    leaves = leaves_like(originals)
    expected = chain_value(case.fresh_chain(), *leaves)
    value = getattr(module, name)
    assert_equal(value.dtype, target, f"module.{name}'s dtype after {call}")
    assert_close(value, expected, f"module.{name} after {call}")
    if not expected.requires_grad:
        return
    weights = _weights(expected, case.host.seed)
    (value * weights).sum().backward()
    (expected * weights).sum().backward()
    assert_grads(originals, leaves, f"after {call} and backward through module.{name}")


class _FlipChannels(L.Library):
    """A 4-D weight X -> X.flip(1) (its input channels reversed); its own exact right_inverse."""

    def forward(self, x: Tensor) -> Tensor:
        return x.flip(1)

    def right_inverse(self, x: Tensor) -> Tensor:
        return x.flip(1)


@st.composite
def _conv2d_cases(draw, dtype: torch.dtype) -> tuple[dict, Case]:
    """The arguments of an nn.Conv2d (with `dtype` and a value seed) and a chain on its 4-D weight."""
    # Note: a Case needs a HostSpec, which builds no Conv2d; the Case here carries only the chain (its host is
    # unused), and the Conv2d is built by _build_conv2d.
    # Note: at least 2 in channels and a 2x2 kernel, so that channels_last strides differ from contiguous ones and
    # every example can tell a converted original from one left as it was (a 1x1 kernel or one channel cannot).
    conv = {
        "cin": draw(st.integers(2, 3), label="in channels"),
        "cout": draw(st.integers(1, 3), label="out channels"),
        "k": draw(st.integers(2, 3), label="kernel size"),
        "bias": draw(st.booleans(), label="bias"),
        "seed": draw(st.integers(0, 2**16), label="seed"),
        "dtype": dtype,
    }
    options = [
        st.just(L.Identity()),
        st.builds(L.Scale, st.sampled_from([2.0, -0.5])),
        st.builds(L.Shift, st.sampled_from([1.0, -0.5])),
        st.just(_FlipChannels()),
    ]
    first = draw(st.sampled_from(["single", "SumOfTwo"]), label="first parametrization")
    rest = draw(st.lists(st.one_of(options), min_size=0 if first == "SumOfTwo" else 1, max_size=3), label="chain")
    chain = ((L.SumOfTwo(),) if first == "SumOfTwo" else ()) + tuple(rest)
    return conv, Case(HostSpec(), "weight", chain)


def _build_conv2d(conv: dict, device: str) -> nn.Conv2d:
    """The nn.Conv2d described by `conv` (see _conv2d_cases), its tensors drawn from its seed."""
    module = nn.Conv2d(conv["cin"], conv["cout"], conv["k"], bias=conv["bias"]).to(device=device, dtype=conv["dtype"])
    generator = torch.Generator().manual_seed(conv["seed"])
    with torch.no_grad():
        for tensor in module.parameters():
            tensor.copy_(torch.randn(tensor.shape, generator=generator, dtype=conv["dtype"]))
    return module


def _conv2d_reproducer(conv: dict, case: Case, adapter_spec: str, device: str, then: str) -> str:
    lines = [
        "import torch",
        "from torch import nn",
        "from parametrize_conformance.adapters import load_adapter",
        "from parametrize_conformance.library import *",
        "from parametrize_conformance.test_convert import _FlipChannels",
        f"P = load_adapter({adapter_spec!r}).api",
        f"module = nn.Conv2d({conv['cin']}, {conv['cout']}, {conv['k']}, bias={conv['bias']}).to({device!r}, "
        f"{conv['dtype']})",
        f"g = torch.Generator().manual_seed({conv['seed']})",
        f"[t.data.copy_(torch.randn(t.shape, generator=g, dtype={conv['dtype']})) for t in module.parameters()]",
    ]
    lines += [f"P.register_parametrization(module, 'weight', {p!r})" for p in case.chain]
    return "Reproducer:\n    " + "\n    ".join(lines) + f"\n    {then}"


@costly()
@given(data=st.data())
def test_convert_memory_format(P, adapter, device, dtype, swap, data):
    conv, case = data.draw(_conv2d_cases(dtype), label="conv2d and chain")
    channels_last = torch.channels_last
    call = "module.to(memory_format=torch.channels_last)"
    note(
        _conv2d_reproducer(
            conv, case, adapter.spec, device, f"(swap={swap}) then {call}; forward a channels_last input; backward"
        )
    )
    module = _build_conv2d(conv, device)
    case.register_on(P, module)
    before = originals_of(module, "weight")
    stored = [t.detach().clone() for t in before]
    with torch.no_grad():
        value_before = module.weight.clone()
    assert_same(module.to(memory_format=channels_last), module, f"the return value of {call}")
    after = originals_of(module, "weight")
    for i, (new, old, value) in enumerate(zip(after, before, stored, strict=True)):
        # Note: measured on torch, swap flag on and off: the Parameter originals are kept and made channels_last.
        assert_same(new, old, f"original {i} (a Parameter) after {call}")
        assert_close(new, value, f"original {i}'s value after {call}")
        assert_true(
            new.is_contiguous(memory_format=channels_last),
            f"original {i} is not channels_last after {call} "
            f"(strides {new.stride()}), expected it converted as every 4-D parameter is",
        )
    x = seeded_randn((2, conv["cin"], 4, 4), dtype, device, conv["seed"] + 1).to(memory_format=channels_last)
    x.requires_grad_(True)
    leaves, x_leaf = leaves_like(after), x.detach().clone().requires_grad_(True)
    bias = None if module.bias is None else module.bias.detach().clone().requires_grad_(True)
    expected = F.conv2d(x_leaf, chain_value(case.fresh_chain(), *leaves), bias)
    with torch.no_grad():
        assert_close(module.weight, value_before, f"module.weight after {call}")
    out = module(x)
    assert_close(out, expected, f"module(x) after {call}")
    weights = _weights(expected, conv["seed"])
    (out * weights).sum().backward()
    (expected * weights).sum().backward()
    assert_grads(after, leaves, f"after {call} and backward through module(x)")
    assert_close(x.grad, x_leaf.grad, f"x.grad after {call} and backward through module(x)")
    if bias is not None:
        assert_close(module.bias.grad, bias.grad, f"module.bias.grad after {call}")


class _Mix(L.Library):
    """X -> X @ M for a fixed k x k matrix M (a buffer: eye + 0.1 randn from `seed`), k the tensor's last size; no
    right_inverse. The matmul is an op autocast runs in bfloat16, so the chain's own arithmetic is cast too."""

    exact = False

    def __init__(self, k: int, seed: int) -> None:
        super().__init__()
        self.k, self.seed = k, seed
        generator = torch.Generator().manual_seed(seed)
        self.register_buffer("mix", torch.eye(k) + 0.1 * torch.randn(k, k, generator=generator))

    def _args(self) -> str:
        return f"{self.k}, {self.seed}"

    def forward(self, x: Tensor) -> Tensor:
        return x @ self.mix.to(x.dtype)


@st.composite
def _autocast_cases(draw, dtype: torch.dtype) -> Case:
    """A case on a Linear, Conv1d or buffers host (single- or multi-input chain) with a _Mix inserted somewhere
    after the first position of a multi-input chain."""
    case = draw(
        st.one_of(cases(dtypes=(dtype,), kinds=("linear", "conv1d", "buffers")), multi_cases((dtype,))), label="case"
    )
    # Note: always a _Mix: without an op that autocast casts, the chain computes the same with autocast on or off,
    # and an implementation that evaluated it outside autocast would go unseen.
    first = 1 if case.chain[0].inputs > 1 else 0
    at = draw(st.integers(first, len(case.chain)), label="position of the _Mix")
    mix = _Mix(case.shape[-1], draw(st.integers(0, 2**16), label="seed of the _Mix"))
    return dataclasses.replace(case, chain=(*case.chain[:at], mix, *case.chain[at:]))


def _by_hand(host: HostSpec) -> Callable[..., Tensor]:
    """The host's forward written with torch.nn.functional, taking its tensors by name."""
    if host.kind == "conv1d":
        return lambda x, t: F.conv1d(x, t["weight"], t.get("bias"))
    if host.kind == "buffers":
        return lambda x, t: x @ t["weight"] + t["running"].sum()
    return lambda x, t: F.linear(x, t["weight"], t.get("bias"))


def _input_of(host: HostSpec, device: str) -> Tensor:
    """An input batch for `host`, requiring grad."""
    shape = (2, host.n, 3) if host.kind == "conv1d" else (2, host.n)
    return seeded_randn(shape, host.dtype, device, host.seed + 1).requires_grad_(True)


def _autocast_dtype(adapter) -> torch.dtype:
    """float32 (the dtype autocast casts from) when the adapter runs it, else its first dtype."""
    return torch.float32 if torch.float32 in adapter.dtypes else adapter.dtypes[0]


@costly()
@given(data=st.data())
def test_convert_autocast(P, adapter, device, data):
    # Note: one dtype, float32: autocast casts float32 to bfloat16 and leaves float64 alone, so a float64 run would
    # only repeat the plain forward.
    dtype = _autocast_dtype(adapter)
    case = data.draw(_autocast_cases(dtype), label="case")
    device_type = torch.device(device).type
    reproducer = case.reproducer(adapter.spec, device).replace(
        "from parametrize_conformance.library import *",
        "from parametrize_conformance.library import *\n    from parametrize_conformance.test_convert import _Mix",
        1,
    )
    note(
        reproducer + f"\nthen, under torch.autocast({device_type!r}, dtype=torch.bfloat16): "
        "out = module(x); then backward; compared with the host's forward written by hand on chain(originals)"
    )
    module = case.build(P, device)
    originals = originals_of(module, case.name)
    leaves = leaves_like(originals)
    # The module's other tensors, as detached copies, for the by-hand forward.
    plain = {
        n: t.detach().clone()
        for n, t in [*module.named_parameters(), *module.named_buffers()]
        if not n.startswith("parametrizations.")
    }
    x = _input_of(case.host, device)
    x_leaf = x.detach().clone().requires_grad_(True)
    with torch.autocast(device_type, dtype=torch.bfloat16):
        out = module(x)
        expected = _by_hand(case.host)(x_leaf, {**plain, case.name: chain_value(case.fresh_chain(), *leaves)})
    assert_close(out, expected, "module(x) under autocast")
    weights = _weights(expected, case.host.seed)
    (out * weights).sum().backward()
    (expected * weights).sum().backward()
    assert_grads(originals, leaves, "after backward through module(x) computed under autocast")
    assert_close(x.grad, x_leaf.grad, "x.grad after backward through module(x) computed under autocast")
