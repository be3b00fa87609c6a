"""Removal: values left behind, identity and kind of the tensor, class restoration, errors, order."""

from __future__ import annotations

import copy
import textwrap

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
    assert_same_tensor,
    assert_true,
    assert_unchanged,
    chain_value,
    kind_of,
    raises,
    snapshot,
)
from parametrize_conformance.drawing import draw_case, note_case
from parametrize_conformance.strategies import (
    Case,
    cases,
    chains,
    hosts,
    mixed_cases,
    multi_cases,
    other_dtypes,
    preserving,
    registered,
    registered_reproducer,
    seeded_randn,
    shape_of,
)


@given(data=st.data())
def test_remove_leave_parametrized(P, adapter, device, dtype, swap, data):
    case = data.draw(cases(dtypes=(dtype,)), label="case")
    requires_grad = data.draw(st.booleans(), label="requires_grad")
    explicit = data.draw(st.booleans(), label="pass leave_parametrized=True explicitly")
    note_case(case, adapter, device, f"\n(requires_grad={requires_grad}, swap={swap})")
    module, tensor, kind, requires_grad = registered(case, P, device, requires_grad)
    with torch.no_grad():
        expected = getattr(module, case.name).clone()
    kwargs = {"leave_parametrized": True} if explicit else {}
    returned = P.remove_parametrizations(module, case.name, **kwargs)
    assert_same(returned, module, "remove_parametrizations's return value")
    assert_same_tensor(module, case.name, tensor, kind, requires_grad)
    assert_close(tensor, expected, f"module.{case.name} after removal (the parametrized value)")


@given(data=st.data())
def test_remove_leave_original(P, adapter, device, dtype, swap, data):
    case = data.draw(cases(dtypes=(dtype,)), label="case")
    requires_grad = data.draw(st.booleans(), label="requires_grad")
    note_case(case, adapter, device, f"\n(requires_grad={requires_grad}, swap={swap})")
    module, tensor, kind, requires_grad = registered(case, P, device, requires_grad)
    stored = module.parametrizations[case.name].original.detach().clone()
    returned = P.remove_parametrizations(module, case.name, leave_parametrized=False)
    assert_same(returned, module, "remove_parametrizations's return value")
    assert_same_tensor(module, case.name, tensor, kind, requires_grad)
    assert_close(tensor, stored, f"module.{case.name} after removal (the stored original)")


@given(data=st.data())
def test_remove_restores_class(P, adapter, device, dtype, data):
    host = data.draw(hosts(dtypes=(dtype,), bias=True), label="host")
    names = host.tensor_names()
    chain_of = {n: data.draw(chains(shape_of(host, n), 1, 2), label=f"chain of {n}") for n in names}
    order = data.draw(st.permutations(names), label="removal order")
    leave = data.draw(st.lists(st.booleans(), min_size=len(names), max_size=len(names)), label="leave_parametrized")
    note(
        f"module = {host!r}.build({device!r}); chains {chain_of!r}; removed in order {order!r} "
        f"with leave_parametrized {leave!r}"
    )
    module = host.build(device)
    plain_class = type(module)
    for n in names:
        for p in chain_of[n]:
            P.register_parametrization(module, n, p)
    parametrized_class = type(module)
    for i, (n, keep) in enumerate(zip(order, leave, strict=True)):
        P.remove_parametrizations(module, n, leave_parametrized=keep)
        remaining = order[i + 1 :]
        assert_true(isinstance(getattr(module, n), torch.Tensor), f"module.{n} is not a tensor after its removal")
        if not remaining:
            break
        assert_equal(type(module).__name__, parametrized_class.__name__, f"the class name after removing {order[: i + 1]}")
        assert_equal(type(module).__bases__, (plain_class,), f"the class's bases after removing {order[: i + 1]}")
        assert_equal(
            sorted(module.parametrizations.keys()),
            sorted(remaining),
            f"the keys of module.parametrizations after removing {order[: i + 1]}",
        )
        for r in remaining:
            assert_true(P.is_parametrized(module, r), f"is_parametrized(module, {r!r}) is False, expected True")
            with torch.no_grad():
                expected = chain_value(chain_of[r], module.parametrizations[r].original)
                assert_close(getattr(module, r), expected, f"module.{r} after removing {order[: i + 1]}")
    assert_same(type(module), plain_class, "the module's class after removing every parametrization")
    assert_true(
        not hasattr(module, "parametrizations") and "parametrizations" not in module._modules,
        "module.parametrizations still exists after removing every parametrization, expected it deleted",
    )
    assert_true(not P.is_parametrized(module), "is_parametrized(module) is True after removing everything")


@given(data=st.data())
def test_remove_not_parametrized(P, adapter, device, dtype, data):
    host = data.draw(hosts(dtypes=(dtype,)), label="host")
    names = host.tensor_names()
    done = data.draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names) - 1), label="parametrized")
    target = data.draw(
        st.sampled_from([n for n in names if n not in done] + ["nonexistent", "parametrizations"]), label="removed name"
    )
    leave = data.draw(st.booleans(), label="leave_parametrized")
    note(
        f"module = {host!r}.build({device!r}); register Scale(2.0) on {done!r}; "
        f"P.remove_parametrizations(module, {target!r}, leave_parametrized={leave})"
    )
    module = host.build(device)
    for n in done:
        P.register_parametrization(module, n, L.Scale(2.0))
    before = snapshot(module)
    # Note: REMOVE-NOT-PARAMETRIZED: the docs fix ValueError, the upstream test the phrase.
    with raises(ValueError, "does not have a parametrization", f"removing {target!r}"):
        P.remove_parametrizations(module, target, leave_parametrized=leave)
    assert_unchanged(before, module)


@given(data=st.data())
def test_remove_multi(P, adapter, device, dtype, data):
    case = draw_case(data, multi_cases(dtypes=(dtype,)), adapter, device)
    module = case.build(P, device)
    with torch.no_grad():
        expected = module.weight.clone()
    before = snapshot(module)
    # Note: REMOVE-MULTI: the docs fix ValueError, the upstream tests the phrase.
    with raises(ValueError, "leave_parametrized=False", "removing with leave_parametrized=False"):
        P.remove_parametrizations(module, "weight", leave_parametrized=False)
    assert_unchanged(before, module)
    P.remove_parametrizations(module, "weight", leave_parametrized=True)
    assert_true(not P.is_parametrized(module, "weight"), "is_parametrized(module, 'weight') is True after removal")
    assert_true(kind_of(module, "weight") != "neither", "'weight' is neither a parameter nor a buffer after removal")
    assert_close(module.weight, expected, "module.weight after removal (the parametrized value)")


@given(data=st.data())
def test_remove_multi_keeps_kind(P, adapter, device, dtype, data):
    case = data.draw(multi_cases(dtypes=(dtype,)), label="case")
    # torch: a frozen source comes back as a buffer (its value does not require grad, so it is not re-wrapped).
    head, _, body = case.reproducer(adapter.spec, device).partition("\n    module = ")
    body = ("module = " + body).replace("\n    ", "\n")
    body = body.replace("\nP.register", "\nmodule.weight.requires_grad_(requires_grad)\nP.register", 1)
    body += "\nP.remove_parametrizations(module, 'weight')\nprint(requires_grad, 'weight' in module._parameters)"
    note(f"{head}\n    for requires_grad in (False, True):\n" + textwrap.indent(body, " " * 8))
    with all_checks() as check:
        for requires_grad in (False, True):
            with check():
                _remove_multi_of(P, device, case, requires_grad)


def _remove_multi_of(P, device: str, case, requires_grad: bool) -> None:
    module = case.host.build(device)
    module.weight.requires_grad_(requires_grad)
    case.register_on(P, module)
    P.remove_parametrizations(module, "weight")
    what = f"after removing a {'trainable' if requires_grad else 'frozen'} multi-input parametrization"
    assert_equal(kind_of(module, "weight"), "parameter", f"where 'weight' is registered {what}")
    assert_true(
        isinstance(module.weight, nn.Parameter),
        f"module.weight is a {type(module.weight).__name__} {what}, expected an nn.Parameter",
    )
    assert_equal(module.weight.requires_grad, requires_grad, f"module.weight.requires_grad {what}")


@given(data=st.data())
def test_remove_keeps_order(P, adapter, device, dtype, data):
    host = data.draw(hosts(dtypes=(dtype,), bias=True), label="host")
    # `scratch` is left out: its persistence is BUFFER-PERSISTENCE-KEPT's business.
    name = data.draw(st.sampled_from([n for n in host.tensor_names() if n != "scratch"]), label="name")
    chain = data.draw(chains(shape_of(host, name), 1, 2), label="chain")
    leave = data.draw(st.booleans(), label="leave_parametrized")
    case = Case(host, name, tuple(chain))
    note_case(case, adapter, device, f"\nP.remove_parametrizations(module, {name!r}, {leave})")
    module = host.build(device)

    def order():
        return (
            [n for n, _ in module.named_parameters()],
            [n for n, _ in module.named_buffers()],
            list(module.state_dict().keys()),
        )

    params, buffers, keys = order()
    case.register_on(P, module)
    P.remove_parametrizations(module, name, leave_parametrized=leave)
    new_params, new_buffers, new_keys = order()
    assert_equal(new_params, params, "named_parameters() names after a register/remove round trip")
    assert_equal(new_buffers, buffers, "named_buffers() names after a register/remove round trip")
    assert_equal(new_keys, keys, "state_dict() keys after a register/remove round trip")
    _several_names_keep_order(P, host, device, dtype, data)


def _several_names_keep_order(P, host, device, dtype, data) -> None:
    """Register on several tensors in one order, remove in another: each comes back to its own place."""

    def build() -> nn.Module:
        module = host.build(device)
        for k in range(2):
            module.register_parameter(f"extra{k}", nn.Parameter(seeded_randn((2,), dtype, device, k)))
        module.register_buffer("kept", seeded_randn((2,), dtype, device, 2))
        return module

    names = [n for n, _ in build().named_parameters()] + [n for n, _ in build().named_buffers() if n != "scratch"]
    registering = data.draw(st.permutations(names), label="registration order")
    removing = data.draw(st.permutations(names), label="removal order")
    for order in (removing, registering, registering[::-1]):
        module = build()
        before = (
            [n for n, _ in module.named_parameters()],
            [n for n, _ in module.named_buffers()],
            list(module.state_dict().keys()),
        )
        for name in registering:
            P.register_parametrization(module, name, L.Scale(2.0))
        for name in order:
            P.remove_parametrizations(module, name, leave_parametrized=False)
        after = (
            [n for n, _ in module.named_parameters()],
            [n for n, _ in module.named_buffers()],
            list(module.state_dict().keys()),
        )
        assert_equal(
            after,
            before,
            f"(parameter names, buffer names, state_dict keys) after registering on "
            f"{registering} and removing in the order {order} (module {host!r} plus parameters extra0, "
            f"extra1 and buffer kept)",
        )


@given(data=st.data())
def test_remove_unsafe_shape(P, adapter, device, dtype, data):
    host = data.draw(hosts(dtypes=(dtype,)), label="host")
    name = data.draw(st.sampled_from(host.tensor_names()), label="name")
    flat = (int(torch.Size(shape_of(host, name)).numel()),)
    rest = data.draw(st.lists(preserving(flat), max_size=2), label="stacked on the flattened tensor")
    case = Case(host, name, (L.Flatten(), *rest), unsafe=True)
    note_case(case, adapter, device)
    module, tensor, kind, requires_grad = registered(case, P, device, True)
    chain = list(module.parametrizations[name])
    with torch.no_grad():
        expected = chain_value(chain, module.parametrizations[name].original.detach().clone())
    P.remove_parametrizations(module, name, leave_parametrized=True)
    assert_same_tensor(module, name, tensor, kind, requires_grad)
    assert_equal(tuple(tensor.shape), flat, f"module.{name}.shape after removal")
    assert_close(tensor, expected, f"module.{name} after removal (the flattened parametrized value)")


@given(data=st.data())
def test_remove_view_value(P, adapter, device, dtype, swap, data):
    host = data.draw(hosts(dtypes=(dtype,)), label="host")
    name = data.draw(st.sampled_from(host.tensor_names()), label="name")
    views = [L.Flatten()] + ([L.Transpose()] if len(shape_of(host, name)) == 2 else [])
    # Every view and both requires_grad settings in each example: the failures they show differ.
    for view in views:
        for requires_grad in (True, False):
            case = Case(host, name, (copy.deepcopy(view),), unsafe=True)
            note_case(
                case,
                adapter,
                device,
                f"\n    (requires_grad={requires_grad}, swap={swap})"
                f"\n    P.remove_parametrizations(module, {name!r}, leave_parametrized=True)",
            )
            module, tensor, kind, flag = registered(case, P, device, requires_grad)
            with torch.no_grad():
                expected = getattr(module, name).clone()
            P.remove_parametrizations(module, name, leave_parametrized=True)
            assert_same_tensor(module, name, tensor, kind, flag)
            assert_close(tensor, expected, f"module.{name} after removal of {view!r} (the parametrized value)")


@given(data=st.data())
def test_remove_mixed_dtype(P, adapter, device, dtype, data):
    case = data.draw(mixed_cases(dtypes=(dtype,)), label="case")
    name = case.name
    note(
        registered_reproducer(case, adapter.spec, device, False)
        + f"\n    P.remove_parametrizations(module, {name!r}, leave_parametrized=False)  # ValueError, nothing changed"
        + f"\n    P.remove_parametrizations(module, {name!r}, leave_parametrized=True)"
    )
    module = registered(case, P, device, False)[0]
    with torch.no_grad():
        expected = getattr(module, name).clone()
    before = snapshot(module)
    with raises(ValueError, "", "removing with leave_parametrized=False"):
        P.remove_parametrizations(module, name, leave_parametrized=False)
    assert_unchanged(before, module)
    P.remove_parametrizations(module, name, leave_parametrized=True)
    assert_true(not P.is_parametrized(module, name), f"is_parametrized(module, {name!r}) is True after removal")
    assert_true(kind_of(module, name) != "neither", f"{name!r} is neither a parameter nor a buffer after removal")
    value = getattr(module, name)
    assert_equal(value.dtype, dtype, f"module.{name}.dtype after removal (the tensor's, not an original's)")
    assert_equal(value.requires_grad, False, f"module.{name}.requires_grad after removal")
    assert_close(value, expected, f"module.{name} after removal (the parametrized value)")


@given(data=st.data())
def test_remove_unsafe_dtype(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), min_chain=0, max_chain=2), label="case")
    target = data.draw(other_dtypes(dtype), label="target dtype")
    call = f"P.remove_parametrizations(module, {case.name!r}, leave_parametrized=True)"
    note_case(
        case,
        adapter,
        device,
        f"\nthen P.register_parametrization(module, name, CastTo({target}), unsafe=True)"
        f"\n    torch.__future__.set_swap_module_params_on_conversion(False); {call}",
    )
    module = case.build(P, device) if case.chain else case.host.build(device)
    P.register_parametrization(module, case.name, L.CastTo(target), unsafe=True)
    before = snapshot(module)
    flag = torch.__future__.get_swap_module_params_on_conversion()
    torch.__future__.set_swap_module_params_on_conversion(False)
    with all_checks() as check:
        try:
            with check(), raises(Exception, what=call):
                P.remove_parametrizations(module, case.name, leave_parametrized=True)
        finally:
            torch.__future__.set_swap_module_params_on_conversion(flag)
        with check():
            assert_unchanged(before, module, f"after the failing {call}")
        with check():
            assert_equal(P.is_parametrized(module, case.name), True, f"is_parametrized(module, {case.name!r}) after it")
