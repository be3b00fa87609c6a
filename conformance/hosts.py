"""Host modules the suite parametrizes, described by a HostSpec whose repr is the code that builds it."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass

import torch
from torch import Tensor, nn


class WithBuffers(nn.Module):
    """A square `weight` Parameter, a persistent buffer `running` and a non-persistent buffer `scratch`."""

    def __init__(self, n: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n, n))
        self.register_buffer("running", torch.empty(n, n))
        self.register_buffer("scratch", torch.empty(n, n), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x @ self.weight + self.running.sum()


class WithDeepcopy(nn.Linear):
    """A Linear whose class defines its own __deepcopy__, counting its calls in `deepcopies` (one entry each)."""

    # Note (ISOLATION-SHARED-STATE): a list appended to, so counting never writes the class (the suite watches it).
    deepcopies: list[int] = []

    def __deepcopy__(self, memo: dict) -> WithDeepcopy:
        WithDeepcopy.deepcopies.append(id(self))
        new = self.__class__.__new__(self.__class__)
        memo[id(self)] = new
        new.__dict__ = copy.deepcopy(self.__dict__, memo)
        return new


KINDS = ("linear", "conv1d", "buffers", "deepcopy")


@dataclass(frozen=True)
class HostSpec:
    """What host module to build: `kind`, size `n` (inputs / square side), `m` outputs, dtype and value seed."""

    kind: str = "linear"
    n: int = 3
    m: int = 3
    dtype: torch.dtype = torch.float64
    seed: int = 0
    bias: bool = True

    def __repr__(self) -> str:
        return (f"HostSpec({self.kind!r}, n={self.n}, m={self.m}, dtype={self.dtype}, seed={self.seed}"
                + ("" if self.bias else ", bias=False") + ")")

    def build(self, device: str = "cpu") -> nn.Module:
        """A fresh module on `device` whose tensors hold values drawn from `seed`."""
        module = self._make().to(device=device, dtype=self.dtype)
        generator = torch.Generator().manual_seed(self.seed)
        with torch.no_grad():
            for tensor in list(module.parameters()) + list(module.buffers()):
                tensor.copy_(torch.randn(tensor.shape, generator=generator, dtype=self.dtype))
        return module

    def reseeded(self, seed: int | None = None) -> HostSpec:
        """The same host with its values drawn from `seed` (default: the next seed, seed + 1)."""
        return dataclasses.replace(self, seed=self.seed + 1 if seed is None else seed)

    def _make(self) -> nn.Module:
        if self.kind == "linear":
            return nn.Linear(self.n, self.m, bias=self.bias)
        if self.kind == "conv1d":
            return nn.Conv1d(self.n, self.m, kernel_size=2, bias=self.bias)
        if self.kind == "buffers":
            return WithBuffers(self.n)
        if self.kind == "deepcopy":
            return WithDeepcopy(self.n, self.m, bias=self.bias)
        raise ValueError(f"unknown host kind {self.kind!r}; expected one of {KINDS}")

    def tensor_names(self) -> tuple[str, ...]:
        """The names of the tensors a fresh host holds (parameters, then buffers)."""
        if self.kind == "buffers":
            return ("weight", "running", "scratch")
        return ("weight", "bias") if self.bias else ("weight",)


class CachedTwice(nn.Module):
    """A wrapper whose forward enters cached() and calls the wrapped module twice inside it: `inner(x) + inner(x)`."""

    def __init__(self, api, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner
        vars(self)["api"] = api  # not a submodule

    def forward(self, x: Tensor) -> Tensor:
        with self.api.cached():
            return self.inner(x) + self.inner(x)
