"""One side of a differential run: an implementation, the models it built, and the steps it ran on them as code."""

from __future__ import annotations

import copy
import functools
import io
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn

from parametrize_conformance import library as L
from parametrize_conformance.checks import assert_unchanged, snapshot
from parametrize_conformance.hosts import HostSpec
from parametrize_conformance.sequences.observe import error_key
from parametrize_conformance.strategies import seeded_randn


@dataclass(frozen=True)
class Step:
    """One operation, as code run with `P` (the implementation) and the models m0, m1, ... in scope. The code may
    set `out`, which is compared too. `atomic`: if it raises, it must leave every model exactly as it was."""

    code: str
    atomic: bool = False
    # (clause, phrase): when the reference refuses the step (its error's key phrase holding `phrase`) and the adapter
    # declares `clause` divergent, the step is dropped on both sides, as if it had not been taken.
    refusal: tuple[str, str] | tuple[()] = ()

    def __repr__(self) -> str:
        return (
            f"Step({self.code!r}"
            + (", atomic=True" if self.atomic else "")
            + (f", refusal={self.refusal!r}" if self.refusal else "")
            + ")"
        )


@dataclass(frozen=True)
class Outcome:
    """What a step did on one side: its `out`, or the error it raised (type, key phrase) and its message; and, for
    an atomic step that raised, what it changed (empty when nothing)."""

    out: Any = None
    error: tuple[str, str] | None = None
    message: str = ""
    changed: str = ""


@functools.lru_cache(maxsize=4096)
def _compiled(code: str):
    return compile(code, "<step>", "exec")


def _scope(api: Any) -> dict[str, Any]:
    names = {n: getattr(L, n) for n in dir(L) if isinstance(getattr(L, n), type) and issubclass(getattr(L, n), nn.Module)}
    return names | {"torch": torch, "copy": copy, "io": io, "HostSpec": HostSpec, "seeded_randn": seeded_randn, "P": api}


class World:
    """The models one implementation built, by name (m0, m1, ...), and a way to run steps on them."""

    def __init__(self, api: Any) -> None:
        self.api = api
        self.scope = _scope(api)
        self.names: list[str] = []

    def model(self, name: str) -> nn.Module:
        return self.scope[name]

    def run(self, step: Step) -> Outcome:
        """Run `step`; an exception becomes the Outcome's error (an atomic step's changes are checked then)."""
        before = {n: snapshot(self.scope[n]) for n in self.names} if step.atomic else {}
        self.scope.pop("out", None)
        try:
            exec(_compiled(step.code), self.scope)
        except Exception as exc:  # every error of the implementation is an observation
            return Outcome(error=error_key(exc), message=f"{type(exc).__name__}: {exc}", changed=self._changes(before))
        self.names += [n for n in self._new_models() if n not in self.names]
        return Outcome(out=self.scope.get("out"))

    def _changes(self, before: dict) -> str:
        for name, state in before.items():
            try:
                assert_unchanged(state, self.scope[name], f"{name}, after the step raised")
            except AssertionError as exc:
                return str(exc)
        return ""

    def _new_models(self) -> list[str]:
        return sorted(
            (n for n, v in self.scope.items() if n[:1] == "m" and n[1:].isdigit() and isinstance(v, nn.Module)),
            key=lambda n: int(n[1:]),
        )
