"""What is timed for each operation: on an adapter through its API, and the floor (the same work without the API).

The floor of each operation is the work no implementation can avoid:

- read: a plain nn.Linear's `.weight` access plus the chain modules' `forward` called directly on it;
- read-cached: plain `.weight` access alone (a cached read should cost about an attribute access);
- assign: the chain's `right_inverse` calls (last first) and `original.copy_`, under no_grad;
- register-remove: the first module's `right_inverse`, the chain's `forward` and a `copy_` back into the weight
  (what a register then remove(leave_parametrized=True) round trip must compute, without any checks);
- mlp-step: the same MLP step with each weight computed by the chain's `forward` calls in the Linear's forward;
- deepcopy and state-dict: the same operation on the unparametrized module;
- gpu-forward: the network's forward with the weight computed by the chain's `forward` directly;
- compiled-step and compiled-layers: the same 12-layer MLP step, compiled the same way (the whole model, or each
  layer on its own), with each weight computed by the chain's `forward` calls in the layer's forward.

The compiled operations also count what Dynamo made of the model (graphs, recompiles, frames run eagerly).
"""

from __future__ import annotations

import copy
import io
import operator
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from typing import cast

import torch
import torch._dynamo
import torch.nn.functional as F  # the usual spelling
from torch import Tensor, nn
from torch._dynamo.eval_frame import _debug_get_cache_entry_list
from torch._dynamo.utils import counters

from parametrize_conformance.bench.cases import (
    Case,
    chain_modules,
    forward_chain,
    inverse_chain,
    linear,
    parametrize,
    parametrized_linear,
)
from parametrize_conformance.bench.targets import FLOOR, Target
from parametrize_conformance.library import inverse_of

BATCH = 16
GPU_BATCH = 64
COMPILED_LAYERS = 12
COMPILE_WARMUP_STEPS = 3
# Note: aot_eager traces forward and backward through AOTAutograd (so the graph counts cover both) and runs the
# graphs with eager kernels: it needs no C++ compiler, so the results do not depend on the machine's toolchain.
COMPILE_BACKEND = "aot_eager"
_WEIGHT = operator.attrgetter("weight")


@dataclass
class Timing:
    """A timed call: `target(*args)`, or `target(*setup_args)` with a fresh setup per round; inside `context`.

    `compiled`: for a compiled model, Dynamo's counts after warm-up (graphs, recompiles, eager_fallbacks).
    """

    target: Callable[..., object]
    args: tuple = ()
    setup: Callable[[], tuple[tuple, dict]] | None = None
    context: AbstractContextManager = field(default_factory=nullcontext)
    compiled: dict[str, int] | None = None


def skip_reason(case: Case, target: Target) -> str | None:
    """Why `case` does not run on `target` at all (not an error), or None."""
    if case.op == "gpu-forward" and target.device == "cpu":
        return f"gpu-forward runs only on non-CPU adapters; {target.name} runs on cpu"
    return None


def build(case: Case, target: Target) -> Timing:
    """The timed call of `case` on `target` (the floor's, for the floor target)."""
    floor, api = _BUILDERS[case.op]
    return floor(case, target.device) if target.role == FLOOR else api(target.api, case, target.device)


def _read(api, case: Case, device: str) -> Timing:
    return Timing(_WEIGHT, (parametrized_linear(api, case, device),))


def _read_floor(case: Case, device: str) -> Timing:
    plain, forwards = linear(case, device), [m.forward for m in chain_modules(case, device)]

    def read() -> Tensor:
        x = plain.weight
        for f in forwards:
            x = f(x)
        return x

    return Timing(read)


def _read_cached(api, case: Case, device: str) -> Timing:
    # Note: the context is entered once around the whole measurement; the first (calibration) read fills the cache.
    return Timing(_WEIGHT, (parametrized_linear(api, case, device),), context=api.cached())


def _read_cached_floor(case: Case, device: str) -> Timing:
    return Timing(_WEIGHT, (linear(case, device),))


def _assign(api, case: Case, device: str) -> Timing:
    module = parametrized_linear(api, case, device)
    # Note: a value the chain produced, so right_inverse is exact (CayleyOrthogonal) and repeats stay stable.
    value = module.weight.detach().clone()
    return Timing(setattr, (module, "weight", value))


def _assign_floor(case: Case, device: str) -> Timing:
    chain = chain_modules(case, device)
    original = linear(case, device).weight
    with torch.no_grad():
        value = forward_chain(chain, original).clone()

    def assign() -> None:
        with torch.no_grad():
            original.copy_(inverse_chain(chain, value))

    return Timing(assign)


def _fresh(case: Case, device: str) -> Callable[[], tuple[tuple, dict]]:
    return lambda: ((linear(case, device), chain_modules(case, device)), {})


def _register_remove(api, case: Case, device: str) -> Timing:
    def register_remove(module: nn.Linear, chain: list[nn.Module]) -> None:
        for parametrization in chain:
            api.register_parametrization(module, "weight", parametrization)
        api.remove_parametrizations(module, "weight")

    return Timing(register_remove, setup=_fresh(case, device))


def _register_remove_floor(case: Case, device: str) -> Timing:
    def register_remove(module: nn.Linear, chain: list[nn.Module]) -> None:
        with torch.no_grad():
            weight = module.weight
            weight.copy_(forward_chain(chain, inverse_of(chain[0], weight)))

    return Timing(register_remove, setup=_fresh(case, device))


class ChainedLinear(nn.Module):
    """Floor of a parametrized Linear: its forward computes the weight with the chain's `forward` calls."""

    def __init__(self, plain: nn.Linear, chain: list[nn.Module]) -> None:
        super().__init__()
        with torch.no_grad():
            self.original = nn.Parameter(inverse_of(chain[0], plain.weight).clone())
        self.bias = plain.bias
        self.forwards = tuple(m.forward for m in chain)

    def forward(self, x: Tensor) -> Tensor:
        weight = self.original
        for f in self.forwards:
            weight = f(weight)
        return F.linear(x, weight, self.bias)


def _mlp_layers(case: Case, device: str) -> tuple[nn.Linear, nn.Linear]:
    return linear(case, device, seed=1), linear(case, device, seed=2)


def _step(net: nn.Module, case: Case, device: str) -> Timing:
    generator = torch.Generator().manual_seed(3)
    x = torch.randn(BATCH, case.size, generator=generator).to(device)
    y = torch.randn(BATCH, case.size, generator=generator).to(device)
    # Note: a fixed regression target keeps the weights near a fixed point: no overflow, no denormals, over
    # the thousands of steps a measurement takes.
    optimizer = torch.optim.SGD(net.parameters(), lr=1e-3)

    def step() -> None:
        optimizer.zero_grad(set_to_none=True)
        F.mse_loss(net(x), y).backward()
        optimizer.step()

    return Timing(step)


def _mlp_step(api, case: Case, device: str) -> Timing:
    first, second = (parametrize(api, layer, case, device) for layer in _mlp_layers(case, device))
    return _step(nn.Sequential(first, nn.ReLU(), second), case, device)


def _mlp_step_floor(case: Case, device: str) -> Timing:
    first, second = (ChainedLinear(layer, chain_modules(case, device)) for layer in _mlp_layers(case, device))
    return _step(nn.Sequential(first, nn.ReLU(), second), case, device)


def _deepcopy(api, case: Case, device: str) -> Timing:
    return Timing(copy.deepcopy, (parametrized_linear(api, case, device),))


def _deepcopy_floor(case: Case, device: str) -> Timing:
    return Timing(copy.deepcopy, (linear(case, device),))


def save_load(source: nn.Module, fresh: nn.Module) -> None:
    """torch.save of `source`'s state_dict to memory, torch.load, and load_state_dict into `fresh`."""
    buffer = io.BytesIO()
    torch.save(source.state_dict(), buffer)
    buffer.seek(0)
    fresh.load_state_dict(torch.load(buffer, weights_only=True))


def _state_dict(api, case: Case, device: str) -> Timing:
    source = parametrized_linear(api, case, device)
    return Timing(save_load, setup=lambda: ((source, parametrized_linear(api, case, device, seed=1)), {}))


def _state_dict_floor(case: Case, device: str) -> Timing:
    source = linear(case, device)
    return Timing(save_load, setup=lambda: ((source, linear(case, device, seed=1)), {}))


def _gpu_net(first: nn.Module, case: Case, device: str) -> Timing:
    net = nn.Sequential(first, nn.ReLU(), linear(case, device, seed=2))
    x = torch.randn(GPU_BATCH, case.size, generator=torch.Generator().manual_seed(3)).to(device)
    return Timing(net, (x,))


def _gpu_forward(api, case: Case, device: str) -> Timing:
    return _gpu_net(parametrize(api, linear(case, device, seed=1), case, device), case, device)


def _gpu_forward_floor(case: Case, device: str) -> Timing:
    return _gpu_net(ChainedLinear(linear(case, device, seed=1), chain_modules(case, device)), case, device)


class Dense(nn.Module):
    """A user-defined layer (weight and bias Parameters of a seeded Linear): `relu(linear(x))`."""

    # Note: not nn.Linear: torch's parametrize gives every parametrized instance a class of its own, so Dynamo's
    # type guard on `self` in a user's forward fails for each new layer, and compiling 12 layers one by one needs 8
    # graphs, then hits the recompile limit (torch._dynamo.config.recompile_limit = 8) and runs the rest eagerly;
    # the reference shares one generated class per (base class, names) and needs 2 (the second because the first
    # layer's input does not require grad). nn.Linear's own forward is not guarded that way: it would hide this.
    def __init__(self, plain: nn.Linear) -> None:
        super().__init__()
        self.weight, self.bias = plain.weight, plain.bias

    def forward(self, x: Tensor) -> Tensor:
        return F.linear(x, self.weight, self.bias).relu()


class ChainedDense(ChainedLinear):
    """Floor of a parametrized Dense: the weight computed by the chain's `forward` calls, then `relu(linear(x))`."""

    def forward(self, x: Tensor) -> Tensor:
        return super().forward(x).relu()


def reset_compiler() -> None:
    """Dynamo's caches and counters emptied, so no compiled code or count carries over to the next model."""
    torch._dynamo.reset()
    counters.clear()


def compile_counts(net: nn.Module) -> dict[str, int]:
    """Since the last reset_compiler(): graphs made, recompiles of `net`'s forwards, frames that ran eagerly."""
    # Note: torch's layers each have a class of their own, but they share Dense.forward's code (one cache).
    codes = {type(m).forward.__code__ for m in net.modules()}
    recompiles = sum(max(0, len(_debug_get_cache_entry_list(code)) - 1) for code in codes)
    frames = counters["frames"]
    # Note: frames that hit the recompile limit (or failed to compile otherwise) run eagerly: total - ok.
    return {
        "graphs": counters["stats"]["unique_graphs"],
        "recompiles": recompiles,
        "eager_fallbacks": frames["total"] - frames["ok"],
    }


def _dense_layers(case: Case, device: str) -> list[nn.Linear]:
    return [linear(case, device, seed=1 + i) for i in range(COMPILED_LAYERS)]


def _compiled(layers: Sequence[nn.Module], whole: bool, case: Case, device: str) -> Timing:
    """The MLP step of `layers`, compiled as a whole or layer by layer, warmed up, with its compile counts."""
    net = nn.Sequential(*layers)
    if whole:
        # Note: torch.compile of a module returns a module (an OptimizedModule), typed as a plain callable.
        compiled = cast(nn.Module, torch.compile(net, backend=COMPILE_BACKEND))
    else:
        for layer in layers:
            layer.compile(backend=COMPILE_BACKEND)
        compiled = net
    timing = _step(compiled, case, device)
    # Note: compilation happens in these calls; Dynamo's recompile-limit warning goes to the log (pytest captures
    # it with the test's output) and shows in the counts as eager fallbacks.
    for _ in range(COMPILE_WARMUP_STEPS):
        timing.target()
    timing.compiled = compile_counts(net)
    return timing


def _compiled_api(whole: bool) -> Callable[..., Timing]:
    def build_api(api, case: Case, device: str) -> Timing:
        reset_compiler()
        layers = [parametrize(api, Dense(plain), case, device) for plain in _dense_layers(case, device)]
        return _compiled(layers, whole, case, device)

    return build_api


def _compiled_floor(whole: bool) -> Callable[..., Timing]:
    def build_floor(case: Case, device: str) -> Timing:
        reset_compiler()
        layers = [ChainedDense(plain, chain_modules(case, device)) for plain in _dense_layers(case, device)]
        return _compiled(layers, whole, case, device)

    return build_floor


_BUILDERS: dict[str, tuple[Callable[..., Timing], Callable[..., Timing]]] = {
    "read": (_read_floor, _read),
    "read-cached": (_read_cached_floor, _read_cached),
    "assign": (_assign_floor, _assign),
    "register-remove": (_register_remove_floor, _register_remove),
    "mlp-step": (_mlp_step_floor, _mlp_step),
    "deepcopy": (_deepcopy_floor, _deepcopy),
    "state-dict": (_state_dict_floor, _state_dict),
    "gpu-forward": (_gpu_forward_floor, _gpu_forward),
    "compiled-step": (_compiled_floor(whole=True), _compiled_api(whole=True)),
    "compiled-layers": (_compiled_floor(whole=False), _compiled_api(whole=False)),
}
