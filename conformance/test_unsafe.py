"""The unsafe flag: shape and dtype changes allowed, sticky on the list, and no checking calls."""

from __future__ import annotations

import torch
from hypothesis import given
from hypothesis import strategies as st

from parametrize_conformance import library as L
from parametrize_conformance.checks import assert_close, assert_equal, assert_same, assert_true
from parametrize_conformance.drawing import draw_case, note_case
from parametrize_conformance.strategies import cases, other_dtypes


@given(data=st.data(), then_scale=st.booleans())
def test_unsafe_shape_allowed(P, adapter, device, dtype, swap, data, then_scale):
    case = draw_case(
        data,
        cases(dtypes=(dtype,), min_chain=0, max_chain=2),
        adapter,
        device,
        "\nthen P.register_parametrization(module, name, Flatten(), unsafe=True)"
        + ("\nthen P.register_parametrization(module, name, Scale(2.0))" if then_scale else ""),
    )
    module = case.build(P, device) if case.chain else case.host.build(device)
    with torch.no_grad():
        before = getattr(module, case.name).detach().clone()
    P.register_parametrization(module, case.name, L.Flatten(), unsafe=True)
    with torch.no_grad():
        assert_close(getattr(module, case.name), before.flatten(), f"module.{case.name} after Flatten()")
    if then_scale:
        # The new shape is the tensor's shape from now on: a safe stacking is checked against it.
        P.register_parametrization(module, case.name, L.Scale(2.0))
        with torch.no_grad():
            assert_close(getattr(module, case.name), before.flatten() * 2.0, f"module.{case.name} after Scale(2.0)")
    original = module.parametrizations[case.name].original
    assert_equal(tuple(original.shape), case.shape, "the stored original's shape")


@given(data=st.data())
def test_unsafe_dtype_allowed(P, adapter, device, dtype, swap, data):
    case = data.draw(cases(dtypes=(dtype,), min_chain=0, max_chain=2), label="case")
    target = data.draw(other_dtypes(dtype), label="target dtype")
    note_case(case, adapter, device, f"\nthen P.register_parametrization(module, name, CastTo({target}), unsafe=True)")
    module = case.build(P, device) if case.chain else case.host.build(device)
    with torch.no_grad():
        before = getattr(module, case.name).detach().clone()
    P.register_parametrization(module, case.name, L.CastTo(target), unsafe=True)
    with torch.no_grad():
        assert_close(getattr(module, case.name), before.to(target), f"module.{case.name} after CastTo({target})")
    assert_equal(module.parametrizations[case.name].original.dtype, dtype, "the stored original's dtype")
    # Under the swap flag, removal keeps the new dtype in the same object, of the same kind.
    original = module.parametrizations[case.name].original
    kind = type(original)
    flag = torch.__future__.get_swap_module_params_on_conversion()
    torch.__future__.set_swap_module_params_on_conversion(True)
    try:
        P.remove_parametrizations(module, case.name, leave_parametrized=True)
    finally:
        torch.__future__.set_swap_module_params_on_conversion(flag)
    what = "after remove_parametrizations(module, name, leave_parametrized=True) under the swap flag"
    assert_same(getattr(module, case.name), original, f"module.{case.name} {what}")
    assert_equal(getattr(module, case.name).dtype, target, f"module.{case.name}.dtype {what}")
    assert_equal(type(getattr(module, case.name)), kind, f"the type of module.{case.name} {what}")


@given(data=st.data())
def test_unsafe_sticky(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,), min_chain=2, max_chain=4), label="case")
    flags = data.draw(st.lists(st.booleans(), min_size=len(case.chain), max_size=len(case.chain)), label="unsafe flags")
    note_case(case, adapter, device, f"\nwith unsafe= {flags!r} for the registrations in turn")
    module = case.host.build(device)
    for i, (p, unsafe) in enumerate(zip(case.fresh_chain(), flags, strict=True)):
        P.register_parametrization(module, case.name, p, **({"unsafe": True} if unsafe else {}))
        got = module.parametrizations[case.name].unsafe
        assert_true(
            got is any(flags[: i + 1]),
            f"the list's unsafe flag after registrations with unsafe="
            f"{flags[: i + 1]!r}: got {got!r}, expected {any(flags[: i + 1])!r}",
        )


@given(data=st.data(), first_unsafe=st.booleans())
def test_unsafe_skips_calls(P, adapter, device, dtype, data, first_unsafe):
    case = draw_case(
        data,
        cases(dtypes=(dtype,), min_chain=2, max_chain=3),
        adapter,
        device,
        f"\nwrapped in Logged, the first registered with unsafe={first_unsafe}, the others stacked with unsafe=True",
    )
    log: list = []
    module = case.host.build(device)
    chain = case.logged_chain(log)
    P.register_parametrization(module, case.name, chain[0], **({"unsafe": True} if first_unsafe else {}))
    if first_unsafe:
        assert_equal(log, [("ri", "0")], "calls made by an unsafe first registration")
    for i, p in enumerate(chain[1:], start=1):
        log.clear()
        P.register_parametrization(module, case.name, p, unsafe=True)
        assert_equal(log, [], f"calls made by stacking parametrization {i} with unsafe=True")
