"""Unit tests of the reference implementation.

Differential tests run the same scenario on the reference and on torch's ``torch.nn.utils.parametrize`` and compare
what a user can observe; divergence tests show the reference keeps an invariant that torch 2.13 breaks.
"""

import copy
import gc
import io
import pickle
import weakref

import pytest
import torch
import torch.nn.utils.parametrize as P
from torch import nn

import parametrize_conformance.reference as R

IMPLS = {"reference": R, "torch": P}


# ---------------------------------------------------------------- parametrizations used below


class Scale(nn.Module):
    def forward(self, x):
        return 2 * x

    def right_inverse(self, x):
        return x / 2


class Symmetric(nn.Module):
    def forward(self, x):
        return x.triu() + x.triu(1).transpose(-1, -2)

    def right_inverse(self, x):
        return x.triu()


class AddOne(nn.Module):  # no right_inverse
    def forward(self, x):
        return x + 1


class RankOne(nn.Module):
    def forward(self, x, y):
        return x.unsqueeze(-1) @ y.unsqueeze(-2)

    def right_inverse(self, z):
        return z[:, 0].contiguous(), torch.ones_like(z[0])


class WithBuffer(nn.Module):  # a stateful parametrization: its buffer lives in the state_dict
    def __init__(self):
        super().__init__()
        self.register_buffer("_u", torch.ones(1))

    def forward(self, x):
        return x * self._u


class Shrink(nn.Module):  # changes the shape
    def forward(self, x):
        return x[:-1]


class ToDouble(nn.Module):  # changes the dtype
    def forward(self, x):
        return x.double()

    def right_inverse(self, x):
        return x.float()


class Returns(nn.Module):
    """Identity forward; right_inverse returns a fixed object (or raises it when it is an exception class)."""

    def __init__(self, ri):
        super().__init__()
        self.ri = ri

    def forward(self, *xs):
        return xs[0]

    def right_inverse(self, x):
        if isinstance(self.ri, type) and issubclass(self.ri, Exception):
            raise self.ri("not invertible")
        return self.ri(x) if callable(self.ri) else self.ri


class Logged(nn.Module):
    def __init__(self, tag, log, inverse=True):
        super().__init__()
        self.tag, self.log = tag, log
        if inverse:
            self.right_inverse = self._inverse

    def forward(self, x):
        self.log.append(f"fwd{self.tag}")
        return x

    def _inverse(self, x):
        self.log.append(f"ri{self.tag}")
        return x


@pytest.fixture(params=list(IMPLS))
def impl(request):
    return IMPLS[request.param]


@pytest.fixture(params=[False, True], ids=["set_", "swap"])
def swap(request):
    before = torch.__future__.get_swap_module_params_on_conversion()
    torch.__future__.set_swap_module_params_on_conversion(request.param)
    yield request.param
    torch.__future__.set_swap_module_params_on_conversion(before)


def linear(seed=0, n=3, **kw):
    torch.manual_seed(seed)
    return nn.Linear(n, n, **kw)


def outcome(fn):
    """The result of ``fn()``, or (exception type, message)."""
    try:
        return fn()
    except Exception as e:
        return type(e), str(e)


def both(scenario):
    """``scenario(impl)`` on the reference and on torch."""
    return outcome(lambda: scenario(R)), outcome(lambda: scenario(P))


def snapshot(m):
    """Everything a failed call must leave unchanged: class, dicts (keys, order, objects), values, flags."""

    def tensors(d):
        return [
            (k, id(v), type(v), v is not None and v.requires_grad, v is not None and v.detach().clone())
            for k, v in d.items()
        ]

    return type(m), tensors(m._parameters), tensors(m._buffers), set(m._non_persistent_buffers_set), list(m._modules)


def assert_unchanged(before, m):
    after = snapshot(m)
    assert before[0] is after[0]
    for a, b in zip(before[1:3], after[1:3], strict=True):
        assert [x[:4] for x in a] == [x[:4] for x in b]
        for x, y in zip(a, b, strict=True):
            assert x[4] is False or torch.equal(x[4], y[4]), x[0]
    assert before[3:5] == after[3:5]


# ---------------------------------------------------------------- public surface


def test_public_names():
    assert R.__all__ == P.__all__
    assert all(hasattr(R, name) for name in R.__all__)


def test_returns_module_and_generated_class(impl):
    m = linear()
    assert impl.register_parametrization(m, "weight", Scale()) is m
    assert type(m).__name__ == "ParametrizedLinear"
    assert type(m).__bases__ == (nn.Linear,)
    assert isinstance(m.parametrizations, nn.ModuleDict)
    assert isinstance(m.parametrizations.weight, impl.ParametrizationList)
    assert isinstance(type(m).__dict__["weight"], property) and type(m).__dict__["weight"].fdel is None
    with pytest.raises(AttributeError):
        del m.weight
    assert impl.remove_parametrizations(m, "weight") is m and type(m) is nn.Linear


def test_unsafe_is_keyword_only(impl):
    with pytest.raises(TypeError):
        impl.register_parametrization(linear(), "weight", Scale(), True)


# ---------------------------------------------------------------- differential: ordinary scenarios


def observe(m):
    sd = m.state_dict()
    return (
        type(m).__name__,
        list(sd),
        [(k, v.tolist()) for k, v in sd.items()],
        [n for n, _ in m.named_parameters()],
        [n for n, _ in m.named_buffers()],
        [n for n, _ in m.named_modules()],
    )


@pytest.mark.parametrize(
    "name,make",
    [
        ("weight", Scale),
        ("weight", Symmetric),
        ("weight", AddOne),
        ("bias", Scale),
        ("weight", RankOne),
        ("weight", WithBuffer),
    ],
)
def test_register_matches_torch(name, make):
    def scenario(impl):
        m = linear()
        old = getattr(m, name)
        impl.register_parametrization(m, name, make())
        plist = m.parametrizations[name]
        keys = [k for k in ("original", "original0", "original1") if hasattr(plist, k)]
        return (
            observe(m),
            getattr(m, name).tolist(),
            keys,
            plist.is_tensor,
            plist.ntensors,
            plist.unsafe,
            [type(getattr(plist, k)) for k in keys],
            [getattr(plist, k).requires_grad for k in keys],
            plist.is_tensor and plist.original is old,
            getattr(m, name).requires_grad,
        )

    ours, theirs = both(scenario)
    assert ours == theirs


def test_register_buffer_matches_torch():
    def scenario(impl):
        m = linear()
        m.register_buffer("buf", torch.arange(4.0))
        old = m.buf
        impl.register_parametrization(m, "buf", Scale())
        impl.register_parametrization(m, "buf", AddOne())
        keys = list(m.parametrizations.buf._buffers)
        return observe(m), m.buf.tolist(), keys, m.parametrizations.buf.original is old, len(list(m.parameters()))

    ours, theirs = both(scenario)
    assert ours == theirs


def test_requires_grad_propagates_to_multi_originals():
    def scenario(impl):
        m = linear()
        m.weight.requires_grad_(False)
        impl.register_parametrization(m, "weight", RankOne())
        plist = m.parametrizations.weight
        return [(type(t), t.requires_grad) for t in (plist.original0, plist.original1)], m.weight.requires_grad

    ours, theirs = both(scenario)
    assert ours == theirs == ([(nn.Parameter, False)] * 2, False)


def test_length_one_sequence_gives_original0(impl):
    m = linear()
    impl.register_parametrization(m, "weight", Returns(lambda x: (x,)))
    assert hasattr(m.parametrizations.weight, "original0") and not hasattr(m.parametrizations.weight, "original")


def test_call_order_matches_torch():
    def scenario(impl):
        log = []
        m = linear()
        impl.register_parametrization(m, "weight", Logged(0, log))
        log.append("|")
        impl.register_parametrization(m, "weight", Logged(1, log))
        log.append("|")
        impl.register_parametrization(m, "weight", Logged(2, log, inverse=False), unsafe=True)
        log.append("|")
        impl.register_parametrization(m, "weight", Logged(3, log, inverse=False))
        unsafe = m.parametrizations.weight.unsafe
        log.append("|")
        m.parametrizations.weight.pop(-1), m.parametrizations.weight.pop(-1)
        m.weight = torch.zeros(3, 3)
        return log, unsafe

    ours, theirs = both(scenario)
    assert ours == theirs
    assert ours[1] is True  # sticky


def test_training_mode_synced_at_registration(impl):
    m = linear().eval()
    p = Scale()
    impl.register_parametrization(m, "weight", p)
    assert not p.training
    m.train()
    assert p.training
    p2 = Scale().eval()
    impl.register_parametrization(m, "weight", p2)
    assert p2.training


def test_assignment_matches_torch():
    def scenario(impl):
        m = linear()
        impl.register_parametrization(m, "weight", Symmetric())
        impl.register_parametrization(m, "weight", Scale())
        old = m.parametrizations.weight.original
        x = torch.arange(9.0).reshape(3, 3).requires_grad_()
        m.weight = x
        plist = m.parametrizations.weight
        return m.weight.tolist(), plist.original.tolist(), plist.original is old, plist.original.grad_fn is None

    ours, theirs = both(scenario)
    assert ours == theirs


def test_remove_matches_torch():
    def scenario(impl):
        results = []
        for leave in (True, False):
            m = linear()
            old = m.weight
            impl.register_parametrization(m, "weight", Scale())
            impl.register_parametrization(m, "weight", Symmetric())
            value = m.weight.detach().clone()
            impl.remove_parametrizations(m, "weight", leave_parametrized=leave)
            results += [
                type(m),
                hasattr(m, "parametrizations"),
                m.weight is old,
                type(m.weight),
                torch.equal(m.weight, value),
                set(m.state_dict()),
            ]
        m = linear()
        impl.register_parametrization(m, "weight", RankOne())
        value = m.weight.detach().clone()
        impl.remove_parametrizations(m, "weight")
        results += [type(m.weight), m.weight.is_leaf, m.weight.requires_grad, torch.equal(m.weight, value)]
        return results

    ours, theirs = both(scenario)
    assert ours == theirs


def test_remove_one_of_two_keeps_module_parametrized(impl):
    m = linear()
    impl.register_parametrization(m, "weight", Scale())
    impl.register_parametrization(m, "bias", Scale())
    impl.remove_parametrizations(m, "bias")
    assert impl.is_parametrized(m) and impl.is_parametrized(m, "weight") and not impl.is_parametrized(m, "bias")
    assert impl.type_before_parametrizations(m) is nn.Linear
    assert torch.equal(m.weight, 2 * m.parametrizations.weight.original)
    impl.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear and not hasattr(m, "parametrizations")


def test_queries(impl):
    m = linear()
    assert not impl.is_parametrized(m) and impl.type_before_parametrizations(m) is nn.Linear
    m.parametrizations = 3
    assert not impl.is_parametrized(m)
    m = linear()
    m.parametrizations = nn.ModuleDict()
    assert not impl.is_parametrized(m) and impl.type_before_parametrizations(m) is nn.Linear
    m = linear()
    impl.register_parametrization(m, "weight", Scale())
    assert impl.is_parametrized(m) and impl.is_parametrized(m, "weight") and not impl.is_parametrized(m, "bias")
    assert impl.type_before_parametrizations(m) is nn.Linear


def test_nested_parametrization(impl):
    m = linear()
    impl.register_parametrization(m, "weight", Scale())
    plist = m.parametrizations.weight
    impl.register_parametrization(plist, "original", Scale())
    assert type(plist).__name__ == "ParametrizedParametrizationList"
    assert "parametrizations.weight.parametrizations.original.original" in m.state_dict()
    inner = plist.parametrizations.original.original
    assert torch.allclose(m.weight, 4 * inner)
    impl.remove_parametrizations(plist, "original")
    assert type(plist) is impl.ParametrizationList
    impl.remove_parametrizations(m, "weight")
    assert type(m) is nn.Linear


def test_ids_preserved(impl, swap):
    m = linear()
    w, b = m.weight, m.bias
    m.register_buffer("buf", torch.ones(3))
    buf = m.buf
    impl.register_parametrization(m, "weight", Scale())
    impl.register_parametrization(m, "buf", Scale())
    assert m.parametrizations.weight.original is w and m.parametrizations.buf.original is buf
    m.weight = torch.eye(3)
    m.buf = torch.zeros(3)
    assert m.parametrizations.weight.original is w and torch.equal(w, torch.eye(3) / 2)
    impl.remove_parametrizations(m, "weight")
    impl.remove_parametrizations(m, "buf", leave_parametrized=False)
    assert m.weight is w and isinstance(w, nn.Parameter) and m.bias is b and m.buf is buf
    assert torch.equal(m.weight, torch.eye(3)) and "buf" in m._buffers


def test_wrapper_subclass_takes_swap_path():
    from torch.testing._internal.two_tensor import TwoTensor

    def scenario(impl):
        m = linear()
        w = m.weight = nn.Parameter(TwoTensor(torch.ones(3, 3), torch.ones(3, 3)))
        m.register_buffer("buf", TwoTensor(torch.ones(3), torch.ones(3)))
        buf = m.buf
        impl.register_parametrization(m, "weight", Scale())
        impl.register_parametrization(m, "buf", Scale())
        seen = [type(m.parametrizations.weight.original), m.parametrizations.weight.original is w, type(m.weight)]
        m.weight = TwoTensor(torch.zeros(3, 3), torch.zeros(3, 3))
        impl.remove_parametrizations(m, "weight")
        impl.remove_parametrizations(m, "buf")
        return seen + [
            m.weight is w,
            type(m.weight),
            isinstance(w, nn.Parameter),
            m.weight.a.tolist(),
            m.buf is buf,
            isinstance(m.buf, nn.Parameter),
            m.buf.a.tolist(),
        ]

    ours, theirs = both(scenario)
    assert ours == theirs


def test_functional_call_on_original_key():
    def scenario(impl):
        m = linear()
        impl.register_parametrization(m, "weight", Scale())
        w = torch.ones(3, 3, requires_grad=True)
        out = torch.func.functional_call(m, {"parametrizations.weight.original": w}, (torch.ones(1, 3),))
        out.sum().backward()
        return out.tolist(), w.grad.tolist(), m.parametrizations.weight.original.tolist()

    ours, theirs = both(scenario)
    assert ours == theirs


def test_dtype_change_removal_works_with_swap(impl, swap):
    m = linear()
    w = m.weight
    impl.register_parametrization(m, "weight", ToDouble(), unsafe=True)
    if not swap:
        with pytest.raises(RuntimeError):
            impl.remove_parametrizations(m, "weight")
        assert impl.is_parametrized(m, "weight")
        return
    impl.remove_parametrizations(m, "weight")
    assert m.weight is w and w.dtype == torch.float64 and isinstance(w, nn.Parameter)


def test_unsafe_shape_change(impl):
    m = linear()
    impl.register_parametrization(m, "weight", Shrink(), unsafe=True)
    assert m.weight.shape == (2, 3)
    impl.register_parametrization(m, "weight", Scale())  # stacked safe: checks against the new shape
    impl.remove_parametrizations(m, "weight")
    assert m.weight.shape == (2, 3)


# ---------------------------------------------------------------- differential: errors (type and message)


def first(make, **kw):
    return lambda impl: impl.register_parametrization(linear(), "weight", make(), **kw)


def stacked(make):
    def scenario(impl):
        m = linear()
        impl.register_parametrization(m, "weight", Scale())
        outcome_ = outcome(lambda: impl.register_parametrization(m, "weight", make()))
        return outcome_, len(m.parametrizations.weight)

    return scenario


def assigned(make, value=None):
    def scenario(impl):
        m = linear()
        impl.register_parametrization(m, "weight", make(), unsafe=True)
        m.weight = torch.zeros(3, 3) if value is None else value

    return scenario


class TupleOut(nn.Module):
    def forward(self, x):
        return (x,)


class Pair(nn.Module):  # two originals, right_inverse configurable
    def __init__(self, ri=None):
        super().__init__()
        self.ri = ri

    def forward(self, x, y):
        return x + y

    def right_inverse(self, z):
        return (z / 2, z / 2) if self.ri is None else self.ri(z)


class ScaleThenShrink(nn.Module):  # right_inverse writes a new value, then the forward check fails
    def forward(self, x):
        return x[:-1]

    def right_inverse(self, x):
        return 3 * x


# Parametrizations whose first registration fails, and ones whose stacking on Scale fails.
FIRST_FAILURES = {
    "ri-none": lambda: Returns(None),
    "ri-seq-with-none": lambda: Returns(lambda x: (x, None)),
    "ri-dtype": lambda: Returns(lambda x: x.double()),
    "ri-device": lambda: Returns(lambda x: x.to("meta")),
    "fwd-not-tensor": TupleOut,
    "fwd-dtype": ToDouble,
    "fwd-shape": Shrink,
    "fwd-arity": lambda: Pair(ri=lambda z: (z, z, z)),
    "multi-fwd-dtype": lambda: Pair(ri=lambda z: (z.double(), z.double())),
    "ri-then-fwd-shape": ScaleThenShrink,
}
STACK_FAILURES = {
    "stack-fwd-tuple": TupleOut,
    "stack-fwd-dtype": ToDouble,
    "stack-fwd-shape": Shrink,
    "stack-ri-tuple": lambda: Returns(lambda x: (x,)),
    "stack-ri-dtype": lambda: Returns(lambda x: x.double()),
    "stack-ri-shape": lambda: Returns(lambda x: x[:1]),
}
ERRORS = {
    "missing-name": lambda impl: impl.register_parametrization(linear(), "nope", Scale()),
    "submodule-name": lambda impl: impl.register_parametrization(nn.Sequential(linear()), "0", Scale()),
    "remove-unparametrized": lambda impl: impl.remove_parametrizations(linear(), "weight"),
    "remove-multi-not-leave": lambda impl: impl.remove_parametrizations(
        impl.register_parametrization(linear(), "weight", RankOne()), "weight", leave_parametrized=False
    ),
    "empty-list": lambda impl: impl.ParametrizationList([], torch.ones(2)),
    **{k: first(make) for k, make in FIRST_FAILURES.items()},
    **{k: stacked(make) for k, make in STACK_FAILURES.items()},
    "assign-no-ri": assigned(AddOne),
    "assign-not-implemented": assigned(lambda: Returns(NotImplementedError)),
    "assign-not-tensor": assigned(lambda: Returns(lambda x: [x] if x.sum() == 0 else x)),
    "assign-dtype": assigned(lambda: Returns(lambda x: x.double())),
    "assign-multi-not-seq": assigned(lambda: Pair(ri=lambda z: z if z.sum() == 0 else (z, z))),
    "assign-multi-length": assigned(lambda: Pair(ri=lambda z: (z,) if z.sum() == 0 else (z, z))),
    "assign-multi-dtype": assigned(lambda: Pair(ri=lambda z: (z, z.double() if z.sum() == 0 else z))),
    "assign-multi-element": assigned(lambda: Pair(ri=lambda z: (z, 1 if z.sum() == 0 else z))),
    "assign-parameter": assigned(Scale, nn.Parameter(torch.zeros(3, 3))),
}


@pytest.mark.parametrize("case", list(ERRORS))
def test_error_matches_torch(case):
    ours, theirs = both(ERRORS[case])
    assert ours == theirs
    error = ours[0] if isinstance(ours[0], tuple) else ours  # stacked cases also return the list length
    assert isinstance(error[0], type) and issubclass(error[0], Exception), ours


def test_not_implemented_right_inverse_is_identity_at_registration(impl):
    m = linear()
    w = m.weight.detach().clone()
    impl.register_parametrization(m, "weight", Returns(NotImplementedError))
    impl.register_parametrization(m, "weight", Returns(NotImplementedError))
    assert torch.equal(m.weight, w) and len(m.parametrizations.weight) == 2


# ---------------------------------------------------------------- cache, scripting, tracing


def test_cached_same_object_reentrant_and_cleared(impl):
    m = linear()
    impl.register_parametrization(m, "weight", Scale())
    with impl.cached():
        a = m.weight
        with impl.cached():
            assert m.weight is a
        assert m.weight is a
    assert m.weight is not a
    with pytest.raises(ZeroDivisionError), impl.cached():
        a = m.weight
        raise ZeroDivisionError
    with impl.cached():
        assert m.weight is not a


def test_cache_is_per_module_after_transfer(impl):
    a, b = linear(0), linear(1)
    impl.register_parametrization(a, "weight", Scale())
    impl.transfer_parametrizations_and_params(a, b)
    with impl.cached():
        assert a.weight is a.weight and b.weight is b.weight and a.weight is not b.weight


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tracing_while_caching_refused(impl):
    m = linear()
    impl.register_parametrization(m, "weight", Scale())
    traced = torch.jit.trace(m, torch.ones(1, 3))
    assert torch.allclose(traced(torch.ones(1, 3)), m(torch.ones(1, 3)))
    with impl.cached(), pytest.raises(RuntimeError, match="Cannot trace a model while caching"):
        torch.jit.trace(m, torch.ones(1, 3))


def test_scripting_guard(impl, monkeypatch):
    m = linear()
    impl.register_parametrization(m, "weight", Scale())
    monkeypatch.setattr(torch.jit, "is_scripting", lambda: True)
    with pytest.raises(RuntimeError, match="Parametrization is not working with scripting."):
        _ = m.weight
    with pytest.raises(RuntimeError, match="Parametrization is not working with scripting."):
        m.weight = torch.zeros(3, 3)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_jit_script_compiles_then_fails_at_run_time(impl):
    m = linear()
    impl.register_parametrization(m, "weight", Scale())
    scripted = torch.jit.script(m)
    with pytest.raises(torch.jit.Error, match="Parametrization is not working with scripting."):
        scripted(torch.ones(1, 3))


def test_hooks_on_parametrizations_fire(impl):
    """The reference calls forward directly only when nothing would observe the call: hooks fire as under torch."""
    m, seen = linear(), []
    impl.register_parametrization(m, "weight", Scale())
    impl.register_parametrization(m, "weight", Scale())
    m.parametrizations.weight[1].register_forward_pre_hook(lambda mod, args: seen.append("pre"))
    m.parametrizations.weight[0].register_forward_hook(lambda mod, args, out: out * 0)
    m.parametrizations.weight.register_forward_hook(lambda mod, args, out: seen.append("list"))
    handle = nn.modules.module.register_module_forward_hook(lambda mod, args, out: seen.append(type(mod).__name__))
    try:
        assert torch.equal(m.weight, torch.zeros(3, 3))
        assert seen == ["Scale", "pre", "Scale", "ParametrizationList", "list"]
    finally:
        handle.remove()
    seen.clear()
    m.parametrizations.weight[0]._forward_hooks.clear()
    assert not torch.equal(m.weight, torch.zeros(3, 3)) and seen == ["pre", "list"]


def test_attribute_error_in_forward_is_masked_by_torch_only(impl):
    class Broken(nn.Module):
        def forward(self, x):
            return x.no_such_attribute

    m = linear()
    impl.register_parametrization(m, "weight", Broken(), unsafe=True)
    # Note: REGISTER-FORWARD-ERROR: the reference raises the forward's own AttributeError.
    with pytest.raises(AttributeError, match="has no attribute 'weight'" if impl is P else "no_such_attribute"):
        _ = m.weight


# ---------------------------------------------------------------- serialization and copies


def test_serialization_refused(impl):
    m = linear()
    impl.register_parametrization(m, "weight", Scale())
    message = "only supported through state_dict()"
    for fn in (pickle.dumps, copy.copy, lambda x: torch.save(x, io.BytesIO())):
        with pytest.raises(RuntimeError, match=message.replace("(", r"\(").replace(")", r"\)")):
            fn(m)


def test_deepcopy(impl):
    m = linear()
    m.extra = [1, 2]
    impl.register_parametrization(m, "weight", Scale())
    impl.register_parametrization(m, "bias", Scale())
    pair = copy.deepcopy([m, m])
    c = pair[0]
    assert pair[1] is c  # memo respected
    assert torch.equal(c.weight, m.weight) and c.parametrizations.weight.original is not m.parametrizations.weight.original
    assert c.parametrizations.weight[0] is not m.parametrizations.weight[0] and c.extra is not m.extra
    assert c.__dict__.keys() == m.__dict__.keys()


def test_user_deepcopy_kept(impl):
    class WithDC(nn.Linear):
        def __deepcopy__(self, memo):
            return "mine"

    m = WithDC(2, 2)
    impl.register_parametrization(m, "weight", Scale())
    assert type(m).__name__ == "ParametrizedWithDC" and copy.deepcopy(m) == "mine"


def test_state_dict_roundtrip(impl):
    a, b = linear(0), linear(1)
    for m in (a, b):
        impl.register_parametrization(m, "weight", Symmetric())
    original = b.parametrizations.weight.original
    b.load_state_dict(a.state_dict())
    assert b.parametrizations.weight.original is original and torch.equal(b.weight, a.weight)
    with pytest.raises(RuntimeError, match="Missing key"):
        linear().load_state_dict(a.state_dict())


# ---------------------------------------------------------------- transfer


def test_transfer_shares_and_ties(impl):
    src, dst = linear(0), linear(1)
    impl.register_parametrization(src, "weight", Symmetric())
    impl.register_parametrization(src, "bias", Scale())
    impl.transfer_parametrizations_and_params(src, dst, "weight")
    assert impl.is_parametrized(dst, "weight") and not impl.is_parametrized(dst, "bias")
    assert dst.parametrizations.weight[0] is src.parametrizations.weight[0]
    assert dst.parametrizations.weight.original is src.parametrizations.weight.original
    assert torch.equal(dst.weight, src.weight)
    impl.remove_parametrizations(dst, "weight")
    assert impl.is_parametrized(src, "weight")
    plain = nn.Module()
    assert impl.transfer_parametrizations_and_params(linear(), plain) is plain and not impl.is_parametrized(plain)


def test_transfer_creates_missing_names(impl):
    src = linear()
    impl.register_parametrization(src, "weight", RankOne())
    impl.register_parametrization(src, "weight", Scale())
    dst = nn.Module()
    impl.transfer_parametrizations_and_params(src, dst)
    plist = dst.parametrizations.weight
    assert plist.original0 is src.parametrizations.weight.original0
    assert plist.original1 is src.parametrizations.weight.original1 and torch.equal(dst.weight, src.weight)


def test_transfer_unknown_name_is_keyerror(impl):
    src = linear()
    impl.register_parametrization(src, "weight", Scale())
    with pytest.raises(KeyError, match="bias"):
        impl.transfer_parametrizations_and_params(src, linear(), "bias")


# ---------------------------------------------------------------- divergences: the reference keeps the invariant


def test_atomic_first_register():
    # Note: ATOMIC-FIRST-REGISTER
    m = linear()
    w = m.weight
    before = snapshot(m)
    with pytest.raises(ValueError, match="may not change the shape"):
        R.register_parametrization(m, "weight", ScaleThenShrink())
    assert_unchanged(before, m)
    assert m.weight is w
    t = linear()
    value = t.weight.detach().clone()
    with pytest.raises(ValueError):
        P.register_parametrization(t, "weight", ScaleThenShrink())
    assert not torch.equal(t.weight, value)  # torch wrote right_inverse(original) before failing


@pytest.mark.parametrize("case", [*FIRST_FAILURES, *STACK_FAILURES])
def test_atomic_every_failing_register(case):
    # Note: ATOMIC-FIRST-REGISTER (stacking: the list is unchanged too)
    m = linear()
    if case in STACK_FAILURES:
        R.register_parametrization(m, "weight", Scale())
    before = snapshot(m)
    chain = list(m.parametrizations.weight) if case in STACK_FAILURES else None
    with pytest.raises((ValueError, TypeError)):
        R.register_parametrization(m, "weight", {**FIRST_FAILURES, **STACK_FAILURES}[case]())
    assert_unchanged(before, m)
    if chain is not None:
        assert list(m.parametrizations.weight) == chain


def test_copy_independent():
    # Note: COPY-INDEPENDENT
    for impl, independent in ((R, True), (P, False)):
        m = linear()
        impl.register_parametrization(m, "weight", Scale())
        c = copy.deepcopy(m)
        impl.remove_parametrizations(c, "weight")
        assert isinstance(outcome(lambda m=m: m.weight), torch.Tensor) is independent, impl
    for impl, independent in ((R, True), (P, False)):
        m = linear()
        impl.register_parametrization(m, "weight", Scale())
        c = copy.deepcopy(m)
        impl.register_parametrization(c, "bias", Scale())
        assert isinstance(outcome(lambda m=m: m.bias), torch.Tensor) is independent, impl
    m = linear()
    R.register_parametrization(m, "weight", Scale())
    c = copy.deepcopy(m)
    R.register_parametrization(m, "bias", Scale())
    R.remove_parametrizations(m, "weight")
    assert torch.equal(c.weight, 2 * c.parametrizations.weight.original) and isinstance(c.bias, nn.Parameter)
    assert type(c).__name__ == "ParametrizedLinear" and type(m).__module__ == R._class.__name__


def test_cache_keeps_the_first_value_after_assignment_like_torch():
    # Note: CACHE-ASSIGN-DEFERRED
    for impl in (R, P):
        m = linear()
        impl.register_parametrization(m, "weight", Scale())
        with impl.cached():
            a = m.weight
            m.weight = torch.zeros(3, 3)
            assert m.weight is a and torch.equal(m.parametrizations.weight.original, torch.zeros(3, 3)), impl
        assert torch.equal(m.weight, torch.zeros(3, 3)), impl


def test_cache_keeps_the_first_value_after_in_place_update_and_stacking():
    # Note: CACHE-KEPT-IN-CONTEXT
    m = linear()
    R.register_parametrization(m, "weight", Scale())
    with R.cached():
        a = m.weight
        with torch.no_grad():
            m.parametrizations.weight.original.zero_()
        R.register_parametrization(m, "weight", Scale())
        assert m.weight is a
    assert torch.equal(m.weight, torch.zeros(3, 3))


def test_cache_forgets_a_removed_then_registered_tensor():
    # Note: a new first registration in the context is a new parametrized tensor (torch would serve the old value).
    m = linear()
    R.register_parametrization(m, "weight", Scale())
    with R.cached():
        a = m.weight
        R.remove_parametrizations(m, "weight", leave_parametrized=False)
        R.register_parametrization(m, "weight", nn.Identity())
        assert m.weight is not a and torch.equal(m.weight, m.parametrizations.weight.original)


def test_cache_recomputes_after_a_transfer_ties_new_originals():
    # Note: CACHE-REPLACED-ORIGINAL: a transfer onto a parametrized tensor stacks and ties the source's originals in
    # place of the target's, so the next read computes from them; a transfer that creates the parametrization makes
    # a new tensor, computed at its first read.
    src = R.register_parametrization(linear(), "weight", Scale())
    dst = R.register_parametrization(linear(2), "weight", Scale())
    with R.cached():
        served = dst.weight
        R.transfer_parametrizations_and_params(src, dst)
        assert dst.weight is not served and dst.weight is dst.weight
        assert torch.equal(dst.weight, 2 * src.weight)
        fresh = R.transfer_parametrizations_and_params(src, linear(3))
        assert torch.equal(fresh.weight, src.weight)
    assert torch.equal(dst.weight, 2 * src.weight)


def test_a_failed_transfer_leaves_the_cache_as_it_was():
    # Note: TRANSFER-ATOMIC: inside cached(), the values served before a failed transfer are served after it.
    src = linear()
    R.register_parametrization(src, "weight", Symmetric())
    R.register_parametrization(src, "weight", Shrink(), unsafe=True)
    dst = R.register_parametrization(linear(2), "weight", Scale())
    with R.cached():
        served = dst.weight
        with pytest.raises(ValueError, match="may not change the shape"):
            R.transfer_parametrizations_and_params(src, dst)
        assert dst.weight is served


def test_cache_not_alien():
    # Note: CACHE-NO-ALIEN
    for impl, own in ((R, True), (P, False)):
        m = linear()
        impl.register_parametrization(m, "weight", Scale())
        c = copy.deepcopy(m)
        with torch.no_grad():
            c.parametrizations.weight.original.zero_()
        with impl.cached():
            _ = m.weight
            assert torch.equal(c.weight, torch.zeros(3, 3)) is own  # torch keys on the source module's id
    with R.cached():
        m = linear()
        R.register_parametrization(m, "weight", Scale())
        _ = m.weight
        ref = weakref.ref(m)
        del m
        gc.collect()
        assert ref() is not None  # the entry keeps its module alive, so its id cannot be reused
        for seed in range(5):
            n = linear(seed)
            R.register_parametrization(n, "weight", Scale())
            assert torch.equal(n.weight, 2 * n.parametrizations.weight.original)
    assert ref() is None


def test_error_not_a_module():
    # Note: ERROR-NOT-A-MODULE
    m = linear()
    before = snapshot(m)
    with pytest.raises(TypeError, match="function.*nn.Module"):
        R.register_parametrization(m, "weight", lambda x: x)
    assert_unchanged(before, m)
    with pytest.raises(AttributeError):
        P.register_parametrization(m, "weight", lambda x: x)


def test_error_none_slot():
    # Note: ERROR-NONE-SLOT
    m = linear(bias=False)
    before = snapshot(m)
    with pytest.raises(ValueError, match="bias is None"):
        R.register_parametrization(m, "bias", Scale())
    assert_unchanged(before, m)
    with pytest.raises(ValueError, match="None"):
        R.ParametrizationList([Scale()], None)


@pytest.mark.parametrize("value", [3, nn.ModuleDict(), nn.ModuleDict({"x": nn.Identity()})])
def test_error_reserved_name(value):
    # Note: ERROR-RESERVED-NAME
    m = linear()
    m.parametrizations = value
    before = snapshot(m)
    with pytest.raises(ValueError, match="reserved"):
        R.register_parametrization(m, "weight", Scale())
    assert_unchanged(before, m)
    assert m.parametrizations is value


def test_remove_multi_keeps_kind():
    # Note: REMOVE-MULTI-KEEPS-KIND
    for frozen in (False, True):
        m = linear()
        m.weight.requires_grad_(not frozen)
        R.register_parametrization(m, "weight", RankOne())
        value = m.weight.detach().clone()
        R.remove_parametrizations(m, "weight")
        assert "weight" in m._parameters and isinstance(m.weight, nn.Parameter)
        assert m.weight.requires_grad is not frozen and torch.equal(m.weight, value)
    t = linear()
    t.weight.requires_grad_(False)
    P.register_parametrization(t, "weight", RankOne())
    P.remove_parametrizations(t, "weight")
    assert "weight" in t._buffers  # torch turns a frozen former Parameter into a buffer
    m = linear()
    m.register_buffer("buf", torch.ones(3, 3))
    R.register_parametrization(m, "buf", RankOne())
    R.remove_parametrizations(m, "buf")
    assert "buf" in m._buffers and not isinstance(m.buf, nn.Parameter)


def test_buffer_persistence_kept():
    # Note: BUFFER-PERSISTENCE-KEPT
    for make in (Scale, RankOne):
        m = linear()
        m.register_buffer("buf", torch.ones(3, 3), persistent=False)
        R.register_parametrization(m, "buf", make())
        assert not any("buf" in k for k in m.state_dict())
        R.remove_parametrizations(m, "buf")
        assert "buf" in m._buffers and "buf" not in m.state_dict()
    t = linear()
    t.register_buffer("buf", torch.ones(3), persistent=False)
    P.register_parametrization(t, "buf", Scale())
    assert "parametrizations.buf.original" in t.state_dict()


@pytest.mark.parametrize("order", [("weight", "bias"), ("bias", "weight")])
@pytest.mark.parametrize("removal", [("weight", "bias"), ("bias", "weight")])
def test_remove_keeps_order(order, removal):
    # Note: REMOVE-KEEPS-ORDER
    m = linear()
    m.register_buffer("a", torch.ones(1))
    m.register_buffer("b", torch.ones(1))
    keys = list(m.state_dict())
    for name in order:
        R.register_parametrization(m, name, Scale())
    R.register_parametrization(m, "a", Scale())
    for name in (*removal, "a"):
        R.remove_parametrizations(m, name)
    assert list(m.state_dict()) == keys
    t = linear()
    P.register_parametrization(t, "weight", Scale())
    P.remove_parametrizations(t, "weight")
    assert list(t.state_dict()) == ["bias", "weight"]


def test_assign_multi_atomic():
    # Note: ASSIGN-MULTI-ATOMIC
    for impl, atomic in ((R, True), (P, False)):
        m = linear()
        impl.register_parametrization(m, "weight", Pair(ri=lambda z: (z, z.double() if z.sum() == 0 else z)), unsafe=True)
        old = m.parametrizations.weight.original0.detach().clone()
        with pytest.raises(ValueError, match="has dtype"):
            m.weight = torch.zeros(3, 3)
        assert torch.equal(m.parametrizations.weight.original0, old) is atomic


def test_assign_shape_checked():
    # Note: ASSIGN-SHAPE-CHECKED
    m = linear()
    R.register_parametrization(m, "weight", Scale())
    w = m.weight.detach().clone()
    with pytest.raises(ValueError, match=r"may not change the shape(.|\n)*\[3, 3\](.|\n)*\[2, 2\]"):
        m.weight = torch.zeros(2, 2)
    assert torch.equal(m.weight, w)
    R.register_parametrization(m, "weight", Scale(), unsafe=True)
    m.weight = torch.zeros(2, 2)
    assert m.weight.shape == (2, 2)
    t = linear()
    P.register_parametrization(t, "weight", Scale())
    t.weight = torch.zeros(2, 2)  # torch resizes silently
    assert t.weight.shape == (2, 2)
    m = linear()
    R.register_parametrization(m, "weight", RankOne())
    with pytest.raises(ValueError, match="may not change the shape"):
        m.weight = torch.zeros(4, 4)


def test_transfer_keeps_kind():
    # Note: TRANSFER-KEEPS-KIND
    src = linear()
    src.register_buffer("buf", torch.ones(3), persistent=False)
    R.register_parametrization(src, "buf", Scale())
    dst = nn.Module()
    R.transfer_parametrizations_and_params(src, dst)
    assert "buf" not in dst._parameters and dst.parametrizations.buf.original is src.parametrizations.buf.original
    assert torch.equal(dst.buf, src.buf) and "parametrizations.buf.original" not in dst.state_dict()
    t = linear()
    t.register_buffer("buf", torch.ones(3))
    P.register_parametrization(t, "buf", Scale())
    with pytest.raises(TypeError, match="cannot assign"):
        P.transfer_parametrizations_and_params(t, nn.Module())  # torch creates a Parameter, then fails


def test_transfer_atomic():
    # Note: TRANSFER-ATOMIC
    src = linear()
    src.register_buffer("buf", torch.ones(3))
    R.register_parametrization(src, "bias", Scale())
    R.register_parametrization(src, "weight", Symmetric())
    R.register_parametrization(src, "weight", Shrink(), unsafe=True)  # unsafe is not carried: the transfer fails
    for dst in (linear(1), R.register_parametrization(linear(2), "weight", Scale())):
        dst.train(False)
        before = snapshot(dst)
        plist = getattr(dst, "parametrizations", {"weight": None})["weight"]
        inner = list(plist) if plist is not None else None
        with pytest.raises(ValueError, match="may not change the shape"):
            R.transfer_parametrizations_and_params(src, dst)
        assert_unchanged(before, dst)
        if inner is not None:
            assert list(dst.parametrizations.weight) == inner and not dst.parametrizations.weight.unsafe
        assert all(p.training for p in src.parametrizations.weight)


def test_remove_dtype_message():
    # Note: REMOVE-DTYPE-MESSAGE
    m = linear()
    m.register_buffer("buf", torch.ones(3))
    for name in ("weight", "buf"):
        R.register_parametrization(m, name, ToDouble(), unsafe=True)
        with pytest.raises(RuntimeError, match=r"dtype torch.float64(.|\n)*leave_parametrized=False(.|\n)*swap"):
            R.remove_parametrizations(m, name)
        assert R.is_parametrized(m, name)
        R.remove_parametrizations(m, name, leave_parametrized=False)


def test_stack_after_nested_uses_next_key():
    # Note: STACK-NEXT-KEY
    for impl, applied in ((P, False), (R, True)):
        m = linear()
        impl.register_parametrization(m, "weight", Scale())
        impl.register_parametrization(m.parametrizations.weight, "original", Scale())
        impl.register_parametrization(m, "weight", Scale())
        inner = m.parametrizations.weight.parametrizations.original.original
        assert torch.allclose(m.weight, 8 * inner) is applied  # torch files it under key "2" and skips it
    m.weight = torch.ones(3, 3)  # Note: NESTED-ASSIGN: the reference's m; torch raises KeyError '1' here
    assert torch.allclose(m.weight, torch.ones(3, 3)) and torch.allclose(inner, torch.ones(3, 3) / 8)


class Int8Codes(nn.Module):
    """Weight quantization: (int8 codes q, float scale s) -> q * s."""

    def forward(self, q, s):
        return q.to(s.dtype) * s

    def right_inverse(self, w):
        s = w.abs().max() / 127
        return torch.round(w / s).to(torch.int8), s


def test_mixed_dtype_originals_on_a_trainable_parameter():
    # Note: MULTI-MIXED-DTYPE-TRAINABLE: torch fails the registration ("Only Tensors of floating point ...").
    m = linear()
    with pytest.raises(RuntimeError, match="floating point"):
        P.register_parametrization(linear(), "weight", Int8Codes())
    R.register_parametrization(m, "weight", Int8Codes())
    q, s = m.parametrizations.weight.original0, m.parametrizations.weight.original1
    assert (q.dtype, s.dtype) == (torch.int8, torch.float32)
    assert isinstance(q, nn.Parameter) and not q.requires_grad and s.requires_grad
    m.weight.sum().backward()
    assert q.grad is None and torch.allclose(s.grad, q.float().sum())
    m.weight = torch.ones(3, 3)  # each original written in its own dtype
    assert q.dtype == torch.int8 and torch.equal(q, torch.full((3, 3), 127, dtype=torch.int8))
    R.remove_parametrizations(m, "weight")
    assert m.weight.dtype == torch.float32 and torch.allclose(m.weight, torch.ones(3, 3))


class Typo(nn.Module):
    def forward(self, x):
        return x * self.scael  # AttributeError


def test_attribute_error_inside_forward_reaches_the_caller():
    # Note: REGISTER-FORWARD-ERROR: torch hides it behind "'ParametrizedLinear' object has no attribute 'weight'".
    for impl, hidden in ((P, True), (R, False)):
        m = linear()
        impl.register_parametrization(m, "weight", nn.Identity())
        m.parametrizations.weight[0] = Typo()
        with pytest.raises(AttributeError) as caught:
            _ = m.weight
        assert ("'ParametrizedLinear' object has no attribute 'weight'" in str(caught.value)) is hidden
        assert ("scael" in str(caught.value)) is not hidden
        assert getattr(m, "weight", None) is None and not hasattr(m, "weight")  # still an AttributeError
        with pytest.raises(AttributeError, match="no attribute 'bias_'"):
            _ = m.bias_  # a missing attribute is still reported as missing
