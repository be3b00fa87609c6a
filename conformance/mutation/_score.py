"""The mutation score: killed / (generated - equivalent)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from parametrize_conformance.mutation._model import Mutant
from parametrize_conformance.mutation._triage import Triage


@dataclass(frozen=True)
class Score:
    """The counts of a run and its score (None when every mutant is equivalent)."""

    generated: int
    killed: int
    equivalent: int
    untriaged: int
    by_status: dict[str, int]

    @property
    def denominator(self) -> int:
        return self.generated - self.equivalent

    @property
    def value(self) -> float | None:
        return self.killed / self.denominator if self.denominator else None

    def meets(self, target: float) -> bool:
        return self.value is None or self.value >= target


def score(mutants: Sequence[Mutant], result: Triage) -> Score:
    """Count the mutants by verdict."""
    return Score(
        generated=len(mutants),
        killed=sum(m.killed for m in mutants),
        equivalent=len(result.equivalent),
        untriaged=len(result.untriaged),
        by_status=dict(sorted(Counter(m.status for m in mutants).items())),
    )


def per_file(mutants: Sequence[Mutant], result: Triage) -> dict[str, dict[str, int]]:
    """Per mutated file: generated, killed, equivalent, untriaged."""
    table: dict[str, dict[str, int]] = {}
    for m in mutants:
        row = table.setdefault(m.file, {"generated": 0, "killed": 0, "equivalent": 0, "untriaged": 0})
        row["generated"] += 1
        row["killed" if m.killed else "equivalent" if m.name in result.equivalent else "untriaged"] += 1
    return dict(sorted(table.items()))
