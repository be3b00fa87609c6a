"""Whether a pytest command line names the client tests, and the one-adapter rule of client runs."""

from __future__ import annotations

from pathlib import Path

import pytest

CLIENTS_DIR = Path(__file__).resolve().parent
ONE_ADAPTER = (
    "parametrize_conformance.clients runs one adapter, in this process: give one --adapter SPEC (no 'all', no "
    "--isolate) and run it once per adapter"
)


def clients_named(config: pytest.Config) -> bool:
    """Whether the command line names parametrize_conformance.clients (or a file or directory inside it)."""
    for arg in config.args:
        name = arg.split("::")[0]
        if config.getoption("pyargs", False) and (
            name == "parametrize_conformance.clients" or name.startswith("parametrize_conformance.clients.")
        ):
            return True
        path = (config.invocation_params.dir / name).resolve()
        if path == CLIENTS_DIR or CLIENTS_DIR in path.parents:
            return True
    return False


def refuse_isolation(config: pytest.Config) -> None:
    """Raise a usage error when the client tests are asked to run isolated (several adapters, 'all', --isolate)."""
    # Note: the isolating runner records clause results only; client tests check no clause, so an isolated client
    # run would end "completed, every clause untested" with exit code 0.
    if clients_named(config):
        raise pytest.UsageError(ONE_ADAPTER)
