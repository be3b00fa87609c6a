"""Subclasses: tensor-subclass originals (a traceable wrapper subclass, a plain Tensor subclass, a Parameter
subclass) keep their type and values, and a generated class subclassed afterwards (as fully_shard does) still stacks,
takes new names and removes them."""

from __future__ import annotations

import copy
from collections.abc import Callable

import torch
import torch.nn.functional as F
from hypothesis import given, note
from hypothesis import strategies as st
from torch import Tensor, nn
from torch.testing._internal.two_tensor import TwoTensor

from parametrize_conformance.checks import (
    assert_close,
    assert_equal,
    assert_same,
    assert_true,
    chain_value,
    kind_of,
    originals_of,
    raises,
)
from parametrize_conformance.hosts import HostSpec
from parametrize_conformance.profiles import costly
from parametrize_conformance.strategies import Case, cases, chains, hosts, preserving, seeded_randn, shape_of


class MyTensor(torch.Tensor):
    """A plain Tensor subclass (torch's default __torch_function__ keeps it through operations)."""


class MyParameter(nn.Parameter):
    """A Parameter subclass (operations on it give plain tensors)."""


# The subclasses SUBCLASS-TENSOR-ORIGINAL draws, and whether each may be a buffer.
_SUBCLASSES = {"TwoTensor": True, "MyTensor": True, "MyParameter": False}


def _as_subclass(kind: str, value: Tensor, parameter: bool, requires_grad: bool = True) -> Tensor:
    """`value` (detached) as a tensor of subclass `kind`, wrapped as a Parameter when `parameter`."""
    value = value.detach()
    if kind == "MyParameter":
        return MyParameter(value.clone(), requires_grad=requires_grad)
    # Note: TwoTensor holds two tensors; b = 2a, so that a chain applied to the wrong half shows.
    tensor = TwoTensor(value.clone(), 2 * value) if kind == "TwoTensor" else value.clone().as_subclass(MyTensor)
    return nn.Parameter(tensor, requires_grad=requires_grad) if parameter else tensor


def _components(t: Tensor) -> tuple[Tensor, ...]:
    """The plain tensors a value is made of: a TwoTensor's two halves, or the tensor itself as a plain Tensor."""
    if isinstance(t, TwoTensor):
        return (t.a.detach(), t.b.detach())
    return (t.detach().as_subclass(Tensor),)


def _assert_value(got: Tensor, expected: Tensor, what: str, cls: type | None = None) -> None:
    """got has class `cls` (default: expected's; a Parameter counts as its data's class) and, component by component,
    expected's values."""
    assert_equal(_plain_type(got), _plain_type(expected) if cls is None else _plain_type_of(cls), f"the class of {what}")
    _assert_components(got, expected, what)


def _assert_components(got: Tensor, expected: Tensor, what: str) -> None:
    """got holds expected's values, component by component (see _components)."""
    got_parts, expected_parts = _components(got), _components(expected)
    assert_equal(len(got_parts), len(expected_parts), f"the number of components of {what}")
    for i, (g, e) in enumerate(zip(got_parts, expected_parts, strict=True)):
        assert_close(g, e, f"{what}, component {i}")


def _plain_type(t: Tensor) -> type:
    return _plain_type_of(type(t))


def _plain_type_of(cls: type) -> type:
    return Tensor if cls is nn.Parameter else cls


def _keeps_type(kind: str, swap: bool) -> bool:
    """Whether torch keeps the original's class through writes into it (registration, assignment, removal)."""
    # Note: measured on torch 2.13: under the swap flag, a write into a Parameter subclass swaps in an nn.Parameter
    # holding the value (operations on a Parameter subclass give plain tensors), so MyParameter becomes nn.Parameter;
    # every other class drawn here is kept, swap flag on and off. Only where torch keeps the class is it required.
    return not (kind == "MyParameter" and swap)


def _assert_original(original: Tensor, tensor: Tensor, cls: type, kind: str, swap: bool, what: str) -> None:
    """original is the object `tensor`, of class `cls` where torch keeps it, and a Parameter iff `tensor` was."""
    assert_same(original, tensor, what)
    if _keeps_type(kind, swap):
        assert_equal(type(original), cls, f"the class of {what}")


def _subclass_reproducer(case: Case, kind: str, parameter: bool, adapter_spec: str, device: str, then: str) -> str:
    """The case's reproducer with module.<name> made a tensor of class `kind` before the registrations."""
    name = case.name
    swap_in = (
        f"from parametrize_conformance.test_subclass import _as_subclass, _replace\n    _replace(module, {name!r}, "
        f"_as_subclass({kind!r}, module.{name}, parameter={parameter}), parameter={parameter})"
    )
    text = case.reproducer(adapter_spec, device).replace(
        "\n    P.register_parametrization", f"\n    {swap_in}\n    P.register_parametrization", 1
    )
    return text + f"\n    {then}"


@costly()
@given(data=st.data())
def test_subclass_tensor_original(P, adapter, device, dtype, swap, data):
    case = data.draw(
        cases(dtypes=(dtype,), kinds=("linear", "buffers"), names=("weight", "bias", "running"), exact=True), label="case"
    )
    leave = data.draw(st.booleans(), label="leave_parametrized")
    parameter = kind_of(case.host.build(device), case.name) == "parameter"
    # Note: every class the slot may hold, in each example: the ci profile draws three examples only.
    for kind in (k for k, buffer in _SUBCLASSES.items() if parameter or buffer):
        note(
            _subclass_reproducer(
                case,
                kind,
                parameter,
                adapter.spec,
                device,
                f"(swap={swap}) then assign "
                f"module.{case.name} a value of that class; "
                f"P.remove_parametrizations(module, {case.name!r}, leave_parametrized={leave})",
            )
        )
        _check_subclass_original(P, case, kind, parameter, swap, leave, device)


def _check_subclass_original(P, case: Case, kind: str, parameter: bool, swap: bool, leave: bool, device: str) -> None:
    """Register the chain on an original of class `kind`, assign a value of that class, remove: the original object
    is kept throughout, with its class where torch keeps it, and the values are the chain's."""
    module, name = case.host.build(device), case.name
    tensor = _as_subclass(kind, getattr(module, name), parameter)
    cls = type(tensor)
    _replace(module, name, tensor, parameter)
    stored = tensor.detach().clone()
    case.register_on(P, module)
    original = module.parametrizations[name].original
    where = f"(class {kind}) after registration"
    _assert_original(original, tensor, cls, kind, swap, f"parametrizations.{name}.original {where}")
    with torch.no_grad():
        inverse = _inverse(case, stored)
        _assert_components(original, inverse, f"parametrizations.{name}.original {where}")
        # Note: the class the read should have is the chain's on the original object itself (an Identity chain
        # returns a MyParameter original as is; operations on it give plain tensors).
        _assert_value(
            getattr(module, name),
            chain_value(case.fresh_chain(), inverse),
            f"module.{name} {where}",
            type(chain_value(case.fresh_chain(), original)),
        )
    _assign_same_class(module, case, kind, device, original, cls, swap)
    with torch.no_grad():
        value, kept = getattr(module, name).detach().clone(), original.detach().clone()
    type_before = type(original)
    P.remove_parametrizations(module, name, leave_parametrized=leave)
    left = getattr(module, name)
    what = f"module.{name} (class {kind}) after remove_parametrizations(leave_parametrized={leave})"
    _assert_original(left, tensor, type_before, kind, swap, what)
    assert_equal(
        kind_of(module, name), "parameter" if parameter else "buffer", f"where {name!r} is registered after removal"
    )
    with torch.no_grad():
        _assert_components(left, value if leave else kept, what)


def _replace(module: nn.Module, name: str, tensor: Tensor, parameter: bool) -> None:
    """Put `tensor` in module's slot `name` (a parameter or a persistent buffer, as the slot was)."""
    delattr(module, name)
    if parameter:
        module.register_parameter(name, tensor)
    else:
        module.register_buffer(name, tensor)


def _inverse(case: Case, value: Tensor) -> Tensor:
    """The first parametrization's right_inverse applied to `value` (by hand): what registering the chain one
    parametrization at a time stores (stacking runs no right_inverse)."""
    with torch.no_grad():
        return case.fresh_chain()[0].right_inverse(value)


def _assign_same_class(
    module: nn.Module, case: Case, kind: str, device: str, original: Tensor, cls: type, swap: bool
) -> None:
    """Assign module.<name> a value in the chain's image made of the original's class (plain for a Parameter
    subclass, which nn.Module would take for a new parameter); the original keeps its id, class and gets the value."""
    name = case.name
    raw = seeded_randn(case.shape, case.host.dtype, device, case.host.seed + 1)
    raw = raw if kind == "MyParameter" else _as_subclass(kind, raw, parameter=False)
    with torch.no_grad():
        target = chain_value(case.fresh_chain(), raw)
    setattr(module, name, target.clone())  # a swap path may exchange the assigned tensor's contents
    what = f"parametrizations.{name}.original (class {kind}) after assigning module.{name}"
    _assert_original(module.parametrizations[name].original, original, cls, kind, swap, what)
    with torch.no_grad():
        current = module.parametrizations[name].original
        _assert_value(
            getattr(module, name),
            target,
            f"module.{name} after assigning to it",
            type(chain_value(case.fresh_chain(), current)),
        )


class _Mixin:
    """What fully_shard puts first in the MRO (FSDPModule), reduced to a method and a class attribute."""

    mixin_attribute = "kept"

    def mixin_method(self) -> str:
        return f"mixin on {type(self).__name__}"


class _NoDeepcopy(Exception):
    """Raised by the subclass's __deepcopy__, as fully_shard's _unimplemented_deepcopy raises."""


def _unimplemented_deepcopy(*args: object, **kwargs: object) -> None:
    raise _NoDeepcopy("deepcopy of an FSDP-like module")


def _fully_shard_class(module: nn.Module) -> type:
    """Subclass the module's class exactly as torch.distributed.fsdp.fully_shard does (_apply_to_module): returns the
    class it had."""
    cls = module.__class__
    module.__class__ = type(f"FSDP{cls.__name__}", (_Mixin, cls), {"__deepcopy__": _unimplemented_deepcopy})
    return cls


@st.composite
def _fsdp_plans(draw, dtype: torch.dtype) -> dict:
    """A host with a bias, a chain on one tensor (before the subclassing), a parametrization stacked on it and a
    chain on another tensor (after), and the order and leave_parametrized flags of the two removals."""
    host = draw(hosts(dtypes=(dtype,), kinds=("linear", "conv1d", "buffers"), bias=True), label="host")
    first, second = draw(st.permutations(host.tensor_names()), label="tensor names")[:2]
    return {
        "host": host,
        "first": first,
        "second": second,
        "chain": draw(chains(shape_of(host, first)), label=f"chain of {first}"),
        "stacked": draw(preserving(shape_of(host, first)), label=f"stacked on {first}"),
        "other": draw(chains(shape_of(host, second)), label=f"chain of {second}"),
        "order": draw(st.permutations([first, second]), label="removal order"),
        "leave": draw(st.lists(st.booleans(), min_size=2, max_size=2), label="leave_parametrized flags"),
    }


def _fsdp_reproducer(plan: dict, adapter_spec: str, device: str) -> str:
    first, second = plan["first"], plan["second"]
    lines = [
        "import torch",
        "from parametrize_conformance.adapters import load_adapter",
        "from parametrize_conformance.hosts import HostSpec",
        "from parametrize_conformance.library import *",
        "from parametrize_conformance.test_subclass import _fully_shard_class",
        f"P = load_adapter({adapter_spec!r}).api",
        f"module = {plan['host']!r}.build({device!r})",
    ]
    lines += [f"P.register_parametrization(module, {first!r}, {p!r})" for p in plan["chain"]]
    lines += [
        "_fully_shard_class(module)  # module.__class__ = type('FSDP' + cls.__name__, (_Mixin, cls), {...})",
        f"P.register_parametrization(module, {first!r}, {plan['stacked']!r})",
    ]
    lines += [f"P.register_parametrization(module, {second!r}, {p!r})" for p in plan["other"]]
    lines += [
        f"P.remove_parametrizations(module, {n!r}, leave_parametrized={f})"
        for n, f in zip(plan["order"], plan["leave"], strict=True)
    ]
    return "Reproducer:\n    " + "\n    ".join(lines)


def _forward_by_hand(host: HostSpec) -> Callable[[Tensor, dict], Tensor]:
    """The host's forward written with torch.nn.functional, taking its tensors by name."""
    if host.kind == "conv1d":
        return lambda x, t: F.conv1d(x, t["weight"], t["bias"])
    if host.kind == "buffers":
        return lambda x, t: x @ t["weight"] + t["running"].sum()
    return lambda x, t: F.linear(x, t["weight"], t["bias"])


class _Expected:
    """The values the module's tensors should read, kept by hand as the test changes the module."""

    def __init__(self, module: nn.Module, host: HostSpec) -> None:
        self.host = host
        with torch.no_grad():
            self.values = {n: getattr(module, n).detach().clone() for n in host.tensor_names()}
        self.chains: dict[str, list[nn.Module]] = {}

    def parametrized(self, module: nn.Module, name: str, chain: list[nn.Module]) -> None:
        """`name` now reads `chain` applied to its originals (read from the module's list)."""
        self.chains[name] = chain
        with torch.no_grad():
            originals = [o.detach().clone() for o in originals_of(module, name)]
            self.values[name] = chain_value(chain, *originals).clone()

    def check(self, module: nn.Module, base: type, what: str) -> None:
        """The module reads the expected values, its forward is the host's forward on them, and it keeps the
        subclass's behaviour (the mixin's method and attribute, the class's own __deepcopy__) and its base class."""
        assert_true(
            isinstance(module, _Mixin),
            f"the module is no longer a _Mixin {what} (its class: {[c.__name__ for c in type(module).__mro__]})",
        )
        assert_true(isinstance(module, base), f"the module is no longer a {base.__name__} {what}")
        assert_equal(module.mixin_method(), f"mixin on {type(module).__name__}", f"module.mixin_method() {what}")
        assert_equal(module.mixin_attribute, "kept", f"module.mixin_attribute {what}")
        with raises(_NoDeepcopy, "", f"copy.deepcopy(module) {what} (the subclass's own __deepcopy__)"):
            copy.deepcopy(module)
        with torch.no_grad():
            for n, value in self.values.items():
                assert_close(getattr(module, n), value, f"module.{n} {what}")
            x = seeded_randn(
                (2, self.host.n, 3) if self.host.kind == "conv1d" else (2, self.host.n),
                self.host.dtype,
                str(value.device),
                self.host.seed + 1,
            )
            assert_close(module(x), _forward_by_hand(self.host)(x, self.values), f"module(x) {what}")


@costly()
@given(data=st.data())
def test_subclass_generated_class(P, adapter, device, dtype, data):
    plan = data.draw(_fsdp_plans(dtype), label="plan")
    note(_fsdp_reproducer(plan, adapter.spec, device))
    host, first, second = plan["host"], plan["first"], plan["second"]
    module = host.build(device)
    base = type(module)
    keys = set(module.state_dict())
    chain = [copy.deepcopy(p) for p in plan["chain"]]
    for p in chain:
        P.register_parametrization(module, first, p)
    expected = _Expected(module, host)
    expected.parametrized(module, first, chain)
    _fully_shard_class(module)
    expected.check(module, base, "after fully_shard-style subclassing")
    steps = [(first, plan["stacked"]), *((second, p) for p in plan["other"])]
    for name, p in steps:
        what = f"registering {p!r} on {name!r}" + (" (stacking)" if name == first else "")
        _run(
            lambda name=name, p=p: P.register_parametrization(module, name, copy.deepcopy(p)),
            f"{what} after the subclassing",
        )
        expected.parametrized(module, name, list(module.parametrizations[name]))
        expected.check(module, base, f"after {what}")
    for name, leave in zip(plan["order"], plan["leave"], strict=True):
        with torch.no_grad():
            kept = module.parametrizations[name].original.detach().clone()
        _run(
            lambda name=name, leave=leave: P.remove_parametrizations(module, name, leave_parametrized=leave),
            f"remove_parametrizations(module, {name!r}, leave_parametrized={leave}) after the subclassing",
        )
        if not leave:
            expected.values[name] = kept
        expected.check(module, base, f"after removing {name!r} (leave_parametrized={leave})")
        assert_true(not P.is_parametrized(module, name), f"P.is_parametrized(module, {name!r}) after removing it")
    assert_true(not P.is_parametrized(module), "P.is_parametrized(module) after removing every parametrization")
    assert_equal(set(module.state_dict()), keys, "the state_dict keys after removing every parametrization")


def _run(step: Callable[[], object], what: str) -> None:
    """Run `step`; a failure is reported as an assertion naming `what`."""
    try:
        step()
    except Exception as exc:
        raise AssertionError(f"{what}: got {type(exc).__name__}({exc}), expected it to succeed") from exc
