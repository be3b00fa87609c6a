"""The changelog of a matrix by version: for each version, the clauses whose status differs from the version before,
each with the line that explains the change (the declared divergence's reason or the failure's message)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from parametrize_conformance.report._matrix import Note, labels, rows, status_of


@dataclass(frozen=True)
class Step:
    """One clause whose status moved between two neighbouring columns, and why."""

    clause: str
    area: str
    before: str
    after: str
    line: str


@dataclass(frozen=True)
class Release:
    """One column after the first: its label, the label of the column before it, and the clauses that moved."""

    label: str
    previous: str
    steps: tuple[Step, ...]


def triage_line(before: dict[str, Any] | None, after: dict[str, Any] | None) -> str:
    """What explains a move from the entry `before` to `after` (None: absent): the newer entry's reason or message
    when it is not passed, else the older one's, prefixed 'was:'; '' when both are passed or absent."""
    for entry, prefix in ((after, ""), (before, "was: ")):
        if entry is not None and entry["status"] != "passed":
            return prefix + Note("", "", entry).detail
    return ""


def steps(old: dict[str, Any], new: dict[str, Any]) -> tuple[Step, ...]:
    """The clauses of either report whose status differs between `old` and `new` (absent counts), in matrix order."""
    found = []
    for row in rows([old, new]):
        before, after = status_of(old, row.clause), status_of(new, row.clause)
        if before != after:
            line = triage_line(old["clauses"].get(row.clause), new["clauses"].get(row.clause))
            found.append(Step(row.clause, row.area, before, after, line))
    return tuple(found)


def changelog(columns: Sequence[dict[str, Any]]) -> list[Release]:
    """One Release per column after the first, against the column before it (columns as version_columns orders them)."""
    names = labels(columns)
    return [Release(names[i], names[i - 1], steps(columns[i - 1], columns[i])) for i in range(1, len(columns))]
