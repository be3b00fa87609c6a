"""Replaying a sequence of steps on an adapter and on the reference, and shrinking a failing one to a minimal one."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator

from parametrize_conformance.adapters import Adapter, load_adapter
from parametrize_conformance.checks import swap_flag  # handed on: the machine and replays use it from here
from parametrize_conformance.sequences.engine import Differential, SequenceDivergence
from parametrize_conformance.sequences.guards import Guards
from parametrize_conformance.sequences.world import Step


def differential(adapter: Adapter, swap: bool) -> Differential:
    """A fresh pair of worlds for `adapter` (its declared divergences apply) and the reference."""
    declared = frozenset(d.clause for d in adapter.divergences)
    return Differential(adapter.api, adapter.spec, declared, swap, Guards(declared).ordered)


def run_steps(adapter: Adapter, steps: list[Step], swap: bool) -> SequenceDivergence | None:
    """The first difference `steps` show between `adapter` and the reference, or None."""
    run = differential(adapter, swap)
    with swap_flag(swap):
        try:
            for step in steps:
                run.step(step)
        except SequenceDivergence as found:
            return found
    return None


def shrink(adapter: Adapter, found: SequenceDivergence, swap: bool) -> SequenceDivergence:
    """The same difference (same step, same place, whichever model) shown by as few of `found`'s steps as possible:
    steps are removed one at a time, latest first (a step that makes a model mK also with mK renamed m0 after it),
    while the difference stays, until no single step can go."""
    best, progress = found, True
    while progress:
        progress = False
        for candidate in _smaller(best.steps):
            shown = run_steps(adapter, candidate, swap)
            if shown is not None and same_difference(shown.signature, found.signature):
                best, progress = shown, True
                break
    return best


def _smaller(steps: list[Step]) -> Iterator[list[Step]]:
    # Note: the first step builds m0, which every sequence starts from: it always stays.
    for i in range(len(steps) - 2, 0, -1):
        rest = steps[:i] + steps[i + 1 :]
        yield rest
        made = re.match(r"(m\d+) = ", steps[i].code)
        if made:
            yield steps[:i] + [_renamed(s, made.group(1), "m0") for s in steps[i + 1 :]]


def _renamed(step: Step, old: str, new: str) -> Step:
    return dataclasses.replace(step, code=re.sub(rf"\b{old}\b", new, step.code))


def same_difference(a: tuple[str, str], b: tuple[str, str]) -> bool:
    """Whether two signatures name the same step and place, whichever models they are on."""
    return [re.sub(r"\bm\d+\b", "m", x) for x in a] == [re.sub(r"\bm\d+\b", "m", x) for x in b]


def replay(adapter_spec: str, steps: list[Step], swap: bool = False) -> None:
    """Run `steps` on the adapter and on the reference, comparing after each; raise SequenceDivergence at the first
    difference, print that they agree otherwise."""
    found = run_steps(load_adapter(adapter_spec), steps, swap)
    if found is not None:
        raise found
    print(f"{len(steps)} steps: {adapter_spec} and the reference agree after every step")
