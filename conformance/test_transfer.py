"""transfer_parametrizations_and_params: shared parametrizations, tied originals, created names, separate caches."""

from __future__ import annotations

import dataclasses

import pytest
import torch
from hypothesis import given, note
from hypothesis import strategies as st
from torch import nn

from conformance import library as L
from conformance.checks import assert_close, assert_equal, assert_same, assert_true, assert_unchanged, snapshot
from conformance.hosts import HostSpec
from conformance.strategies import Case, cases, chains, multi_cases, shape_of


@st.composite
def _several_cases(draw, dtypes, names=None, min_names: int = 1) -> list[Case]:
    """A case, plus chains on a drawn subset of the host's other tensors (same host); `names` limits the tensors.
    Chains are exact: their right_inverses are defined everywhere (a transfer runs them on the target's tensors)."""
    case = draw(cases(dtypes=dtypes, names=names, exact=True), label="case")
    others = [n for n in case.host.tensor_names() if n != case.name and (names is None or n in names)]
    extra = draw(st.lists(st.sampled_from(others), unique=True, min_size=min(min_names - 1, len(others))),
                 label="extra names") if others else []
    return [case] + [Case(case.host, n, tuple(draw(chains(shape_of(case.host, n), exact=True), label=f"chain of {n}")))
                     for n in extra]


def _build(P, several: list[Case], device: str) -> nn.Module:  # noqa: N803 - the API namespace reads as P
    module = several[0].build(P, device)
    for c in several[1:]:
        for p in c.fresh_chain():
            P.register_parametrization(module, c.name, p)
    return module


def _reproducer(several: list[Case], adapter_name: str, device: str, then: str) -> str:
    text = several[0].reproducer(adapter_name, device)
    text += "".join(f"\n    P.register_parametrization(module, {c.name!r}, {p!r})" for c in several[1:] for p in c.chain)
    return text + "\n    " + then


def _other_seed(host: HostSpec) -> HostSpec:
    return dataclasses.replace(host, seed=host.seed + 1)


def _transfer(P, from_module, to_module, tensor_name=None):  # noqa: N803
    """The transfer, which must succeed and return to_module."""
    try:
        returned = P.transfer_parametrizations_and_params(from_module, to_module, tensor_name)
    except Exception as exc:
        raise AssertionError(f"transfer_parametrizations_and_params(..., tensor_name={tensor_name!r}): got "
                             f"{type(exc).__name__}({exc}), expected it to succeed") from exc
    assert_same(returned, to_module, "transfer_parametrizations_and_params's return value")
    return returned


def _originals(plist) -> list[str]:
    return ["original"] if "original" in plist._parameters or "original" in plist._buffers else \
        [k for k in (*plist._parameters, *plist._buffers) if k.startswith("original")]


def _assert_transferred(from_module, to_module, name: str) -> None:
    """to_module.<name> reads from_module's value, through the same parametrization modules and originals."""
    source, target = from_module.parametrizations[name], to_module.parametrizations[name]
    assert_equal(len(target), len(source), f"the length of to.parametrizations[{name!r}]")
    for i, p in enumerate(source):
        assert_same(target[i], p, f"to.parametrizations[{name!r}][{i}]")
    keys = _originals(source)
    assert_equal(sorted(_originals(target)), sorted(keys), f"the originals of to.parametrizations[{name!r}]")
    for key in keys:
        assert_same(getattr(target, key), getattr(source, key), f"to.parametrizations[{name!r}].{key}")
    with torch.no_grad():
        assert_close(getattr(to_module, name), getattr(from_module, name), f"to.{name}")


@pytest.mark.clause("TRANSFER-ALL")
@given(data=st.data())
def test_transfer_all(P, adapter, device, dtype, data):
    several = data.draw(_several_cases((dtype,)), label="cases")
    host = several[0].host
    note(_reproducer(several, adapter.name, device,
                     f"P.transfer_parametrizations_and_params(module, {_other_seed(host)!r}.build({device!r}))"))
    source = _build(P, several, device)
    before = snapshot(source)
    target = _other_seed(host).build(device)
    _transfer(P, source, target)
    assert_equal(sorted(target.parametrizations), sorted(c.name for c in several), "the keys of to.parametrizations")
    for c in several:
        _assert_transferred(source, target, c.name)
    assert_unchanged(before, source, "after the transfer, the source")


@pytest.mark.clause("TRANSFER-ONE-NAME")
@given(data=st.data())
def test_transfer_one_name(P, adapter, device, dtype, data):
    several = data.draw(_several_cases((dtype,), min_names=2), label="cases")
    host = several[0].host
    name = data.draw(st.sampled_from([c.name for c in several]), label="tensor_name")
    note(_reproducer(several, adapter.name, device, f"P.transfer_parametrizations_and_params(module, "
                     f"{_other_seed(host)!r}.build({device!r}), {name!r})"))
    source = _build(P, several, device)
    target = _other_seed(host).build(device)
    untouched = {n: getattr(target, n) for n in host.tensor_names() if n != name}
    values = {n: t.detach().clone() for n, t in untouched.items()}
    _transfer(P, source, target, name)
    assert_equal(list(target.parametrizations), [name], "the keys of to.parametrizations")
    _assert_transferred(source, target, name)
    for n, tensor in untouched.items():
        assert_true(not P.is_parametrized(target, n), f"is_parametrized(to, {n!r}) is True, expected False")
        assert_same(getattr(target, n), tensor, f"to.{n}")
        assert_close(tensor, values[n], f"to.{n}")


@pytest.mark.clause("TRANSFER-MISSING-TARGET")
@given(data=st.data())
def test_transfer_missing_target(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), exact=True, names=("weight", "bias")), label="case")
    target_kind = data.draw(st.sampled_from(["host without the name", "nn.Module()"]), label="target")
    by_name = data.draw(st.booleans(), label="pass tensor_name")
    tensor_name = case.name if by_name else None
    note(case.reproducer(adapter.name, device) + f"\n    target = {target_kind} (lacking {case.name!r})"
         f"\n    P.transfer_parametrizations_and_params(module, target, {tensor_name!r})")
    source = case.build(P, device)
    if target_kind == "nn.Module()":
        target = nn.Module()
    else:
        target = _other_seed(case.host).build(device)
        delattr(target, case.name)
    assert_true(not hasattr(target, case.name), f"the target has {case.name!r} before the transfer, expected not")
    _transfer(P, source, target, tensor_name)
    assert_true(P.is_parametrized(target, case.name), f"is_parametrized(to, {case.name!r}) is False, expected True")
    _assert_transferred(source, target, case.name)
    assert_true(isinstance(target.parametrizations[case.name].original, nn.Parameter),
                "to's original is not an nn.Parameter, expected a Parameter like the source's")


@pytest.mark.clause("TRANSFER-MULTI")
@given(data=st.data())
def test_transfer_multi(P, adapter, device, dtype, data):
    case = data.draw(multi_cases(dtypes=(dtype,), exact=True), label="case")
    missing = data.draw(st.booleans(), label="target lacks weight")
    note(case.reproducer(adapter.name, device) + f"\n    target = {_other_seed(case.host)!r}.build({device!r})"
         + ("\n    del target.weight" if missing else "") + "\n    P.transfer_parametrizations_and_params(module, target)")
    source = case.build(P, device)
    target = _other_seed(case.host).build(device)
    if missing:
        delattr(target, "weight")
    _transfer(P, source, target)
    assert_equal(sorted(_originals(target.parametrizations["weight"])), ["original0", "original1"],
                 "the originals of to.parametrizations['weight']")
    _assert_transferred(source, target, "weight")


@pytest.mark.clause("TRANSFER-NOT-PARAMETRIZED")
@given(data=st.data())
def test_transfer_not_parametrized(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), exact=True), label="case")
    history = data.draw(st.sampled_from(["never parametrized", "parametrization removed"]), label="source")
    target_case = data.draw(st.none() | cases(dtypes=(dtype,), exact=True), label="target case")
    tensor_name = data.draw(st.sampled_from([None, case.name]), label="tensor_name")
    note(case.reproducer(adapter.name, device) + f"\n    (source: {history}; target: "
         f"{'plain host' if target_case is None else target_case}; tensor_name={tensor_name!r})")
    source = case.host.build(device)
    if history == "parametrization removed":
        source = case.build(P, device)
        P.remove_parametrizations(source, case.name)
    target = _other_seed(case.host).build(device) if target_case is None else target_case.build(P, device)
    before_source, before_target = snapshot(source), snapshot(target)
    _transfer(P, source, target, tensor_name)
    assert_unchanged(before_target, target, "after the transfer, the target")
    assert_unchanged(before_source, source, "after the transfer, the source")


@pytest.mark.clause("TRANSFER-BUFFER")
@given(data=st.data())
def test_transfer_buffer(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), exact=True, kinds=("buffers",), names=("running", "scratch")), label="case")
    target_kind = data.draw(st.sampled_from(["host without the name", "nn.Module()", "nn.Linear"]), label="target")
    note(case.reproducer(adapter.name, device) + f"\n    target = {target_kind} (lacking {case.name!r})"
         f"\n    P.transfer_parametrizations_and_params(module, target, {case.name!r})")
    source = case.build(P, device)
    if target_kind == "host without the name":
        target = _other_seed(case.host).build(device)
        delattr(target, case.name)
    else:
        target = nn.Module() if target_kind == "nn.Module()" else nn.Linear(2, 2).to(device=device, dtype=dtype)
    _transfer(P, source, target, case.name)
    plist = target.parametrizations[case.name]
    assert_true("original" in plist._buffers and "original" not in plist._parameters,
                f"to.parametrizations[{case.name!r}].original is not a buffer, expected a buffer like the source's")
    assert_true(not isinstance(plist.original, nn.Parameter), "to's original is an nn.Parameter, expected a buffer")
    assert_true(all(t is not plist.original for t in target.parameters()),
                "to's original is among to.parameters(), expected it only among buffers")
    with torch.no_grad():
        assert_close(getattr(target, case.name), getattr(source, case.name), f"to.{case.name}")


@pytest.mark.clause("TRANSFER-CACHE-SEPARATE")
@given(data=st.data())
def test_transfer_cache_separate(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), exact=True), label="case")
    if all(isinstance(p, L.Identity) for p in case.chain):
        # An identity chain returns the (tied, shared) original itself: no module-specific value to cache.
        case = dataclasses.replace(case, chain=(*case.chain, L.Scale(2.0)))
    name = case.name
    note(case.reproducer(adapter.name, device) + "\n    target = <the host, next seed>; transfer; read both in cached()")
    source = case.build(P, device)
    target = _transfer(P, source, _other_seed(case.host).build(device))
    with P.cached():
        first_source, first_target = getattr(source, name), getattr(target, name)
        assert_true(first_source is not first_target, f"inside cached(), to.{name} is from.{name}'s object, "
                    "expected each module's own")
        assert_same(getattr(source, name), first_source, f"from.{name} read again inside cached()")
        assert_same(getattr(target, name), first_target, f"to.{name} read again inside cached()")
    assert_close(first_target, first_source, f"to.{name} inside cached()")

