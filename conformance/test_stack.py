"""Stacking: the checks a safe stacked registration runs on the new forward and right_inverse."""

from __future__ import annotations

import torch
from hypothesis import given
from hypothesis import strategies as st

from parametrize_conformance import library as L
from parametrize_conformance.checks import assert_close, assert_equal, assert_list_unchanged, assert_same, raises, snapshot
from parametrize_conformance.drawing import draw_case
from parametrize_conformance.strategies import any_cases, bad_forward_modes, bad_inverse_modes


@given(data=st.data(), modes=st.lists(bad_forward_modes(), min_size=1, max_size=3))
def test_stack_forward_checked(P, adapter, device, dtype, swap, data, modes):
    case = draw_case(
        data, any_cases((dtype,)), adapter, device, f"\nthen stacking BadForward(mode) for mode in {modes!r}, each failing"
    )
    chain = case.fresh_chain()
    module = case.build(P, device, chain=chain)
    for mode in modes:
        before = snapshot(module)
        with torch.no_grad():
            y = getattr(module, case.name)
        # Note: STACK-FORWARD-CHECKED: the phrases test_errors_parametrized_tensor_parametrization quotes.
        phrase = {"tuple": "must return a tensor", "dtype": "may not change the dtype", "shape": "may not change the shape"}[
            mode
        ]
        with raises(ValueError, phrase, f"stacking BadForward({mode!r})"):
            P.register_parametrization(module, case.name, L.BadForward(mode))
        assert_list_unchanged(before, module, case.name, chain, f"after stacking BadForward({mode!r}) failed")
        with torch.no_grad():
            assert_close(getattr(module, case.name), y, f"module.{case.name} after the failed stacking")


@given(
    data=st.data(),
    modes=st.lists(
        st.one_of(bad_inverse_modes(first_registration=False), st.just("not_implemented")), min_size=1, max_size=3
    ),
)
def test_stack_inverse_checked(P, adapter, device, dtype, swap, data, modes):
    case = draw_case(
        data,
        any_cases((dtype,)),
        adapter,
        device,
        f"\nthen stacking BadInverse(mode) for mode in {modes!r} (InverseNotImplemented() for 'not_implemented')",
    )
    chain = case.fresh_chain()
    module = case.build(P, device, chain=chain)
    for mode in modes:
        before = snapshot(module)
        with torch.no_grad():
            y = getattr(module, case.name)
        if mode == "not_implemented":
            # A NotImplementedError from the new right_inverse skips the check: the registration succeeds.
            p = L.InverseNotImplemented()
            P.register_parametrization(module, case.name, p)
            chain.append(p)
            plist = module.parametrizations[case.name]
            assert_equal(len(plist), len(chain), "the list's length after stacking InverseNotImplemented()")
            assert_same(plist[len(chain) - 1], p, "the last parametrization after stacking InverseNotImplemented()")
            with torch.no_grad():
                assert_close(getattr(module, case.name), y, f"module.{case.name} after stacking InverseNotImplemented()")
            for (key, old), (_, new) in zip(before.values, snapshot(module).values, strict=True):
                assert_close(new, old, f"{key} after stacking InverseNotImplemented()")
            continue
        p = L.BadInverse(mode)
        # Note: STACK-INVERSE-CHECKED: the phrases test_errors_parametrized_tensor_parametrization quotes.
        phrase = "right_inverse must return a tensor" if mode == "tuple" else f"must have the same {mode}"
        with raises(ValueError, phrase, f"stacking BadInverse({mode!r})"):
            P.register_parametrization(module, case.name, p)
        assert_list_unchanged(before, module, case.name, chain, f"after stacking BadInverse({mode!r}) failed")


@given(
    data=st.data(),
    mode=st.sampled_from(
        ["forward tuple", "forward dtype", "forward shape", "inverse tuple", "inverse dtype", "inverse shape"]
    ),
)
def test_stack_check_details(P, adapter, device, dtype, data, mode):
    side, how = mode.split()
    case = draw_case(data, any_cases((dtype,)), adapter, device, f"\nthen stacking Bad{side.title()}({how!r})")
    module = case.build(P, device)
    p = L.BadForward(how) if side == "forward" else L.BadInverse(how)
    with torch.no_grad():
        y = getattr(module, case.name)
        z = p.right_inverse(y) if side == "inverse" else None
    # Note: STACK-CHECK-DETAILS: torch 2.13's sentences, with the tensor's name and its dtype or shape (and the
    # returned one, for a right_inverse) on the lines after them.
    unsafe = "unless the `unsafe` flag is enabled.\n"
    if side == "forward":
        phrase = (
            "A parametrization must return a tensor. Got tuple"
            if how == "tuple"
            else f"may not change the {how} of the tensor, {unsafe}module.{case.name}.{how}: {getattr(y, how)}"
        )
    else:
        phrase = (
            "parametrization.right_inverse must return a tensor. Got: tuple"
            if how == "tuple"
            else f"must have the same {how} as module.{case.name}, {unsafe}module.{case.name}.{how}: "
            f"{getattr(y, how)}\nreturned {how}: {getattr(z, how)}"
        )
    with raises(ValueError, phrase, f"stacking Bad{side.title()}({how!r})"):
        P.register_parametrization(module, case.name, p)
