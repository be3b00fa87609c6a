"""A pytest plugin (`-p parametrize_conformance.clients.third_party.plugin`) that puts an adapter in place of
torch.nn.utils.parametrize for a whole pytest run of a third-party library's own tests, before the library is imported.

The adapter spec is read from $PARAMETRIZE_CONFORMANCE_SUBSTITUTE and the library's top-level modules (which must not
be imported yet) from $PARAMETRIZE_CONFORMANCE_CLIENT_MODULES (comma-separated); at the end of the session the plugin
writes to $PARAMETRIZE_CONFORMANCE_BINDINGS (JSON) which of the library's module attributes hold the stand-in's objects
and which hold torch's own (bound before the stand-in was put in place)."""

from __future__ import annotations

import json
import os
import sys
from contextlib import ExitStack

import pytest

from parametrize_conformance.clients.third_party.libraries import BINDINGS_VARIABLE, MODULES_VARIABLE, SPEC_VARIABLE

_stack = ExitStack()
_label = ""
_objects: dict[str, list[object]] = {}


def imported_too_early(modules: list[str]) -> list[str]:
    """Those of `modules` (or their submodules) that are already in sys.modules."""
    return sorted(n for n in sys.modules if any(n == m or n.startswith(m + ".") for m in modules))


def _substitute() -> str:
    """Enter the substitution named by the environment for the rest of the process; the adapter's name."""
    from parametrize_conformance.adapters import load_adapter
    from parametrize_conformance.clients.substitute import substituted

    adapter = load_adapter(os.environ[SPEC_VARIABLE])
    reason = adapter.unavailable_reason()
    if reason:
        raise pytest.UsageError(f"adapter {adapter.spec!r} cannot run here: {reason}")
    modules = [m for m in os.environ.get(MODULES_VARIABLE, "").split(",") if m]
    early = imported_too_early(modules)
    if early:
        raise pytest.UsageError(
            f"{', '.join(early)} was imported before {adapter.name} was put in place of "
            f"torch.nn.utils.parametrize; load this plugin with -p before anything imports it"
        )
    # Note: substituted() also re-imports torch.nn.utils.parametrizations (weight_norm, orthogonal, spectral_norm)
    # against the stand-in; it is left only at pytest_unconfigure, so every test of the run sees the adapter.
    _objects["torch"] = _parametrize_objects()
    clients = _stack.enter_context(substituted(adapter.api, adapter.name))
    _objects["stand-in"] = _parametrize_objects(clients.P, clients.parametrizations)
    return adapter.name


def _parametrize_objects(parametrize: object = None, parametrizations: object = None) -> list[object]:
    """The parametrize module, its seven names, and the parametrizations module with its functions (torch's own
    unless given)."""
    import torch.nn.utils.parametrizations
    import torch.nn.utils.parametrize

    from parametrize_conformance.adapters import API_NAMES

    parametrize = parametrize or torch.nn.utils.parametrize
    parametrizations = parametrizations or torch.nn.utils.parametrizations
    found = [parametrize, parametrizations, *(getattr(parametrize, n) for n in API_NAMES)]
    return found + [getattr(parametrizations, n) for n in ("orthogonal", "spectral_norm", "weight_norm")]


def bindings(modules: list[str], objects: dict[str, list[object]]) -> dict[str, list[str]]:
    """For each kind in `objects`, the attributes (module.name) of the loaded `modules` that hold one of its objects."""
    found: dict[str, list[str]] = {kind: [] for kind in objects}
    for name in imported_too_early(modules):
        for attribute, value in list(vars(sys.modules[name]).items()):
            for kind, held in objects.items():
                if any(value is o for o in held):
                    found[kind].append(f"{name}.{attribute}")
    return found


# Note: the substitution happens when pytest imports this plugin (-p plugins are imported while the command line is
# parsed, before other plugins and any conftest.py), not in a hook that a library's conftest could precede.
if os.environ.get(SPEC_VARIABLE):
    _label = _substitute()


def pytest_report_header(config: pytest.Config) -> str | None:
    if not _label:
        return None
    return f"torch.nn.utils.parametrize: {_label}'s implementation stands in ({sys.modules['torch.nn.utils.parametrize']})"


def pytest_sessionfinish(session: pytest.Session) -> None:
    destination = os.environ.get(BINDINGS_VARIABLE)
    if _label and destination:
        modules = [m for m in os.environ.get(MODULES_VARIABLE, "").split(",") if m]
        with open(destination, "w", encoding="utf-8") as f:
            json.dump(bindings(modules, _objects), f, indent=1)


def pytest_unconfigure(config: pytest.Config) -> None:
    _stack.close()
