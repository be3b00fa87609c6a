"""The fixed benchmark cases (operation x size x parametrization x chain length) and the modules they are built on.

Inputs are fixed: every module is built from a seeded generator, never drawn by Hypothesis, so two runs (and two
adapters in one run) time the same work.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from typing import TypeVar

import torch
from torch import nn

from parametrize_conformance.library import CayleyOrthogonal, Scale, inverse_of

# Note: one test function per operation; "gpu-forward" has a single case and runs on non-CPU adapters only.
OPS: tuple[str, ...] = (
    "read",
    "read-cached",
    "assign",
    "register-remove",
    "mlp-step",
    "deepcopy",
    "state-dict",
    "gpu-forward",
    "compiled-step",
    "compiled-layers",
)
# Note: the compiled operations compile a model per measurement (seconds each), so they get one size and chain 1.
COMPILED_OPS: tuple[str, ...] = ("compiled-step", "compiled-layers")
COMPILED_SIZE = 64
SIZES: tuple[int, ...] = (8, 256)
# Note: Scale is the cheap parametrization; CayleyOrthogonal the matrix one (a linalg.solve per call), whose
# right_inverse is exact on its image, so assigning a value it produced round-trips.
PARAMETRIZATIONS: dict[str, type[nn.Module]] = {"scale": Scale, "cayley": CayleyOrthogonal}
CHAINS: tuple[int, ...] = (1, 3)
GPU_SIZE = 1024
SEED = 0

_M = TypeVar("_M", bound=nn.Module)


@dataclass(frozen=True)
class Case:
    """One benchmarked configuration: an operation on a `size` x `size` weight under `chain` parametrizations."""

    op: str
    size: int
    parametrization: str
    chain: int

    @property
    def id(self) -> str:
        """The test id part, e.g. read-8x8-scale-chain1."""
        return f"{self.op}-{self.size}x{self.size}-{self.parametrization}-chain{self.chain}"

    @property
    def label(self) -> str:
        """How messages name the case, e.g. `read 8x8 scale chain=1`."""
        return f"{self.op} {self.size}x{self.size} {self.parametrization} chain={self.chain}"


def cases(op: str) -> list[Case]:
    """The cases of operation `op`, smallest first."""
    if op not in OPS:
        raise ValueError(f"unknown benchmark operation {op!r}; operations are {', '.join(OPS)}")
    if op == "gpu-forward":
        return [Case(op, GPU_SIZE, "cayley", 1)]
    if op in COMPILED_OPS:
        return [Case(op, COMPILED_SIZE, kind, 1) for kind in PARAMETRIZATIONS]
    return [Case(op, size, kind, chain) for size in SIZES for kind in PARAMETRIZATIONS for chain in CHAINS]


def all_cases() -> list[Case]:
    """Every case of every operation."""
    return [case for op in OPS for case in cases(op)]


def select(patterns: list[str]) -> list[Case]:
    """The cases matching any of `patterns` (an operation name, a case id, or an fnmatch pattern over case ids)."""
    if not patterns:
        return all_cases()
    chosen = [c for c in all_cases() if any(p == c.op or fnmatch.fnmatchcase(c.id, p) for p in patterns)]
    if not chosen:
        raise ValueError(
            f"--bench-case {','.join(patterns)} matches no case; operations are {', '.join(OPS)}, "
            f"case ids look like {all_cases()[0].id}"
        )
    return chosen


def chain_modules(case: Case, device: str) -> list[nn.Module]:
    """`case.chain` fresh instances of the case's parametrization, on `device`."""
    return [PARAMETRIZATIONS[case.parametrization]().to(device) for _ in range(case.chain)]


def linear(case: Case, device: str, seed: int = SEED) -> nn.Linear:
    """A seeded `size` x `size` nn.Linear on `device` (float32)."""
    torch.manual_seed(seed)
    return nn.Linear(case.size, case.size, device=device)


def parametrize(api, module: _M, case: Case, device: str, name: str = "weight") -> _M:
    """`module` with the case's chain registered on `name` through the adapter's API namespace `api`."""
    for parametrization in chain_modules(case, device):
        api.register_parametrization(module, name, parametrization)
    return module


def parametrized_linear(api, case: Case, device: str, seed: int = SEED) -> nn.Linear:
    """A seeded Linear whose weight carries the case's chain."""
    return parametrize(api, linear(case, device, seed), case, device)


def forward_chain(modules: list[nn.Module], x: torch.Tensor) -> torch.Tensor:
    """The chain's own compute: each module's `forward`, called directly, in order."""
    for module in modules:
        x = module.forward(x)
    return x


def inverse_chain(modules: list[nn.Module], x: torch.Tensor) -> torch.Tensor:
    """The chain's `right_inverse` calls, last module first (what assignment must compute)."""
    for module in reversed(modules):
        x = inverse_of(module, x)
    return x
