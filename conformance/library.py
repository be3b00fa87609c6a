"""The parametrizations the suite draws from. Each repr is the code that builds it, for reproducers.

Class attributes tell the strategies what each one can do:
`square` (needs a square matrix), `exact` (right_inverse is an exact inverse on the image, so assignment round-trips),
`inputs` (arity of forward), `mixed` (its originals differ in dtype: only strategies.mixed_cases draws it).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

import torch
from torch import Tensor, nn


class Library(nn.Module):
    """Base: a repr that is a constructor call, and the strategy metadata."""

    square = False
    exact = True
    inputs = 1
    mixed = False

    def _args(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._args()})"


class Identity(Library):
    """x -> x, with the identity as right_inverse."""

    def forward(self, x: Tensor) -> Tensor:
        return x

    def right_inverse(self, x: Tensor) -> Tensor:
        return x


class Scale(Library):
    """x -> c * x; right_inverse divides by c."""

    def __init__(self, c: float = 2.0) -> None:
        super().__init__()
        self.c = c

    def _args(self) -> str:
        return repr(self.c)

    def forward(self, x: Tensor) -> Tensor:
        return x * self.c

    def right_inverse(self, x: Tensor) -> Tensor:
        return x / self.c


class Symmetric(Library):
    """Square X -> triu(X) + triu(X, 1)^T; right_inverse keeps the upper triangle."""

    square = True

    def forward(self, x: Tensor) -> Tensor:
        return x.triu() + x.triu(1).transpose(-1, -2)

    def right_inverse(self, x: Tensor) -> Tensor:
        return x.triu()


class Skew(Library):
    """Square X -> triu(X, 1) - triu(X, 1)^T; right_inverse keeps the strict upper triangle."""

    square = True

    def forward(self, x: Tensor) -> Tensor:
        a = x.triu(1)
        return a - a.transpose(-1, -2)

    def right_inverse(self, x: Tensor) -> Tensor:
        return x.triu(1)


class CayleyOrthogonal(Library):
    """Square X -> the Cayley transform (I + A)^-1 (I - A) of A = skew(X); orthogonal. Inverse on its image."""

    square = True
    # Note: not exact, in any dtype: its right_inverse inverts an orthogonal matrix only, and a square
    # parametrization after it in a chain (Symmetric, Skew, CayleyOrthogonal) hands it a triangle, so the chain's
    # assigned values read back wrong (on the reference, 78 to 80 of 80 per such pair, in float32 and float64).
    exact = False

    def forward(self, x: Tensor) -> Tensor:
        a = x.triu(1)
        a = a - a.transpose(-1, -2)
        eye = torch.eye(x.shape[-1], dtype=x.dtype, device=x.device)
        return _solve(eye + a, eye - a)

    def right_inverse(self, q: Tensor) -> Tensor:
        eye = torch.eye(q.shape[-1], dtype=q.dtype, device=q.device)
        return _solve(eye + q, eye - q).triu(1)


def _solve(a: Tensor, b: Tensor) -> Tensor:
    """torch.linalg.solve(a, b) in a's dtype; bfloat16 and float16 are solved in float32 and rounded back."""
    # Note: torch.linalg has no bfloat16/float16 kernels, on CPU or CUDA ("lu_cpu" not implemented for 'BFloat16').
    if a.dtype in (torch.bfloat16, torch.float16):
        return torch.linalg.solve(a.float(), b.float()).to(a.dtype)
    return torch.linalg.solve(a, b)


class SumOfTwo(Library):
    """Two inputs (a, b) -> a + b; right_inverse splits X into (X/2, X/2)."""

    inputs = 2

    def forward(self, a: Tensor, b: Tensor) -> Tensor:
        return a + b

    def right_inverse(self, x: Tensor) -> tuple[Tensor, Tensor]:
        return x * 0.5, x * 0.5


class RankOne(Library):
    """Two inputs (u, v) -> outer(u, v) of a matrix's first column and a one-hot row; not an exact inverse."""

    exact = False
    inputs = 2

    def forward(self, u: Tensor, v: Tensor) -> Tensor:
        return torch.outer(u, v)

    def right_inverse(self, x: Tensor) -> tuple[Tensor, Tensor]:
        v = torch.zeros_like(x[0])
        v[0] = 1
        return x[:, 0].clone(), v


class Quantized(Library):
    """Two inputs of different dtypes, as weight quantization stores a tensor: integer codes q (of `codes`, an integer
    dtype) and a floating 0-dim scale s (of X's dtype); forward (q, s) -> q.to(s.dtype) * s; right_inverse gives
    s = max |X| / 127 and q = round(X / s). Not exact (it rounds to 255 levels)."""

    exact = False
    inputs = 2
    mixed = True
    LEVELS = 127

    def __init__(self, codes: torch.dtype = torch.int8) -> None:
        super().__init__()
        self.codes = codes

    def _args(self) -> str:
        return str(self.codes)

    def forward(self, q: Tensor, s: Tensor) -> Tensor:
        return q.to(s.dtype) * s

    def right_inverse(self, x: Tensor) -> tuple[Tensor, Tensor]:
        s = x.abs().amax().clamp_min(torch.finfo(x.dtype).tiny) / self.LEVELS
        return torch.round(x / s).to(self.codes), s


class SingleTuple(Library):
    """One input given as a length-1 tuple: right_inverse returns (x,)."""

    def forward(self, x: Tensor) -> Tensor:
        return x

    def right_inverse(self, x: Tensor) -> tuple[Tensor]:
        return (x,)


class Flatten(Library):
    """Shape-changing (needs unsafe): X -> X.flatten(); no right_inverse."""

    exact = False

    def forward(self, x: Tensor) -> Tensor:
        return x.flatten()


class Transpose(Library):
    """Matrix X -> X^T, right_inverse X^T: the stored original is transposed, the value keeps its shape."""

    def forward(self, x: Tensor) -> Tensor:
        return x.transpose(-1, -2)

    def right_inverse(self, x: Tensor) -> Tensor:
        return x.transpose(-1, -2)


class CastTo(Library):
    """dtype-changing (needs unsafe): X -> X.to(dtype); no right_inverse."""

    exact = False

    def __init__(self, dtype: torch.dtype = torch.float64) -> None:
        super().__init__()
        self.dtype = dtype

    def _args(self) -> str:
        return str(self.dtype)

    def forward(self, x: Tensor) -> Tensor:
        return x.to(self.dtype)


class NoInverse(Library):
    """X -> c * X with no right_inverse attribute at all."""

    exact = False

    def __init__(self, c: float = 3.0) -> None:
        super().__init__()
        self.c = c

    def _args(self) -> str:
        return repr(self.c)

    def forward(self, x: Tensor) -> Tensor:
        return x * self.c


class InverseNotImplemented(Library):
    """X -> X, with a right_inverse that raises NotImplementedError."""

    exact = False

    def forward(self, x: Tensor) -> Tensor:
        return x

    def right_inverse(self, x: Tensor) -> Tensor:
        raise NotImplementedError("InverseNotImplemented has no right_inverse")


class ParametrizationError(Exception):
    """A user's own exception class (derived from Exception only), one of the errors Failing is armed with."""


class Failing(Library):
    """X -> X with right_inverse X -> X, until `fail` is set to (where, error): then its forward (where 'forward') or
    its right_inverse (where 'right_inverse') raises `error`, that very object, at every call."""

    def __init__(self) -> None:
        super().__init__()
        self.fail: tuple[str, BaseException] | None = None

    def _raise_at(self, where: str) -> None:
        if self.fail is not None and self.fail[0] == where:
            raise self.fail[1]

    def forward(self, x: Tensor) -> Tensor:
        self._raise_at("forward")
        return x

    def right_inverse(self, x: Tensor) -> Tensor:
        self._raise_at("right_inverse")
        return x


class BadForward(Library):
    """A forward that breaks the rules: `mode` is 'tuple' (not a tensor), 'dtype' or 'shape'."""

    exact = False

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def _args(self) -> str:
        return repr(self.mode)

    def forward(self, x: Tensor):
        if self.mode == "tuple":
            return (x,)
        if self.mode == "dtype":
            return x.to(torch.float16 if x.dtype != torch.float16 else torch.float32)
        return torch.cat([x.flatten(), x.flatten()])

    def right_inverse(self, x: Tensor) -> Tensor:
        return x


class ScaledBadForward(BadForward):
    """A BadForward whose right_inverse scales by 1/3, so a non-atomic registration would change the tensor."""

    def right_inverse(self, x: Tensor) -> Tensor:
        return x / 3


class BadInverse(Library):
    """A right_inverse that breaks the rules: `mode` is 'none', 'tuple_with_none', 'dtype', 'shape', 'device',
    'tuple' (a 2-tuple) or 'second_dtype' (a 2-tuple whose second element has another dtype)."""

    exact = False

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.mode = mode

    def _args(self) -> str:
        return repr(self.mode)

    def forward(self, *xs: Tensor) -> Tensor:
        return xs[0]

    def right_inverse(self, x: Tensor):
        other = torch.float16 if x.dtype != torch.float16 else torch.float32
        return {
            "none": lambda: None,
            "tuple_with_none": lambda: (x, None),
            "dtype": lambda: x.to(other),
            "shape": lambda: torch.cat([x.flatten(), x.flatten()]),
            "device": lambda: torch.empty_like(x, device="meta"),
            "tuple": lambda: (x, x),
            "second_dtype": lambda: (x, x.to(other)),
        }[self.mode]()


class Weighted(Library):
    """k inputs -> x_0 + 2 x_1 + ... + k x_{k-1}; right_inverse gives x_i = (i + 1) x / (1 + 4 + ... + k^2) (exact).

    Order-sensitive, and of any arity, unlike SumOfTwo; its inputs differ from one another, so that originals stored in
    the wrong order read back wrong (k equal copies could not tell, and MULTI-ORIGINALS missed that bug)."""

    def __init__(self, k: int = 3) -> None:
        super().__init__()
        self.k = self.inputs = k

    def _args(self) -> str:
        return repr(self.k)

    def forward(self, *xs: Tensor) -> Tensor:
        # Note: no typing.cast in a forward: torch.jit.script compiles it, and knows no cast.
        return sum((i + 1) * x for i, x in enumerate(xs))  # type: ignore[return-value]  # k >= 1 tensors, never 0

    def right_inverse(self, x: Tensor) -> tuple[Tensor, ...]:
        squares = self.k * (self.k + 1) * (2 * self.k + 1) / 6
        return tuple(x * ((i + 1) / squares) for i in range(self.k))


class Spoiling(Weighted):
    """Weighted(k) whose right_inverse, once `spoil = (i, mode)` is set, returns element i with another dtype
    (mode 'dtype') or as None (mode 'none')."""

    exact = False

    def __init__(self, k: int = 2) -> None:
        super().__init__(k)
        self.spoil: tuple[int, str] | None = None

    def right_inverse(self, x: Tensor):
        inverse = super().right_inverse(x)
        outs: list[Tensor | None] = list(inverse)
        if self.spoil is not None:
            i, mode = self.spoil
            other = torch.float16 if x.dtype != torch.float16 else torch.float32
            outs[i] = None if mode == "none" else inverse[i].to(other)
        return tuple(outs)


def _one(x: Tensor) -> Tensor:
    return x


def _two(a: Tensor, b: Tensor) -> Tensor:
    return a + b


def _three(a: Tensor, b: Tensor, c: Tensor) -> Tensor:
    return a + b + c


class Arity(Library):
    """A forward of fixed arity `inputs` (1-3, a real Python signature); right_inverse returns the tensor itself
    (outputs=0) or a tuple of `outputs` copies of it."""

    exact = False

    def __init__(self, inputs: int, outputs: int) -> None:
        super().__init__()
        self.inputs, self.outputs = inputs, outputs

    def _args(self) -> str:
        return f"{self.inputs}, {self.outputs}"

    def forward(self, *xs: Tensor) -> Tensor:
        return (_one, _two, _three)[self.inputs - 1](*xs)

    def right_inverse(self, x: Tensor):
        return x if self.outputs == 0 else tuple(x for _ in range(self.outputs))


class Shift(Library):
    """X -> X + shift, where `shift` is a buffer of the parametrization (it appears in state_dict)."""

    # Note: for the type checker only: an annotation at run time would change what torch.jit.script reads.
    if TYPE_CHECKING:
        shift: Tensor

    def __init__(self, value: float = 1.0) -> None:
        super().__init__()
        self.register_buffer("shift", torch.tensor(value))

    def _args(self) -> str:
        return repr(float(self.shift))

    def forward(self, x: Tensor) -> Tensor:
        return x + self.shift.to(x.dtype)

    def right_inverse(self, x: Tensor) -> Tensor:
        return x - self.shift.to(x.dtype)


class TrainingScale(Library):
    """X -> 2X in training mode and X in eval mode; right_inverse matches the current mode."""

    exact = False

    def forward(self, x: Tensor) -> Tensor:
        return x * 2 if self.training else x

    def right_inverse(self, x: Tensor) -> Tensor:
        return x / 2 if self.training else x


class GradModeProbe(Identity):
    """The identity, recording in `seen` whether grad mode was on at each right_inverse call."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[bool] = []

    def right_inverse(self, x: Tensor) -> Tensor:
        self.seen.append(torch.is_grad_enabled())
        return x


class Logged(Library):
    """Wraps another parametrization (one with a right_inverse) and appends ('fwd' | 'ri', tag) to `log` per call."""

    def __init__(self, inner: nn.Module, tag: str, log: list) -> None:
        super().__init__()
        self.inner, self.tag, self.log = inner, tag, log

    def _args(self) -> str:
        return f"{self.inner!r}, {self.tag!r}, log"

    def forward(self, *xs: Tensor) -> Tensor:
        self.log.append(("fwd", self.tag))
        return self.inner(*xs)

    def right_inverse(self, x: Tensor):
        self.log.append(("ri", self.tag))
        return inverse_of(self.inner, x)


def inverse_of(parametrization: nn.Module, value: Any) -> Any:
    """parametrization.right_inverse(value): a tensor, or a sequence of them for several originals."""
    # Note: torch types a module's attributes as Tensor | Module, so its right_inverse needs the cast.
    return cast(Callable[[Any], Any], parametrization.right_inverse)(value)


# Shape- and dtype-preserving parametrizations with right_inverse; their `square` and `exact` say where they fit.
# Note: the order is the strategies' draw order (Hypothesis shrinks towards the first), so keep it.
PRESERVING: tuple[type[Library], ...] = (Identity, Scale, Shift, Symmetric, Skew, CayleyOrthogonal)
MULTI_INPUT: tuple[type[Library], ...] = (SumOfTwo, RankOne)
