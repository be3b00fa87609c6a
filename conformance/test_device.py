"""Device clauses: modules on the adapter's accelerator (CUDA) and on the CPU. right_inverse may not change the device;
moves after registration, state_dicts across devices, deep copies, transfers and the cache work there; memory does
not grow over many register/remove cycles.

They need an adapter on a device other than the CPU; a CPU adapter skips them, so its device clauses are untested.
The test-only switch PARAMETRIZE_CONFORMANCE_SECOND_DEVICE=cpu runs them on a CPU adapter anyway, from the CPU to the
CPU: nothing moves, but every line runs (how the project's tests execute them on machines without a GPU).
"""

from __future__ import annotations

import copy
import gc
import io
import os
from dataclasses import dataclass

import pytest
import torch
from hypothesis import given, note
from hypothesis import strategies as st
from torch import Tensor, nn

from parametrize_conformance import library as L
from parametrize_conformance.checks import (
    assert_close,
    assert_equal,
    assert_on_device,
    assert_same,
    assert_true,
    assert_unchanged,
    chain_value,
    original_names,
    raises,
    read_value,
    snapshot,
    transfer,
)
from parametrize_conformance.drawing import note_case
from parametrize_conformance.hosts import HostSpec
from parametrize_conformance.strategies import (
    Case,
    assign_cases,
    build_several,
    computing_cases,
    hosts,
    image_value,
    other_seeds,
    seeded_randn,
    serial_cases,
    several_cases,
    several_reproducer,
)

SECOND_DEVICE = "PARAMETRIZE_CONFORMANCE_SECOND_DEVICE"
NEEDS_DEVICE = "device clause: needs an adapter on a CUDA device"
CYCLES = 1000


@dataclass(frozen=True)
class Devices:
    """The two devices of a device clause: `host` (the CPU) and `accelerator` (the adapter's device)."""

    host: str
    accelerator: str

    @property
    def elsewhere(self) -> str:
        """A device other than the accelerator: the host, or 'meta' when host and accelerator are the same."""
        # Note: only the CPU-to-CPU switch run needs meta, where the CPU is no other device.
        return "meta" if torch.device(self.host) == torch.device(self.accelerator) else self.host


@pytest.fixture
def devices(adapter) -> Devices:
    """The host and the adapter's device; skips the test for an adapter on the CPU (unless the switch is set)."""
    kind = torch.device(adapter.device).type
    # Note: a meta adapter holds no values to compare: it skips them like a CPU one.
    if kind not in ("cpu", "meta"):
        return Devices("cpu", adapter.device)
    switch = os.environ.get(SECOND_DEVICE, "")
    if switch == "cpu" and kind == "cpu":
        return Devices("cpu", "cpu")
    if switch and switch != "cpu":
        pytest.fail(
            f"{SECOND_DEVICE}={switch!r}: the only value is 'cpu' (a test-only switch that runs the device "
            f"clauses from the CPU to the CPU); unset it",
            pytrace=False,
        )
    pytest.skip(NEEDS_DEVICE)


class ToDevice(L.Library):
    """Forward is the identity; right_inverse returns the tensor moved to `target` (another device: a broken one)."""

    exact = False

    def __init__(self, target: str) -> None:
        super().__init__()
        self.target = target

    def _args(self) -> str:
        return repr(self.target)

    def forward(self, x: Tensor) -> Tensor:
        return x

    def right_inverse(self, x: Tensor) -> Tensor:
        return x.to(self.target)


def script(adapter_name: str, *lines: str) -> str:
    """A runnable reproducer: the imports, P for the adapter, then `lines`."""
    head = [
        "import copy, gc, io, torch",
        "from parametrize_conformance.adapters import load_adapter",
        "from parametrize_conformance.hosts import HostSpec",
        "from parametrize_conformance.library import *",
        "from parametrize_conformance.test_device import ToDevice, memory_cycle",
        f"P = load_adapter({adapter_name!r}).api",
    ]
    return "Reproducer:\n    " + "\n    ".join(head + list(lines))


def _tensors(module: nn.Module) -> dict[str, Tensor]:
    """Every parameter and buffer of `module`, by qualified name."""
    return dict(module.named_parameters(remove_duplicate=False)) | {
        n: b for n, b in module.named_buffers(remove_duplicate=False) if b is not None
    }


@given(data=st.data(), unsafe=st.booleans())
def test_device_inverse_same_device(P, adapter, devices, dtype, data, unsafe):
    host = data.draw(hosts((dtype,)), label="host")
    name = data.draw(st.sampled_from(host.tensor_names()), label="name")
    bad = ToDevice(devices.elsewhere)
    call = f"P.register_parametrization(module, {name!r}, {bad!r}, unsafe={unsafe})"
    note(script(adapter.spec, f"module = {host!r}.build({devices.accelerator!r})", f"{call}  # expected ValueError"))
    module = host.build(devices.accelerator)
    tensor = getattr(module, name)
    before = snapshot(module)
    with raises(ValueError, "may not change the device", call):
        P.register_parametrization(module, name, bad, **({"unsafe": True} if unsafe else {}))
    assert_unchanged(before, module, f"after the refused {call}")
    assert_same(getattr(module, name), tensor, f"module.{name} after the refused registration")
    assert_on_device(tensor, devices.accelerator, f"module.{name} after the refused registration")


def _moves(accelerator: str) -> list[str]:
    """The ways to move a module to `accelerator`: module.to(device), and module.cuda() for a CUDA device."""
    return ["to", "cuda"] if torch.device(accelerator).type == "cuda" else ["to"]


def _move(module: nn.Module, how: str, accelerator: str) -> tuple[nn.Module, str]:
    """Move `module` to `accelerator` by `how` (see _moves); returns what the call returned and the call's code."""
    if how == "to":
        return module.to(accelerator), f"module.to({accelerator!r})"
    index = torch.device(accelerator).index
    return module.cuda(index), f"module.cuda({'' if index is None else index})"


@given(data=st.data(), multi=st.booleans())
def test_device_move_keeps_ids(P, adapter, devices, dtype, swap, data, multi):
    case = data.draw(assign_cases((dtype,), multi), label="case")
    how = data.draw(st.sampled_from(_moves(devices.accelerator)), label="how to move")
    seed = data.draw(other_seeds(case.host), label="seed of the assigned value")
    acc, name = devices.accelerator, case.name
    note_case(
        case,
        adapter,
        devices.host,
        f"\n    (swap={swap}) then move it with {how} to {acc}; read, "
        f"backward, module.{name} = <its value on the host with seed={seed}>, remove_parametrizations",
    )
    module = case.build(P, devices.host)
    plist = module.parametrizations[name]
    keys = original_names(plist)
    before = {k: getattr(plist, k) for k in keys}
    stored = {k: t.detach().clone() for k, t in before.items()}
    expected = read_value(module, name, "module")
    returned, code = _move(module, how, acc)
    assert_same(returned, module, f"the return value of {code}")
    plist = module.parametrizations[name]
    for k, old in before.items():
        new = getattr(plist, k)
        assert_on_device(new, acc, f"parametrizations[{name!r}].{k} after {code}")
        assert_close(new, stored[k], f"parametrizations[{name!r}].{k} after {code}")
        if isinstance(old, nn.Parameter):
            # Note: buffers are new objects after a move (nn.Module._apply rebinds them); Parameters are not.
            assert_same(new, old, f"parametrizations[{name!r}].{k} (a Parameter) after {code}")
    for i, p in enumerate(plist):
        for b, tensor in p.named_buffers():
            assert_on_device(tensor, acc, f"parametrizations[{name!r}][{i}].{b} after {code}")
    value = read_value(module, name, "module")
    assert_on_device(value, acc, f"module.{name} after {code}")
    assert_close(value, expected, f"module.{name} after {code}")
    _assert_backward(module, name, dtype, acc, seed)
    assigned = image_value(case, acc, seed)
    setattr(module, name, assigned.clone())  # a swap path may exchange the assigned tensor's contents
    assert_close(read_value(module, name, "module"), assigned, f"module.{name} after assigning to it on {acc}")
    P.remove_parametrizations(module, name)
    left = getattr(module, name)
    assert_on_device(left, acc, f"module.{name} after remove_parametrizations")
    assert_close(left, assigned, f"module.{name} after remove_parametrizations")
    if keys == ["original"] and isinstance(before["original"], nn.Parameter):
        assert_same(left, before["original"], f"module.{name} after {code} and remove_parametrizations")


def _assert_backward(module: nn.Module, name: str, dtype: torch.dtype, device: str, seed: int) -> None:
    """Backward through module.<name> on `device` gives each original that requires grad the chain's gradient there."""
    plist = module.parametrizations[name]
    originals = [getattr(plist, k) for k in original_names(plist)]
    wanting = [o for o in originals if o.requires_grad]
    if not wanting:
        return
    weights = seeded_randn(tuple(getattr(module, name).shape), dtype, device, seed)
    copies = [o.detach().clone().requires_grad_(o.requires_grad) for o in originals]
    expected = torch.autograd.grad(
        (chain_value(list(plist), *copies) * weights).sum(), [c for c in copies if c.requires_grad], allow_unused=True
    )
    (getattr(module, name) * weights).sum().backward()
    for i, (original, grad) in enumerate(zip(wanting, expected, strict=True)):
        grad = torch.zeros_like(original) if grad is None else grad
        assert_true(original.grad is not None, f"the grad of original {i} of {name!r}: got None, expected {grad}")
        assert_on_device(original.grad, device, f"the grad of original {i} of {name!r}")
        assert_close(original.grad, grad, f"the grad of original {i} of {name!r}")
        original.grad = None


def _bump_state(module: nn.Module, case: Case) -> None:
    """Change the parametrizations' own buffers, so that a state_dict must carry them."""
    with torch.no_grad():
        for p in module.parametrizations[case.name]:
            for b in p.buffers():
                b.add_(0.25)


def _load_across(source: nn.Module, target: nn.Module, case: Case, map_location: str, what: str) -> None:
    """Save source's state_dict, load it with `map_location` into `target`; check target's tensors and values."""
    buffer = io.BytesIO()
    torch.save(source.state_dict(), buffer)
    buffer.seek(0)
    loaded = torch.load(buffer, map_location=map_location, weights_only=True)
    for key, tensor in loaded.items():
        assert_on_device(tensor, map_location, f"{key} loaded with map_location={map_location!r}")
    kept = {k: (id(t), t.device) for k, t in target.state_dict(keep_vars=True).items()}
    target.load_state_dict(loaded)
    assert_equal(
        {k: (id(t), t.device) for k, t in target.state_dict(keep_vars=True).items()},
        kept,
        f"{what}'s tensor ids and devices after load_state_dict",
    )
    for key, tensor in source.state_dict().items():
        assert_close(target.state_dict()[key], tensor, f"{what}'s {key}")
    saved = case.host.build("cpu").state_dict()
    for name in (n for n in case.host.tensor_names() if n in saved):
        assert_close(read_value(target, name, what), read_value(source, name, "the source"), f"{what}.{name}")


@given(data=st.data())
def test_device_state_dict_map_location(P, adapter, devices, dtype, data):
    case = data.draw(serial_cases((dtype,)), label="case")
    host, acc = devices.host, devices.accelerator
    on_host, back = case.reseeded(), case.reseeded(case.host.seed + 2)
    note_case(
        case,
        adapter,
        acc,
        f"\n    (its state_dict saved, loaded with map_location={host!r} into "
        f"{on_host.host!r} parametrized alike on {host}; that one's saved and loaded with map_location={acc!r} into "
        f"{back.host!r} parametrized alike on {acc})",
    )
    source = case.build(P, acc)
    _bump_state(source, case)
    cpu_target = on_host.build(P, host)
    _load_across(source, cpu_target, case, host, f"the target on {host}")
    device_target = back.build(P, acc)
    _load_across(cpu_target, device_target, case, acc, f"the target on {acc}")


@given(data=st.data())
def test_device_deepcopy(P, adapter, devices, dtype, data):
    several = data.draw(several_cases((dtype,), exact=True), label="cases")
    host, acc = devices.host, devices.accelerator
    note(several_reproducer(several, adapter.spec, acc, "replica = copy.deepcopy(module)", f"replica.to({host!r})"))
    module = build_several(P, several, acc)
    names = several[0].host.tensor_names()
    values = {n: read_value(module, n, "module") for n in names}
    replica = copy.deepcopy(module)
    ours, theirs = _tensors(module), _tensors(replica)
    assert_equal(sorted(theirs), sorted(ours), "the copy's tensor names")
    for key, tensor in ours.items():
        assert_equal(theirs[key].device, tensor.device, f"the device of the copy's {key}")
        assert_true(
            theirs[key].untyped_storage().data_ptr() != tensor.untyped_storage().data_ptr(),
            f"the copy's {key} shares storage with the source's, expected its own storage",
        )
    for n in names:
        value = read_value(replica, n, "replica")
        assert_on_device(value, acc, f"replica.{n}")
        assert_close(value, values[n], f"replica.{n}")
    case = several[0]
    with torch.no_grad():  # a value the chain can produce: its forward applied to a random original
        raw = seeded_randn(case.shape, dtype, acc, case.host.seed + 1)
        assigned = chain_value(list(replica.parametrizations[case.name]), raw)
    setattr(replica, case.name, assigned.clone())
    assert_close(read_value(replica, case.name, "replica"), assigned, f"replica.{case.name} after assigning to it")
    before = snapshot(module)
    replica.to(host)
    for key, tensor in _tensors(module).items():
        assert_on_device(tensor, acc, f"the source's {key} after replica.to({host!r})")
    assert_unchanged(before, module, f"after replica.to({host!r}), the source")
    for n in names:
        assert_close(read_value(module, n, "module"), values[n], f"module.{n} after replica.to({host!r})")
        assert_on_device(read_value(replica, n, "replica"), host, f"replica.{n} after replica.to({host!r})")


@given(data=st.data())
def test_device_transfer(P, adapter, devices, dtype, data):
    several = data.draw(several_cases((dtype,), exact=True), label="cases")
    acc = devices.accelerator
    spec = several[0].host.reseeded()
    # Note: only Parameters go missing: torch creates a missing buffer as a Parameter (TRANSFER-BUFFER).
    parameters = [c.name for c in several if c.name in spec.build("cpu")._parameters]
    missing = data.draw(
        st.lists(st.sampled_from(parameters), unique=True) if parameters else st.just([]),
        label="Parameters deleted from the target first",
    )
    note(
        several_reproducer(
            several,
            adapter.spec,
            acc,
            f"target = {spec!r}.build({acc!r})",
            *[f"del target.{n}" for n in missing],
            "P.transfer_parametrizations_and_params(module, target)",
        )
    )
    source = build_several(P, several, acc)
    target = spec.build(acc)
    for n in missing:
        delattr(target, n)
    transfer(P, source, target)
    for c in several:
        ours, theirs = source.parametrizations[c.name], target.parametrizations[c.name]
        for key in original_names(ours):
            assert_same(getattr(theirs, key), getattr(ours, key), f"to.parametrizations[{c.name!r}].{key}")
            assert_on_device(getattr(theirs, key), acc, f"to.parametrizations[{c.name!r}].{key}")
        value = read_value(target, c.name, "to")
        assert_on_device(value, acc, f"to.{c.name}")
        assert_close(value, read_value(source, c.name, "from"), f"to.{c.name}")


@given(data=st.data(), reads=st.integers(2, 3))
def test_device_cached(P, adapter, devices, dtype, data, reads):
    case = data.draw(computing_cases((dtype,)), label="case")
    acc, name = devices.accelerator, case.name
    note_case(case, adapter, acc, f"\nthen {reads} reads inside cached(), and backward through them")
    chain = case.fresh_chain()
    module = case.build(P, acc, chain=chain)
    expected = read_value(module, name, "module")
    original = module.parametrizations[name].original
    with P.cached():
        values = [getattr(module, name) for _ in range(reads)]
    for i, value in enumerate(values[1:], start=1):
        assert_same(value, values[0], f"read {i} of module.{name} inside cached()")
    assert_on_device(values[0], acc, f"module.{name} read inside cached()")
    assert_close(values[0].detach(), expected, f"module.{name} read inside cached()")
    if not original.requires_grad:
        return
    weights = seeded_randn(case.shape, dtype, acc, case.host.seed)
    sum((v * weights).sum() for v in values).backward()
    leaf = original.detach().clone().requires_grad_(True)
    (chain_value(chain, leaf) * weights * reads).sum().backward()
    assert_true(
        original.grad is not None,
        f"parametrizations[{name!r}].original.grad is None after backward through "
        "cached reads, expected the chain's gradient",
    )
    assert_on_device(original.grad, acc, f"parametrizations[{name!r}].original.grad")
    assert_close(original.grad, leaf.grad, f"parametrizations[{name!r}].original.grad")


def memory_cycle(P, module: nn.Module, i: int) -> None:  # the API namespace reads as P
    """One cycle of DEVICE-NO-MEMORY-GROWTH on a Linear: register on weight and bias, read (with grad, and inside
    cached()), assign, remove. The weight keeps its value; the bias is divided by 4 when i is even and restored when
    i is odd (removed with leave_parametrized=False, it keeps right_inverse's output), so pairs of cycles restore it."""
    P.register_parametrization(module, "weight", L.Scale(2.0))
    P.register_parametrization(module, "bias", L.Scale(4.0 if i % 2 == 0 else 0.25))
    value = module.weight * 1.0
    with P.cached():
        reads = (module.weight, module.bias, module.weight)
    del reads
    module.weight = value.detach()
    P.remove_parametrizations(module, "bias", leave_parametrized=False)
    P.remove_parametrizations(module, "weight", leave_parametrized=True)


def _allocated(device: str) -> int | None:
    """Bytes allocated on a CUDA `device` once garbage is collected; None on other devices (not measured)."""
    gc.collect()
    if torch.device(device).type != "cuda":
        return None
    return torch.cuda.memory_allocated(torch.device(device))


def test_device_no_memory_growth(P, adapter, devices, dtype):
    acc = devices.accelerator
    host = HostSpec("linear", n=16, m=16, dtype=dtype, seed=0)
    reproducer = script(
        adapter.spec,
        f"module = {host!r}.build({acc!r})",
        "memory_cycle(P, module, 0); memory_cycle(P, module, 1); gc.collect()",
        "start = torch.cuda.memory_allocated()",
        f"for i in range({CYCLES}): memory_cycle(P, module, i)",
        "gc.collect(); print(torch.cuda.memory_allocated() - start)  # expected 0 or less",
    )
    module = host.build(acc)
    weight, values = module.weight, {n: t.detach().clone() for n, t in _tensors(module).items()}
    # Note: two warm-up cycles first: kernels and workspaces that torch allocates once are not growth.
    memory_cycle(P, module, 0)
    memory_cycle(P, module, 1)
    start = _allocated(acc)
    for i in range(CYCLES):
        memory_cycle(P, module, i)
    end = _allocated(acc)
    if start is not None and end > start:
        _fail(
            f"torch.cuda.memory_allocated after {CYCLES} register/read/assign/remove cycles: got {end} bytes, "
            f"expected at most the {start} bytes before them ({end - start} bytes more, "
            f"{(end - start) / CYCLES:.0f} per cycle)",
            reproducer,
        )
    try:
        assert_same(type(module), nn.Linear, f"type(module) after {CYCLES} cycles")
        assert_same(module.weight, weight, f"module.weight after {CYCLES} cycles")
        for n, tensor in _tensors(module).items():
            assert_on_device(tensor, acc, f"module.{n} after {CYCLES} cycles")
            assert_close(tensor, values[n], f"module.{n} after {CYCLES} cycles")
    except AssertionError as exc:
        _fail(str(exc), reproducer)


def _fail(message: str, reproducer: str) -> None:
    """Raise AssertionError(message) carrying `reproducer` as its note (what the report shows for a failure)."""
    error = AssertionError(message)
    error.__notes__ = [reproducer]
    raise error
