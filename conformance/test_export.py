"""torch.export and parametrized modules: strict and non-strict export gives a program that holds the originals in the
parametrized layout (their state_dict keys, parameters as parameters) and computes the eager output, also when the
model runs inside cached()."""

from __future__ import annotations

import contextlib
import warnings
from collections.abc import Iterator

import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import Tensor, nn

from parametrize_conformance.checks import assert_close, assert_equal, forward_by_hand, own_leaves
from parametrize_conformance.drawing import draw_case, note_case
from parametrize_conformance.hosts import CachedTwice
from parametrize_conformance.profiles import costly
from parametrize_conformance.strategies import Case, forward_cases, host_input


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """No warnings from torch.export inside the block (strict export warns that it is being deprecated)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def export(model: nn.Module, x: Tensor, strict: bool, what: str) -> torch.export.ExportedProgram:
    """torch.export.export(model, (x,), strict=strict), which must succeed; a failure names `what`."""
    try:
        with quiet():
            return torch.export.export(model, (x,), strict=strict)
    except Exception as exc:
        first = str(exc).splitlines()[0] if str(exc) else ""
        raise AssertionError(
            f"torch.export.export({what}, strict={strict}): got {type(exc).__name__}: {first}, expected a program"
        ) from exc


def layout(case: Case, device: str, prefix: str = "") -> tuple[set[str], set[str]]:
    """The state_dict keys and the parameter names of the case's module, computed by hand from a plain host and the
    chain: the parametrized tensor's key becomes parametrizations.<name>.original (original0.. for a multi-input
    chain), and the i-th parametrization's own state sits under parametrizations.<name>.<i>."""
    plain = case.host.build(device)
    arity = case.chain[0].inputs
    moved = (
        [f"parametrizations.{case.name}.original"]
        if arity == 1
        else [f"parametrizations.{case.name}.original{i}" for i in range(arity)]
    )

    def rename(keys, of_chain) -> set[str]:
        own = {m for k in keys for m in (moved if k == case.name else [k])}
        chain = {f"parametrizations.{case.name}.{i}.{k}" for i, p in enumerate(case.chain) for k in of_chain(p)}
        return {prefix + k for k in own | chain}

    return (
        rename(plain.state_dict(), lambda p: p.state_dict()),
        rename([n for n, _ in plain.named_parameters()], lambda p: [n for n, _ in p.named_parameters()]),
    )


def assert_layout(ep: torch.export.ExportedProgram, case: Case, device: str, prefix: str = "") -> None:
    """The program's state_dict keys and parameters are the parametrized layout (see layout)."""
    keys, parameters = layout(case, device, prefix)
    assert_equal(sorted(ep.state_dict), sorted(keys), "the exported program's state_dict keys")
    assert_equal(sorted(ep.graph_signature.parameters), sorted(parameters), "the exported program's parameters")


@costly()
@given(data=st.data(), strict=st.booleans())
def test_export_program(P, adapter, device, dtype, data, strict):
    case = data.draw(forward_cases((dtype,)), label="case")
    seed = data.draw(st.integers(0, 2**16), label="seed of a second input")
    note_case(
        case,
        adapter,
        device,
        f"\nthen ep = torch.export.export(module, (x,), strict={strict}); ep.state_dict; ep.module()(x); ep.module()(x2)",
    )
    module = case.build(P, device)
    x, x2 = host_input(case.host, device, case.host.seed), host_input(case.host, device, seed)
    ep = export(module, x, strict, "module")
    assert_layout(ep, case, device)
    own = module.state_dict()
    assert_equal(sorted(ep.state_dict), sorted(own), "the exported program's state_dict keys (against the module's)")
    for key, tensor in ep.state_dict.items():
        assert_close(tensor, own[key], f"the exported program's state_dict[{key!r}]")
    program = ep.module()
    with torch.no_grad():
        originals = own_leaves(module, case.name)
        for what, inp in (("x", x), ("a second input", x2)):
            assert_close(program(inp), forward_by_hand(case, device, originals, inp), f"ep.module() on {what}")


@costly()
@given(data=st.data(), strict=st.booleans(), how=st.sampled_from(["wrapper", "around"]))
def test_export_cached(P, adapter, device, data, strict, how):
    # Note: one dtype: what is checked (that the cache lets export trace through) does not depend on it.
    doing = (
        "ep = torch.export.export(CachedTwice(P, module), (x,), strict=...) (forward: with P.cached(): return "
        "module(x) + module(x))"
        if how == "wrapper"
        else "with P.cached(): ep = torch.export.export(module, (x,), strict=...)"
    )
    case = draw_case(
        data, forward_cases(adapter.dtypes[:1]), adapter, device, f"\nthen (strict={strict}) {doing}; ep.module()(x)"
    )
    module = case.build(P, device)
    x = host_input(case.host, device, case.host.seed)
    with torch.no_grad():
        expected = forward_by_hand(case, device, own_leaves(module, case.name), x)
    if how == "wrapper":
        ep = export(CachedTwice(P, module), x, strict, "a wrapper whose forward enters cached()")
        prefix, expected = "inner.", 2 * expected
    else:
        # Note: nothing is read before the export: a value read (so cached) in eager code is, as documented, kept for
        # the context, and export then bakes it into the program as a constant (torch does the same).
        with P.cached():
            ep = export(module, x, strict, "module, inside cached()")
        prefix = ""
    assert_layout(ep, case, device, prefix)
    with torch.no_grad():
        where = "through the wrapper" if how == "wrapper" else "inside cached()"
        assert_close(ep.module()(x), expected, f"ep.module() of the program exported {where}")
