"""Assignment module.name = X: right_inverses in reverse order, in-place writes, and the errors of the setter."""

from __future__ import annotations

import dataclasses

import torch
from hypothesis import given, note
from hypothesis import strategies as st
from torch import nn

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    all_checks,
    assert_close,
    assert_equal,
    assert_same,
    assert_true,
    assert_unchanged,
    composed_inverse,
    originals_of,
    raises,
    raises_itself,
    snapshot,
)
from parametrize_conformance.drawing import draw_case, note_case
from parametrize_conformance.strategies import (
    assign_cases,
    cases,
    failing_cases,
    image_value,
    multi_cases,
    other_dtypes,
    other_seeds,
    seeded_randn,
    user_errors,
    with_inserted,
)


@given(data=st.data())
def test_assign_round_trip(P, adapter, device, dtype, swap, data):
    case = data.draw(cases(dtypes=(dtype,), exact=True), label="case")
    seed = data.draw(other_seeds(case.host), label="seed of the assigned value")
    note_case(
        case,
        adapter,
        device,
        f"\nthen module.{case.name} = <its value on the host with seed={seed}>\n(each parametrization wrapped in Logged)",
    )
    module, log = case.build_logged(P, device)
    value = image_value(case, device, seed)
    setattr(module, case.name, value.clone())
    expected = [("ri", str(i)) for i in reversed(range(len(case.chain)))]
    assert_equal(log, expected, "calls made by the assignment")
    with torch.no_grad():
        assert_close(getattr(module, case.name), value, f"module.{case.name} read back after the assignment")


@given(data=st.data(), multi=st.booleans())
def test_assign_keeps_id(P, adapter, device, dtype, swap, data, multi):
    case = data.draw(assign_cases((dtype,), multi), label="case")
    seed = data.draw(other_seeds(case.host), label="seed of the assigned value")
    module = case.host.build(device)
    is_parameter = case.name in module._parameters
    requires_grad = data.draw(st.booleans(), label="requires_grad") if is_parameter else False
    getattr(module, case.name).requires_grad_(requires_grad)
    note_case(
        case,
        adapter,
        device,
        f"\n(module.{case.name}.requires_grad_({requires_grad}) first)"
        f"\nthen module.{case.name} = <its value on the host with seed={seed}>",
    )
    chain = case.fresh_chain()
    case.register_on(P, module, chain)
    before = originals_of(module, case.name)
    value = image_value(case, device, seed)
    setattr(module, case.name, value.clone())  # a swap path may exchange the assigned tensor's contents
    after = originals_of(module, case.name)
    assert_equal(len(after), len(before), "the number of originals after the assignment")
    plist = module.parametrizations[case.name]
    for i, (new, old, expected) in enumerate(zip(after, before, composed_inverse(chain, value), strict=True)):
        assert_same(new, old, f"original {i} after the assignment")
        assert_equal(isinstance(new, nn.Parameter), is_parameter, f"original {i} is an nn.Parameter")
        assert_true(
            any(t is new for t in plist._parameters.values()) == is_parameter,
            f"original {i}: registered as a {'buffer' if is_parameter else 'parameter'}, expected as a "
            f"{'parameter' if is_parameter else 'buffer'}",
        )
        assert_equal(new.requires_grad, requires_grad, f"original {i}.requires_grad")
        assert_close(new, expected, f"original {i}'s value after the assignment")


@given(data=st.data(), multi=st.booleans(), leaf=st.booleans())
def test_assign_no_grad(P, adapter, device, dtype, swap, data, multi, leaf):
    case = data.draw(assign_cases((dtype,), multi), label="case")
    seed = data.draw(other_seeds(case.host), label="seed of the assigned value")
    note_case(
        case,
        adapter,
        device,
        f"\nthen module.{case.name} = <its value on the host with "
        f"seed={seed}, {'a leaf' if leaf else 'computed from a leaf'} that requires grad>",
    )
    _check_identity_buffer_no_grad(P, device, dtype, leaf)
    module = case.build(P, device)
    flags = [t.requires_grad for t in originals_of(module, case.name)]
    source = image_value(case, device, seed).requires_grad_(True)
    setattr(module, case.name, source if leaf else source * 1.0)
    for i, (t, flag) in enumerate(zip(originals_of(module, case.name), flags, strict=True)):
        assert_equal(t.grad_fn, None, f"original {i}'s grad_fn")
        assert_equal(t.requires_grad, flag, f"original {i}.requires_grad")
    value = getattr(module, case.name)
    if value.requires_grad:
        value.sum().backward()
    assert_equal(source.grad, None, "the assigned tensor's grad after a backward through the parametrized value")


def _check_identity_buffer_no_grad(P, device: str, dtype: torch.dtype, leaf: bool) -> None:
    """The case random draws rarely reach: a buffer under an identity right_inverse, where the assigned tensor
    itself reaches the original (under the swap flag, torch swaps it in, graph and all)."""
    note(
        f"fixed case: m = nn.Module(); m.register_buffer('b', torch.zeros(3, dtype={dtype}, device={device!r}))\n"
        f"P.register_parametrization(m, 'b', GradModeProbe()); m.b = <a tensor {'that is a leaf' if leaf else 'computed'}"
        " requiring grad>"
    )
    module = nn.Module()
    module.register_buffer("b", torch.zeros(3, dtype=dtype, device=device))
    probe = L.GradModeProbe()
    P.register_parametrization(module, "b", probe)
    source = torch.ones(3, dtype=dtype, device=device, requires_grad=True)
    probe.seen.clear()
    module.b = source if leaf else source * 2
    assert_equal(probe.seen, [False], "grad mode during the assignment's right_inverse call(s)")
    original = module.parametrizations.b.original
    assert_equal(original.grad_fn, None, "the buffer original's grad_fn after assigning a tensor that requires grad")
    assert_equal(original.requires_grad, False, "the buffer original's requires_grad")


@given(data=st.data(), c=st.sampled_from([3.0, -0.5]))
def test_assign_no_inverse(P, adapter, device, dtype, swap, data, c):
    case = draw_case(
        data,
        with_inserted(cases(dtypes=(dtype,), min_chain=0, max_chain=2), L.NoInverse(c)),
        adapter,
        device,
        lambda case: f"\nthen module.{case.name} = module.{case.name}.detach().clone()",
    )
    module = case.build(P, device)
    value = getattr(module, case.name).detach().clone()
    before = snapshot(module)
    # Note: ASSIGN-NO-INVERSE: any exception will do (the docs fix none); torch's RuntimeError naming the
    # parametrization is ASSIGN-NO-INVERSE-ERROR's.
    with raises(Exception, "", "the assignment"):
        setattr(module, case.name, value)
    assert_unchanged(before, module)


@given(data=st.data(), c=st.sampled_from([3.0, -0.5]))
def test_assign_no_inverse_error(P, adapter, device, dtype, data, c):
    case = draw_case(
        data,
        with_inserted(cases(dtypes=(dtype,), min_chain=0, max_chain=2), L.NoInverse(c)),
        adapter,
        device,
        lambda case: f"\nthen module.{case.name} = module.{case.name}.detach().clone()",
    )
    module = case.build(P, device)
    value = getattr(module, case.name).detach().clone()
    # Note: ASSIGN-NO-INVERSE-ERROR: the message names the parametrization and right_inverse; its wording is torch
    # 2.13's ("parametrization NoInverse does not implement right_inverse"), 1.9 to 2.0 quote the names.
    with raises(RuntimeError, ("NoInverse", "does not implement", "right_inverse"), "the assignment"):
        setattr(module, case.name, value)


@given(data=st.data())
def test_assign_not_implemented(P, adapter, device, dtype, swap, data):
    case = draw_case(
        data,
        with_inserted(cases(dtypes=(dtype,), min_chain=0, max_chain=2), L.InverseNotImplemented()),
        adapter,
        device,
        lambda case: f"\nthen module.{case.name} = module.{case.name}.detach().clone()",
    )
    module = case.build(P, device)
    value = getattr(module, case.name).detach().clone()
    before = snapshot(module)
    with raises(NotImplementedError, "InverseNotImplemented has no right_inverse", "the assignment"):
        setattr(module, case.name, value)
    assert_unchanged(before, module)


@given(data=st.data(), route=st.sampled_from(["value", "multi_value", "inverse"]))
def test_assign_dtype_checked(P, adapter, device, dtype, swap, data, route):
    # Routes: assign a value of another dtype (single or multi-input), or stack (unsafe) BadInverse('dtype').
    case = data.draw(assign_cases((dtype,), multi=route == "multi_value", exact=True), label="case")
    module = case.build(P, device)
    value = getattr(module, case.name).detach().clone()
    if route == "inverse":
        P.register_parametrization(module, case.name, L.BadInverse("dtype"), unsafe=True)
        other = torch.float16 if dtype != torch.float16 else torch.float32
        extra = "P.register_parametrization(module, name, BadInverse('dtype'), unsafe=True)"
    else:
        other = data.draw(other_dtypes(dtype), label="assigned dtype")
        value = value.to(other)
        extra = f"module.{case.name} = <its value>.to({other})"
    note_case(case, adapter, device, f"\nthen {extra}")
    before = snapshot(module)
    if route == "multi_value":
        phrase = f"Tensor 0 returned by `right_inverse` has dtype {other} while `original0` has dtype {dtype}"
    else:
        phrase = f"has dtype {other} while `original` has dtype {dtype}"
    with raises(ValueError, phrase, "the assignment"):
        setattr(module, case.name, value)
    assert_unchanged(before, module)


@given(data=st.data(), multi=st.booleans(), delta=st.sampled_from([1, 2, -1]))
def test_assign_shape_checked(P, adapter, device, dtype, swap, data, multi, delta):
    case = data.draw(assign_cases((dtype,), multi, exact=True), label="case")
    shape = list(case.shape)
    shape[0] = shape[0] + delta if shape[0] + delta >= 1 else shape[0] + 1
    note_case(case, adapter, device, f"\nthen module.{case.name} = torch.randn({tuple(shape)}, dtype={dtype})")
    module = case.build(P, device)
    value = seeded_randn(shape, dtype, device, case.host.seed)
    before = snapshot(module)
    with all_checks() as check:
        with check(), raises(ValueError, "may not change the shape", f"assigning a tensor of shape {tuple(shape)}"):
            setattr(module, case.name, value)
        with check():
            assert_unchanged(before, module)


@given(data=st.data(), wrong_length=st.integers(0, 4))
def test_assign_multi(P, adapter, device, dtype, swap, data, wrong_length):
    case = data.draw(assign_cases((dtype,), multi=True, exact=False), label="case")
    seed = data.draw(other_seeds(case.host), label="seed of the assigned value")
    note_case(case, adapter, device, f"\nthen module.{case.name} = <its value on the host with seed={seed}>")
    chain = case.fresh_chain()
    module = case.build(P, device, chain=chain)
    value = image_value(case, device, seed)
    setattr(module, case.name, value.clone())
    originals = originals_of(module, case.name)
    expected = composed_inverse(chain, value)
    assert_equal(len(originals), len(expected), "the number of originals after the assignment")
    for i, (got, want) in enumerate(zip(originals, expected, strict=True)):
        assert_close(got, want, f"original{i} after the assignment")
    # A right_inverse that now returns a sequence of another length is refused.
    n = len(originals)
    length = wrong_length if wrong_length != n else n + 1
    weighted = L.Weighted(n)
    module = case.build(P, device, chain=[weighted, *case.fresh_chain()[1:]])
    weighted.k = length
    note(f"then, on a module built with Weighted({n}) first, Weighted.k = {length} and the same assignment")
    before = snapshot(module)
    # Note: ASSIGN-MULTI: any exception will do (the docs fix none); torch's ValueError is ASSIGN-MULTI-ERROR-TYPE's.
    with raises(Exception, "", f"an assignment whose right_inverse returns {length} tensors"):
        setattr(module, case.name, value.clone())
    assert_unchanged(before, module)


@given(data=st.data(), k=st.integers(2, 4), mode=st.sampled_from(["dtype", "none"]))
def test_assign_multi_atomic(P, adapter, device, dtype, swap, data, k, mode):
    base = data.draw(multi_cases(dtypes=(dtype,), exact=True), label="multi case")
    index = data.draw(st.integers(1, k - 1), label="failing element")
    spoiling = L.Spoiling(k)
    case = dataclasses.replace(base, chain=(spoiling, *base.chain[1:]))
    note_case(
        case, adapter, device, f"\nthen Spoiling.spoil = ({index}, {mode!r}) and module.{case.name} = module.{case.name} + 1"
    )
    module = case.build(P, device, chain=[spoiling, *case.fresh_chain()[1:]])
    value = getattr(module, case.name).detach() + 1
    spoiling.spoil = (index, mode)
    before = snapshot(module)
    olds = [t.detach().clone() for t in originals_of(module, case.name)]
    # Note: ASSIGN-MULTI-ATOMIC: any exception will do (the docs fix none); the ValueErrors are ASSIGN-DTYPE-CHECKED's
    # and ASSIGN-MULTI-ERROR-TYPE's. Refusing an element of another dtype at all is ASSIGN-DTYPE-CHECKED's
    # preference: an assignment that accepts it fails nothing here.
    try:
        setattr(module, case.name, value)
    except Exception:  # the failing call is what the checks below judge
        pass
    else:
        assert_true(mode == "dtype", f"an assignment whose element {index} is None: got no exception, expected an exception")
        return
    with all_checks() as check:
        with check():
            for i, (t, old) in enumerate(zip(originals_of(module, case.name), olds, strict=True)):
                assert_close(t, old, f"original{i} after the failed assignment")
        with check():
            assert_unchanged(before, module)


@given(data=st.data(), bad=st.sampled_from(["length", "none"]), wrong_length=st.integers(0, 4))
def test_assign_multi_error_type(P, adapter, device, dtype, data, bad, wrong_length):
    base = data.draw(multi_cases(dtypes=(dtype,), exact=True), label="multi case")
    n = base.chain[0].inputs
    if bad == "length":
        length = wrong_length if wrong_length != n else n + 1
        weighted = L.Weighted(n)
        case = dataclasses.replace(base, chain=(weighted, *base.chain[1:]))
        note_case(case, adapter, device, f"\nthen Weighted.k = {length} and module.{case.name} = module.{case.name} + 1")
        module = case.build(P, device, chain=[weighted, *case.fresh_chain()[1:]])
        weighted.k = length
        # Note: the key phrase, not the sentence after it (torch 1.10 and 1.11 spell it 'lenght').
        phrase, what = f"must return a sequence of tensors of length {n}", f"right_inverse returns {length} tensors"
    else:
        index = data.draw(st.integers(1, n - 1), label="failing element")
        spoiling = L.Spoiling(n)
        case = dataclasses.replace(base, chain=(spoiling, *base.chain[1:]))
        note_case(
            case,
            adapter,
            device,
            f"\nthen Spoiling.spoil = ({index}, 'none') and module.{case.name} = module.{case.name} + 1",
        )
        module = case.build(P, device, chain=[spoiling, *case.fresh_chain()[1:]])
        spoiling.spoil = (index, "none")
        phrase, what = f"Got element {index} of type NoneType", f"element {index} of right_inverse's output is None"
    value = getattr(module, case.name).detach() + 1
    with raises(ValueError, phrase, f"an assignment whose {what}"):
        setattr(module, case.name, value)


@given(data=st.data(), multi=st.booleans())
def test_assign_parameter_refused(P, adapter, device, dtype, swap, data, multi):
    case = draw_case(
        data,
        assign_cases((dtype,), multi, exact=False),
        adapter,
        device,
        lambda case: f"\nthen module.{case.name} = nn.Parameter(<its value>)",
    )
    module = case.build(P, device)
    value = nn.Parameter(getattr(module, case.name).detach().clone())
    before = snapshot(module)
    with raises(KeyError, f"attribute '{case.name}' already exists", "assigning an nn.Parameter"):
        setattr(module, case.name, value)
    assert_unchanged(before, module)


@given(data=st.data())
def test_assign_inverse_error(P, adapter, device, dtype, data):
    case = data.draw(failing_cases(dtypes=(dtype,)), label="case")
    error = data.draw(user_errors(), label="error")
    call = data.draw(st.sampled_from(("assign", "register")), label="call")
    seed = data.draw(other_seeds(case.host), label="seed of the assigned value")
    chain, name = case.fresh_chain(), case.name
    at = next(i for i, p in enumerate(chain) if isinstance(p, L.Failing))
    first = dataclasses.replace(case, chain=case.chain[:at]) if call == "register" else case
    if call == "register":
        arm, code = "p = Failing(); p.fail", f"P.register_parametrization(module, {name!r}, p)"
    else:
        arm = f"p = module.parametrizations[{name!r}][{at}]; p.fail"
        code = f"module.{name} = <its value on the host built with seed {seed}>"
    note(
        first.reproducer(adapter.spec, device) + f"\n    {arm} = ('right_inverse', {error!r})\n    {code}  # raises "
        f"that very {type(error).__name__}, and module is unchanged"
    )
    module = case.host.build(device)
    first.register_on(P, module, chain[:at] if call == "register" else chain)
    value = image_value(case, device, seed) if call == "assign" else None
    chain[at].fail = ("right_inverse", error)
    before = snapshot(module)
    with raises_itself(error, code):
        if call == "assign":
            setattr(module, name, value)
        else:
            P.register_parametrization(module, name, chain[at])
    assert_unchanged(before, module)
