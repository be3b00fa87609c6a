"""Buffers: a parametrized buffer stays a buffer, and a non-persistent one stays out of state_dict."""

from __future__ import annotations

import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn

from parametrize_conformance import library as L
from parametrize_conformance.checks import all_checks, assert_close, assert_equal, assert_same, assert_true, original_names
from parametrize_conformance.drawing import draw_case, note_case
from parametrize_conformance.strategies import buffer_cases


@given(data=st.data())
def test_buffer_stays_buffer(P, adapter, device, dtype, data):
    case = draw_case(
        data, buffer_cases("running", (dtype,)), adapter, device, "\nthen P.remove_parametrizations(module, 'running')"
    )
    module = case.host.build(device)
    buffer = module.running
    parameters = [id(p) for p in module.parameters()]
    case.register_on(P, module)
    plist = module.parametrizations["running"]
    assert_equal([id(p) for p in module.parameters()], parameters, "the ids of module.parameters() while parametrized")
    for key in original_names(plist):
        assert_true(
            key in plist._buffers and key not in plist._parameters,
            f"plist.{key} is {'a parameter' if key in plist._parameters else 'not a buffer'}, expected a buffer",
        )
        assert_true(not isinstance(getattr(plist, key), nn.Parameter), f"plist.{key} is an nn.Parameter")
    with torch.no_grad():
        expected = module.running.clone()
    P.remove_parametrizations(module, "running")
    assert_true(
        "running" in module._buffers and "running" not in module._parameters,
        "'running' is not a buffer of the module after removal",
    )
    assert_true(not isinstance(module.running, nn.Parameter), "module.running is an nn.Parameter after removal")
    assert_true(
        "running" in module.state_dict(),
        "'running' is not in state_dict() after removal, expected it to stay a persistent buffer",
    )
    if not isinstance(case.chain[0], L.SumOfTwo):
        assert_same(module.running, buffer, "module.running after removal")
    assert_equal([id(p) for p in module.parameters()], parameters, "the ids of module.parameters() after removal")
    assert_close(module.running, expected, "module.running after removal (the parametrized value)")


@given(data=st.data())
def test_buffer_persistence_kept(P, adapter, device, dtype, data):
    case = data.draw(buffer_cases("scratch", (dtype,)), label="case")
    leave = data.draw(st.booleans(), label="leave_parametrized") if not isinstance(case.chain[0], L.SumOfTwo) else True
    note_case(case, adapter, device, f"\nthen P.remove_parametrizations(module, 'scratch', {leave})")
    module = case.build(P, device)
    # torch: the buffer leaves `_non_persistent_buffers_set` when deleted and comes back as a persistent buffer.
    leaked = [k for k in module.state_dict() if k == "scratch" or k.startswith("parametrizations.scratch.original")]
    with all_checks() as check:
        with check():
            assert_equal(leaked, [], "state_dict keys holding the non-persistent buffer 'scratch' while parametrized")
        with check():
            _removed_stays_non_persistent(P, module, leave)


def _removed_stays_non_persistent(P, module: nn.Module, leave: bool) -> None:
    P.remove_parametrizations(module, "scratch", leave_parametrized=leave)
    assert_true("scratch" in module._buffers, "'scratch' is not a buffer of the module after removal")
    assert_true(
        "scratch" not in module.state_dict(),
        "'scratch' is in state_dict() after removal, expected it to stay non-persistent",
    )
