"""cached(): one evaluation per tensor per context, as documented, nesting, clearing, keys and gradients."""

from __future__ import annotations

import contextlib
import gc
import weakref

import pytest
import torch
from hypothesis import given, note
from hypothesis import strategies as st
from torch import nn

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    assert_close,
    assert_equal,
    assert_same,
    assert_true,
    chain_value,
    originals_of,
)
from parametrize_conformance.drawing import draw_case, note_case
from parametrize_conformance.strategies import cases, computing_cases, hosts, multi_cases, seeded_randn

# Modules CACHE-NO-ALIEN creates, at most, while waiting for CPython to hand out a freed module's id again.
_ALIEN_BOUND = 40


def _forwards(log: list) -> int:
    return sum(1 for call, _ in log if call == "fwd")


class _Boom(Exception):
    """Raised inside a cached() block by CACHE-CLEARED-ON-EXIT."""


@given(data=st.data(), reads=st.integers(2, 4))
def test_cache_same_object(P, adapter, device, dtype, data, reads):
    # Multi-input chains too: a freshness check over several originals must also let the cached value through.
    case = draw_case(
        data,
        st.one_of(cases(dtypes=(dtype,)), multi_cases((dtype,))),
        adapter,
        device,
        f"\n(each parametrization wrapped in Logged; {reads} reads in cached())",
    )
    module, log = case.build_logged(P, device)
    with P.cached():
        first = getattr(module, case.name)
        for i in range(1, reads):
            assert_same(getattr(module, case.name), first, f"read {i + 1} of module.{case.name} inside cached()")
    assert_equal(_forwards(log), len(case.chain), f"forward calls for {reads} reads inside cached()")


@given(data=st.data(), depth=st.integers(2, 3))
def test_cache_nested(P, adapter, device, dtype, data, depth):
    case = draw_case(
        data,
        computing_cases((dtype,)),
        adapter,
        device,
        f"\n(Logged chain; reads at every level of {depth} nested cached())",
    )
    module, log = case.build_logged(P, device)

    def nest(level: int, first):
        with P.cached():
            value = getattr(module, case.name)
            first = value if first is None else first
            assert_same(value, first, f"module.{case.name} read on entering nesting level {level}")
            if level < depth:
                nest(level + 1, first)
            assert_same(getattr(module, case.name), first, f"module.{case.name} read on leaving nesting level {level}")
        return first

    first = nest(1, None)
    assert_equal(_forwards(log), len(case.chain), f"forward calls for every read in {depth} nested cached()")
    assert_true(
        getattr(module, case.name) is not first,
        f"module.{case.name} read after the outermost cached() exited is the cached object, expected a new one",
    )


@given(data=st.data(), fail=st.booleans())
def test_cache_cleared_on_exit(P, adapter, device, dtype, data, fail):
    how = "raising _Boom" if fail else "normally"
    case = draw_case(data, computing_cases((dtype,)), adapter, device, f"\n(read inside cached(), which then exits {how})")
    module, _ = case.build_logged(P, device)
    with pytest.raises(_Boom) if fail else contextlib.nullcontext():
        with P.cached():
            cached_value = getattr(module, case.name)
            if fail:
                raise _Boom
    first, second = getattr(module, case.name), getattr(module, case.name)
    assert_true(first is not cached_value, f"module.{case.name} after exiting cached() {how} is the cached object")
    assert_true(
        first is not second,
        f"two reads of module.{case.name} after exiting cached() {how} return one object, expected caching to be off",
    )
    with P.cached():
        assert_true(
            getattr(module, case.name) is not cached_value,
            f"a new cached() context returns the object cached by the previous one (exited {how})",
        )
    original = module.parametrizations[case.name].original
    with torch.no_grad():
        original.add_(1.0)
        expected = chain_value(list(module.parametrizations[case.name]), original)
        assert_close(
            getattr(module, case.name),
            expected,
            f"module.{case.name} after exiting cached() {how} and changing the original",
        )


@given(data=st.data())
def test_cache_per_tensor(P, adapter, device, dtype, data):
    host = data.draw(hosts(dtypes=(dtype,), bias=True), label="host")
    # Two identical modules; every (module, tensor) gets its own scale, so a value served to the wrong key shows.
    pairs = [(m, n) for m in range(2) for n in host.tensor_names()]
    order = data.draw(st.permutations(pairs), label="read order")
    note(
        f"modules = [{host!r}.build({device!r}) for _ in range(2)]; Scale(2.0 + k) on the k-th of {pairs}; "
        f"reads inside cached() in the order {order}"
    )
    modules = [host.build(device), host.build(device)]
    scale = {}
    for k, (m, n) in enumerate(pairs):
        scale[m, n] = 2.0 + k
        P.register_parametrization(modules[m], n, L.Scale(scale[m, n]))
    with P.cached():
        seen = {}
        for m, n in order + order:
            value = getattr(modules[m], n)
            if (m, n) in seen:
                assert_same(value, seen[m, n], f"the second read of modules[{m}].{n}")
                continue
            for other, obj in seen.items():
                assert_true(
                    obj is not value,
                    f"modules[{m}].{n} returned the object cached for modules[{other[0]}].{other[1]}, expected its own",
                )
            seen[m, n] = value
            expected = modules[m].parametrizations[n].original.detach() * scale[m, n]
            assert_close(value, expected, f"modules[{m}].{n} inside cached()")


@given(data=st.data())
def test_cache_no_alien(P, adapter, device, dtype, data):
    host = data.draw(hosts(dtypes=(dtype,), kinds=("linear", "conv1d")), label="host")
    note(
        f"inside one cached(): repeatedly build {host!r} with seed+i, register Scale(2.0) on weight, read it, "
        "delete the module and gc, until a module gets an id seen before"
    )
    freed: dict[int, int] = {}  # id of a module read then freed -> its index
    kept_alive = 0
    repeated = None
    with P.cached():
        for i in range(_ALIEN_BOUND):
            module = host.reseeded(host.seed + i).build(device)
            P.register_parametrization(module, "weight", L.Scale(2.0))
            expected = module.parametrizations.weight.original.detach() * 2.0
            value = module.weight
            # torch: keyed by id(module) alone, so a module that inherits a freed one's id gets that one's value.
            assert_close(
                value,
                expected,
                f"module {i}'s weight inside cached() (its id was module "
                f"{freed.get(id(module))}'s, freed earlier in the context)"
                if id(module) in freed
                else f"module {i}'s weight inside cached()",
            )
            if id(module) in freed:
                repeated = (freed[id(module)], i)
                break
            freed[id(module)] = i
            alive = weakref.ref(module)
            del module, value
            gc.collect(1)  # young generations: fast, and enough for the module and its class
            if alive() is not None:
                kept_alive += 1
    note(f"repeated ids (first module, second module): {repeated}; modules kept alive by the cache: {kept_alive}")
    # Note: the check is not vacuous: either an id did repeat (and the value was checked above), or the
    # implementation kept every module alive while its value was cached, so no id could repeat.
    assert_true(
        repeated is not None or kept_alive == _ALIEN_BOUND,
        f"no module id repeated within {_ALIEN_BOUND} modules and {_ALIEN_BOUND - kept_alive} of them were "
        "freed: the check did not run, raise _ALIEN_BOUND",
    )


@given(data=st.data())
def test_cache_assign_deferred(P, adapter, device, dtype, swap, data):
    case = data.draw(cases(dtypes=(dtype,), exact=True), label="case")
    seed = data.draw(st.integers(0, 2**16), label="seed of the assigned value")
    note_case(
        case,
        adapter,
        device,
        f"\nthen, inside cached(): read; assign chain(original + 1 + randn(seed={seed})); read; then read after the exit",
    )
    module = case.build(P, device)
    with torch.no_grad():
        # A value in the chain's image, so that exact right_inverses round-trip it.
        stored = module.parametrizations[case.name].original.detach()
        raw = stored + 1.0 + seeded_randn(case.shape, dtype, device, seed)
        target = chain_value(case.fresh_chain(), raw)
    with P.cached():
        cached_value = getattr(module, case.name)
        setattr(module, case.name, target.clone())  # a swap path may exchange the assigned tensor's contents
        with torch.no_grad():
            written = chain_value(case.fresh_chain(), *(t.detach().clone() for t in originals_of(module, case.name)))
        assert_close(
            written, target, f"the chain applied to the originals written by assigning to module.{case.name} inside cached()"
        )
        assert_same(
            getattr(module, case.name),
            cached_value,
            f"module.{case.name} read inside cached() after "
            "assigning to it (the documented cache keeps the value computed first)",
        )
    assert_close(
        getattr(module, case.name), target, f"module.{case.name} read after cached() exited, having been assigned inside it"
    )


@given(data=st.data(), change=st.sampled_from(["in_place", "stack"]))
def test_cache_kept_in_context(P, adapter, device, dtype, data, change):
    # Multi-input chains too: the change is made to the last original.
    case = data.draw(st.one_of(computing_cases(dtypes=(dtype,)), multi_cases((dtype,))), label="case")
    inputs = case.chain[0].inputs
    key = "original" if inputs == 1 else f"original{inputs - 1}"
    what = {"in_place": f"{key}.add_(1) under no_grad", "stack": "register Scale(3.0) on it"}[change]
    note_case(case, adapter, device, f"\nthen, inside cached(): read; {what}; read; then read after the exit")
    module = case.build(P, device)
    plist = module.parametrizations[case.name]
    with P.cached():
        cached_value = getattr(module, case.name)
        with torch.no_grad():
            if change == "in_place":
                getattr(plist, key).add_(1.0)
            else:
                P.register_parametrization(module, case.name, L.Scale(3.0))
        assert_same(
            getattr(module, case.name),
            cached_value,
            f"module.{case.name} read inside cached() after {what} (the documented cache keeps the value computed first)",
        )
    chain = case.fresh_chain() + ([L.Scale(3.0)] if change == "stack" else [])
    with torch.no_grad():
        expected = chain_value(chain, *(t.detach().clone() for t in originals_of(module, case.name)))
    assert_close(
        getattr(module, case.name), expected, f"module.{case.name} read after cached() exited, after {what} inside it"
    )


@given(data=st.data())
def test_cache_replaced_original(P, adapter, device, dtype, data):
    # Multi-input chains too: the last original is replaced.
    case = data.draw(st.one_of(computing_cases(dtypes=(dtype,)), multi_cases((dtype,))), label="case")
    inputs = case.chain[0].inputs
    key = "original" if inputs == 1 else f"original{inputs - 1}"
    note_case(
        case,
        adapter,
        device,
        f"\nthen, inside cached(): read; parametrizations.{case.name}.{key} "
        f"= a new tensor of the same kind holding {key} + 1 (a re-tie, as load_state_dict(assign=True) makes); read; "
        "backward through that read",
    )
    module = case.build(P, device)
    plist = module.parametrizations[case.name]
    with P.cached():
        cached_value = getattr(module, case.name)
        old = getattr(plist, key)
        with torch.no_grad():
            new = old.detach() + 1.0
        new = nn.Parameter(new, old.requires_grad) if isinstance(old, nn.Parameter) else new.requires_grad_(True)
        setattr(plist, key, new)
        value = getattr(module, case.name)
        assert_true(
            value is not cached_value,
            f"module.{case.name} read inside cached() after {key} was replaced by "
            "another tensor is the value cached from the old one, expected one computed from the new one",
        )
        with torch.no_grad():
            expected = chain_value(case.fresh_chain(), *(t.detach().clone() for t in originals_of(module, case.name)))
        assert_close(value, expected, f"module.{case.name} read inside cached() after {key} was replaced")
        if value.requires_grad:
            value.sum().backward()
    assert_true(
        not new.requires_grad or new.grad is not None,
        f"parametrizations.{case.name}.{key}.grad is None "
        "after backward through the read that followed its replacement, expected the chain's gradient",
    )


@given(data=st.data(), reads=st.integers(1, 3))
def test_cache_grad(P, adapter, device, dtype, data, reads):
    case = draw_case(
        data,
        cases(dtypes=(dtype,), names=("weight", "bias")),
        adapter,
        device,
        f"\nthen backward through {reads} cached reads",
    )
    module = case.build(P, device)
    original = module.parametrizations[case.name].original
    generator = torch.Generator().manual_seed(reads)
    weights = [torch.randn(case.shape, generator=generator, dtype=dtype).to(device) for _ in range(reads)]
    with P.cached():
        loss = sum((getattr(module, case.name) * w).sum() for w in weights)
        loss.backward()
    leaf = original.detach().clone().requires_grad_(True)
    # Note: the by-hand value is computed once and read as often, so the gradients add up in the same order (in
    # bfloat16, scaling the sum of the weights instead rounds differently and fails a correct implementation).
    value = chain_value(case.fresh_chain(), leaf)
    sum((value * w).sum() for w in weights).backward()
    assert_true(
        original.grad is not None,
        f"parametrizations.{case.name}.original.grad is None after backward "
        "through cached reads, expected the chain's gradient",
    )
    assert_close(original.grad, leaf.grad, f"parametrizations.{case.name}.original.grad")
