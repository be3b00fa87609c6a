"""Nested parametrization: parametrizing the original held by a ParametrizationList."""

from __future__ import annotations

import copy

import torch
from hypothesis import given
from hypothesis import strategies as st

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    assert_close,
    assert_equal,
    assert_same,
    assert_true,
    chain_value,
    originals_of,
)
from parametrize_conformance.drawing import note_case
from parametrize_conformance.strategies import cases, chains, elementwise, multi_cases, seeded_randn


@given(data=st.data())
def test_nested_register_remove(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,)), label="case")
    inner = data.draw(chains(case.shape, 1, 2), label="inner chain (on parametrizations[name].original)")
    leave_inner = data.draw(st.booleans(), label="leave_parametrized for the inner removal")
    leave_outer = data.draw(st.booleans(), label="leave_parametrized for the outer removal")
    note_case(
        case,
        adapter,
        device,
        f"\nplist = module.parametrizations[{case.name!r}]\n"
        + "".join(f"P.register_parametrization(plist, 'original', {p!r})\n" for p in inner)
        + f"then remove 'original' from plist (leave_parametrized={leave_inner}), "
        f"then {case.name!r} from module (leave_parametrized={leave_outer})",
    )
    host_class = type(case.host.build(device))
    outer = case.fresh_chain()
    module = case.build(P, device, chain=outer)
    plist = module.parametrizations[case.name]
    list_class = type(plist)
    tensor = plist.original
    for p in inner:
        P.register_parametrization(plist, "original", p)
    assert_equal(type(plist).__name__, f"Parametrized{list_class.__name__}", "the ParametrizationList's class name")
    assert_equal(type(plist).__bases__, (list_class,), "the ParametrizationList's class's bases")
    assert_true(P.is_parametrized(plist, "original"), "is_parametrized(plist, 'original') is False, expected True")
    assert_same(plist.parametrizations.original.original, tensor, "plist.parametrizations.original.original")
    with torch.no_grad():
        composed = chain_value(outer, chain_value(inner, tensor))
        assert_close(getattr(module, case.name), composed, f"module.{case.name} (outer chain of inner chain)")

    P.remove_parametrizations(plist, "original", leave_parametrized=leave_inner)
    assert_same(type(plist), list_class, "the ParametrizationList's class after removing the nested parametrization")
    assert_true(not hasattr(plist, "parametrizations"), "plist.parametrizations still exists after the inner removal")
    assert_same(type(module).__bases__[0], host_class, "the host's base class after the inner removal")
    assert_true(
        P.is_parametrized(module, case.name),
        f"is_parametrized(module, {case.name!r}) is False after the inner removal, expected True",
    )
    with torch.no_grad():
        assert_close(
            getattr(module, case.name),
            chain_value(outer, plist.original),
            f"module.{case.name} after the inner removal (outer chain of plist.original)",
        )
        if leave_inner:
            assert_close(getattr(module, case.name), composed, f"module.{case.name} after the inner removal")

    P.remove_parametrizations(module, case.name, leave_parametrized=leave_outer)
    assert_same(type(module), host_class, "the host's class after removing every parametrization")
    assert_true(not hasattr(module, "parametrizations"), "module.parametrizations still exists after the outer removal")


@given(data=st.data(), seed=st.integers(0, 2**16))
def test_nested_assign(P, adapter, device, dtype, data, seed):
    # Note: NESTED-ASSIGN: multi-input chains too, with one of their originals parametrized: the assignment goes
    # through that original's own chain and writes the others in place.
    case = data.draw(
        st.one_of(cases(dtypes=(dtype,), exact=True, max_chain=2), multi_cases((dtype,), max_extra=1, exact=True)),
        label="outer case",
    )
    inputs = case.chain[0].inputs
    index = data.draw(st.integers(0, inputs - 1), label="index of the nested original")
    key = "original" if inputs == 1 else f"original{index}"
    module = case.build(P, device)
    shapes = [t.shape for t in originals_of(module, case.name)]
    # Note: NESTED-ASSIGN: a multi-input chain's right_inverse splits the value its own way, which lies in the inner
    # chain's image only when that chain reaches every tensor (the elementwise ones).
    inner = data.draw(
        elementwise() if inputs > 1 else chains(tuple(shapes[index]), 1, 1, exact=True).map(lambda c: c[0]),
        label="inner parametrization",
    )
    note_case(
        case,
        adapter,
        device,
        f"\nP.register_parametrization(module.parametrizations[{case.name!r}], {key!r}, {inner!r})\n"
        f"then module.{case.name} = <the outer chain of randn(seed={seed}+i), with the inner chain on {key}>; "
        f"then register Scale(3.0) on {case.name!r}",
    )
    P.register_parametrization(module.parametrizations[case.name], key, copy.deepcopy(inner))
    with torch.no_grad():
        raws = [seeded_randn(tuple(shape), dtype, device, seed + i) for i, shape in enumerate(shapes)]
        raws[index] = chain_value([copy.deepcopy(inner)], raws[index])
        target = chain_value(case.fresh_chain(), *raws)
    setattr(module, case.name, target)
    with torch.no_grad():
        assert_close(getattr(module, case.name), target, f"module.{case.name} after assigning through both chains")
    P.register_parametrization(module, case.name, L.Scale(3.0))
    with torch.no_grad():
        assert_close(getattr(module, case.name), target * 3.0, f"module.{case.name} after stacking Scale(3.0)")
