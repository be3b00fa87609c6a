"""transfer_parametrizations_and_params: shared parametrizations, tied originals, created names, separate caches."""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Callable

import torch
from hypothesis import given, note
from hypothesis import strategies as st
from torch import nn

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    all_checks,
    assert_close,
    assert_equal,
    assert_same,
    assert_true,
    assert_unchanged,
    original_names,
    raises,
    snapshot,
    transfer,
)
from parametrize_conformance.drawing import note_case
from parametrize_conformance.strategies import build_several, cases, multi_cases, several_cases, several_reproducer


def _assert_transferred(from_module, to_module, name: str) -> None:
    """to_module.<name> reads from_module's value, through the same parametrization modules and originals."""
    source, target = from_module.parametrizations[name], to_module.parametrizations[name]
    assert_equal(len(target), len(source), f"the length of to.parametrizations[{name!r}]")
    for i, p in enumerate(source):
        assert_same(target[i], p, f"to.parametrizations[{name!r}][{i}]")
    keys = original_names(source)
    assert_equal(sorted(original_names(target)), sorted(keys), f"the originals of to.parametrizations[{name!r}]")
    for key in keys:
        assert_same(getattr(target, key), getattr(source, key), f"to.parametrizations[{name!r}].{key}")
    with torch.no_grad():
        assert_close(getattr(to_module, name), getattr(from_module, name), f"to.{name}")


# Note: the cases' chains are exact, so their right_inverses are defined everywhere: a transfer runs them on the
# target's tensors.
@given(data=st.data())
def test_transfer_all(P, adapter, device, dtype, data):
    several = data.draw(several_cases((dtype,), exact=True), label="cases")
    host = several[0].host
    note(
        several_reproducer(
            several,
            adapter.spec,
            device,
            f"P.transfer_parametrizations_and_params(module, {host.reseeded()!r}.build({device!r}))",
        )
    )
    source = build_several(P, several, device)
    before = snapshot(source)
    target = host.reseeded().build(device)
    transfer(P, source, target)
    assert_equal(sorted(target.parametrizations), sorted(c.name for c in several), "the keys of to.parametrizations")
    for c in several:
        _assert_transferred(source, target, c.name)
    assert_unchanged(before, source, "after the transfer, the source")


@given(data=st.data())
def test_transfer_one_name(P, adapter, device, dtype, data):
    several = data.draw(several_cases((dtype,), min_names=2, exact=True), label="cases")
    host = several[0].host
    name = data.draw(st.sampled_from([c.name for c in several]), label="tensor_name")
    note(
        several_reproducer(
            several,
            adapter.spec,
            device,
            f"P.transfer_parametrizations_and_params(module, {host.reseeded()!r}.build({device!r}), {name!r})",
        )
    )
    source = build_several(P, several, device)
    target = host.reseeded().build(device)
    untouched = {n: getattr(target, n) for n in host.tensor_names() if n != name}
    values = {n: t.detach().clone() for n, t in untouched.items()}
    transfer(P, source, target, name)
    assert_equal(list(target.parametrizations), [name], "the keys of to.parametrizations")
    _assert_transferred(source, target, name)
    for n, tensor in untouched.items():
        assert_true(not P.is_parametrized(target, n), f"is_parametrized(to, {n!r}) is True, expected False")
        assert_same(getattr(target, n), tensor, f"to.{n}")
        assert_close(tensor, values[n], f"to.{n}")


@given(data=st.data())
def test_transfer_missing_target(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), exact=True, names=("weight", "bias")), label="case")
    target_kind = data.draw(st.sampled_from(["host without the name", "nn.Module()"]), label="target")
    by_name = data.draw(st.booleans(), label="pass tensor_name")
    tensor_name = case.name if by_name else None
    note_case(
        case,
        adapter,
        device,
        f"\n    target = {target_kind} (lacking {case.name!r})"
        f"\n    P.transfer_parametrizations_and_params(module, target, {tensor_name!r})",
    )
    source = case.build(P, device)
    if target_kind == "nn.Module()":
        target = nn.Module()
    else:
        target = case.host.reseeded().build(device)
        delattr(target, case.name)
    assert_true(not hasattr(target, case.name), f"the target has {case.name!r} before the transfer, expected not")
    transfer(P, source, target, tensor_name)
    assert_true(P.is_parametrized(target, case.name), f"is_parametrized(to, {case.name!r}) is False, expected True")
    _assert_transferred(source, target, case.name)
    assert_true(
        isinstance(target.parametrizations[case.name].original, nn.Parameter),
        "to's original is not an nn.Parameter, expected a Parameter like the source's",
    )


@given(data=st.data())
def test_transfer_multi(P, adapter, device, dtype, data):
    case = data.draw(multi_cases(dtypes=(dtype,), exact=True), label="case")
    missing = data.draw(st.booleans(), label="target lacks weight")
    note_case(
        case,
        adapter,
        device,
        f"\n    target = {case.host.reseeded()!r}.build({device!r})"
        + ("\n    del target.weight" if missing else "")
        + "\n    P.transfer_parametrizations_and_params(module, target)",
    )
    source = case.build(P, device)
    target = case.host.reseeded().build(device)
    if missing:
        delattr(target, "weight")
    transfer(P, source, target)
    assert_equal(
        sorted(original_names(target.parametrizations["weight"])),
        ["original0", "original1"],
        "the originals of to.parametrizations['weight']",
    )
    _assert_transferred(source, target, "weight")


@given(data=st.data())
def test_transfer_not_parametrized(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), exact=True), label="case")
    history = data.draw(st.sampled_from(["never parametrized", "parametrization removed"]), label="source")
    target_case = data.draw(st.none() | cases(dtypes=(dtype,), exact=True), label="target case")
    tensor_name = data.draw(st.sampled_from([None, case.name]), label="tensor_name")
    note_case(
        case,
        adapter,
        device,
        f"\n    (source: {history}; target: "
        f"{'plain host' if target_case is None else target_case}; tensor_name={tensor_name!r})",
    )
    source = case.host.build(device)
    if history == "parametrization removed":
        source = case.build(P, device)
        P.remove_parametrizations(source, case.name)
    target = case.host.reseeded().build(device) if target_case is None else target_case.build(P, device)
    before_source, before_target = snapshot(source), snapshot(target)
    transfer(P, source, target, tensor_name)
    assert_unchanged(before_target, target, "after the transfer, the target")
    assert_unchanged(before_source, source, "after the transfer, the source")


@given(data=st.data())
def test_transfer_buffer(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), exact=True, kinds=("buffers",), names=("running", "scratch")), label="case")
    target_kind = data.draw(st.sampled_from(["host without the name", "nn.Module()", "nn.Linear"]), label="target")
    note_case(
        case,
        adapter,
        device,
        f"\n    target = {target_kind} (lacking {case.name!r})"
        f"\n    P.transfer_parametrizations_and_params(module, target, {case.name!r})",
    )
    source = case.build(P, device)
    if target_kind == "host without the name":
        target = case.host.reseeded().build(device)
        delattr(target, case.name)
    else:
        target = nn.Module() if target_kind == "nn.Module()" else nn.Linear(2, 2).to(device=device, dtype=dtype)
    transfer(P, source, target, case.name)
    plist = target.parametrizations[case.name]
    assert_true(
        "original" in plist._buffers and "original" not in plist._parameters,
        f"to.parametrizations[{case.name!r}].original is not a buffer, expected a buffer like the source's",
    )
    assert_true(not isinstance(plist.original, nn.Parameter), "to's original is an nn.Parameter, expected a buffer")
    assert_true(
        all(t is not plist.original for t in target.parameters()),
        "to's original is among to.parameters(), expected it only among buffers",
    )
    key = f"parametrizations.{case.name}.original"
    assert_equal(
        key in target.state_dict(),
        key in source.state_dict(),
        f"whether to.state_dict() holds {key} (the created buffer keeps the source's persistence)",
    )
    with torch.no_grad():
        assert_close(getattr(target, case.name), getattr(source, case.name), f"to.{case.name}")


@given(data=st.data())
def test_transfer_cache_separate(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), exact=True), label="case")
    if all(isinstance(p, L.Identity) for p in case.chain):
        # An identity chain returns the (tied, shared) original itself: no module-specific value to cache.
        case = dataclasses.replace(case, chain=(*case.chain, L.Scale(2.0)))
    name = case.name
    note_case(case, adapter, device, "\n    target = <the host, next seed>; transfer; read both in cached()")
    source = case.build(P, device)
    target = transfer(P, source, case.host.reseeded().build(device))
    with P.cached():
        first_source, first_target = getattr(source, name), getattr(target, name)
        assert_true(
            first_source is not first_target,
            f"inside cached(), to.{name} is from.{name}'s object, expected each module's own",
        )
        assert_same(getattr(source, name), first_source, f"from.{name} read again inside cached()")
        assert_same(getattr(target, name), first_target, f"to.{name} read again inside cached()")
    assert_close(first_target, first_source, f"to.{name} inside cached()")


def _refusal(call: Callable[[], object], what: str) -> str:
    """Run `call`, which must raise (any exception: the docs fix none); "Type('message')" of what it raised."""
    try:
        call()
    except Exception as exc:  # any exception refuses
        return f"{type(exc).__name__}({str(exc)!r})"
    raise AssertionError(f"{what}: got no exception, expected an exception")


@given(data=st.data())
def test_transfer_atomic(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), kinds=("linear",), names=("weight",), exact=True), label="case")
    # A target already parametrized, and one in the other training mode, check that the list's structure and the
    # parametrizations' training flags (which registering changes) are rolled back too.
    # Note: TRANSFER-ATOMIC: a target parametrized on another tensor gets a new class from the transfer of weight,
    # before bias fails; the rollback must give it its class back too.
    parametrized = data.draw(st.sampled_from(["no", "weight", "another tensor"]), label="target already parametrized on")
    mode = data.draw(st.booleans(), label="target.training")
    # Note: TRANSFER-ATOMIC: inside cached() too. The values read there before the failing transfer are what reads
    # serve after it (CACHE-KEPT-IN-CONTEXT's); the values not read before are the ones the module had before it.
    in_cached = data.draw(st.sampled_from(["no", "read first", "unread"]), label="inside cached()")
    source_case = dataclasses.replace(case, host=dataclasses.replace(case.host, bias=True))
    target_host = dataclasses.replace(case.host.reseeded(), bias=False)
    note_case(
        source_case,
        adapter,
        device,
        "\nP.register_parametrization(module, 'bias', Scale(2.0))"
        f"\ntarget = {target_host!r}.build({device!r}).train({mode})"
        + {
            "no": "",
            "weight": "\nP.register_parametrization(target, 'weight', Scale(3.0))",
            "another tensor": "\ntarget.register_buffer('extra', torch.ones(2))"
            "\nP.register_parametrization(target, 'extra', Scale(3.0))",
        }[parametrized]
        + {"no": "", "read first": "\nwith P.cached(): read module.weight, module.bias, target.weight; then"}.get(
            in_cached, "\nwith P.cached():"
        )
        + "\nP.transfer_parametrizations_and_params(module, target)",
    )
    source = source_case.build(P, device)
    P.register_parametrization(source, "bias", L.Scale(2.0))
    target = target_host.build(device).train(mode)
    if parametrized == "another tensor":
        target.register_buffer("extra", torch.ones(2, dtype=dtype, device=device))
    if parametrized != "no":
        P.register_parametrization(target, "weight" if parametrized == "weight" else "extra", L.Scale(3.0))
    source_before, target_before = snapshot(source), snapshot(target)
    with P.cached() if in_cached != "no" else contextlib.nullcontext():
        read = ((source, "weight"), (source, "bias"), (target, "weight")) if in_cached == "read first" else ()
        served = [(m, n, getattr(m, n)) for m, n in read]
        # `weight` transfers first; `bias` cannot, because the target's bias is None. Note: TRANSFER-ATOMIC: any
        # exception will do (the docs fix none); TRANSFER-ERROR-TYPE prefers REGISTER-NONE-SLOT's ValueError.
        what = "the failing transfer onto a target whose bias is None"
        got = _refusal(lambda: P.transfer_parametrizations_and_params(source, target), what)
        with all_checks() as check:
            with check():
                assert_unchanged(target_before, target, f"after {what} (it got {got}), the target")
            with check():
                assert_unchanged(source_before, source, f"after {what} (it got {got}), the source")
            for module, name, value in served:
                which = "module" if module is source else "target"
                with check():
                    assert_same(getattr(module, name), value, f"after {what} (it got {got}) inside cached(), {which}.{name}")


@given(data=st.data())
def test_transfer_self(P, adapter, device, dtype, data):
    several = data.draw(several_cases((dtype,)), label="cases")
    name = data.draw(st.sampled_from([None, *(c.name for c in several)]), label="tensor_name")
    call = f"P.transfer_parametrizations_and_params(module, module{'' if name is None else f', {name!r}'})"
    note(several_reproducer(several, adapter.spec, device, call))
    module = build_several(P, several, device)
    before = snapshot(module)
    # Note: TRANSFER-SELF: any exception will do (the docs fix none); TRANSFER-ERROR-TYPE prefers ValueError.
    what = f"transferring module's parametrizations onto module itself ({call})"
    got = _refusal(lambda: P.transfer_parametrizations_and_params(module, module, name), what)
    assert_unchanged(before, module, f"after {what} (it got {got})")


@given(data=st.data(), route=st.sampled_from(["none slot", "itself"]), in_cached=st.booleans(), extra=st.booleans())
def test_transfer_error_type(P, adapter, device, dtype, data, route, in_cached, extra):
    case = data.draw(cases(dtypes=(dtype,), kinds=("linear",), names=("weight",), exact=True), label="case")
    source_case = dataclasses.replace(case, host=dataclasses.replace(case.host, bias=True))
    target_host = dataclasses.replace(case.host.reseeded(), bias=False)
    onto = "module" if route == "itself" else "target"
    note_case(
        source_case,
        adapter,
        device,
        "\nP.register_parametrization(module, 'bias', Scale(2.0))"
        + ("" if route == "itself" else f"\ntarget = {target_host!r}.build({device!r})")
        + (
            f"\n{onto}.register_buffer('extra', torch.ones(2)); P.register_parametrization({onto}, 'extra', Scale(3.0))"
            if extra
            else ""
        )
        + ("\nwith P.cached():" if in_cached else "")
        + f"\nP.transfer_parametrizations_and_params(module, {onto})  # expected ValueError",
    )
    source = source_case.build(P, device)
    P.register_parametrization(source, "bias", L.Scale(2.0))
    target = source if route == "itself" else target_host.build(device)
    # Note: TRANSFER-ERROR-TYPE: also onto a target parametrized on another tensor, whose state a transfer saves first.
    if extra:
        target.register_buffer("extra", torch.ones(2, dtype=dtype, device=device))
        P.register_parametrization(target, "extra", L.Scale(3.0))
    what = (
        "transferring module's parametrizations onto module itself"
        if route == "itself"
        else "transferring weight and bias onto a target whose bias is None"
    )
    # Note: TRANSFER-ERROR-TYPE: inside cached() too, where undoing the failed transfer also puts the cache back.
    with P.cached() if in_cached else contextlib.nullcontext(), raises(ValueError, "", what):
        P.transfer_parametrizations_and_params(source, target)
