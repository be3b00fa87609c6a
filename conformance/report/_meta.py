"""What a report says about where it ran: the suite, the adapter, the environment."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import hypothesis
import pytest

from parametrize_conformance._version import __version__

SUITE_NAME = "parametrize-conformance"


def suite_info(clause_count: int) -> dict[str, Any]:
    """The suite's name, version, git commit (when run from a checkout) and clause count."""
    return {"name": SUITE_NAME, "version": _suite_version(), "commit": _git_commit(), "clause_count": clause_count}


def _suite_version() -> str:
    return __version__


def _git_commit() -> str | None:
    checkout = Path(__file__).resolve().parents[2]
    if not (checkout / ".git").exists():
        return None
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=checkout, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def adapter_info(adapter: Any, spec: str) -> dict[str, Any]:
    """The report's description of a loaded adapter."""
    return {
        "name": adapter.name,
        "spec": spec,
        "version": adapter.version,
        "device": adapter.device,
        "dtypes": [str(d).removeprefix("torch.") for d in adapter.dtypes],
        "import_line": adapter.import_line,
        "declared": len(adapter.divergences),
        # Note: written only for a partial implementation, so reports of complete ones stay as they were.
        **({"lacks": list(adapter.missing)} if getattr(adapter, "missing", ()) else {}),
    }


def unloaded_adapter_info(spec: str) -> dict[str, Any]:
    """What is known of an adapter whose process died before it described itself."""
    return {"name": spec, "spec": spec, "version": "", "device": "unknown", "dtypes": [], "import_line": "", "declared": 0}


def environment_info(device: str = "cpu") -> dict[str, Any]:
    """Python, platform, library versions and the device (with CUDA details on CUDA)."""
    torch = _import_torch()
    torch_version = torch.__version__ if torch is not None else None
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch_version,
        "hypothesis": hypothesis.__version__,
        "pytest": pytest.__version__,
        "device": _device_info(torch, device),
    }


def _import_torch() -> ModuleType | None:
    """torch, or None where it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch


def _device_info(torch: Any, device: str) -> dict[str, Any]:
    kind = device.split(":")[0]
    info = {"type": kind, "name": device, "cuda_runtime": None, "cuda_driver": None, "gpu": None}
    if kind == "cuda" and torch is not None and torch.cuda.is_available():
        info["cuda_runtime"] = torch.version.cuda
        info["cuda_driver"] = _cuda_driver()
        info["gpu"] = torch.cuda.get_device_name(torch.device(device))
    return info


def _cuda_driver() -> str | None:
    try:
        done = subprocess.run(
            ["nvidia-smi", "--query-gpu=driver_version", "--format=csv,noheader"], capture_output=True, text=True, timeout=20
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip().splitlines()[0] if done.returncode == 0 and done.stdout.strip() else None
