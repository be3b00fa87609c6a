"""Recording what a client run observes, and comparing an adapter's observations with torch's."""

from __future__ import annotations

from typing import Any

import torch

MAX_SHOWN = 6


class Observations(dict):
    """What one client run saw, in order: a description of each observation -> its value; `error` is set when the
    run raised, after the observations made before it."""

    error: str | None = None

    def __call__(self, what: str, value: Any) -> Any:
        """Record `value` as `what`; returns it."""
        self[what] = _snapshot(value)
        return value


def _snapshot(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if isinstance(value, dict):
        return {k: _snapshot(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_snapshot(v) for v in value)
    return value


def state_dict_of(module: torch.nn.Module) -> dict[str, torch.Tensor]:
    """The module's state_dict, keys in order, values detached copies."""
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def differences(got: Observations, expected: Observations) -> list[str]:
    """One line per observation that differs: "WHAT: got X, expected (torch) Y"; an error ends the list."""
    lines = []
    for what, want in expected.items():
        if what not in got:
            break
        problem = _difference(got[what], want)
        if problem:
            lines.append(f"{what}: {problem}")
    if got.error:
        lines.append(f"raised {got.error} (after {len(got)} of {len(expected)} observations; torch raised nothing)")
    return lines


def _difference(got: Any, want: Any) -> str | None:
    if isinstance(want, torch.Tensor) and isinstance(got, torch.Tensor):
        return _tensor_difference(got, want)
    if isinstance(want, dict) and isinstance(got, dict):
        if list(got) != list(want):
            return f"got keys {list(got)}, expected (torch) {list(want)}"
        found = [(k, _difference(got[k], want[k])) for k in want]
        return "; ".join(f"[{k!r}] {p}" for k, p in found if p) or None
    if isinstance(want, (list, tuple)) and isinstance(got, (list, tuple)) and len(got) == len(want):
        found = [(i, _difference(g, w)) for i, (g, w) in enumerate(zip(got, want, strict=True))]
        return "; ".join(f"[{i}] {p}" for i, p in found if p) or None
    if type(got) is not type(want) or got != want:
        return f"got {_show(got)}, expected (torch) {_show(want)}"
    return None


def _tensor_difference(got: torch.Tensor, want: torch.Tensor) -> str | None:
    # Note: exact equality: the client computes with torch's own ops either way, so any difference in values means
    # the implementation fed them different tensors (or ran the parametrization a different number of times).
    if (got.shape, got.dtype) != (want.shape, want.dtype):
        return f"got a {got.dtype} tensor of shape {tuple(got.shape)}, expected (torch) {want.dtype} {tuple(want.shape)}"
    if torch.equal(got, want):
        return None
    gap = (got - want).abs().max().item() if got.numel() else 0.0
    return f"got {_show(got)}, expected (torch) {_show(want)} (largest difference {gap:.3g})"


def _show(value: Any) -> str:
    if isinstance(value, torch.Tensor):
        flat = value.flatten().tolist()
        more = ", ..." if len(flat) > MAX_SHOWN else ""
        return f"tensor[{tuple(value.shape)}]({', '.join(f'{x:.6g}' for x in flat[:MAX_SHOWN])}{more})"
    return repr(value)


def failure_message(client: str, adapter: str, lines: list[str]) -> str:
    """The failure of `client` on `adapter`, one difference per line."""
    return f"client {client} on adapter {adapter}: " + "\n    ".join(lines)
