"""TorchScript and parametrized modules: torch.jit.trace gives the eager output and follows later in-place updates of
the originals, torch.jit.script compiles and its module fails when called, and tracing inside cached() is refused."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import Tensor, nn

from parametrize_conformance import hosts
from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    assert_close,
    assert_grads,
    assert_true,
    assert_unchanged,
    forward_by_hand,
    originals_of,
    own_leaves,
    raises,
    snapshot,
)
from parametrize_conformance.drawing import draw_case, note_case
from parametrize_conformance.profiles import costly
from parametrize_conformance.strategies import forward_cases, host_input, seeded_randn

_SCRIPT_PHRASE = "Parametrization is not working with scripting."
_TRACE_PHRASE = "Cannot trace a model while caching parametrizations."

# Note (ISOLATION-SHARED-STATE): torch.jit.script reads each class's __annotations__, which on Python < 3.14 adds an
# empty dict to a class that has none: torch's doing, not the implementation's. Done here, at collection, for the
# classes this suite hands to the implementation, it is part of the state every check starts from.
for _cls in (*vars(L).values(), *vars(hosts).values()):
    if isinstance(_cls, type) and _cls.__module__ in (L.__name__, hosts.__name__):
        _cls.__annotations__  # noqa: B018 - the read is the point


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No TracerWarnings, nor the deprecation warnings of torch.jit.trace and torch.jit.script, inside the block."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        warnings.filterwarnings("ignore", message=r"`torch\.jit\.", category=DeprecationWarning)
        yield


def trace(module: nn.Module, x: Tensor) -> torch.jit.ScriptModule:
    """torch.jit.trace(module, (x,)), quietly."""
    with quiet():
        return torch.jit.trace(module, (x,))


@costly()
@given(data=st.data())
def test_jit_trace(P, adapter, device, dtype, data):
    case = data.draw(forward_cases((dtype,)), label="case")
    seed = data.draw(st.integers(0, 2**16), label="seed of the input and the update")
    note_case(
        case,
        adapter,
        device,
        f"\nthen traced = torch.jit.trace(module, (x,)); traced(x); backward; "
        f"original_i.copy_(randn(seed={seed}+i)) under no_grad; traced(x)",
    )
    module = case.build(P, device)
    x = host_input(case.host, device, seed)
    traced = trace(module, x)
    by_hand = own_leaves(module, case.name)
    expected = forward_by_hand(case, device, by_hand, x)
    out = traced(x)
    assert_close(out, expected, "the traced module's output")
    out.square().sum().backward()
    expected.square().sum().backward()
    what = "after backward through the traced module"
    assert_grads(originals_of(module, case.name), by_hand, what, f"{what} is None, expected the chain's gradient")
    # The traced graph reads the module's originals when it runs: an in-place update shows in the next call.
    with torch.no_grad():
        for i, t in enumerate(originals_of(module, case.name)):
            t.copy_(seeded_randn(tuple(t.shape), t.dtype, device, seed + i))
        expected = forward_by_hand(case, device, own_leaves(module, case.name), x)
        assert_close(traced(x), expected, "the traced module's output after an in-place update of the originals")


@costly()
@given(data=st.data())
def test_jit_script_refused(P, adapter, device, data):
    # Note: one dtype: scripting does not depend on it, and each example compiles a module.
    case = draw_case(
        data, forward_cases(adapter.dtypes[:1]), adapter, device, "\nthen scripted = torch.jit.script(module); scripted(x)"
    )
    module = case.build(P, device)
    x = host_input(case.host, device, case.host.seed)
    before = snapshot(module)
    try:
        with quiet():
            scripted = torch.jit.script(module)
    except Exception:  # a refusal at compile time fails loudly too
        # Note: JIT-SCRIPT-REFUSED: torch 2.13 compiles and fails at the call; older releases refuse to compile
        # (the history matrix). Either is loud; what no release may do is change the module.
        assert_unchanged(before, module, "after torch.jit.script(module) raised")
        return
    # Note: JIT-SCRIPT-REFUSED: any exception is loud; torch's type and sentence are JIT-SCRIPT-MESSAGE's.
    with raises(Exception, "", "calling the scripted module"):
        scripted(x)
    assert_unchanged(before, module, "after scripting it and calling the scripted module")


@costly()
@given(data=st.data())
def test_jit_script_message(P, adapter, device, data):
    case = draw_case(
        data, forward_cases(adapter.dtypes[:1]), adapter, device, "\nthen scripted = torch.jit.script(module); scripted(x)"
    )
    module = case.build(P, device)
    x = host_input(case.host, device, case.host.seed)
    try:
        with quiet():
            scripted = torch.jit.script(module)
    except Exception as exc:  # a refusal at compile time must say why too
        assert_true(
            _SCRIPT_PHRASE in str(exc),
            f"torch.jit.script(module): got {type(exc).__name__}({str(exc)!r}), "
            f"expected its message to contain {_SCRIPT_PHRASE!r}",
        )
        return
    # Note: torch.jit.Error (TorchScript's wrapper of the getter's RuntimeError), which is no RuntimeError subclass.
    with raises(torch.jit.Error, _SCRIPT_PHRASE, "calling the scripted module"):
        scripted(x)


@costly()
@given(data=st.data(), read_first=st.booleans())
def test_jit_trace_cached_refused(P, adapter, device, dtype, data, read_first):
    case = data.draw(forward_cases((dtype,)), label="case")
    read = f"read module.{case.name}; " if read_first else ""
    note_case(
        case,
        adapter,
        device,
        f"\nthen, inside cached(): {read}torch.jit.trace(module, (x,)); then, after the exit, trace again",
    )
    module = case.build(P, device)
    x = host_input(case.host, device, case.host.seed)
    before = snapshot(module)
    with P.cached():
        if read_first:
            getattr(module, case.name)
        # Note: JIT-TRACE-CACHED-REFUSED: any exception is loud; torch's type and sentence are
        # JIT-TRACE-CACHED-MESSAGE's.
        with raises(Exception, "", "torch.jit.trace inside cached()"):
            trace(module, x)
        assert_true(not torch.jit.is_tracing(), "torch.jit.is_tracing() is True after the refused trace")
    assert_unchanged(before, module, "after the refused trace inside cached()")
    # Nothing of the refused trace is left: a trace after the exit works.
    with torch.no_grad():
        expected = forward_by_hand(case, device, own_leaves(module, case.name), x)
        assert_close(trace(module, x)(x), expected, "the output of a module traced after cached() exited")


@costly()
@given(data=st.data(), read_first=st.booleans())
def test_jit_trace_cached_message(P, adapter, device, dtype, data, read_first):
    case = data.draw(forward_cases((dtype,)), label="case")
    read = f"read module.{case.name}; " if read_first else ""
    note_case(case, adapter, device, f"\nthen, inside cached(): {read}torch.jit.trace(module, (x,))")
    module = case.build(P, device)
    x = host_input(case.host, device, case.host.seed)
    with P.cached():
        if read_first:
            getattr(module, case.name)
        with raises(RuntimeError, _TRACE_PHRASE, "torch.jit.trace inside cached()"):
            trace(module, x)
