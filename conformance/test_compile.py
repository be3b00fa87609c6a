"""torch.compile and parametrized modules: compiled values and gradients equal eager ones (fullgraph too, inside
cached() as well), compiled code reads the originals as they are at each call, identical layers compiled one by one
need no more graphs than under torch and never hit the recompile limit, module.compile() survives a parametrization
stacked on or removed from the compiled module, and registering and removing inside a compiled function does what eager
code does."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import shutil
from collections.abc import Iterator

import torch
import torch._dynamo
import torch.nn.utils.parametrize as torch_parametrize
from hypothesis import Phase, given, note, settings
from hypothesis import strategies as st
from torch import Tensor, nn
from torch._dynamo.mutation_guard import install_generation_tagging_init
from torch._dynamo.utils import counters

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    assert_close,
    assert_equal,
    assert_grads,
    assert_same,
    assert_true,
    chain_value,
    composed_inverse,
    forward_by_hand,
    originals_of,
    own_leaves,
    plain_forward,
)
from parametrize_conformance.drawing import note_case
from parametrize_conformance.hosts import CachedTwice, HostSpec
from parametrize_conformance.profiles import costly
from parametrize_conformance.strategies import (
    Case,
    chains,
    forward_cases,
    host_input,
    hosts,
    image_value,
    preserving,
    seeded_randn,
)

# COMPILE-PER-LAYER-GRAPHS: more layers than Dynamo's default recompile_limit (8), so one graph per layer shows.
_LAYERS = 12

# Note (ISOLATION-SHARED-STATE): Dynamo's first compile in a process patches nn.Module.__init__ and __setstate__ (and
# sets nn.Module.___needs_generation_tag_patch) for good. Done here, at collection, it is part of the state every
# check starts from; done by the first compile, every check that compiles would be reported as changing nn.Module
# (the guard undoes the patch after each check, and the next compile makes it again).
install_generation_tagging_init()


# Helpers shared with test_export.py (they would belong in strategies.py / checks.py).


def thorough() -> bool:
    """Whether the loaded profile is the thorough one (where inductor is drawn too)."""
    return settings.default.max_examples >= 100


@functools.cache
def inductor_builds(device: str) -> bool:
    """Whether inductor can build code for `device` here: a C++ compiler for the CPU, Triton for a GPU."""
    if torch.device(device).type == "cpu":
        try:
            from torch._inductor.cpp_builder import get_cpp_compiler

            return shutil.which(get_cpp_compiler()) is not None
        except Exception:  # any failure to find one means inductor cannot build here
            return False
    from torch.utils._triton import has_triton

    return has_triton()


def backends(device: str) -> list[str]:
    """The backends drawn: eager and aot_eager; inductor too under the thorough profile, where it builds."""
    # Note: inductor builds C++ (or Triton) code at every compile, seconds each: too slow for ci and dev, and left out
    # cleanly (not drawn, not failed) where no compiler is found.
    return ["eager", "aot_eager"] + (["inductor"] if thorough() and inductor_builds(device) else [])


@contextlib.contextmanager
def fresh_dynamo() -> Iterator[None]:
    """Dynamo with no compiled code and zeroed counters inside the block, and none left after it."""
    # Note: every example compiles the same code objects (Linear.forward, the getter) anew; without a reset, the
    # examples' guard failures add up to Dynamo's recompile limit, after which it silently runs eager code.
    torch._dynamo.reset()
    counters.clear()
    try:
        yield
    finally:
        torch._dynamo.reset()


def graphs() -> int:
    """How many distinct graphs Dynamo compiled since the last counters.clear()."""
    return counters["stats"]["unique_graphs"]


def assert_compiled(what: str) -> None:
    """Dynamo converted at least one frame (the check did not pass on code Dynamo gave up on)."""
    # Note: frames, not graphs: a forward of one op (an Identity chain on a Linear without bias) converts to no graph.
    assert_true(
        counters["frames"]["ok"] >= 1,
        f"{what}: Dynamo converted no frame, expected at least one (the compiled values were computed by eager code)",
    )


@costly()
@given(data=st.data())
def test_compile_values(P, adapter, device, dtype, data):
    case = data.draw(forward_cases((dtype,)), label="case")
    backend = data.draw(st.sampled_from(backends(device)), label="backend")
    seed = data.draw(st.integers(0, 2**16), label="seed of the input")
    note_case(
        case, adapter, device, f"\nthen out = torch.compile(module, backend={backend!r})(x); out.square().sum().backward()"
    )
    module = case.build(P, device)
    x = host_input(case.host, device, seed)
    leaves = own_leaves(module, case.name)
    expected = forward_by_hand(case, device, leaves, x)
    with fresh_dynamo():
        out = torch.compile(module, backend=backend)(x)
        assert_compiled("torch.compile(module)(x)")
        assert_close(out, expected, f"the compiled module's output (backend {backend})")
        out.square().sum().backward()
    expected.square().sum().backward()
    what = f"after backward through the compiled module (backend {backend})"
    assert_grads(originals_of(module, case.name), leaves, what, f"{what} is None, expected the chain's gradient")


@costly()
@given(data=st.data(), where=st.sampled_from(["outside", "around", "within"]))
def test_compile_fullgraph(P, adapter, device, data, where):
    # Note: one dtype (as in every clause of this area but COMPILE-VALUES): each example compiles, and what is checked
    # (that Dynamo traces the getter and the cache in one graph) does not depend on it.
    case = data.draw(forward_cases(adapter.dtypes[:1]), label="case")
    backend = data.draw(st.sampled_from(backends(device)), label="backend")
    read_first = where == "around" and data.draw(st.booleans(), label="read the tensor in cached() before the call")
    doing = {
        "outside": "compiled(x)",
        "around": f"with P.cached(): {f'module.{case.name}; ' if read_first else ''}compiled(x); then compiled(x)",
        "within": "compiled = torch.compile(CachedTwice(P, module), ...) (forward: with P.cached(): "
        "return module(x) + module(x)); compiled(x)",
    }[where]
    note_case(
        case, adapter, device, f"\nthen compiled = torch.compile(module, backend={backend!r}, fullgraph=True); {doing}"
    )
    module = case.build(P, device)
    x = host_input(case.host, device, case.host.seed)
    with torch.no_grad():
        expected = forward_by_hand(case, device, own_leaves(module, case.name), x)
    with fresh_dynamo():
        if where == "within":
            out = _fullgraph_call(torch.compile(CachedTwice(P, module), backend=backend, fullgraph=True), x, where)
            assert_close(
                out, 2 * expected, "the compiled wrapper's output (its forward calls the module twice inside cached())"
            )
            _assert_eager_cache_after(P, module, case.name)
            return
        compiled = torch.compile(module, backend=backend, fullgraph=True)
        if where == "around":
            with P.cached():
                if read_first:
                    getattr(module, case.name)
                assert_close(_fullgraph_call(compiled, x, where), expected, "the compiled output inside cached()")
        assert_close(
            _fullgraph_call(compiled, x, "outside"),
            expected,
            "the compiled output outside cached()" + (" (after a call inside it)" if where == "around" else ""),
        )


def _assert_eager_cache_after(P, module: nn.Module, name: str) -> None:
    """Once compiled code has entered and left cached(), an eager cached() still serves one value for two reads."""
    with P.cached():
        first, second = getattr(module, name), getattr(module, name)
    what = f"the second read of module.{name} in an eager cached() after the compiled cached() call"
    assert_same(second, first, what + " (the first read's object)")


def _fullgraph_call(compiled: nn.Module, x: Tensor, where: str) -> Tensor:
    """compiled(x), which must compile in one graph; a failure is reported with Dynamo's reason."""
    try:
        return compiled(x)
    except Exception as exc:
        raise AssertionError(
            f"calling the fullgraph-compiled module ({where} cached()): got {type(exc).__name__}: "
            f"{str(exc).splitlines()[0] if str(exc) else ''}, expected one graph"
        ) from exc


# Note: COMPILE-SEES-UPDATES: the swap flag is the `swap` fixture, so both values run every time (a flag drawn among
# a costly test's few examples was sometimes never drawn True, and a declared divergence under it went unseen).
@costly(divisor=10)
@given(data=st.data(), seed=st.integers(0, 2**16))
def test_compile_sees_updates(P, adapter, device, swap, data, seed):
    case = data.draw(forward_cases(adapter.dtypes[:1], exact=True), label="case")
    backend = data.draw(st.sampled_from(backends(device)), label="backend")
    note_case(
        case,
        adapter,
        device,
        f"\nthen (swap flag {swap}) compiled = torch.compile(module, "
        f"backend={backend!r}); compiled(x); original_i.copy_(randn(seed={seed}+i)) under no_grad; compiled(x); "
        f"module.{case.name} = <its value on the host with seed={seed}>; compiled(x)",
    )
    module = case.build(P, device)
    x = host_input(case.host, device, case.host.seed)
    with fresh_dynamo(), torch.no_grad():  # the swap fixture has set the flag
        compiled = torch.compile(module, backend=backend)
        first = forward_by_hand(case, device, own_leaves(module, case.name), x)
        assert_close(compiled(x), first, "the first compiled output")
        assert_compiled("torch.compile(module)(x)")
        new = [
            seeded_randn(tuple(t.shape), t.dtype, device, seed + i) for i, t in enumerate(originals_of(module, case.name))
        ]
        for t, value in zip(originals_of(module, case.name), new, strict=True):
            t.copy_(value)
        assert_close(
            compiled(x),
            forward_by_hand(case, device, new, x),
            "the compiled output after an in-place update of the originals",
        )
        value = image_value(case, device, seed)
        setattr(module, case.name, value.clone())
        assert_close(
            compiled(x), plain_forward(case, device, value, x), f"the compiled output after module.{case.name} = value"
        )


# Note: no shrinking: a failing example is small already (a host and a chain of one or two), and each shrink step
# would compile 2 x 12 layers under both implementations again (minutes; the reproducer note says what failed).
@settings(costly(), phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(data=st.data())
def test_compile_per_layer_graphs(P, adapter, device, data):
    host = data.draw(hosts(adapter.dtypes[:1], kinds=("linear", "deepcopy"), square=True), label="host")
    chain = tuple(data.draw(st.one_of(st.just([L.Symmetric()]), chains((host.m, host.n), 1, 2)), label="chain"))
    # Note: two module classes per example: one of torch.nn's (Linear, or a subclass of it whose forward is
    # Linear.forward), and a user-defined one whose own forward reads the parametrized tensor (WithBuffers); Dynamo
    # guards the type of `self` in that forward, so a class per instance costs a graph per layer there.
    user = dataclasses.replace(host, kind="buffers", bias=True)
    x = host_input(host, device, host.seed)
    for case in (Case(host, "weight", chain), Case(user, "weight", chain)):
        note(
            case.reproducer(adapter.spec, device).replace("module = ", f"# for each of {_LAYERS} layers:\n    module = ")
            + "\n    module.compile(backend='eager')\nthen module(x) for each layer; graphs counted "
            "after torch._dynamo.reset(), against torch.nn.utils.parametrize doing the same"
        )
        # Note: the oracle is torch.nn.utils.parametrize itself, measured in the same run (what users get from it).
        oracle, _ = _compile_layers(torch_parametrize, case, device, x)
        got, hit = _compile_layers(P, case, device, x)
        kind = type(case.host.build(device)).__name__
        assert_true(
            hit is None,
            f"calling {_LAYERS} {kind} layers compiled one by one hit Dynamo's recompile limit "
            f"(config.recompile_limit = {_recompile_limit()}): {hit}; expected no layer to "
            f"fall back to eager ({oracle} graph(s) under torch)",
        )
        assert_true(
            got <= oracle,
            f"graphs for {_LAYERS} identical {kind} layers compiled one by one: got {got}, "
            f"expected at most {oracle} (what torch.nn.utils.parametrize needs)",
        )


def _recompile_limit() -> object:
    """Dynamo's recompile limit (named cache_size_limit before torch 2.7)."""
    config = torch._dynamo.config
    return getattr(config, "recompile_limit", getattr(config, "cache_size_limit", "unknown"))


def _compile_layers(api, case: Case, device: str, x: Tensor) -> tuple[int, str | None]:
    """Build the case's module _LAYERS times through `api`, compile each with module.compile(backend='eager'), call
    each once; returns the graphs Dynamo compiled and, when a call hit the recompile limit, what it said (else None)."""
    layers = [case.build(api, device) for _ in range(_LAYERS)]
    with fresh_dynamo(), torch.no_grad():
        for layer in layers:
            layer.compile(backend="eager")
        if not hasattr(torch._dynamo.config, "fail_on_recompile_limit_hit"):
            return graphs(), _eager_frames_after(layers, x)
        hit = None
        # Note: fail_on_recompile_limit_hit turns Dynamo's silent fall back to eager (a logged warning) into an
        # exception raised by the call that hit the limit: no log parsing, and it holds for any code object.
        with torch._dynamo.config.patch(fail_on_recompile_limit_hit=True):
            for i, layer in enumerate(layers):
                try:
                    layer(x)
                except Exception as exc:  # which exception Dynamo raises is its own choice
                    hit = f"layer {i}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
                    break
        return graphs(), hit


def _eager_frames_after(layers: list, x: Tensor) -> str | None:
    """On a Dynamo without fail_on_recompile_limit_hit (torch 2.6 and older): call every layer, then say how many
    frames Dynamo ran eagerly (its frame counters: total minus ok), or None when it compiled them all."""
    for layer in layers:
        layer(x)
    eager = counters["frames"]["total"] - counters["frames"]["ok"]
    return f"{eager} frame(s) ran eagerly (Dynamo's frame counters)" if eager else None


@costly()
@given(data=st.data(), leave=st.booleans())
def test_compile_after_change(P, adapter, device, data, leave):
    case = data.draw(forward_cases(adapter.dtypes[:1]), label="case")
    extra = data.draw(preserving(case.shape), label="stacked parametrization")
    # Note: leave_parametrized=False needs a single original to put back.
    leave = leave or case.chain[0].inputs > 1
    note_case(
        case,
        adapter,
        device,
        f"\nthen module.compile(backend='eager'); module(x); "
        f"P.register_parametrization(module, {case.name!r}, {extra!r}); module(x); "
        f"P.remove_parametrizations(module, {case.name!r}, leave_parametrized={leave}); module(x)",
    )
    chain = case.fresh_chain()
    module = case.build(P, device, chain=chain)
    x = host_input(case.host, device, case.host.seed)
    with fresh_dynamo(), torch.no_grad():
        module.compile(backend="eager")
        originals = own_leaves(module, case.name)
        assert_close(module(x), forward_by_hand(case, device, originals, x, chain), "the compiled module's output")
        assert_compiled("module.compile(); module(x)")
        P.register_parametrization(module, case.name, extra)
        chain.append(extra)
        assert_close(
            module(x),
            forward_by_hand(case, device, originals, x, chain),
            "the compiled module's output after a parametrization was stacked on it",
        )
        value = chain_value(chain, *originals) if leave else originals[0]
        P.remove_parametrizations(module, case.name, leave_parametrized=leave)
        assert_close(
            module(x),
            plain_forward(case, device, value, x),
            f"the compiled module's output after remove_parametrizations(leave_parametrized={leave})",
        )


# Note: COMPILE-REGISTER-INSIDE: the swap flag is the `swap` fixture, as in COMPILE-SEES-UPDATES.
@costly(divisor=10)
@given(data=st.data(), then=st.sampled_from(["keep", "remove", "remove-original"]), built_inside=st.booleans())
def test_compile_register_inside(P, adapter, device, swap, data, then, built_inside):
    case = data.draw(forward_cases(adapter.dtypes[:1]), label="case")
    backend = data.draw(st.sampled_from(backends(device)), label="backend")
    # Note: leave_parametrized=False needs a single original to put back.
    leave = then != "remove-original" or case.chain[0].inputs > 1
    remove = then != "keep"
    name = case.name

    def step(module: nn.Module | None, chain: list[nn.Module], x: Tensor, host: HostSpec):
        if module is None:  # pytorch/pytorch#115744's repro builds the layer inside the compiled function
            module = host.build(device)
        for p in chain:
            P.register_parametrization(module, name, p)
        # Note: detached, so no autograd graph holds the originals when they are removed: under the swap flag,
        # swap_tensors refuses a Parameter a live graph holds, eager code too (GRAD-LIVE-GRAPH's, not this clause's).
        out, value = module(x).detach(), getattr(module, name).detach()
        if not remove:
            return module, out, value, out
        P.remove_parametrizations(module, name, leave_parametrized=leave)
        return module, out, value, module(x).detach()

    note(_register_inside_reproducer(case, adapter.spec, device, backend, built_inside, remove, leave, swap))
    # Note: two hosts, one compiled function: the second call runs the code Dynamo compiled for the first (or
    # recompiles it), so a registration that code skips, or a side effect it replays wrongly, shows there.
    with fresh_dynamo():  # the swap fixture has set the flag
        compiled = torch.compile(step, backend=backend)
        for call, one in enumerate((case, case.reseeded())):
            _check_register_inside(
                one,
                device,
                compiled,
                step,
                built_inside,
                (remove, leave),
                f"call {call + 1} of torch.compile(step, backend={backend!r}), on host seed {one.host.seed}",
            )
        assert_compiled(f"torch.compile(step, backend={backend!r})(module, x)")


def _register_inside_reproducer(
    case: Case, spec: str, device: str, backend: str, built_inside: bool, remove: bool, leave: bool, swap: bool
) -> str:
    """A script that runs COMPILE-REGISTER-INSIDE's compiled step on the case's two hosts."""
    name = case.name
    lines = [
        "import torch",
        "from parametrize_conformance.adapters import load_adapter",
        "from parametrize_conformance.hosts import HostSpec",
        "from parametrize_conformance.library import *",
        "from parametrize_conformance.strategies import host_input",
        f"P = load_adapter({spec!r}).api",
        f"torch.__future__.set_swap_module_params_on_conversion({swap})",
        "def step(module, x, host):",
    ]
    lines += [f"    module = host.build({device!r})"] if built_inside else []
    lines += [f"    P.register_parametrization(module, {name!r}, {p!r})" for p in case.chain]
    lines += [f"    out, value = module(x).detach(), module.{name}.detach()"]
    lines += [f"    P.remove_parametrizations(module, {name!r}, leave_parametrized={leave})"] if remove else []
    lines += [
        "    return module, out, value, module(x).detach()",
        f"compiled = torch.compile(step, backend={backend!r})",
        f"for host in ({case.host!r}, {case.reseeded().host!r}):",
        f"    module = {'None' if built_inside else f'host.build({device!r})'}",
        f"    print(compiled(module, host_input(host, {device!r}, host.seed), host))",
        "# checked against step run eagerly on the same host built again, and against the values computed by hand",
    ]
    return "Reproducer:\n    " + "\n    ".join(lines)


def _check_register_inside(
    case: Case, device: str, compiled, step, built_inside: bool, removal: tuple[bool, bool], what: str
) -> None:
    """One call of the compiled step on a fresh host of `case`, against the same step run eagerly on another fresh host
    (the module it leaves) and against the values computed by hand."""
    (remove, leave), name = removal, case.name
    x = host_input(case.host, device, case.host.seed)
    raw = getattr(case.host.build(device), name).detach()
    chain = case.fresh_chain()
    originals = list(composed_inverse(chain[:1], raw))  # Note: stacking leaves the originals as they are
    with torch.no_grad():
        value = chain_value(case.fresh_chain(), *originals)
        expected = (
            plain_forward(case, device, value, x),
            value,
            plain_forward(case, device, value if leave else originals[0], x),
        )
    twin = case.host.build(device)
    twin_before = _tensors(twin)
    twin, *_ = step(twin, case.fresh_chain(), x, case.host)
    module = None if built_inside else case.host.build(device)
    before = {} if module is None else _tensors(module)
    try:
        module, *got = compiled(module, chain, x, case.host)
    except Exception as exc:
        raise AssertionError(
            f"registering{' and removing' if remove else ''} inside the compiled function ({what}): "
            f"got {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}, expected what "
            "eager code gives"
        ) from exc
    for label, g, e in zip(
        ("module(x) after registering", f"module.{name}", "module(x) after removing"), got, expected, strict=True
    ):
        if label != "module(x) after removing" or remove:
            assert_close(g, e, f"{label} inside the compiled function ({what})")
    what = f"after {what}"
    assert_equal(_layout(module), _layout(twin), f"the module's layout {what}, against eager code's")
    for key, tensor in twin.state_dict().items():
        assert_close(module.state_dict()[key], tensor, f"the module's {key} {what}")
    if before:
        assert_equal(
            _kept(module, before),
            _kept(twin, twin_before),
            f"which tensor objects the module keeps (name now: name before) {what}, against eager code's",
        )


def _tensors(module: nn.Module) -> dict[str, Tensor]:
    """The module's parameters and buffers by qualified name (shared ones under each name)."""
    return dict(module.named_parameters(remove_duplicate=False)) | {
        n: b for n, b in module.named_buffers(remove_duplicate=False) if b is not None
    }


def _layout(module: nn.Module) -> tuple:
    """What eager and compiled registration must agree on, ids and values aside: each submodule's class (by name, with
    its bases), each tensor's name, kind and requires_grad, the non-persistent buffers and the state_dict keys."""
    return (
        tuple((n, [c.__qualname__ for c in type(m).__mro__]) for n, m in module.named_modules()),
        tuple((n, type(t).__name__, t.requires_grad) for n, t in _tensors(module).items()),
        tuple((n, sorted(m._non_persistent_buffers_set)) for n, m in module.named_modules()),
        tuple(module.state_dict()),
    )


def _kept(module: nn.Module, before: dict[str, Tensor]) -> dict[str, str | None]:
    """For each tensor of the module, the name of the tensor of `before` it is the very object of (None if new)."""
    return {n: next((k for k, old in before.items() if old is t), None) for n, t in _tensors(module).items()}
