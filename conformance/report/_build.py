"""Assembling a report from the results of a run's tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from parametrize_conformance.clauses import CLAUSES, Clause
from parametrize_conformance.report._model import (
    BAD_STATUSES,
    DEFAULT_LEVEL,
    SCHEMA_VERSION,
    STATUSES,
    clause_status,
    level_counts,
)

_FAILING_OUTCOMES = ("crashed", "timeout", "aborted", "failed", "error")


def build_report(
    header: Mapping[str, Any],
    results: Sequence[Mapping[str, Any]],
    run: Mapping[str, Any],
    clauses: Mapping[str, Clause] = CLAUSES,
) -> dict[str, Any]:
    """A schema-1 report: `header` holds suite, adapter, environment and declared ({clause: reason}); `results`
    one dict per finished test (nodeid, clause, outcome, duration_s, and message/reproducer on failure); `run` the
    run section, whose "clauses" (the ids --clauses selected; None or absent: every clause) and "level" (the level
    the run counted; absent: required) are always written. Each clause entry carries its level and basis (from `clauses`) and
    the summary counts each level's statuses under "by_level"."""
    by_clause: dict[str, list[Mapping[str, Any]]] = {c: [] for c in clauses}
    for result in results:
        if result.get("clause") in by_clause:
            by_clause[result["clause"]].append(result)
    declared, signatures = header.get("declared", {}), header.get("signatures", {})
    entries = {c: _clause_entry(clause, by_clause[c], declared.get(c), signatures.get(c)) for c, clause in clauses.items()}
    return {
        "schema": SCHEMA_VERSION,
        "suite": dict(header["suite"]),
        "adapter": dict(header["adapter"]),
        "environment": dict(header["environment"]),
        "run": _run_section(run),
        "summary": _summary(entries),
        "clauses": entries,
    }


def _run_section(run: Mapping[str, Any]) -> dict[str, Any]:
    """`run` with its clause selection recorded: the sorted selected ids, or None for a run of every clause."""
    section = dict(run)
    clauses = section.get("clauses")
    section["clauses"] = None if clauses is None else sorted(set(clauses))
    section["level"] = section.get("level") or DEFAULT_LEVEL
    return section


def _clause_entry(
    clause: Clause, results: Sequence[Mapping[str, Any]], reason: str | None, signature: str | None = None
) -> dict[str, Any]:
    status = clause_status(r["outcome"] for r in results)
    first_bad = _first_failure(results) if status in BAD_STATUSES else None
    if status == "untested":
        # Note: an untested clause carries why its first skipped test was skipped (a missing device, say).
        first_bad = next((r for r in results if r["outcome"] == "skipped" and r.get("message")), None)
    return {
        "area": clause.area,
        "statement": clause.statement,
        "level": clause.level,
        "basis": clause.basis,
        "status": status,
        "tests": [_test_entry(r) for r in results],
        "duration_s": round(sum(max(r.get("duration_s", 0.0), 0.0) for r in results), 6),
        "reason": reason,
        "message": first_bad.get("message") if first_bad else None,
        "reproducer": first_bad.get("reproducer") if first_bad else None,
        # Note: a declared clause says what its failure was declared to look like, and the first failure met that
        # matched it; beside a `failed` status's message, the two show how the failure differs from the declared one.
        **({"signature": signature} if reason is not None and signature else {}),
        **({"declared_message": met} if (met := _first_declared(results)) else {}),
    }


def _first_declared(results: Sequence[Mapping[str, Any]]) -> str | None:
    """The first line of the first failure met that matched the declared divergence's signature."""
    return next((r["declared"] for r in results if r.get("declared")), None)


def _first_failure(results: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    for outcome in _FAILING_OUTCOMES:
        for result in results:
            if result["outcome"] == outcome:
                return result
    return None


def _test_entry(result: Mapping[str, Any]) -> dict[str, Any]:
    entry = {
        "nodeid": result["nodeid"],
        "outcome": result["outcome"],
        "duration_s": round(max(result.get("duration_s", 0.0), 0.0), 6),
    }
    for key in ("message", "reproducer", "declared"):
        if result.get(key):
            entry[key] = result[key]
    return entry


def _summary(entries: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    counts = {status: 0 for status in STATUSES}
    for entry in entries.values():
        counts[entry["status"]] += 1
    return {"total": len(entries), **counts, "by_level": level_counts(dict(entries))}
