"""The parametrizations a sequence may register, as code, chosen by the tensor's current value."""

from __future__ import annotations

import torch

ANY = (
    "Identity()",
    "Scale(2.0)",
    "Scale(-0.5)",
    "Shift(1.0)",
    "TrainingScale()",
    "NoInverse(3.0)",
    "InverseNotImplemented()",
    "Flatten()",
)
SQUARE = ("Symmetric()", "Skew()", "CayleyOrthogonal()", "Transpose()")
# right_inverse returns a view of its input.
VIEW_INVERSE = ("Transpose()",)
# Only as the first of a list: several originals, or a forward the safe checks refuse (after right_inverse ran).
FIRST = ("SumOfTwo()", "Weighted(3)", "ScaledBadForward('shape')")
FAILING_FIRST = ("ScaledBadForward('shape')",)


def parametrization_options(shape: tuple[int, ...], dtype: torch.dtype, first: bool) -> list[str]:
    """Code of each parametrization that may be registered on a tensor whose value has `shape` and `dtype`."""
    other = torch.float64 if dtype != torch.float64 else torch.float32
    options = [*ANY, f"CastTo({other})"]
    if len(shape) == 2 and shape[0] == shape[1]:
        options += SQUARE
    return options + list(FIRST) if first else options
