"""Stacking: the checks a safe stacked registration runs on the new forward and right_inverse."""

from __future__ import annotations

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from conformance import library as L
from conformance.checks import assert_close, assert_equal, assert_list_unchanged, assert_same, raises, snapshot
from conformance.drawing import draw_case
from conformance.strategies import any_cases, bad_forward_modes, bad_inverse_modes


@pytest.mark.clause("STACK-FORWARD-CHECKED")
@given(data=st.data(), modes=st.lists(bad_forward_modes(), min_size=1, max_size=3))
def test_stack_forward_checked(P, adapter, device, dtype, data, modes):
    case = draw_case(data, any_cases((dtype,)), adapter, device,
                     f"\nthen stacking BadForward(mode) for mode in {modes!r}, each failing")
    chain = case.fresh_chain()
    module = case.build(P, device, chain=chain)
    for mode in modes:
        before = snapshot(module)
        with torch.no_grad():
            y = getattr(module, case.name)
        phrase = {"tuple": "A parametrization must return a tensor. Got tuple",
                  "dtype": f"may not change the dtype of the tensor, unless the `unsafe` flag is enabled.\n"
                           f"module.{case.name}.dtype: {y.dtype}",
                  "shape": f"may not change the shape of the tensor, unless the `unsafe` flag is enabled.\n"
                           f"module.{case.name}.shape: {y.shape}"}[mode]
        with raises(ValueError, phrase, f"stacking BadForward({mode!r})"):
            P.register_parametrization(module, case.name, L.BadForward(mode))
        assert_list_unchanged(before, module, case.name, chain, f"after stacking BadForward({mode!r}) failed")
        with torch.no_grad():
            assert_close(getattr(module, case.name), y, f"module.{case.name} after the failed stacking")


@pytest.mark.clause("STACK-INVERSE-CHECKED")
@given(data=st.data(),
       modes=st.lists(st.one_of(bad_inverse_modes(first_registration=False), st.just("not_implemented")),
                      min_size=1, max_size=3))
def test_stack_inverse_checked(P, adapter, device, dtype, data, modes):
    case = draw_case(data, any_cases((dtype,)), adapter, device,
                     f"\nthen stacking BadInverse(mode) for mode in {modes!r} "
                     "(InverseNotImplemented() for 'not_implemented')")
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
        with torch.no_grad():
            z = p.right_inverse(y)
        if mode == "tuple":
            phrase = "parametrization.right_inverse must return a tensor. Got: tuple"
        else:
            phrase = (f"must have the same {mode} as module.{case.name}, unless the `unsafe` flag is enabled.\n"
                      f"module.{case.name}.{mode}: {getattr(y, mode)}\nreturned {mode}: {getattr(z, mode)}")
        with raises(ValueError, phrase, f"stacking BadInverse({mode!r})"):
            P.register_parametrization(module, case.name, p)
        assert_list_unchanged(before, module, case.name, chain, f"after stacking BadInverse({mode!r}) failed")
