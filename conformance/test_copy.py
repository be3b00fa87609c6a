"""Deep copies of parametrized modules: equal, distinct, independent, and a user's own __deepcopy__ respected."""

from __future__ import annotations

import copy

import pytest
import torch
from hypothesis import given, note
from hypothesis import strategies as st

from conformance import library as L
from conformance.checks import assert_close, assert_equal, assert_same, assert_true, assert_unchanged, snapshot
from conformance.strategies import Case, cases, chains, shape_of


@st.composite
def _several_cases(draw, dtypes, exact: bool = False, kinds=None) -> list[Case]:
    """A case, plus chains on a drawn subset of the host's other tensors (same host)."""
    case = draw(cases(dtypes=dtypes, exact=exact, **({} if kinds is None else {"kinds": kinds})), label="case")
    others = [n for n in case.host.tensor_names() if n != case.name]
    extra = draw(st.lists(st.sampled_from(others), unique=True), label="extra names") if others else []
    return [case] + [Case(case.host, n, tuple(draw(chains(shape_of(case.host, n), exact=exact), label=f"chain of {n}")))
                     for n in extra]


def _build(P, several: list[Case], device: str):  # noqa: N803 - the API namespace reads as P
    module = several[0].build(P, device)
    for c in several[1:]:
        for p in c.fresh_chain():
            P.register_parametrization(module, c.name, p)
    return module


def _reproducer(several: list[Case], adapter_name: str, device: str) -> str:
    text = several[0].reproducer(adapter_name, device)
    return text + "".join(f"\n    P.register_parametrization(module, {c.name!r}, {p!r})" for c in several[1:]
                          for p in c.chain)


def _read(module, name: str, what: str) -> torch.Tensor:
    """module.<name>, detached; a failing read is reported as an assertion."""
    try:
        with torch.no_grad():
            return getattr(module, name).detach().clone()
    except Exception as exc:
        raise AssertionError(f"reading {what}.{name}: got {type(exc).__name__}({exc}), expected its value") from exc


def _in_image(chain, shape, dtype, device, seed: int) -> torch.Tensor:
    """A value the chain can produce: its forward applied to a random original."""
    generator = torch.Generator().manual_seed(seed)
    value = torch.randn(shape, generator=generator, dtype=dtype).to(device)
    with torch.no_grad():
        for p in chain:
            value = p(value)
    return value


@pytest.mark.clause("COPY-DEEPCOPY-EQUAL")
@given(data=st.data())
def test_copy_deepcopy_equal(P, adapter, device, dtype, data):
    several = data.draw(_several_cases((dtype,), exact=True), label="cases")
    note(_reproducer(several, adapter.name, device) + "\n    replica = copy.deepcopy(module)")
    module = _build(P, several, device)
    replica = copy.deepcopy(module)
    assert_equal(type(replica).__name__, type(module).__name__, "the copy's class name")
    assert_equal(type(replica).__bases__, type(module).__bases__, "the copy's class bases")
    for name in several[0].host.tensor_names():
        assert_close(_read(replica, name, "replica"), _read(module, name, "module"), f"replica.{name}")
    ours = dict(module.named_parameters()) | dict(module.named_buffers())
    theirs = dict(replica.named_parameters()) | dict(replica.named_buffers())
    assert_equal(sorted(theirs), sorted(ours), "the copy's tensor names")
    for key, tensor in ours.items():
        assert_true(theirs[key] is not tensor, f"replica's {key} is the source's tensor object, expected a copy")
        assert_equal(type(theirs[key]), type(tensor), f"the type of replica's {key}")
        assert_close(theirs[key], tensor, f"replica's {key}")
        if tensor.device.type != "meta":
            assert_true(theirs[key].untyped_storage().data_ptr() != tensor.untyped_storage().data_ptr(),
                        f"replica's {key} shares storage with the source's, expected its own storage")
    for c in several:
        assert_true(P.is_parametrized(replica, c.name), f"is_parametrized(replica, {c.name!r}) is False, expected True")
        ours_list, theirs_list = module.parametrizations[c.name], replica.parametrizations[c.name]
        assert_equal(len(theirs_list), len(ours_list), f"the length of replica.parametrizations[{c.name!r}]")
        for i, (a, b) in enumerate(zip(theirs_list, ours_list, strict=True)):
            assert_true(a is not b, f"replica.parametrizations[{c.name!r}][{i}] is the source's module, expected a copy")
            assert_equal(type(a), type(b), f"the type of replica.parametrizations[{c.name!r}][{i}]")
    # The copy is still parametrized: assigning goes through its own chain and leaves the source alone.
    case = several[0]
    before = _read(module, case.name, "module")
    value = _in_image(replica.parametrizations[case.name], case.shape, dtype, device, case.host.seed + 1)
    setattr(replica, case.name, value)
    assert_close(_read(replica, case.name, "replica"), value, f"replica.{case.name} after assigning to it")
    assert_close(_read(module, case.name, "module"), before, f"module.{case.name} after assigning to the copy")


@pytest.mark.clause("COPY-INDEPENDENT")
@given(data=st.data())
def test_copy_independent(P, adapter, device, dtype, data):
    several = data.draw(_several_cases((dtype,)), label="cases")
    host = several[0].host
    parametrized = [c.name for c in several]
    free = [n for n in host.tensor_names() if n not in parametrized]
    actor = data.draw(st.sampled_from(["replica", "module"]), label="actor")
    action = data.draw(st.sampled_from(["remove", "register"] if free else ["remove"]), label="action")
    name = data.draw(st.sampled_from(parametrized if action == "remove" else free), label="name")
    leave = data.draw(st.booleans(), label="leave_parametrized")
    step = (f"P.remove_parametrizations({actor}, {name!r}, leave_parametrized={leave})" if action == "remove"
            else f"P.register_parametrization({actor}, {name!r}, Scale(2.0))")
    note(_reproducer(several, adapter.name, device) + f"\n    replica = copy.deepcopy(module)\n    {step}")
    module = _build(P, several, device)
    replica = copy.deepcopy(module)
    acting, other = (replica, module) if actor == "replica" else (module, replica)
    other_name = "module" if actor == "replica" else "replica"
    other_class = type(other)
    values = {n: _read(other, n, other_name) for n in host.tensor_names()}
    before = snapshot(other)
    if action == "remove":
        P.remove_parametrizations(acting, name, leave_parametrized=leave)
    else:
        P.register_parametrization(acting, name, L.Scale(2.0))
    # The acting module works.
    for n in host.tensor_names():
        _read(acting, n, actor)
    # The other one reads its own values and keeps its own structure, whatever happened to the acting one.
    assert_same(type(other), other_class, f"type({other_name}) after acting on {actor}")
    for n in host.tensor_names():
        assert_close(_read(other, n, other_name), values[n], f"{other_name}.{n} after acting on {actor}")
    assert_unchanged(before, other, f"after {step}, {other_name}")
    # ... and its own parametrizations can still be removed.
    base = type(other).__bases__[0]
    for n in parametrized:
        try:
            P.remove_parametrizations(other, n)
        except Exception as exc:
            raise AssertionError(f"remove_parametrizations({other_name}, {n!r}) after acting on {actor}: got "
                                 f"{type(exc).__name__}({exc}), expected it to succeed") from exc
    assert_same(type(other), base, f"type({other_name}) after removing all its parametrizations")
    for n in host.tensor_names():
        assert_close(_read(other, n, other_name), values[n], f"{other_name}.{n} after removing its parametrizations")


@pytest.mark.clause("COPY-USER-DEEPCOPY")
@given(data=st.data())
def test_copy_user_deepcopy(P, adapter, device, dtype, data):
    several = data.draw(_several_cases((dtype,), kinds=("deepcopy",)), label="cases")
    note(_reproducer(several, adapter.name, device) + "\n    replica = copy.deepcopy(module)")
    module = _build(P, several, device)
    # Note: WithDeepcopy counts on type(self), which is the parametrized class here.
    calls = type(module).deepcopies
    replica = copy.deepcopy(module)
    assert_equal(type(module).deepcopies, calls + 1, "calls of WithDeepcopy.__deepcopy__ made by copy.deepcopy")
    assert_true(replica is not module, "copy.deepcopy returned the module itself, expected a new one")
    for n in several[0].host.tensor_names():
        assert_close(_read(replica, n, "replica"), _read(module, n, "module"), f"replica.{n}")
