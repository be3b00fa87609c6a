"""Deep copies of parametrized modules: equal, distinct, independent, and a user's own __deepcopy__ respected."""

from __future__ import annotations

import copy

import torch
from hypothesis import given, note
from hypothesis import strategies as st

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    assert_close,
    assert_equal,
    assert_same,
    assert_true,
    assert_unchanged,
    chain_value,
    read_value,
    snapshot,
)
from parametrize_conformance.strategies import build_several, seeded_randn, several_cases, several_reproducer


@given(data=st.data())
def test_copy_deepcopy_equal(P, adapter, device, dtype, data):
    several = data.draw(several_cases((dtype,), exact=True), label="cases")
    note(several_reproducer(several, adapter.spec, device, "replica = copy.deepcopy(module)"))
    module = build_several(P, several, device)
    replica = copy.deepcopy(module)
    assert_equal(type(replica).__name__, type(module).__name__, "the copy's class name")
    assert_equal(type(replica).__bases__, type(module).__bases__, "the copy's class bases")
    for name in several[0].host.tensor_names():
        assert_close(read_value(replica, name, "replica"), read_value(module, name, "module"), f"replica.{name}")
    ours = dict(module.named_parameters()) | dict(module.named_buffers())
    theirs = dict(replica.named_parameters()) | dict(replica.named_buffers())
    assert_equal(sorted(theirs), sorted(ours), "the copy's tensor names")
    for key, tensor in ours.items():
        assert_true(theirs[key] is not tensor, f"replica's {key} is the source's tensor object, expected a copy")
        assert_equal(type(theirs[key]), type(tensor), f"the type of replica's {key}")
        assert_close(theirs[key], tensor, f"replica's {key}")
        if tensor.device.type != "meta":
            assert_true(
                theirs[key].untyped_storage().data_ptr() != tensor.untyped_storage().data_ptr(),
                f"replica's {key} shares storage with the source's, expected its own storage",
            )
    for c in several:
        assert_true(P.is_parametrized(replica, c.name), f"is_parametrized(replica, {c.name!r}) is False, expected True")
        ours_list, theirs_list = module.parametrizations[c.name], replica.parametrizations[c.name]
        assert_equal(len(theirs_list), len(ours_list), f"the length of replica.parametrizations[{c.name!r}]")
        for i, (a, b) in enumerate(zip(theirs_list, ours_list, strict=True)):
            assert_true(a is not b, f"replica.parametrizations[{c.name!r}][{i}] is the source's module, expected a copy")
            assert_equal(type(a), type(b), f"the type of replica.parametrizations[{c.name!r}][{i}]")
    # The copy is still parametrized: assigning goes through its own chain and leaves the source alone.
    case = several[0]
    before = read_value(module, case.name, "module")
    with torch.no_grad():  # a value the chain can produce: its forward applied to a random original
        raw = seeded_randn(case.shape, dtype, device, case.host.seed + 1)
        value = chain_value(list(replica.parametrizations[case.name]), raw)
    setattr(replica, case.name, value)
    assert_close(read_value(replica, case.name, "replica"), value, f"replica.{case.name} after assigning to it")
    assert_close(read_value(module, case.name, "module"), before, f"module.{case.name} after assigning to the copy")
    _check_slots_and_cycles(P, device, dtype)


class _Slotted(torch.nn.Linear):
    """A Linear whose class adds a __slots__ entry, `tag`."""

    __slots__ = ("tag",)


def _check_slots_and_cycles(P, device, dtype) -> None:
    """A deepcopy copies the class's __slots__ too, and keeps references back to the module (in a slot and in the
    instance dict) pointing to the copy, as copy.deepcopy does for any object."""
    module = _Slotted(2, 2).to(device=device, dtype=dtype)
    module.tag = [module, torch.ones(1)]
    module.loop = [module]
    P.register_parametrization(module, "weight", L.Scale(2.0))
    what = (
        "module = _Slotted(2, 2) (a Linear with __slots__ = ('tag',)); module.tag = [module, torch.ones(1)]; "
        "module.loop = [module]; register Scale(2.0) on weight; replica = copy.deepcopy(module)"
    )
    replica = copy.deepcopy(module)
    assert_true(replica.loop[0] is replica, f"{what}: replica.loop[0] is not replica, expected the copy to refer to itself")
    tag = getattr(replica, "tag", None)
    assert_true(
        isinstance(tag, list) and tag is not module.tag and tag[0] is replica and tag[1] is not module.tag[1],
        f"{what}: replica.tag is {tag!r}, expected a copy of the slot [replica, a copy of the tensor]",
    )


@given(data=st.data())
def test_copy_independent(P, adapter, device, dtype, data):
    several = data.draw(several_cases((dtype,)), label="cases")
    host = several[0].host
    parametrized = [c.name for c in several]
    free = [n for n in host.tensor_names() if n not in parametrized]
    actor = data.draw(st.sampled_from(["replica", "module"]), label="actor")
    action = data.draw(st.sampled_from(["remove", "register"] if free else ["remove"]), label="action")
    name = data.draw(st.sampled_from(parametrized if action == "remove" else free), label="name")
    leave = data.draw(st.booleans(), label="leave_parametrized")
    step = (
        f"P.remove_parametrizations({actor}, {name!r}, leave_parametrized={leave})"
        if action == "remove"
        else f"P.register_parametrization({actor}, {name!r}, Scale(2.0))"
    )
    note(several_reproducer(several, adapter.spec, device, "replica = copy.deepcopy(module)", step))
    module = build_several(P, several, device)
    replica = copy.deepcopy(module)
    acting, other = (replica, module) if actor == "replica" else (module, replica)
    other_name = "module" if actor == "replica" else "replica"
    other_class = type(other)
    values = {n: read_value(other, n, other_name) for n in host.tensor_names()}
    before = snapshot(other)
    if action == "remove":
        P.remove_parametrizations(acting, name, leave_parametrized=leave)
    else:
        P.register_parametrization(acting, name, L.Scale(2.0))
    # The acting module works.
    for n in host.tensor_names():
        read_value(acting, n, actor)
    # The other one reads its own values and keeps its own structure, whatever happened to the acting one.
    assert_same(type(other), other_class, f"type({other_name}) after acting on {actor}")
    for n in host.tensor_names():
        assert_close(read_value(other, n, other_name), values[n], f"{other_name}.{n} after acting on {actor}")
    assert_unchanged(before, other, f"after {step}, {other_name}")
    # ... and its own parametrizations can still be removed.
    base = type(other).__bases__[0]
    for n in parametrized:
        try:
            P.remove_parametrizations(other, n)
        except Exception as exc:
            raise AssertionError(
                f"remove_parametrizations({other_name}, {n!r}) after acting on {actor}: got "
                f"{type(exc).__name__}({exc}), expected it to succeed"
            ) from exc
    assert_same(type(other), base, f"type({other_name}) after removing all its parametrizations")
    for n in host.tensor_names():
        assert_close(read_value(other, n, other_name), values[n], f"{other_name}.{n} after removing its parametrizations")


@given(data=st.data())
def test_copy_user_deepcopy(P, adapter, device, dtype, data):
    several = data.draw(several_cases((dtype,), kinds=("deepcopy",)), label="cases")
    note(several_reproducer(several, adapter.spec, device, "replica = copy.deepcopy(module)"))
    module = build_several(P, several, device)
    # Note: WithDeepcopy counts on type(self), which is the parametrized class here.
    calls = len(type(module).deepcopies)
    replica = copy.deepcopy(module)
    assert_equal(len(type(module).deepcopies), calls + 1, "calls of WithDeepcopy.__deepcopy__ made by copy.deepcopy")
    assert_true(replica is not module, "copy.deepcopy returned the module itself, expected a new one")
    for n in several[0].host.tensor_names():
        assert_close(read_value(replica, n, "replica"), read_value(module, n, "module"), f"replica.{n}")
