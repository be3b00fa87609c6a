"""Applying the triage table: which surviving mutants are equivalent, which are not, and which entries are stale."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from parametrize_conformance.mutation._errors import MutationError
from parametrize_conformance.mutation._model import Mutant


@dataclass(frozen=True)
class Equivalent:
    """A surviving mutant no conformance check can kill, and why: keyed by file, function, the original line(s) and
    the mutated line(s) as `mutmut show` prints them (stripped), never by the tool's mutant number."""

    file: str
    function: str
    original: str
    mutated: str
    reason: str

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.file, self.function, self.original, self.mutated)


@dataclass(frozen=True)
class Triage:
    """The survivors split: `equivalent` maps a mutant's name to the reason; `untriaged` are the real survivors;
    `stale` are table entries that match no surviving mutant (killed now, or gone from the code)."""

    equivalent: dict[str, str]
    untriaged: tuple[Mutant, ...]
    stale: tuple[Equivalent, ...]


def check_table(table: Iterable[Equivalent]) -> dict[tuple[str, str, str, str], Equivalent]:
    """The table by key; MutationError on a duplicate key or an entry without a reason."""
    by_key: dict[tuple[str, str, str, str], Equivalent] = {}
    for entry in table:
        if not entry.reason.strip():
            raise MutationError(f"equivalent mutant {entry.key} has no reason: say why no check can kill it")
        if entry.key in by_key:
            raise MutationError(f"equivalent mutant {entry.key} is listed twice: keep one entry")
        by_key[entry.key] = entry
    return by_key


def triage(mutants: Iterable[Mutant], table: Iterable[Equivalent]) -> Triage:
    """Match every surviving mutant against the table."""
    by_key = check_table(table)
    equivalent, untriaged, used = {}, [], set()
    for mutant in mutants:
        if mutant.killed:
            continue
        entry = by_key.get(mutant.key)
        if entry is None:
            untriaged.append(mutant)
        else:
            equivalent[mutant.name] = entry.reason
            used.add(entry.key)
    stale = tuple(e for k, e in by_key.items() if k not in used)
    return Triage(equivalent, tuple(untriaged), stale)
