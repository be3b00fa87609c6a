"""Ways of initialising a parametrized model: built on the meta device then to_empty and load_state_dict,
load_state_dict(assign=True) (inside cached() too), and lazy modules before and after their first forward."""

from __future__ import annotations

import contextlib
import copy

import torch
from hypothesis import given, note
from hypothesis import strategies as st
from torch import Tensor, nn
from torch.func import functional_call

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    assert_close,
    assert_equal,
    assert_grads,
    assert_on_device,
    assert_same,
    assert_true,
    chain_value,
    composed_inverse,
    original_names,
    originals_of,
    raises,
)
from parametrize_conformance.drawing import note_case
from parametrize_conformance.hosts import HostSpec
from parametrize_conformance.profiles import costly
from parametrize_conformance.strategies import Case, chains, forward_cases, host_input, seeded_randn

_LR = 0.1


def loaded_originals(case: Case, module: nn.Module, sd: dict[str, Tensor]) -> list[Tensor]:
    """The tensors of `sd` under the keys of module.parametrizations[case.name]'s originals, in index order."""
    return [sd[f"parametrizations.{case.name}.{n}"] for n in original_names(module.parametrizations[case.name])]


def eager(host: HostSpec, case: Case, device: str, originals: list[Tensor], x: Tensor) -> Tensor:
    """The forward on `x` of a plain `host` (no parametrization) whose case.name holds the chain applied to
    `originals`, computed without the implementation."""
    value = chain_value(case.fresh_chain(), *originals)
    return functional_call(host.build(device), {case.name: value}, (x,))


def meta_module(case: Case, api, how: str) -> nn.Module:
    """The case's host built, and its chain registered, on the meta device: under `with torch.device('meta')`
    (how='context') or by HostSpec.build('meta') (how='build')."""
    if how == "build":
        return case.build(api, "meta")
    with torch.device("meta"):
        # Note: HostSpec._make, the host's constructor: build()'s seeded filling needs a CPU generator.
        module = case.host._make().to(dtype=case.host.dtype)
        return case.register_on(api, module)


@costly()
@given(data=st.data(), how=st.sampled_from(["context", "build"]))
def test_init_meta(P, adapter, device, dtype, data, how):
    case = data.draw(forward_cases((dtype,)), label="case")
    seed = data.draw(st.integers(0, 2**16), label="seed of the real module")
    made = "with torch.device('meta'): <the host and its chain>" if how == "context" else "<the case>, on 'meta'"
    note_case(
        case,
        adapter,
        device,
        f"\n(built as {made}) then module.to_empty(device={device!r}); "
        f"module.load_state_dict(<the case's module with seed={seed}>.state_dict()); forward, backward, SGD step",
    )
    module = meta_module(case, P, how)
    real_host = case.host.reseeded(seed)
    sd = {k: v.detach().clone() for k, v in case.reseeded(seed).build(P, device).state_dict().items()}
    assert_same(module.to_empty(device=device), module, "the return value of to_empty")
    result = module.load_state_dict(sd)
    assert_equal(
        (list(result.missing_keys), list(result.unexpected_keys)), ([], []), "load_state_dict's (missing, unexpected) keys"
    )
    state = module.state_dict()
    assert_equal(list(state), list(sd), "the state_dict keys after to_empty and load_state_dict")
    for key, t in state.items():
        assert_on_device(t, device, f"state_dict()[{key!r}]")
        assert_close(t, sd[key], f"state_dict()[{key!r}] after load_state_dict")
    loaded = loaded_originals(case, module, sd)
    with torch.no_grad():
        assert_close(
            getattr(module, case.name),
            chain_value(case.fresh_chain(), *loaded),
            f"module.{case.name} after to_empty and load_state_dict",
        )
    # Training works: the gradients are the chain's, and an SGD step moves the originals by them.
    x = host_input(case.host, device, seed)
    by_hand = [
        t.clone().requires_grad_(o.requires_grad) for t, o in zip(loaded, originals_of(module, case.name), strict=True)
    ]
    eager(real_host, case, device, by_hand, x).square().sum().backward()
    optimizer = torch.optim.SGD(module.parameters(), lr=_LR)
    module(x).square().sum().backward()
    optimizer.step()
    assert_grads(originals_of(module, case.name), by_hand, "after backward")
    for i, (t, leaf) in enumerate(zip(originals_of(module, case.name), by_hand, strict=True)):
        if t.requires_grad:
            assert_close(t, leaf.detach() - _LR * leaf.grad, f"original {i} after an SGD step")
    with torch.no_grad():
        expected = chain_value(case.fresh_chain(), *(t.detach().clone() for t in originals_of(module, case.name)))
        assert_close(getattr(module, case.name), expected, f"module.{case.name} after an SGD step")


def assert_assigned(case: Case, module: nn.Module, loaded: list[Tensor], kinds: list[tuple[bool, bool]], what: str) -> None:
    """The originals are the loaded tensors: each loaded tensor itself for a buffer original, and for a Parameter
    original a Parameter wrapping it (sharing its storage, with the old requires_grad), as torch makes them."""
    for i, (t, new, (was_parameter, requires_grad)) in enumerate(
        zip(originals_of(module, case.name), loaded, kinds, strict=True)
    ):
        if was_parameter:
            assert_true(
                isinstance(t, nn.Parameter),
                f"original {i} {what} is a {type(t).__name__}, expected an nn.Parameter wrapping the loaded tensor",
            )
            assert_equal(t.data_ptr(), new.data_ptr(), f"original {i}'s storage {what} (the loaded tensor's)")
            assert_equal(t.requires_grad, requires_grad, f"original {i}.requires_grad {what}")
        else:
            assert_same(t, new, f"original {i} {what} (the loaded tensor)")


@costly()
@given(data=st.data(), in_cached=st.booleans())
def test_init_assign_load(P, adapter, device, dtype, data, in_cached):
    case = data.draw(forward_cases((dtype,)), label="case")
    seed = data.draw(st.integers(0, 2**16), label="seed of the loaded module")
    where = f"inside cached(), after a read of module.{case.name}" if in_cached else "outside cached()"
    note_case(
        case,
        adapter,
        device,
        f"\nthen, {where}: module.load_state_dict(<the case's module with "
        f"seed={seed}>.state_dict(), assign=True); read module.{case.name}; backward",
    )
    module = case.build(P, device)
    sd = {k: v.detach().clone() for k, v in case.reseeded(seed).build(P, device).state_dict().items()}
    kinds = [(isinstance(t, nn.Parameter), t.requires_grad) for t in originals_of(module, case.name)]
    loaded = loaded_originals(case, module, sd)
    with P.cached() if in_cached else contextlib.nullcontext():
        if in_cached:
            getattr(module, case.name)
        module.load_state_dict(sd, assign=True)
        assert_assigned(case, module, loaded, kinds, f"after load_state_dict(assign=True) {where}")
        value = getattr(module, case.name)
        by_hand = [t.clone().requires_grad_(rg) for t, (_, rg) in zip(loaded, kinds, strict=True)]
        expected = chain_value(case.fresh_chain(), *by_hand)
        assert_close(value, expected, f"module.{case.name} read after load_state_dict(assign=True) {where}")
        if value.requires_grad:
            value.square().sum().backward()
            expected.square().sum().backward()
    assert_grads(
        originals_of(module, case.name),
        by_hand,
        "after backward",
        "is None after backward through the "
        f"read that followed load_state_dict(assign=True) {where}, expected the chain's gradient",
    )


def lazy_state(module: nn.Module) -> tuple:
    """What a user sees of a lazy module: its class, its tensors by name, id, type and requires_grad, its
    submodules, its state_dict keys and its hooks. (checks.snapshot reads tensor values, which an uninitialized
    parameter refuses.)"""
    tensors = [
        (n, id(t), type(t).__name__, t.requires_grad)
        for n, t in [*module._parameters.items(), *module._buffers.items()]
        if t is not None
    ]
    return (
        type(module),
        tuple(tensors),
        tuple(module._modules),
        tuple(module.state_dict()),
        len(module._forward_pre_hooks),
        len(module._load_state_dict_pre_hooks),
        module.training,
    )


@costly()
@given(
    data=st.data(),
    n=st.integers(2, 5),
    m=st.integers(2, 5),
    name=st.sampled_from(["weight", "bias"]),
    seed=st.integers(0, 2**16),
)
def test_init_lazy(P, adapter, device, dtype, data, n, m, name, seed):
    shape = (m, n) if name == "weight" else (m,)
    chain = data.draw(chains(shape), label="chain")
    note(
        f"module = nn.LazyLinear({m}, dtype={dtype}, device={device!r}); P.register_parametrization(module, "
        f"{name!r}, {chain[0]!r}) before the first forward; then module(randn(2, {n}, seed={seed})), the tensors "
        f"set from seed={seed}, and the chain {chain} registered"
    )
    module = nn.LazyLinear(m, dtype=dtype, device=device)
    before = lazy_state(module)
    # Note: INIT-LAZY: any exception will do (no documentation of parametrize fixes one); torch's RuntimeError is
    # INIT-LAZY-ERROR-TYPE's.
    with raises(Exception, "", f"registering on the uninitialized {name} of a LazyLinear"):
        P.register_parametrization(module, name, chain[0])
    assert_equal(
        lazy_state(module),
        before,
        "the LazyLinear after the refused registration (class, tensors, submodules, state_dict keys, hooks, training)",
    )
    x = seeded_randn((2, n), dtype, device, seed)
    module(x)
    with torch.no_grad():
        for i, t in enumerate((module.weight, module.bias)):
            t.copy_(seeded_randn(tuple(t.shape), dtype, device, seed + i))
    raw = getattr(module, name).detach().clone()
    by_hand = copy.deepcopy(chain)
    for p in chain:
        P.register_parametrization(module, name, p)
    original = module.parametrizations[name].original
    with torch.no_grad():
        # The first registration stores the first parametrization's right_inverse; stacking keeps the original.
        stored = composed_inverse(by_hand[:1], raw)[0]
        assert_close(
            original,
            stored,
            f"parametrizations.{name}.original (right_inverse of the first "
            "parametrization applied to the initialized tensor)",
        )
        value = chain_value(by_hand, original.detach().clone())
        assert_close(getattr(module, name), value, f"module.{name} after the first forward and the registration")
        weight, bias = (value, module.bias) if name == "weight" else (module.weight, value)
        assert_close(module(x), x @ weight.T + bias, "the forward after the registration")


@given(data=st.data(), n=st.integers(2, 5), m=st.integers(2, 5), name=st.sampled_from(["weight", "bias"]))
def test_init_lazy_error_type(P, adapter, device, dtype, data, n, m, name):
    shape = (m, n) if name == "weight" else (m,)
    chain = data.draw(chains(shape), label="chain")
    # A right_inverse that computes (Scale) and none at all (NoInverse) too: each meets the lazy tensor another way.
    for p in (chain[0], L.Scale(2.0), L.NoInverse(2.0)):
        note(
            f"module = nn.LazyLinear({m}, dtype={dtype}, device={device!r}); P.register_parametrization(module, "
            f"{name!r}, {p!r}) before the first forward  # expected RuntimeError"
        )
        module = nn.LazyLinear(m, dtype=dtype, device=device)
        with raises(RuntimeError, "", f"registering {p!r} on the uninitialized {name} of a LazyLinear"):
            P.register_parametrization(module, name, p)
