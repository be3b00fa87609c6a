"""Hypothesis strategies of the suite: host modules, tensor names, parametrization chains, whole cases, and the
builders that turn a case into modules and values.

Every strategy draws descriptions whose repr is code, so a falsifying example is its own reproducer.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
from hypothesis import strategies as st
from torch import Tensor, nn

from parametrize_conformance import library as L
from parametrize_conformance.checks import chain_value, composed_inverse, kind_of
from parametrize_conformance.hosts import KEEPING_KINDS, KINDS, RNN_KINDS, HostSpec, owner_of

FLOAT_DTYPES = (torch.float32, torch.float64)
ANY_FLOAT_DTYPES = (torch.float64, torch.float32, torch.bfloat16, torch.float16)


def shape_of(host: HostSpec, name: str) -> tuple[int, ...]:
    """The shape of tensor `name` in a freshly built `host`."""
    if host.kind in KEEPING_KINDS:
        return host.shape(name)
    if host.kind == "buffers":
        return (host.n, host.n)
    if name == "bias":
        return (host.m,)
    return (host.m, host.n, 2) if host.kind == "conv1d" else (host.m, host.n)


@st.composite
def hosts(draw, dtypes=FLOAT_DTYPES, kinds=KINDS, square: bool = False, bias: bool | None = None) -> HostSpec:
    """A HostSpec of one of `kinds` and `dtypes`; `square` makes `weight` a square matrix."""
    kinds = [k for k in kinds if not (square and k == "conv1d")]
    kind = draw(st.sampled_from(kinds))
    n = draw(st.integers(2, 5))
    m = n if square else draw(st.integers(2, 5))
    has_bias = draw(st.booleans()) if bias is None else bias
    return HostSpec(
        kind,
        n=n,
        m=m,
        dtype=draw(st.sampled_from(dtypes)),
        seed=draw(st.integers(0, 2**16)),
        bias=has_bias or kind == "buffers",
    )


# The constructor arguments drawn for the library parametrizations that take one.
ARGUMENTS: dict[type[L.Library], st.SearchStrategy] = {
    L.Scale: st.sampled_from([2.0, 0.5, -4.0]),
    L.Shift: st.sampled_from([1.0, -0.5]),
}


def preserving(shape: tuple[int, ...], exact: bool = False) -> st.SearchStrategy[L.Library]:
    """One shape- and dtype-preserving parametrization with a right_inverse, valid for a tensor of `shape`; `exact`
    keeps those whose right_inverse round-trips (their `exact`)."""
    return _preserving(square=len(shape) == 2 and shape[0] == shape[1], exact=exact)


def _preserving(square: bool, exact: bool) -> st.SearchStrategy[L.Library]:
    """One of library.PRESERVING, in its order: those that need a square matrix only if `square`, the exact ones only
    if `exact`."""
    fitting = [p for p in L.PRESERVING if (square or not p.square) and (p.exact or not exact)]
    return st.one_of([_built(p) for p in fitting]).map(copy.deepcopy)


def _built(parametrization: type[L.Library]) -> st.SearchStrategy[L.Library]:
    """`parametrization` built with its drawn ARGUMENTS, or with none."""
    if parametrization in ARGUMENTS:
        return st.builds(parametrization, ARGUMENTS[parametrization])
    return st.just(parametrization())


def chains(shape: tuple[int, ...], min_size: int = 1, max_size: int = 3, exact: bool = False):
    """A list of preserving parametrizations for `shape`, applied in order."""
    return st.lists(preserving(shape, exact), min_size=min_size, max_size=max_size)


@dataclass
class Case:
    """A host, the name of one of its tensors, the chain to register on it, and the unsafe flag."""

    host: HostSpec
    name: str
    chain: tuple[nn.Module, ...]
    unsafe: bool = False

    @property
    def shape(self) -> tuple[int, ...]:
        return shape_of(self.host, self.name)

    def fresh_chain(self) -> list[nn.Module]:
        """New copies of the chain's parametrizations (a module can only be registered once)."""
        return [copy.deepcopy(p) for p in self.chain]

    def logged_chain(self, log: list) -> list[nn.Module]:
        """New copies of the chain, the i-th wrapped in Logged(p, str(i), log)."""
        return [L.Logged(p, str(i), log) for i, p in enumerate(self.fresh_chain())]

    def reseeded(self, seed: int | None = None) -> Case:
        """The same case on its host with values drawn from `seed` (default: the next seed)."""
        return dataclasses.replace(self, host=self.host.reseeded(seed))

    def register_on(self, api: Any, module: nn.Module, chain: list[nn.Module] | None = None) -> nn.Module:
        """Registers the chain (new copies, or the given `chain`) on `module`'s tensor through `api`; returns module."""
        # Note: unsafe is passed only when it is True, as the reproducer writes it: a registration that relies on the
        # default also runs on an implementation without the keyword (torch 1.9 had none).
        flags = {"unsafe": True} if self.unsafe else {}
        owner, leaf = owner_of(module, self.name)  # a dotted name is a submodule's tensor ('out_proj.weight')
        for p in self.fresh_chain() if chain is None else chain:
            api.register_parametrization(owner, leaf, p, **flags)
        return module

    def build(self, api: Any, device: str = "cpu", chain: list[nn.Module] | None = None) -> nn.Module:
        """A fresh host with the chain (or the given `chain`) registered through `api`."""
        return self.register_on(api, self.host.build(device), chain)

    def build_logged(self, api: Any, device: str = "cpu") -> tuple[nn.Module, list]:
        """A fresh host with the logged chain registered, and its log, cleared of the registration's calls."""
        log: list = []
        module = self.build(api, device, chain=self.logged_chain(log))
        log.clear()
        return module, log

    def reproducer(self, adapter_spec: str, device: str = "cpu") -> str:
        """A script that rebuilds this case through the adapter `adapter_spec` loads (Adapter.spec: the --adapter value,
        which load_adapter takes back, unlike a name)."""
        unsafe = ", unsafe=True" if self.unsafe else ""
        lines = [
            "import torch",
            "from parametrize_conformance.adapters import load_adapter",
            "from parametrize_conformance.hosts import HostSpec",
            "from parametrize_conformance.library import *",
            f"P = load_adapter({adapter_spec!r}).api",
            f"module = {self.host!r}.build({device!r})",
        ]
        path, _, leaf = self.name.rpartition(".")
        owner = f"module.get_submodule({path!r})" if path else "module"
        lines += [f"P.register_parametrization({owner}, {leaf!r}, {p!r}{unsafe})" for p in self.chain]
        return "Reproducer:\n    " + "\n    ".join(lines)


@st.composite
def cases(
    draw,
    dtypes=FLOAT_DTYPES,
    kinds=KINDS,
    names: tuple[str, ...] | None = None,
    square: bool = False,
    min_chain: int = 1,
    max_chain: int = 3,
    exact: bool = False,
) -> Case:
    """A Case with a preserving chain: `names` limits the tensor, `square` makes it a square matrix, `exact`
    keeps only parametrizations whose right_inverse round-trips exactly."""
    host = draw(hosts(dtypes, kinds, square=square), label="host")
    candidates = [n for n in host.tensor_names() if names is None or n in names]
    if square:
        candidates = [n for n in candidates if len(set(shape_of(host, n))) == 1 and len(shape_of(host, n)) == 2]
    name = draw(st.sampled_from(candidates), label="name")
    chain = draw(chains(shape_of(host, name), min_chain, max_chain, exact), label="chain")
    return Case(host, name, tuple(chain))


@st.composite
def multi_cases(
    draw,
    dtypes=FLOAT_DTYPES,
    max_extra: int = 2,
    exact: bool = False,
    weighted: tuple[int, ...] = (),
    any_tensor: bool = False,
) -> Case:
    """A Case on the weight of a Linear or buffers host whose chain starts with a two-input parametrization:
    `weighted` lists arities k for which Weighted(k) may replace it, `any_tensor` allows any tensor of a buffers host."""
    host = draw(hosts(dtypes, kinds=("linear", "buffers")), label="host")
    first = draw(st.sampled_from([p for p in L.MULTI_INPUT if p.exact or not exact]), label="multi")()
    rest = draw(chains(shape_of(host, "weight"), 0, max_extra, exact=True), label="rest")
    case = Case(host, "weight", (first, *rest))
    if weighted:
        k = draw(st.sampled_from([None, *weighted]), label="Weighted arity (None: keep the library's)")
        if k is not None:
            case = dataclasses.replace(case, chain=(L.Weighted(k), *case.chain[1:]))
    if any_tensor:
        # Note: every tensor of a "buffers" host is n x n, so the chain fits its buffers as well as its weight.
        name = draw(st.sampled_from(host.tensor_names() if host.kind == "buffers" else ("weight",)), label="name")
        case = dataclasses.replace(case, name=name)
    return case


@st.composite
def keeping_cases(draw, dtypes=FLOAT_DTYPES, kinds=KEEPING_KINDS) -> Case:
    """A Case on a tensor of a host whose own forward keeps or flattens its weights (hosts.KEEPING_KINDS): a
    preserving chain, or SumOfTwo (two originals) then one; the name is dotted for a submodule's ('out_proj.weight')."""
    host = draw(hosts(dtypes, kinds), label="host")
    name = draw(st.sampled_from(host.tensor_names()), label="name")
    multi = draw(st.booleans(), label="multi-input")
    rest = draw(chains(shape_of(host, name), 0 if multi else 1, 2), label="chain")
    return Case(host, name, ((L.SumOfTwo(),) if multi else ()) + tuple(rest))


def rnn_cases(dtypes=FLOAT_DTYPES) -> st.SearchStrategy[Case]:
    """A keeping_cases Case on an nn.RNN, nn.LSTM or nn.GRU (hosts that keep weak references to their tensors)."""
    return keeping_cases(dtypes, RNN_KINDS)


def any_cases(dtypes=FLOAT_DTYPES, names: tuple[str, ...] | None = None) -> st.SearchStrategy[Case]:
    """A Case with a single-input chain on one of `names`, or a multi_cases one (on the weight)."""
    return st.one_of(cases(dtypes=dtypes, names=names), multi_cases(dtypes=dtypes))


# The integer dtypes of Quantized's codes.
INTEGER_DTYPES = (torch.int8, torch.int16, torch.int32, torch.int64)


@st.composite
def mixed_cases(
    draw, dtypes=FLOAT_DTYPES, names: tuple[str, ...] = ("weight", "bias", "running"), max_extra: int = 2
) -> Case:
    """A Case whose chain starts with Quantized(codes), a multi-input parametrization whose originals differ in dtype
    (integer codes of one of INTEGER_DTYPES beside a floating scale), then up to `max_extra` exact preserving ones; on
    one of `names` of a Linear, Conv1d or buffers host (the non-persistent `scratch` is left out by default)."""
    host = draw(hosts(dtypes, kinds=("linear", "conv1d", "buffers")), label="host")
    name = draw(st.sampled_from([n for n in host.tensor_names() if n in names]), label="name")
    codes = draw(st.sampled_from(INTEGER_DTYPES), label="codes dtype")
    rest = draw(chains(shape_of(host, name), 0, max_extra, exact=True), label="rest")
    return Case(host, name, (L.Quantized(codes), *rest))


# The exceptions a parametrization's own code raises in failing_cases; NotImplementedError is left out: a right_inverse
# raising it means "no inverse" (REGISTER-INVERSE-APPLIED, ASSIGN-NOT-IMPLEMENTED).
ERROR_TYPES: tuple[type[Exception], ...] = (AttributeError, KeyError, RuntimeError, ValueError, L.ParametrizationError)


def user_errors(types: tuple[type[Exception], ...] = ERROR_TYPES) -> st.SearchStrategy[Exception]:
    """A fresh exception of one of `types` with a drawn message (its repr is the code that makes it)."""
    messages = st.sampled_from(("boom", "'Scale' object has no attribute 'scael'", "weight"))
    return st.tuples(st.sampled_from(types), messages).map(lambda tm: tm[0](tm[1]))


@st.composite
def failing_cases(draw, dtypes=FLOAT_DTYPES) -> Case:
    """A single- or multi-input case (any_cases) with a Failing() inserted into its chain at a drawn position (after
    the multi-input parametrization, which stays first); the test arms it."""
    case = draw(any_cases(dtypes), label="case")
    first = 1 if case.chain[0].inputs > 1 else 0
    at = draw(st.integers(first, len(case.chain)), label="Failing position")
    return dataclasses.replace(case, chain=(*case.chain[:at], L.Failing(), *case.chain[at:]))


def computes(chain: Sequence[nn.Module]) -> bool:
    """Whether `chain` builds a new tensor: an Identity-only chain returns the original object itself."""
    return not all(isinstance(p, L.Identity) for p in chain)


def computing_cases(dtypes=FLOAT_DTYPES) -> st.SearchStrategy[Case]:
    """Cases whose chain builds a new tensor: an Identity-only chain returns the original object itself, on
    which "same object" and "new object" checks say nothing about the cache."""
    return cases(dtypes=dtypes).filter(lambda c: computes(c.chain))


def assign_cases(dtypes, multi: bool, exact: bool = True) -> st.SearchStrategy[Case]:
    """A single-input case (`exact`: whose chain round-trips), or (multi) a multi_cases one whose first
    parametrization may be Weighted(2) or Weighted(3)."""
    if not multi:
        return cases(dtypes=dtypes, exact=exact)
    return multi_cases(dtypes=dtypes, exact=exact, weighted=(2, 3))


@st.composite
def with_inserted(draw, base: st.SearchStrategy[Case], p: nn.Module) -> Case:
    """A Case drawn from `base` with the parametrization `p` inserted into its chain at a drawn position."""
    case = draw(base, label="case")
    at = draw(st.integers(0, len(case.chain)), label="position")
    return dataclasses.replace(case, chain=(*case.chain[:at], p, *case.chain[at:]))


@st.composite
def buffer_cases(draw, name: str, dtypes=FLOAT_DTYPES) -> Case:
    """A Case on the `buffers` host's buffer `name`: a preserving chain, or SumOfTwo (two originals) then one."""
    host = draw(hosts(dtypes=dtypes, kinds=("buffers",)), label="host")
    multi = draw(st.booleans(), label="multi-input")
    rest = draw(chains(shape_of(host, name), 0 if multi else 1, 2), label="chain")
    return Case(host, name, ((L.SumOfTwo(),) if multi else ()) + tuple(rest))


@st.composite
def serial_cases(draw, dtypes=FLOAT_DTYPES) -> Case:
    """A single- or multi-input case (never the non-persistent buffer), with a Shift inserted somewhere after the
    first position of multi-input chains, so that parametrizations with state of their own are covered."""
    case = draw(any_cases(dtypes, names=("weight", "bias", "running")), label="case")
    chain = list(case.chain)
    if draw(st.booleans(), label="with a Shift"):
        first = 1 if chain[0].inputs > 1 else 0
        at = draw(st.integers(first, len(chain)), label="Shift position")
        chain.insert(at, L.Shift(draw(ARGUMENTS[L.Shift], label="shift")))
    return dataclasses.replace(case, chain=tuple(chain))


@st.composite
def several_cases(
    draw, dtypes=FLOAT_DTYPES, kinds=KINDS, names: tuple[str, ...] | None = None, min_names: int = 1, exact: bool = False
) -> list[Case]:
    """A case, plus chains on a drawn subset of the host's other tensors (same host): `names` limits the tensors,
    `min_names` is how many get a chain at least (or all the host has, if fewer)."""
    case = draw(cases(dtypes=dtypes, kinds=kinds, names=names, exact=exact), label="case")
    others = [n for n in case.host.tensor_names() if n != case.name and (names is None or n in names)]
    extra = (
        draw(st.lists(st.sampled_from(others), unique=True, min_size=min(min_names - 1, len(others))), label="extra names")
        if others
        else []
    )
    return [case] + [
        Case(case.host, n, tuple(draw(chains(shape_of(case.host, n), exact=exact), label=f"chain of {n}"))) for n in extra
    ]


def other_seeds(host: HostSpec) -> st.SearchStrategy[int]:
    """A seed for `host`'s values other than its own."""
    return st.integers(0, 2**16 - 1).map(functools.partial(_skip, host.seed))


def _skip(taken: int, seed: int) -> int:
    return seed + 1 if seed >= taken else seed


def other_dtypes(dtype: torch.dtype) -> st.SearchStrategy[torch.dtype]:
    """A floating dtype other than `dtype`."""
    return st.sampled_from([d for d in ANY_FLOAT_DTYPES if d != dtype])


def bad_forward_modes() -> st.SearchStrategy[str]:
    """How a forward may break the rules: return a tuple, change the dtype, change the shape."""
    return st.sampled_from(["tuple", "dtype", "shape"])


def bad_inverse_modes(first_registration: bool) -> st.SearchStrategy[str]:
    """How a right_inverse may break the rules at a first registration or when stacking."""
    if first_registration:
        return st.sampled_from(["none", "tuple_with_none", "dtype", "device"])
    return st.sampled_from(["tuple", "dtype", "shape"])


# Builders: the modules and values a test makes from the cases it drew.


def build_several(api: Any, several: list[Case], device: str = "cpu") -> nn.Module:
    """One fresh host (the first case's) with every case's chain registered on its tensor through `api`."""
    module = several[0].build(api, device)
    for c in several[1:]:
        c.register_on(api, module)
    return module


def several_reproducer(several: list[Case], adapter_spec: str, device: str, *then: str) -> str:
    """A script that rebuilds build_several's module through the adapter `adapter_spec` loads (Adapter.spec),
    followed by the lines `then`."""
    text = several[0].reproducer(adapter_spec, device)
    text += "".join(f"\n    P.register_parametrization(module, {c.name!r}, {p!r})" for c in several[1:] for p in c.chain)
    return text + "".join(f"\n    {line}" for line in then)


def registered(case: Case, api: Any, device: str, requires_grad: bool) -> tuple[nn.Module, Tensor, str, bool]:
    """A fresh host whose tensor (requires_grad set, for a parameter) then gets the case's chain registered.
    Returns the module, the tensor object, its kind (see checks.kind_of) and its requires_grad."""
    module = case.host.build(device)
    tensor, kind = getattr(module, case.name), kind_of(module, case.name)
    if kind == "parameter":
        tensor.requires_grad_(requires_grad)
    flag = tensor.requires_grad
    case.register_on(api, module)
    return module, tensor, kind, flag


def registered_reproducer(case: Case, adapter_spec: str, device: str, requires_grad: bool) -> str:
    """case.reproducer with the tensor's requires_grad set first, as `registered` does (for a parameter only)."""
    if kind_of(case.host.build(), case.name) != "parameter":
        return case.reproducer(adapter_spec, device)
    return case.reproducer(adapter_spec, device).replace(
        "\n    P.register", f"\n    module.{case.name}.requires_grad_({requires_grad})\n    P.register", 1
    )


def seeded_randn(shape: tuple[int, ...], dtype: torch.dtype, device: str, seed: int) -> Tensor:
    """A standard-normal tensor drawn on the CPU from torch.Generator().manual_seed(seed), then moved to `device`."""
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(shape, generator=generator, dtype=dtype).to(device)


def image_value(case: Case, device: str, seed: int) -> Tensor:
    """A value the case's chain can produce: its value on the same host built from another seed."""
    raw = getattr(*owner_of(case.host.reseeded(seed).build(device), case.name)).detach()
    chain = case.fresh_chain()
    with torch.no_grad():
        return chain_value(chain, *composed_inverse(chain[:1], raw)).clone()


# The tensors the hosts' forwards read (WithBuffers' non-persistent `scratch` is not read); the persistent ones too.
FORWARD_NAMES = ("weight", "bias", "running")


def forward_cases(dtypes: tuple[torch.dtype, ...] = FLOAT_DTYPES, exact: bool = False) -> st.SearchStrategy[Case]:
    """A single-input case on a tensor the host's forward reads, or a multi-input one (on the weight); `exact` keeps
    chains whose right_inverse round-trips (so an assigned value reads back as assigned)."""
    return st.one_of(cases(dtypes=dtypes, names=FORWARD_NAMES, exact=exact), multi_cases(dtypes=dtypes, exact=exact))


def host_input(host: HostSpec, device: str, seed: int) -> Tensor:
    """A batch of two inputs for `host`'s forward."""
    shape = (2, host.n, 3) if host.kind == "conv1d" else (2, host.n)
    return seeded_randn(shape, host.dtype, device, seed)


# Note: DTensor runs elementwise ops on each shard; the other library parametrizations (Symmetric's transpose,
# Cayley's solve) need redistribution or have no DTensor rule, which is DTensor's business, not this API's.
def elementwise(shape: tuple[int, ...] = ()) -> st.SearchStrategy[L.Library]:
    """One elementwise parametrization with an exact right_inverse (Identity, Scale, Shift: the preserving ones that
    need no square matrix)."""
    return _preserving(square=False, exact=True)


@st.composite
def sharded_cases(draw, dtypes=FLOAT_DTYPES, elementwise_only: bool = True, computing: bool = False) -> Case:
    """A case on a Parameter (weight or bias) of a Linear or Conv1d, for fully_shard, DDP and DTensor originals;
    `elementwise_only` keeps chains that run on DTensors (see elementwise); `computing` leaves out Identity-only
    chains (see computing_cases)."""
    host = draw(hosts(dtypes, kinds=("linear", "conv1d")), label="host")
    name = draw(st.sampled_from(host.tensor_names()), label="name")
    shape = shape_of(host, name)
    link = elementwise(shape) if elementwise_only else preserving(shape)
    links = st.lists(link, min_size=1, max_size=3)
    if computing:
        links = links.filter(computes)
    return Case(host, name, tuple(draw(links, label="chain")))
