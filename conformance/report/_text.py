"""A report as terminal text: the per-area table and the clause lists under it."""

from __future__ import annotations

from collections import Counter
from typing import Any

from conformance.report._model import BAD_STATUSES, STATUSES

_ALWAYS_SHOWN = ("passed", "diverged", "unexpected-pass", "untested", "failed")
_NAMED_AT_MOST = 10


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The per-area status table, then the failing clauses (with their statements) and the declared divergences."""
    clauses = report["clauses"]
    shown = [s for s in STATUSES if s in _ALWAYS_SHOWN or report["summary"][s]]
    lines = [f"{'area':<10}" + "".join(f"{s:>17}" for s in shown)]
    areas = list(dict.fromkeys(c["area"] for c in clauses.values()))
    for area in areas:
        counts = Counter(c["status"] for c in clauses.values() if c["area"] == area)
        lines.append(f"{area:<10}" + "".join(f"{counts[s]:>17}" for s in shown))
    lines.append(f"{'total':<10}" + "".join(f"{report['summary'][s]:>17}" for s in shown))
    failing = [(i, c) for i, c in clauses.items() if c["status"] in BAD_STATUSES]
    if failing:
        lines.append("Failing clauses:")
        for clause_id, clause in failing:
            lines.append(f"  {clause_id}: {clause['statement']}")
            lines.append(f"      {clause['status']}: {clause['message'] or 'no message'}")
    lines += _untested(clauses)
    lines += _listed(clauses, "diverged", "Declared divergences:")
    lines += _listed(clauses, "unexpected-pass", "Declared divergences that passed (remove them from the adapter):")
    return lines


def _listed(clauses: dict[str, Any], status: str, title: str) -> list[str]:
    ids = [(i, c) for i, c in clauses.items() if c["status"] == status]
    return [title] + [f"  {i}: {c['reason']}" for i, c in ids] if ids else []


def _untested(clauses: dict[str, Any]) -> list[str]:
    """The untested clauses that say why, grouped by that reason (clauses with no reason are left out)."""
    by_reason: dict[str, list[str]] = {}
    for clause_id, clause in clauses.items():
        if clause["status"] == "untested" and clause.get("message"):
            by_reason.setdefault(clause["message"], []).append(clause_id)
    lines = ["Untested clauses, by reason:"] if by_reason else []
    for reason, ids in by_reason.items():
        # Note: a whole run skipped for one reason (a missing GPU) is one line, not a list of every clause.
        named = ", ".join(ids) if len(ids) <= _NAMED_AT_MOST else f"{len(ids)} clauses"
        lines.append(f"  {named}: {reason}")
    return lines
