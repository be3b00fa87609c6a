"""What a report holds: clause statuses and test outcomes, the schema that ships with the package, and assembling a
report from a run's results.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib.resources import files
from typing import Any

import jsonschema

from parametrize_conformance.clauses import CLAUSES, LEVELS, Clause
from parametrize_conformance.report._causes import group_causes

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


class ReportError(Exception):
    """A report cannot be read, validated or written; the message names the file and the fix."""


@cache
def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(files("parametrize_conformance.report").joinpath(name).read_text())
    return loaded


def schema() -> dict[str, Any]:
    """The JSON Schema of a report (schema version 1)."""
    return _load("schema.json")


def bench_schema() -> dict[str, Any]:
    """The JSON Schema of a benchmark run's document (bench.json, schema version 1)."""
    return _load("bench.schema.json")


def validate(report: Any, where: str = "report") -> None:
    """Raise ReportError naming the first violation unless `report` matches the report schema."""
    _validate(report, schema(), where, "report")


def validate_bench(document: Any, where: str = "bench document") -> None:
    """Raise ReportError naming the first violation unless `document` matches the bench schema."""
    _validate(document, bench_schema(), where, "bench document")


def _validate(document: Any, against: dict[str, Any], where: str, kind: str) -> None:
    if isinstance(document, dict) and document.get("schema") not in (None, 1):
        raise ReportError(
            f"{where} has schema {document.get('schema')!r}; this version of parametrize-conformance "
            f"reads {kind} schema 1: upgrade parametrize-conformance to read it"
        )
    validator = jsonschema.Draft202012Validator(against)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ReportError(f"{where} is not a valid parametrize-conformance {kind}: at {path}: {error.message}")


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
        "causes": group_causes(entries, BAD_STATUSES),
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
