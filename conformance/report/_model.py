"""Clause statuses and test outcomes of a report, and how a clause's tests make its status."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

# Note: the levels are the clause table's (parametrize_conformance.clauses imports nothing heavy, so reading reports still
# needs
# neither torch nor pytest).
from parametrize_conformance.clauses import CLAUSES, LEVELS

SCHEMA_VERSION = 1

# From best to worst: the diff calls a move down this list a regression, a move up a fix.
STATUSES: tuple[str, ...] = (
    "passed",
    "unexpected-pass",
    "diverged",
    "untested",
    "failed",
    "aborted",
    "timeout",
    "crashed",
)
BAD_STATUSES = frozenset({"failed", "aborted", "timeout", "crashed"})
OUTCOMES: tuple[str, ...] = (
    "passed",
    "failed",
    "error",
    "xfailed",
    "xpassed",
    "skipped",
    "crashed",
    "timeout",
    "aborted",
)
_STATUS_OF_OUTCOME = {
    "passed": "passed",
    "failed": "failed",
    "error": "failed",
    "xfailed": "diverged",
    "xpassed": "unexpected-pass",
    "skipped": "untested",
    "crashed": "crashed",
    "timeout": "timeout",
    "aborted": "aborted",
}
# Which test outcome decides a clause: the first present in this order.
_PRECEDENCE = ("crashed", "timeout", "aborted", "failed", "error", "xfailed", "xpassed", "passed", "skipped")


def clause_status(outcomes: Iterable[str]) -> str:
    """The status of a clause whose tests ended with `outcomes` ("untested" when none ran)."""
    present = set(outcomes)
    unknown = present - set(OUTCOMES)
    if unknown:
        raise ValueError(f"unknown test outcome(s) {sorted(unknown)}; known: {', '.join(OUTCOMES)}")
    for outcome in _PRECEDENCE:
        if outcome in present:
            return _STATUS_OF_OUTCOME[outcome]
    return "untested"


def rank(status: str) -> int:
    """Position of `status` from best (0) to worst."""
    return STATUSES.index(status)


# --- levels --------------------------------------------------------------------------------------------------------
DEFAULT_LEVEL = LEVELS[0]


def counted_levels(level: str) -> tuple[str, ...]:
    """The levels a run at `level` counts: that level and every stricter one (required counts required alone,
    recommended counts required and recommended)."""
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r}; known: {', '.join(LEVELS)}")
    return LEVELS[: LEVELS.index(level) + 1]


def level_of(clause_id: str, entry: dict[str, Any] | None = None) -> str:
    """The level of a clause: its report entry's, else the current clause table's, else required (a clause this
    version of the suite does not know)."""
    level = entry.get("level") if entry else None
    if isinstance(level, str) and level in LEVELS:
        return level
    clause = CLAUSES.get(clause_id)
    return clause.level if clause is not None else DEFAULT_LEVEL


def run_level(report: dict[str, Any]) -> str:
    """The level a report's run counted (required for a report older than the field)."""
    return report["run"].get("level") or DEFAULT_LEVEL


def level_counts(clauses: dict[str, Any]) -> dict[str, dict[str, int]]:
    """{level: {"total": n, status: n, ...}} over `clauses` (a report's clause entries, keyed by id)."""
    by_level = {level: {"total": 0, **{status: 0 for status in STATUSES}} for level in LEVELS}
    for clause_id, entry in clauses.items():
        counts = by_level[level_of(clause_id, entry)]
        counts["total"] += 1
        counts[entry["status"]] += 1
    return by_level


def with_levels(report: dict[str, Any]) -> dict[str, Any]:
    """`report` (modified in place and returned) with the level fields of reports older than them filled in: each
    clause's level and basis from the current clause table, the summary's per-level counts, and the run's level."""
    for clause_id, entry in report["clauses"].items():
        entry.setdefault("level", level_of(clause_id, entry))
        if "basis" not in entry and clause_id in CLAUSES:
            entry["basis"] = CLAUSES[clause_id].basis
    report["summary"].setdefault("by_level", level_counts(report["clauses"]))
    report["run"].setdefault("level", DEFAULT_LEVEL)
    return report
