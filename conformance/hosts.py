"""Host modules the suite parametrizes, described by a HostSpec whose repr is the code that builds it."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch
from torch import Tensor, nn


class WithBuffers(nn.Module):
    """A square `weight` Parameter, a persistent buffer `running` and a non-persistent buffer `scratch`."""

    # Note: for the type checker only: an annotation at run time would change what torch.jit.script reads.
    if TYPE_CHECKING:
        running: Tensor
        scratch: Tensor

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
# Hosts whose own forward does not just read the attribute at each call: nn.RNN, nn.LSTM and nn.GRU keep their weights
# in _flat_weights (and weak references to them in _flat_weight_refs), refreshed when a read gives another object;
# nn.MultiheadAttention reads in_proj_weight and its submodule's out_proj.weight; nn.Embedding and the transposed
# convolutions read a weight of another layout. Drawn by the clauses that run a host's own forward (see run_forward).
KEEPING_KINDS = ("lstm", "gru", "rnn", "mha", "embedding", "convtranspose1d", "convtranspose2d")
# The kinds among them that keep weak references to their tensors.
RNN_KINDS = ("lstm", "gru", "rnn")


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
        return (
            f"HostSpec({self.kind!r}, n={self.n}, m={self.m}, dtype={self.dtype}, seed={self.seed}"
            + ("" if self.bias else ", bias=False")
            + ")"
        )

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
        if self.kind in KEEPING_KINDS:
            return _make_keeping(self.kind, self.n, self.m, self.bias)
        raise ValueError(f"unknown host kind {self.kind!r}; expected one of {KINDS + KEEPING_KINDS}")

    def tensor_names(self) -> tuple[str, ...]:
        """The names of the tensors a fresh host holds (parameters, then buffers)."""
        if self.kind == "buffers":
            return ("weight", "running", "scratch")
        if self.kind in KEEPING_KINDS:
            return tuple(name for name, _ in _make_keeping(self.kind, self.n, self.m, self.bias).named_parameters())
        return ("weight", "bias") if self.bias else ("weight",)

    def shape(self, name: str) -> tuple[int, ...]:
        """The shape of tensor `name` (a dotted name for a submodule's tensor) in a freshly built host."""
        module = self._make()
        owner, leaf = owner_of(module, name)
        return tuple(getattr(owner, leaf).shape)

    def forward_input(self, device: str, seed: int) -> Tensor:
        """A fixed input for run_forward, drawn from `seed`: a batch of two (a sequence of three for RNNs and
        attention, indices below m for an Embedding)."""
        generator = torch.Generator().manual_seed(seed)
        if self.kind == "embedding":
            return torch.randint(0, self.m, (2, 3), generator=generator).to(device)
        shape = {
            "lstm": (3, 2, self.n),
            "gru": (3, 2, self.n),
            "rnn": (3, 2, self.n),
            "mha": (3, 2, self.n),
            "convtranspose1d": (2, self.n, 3),
            "convtranspose2d": (2, self.n, 3, 3),
            "conv1d": (2, self.n, 3),
        }
        return torch.randn(shape.get(self.kind, (2, self.n)), generator=generator, dtype=self.dtype).to(device)

    def run_forward(self, module: nn.Module, x: Tensor) -> Tensor:
        """The host's own forward on `x`, as one tensor: an RNN's output sequence, attention's output (self-attention:
        query, key and value all `x`)."""
        if self.kind == "mha":
            return module(x, x, x)[0]
        out = module(x)
        return out[0] if self.kind in RNN_KINDS else out

    def forward_with(self, values: dict[str, Tensor], x: Tensor, device: str = "cpu") -> Tensor:
        """run_forward computed by hand: torch.func.functional_call on a fresh, never parametrized host, with `values`
        (tensors by dotted name) in place of its own."""
        plain = self.build(device)
        args = (x, x, x) if self.kind == "mha" else (x,)
        out = torch.func.functional_call(plain, values, args)
        return out[0] if self.kind == "mha" or self.kind in RNN_KINDS else out


def _make_keeping(kind: str, n: int, m: int, bias: bool) -> nn.Module:
    """A module of one of KEEPING_KINDS: n inputs (features, channels, embedding dimension), m outputs (hidden size,
    channels, embeddings)."""
    if kind in RNN_KINDS:
        return {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}[kind](n, m, bias=bias)
    if kind == "mha":  # one head: the embedding dimension n needs no divisor
        return nn.MultiheadAttention(n, 1, bias=bias)
    if kind == "embedding":
        return nn.Embedding(m, n)
    if kind == "convtranspose1d":
        return nn.ConvTranspose1d(n, m, kernel_size=2, bias=bias)
    return nn.ConvTranspose2d(n, m, kernel_size=2, bias=bias)


def owner_of(module: nn.Module, name: str) -> tuple[nn.Module, str]:
    """The module that holds tensor `name` (a dotted name for a submodule's: 'out_proj.weight') and its own name there."""
    path, _, leaf = name.rpartition(".")
    return (module.get_submodule(path) if path else module), leaf


class CachedTwice(nn.Module):
    """A wrapper whose forward enters cached() and calls the wrapped module twice inside it: `inner(x) + inner(x)`."""

    if TYPE_CHECKING:  # the type checker's view of vars(self)["api"]
        api: Any

    def __init__(self, api, inner: nn.Module) -> None:
        super().__init__()
        self.inner = inner
        vars(self)["api"] = api  # not a submodule

    def forward(self, x: Tensor) -> Tensor:
        with self.api.cached():
            return self.inner(x) + self.inner(x)
