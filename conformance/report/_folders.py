"""The reports a directory holds: its *.json reports, grouped by the file name they pair under, and which of an
adapter's reports a command takes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from parametrize_conformance.report._files import is_subset, load_report, pair_name, peek

Loaded = list[tuple[Path, dict[str, Any]]]


def reports_in(directory: Path) -> list[Path]:
    """The reports of `directory`: its *.json files holding a JSON object with a "schema" field, sorted by name."""
    return [p for p in sorted(directory.glob("*.json")) if p.is_file() and looks_like_report(p)]


def looks_like_report(path: Path) -> bool:
    """Whether `path` holds a JSON object with a "schema" field."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "schema" in data


def by_name(directory: Path) -> dict[str, list[Path]]:
    """The reports of `directory` grouped by the file name they pair under: a --clauses run's NAME.subset.json
    goes with NAME.json."""
    groups: dict[str, list[Path]] = {}
    for path in reports_in(directory):
        groups.setdefault(pair_name(path), []).append(path)
    return groups


def _finished(path: Path) -> float:
    """When the report's run finished (POSIX seconds; 0 when it does not say)."""
    run = (peek(path) or {}).get("run")
    if not isinstance(run, dict):
        return 0.0
    try:
        return datetime.fromisoformat(run["finished"]).timestamp()
    except (TypeError, KeyError, ValueError):
        return 0.0


def _is_subset_file(path: Path) -> bool:
    return is_subset(peek(path) or {})


def latest(paths: Sequence[Path]) -> Path:
    """The report of the run that finished last; a full run's on a tie."""
    return max(paths, key=lambda p: (_finished(p), not _is_subset_file(p)))


def for_matrix(paths: Sequence[Path]) -> Path:
    """The one report of an adapter a directory's matrix shows: the latest full run, else the latest --clauses run."""
    full = [p for p in paths if not _is_subset_file(p)]
    return latest(full or paths)


def kind(path: Path) -> str:
    """'a --clauses run' or 'a full run', for messages about a report file."""
    return "a --clauses run" if _is_subset_file(path) else "a full run"


def load_all(paths: Iterable[Path]) -> Loaded:
    """Each path with its validated report; raises ReportError on the first unreadable or invalid one."""
    return [(path, load_report(path)) for path in paths]
