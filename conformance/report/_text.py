"""A report as terminal text: the per-area table and the clause lists under it."""

from __future__ import annotations

import textwrap
from collections import Counter
from typing import Any

from parametrize_conformance.report._causes_view import shared_causes
from parametrize_conformance.report._model import BAD_STATUSES, LEVELS, STATUSES, counted_levels, level_of, run_level

_ALWAYS_SHOWN = ("passed", "diverged", "unexpected-pass", "untested", "failed")
_NAMED_AT_MOST = 10


def summary_lines(report: dict[str, Any]) -> list[str]:
    """The per-area status table, then the failing clauses (with their statements and levels), the declared
    divergences, and last whether the adapter conforms at the level the run counted (see conforms_lines)."""
    clauses = report["clauses"]
    shown = [s for s in STATUSES if s in _ALWAYS_SHOWN or report["summary"][s]]
    lines = [f"{'area':<10}" + "".join(f"{s:>17}" for s in shown)]
    areas = list(dict.fromkeys(c["area"] for c in clauses.values()))
    for area in areas:
        counts = Counter(c["status"] for c in clauses.values() if c["area"] == area)
        lines.append(f"{area:<10}" + "".join(f"{counts[s]:>17}" for s in shown))
    lines.append(f"{'total':<10}" + "".join(f"{report['summary'][s]:>17}" for s in shown))
    failing = [(i, c) for i, c in clauses.items() if c["status"] in BAD_STATUSES]
    lines += cause_lines(report)
    if failing:
        lines.append("Failing clauses:")
        for clause_id, clause in failing:
            lines.append(f"  {clause_id} [{level_of(clause_id, clause)}]: {clause['statement']}")
            lines.append(f"      {clause['status']}: {clause['message'] or 'no message'}")
            if clause.get("signature"):
                met = f"; met first as {clause['declared_message']}" if clause.get("declared_message") else ""
                lines.append(
                    f"      declared divergence ({clause['reason']}): {clause['signature']}, which this "
                    f"failure does not match{met}"
                )
    lines += _untested(clauses)
    lines += _listed(clauses, "diverged", "Declared divergences:")
    lines += _listed(clauses, "unexpected-pass", "Declared divergences that passed (remove them from the adapter):")
    return lines + conforms_lines(report)


def cause_lines(report: dict[str, Any]) -> list[str]:
    """The causes that fail several clauses, largest first: each with its count, the cause, the clause it shows in
    most directly (with that clause's reproducer) and the others it takes down. Nothing when no cause is shared."""
    clauses = report["clauses"]
    shared = shared_causes(report)
    if not shared:
        return []
    lines = ["Failures by cause (largest first: fixing one may clear every clause under it):"]
    for number, group in enumerate(shared, 1):
        lead, others = group["lead"], [c for c in group["clauses"] if c != group["lead"]]
        lines.append(f"  {number}. {len(group['clauses'])} clauses: {group['cause']}")
        lines.append(f"     shows most directly in {lead} [{level_of(lead, clauses[lead])}]: {clauses[lead]['statement']}")
        lines += textwrap.wrap(
            "also: " + ", ".join(others),
            width=118,
            initial_indent="     ",
            subsequent_indent="       ",
            break_on_hyphens=False,
        )
        lines += [f"     {line}" for line in (clauses[lead].get("reproducer") or "").splitlines()]
    return lines


def _listed(clauses: dict[str, Any], status: str, title: str) -> list[str]:
    ids = [(i, c) for i, c in clauses.items() if c["status"] == status]
    return [title] + [f"  {i} [{level_of(i, c)}]: {c['reason']}" for i, c in ids] if ids else []


# How conforms_lines names the statuses it counts (in this order); a bad status is named by itself.
_COUNTED_AS = {
    "passed": "passed",
    "diverged": "declared divergence{s}",
    "unexpected-pass": "declared divergence{s} that passed",
    "untested": "untested",
}


def conforms_lines(report: dict[str, Any]) -> list[str]:
    """Whether the adapter conforms at the level its run counted, e.g. `required level: conforms (73 passed, 12
    declared divergences, 7 untested)` or `required level: does not conform: 2 failed (A, B)`; then, for each level
    the run did not count, its counts, e.g. `recommended level (not counted; --level recommended counts it): 1
    failed (B-ONE), 4 passed, 7 declared divergences`. Only the clauses a --clauses run selected are counted."""
    level = run_level(report)
    counted = counted_levels(level)
    chosen = report["run"].get("clauses")
    clauses = {i: c for i, c in report["clauses"].items() if chosen is None or i in chosen}
    mine = {i: c for i, c in clauses.items() if level_of(i, c) in counted}
    failing = [i for i, c in mine.items() if c["status"] in BAD_STATUSES]
    exit_ = report["run"].get("exit", "completed")
    if failing or exit_ != "completed":
        why = [_bad_counts(mine)] if failing else []
        if exit_ != "completed":
            why.append(f"the run ended {exit_}")
        line = f"{level} level: does not conform: {'; '.join(why)}"
    else:
        line = f"{level} level: conforms ({_counts(mine)})"
    lines = [line]
    for other in (lv for lv in LEVELS if lv not in counted):
        theirs = {i: c for i, c in clauses.items() if level_of(i, c) == other}
        if theirs:
            parts = ", ".join(p for p in (_bad_counts(theirs), _counts(theirs)) if p)
            lines.append(f"{other} level (not counted; --level {other} counts it): {parts}")
    return lines


def _counts(clauses: dict[str, Any], statuses: tuple[str, ...] = tuple(_COUNTED_AS)) -> str:
    """`73 passed, 12 declared divergences, 7 untested`: the non-zero counts of `statuses` (passed always)."""
    tally = Counter(c["status"] for c in clauses.values())
    return ", ".join(
        f"{tally[s]} {_COUNTED_AS[s].format(s='' if tally[s] == 1 else 's')}" for s in statuses if tally[s] or s == "passed"
    )


def _bad_counts(clauses: dict[str, Any]) -> str:
    """`2 failed, 1 crashed (A, B, C)` for the clauses of a bad status; '' when none."""
    bad = [i for i, c in clauses.items() if c["status"] in BAD_STATUSES]
    if not bad:
        return ""
    tally = Counter(clauses[i]["status"] for i in bad)
    more = len(bad) - _NAMED_AT_MOST
    named = ", ".join(bad[:_NAMED_AT_MOST]) + (f", and {more} more" if more > 0 else "")
    return ", ".join(f"{tally[s]} {s}" for s in STATUSES if tally[s]) + f" ({named})"


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
