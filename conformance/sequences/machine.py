"""The Hypothesis state machine: random sequences of API operations on a few small models, run on the adapter and on
the reference side by side (parametrize_conformance.sequences.engine), steering clear of the adapter's declared
divergences."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import torch
from hypothesis import Phase, Verbosity, event, settings
from hypothesis import strategies as st
from hypothesis.errors import FlakyFailure
from hypothesis.stateful import RuleBasedStateMachine, initialize, precondition, rule, run_state_machine_as_test
from torch import nn

from parametrize_conformance import reference
from parametrize_conformance.adapters import Adapter
from parametrize_conformance.checks import plist_of
from parametrize_conformance.hosts import HostSpec
from parametrize_conformance.profiles import current_settings
from parametrize_conformance.sequences.engine import FlakyOracle, SequenceDivergence
from parametrize_conformance.sequences.guards import Guards
from parametrize_conformance.sequences.observe import TENSOR_NAMES
from parametrize_conformance.sequences.options import FAILING_FIRST, VIEW_INVERSE, parametrization_options
from parametrize_conformance.sequences.replay import differential, run_steps, same_difference, shrink, swap_flag
from parametrize_conformance.sequences.world import Step

MAX_MODELS = 4
STEPS_PER_SEQUENCE = 30
LOSS = "sum((getattr({m}, n).double() * k).sum() for k, n in enumerate({names}, 1) if hasattr({m}, n))".replace(
    "{names}", repr(TENSOR_NAMES)
)


@dataclass(frozen=True)
class TensorInfo:
    """What the rules need to know of a reference tensor: its shape, dtype and whether it is a view."""

    shape: tuple[int, ...]
    dtype: torch.dtype
    is_view: bool


@dataclass
class Stats:
    """What a run of the machine did: sequences (examples), steps run on both sides, steps avoided per declared
    clause, and its wall time."""

    sequences: int = 0
    steps: int = 0
    avoided: Counter = field(default_factory=Counter)
    seconds: float = 0.0


class SequenceMachine(RuleBasedStateMachine):
    """Set by machine_for: the adapter, the dtype of the models, whether torch's swap flag is on, and the Stats."""

    adapter: Adapter
    dtype: torch.dtype
    swap: bool
    stats: Stats

    def __init__(self) -> None:
        super().__init__()
        self.stats.sequences += 1
        self.run = differential(self.adapter, self.swap)
        self.guards = Guards(self.run.declared)

    # -- what the reference's models look like now (the adapter's must look the same)

    def _pick(self, data: st.DataObject) -> str:
        names = self.run.reference.names
        return names[data.draw(st.integers(0, len(names) - 1), label="model")]

    def _pairs(self, which: str) -> list[tuple[str, str]]:
        """(model, tensor name) pairs of the reference's models: "parametrized", "plain" (an unparametrized
        tensor) or "any" (any name, including names a model lacks)."""
        pairs = [(m, n) for m in self.run.reference.names for n in TENSOR_NAMES]
        if which == "parametrized":
            return [(m, n) for m, n in pairs if self._plist(m, n) is not None]
        if which == "plain":
            return [(m, n) for m, n in pairs if self._plist(m, n) is None and self._value(m, n) is not None]
        return pairs

    def _target(self, data: st.DataObject, which: str) -> tuple[str, str]:
        """A pair of `which` kind, or (one draw in ten, or when there is none) any pair."""
        pairs = self._pairs(which)
        if not pairs or data.draw(st.integers(0, 9), label="any tensor name if 9") == 9:
            pairs = self._pairs("any")
        return data.draw(st.sampled_from(pairs), label="model, name")

    def _ref(self, model: str) -> nn.Module:
        return self.run.reference.model(model)

    def _plist(self, model: str, name: str) -> nn.ModuleList | None:
        module = self._ref(model)
        return plist_of(module, name) if reference.is_parametrized(module, name) else None

    def _value(self, model: str, name: str) -> TensorInfo | None:
        """The shape, dtype and view-ness of the reference's tensor, or None (no such tensor, or its chain fails)."""
        # Note: SEQUENCE-DIFFERENTIAL: only a description is kept, never the tensor. A value held by the machine
        # while a step runs (a view of the original, or a graph that saved it) raises the original's use_count on
        # the reference's side alone, and swap_tensors then refuses it there: a difference no replay shows.
        try:
            value = getattr(self._ref(model), name)
        except Exception:  # no such tensor, or its chain fails to read
            return None
        if not isinstance(value, torch.Tensor):
            return None
        return TensorInfo(tuple(value.shape), value.dtype, value._base is not None)

    def _shares_class(self, model: str) -> bool:
        """Whether another of the adapter's models has this model's generated class (as torch's deepcopies do)."""
        world = self.run.subject
        cls = type(world.model(model))
        generated = cls is not self.adapter.api.type_before_parametrizations(world.model(model))
        return generated and any(type(world.model(n)) is cls for n in world.names if n != model)

    def _held(self, model: str, name: str) -> bool:
        """Under the swap flag: whether the adapter's tensor, or one of its originals, is a Parameter that something
        besides the module holds (a live autograd graph, through its gradient node)."""
        module = self.run.subject.model(model)
        plists = module.__dict__["_modules"].get("parametrizations")
        holder: nn.Module = plists[name] if plists is not None and name in plists else module
        keys = [k for k in holder._parameters if k.startswith("original")] if holder is not module else [name]
        tensors = [holder._parameters.get(k) for k in keys]
        return self.swap and any(
            t is not None and t._use_count() > 1  # type: ignore[attr-defined]  # not in torch's stubs
            for t in tensors
        )

    def _is_view(self, model: str, name: str) -> bool:
        value = self._value(model, name)
        return value is not None and value.is_view

    def _multi(self, model: str, name: str) -> bool:
        plist = self._plist(model, name)
        return plist is not None and hasattr(plist, "original0")

    def _fresh_name(self) -> str:
        return f"m{len(self.run.reference.names)}"

    def _original_is_buffer(self, model: str, name: str) -> bool:
        plist = self._plist(model, name)
        return plist is not None and any(n.startswith("original") for n in plist._buffers)

    def _host(self, data: st.DataObject) -> tuple[str, str]:
        """A host kind and the code that builds a fresh host of it."""
        kind = data.draw(st.sampled_from(["linear", "buffers"]), label="host")
        seed = data.draw(st.integers(0, 2**16), label="seed")
        return kind, f"{HostSpec(kind, n=3, m=3, dtype=self.dtype, seed=seed)!r}.build({self.adapter.device!r})"

    def _skip(self, clause: str, situation: bool) -> bool:
        if self.guards.avoid(clause, situation):
            event(f"avoided (declared {clause})")
            self.stats.avoided[clause] += 1
            return True
        return False

    def teardown(self) -> None:
        self.stats.steps += len(self.run.steps)

    # -- the rules

    @initialize(data=st.data())
    def start(self, data: st.DataObject) -> None:
        self.run.step(Step(f"m0 = {self._host(data)[1]}"))

    @rule(data=st.data())
    def register(self, data: st.DataObject) -> None:
        self._register(data, *self._target(data, "plain"))

    @precondition(lambda self: self._pairs("parametrized"))
    @rule(data=st.data())
    def stack(self, data: st.DataObject) -> None:
        self._register(data, *self._target(data, "parametrized"))

    def _register(self, data: st.DataObject, model: str, name: str) -> None:
        value, plist = self._value(model, name), self._plist(model, name)
        shape, dtype = (value.shape, value.dtype) if value is not None else ((3, 3), self.dtype)
        code = data.draw(st.sampled_from(parametrization_options(shape, dtype, first=plist is None)), label="p")
        unsafe = ", unsafe=True" if data.draw(st.booleans(), label="unsafe") else ""
        if (
            self._skip("COPY-INDEPENDENT", plist is None and self._shares_class(model))
            or self._skip("BUFFER-PERSISTENCE-KEPT", name == "scratch")
            or self._skip("REMOVE-VIEW-VALUE", self.swap and plist is None and code in VIEW_INVERSE)
            or self._skip("GRAD-LIVE-GRAPH", self._held(model, name))
        ):
            return
        refusal = self.guards.refusal("REGISTER-ATOMIC") if plist is None and code in FAILING_FIRST else ()
        self.run.step(Step(f"P.register_parametrization({model}, {name!r}, {code}{unsafe})", True, refusal))

    @precondition(lambda self: self._pairs("parametrized"))
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        model, name = self._target(data, "parametrized")
        leave = data.draw(st.booleans(), label="leave_parametrized")
        plist = self._plist(model, name)
        frozen = self._multi(model, name) and plist is not None and any(not p.requires_grad for p in plist.parameters())
        if (
            self._skip("COPY-INDEPENDENT", plist is not None and self._shares_class(model))
            or self._skip("REMOVE-MULTI-KEEPS-KIND", frozen)
            or self._skip("REMOVE-VIEW-VALUE", self.swap and leave and self._is_view(model, name))
            or self._skip("GRAD-LIVE-GRAPH", self._held(model, name))
        ):
            return
        self.run.step(Step(f"P.remove_parametrizations({model}, {name!r}, leave_parametrized={leave})", atomic=True))

    @precondition(lambda self: self._pairs("parametrized"))
    @rule(data=st.data())
    def assign(self, data: st.DataObject) -> None:
        model, name = self._target(data, "parametrized")
        value = self._value(model, name)
        shape, dtype = (value.shape, value.dtype) if value is not None else ((3, 3), self.dtype)
        if data.draw(st.integers(0, 4), label="wrong shape if 4") == 4:
            shape = (shape[0] + 1, *shape[1:])
        seed = data.draw(st.integers(0, 2**16), label="seed")
        plist = self._plist(model, name)
        wrong = value is None or shape != value.shape or any("CastTo" in type(p).__name__ for p in plist or ())
        if self._skip("ASSIGN-MULTI-ATOMIC", self._multi(model, name) and wrong) or self._skip(
            "GRAD-LIVE-GRAPH", self._held(model, name)
        ):
            return
        code = f"{model}.{name} = seeded_randn({shape}, {dtype}, {self.adapter.device!r}, {seed})"
        self.run.step(Step(code, True, self.guards.refusal("ASSIGN-SHAPE-CHECKED", "may not change the shape")))

    @precondition(lambda self: self._pairs("parametrized"))
    @rule(data=st.data())
    def read_cached(self, data: st.DataObject) -> None:
        model, name = self._target(data, "parametrized")
        nested = data.draw(st.booleans(), label="nested")
        inside = data.draw(st.sampled_from(["nothing", "assign", "optimizer step"]), label="inside cached()")
        lines = ["with P.cached():", f"    a = {model}.{name}"]
        lines += ["    with P.cached():", f"        b = {model}.{name}"] if nested else [f"    b = {model}.{name}"]
        if inside == "assign":
            lines.append(f"    {model}.{name} = a.detach() * 0.5")
        elif inside == "optimizer step":
            lines += [f"    {line}" for line in _optimizer_step(model)]
        lines += [f"    c = {model}.{name}", f"d = {model}.{name}", "out = (a is b, b is c, c is d, a, c, d)"]
        self.run.step(Step("\n".join(lines), atomic=inside == "nothing"))

    @precondition(lambda self: len(self.run.reference.names) < MAX_MODELS)
    @rule(data=st.data())
    def deepcopy(self, data: st.DataObject) -> None:
        self.run.step(Step(f"{self._fresh_name()} = copy.deepcopy({self._pick(data)})"))

    @rule(data=st.data())
    def state_dict_round_trip(self, data: st.DataObject) -> None:
        source, target = self._pick(data), self._pick(data)
        strict = data.draw(st.booleans(), label="strict")
        self.run.step(
            Step(
                f"buffer = io.BytesIO(); torch.save({source}.state_dict(), buffer); buffer.seek(0)\n"
                f"keys = {target}.load_state_dict(torch.load(buffer, weights_only=True), strict={strict})\n"
                "out = (sorted(keys.missing_keys), sorted(keys.unexpected_keys))"
            )
        )

    @rule(data=st.data())
    def transfer(self, data: st.DataObject) -> None:
        source = self._pick(data)
        fresh = len(self.run.reference.names) < MAX_MODELS and data.draw(st.booleans(), label="to a new model")
        kind, host = self._host(data) if fresh else (None, None)
        others = [n for n in self.run.reference.names if n != source]
        itself = not others or data.draw(st.integers(0, 9), label="to itself if 9") == 9
        target = host or (source if itself else data.draw(st.sampled_from(others), label="target"))
        name = data.draw(st.sampled_from([None, *TENSOR_NAMES]), label="tensor_name")
        moved = [n for n in TENSOR_NAMES if name in (None, n) and self._original_is_buffer(source, n)]
        # Note: kind is a host kind exactly when the target is fresh.
        lacking = [
            n
            for n in moved
            if (n not in HostSpec(kind).tensor_names() if kind is not None else self._value(target, n) is None)
        ]
        if (
            self._skip("TRANSFER-BUFFER", bool(lacking))
            or self._skip("TRANSFER-SELF", target == source)
            or self._skip("COPY-INDEPENDENT", not fresh and self._shares_class(target))
        ):
            return
        call = f"P.transfer_parametrizations_and_params({source}, {target}" + (f", {name!r})" if name else ")")
        code = f"{self._fresh_name()} = {call}" if fresh else call
        self.run.step(Step(code, not fresh, self.guards.refusal("TRANSFER-ATOMIC")))

    @rule(data=st.data())
    def functional(self, data: st.DataObject) -> None:
        """torch.func.functional_call with every state_dict entry of a model replaced, inside cached() or not."""
        model, seed = self._pick(data), data.draw(st.integers(0, 2**16), label="seed")
        inside = data.draw(st.booleans(), label="inside cached(), after a read")
        if self._skip("FUNCTIONAL-CACHED", inside) or self._skip("CACHE-REPLACED-ORIGINAL", inside):
            return
        call = f"torch.func.functional_call({model}, {{k: v.detach() * 0.5 for k, v in {model}.state_dict().items()}}, (x,))"
        lines = [f"x = {self._input(seed)}"]
        lines += (
            [
                "with P.cached():",
                f"    [getattr({model}, n) for n in {TENSOR_NAMES!r} if hasattr({model}, n)]",
                f"    out = {call}",
            ]
            if inside
            else [f"out = {call}"]
        )
        self.run.step(Step("\n".join(lines), atomic=not inside))

    @rule(data=st.data())
    def load_assign(self, data: st.DataObject) -> None:
        """load_state_dict(..., assign=True) of another model's (or its own) state, inside cached() or not."""
        source, target = self._pick(data), self._pick(data)
        strict, inside = data.draw(st.booleans(), label="strict"), data.draw(st.booleans(), label="inside cached()")
        if self._skip("INIT-ASSIGN-LOAD", inside) or self._skip("CACHE-REPLACED-ORIGINAL", inside):
            return
        load = (
            f"keys = {target}.load_state_dict({{k: v.detach().clone() * 0.5 for k, v in {source}.state_dict()"
            f".items()}}, strict={strict}, assign=True)"
        )
        lines = (
            [load]
            if not inside
            else [
                "with P.cached():",
                f"    [getattr({target}, n) for n in {TENSOR_NAMES!r} if hasattr({target}, n)]",
                f"    {load}",
                f"    after = [getattr({target}, n) for n in {TENSOR_NAMES!r} if hasattr({target}, n)]",
            ]
        )
        lines.append("out = (sorted(keys.missing_keys), sorted(keys.unexpected_keys))" + (", after" if inside else ""))
        self.run.step(Step("\n".join(lines)))

    # Note: a compile costs a Dynamo trace (a few tenths of a second on this project's 2-core machine), dozens per
    # run: too slow for the ci and dev profiles, so the compile step is drawn under the thorough profile only.
    @precondition(lambda self: current_settings().max_examples >= 100)
    @rule(data=st.data())
    def compiled_forward(self, data: st.DataObject) -> None:
        """A model's forward compiled with torch.compile (eager backend), then a backward through it."""
        model, seed = self._pick(data), data.draw(st.integers(0, 2**16), label="seed")
        self.run.step(
            Step(
                "\n".join(
                    [
                        "torch._dynamo.reset()",
                        f"x = {self._input(seed)}",
                        f"y = torch.compile({model}, backend='eager')(x)",
                        "y.double().square().sum().backward() if y.requires_grad else None",
                        # Note: REMOVE-KEEPS-ORDER: by name, since an adapter may declare the order of its tensors divergent.
                        f"out = (y, [t.grad for n, t in sorted({model}.named_parameters(), key=lambda p: p[0])])",
                        f"{model}.zero_grad(set_to_none=True)",
                    ]
                )
            )
        )

    def _input(self, seed: int) -> str:
        return f"seeded_randn((2, 3), {self.dtype}, {self.adapter.device!r}, {seed})"

    @rule(data=st.data())
    def use(self, data: st.DataObject) -> None:
        """Use a model as a user would between API calls: train/eval, freeze a tensor, an optimizer step, pickle."""
        model = self._pick(data)
        what = data.draw(st.sampled_from(["optimizer step", "train", "freeze", "pickle"]), label="use")
        if what == "optimizer step":
            self.run.step(Step("\n".join([*_optimizer_step(model), "out = loss.detach()"])))
        elif what == "train":
            self.run.step(Step(f"{model}.train({data.draw(st.booleans(), label='mode')})"))
        elif what == "freeze":
            name = data.draw(st.sampled_from(TENSOR_NAMES), label="name")
            self.run.step(
                Step(
                    f"[t.requires_grad_(False) for n, t in {model}.named_parameters() "
                    f"if n == {name!r} or n.startswith('parametrizations.{name}.original')]"
                )
            )
        else:
            self.run.step(Step(f"torch.save({model}, io.BytesIO())", atomic=True))


def _optimizer_step(model: str) -> list[str]:
    return [
        f"optimizer = torch.optim.SGD({model}.parameters(), lr=0.1)",
        "optimizer.zero_grad()",
        f"loss = {LOSS.format(m=model)}",
        "loss.backward()",
        "optimizer.step()",
    ]


def machine_for(adapter: Adapter, dtype: torch.dtype, swap: bool, stats: Stats | None = None) -> type[SequenceMachine]:
    """The state machine for `adapter`, with models of `dtype`, under torch's swap flag `swap`, counting into
    `stats`."""
    return type(
        "Sequences", (SequenceMachine,), {"adapter": adapter, "dtype": dtype, "swap": swap, "stats": stats or Stats()}
    )


def run_sequences(
    adapter: Adapter, dtype: torch.dtype, swap: bool, steps: int = STEPS_PER_SEQUENCE, **overrides: Any
) -> Stats:
    """Run the machine under the current Hypothesis profile (`overrides` of its settings, such as max_examples,
    apply) and return what it did; a difference raises SequenceDivergence."""
    # Note: Hypothesis's own shrinking of a state machine whose draws depend on the state crawls (minutes, and still
    # long sequences); the failing sequence is shrunk instead by removing steps and replaying (replay.shrink).
    current = current_settings()
    phases = [p for p in current.phases if p is not Phase.shrink]
    chosen = settings(current, stateful_step_count=steps, phases=phases, verbosity=Verbosity.quiet, **overrides)
    stats, start = Stats(), time.perf_counter()
    try:
        with swap_flag(swap):
            run_state_machine_as_test(machine_for(adapter, dtype, swap, stats), settings=chosen)
    except SequenceDivergence as found:
        _report(adapter, found, swap)
    except FlakyFailure as flaky:
        # Note: Hypothesis re-runs a failing example; one that then passes comes back as FlakyFailure. Its
        # difference goes through the same replay, which tells a flaky oracle from a divergence.
        group = flaky.subgroup(SequenceDivergence)
        if group is None:
            raise
        _report(adapter, _first_leaf(group), swap)
    stats.seconds = time.perf_counter() - start
    return stats


def _report(adapter: Adapter, found: SequenceDivergence, swap: bool) -> None:
    """Raise `found` shrunk and confirmed by a replay (SequenceDivergence), or FlakyOracle."""
    shrunk = confirmed(adapter, shrink(adapter, found, swap), swap)
    raise SequenceDivergence(
        f"{shrunk} (shrunk from {len(found.steps)} steps to {len(shrunk.steps)})", shrunk.steps, shrunk.signature
    ) from None


def _first_leaf(group: BaseException) -> SequenceDivergence:
    """The first exception of an exception group of SequenceDivergences (nested groups too)."""
    # Note: hasattr, not isinstance(BaseExceptionGroup): Python 3.10 has no such builtin.
    while hasattr(group, "exceptions"):
        group = group.exceptions[0]
    assert isinstance(group, SequenceDivergence), "subgroup(SequenceDivergence) holds SequenceDivergences only"
    return group


def confirmed(adapter: Adapter, shrunk: SequenceDivergence, swap: bool) -> SequenceDivergence:
    """`shrunk`, once its steps, replayed on fresh models, show the same difference again; FlakyOracle otherwise."""
    # Note: SEQUENCE-DIFFERENTIAL: a difference is reported only when its reproducer reproduces it, so a failure the
    # printed script cannot show (state the steps do not capture) is never blamed on the implementation.
    again = run_steps(adapter, shrunk.steps, swap)
    if again is not None and same_difference(again.signature, shrunk.signature):
        return shrunk
    seen = "no difference" if again is None else f"another difference: {str(again).splitlines()[0]}"
    raise FlakyOracle(
        f"SEQUENCE-DIFFERENTIAL's oracle is not deterministic: a difference was seen in the run, but "
        f"replaying its {len(shrunk.steps)} steps on fresh models showed {seen}; this is a bug of the "
        f"suite (or a nondeterministic implementation), not a divergence; please report it with the "
        f"seed and the steps below.\n{shrunk}"
    )
