"""torch.func.functional_call of a parametrized module: with the originals' keys (eagerly, under grad and vmap, and
inside cached()), the call computes from the tensors passed and leaves the module unchanged; with the parametrized
name itself, it does what torch 2.13 does."""

from __future__ import annotations

import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import Tensor, nn
from torch.func import functional_call

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    all_checks,
    assert_close,
    assert_grads,
    assert_true,
    assert_unchanged,
    chain_value,
    composed_inverse,
    forward_by_hand,
    original_names,
    originals_of,
    raises,
    snapshot,
)
from parametrize_conformance.drawing import note_case
from parametrize_conformance.profiles import costly
from parametrize_conformance.strategies import FORWARD_NAMES, Case, cases, computes, forward_cases, host_input, seeded_randn

# Batch size of the vmapped originals.
_BATCH = 3


def original_keys(module: nn.Module, name: str) -> list[str]:
    """The functional_call keys of module.parametrizations[name]'s originals, in index order."""
    return [f"parametrizations.{name}.{n}" for n in original_names(module.parametrizations[name])]


def drawn_originals(module: nn.Module, name: str, seed: int, batch: tuple[int, ...] = ()) -> list[Tensor]:
    """New tensors of the originals' shapes (with `batch` dimensions in front) and dtype, drawn from `seed`."""
    return [
        seeded_randn(batch + tuple(t.shape), t.dtype, str(t.device), seed + i)
        for i, t in enumerate(originals_of(module, name))
    ]


def built_with_passed(P, case: Case, device: str, seed: int) -> tuple[nn.Module, list[str], list[Tensor], Tensor]:
    """The case's module, its originals' functional_call keys, leaves of new originals drawn from `seed` to pass in
    their place, and an input drawn from `seed`."""
    module = case.build(P, device)
    passed = leaves(drawn_originals(module, case.name, seed))
    return module, original_keys(module, case.name), passed, host_input(case.host, device, seed)


def loss(out: Tensor) -> Tensor:
    """A scalar that depends on every element of `out`."""
    return out.square().sum()


def leaves(tensors: list[Tensor]) -> list[Tensor]:
    """Detached copies of `tensors` that require grad: the by-hand computation's inputs."""
    return [t.detach().clone().requires_grad_(True) for t in tensors]


def assert_passed_grads(got: list[Tensor | None], expected: list[Tensor], what: str) -> None:
    """Each gradient in `got` is there and close to the by-hand one."""
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        assert_true(g is not None, f"the gradient of passed original {i} {what} is None, expected the chain's")
        assert_close(g, e, f"the gradient of passed original {i} {what}")


def assert_own_value(case: Case, module: nn.Module, what: str) -> None:
    """module.<name> reads the chain applied to the module's own originals, which got no gradient."""
    originals = originals_of(module, case.name)
    for i, t in enumerate(originals):
        assert_true(
            t.grad is None,
            f"the module's original {i} has a gradient {what}, expected none (the call used the tensors passed)",
        )
    with torch.no_grad():
        expected = chain_value(case.fresh_chain(), *(t.detach().clone() for t in originals))
        assert_close(getattr(module, case.name), expected, f"module.{case.name} {what}")


@costly()
@given(data=st.data())
def test_functional_originals(P, adapter, device, dtype, data):
    case = data.draw(forward_cases((dtype,)), label="case")
    seed = data.draw(st.integers(0, 2**16), label="seed of the passed originals and the input")
    note_case(
        case,
        adapter,
        device,
        f"\nthen torch.func.functional_call(module, {{<the originals' keys>: "
        f"randn(seed={seed}+i)}}, (x,)); backward; compare with the plain host's forward on chain(passed)",
    )
    module, keys, passed, x = built_with_passed(P, case, device, seed)
    before = snapshot(module)
    out = functional_call(module, dict(zip(keys, passed, strict=True)), (x,))
    by_hand = leaves(passed)
    expected = forward_by_hand(case, device, by_hand, x)
    assert_close(out, expected, "functional_call's output")
    loss(out).backward()
    loss(expected).backward()
    assert_passed_grads([t.grad for t in passed], [t.grad for t in by_hand], "after backward through functional_call")
    assert_unchanged(before, module, "after functional_call")
    assert_own_value(case, module, "after functional_call")


@costly()
@given(data=st.data())
def test_functional_transforms(P, adapter, device, dtype, data):
    case = data.draw(forward_cases((dtype,)), label="case")
    seed = data.draw(st.integers(0, 2**16), label="seed of the passed originals and the input")
    note_case(
        case,
        adapter,
        device,
        f"\nthen torch.func.grad of loss(functional_call(module, "
        f"{{<the originals' keys>: randn(seed={seed}+i)}}, (x,))), and torch.func.vmap of functional_call over a "
        f"batch of {_BATCH} originals each",
    )
    module = case.build(P, device)
    keys, x = original_keys(module, case.name), host_input(case.host, device, seed)
    before = snapshot(module)
    # grad, with respect to the dict of originals.
    passed = drawn_originals(module, case.name, seed)
    grads = torch.func.grad(lambda d: loss(functional_call(module, d, (x,))))(dict(zip(keys, passed, strict=True)))
    by_hand = leaves(passed)
    loss(forward_by_hand(case, device, by_hand, x)).backward()
    assert_passed_grads([grads[k] for k in keys], [t.grad for t in by_hand], "from torch.func.grad")
    # vmap, over a batch of originals.
    batches = drawn_originals(module, case.name, seed + 100, batch=(_BATCH,))
    out = torch.func.vmap(lambda *ts: functional_call(module, dict(zip(keys, ts, strict=True)), (x,)))(*batches)
    with torch.no_grad():
        expected = torch.stack([forward_by_hand(case, device, [b[i] for b in batches], x) for i in range(_BATCH)])
    assert_close(out, expected, "torch.func.vmap of functional_call over a batch of originals")
    assert_unchanged(before, module, "after torch.func.grad and torch.func.vmap of functional_call")
    assert_own_value(case, module, "after torch.func.grad and torch.func.vmap of functional_call")


@costly()
@given(data=st.data())
def test_functional_cached(P, adapter, device, dtype, data):
    case = data.draw(forward_cases((dtype,)), label="case")
    seed = data.draw(st.integers(0, 2**16), label="seed of the passed originals and the input")
    note_case(
        case,
        adapter,
        device,
        f"\nthen, inside cached(): read module.{case.name}; "
        f"functional_call(module, {{<the originals' keys>: randn(seed={seed}+i)}}, (x,)); backward; read again",
    )
    module, keys, passed, x = built_with_passed(P, case, device, seed)
    before = snapshot(module)
    with all_checks() as check:
        with check(), P.cached():
            getattr(module, case.name)
            out = functional_call(module, dict(zip(keys, passed, strict=True)), (x,))
            by_hand = leaves(passed)
            expected = forward_by_hand(case, device, by_hand, x)
            assert_close(out, expected, f"functional_call's output inside cached(), after module.{case.name} was read")
            loss(out).backward()
            loss(expected).backward()
            assert_passed_grads(
                [t.grad for t in passed], [t.grad for t in by_hand], "after backward through functional_call inside cached()"
            )
            # Note: the value computed from the passed tensors must not outlive the call either.
            assert_own_value(case, module, "read inside cached() after functional_call")
        with check():
            assert_unchanged(before, module, "after functional_call inside cached()")


def _plain_name_cases(dtypes: tuple[torch.dtype, ...]) -> st.SearchStrategy[Case]:
    # Note: no Identity-only chain: its value is the original object itself, which functional_call then restores
    # through the property, that is into itself: torch (and the reference) leave W's right_inverse in the original
    # (a Parameter original also fails on exit with KeyError "attribute 'weight' already exists"), see the report of
    # the inside-PyTorch areas. Exact chains, so that the value assigned back on exit reads back as the value before.
    return cases(dtypes=dtypes, names=FORWARD_NAMES, exact=True).filter(lambda c: computes(c.chain))


def _check_plain_name(case: Case, module: nn.Module, w: Tensor, x: Tensor, call: str, device: str) -> None:
    """functional_call(module, {name: W}, (x,)) does what torch does (see FUNCTIONAL-PLAIN-NAME)."""
    originals = originals_of(module, case.name)
    olds, ids = [t.detach().clone() for t in originals], [id(t) for t in originals]
    out = functional_call(module, {case.name: w}, (x,))
    # torch: W is assigned through the property: right_inverse(W) is written into the original in place, under
    # no_grad, and the forward reads chain(right_inverse(W)).
    by_hand = leaves(list(composed_inverse(case.fresh_chain(), w)))
    expected = forward_by_hand(case, device, by_hand, x)
    assert_close(out, expected, f"{call}'s output (torch: chain(right_inverse(W)))")
    # torch: the old value, chain(original), is assigned back: the original then holds right_inverse(chain(original))
    # (the original itself when it is in right_inverse's image; not when a Symmetric was stacked on it, say).
    with torch.no_grad():
        old_value = chain_value(case.fresh_chain(), *olds)
        restored = composed_inverse(case.fresh_chain(), old_value)
    after = originals_of(module, case.name)
    for i, (t, want, i_d) in enumerate(zip(after, restored, ids, strict=True)):
        assert_true(id(t) == i_d, f"original {i} after {call} is another object, expected the module's own")
        assert_close(t, want, f"original {i} after {call} (right_inverse of the value before the call, assigned back)")
    with torch.no_grad():
        assert_close(getattr(module, case.name), old_value, f"module.{case.name} after {call}")
    loss(out).backward()
    loss(expected).backward()
    assert_true(
        w.grad is None,
        f"W.grad after backward through {call} is not None, expected None (torch stores right_inverse(W) under no_grad)",
    )
    # torch: the call computed from the original holding right_inverse(W): the gradient reaches the original.
    what = f"after backward through {call}"
    assert_grads(
        after,
        by_hand,
        what,
        f"{what} is None, expected the chain's gradient at right_inverse(W)",
        who="the module's original",
    )


def _check_plain_name_refused(
    module: nn.Module, name: str, w: Tensor, x: Tensor, strict: bool, phrase: str | tuple[str, ...]
) -> None:
    """functional_call(module, {name: W}, (x,), strict=strict) raises RuntimeError containing `phrase` and changes
    nothing."""
    before = snapshot(module)
    call = f"functional_call(module, {{{name!r}: W}}, (x,), strict={strict})"
    with raises(RuntimeError, phrase, call):
        functional_call(module, {name: w}, (x,), strict=strict)
    assert_unchanged(before, module, f"after the failed {call}")


@costly()
@given(data=st.data())
def test_functional_plain_name(P, adapter, device, dtype, data):
    case = data.draw(_plain_name_cases((dtype,)), label="case")
    seed = data.draw(st.integers(0, 2**16), label="seed of W and the input")
    at = data.draw(st.integers(0, len(case.chain)), label="position of NoInverse(3.0) in the second module's chain")
    no_inverse = Case(case.host, case.name, (*case.chain[:at], L.NoInverse(3.0), *case.chain[at:]))
    call = f"functional_call(module, {{{case.name!r}: W}}, (x,))"
    note_case(
        case,
        adapter,
        device,
        f"\nthen W = randn(seed={seed}).requires_grad_(); {call}; backward; "
        f"then the same call with strict=True; then on the same host with the chain {list(no_inverse.chain)}",
    )
    w = seeded_randn(case.shape, dtype, device, seed).requires_grad_(True)
    x = host_input(case.host, device, seed)
    module = case.build(P, device)
    _check_plain_name(case, module, w, x, call, device)
    _check_plain_name_refused(module, case.name, w, x, True, f"Unexpected key(s): '{case.name}'")
    _check_plain_name_refused(no_inverse.build(P, device), case.name, w, x, False, ("does not implement", "right_inverse"))
