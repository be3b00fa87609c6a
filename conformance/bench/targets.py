"""What each case is timed on: the adapters of --bench-adapter, the torch baseline and the floor of each device."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

import torch

from parametrize_conformance.adapters import (
    BUILTIN_ADAPTERS,
    Adapter,
    AdapterError,
    available_adapters,
    check_spec,
    load_adapter,
)

FLOOR, TORCH, IMPL = "floor", "torch", "impl"


@dataclass(frozen=True)
class Target:
    """One column of the measurements: an adapter (role torch or impl), or the floor of a device."""

    name: str
    role: str
    device: str
    spec: str
    adapter: Adapter | None = None

    @property
    def api(self) -> Any:
        """The adapter's API namespace (P.register_parametrization, P.cached, ...); None for the floor."""
        return self.adapter.api if self.adapter is not None else None

    def unavailable_reason(self) -> str | None:
        """Why this target cannot run here, or None."""
        # Note: adapters get unavailable_reason() with the CUDA adapters; getattr keeps older Adapter types working.
        own = getattr(self.adapter, "unavailable_reason", lambda: None)() if self.adapter is not None else None
        return own or device_unavailable_reason(self.device)


def device_unavailable_reason(device: str) -> str | None:
    """None when a tensor can be made on `device`, else why not."""
    if device.split(":")[0] == "cuda" and not torch.cuda.is_available():
        return "CUDA is not available (torch.cuda.is_available() is False)"
    try:
        torch.empty(0, device=device)
    except (RuntimeError, ValueError) as exc:
        return f"device {device!r} is not usable: {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
    return None


def is_torch(adapter: Adapter) -> bool:
    """Whether `adapter` is torch's own torch.nn.utils.parametrize (the baseline of its device)."""
    return adapter.api is torch.nn.utils.parametrize


def bench_specs(values: list[str] | None) -> list[str]:
    """The --bench-adapter values split on commas, 'all' expanded, repeats dropped; default every adapter."""
    specs: list[str] = []
    for value in values or ["all"]:
        for spec in (s.strip() for s in value.split(",")):
            specs += available_adapters() if spec == "all" else [spec] if spec else []
    return list(dict.fromkeys(specs))


def resolve(specs: list[str]) -> list[Target]:
    """Targets in timing order, per device: the floor, the torch baseline (added when not given), the others.

    Raises AdapterError when a spec cannot be loaded.
    """
    for spec in specs:
        check_spec(spec)  # the one-line "unknown adapter ... (did you mean ...?)" before any import
    loaded = [(spec, load_adapter(spec)) for spec in specs]
    devices = list(dict.fromkeys(a.device for _, a in loaded))
    targets: list[Target] = []
    for device in devices:
        here = [(s, a) for s, a in loaded if a.device == device]
        baseline = next((Target(a.name, TORCH, device, s, a) for s, a in here if is_torch(a)), None)
        # Note: ratios are always against torch on the same device, so torch is measured even when not named.
        baseline = baseline or _torch_on(device)
        others = [Target(a.name, IMPL, device, s, a) for s, a in here if a is not baseline.adapter]
        targets += [Target(_floor_name(device), FLOOR, device, FLOOR), baseline, *others]
    names = [t.name for t in targets]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise AdapterError(
            f"two benchmarked adapters are named {', '.join(twice)}: rows are keyed by adapter name, "
            f"so give each adapter once"
        )
    return targets


def _torch_on(device: str) -> Target:
    """The built-in torch adapter of `device` (torch, torch-cuda), or torch's adapter moved to it."""
    name = "torch" if device == "cpu" else f"torch-{device.replace(':', '')}"
    adapter = load_adapter(name) if name in BUILTIN_ADAPTERS else load_adapter("torch")
    if device != adapter.device:
        adapter = dataclasses.replace(adapter, name=name, device=device)
    return Target(adapter.name, TORCH, device, adapter.name, adapter)


def _floor_name(device: str) -> str:
    return FLOOR if device == "cpu" else f"{FLOOR}-{device.replace(':', '')}"
