"""Keeps the client tests out of conformance runs (which recurse into conformance/) unless they are named; registered
by the suite's plugin (a conftest.py would be imported under the folder's name, beside the package's)."""

from __future__ import annotations

from pathlib import Path

import pytest

from parametrize_conformance.clients.selection import CLIENTS_DIR, ONE_ADAPTER, clients_named

RECORDER = "parametrize-conformance-recorder"


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    # Note: `pytest --pyargs parametrize_conformance --adapter X` reaches this directory; its tests are no clauses and must
    # not be
    # collected, counted or reported there, so they run only when the command line names them.
    if Path(collection_path).resolve().parent == CLIENTS_DIR and not clients_named(config):
        return True
    return None


def pytest_configure(config: pytest.Config) -> None:
    if not clients_named(config):
        return
    specs = config.getoption("adapter", None) or []
    if len(specs) != 1 or "," in specs[0] or specs[0] == "all" or config.getoption("journal", None):
        raise pytest.UsageError(ONE_ADAPTER)
    # Note: the conformance plugin records every --adapter run as a clause report; a client run checks no clause, so
    # its recorder (whose summary would list every clause as untested) is switched off.
    if config.pluginmanager.has_plugin(RECORDER):
        config.pluginmanager.unregister(name=RECORDER)


@pytest.fixture(autouse=True)
def _adapter_can_run(request: pytest.FixtureRequest) -> None:
    """Skip each client test of an adapter that cannot run here (a CUDA adapter without a GPU), or fail it under
    --require-adapter, as the conformance plugin does for clause tests."""
    if "adapter" not in request.fixturenames or Path(request.node.path).resolve().parent != CLIENTS_DIR:
        return
    reason = request.getfixturevalue("adapter").unavailable_reason()
    if reason and request.config.getoption("--require-adapter"):
        pytest.fail(f"{reason} (--require-adapter: an adapter that cannot run fails the run)", pytrace=False)
    if reason:
        pytest.skip(reason)
