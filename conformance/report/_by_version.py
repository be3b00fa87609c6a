"""The clause × version matrix: reports of one adapter at several versions, one column per version, oldest first.

A clause whose status differs between versions is a change; the renderers mark its row and list it on its own.
The runs file (versions.json, written by `python -m parametrize_conformance.report versions`) says which versions ran and why
the others did not; the renderers show it when it is given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parametrize_conformance.report._schema import ReportError
from parametrize_conformance.report._styles import rows, status_of

RUNS_FILE = "versions.json"
RUNS_FORMAT = 1
# Note: torch's divergences carry the releases they hold for (Divergence.releases), so a clause an older release
# gets right reads "passed" there; an "unexpected-pass" is a declaration whose releases are wrong, and the change
# list says so in words.
_MEANING = {
    ("diverged", "unexpected-pass"): "the declared divergence does not reproduce in {new}",
    ("unexpected-pass", "diverged"): "the declared divergence appears in {new}",
    ("passed", "failed"): "conforms in {old}, fails in {new}",
    ("failed", "passed"): "fails in {old}, conforms in {new}",
}


@dataclass(frozen=True)
class Change:
    """A clause whose status is not the same in every version: its statuses, one per column."""

    clause: str
    statement: str
    statuses: tuple[str, ...]


def version_of(report: dict[str, Any]) -> str:
    """The implementation's version a report records: the adapter's, else the environment's torch ('' if neither)."""
    return report["adapter"]["version"] or report["environment"]["torch"] or ""


def version_key(version: str) -> tuple[tuple[int, ...], str]:
    """A sort key that orders release versions numerically: 2.4.1 < 2.13.0 < 2.13.0+cpu < 2.14.1."""
    public, _, local = version.partition("+")
    return tuple(int(n) for n in re.findall(r"\d+", public.split("a")[0].split("rc")[0])), local


def version_columns(reports: Sequence[dict[str, Any]], names: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """Copies of `reports` ordered by version, each adapter renamed '<adapter> <version>' so it labels its column.

    Raises ReportError when the reports cannot form a version matrix; `names` (file names) make the message precise.
    """
    names = list(names) if names is not None else [f"report {i + 1}" for i in range(len(reports))]
    if not reports:
        raise ReportError(
            "a matrix by version needs at least one report; run python -m parametrize_conformance.report versions"
        )
    _check_one_adapter(reports, names)
    seen: dict[str, str] = {}
    for report, name in zip(reports, names, strict=True):
        version = _checked_version(report, name, seen)
        seen[version] = name
    ordered = sorted(reports, key=lambda r: version_key(version_of(r)))
    return [_renamed(r) for r in ordered]


def _check_one_adapter(reports: Sequence[dict[str, Any]], names: Sequence[str]) -> None:
    adapters = dict.fromkeys(r["adapter"]["name"] for r in reports)
    if len(adapters) > 1:
        which = ", ".join(f"{r['adapter']['name']} ({n})" for r, n in zip(reports, names, strict=True))
        raise ReportError(
            f"a matrix by version takes reports of one adapter, got {which}; render several adapters "
            f"with --by adapter, or pass only one adapter's reports"
        )


def _checked_version(report: dict[str, Any], name: str, seen: dict[str, str]) -> str:
    version = version_of(report)
    if not version:
        raise ReportError(
            f"{name} records no version (adapter.version and environment.torch are empty), so it has "
            f"no column in a matrix by version; rerun that adapter to the end and render that report"
        )
    if version in seen:
        raise ReportError(
            f"{seen[version]} and {name} both report {report['adapter']['name']} {version}; a matrix "
            f"by version takes one report per version: move one of them out of the way"
        )
    return version


def _renamed(report: dict[str, Any]) -> dict[str, Any]:
    adapter = {**report["adapter"], "name": f"{report['adapter']['name']} {version_of(report)}"}
    return {**report, "adapter": adapter}


def changes(columns: Sequence[dict[str, Any]]) -> list[Change]:
    """The clauses whose status differs between the columns (absent counts as a status), in the matrix's order."""
    found = []
    for row in rows(columns):
        statuses = tuple(status_of(r, row.clause) for r in columns)
        if len(set(statuses)) > 1:
            found.append(Change(row.clause, row.statement, statuses))
    return found


def describe(change: Change, labels: Sequence[str]) -> str:
    """In words, each step where the status changes: 'torch 2.13.0 → torch 2.14.1: the declared divergence ...'."""
    steps = []
    pairs = list(zip(labels, change.statuses, strict=True))
    for (old, before), (new, after) in zip(pairs, pairs[1:], strict=False):
        if before != after:
            meaning = _MEANING.get((before, after), "{before} in {old}, {after} in {new}")
            steps.append(meaning.format(old=old, new=new, before=before, after=after))
    return "; ".join(steps)


def load_runs(path: Path) -> list[dict[str, Any]]:
    """The version entries of a runs file; raises ReportError saying what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ReportError(f"{path}: cannot read it ({exc.strerror})") from None
    except ValueError as exc:
        raise ReportError(
            f"{path}: not JSON ({exc}); rewrite it with python -m parametrize_conformance.report versions"
        ) from None
    entries = data.get("versions") if isinstance(data, dict) and data.get("format") == RUNS_FORMAT else None
    if not isinstance(entries, list) or not all(_is_entry(e) for e in entries):
        raise ReportError(
            f'{path} is not a versions file of format {RUNS_FORMAT} (a "versions" list of objects '
            f'with "version", "status" and "reason"); rewrite it with '
            f"python -m parametrize_conformance.report versions"
        )
    return entries


def _is_entry(entry: Any) -> bool:
    return isinstance(entry, dict) and all(isinstance(entry.get(k), str) for k in ("version", "status", "reason"))


def run_line(entry: dict[str, Any]) -> tuple[str, str, str]:
    """(version, status, detail) of one runs entry; the detail has the reason and the measured times and size."""
    figures = [
        f"{label} {entry[key]:.0f} s"
        for key, label in (("install_s", "install"), ("run_s", "run"))
        if isinstance(entry.get(key), (int, float))
    ]
    if isinstance(entry.get("env_mb"), (int, float)):
        figures.append(f"environment {entry['env_mb'] / 1024:.1f} GiB")
    detail = "; ".join([entry["reason"]] * bool(entry["reason"]) + figures)
    return entry["version"], entry["status"], detail
