"""Differential runs: each step on the implementation under test and on the reference, side by side, compared
after every step; a difference fails with the whole sequence as a runnable reproducer."""

from __future__ import annotations

from typing import Any

from parametrize_conformance import reference
from parametrize_conformance.sequences.observe import differences, observe_model
from parametrize_conformance.sequences.world import Outcome, Step, World


class SequenceDivergence(AssertionError):
    """The implementation and the reference differ after a step (or a failing step changed a model). `steps` is the
    sequence that shows it; `signature` (the step's code, where the difference is) tells one difference from another."""

    def __init__(self, message: str, steps: list[Step], signature: tuple[str, str]) -> None:
        super().__init__(message)
        self.steps, self.signature = steps, signature

    def __reduce__(self):
        return type(self), (str(self), self.steps, self.signature)


class FlakyOracle(AssertionError):
    """A difference seen in a run that its replay on fresh models does not show: the suite's fault (or a
    nondeterministic implementation's), never reported as a divergence."""


class Differential:
    """Two worlds, `subject` (the adapter's implementation) and `reference`, and the steps both have run.

    `declared`: clauses the adapter declares divergent; `ordered`: compare tensor and state_dict names in order."""

    def __init__(
        self, api: Any, adapter_spec: str, declared: frozenset[str] = frozenset(), swap: bool = False, ordered: bool = True
    ) -> None:
        self.subject, self.reference = World(api), World(reference)
        self.adapter_spec, self.declared, self.swap, self.ordered = adapter_spec, declared, swap, ordered
        self.steps: list[Step] = []

    def step(self, step: Step) -> Outcome | None:
        """Run `step` on both sides and compare. A step the reference refuses as its `refusal` says, which the adapter
        declares it does not refuse, is dropped: the adapter side is not run (the reference is unchanged, as
        checked). Returns the reference's outcome, or None when the step was dropped."""
        expected = self.reference.run(step)
        if expected.error and step.refusal and step.refusal[0] in self.declared and step.refusal[1] in expected.error[1]:
            return None
        self.steps.append(step)
        if expected.changed:
            self._fail(
                step, "the reference", f"the reference raised {expected.message} and changed a model: {expected.changed}"
            )
        got = self.subject.run(step)
        self._compare(step, got, expected)
        return expected

    def _compare(self, step: Step, got: Outcome, expected: Outcome) -> None:
        if got.error != expected.error:
            self._fail(step, "the outcome", f"the step {_ended(got)}; on the reference it {_ended(expected)}")
        if got.changed:
            self._fail(step, "a failing step's changes", f"the step raised {got.message} and changed a model: {got.changed}")
        found = differences(got.out, expected.out, "out")
        if self.subject.names != self.reference.names:
            found.append(f"models: got {self.subject.names}, expected {self.reference.names}")
        for name in self.reference.names:
            found += differences(self._observe(self.subject, name), self._observe(self.reference, name), name)
            if found:
                break
        if found:
            where = found[0].split(":")[0]
            self._fail(step, where, "; ".join(found[:3]) + (f" (and {len(found) - 3} more)" if len(found) > 3 else ""))

    def _observe(self, world: World, name: str) -> dict[str, Any]:
        return observe_model(world.api, world.model(name), self.ordered)

    def _fail(self, step: Step, where: str, what: str) -> None:
        message = f"after step {len(self.steps)} `{step.code}`: {what}\n{self.reproducer()}"
        raise SequenceDivergence(message, list(self.steps), (step.code, where))

    def reproducer(self) -> str:
        """A script that replays the steps so far on the adapter and the reference and fails at the difference."""
        lines = [f"    {s!r}," for s in self.steps]
        return (
            "Reproducer (replays the steps on the adapter and on the reference, failing at the first "
            "difference):\n    from parametrize_conformance.sequences import Step, replay\n"
            f"    replay({self.adapter_spec!r}, [\n"
            + "\n".join(f"    {line}" for line in lines)
            + f"\n    ], swap={self.swap})"
        )


def _ended(outcome: Outcome) -> str:
    return f"raised {outcome.message}" if outcome.error else "succeeded"
