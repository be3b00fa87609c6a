"""Isolation: the implementation writes no class it did not generate and leaves torch's global state as it was."""

from __future__ import annotations

import copy
import io

import torch
from torch import nn

from parametrize_conformance import library as L
from parametrize_conformance.hosts import HostSpec
from parametrize_conformance.run import guard
from parametrize_conformance.shared_state import SharedState, changes_since, restore

# Each probe: a short use of the API as code (run with P, the hosts and the library in scope), so that a trespass it
# shows is its own reproducer. Errors are other clauses' business: a probe that raises is still compared.
PROBES: tuple[str, ...] = (
    "m = HostSpec('linear').build()\nP.register_parametrization(m, 'weight', Scale(2.0))\nm.weight\n"
    "m.weight = torch.ones(3, 3)\nP.remove_parametrizations(m, 'weight', leave_parametrized=True)",
    "m = HostSpec('buffers').build()\nP.register_parametrization(m, 'running', Symmetric())\n"
    "P.register_parametrization(m, 'running', Scale(3.0))\nP.remove_parametrizations(m, 'running', False)",
    "m = HostSpec('linear').build()\nP.register_parametrization(m, 'weight', SumOfTwo())\n"
    "m.weight = torch.zeros(3, 3)\nP.remove_parametrizations(m, 'weight')",
    "m = HostSpec('deepcopy').build()\nP.register_parametrization(m, 'bias', Scale(2.0))\nc = copy.deepcopy(m)\n"
    "P.register_parametrization(c, 'weight', Identity())\nP.remove_parametrizations(c, 'bias')\n"
    "P.remove_parametrizations(m, 'bias')",
    "m = HostSpec('conv1d').build()\nP.register_parametrization(m, 'weight', Scale(2.0))\n"
    "with P.cached():\n    m.weight\n    m.weight.sum().backward()",
    "m = HostSpec('linear').build()\nP.register_parametrization(m, 'weight', Skew())\nt = nn.Linear(3, 3)\n"
    "P.transfer_parametrizations_and_params(m, t)\nP.transfer_parametrizations_and_params(m, nn.Linear(3, 3), 'bias')",
    "m = HostSpec('linear').build()\nP.register_parametrization(m, 'weight', Scale(2.0))\nb = io.BytesIO()\n"
    "torch.save(m.state_dict(), b)\nb.seek(0)\nm.load_state_dict(torch.load(b))\nm.train(False)\n"
    "P.type_before_parametrizations(m)\nP.is_parametrized(m, 'weight')",
    "m = HostSpec('linear').build()\nP.register_parametrization(m, 'nosuch', Identity())",
    "m = HostSpec('linear').build()\nP.register_parametrization(m, 'weight', BadForward('shape'))",
    "m = HostSpec('linear').build()\nm.parametrizations = nn.ModuleDict({'x': nn.Identity()})\n"
    "P.register_parametrization(m, 'weight', Identity())",
    "m = HostSpec('linear').build()\nm.parametrizations = nn.ModuleDict()\n"
    "P.register_parametrization(m, 'weight', Identity())",
)


def _scope(P) -> dict:  # the API namespace reads as P
    names = {n: getattr(L, n) for n in dir(L) if isinstance(getattr(L, n), type)}
    return names | {"P": P, "torch": torch, "nn": nn, "copy": copy, "io": io, "HostSpec": HostSpec}


def _probe(P, code: str) -> list[str]:
    """What running `code` changed of the shared state (undone before returning)."""
    before = SharedState.take(guard.watched())
    try:
        exec(compile(code, "<probe>", "exec"), _scope(P))
    except Exception:  # a failing call is judged by the other clauses
        pass
    found = changes_since(before)
    restore(before)
    return found


def _reproducer(adapter, code: str) -> str:
    """A script that runs the probe and prints what it changed of the classes it watches most (nn.Linear and the
    other torch.nn classes the hosts build on)."""
    lines = [
        "import copy, io, torch",
        "from torch import nn",
        "from parametrize_conformance.adapters import load_adapter",
        "from parametrize_conformance.hosts import HostSpec, WithBuffers, WithDeepcopy",
        "from parametrize_conformance.library import *",
        f"P = load_adapter({adapter.spec!r}).api",
        "watched = (nn.Linear, nn.Conv1d, nn.Module, WithBuffers, WithDeepcopy)",
        "before = {c: dict(vars(c)) for c in watched}",
        "try:",
        *[f"    {line}" for line in code.splitlines()],
        "except Exception as exc:",
        "    print('raised', type(exc).__name__, exc)",
        "for c in watched:",
        "    changed = sorted(k for k in vars(c).keys() | before[c].keys() if vars(c).get(k) is not before[c].get(k))",
        "    print(c.__name__, 'changed:', [k for k in changed if k != '__slotnames__'])",
    ]
    return "Reproducer:\n    " + "\n    ".join(lines)


def test_isolation_shared_state(P, adapter, swap):
    for code in PROBES:
        found = _probe(P, code)
        if found:
            error = AssertionError(
                f"the implementation changed shared state, got: {'; '.join(found)}; expected no "
                f"change (undone after the probe)"
            )
            error.add_note(_reproducer(adapter, code))
            raise error
    if guard.TRESPASSES:
        shown = "\n".join(str(t) for t in guard.TRESPASSES[:5])
        more = len(guard.TRESPASSES) - 5
        raise AssertionError(
            f"checks of this run changed shared state (each undone after its check), got:\n{shown}"
            + (f"\n(and {more} more)" if more > 0 else "")
            + "\nexpected no change"
        )
