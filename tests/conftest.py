"""Shared fixtures of the project's own tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run_suite(*args: str, cwd: Path = ROOT, pythonpath: list[Path] = (), timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `pytest conformance ARGS` in a fresh interpreter under the ci profile; returns the finished process."""
    # Note: an xdist worker's PYTEST_XDIST_* variables would make the child think it is a worker too
    # (pytest-benchmark then disables itself).
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_XDIST")}
    env["CI"] = "true"
    env["PYTHONPATH"] = os.pathsep.join([str(p) for p in pythonpath] + [env.get("PYTHONPATH", "")]).strip(os.pathsep)
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args]
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


@pytest.fixture
def suite():
    """The run_suite helper."""
    return run_suite
