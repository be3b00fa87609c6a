"""A torch release installed into a virtual environment of its own, with this project (editable) beside it, so that
the suite can run on that release (the versions command of python -m parametrize_conformance.report)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from parametrize_conformance.releases.pip import pip_reason


def install_torch(version: str, env: Path, project: Path) -> str:
    """Create `env` (unless kept from before) and install torch==version and the project there; '' on success,
    else pip's reason."""
    created = _call([sys.executable, "-m", "venv", str(env)]) if not env_python(env).exists() else None
    if created and created.returncode:
        return f"could not create a virtual environment: {_last_line(created.stderr)}"
    done = _call([str(env_python(env)), "-m", "pip", "install", "--quiet", f"torch=={version}", "-e", str(project)])
    return pip_reason(done.stderr) if done.returncode else ""


def env_python(env: Path) -> Path:
    """The python of the virtual environment `env`."""
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def env_size_mb(path: Path) -> float:
    """The size of the files under `path`, in MiB."""
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return round(total / 2**20, 1)


def _call(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no message"
