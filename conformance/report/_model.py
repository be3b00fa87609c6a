"""Clause statuses and test outcomes of a report, and how a clause's tests make its status."""

from __future__ import annotations

from collections.abc import Iterable

SCHEMA_VERSION = 1

# From best to worst: the diff calls a move down this list a regression, a move up a fix.
STATUSES: tuple[str, ...] = (
    "passed", "unexpected-pass", "diverged", "untested", "failed", "aborted", "timeout", "crashed",
)
BAD_STATUSES = frozenset({"failed", "aborted", "timeout", "crashed"})
OUTCOMES: tuple[str, ...] = (
    "passed", "failed", "error", "xfailed", "xpassed", "skipped", "crashed", "timeout", "aborted",
)
_STATUS_OF_OUTCOME = {
    "passed": "passed", "failed": "failed", "error": "failed", "xfailed": "diverged", "xpassed": "unexpected-pass",
    "skipped": "untested", "crashed": "crashed", "timeout": "timeout", "aborted": "aborted",
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
