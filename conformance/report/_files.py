"""Report files: reading (validated) and writing (atomic, baselines never overwritten), the reports a directory holds,
and which baseline pairs with which report.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from parametrize_conformance.report._model import ReportError, validate, with_levels
from parametrize_conformance.report._usage import PROG, UsageError

SUBSET_SUFFIX = ".subset.json"


def report_file_name(spec: str) -> str:
    """The file name of an adapter's report in a report directory (and of its baseline)."""
    return re.sub(r"[^\w.-]+", "_", spec).strip("_") + ".json"


def subset_file_name(name: str) -> str:
    """The name of a --clauses run's report beside the full report `name` (NAME.json -> NAME.subset.json)."""
    return name.removesuffix(".json") + SUBSET_SUFFIX


def is_subset(report: dict[str, Any]) -> bool:
    """Whether `report` is of a --clauses run: one that selected some clauses only (run.clauses is a list)."""
    run = report.get("run")
    return isinstance(run, dict) and run.get("clauses") is not None


def selected(report: dict[str, Any]) -> list[str] | None:
    """The clause ids the report's run selected with --clauses; None for a run of every clause."""
    clauses: list[str] | None = report["run"].get("clauses")
    return clauses


def peek(path: Path) -> dict[str, Any] | None:
    """The JSON object at `path` if it looks like a report (it has "schema" and "clauses"), unvalidated; else None."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return data if isinstance(data, dict) and "schema" in data and "clauses" in data else None


def report_destination(path: str | os.PathLike[str], subset: bool, explicit: bool) -> Path:
    """Where a run writes the report meant for `path`: a --clauses (`subset`) run never writes over a full report.
    Beside one it writes NAME.subset.json, unless `explicit` (--report PATH), where it raises ReportError."""
    path = Path(path)
    existing = peek(path) if subset and path.is_file() else None
    # Note: a report without run.clauses (older than the field) counts as full, so it is never overwritten either;
    # a blessed baseline stays the destination, which check_writable then refuses (nothing lands beside it).
    if existing is None or is_subset(existing) or "baseline" in existing:
        return path
    if explicit:
        raise ReportError(f"--report {path} holds a full report; a --clauses run would overwrite it: give another path")
    return path.with_name(subset_file_name(path.name))


def pair_name(path: str | os.PathLike[str]) -> str:
    """The file name a report pairs under in a directory: NAME.json for NAME.subset.json holding a --clauses run
    (whose adapter's full report is NAME.json), else its own name."""
    path = Path(path)
    data = peek(path) if path.name.endswith(SUBSET_SUFFIX) else None
    return path.name.removesuffix(SUBSET_SUFFIX) + ".json" if data is not None and is_subset(data) else path.name


def destination_note(path: str | os.PathLike[str]) -> str:
    """' (a --clauses run: FULL holds a full report, left as it was)' for a subset file beside a full report; else ''."""
    path = Path(path)
    if not path.name.endswith(SUBSET_SUFFIX):
        return ""
    full = path.with_name(path.name.removesuffix(SUBSET_SUFFIX) + ".json")
    existing = peek(full) if full.is_file() else None
    if existing is None or is_subset(existing):
        return ""
    return f" (a --clauses run: {full} holds a full report, left as it was)"


def load_report(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The report at `path`, validated against the schema; raises ReportError saying what is wrong. A report older
    than the level fields gets them (see with_levels): each clause's level from the current clause table."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(
            f"{path}: no such report; write one with pytest --pyargs parametrize_conformance --adapter NAME --report {path}"
        ) from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path}: not JSON ({exc.msg} at line {exc.lineno}); is it a parametrize-conformance report?"
        ) from None
    validate(report, str(path))
    return with_levels(report)


def check_writable(path: str | os.PathLike[str], allow_baseline: bool = False) -> None:
    """Raise ReportError unless a report may be written at `path` without destroying something else."""
    path = Path(path)
    if path.is_dir():
        raise ReportError(f"{path} is a directory; give a file name such as {path / 'report.json'}")
    if not path.exists():
        return
    try:
        existing = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        existing = None
    if not isinstance(existing, dict) or "schema" not in existing or "clauses" not in existing:
        raise ReportError(
            f"{path} exists and is not a parametrize-conformance report; choose another path or move that file away"
        )
    if "baseline" in existing and not allow_baseline:
        raise ReportError(
            f"{path} is a blessed baseline and is never overwritten by a run; write the run elsewhere "
            f"(e.g. reports/out/) and bless it with python -m parametrize_conformance.report bless"
        )


def write_report(path: str | os.PathLike[str], report: dict[str, Any], allow_baseline: bool = False) -> Path:
    """Validate `report` and write it to `path` atomically (a reader sees the old file or the whole new one)."""
    path = Path(path)
    validate(report, f"the report for {path}")
    check_writable(path, allow_baseline)
    write_atomically(path, json.dumps(report, indent=1) + "\n")
    return path


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write `content` (text as UTF-8, or bytes) to `path` through a temporary file in the same directory and an
    atomic rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temporary, _mode_for(path))
        with os.fdopen(fd, "wb") as out:
            out.write(content.encode("utf-8") if isinstance(content, str) else content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _mode_for(path: Path) -> int:
    """The existing file's permissions, or those a new file gets under the process umask."""
    if path.exists():
        return path.stat().st_mode & 0o777
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


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


class Pairing(NamedTuple):
    """What a diff compares: (baseline, report) pairs, baselines with no report, reports with no baseline, and a line
    for each report left out because a newer one of its adapter is compared."""

    pairs: list[tuple[Path, Path]]
    missing: list[Path]
    unbaselined: list[Path]
    passed_over: list[str]


def pair(base: Path, new: Path) -> Pairing:
    """How the baselines `base` (a file or a directory) pair with the reports `new`."""
    if not base.exists():
        raise UsageError(f"{base}: no such baseline; bless a completed run's report with {PROG} bless REPORT --to {base}")
    if not new.exists():
        raise UsageError(
            f"{new}: no such report or directory; write it with pytest --pyargs parametrize_conformance "
            f"--adapter NAME --report PATH"
        )
    if not base.is_dir():
        return _pair_file(base, new)
    if not new.is_dir():
        raise UsageError(
            f"BASE {base} is a directory but NEW {new} is a file; give NEW as a directory of reports, "
            f"or BASE as the baseline file {base / new.name}"
        )
    return _pair_directories(base, new)


def _pair_file(base: Path, new: Path) -> Pairing:
    """The baseline file `base` with the report `new`, or with the newest report of its name in the directory `new`."""
    if not new.is_dir():
        return Pairing([(base, new)], [], [], []) if new.is_file() else Pairing([], [base], [], [])
    group = by_name(new).get(base.name)
    if not group:
        return Pairing([], [base], [], [])
    report = latest(group)
    return Pairing([(base, report)], [], [], _passed_over(group, report, base, new_side=True))


def _pair_directories(base: Path, new: Path) -> Pairing:
    """The baselines of the directory `base` with the reports of the directory `new`, by file name."""
    baselines, reports = by_name(base), by_name(new)
    if not baselines:
        raise UsageError(
            f"{base} holds no baselines (*.json reports); bless one with {PROG} bless REPORT --to {base / 'NAME.json'}"
        )
    # Note: where a directory holds an adapter's full run and a --clauses run, the diff compares the newer, the run
    # that was just made; the other is named, with the command that compares it.
    pairing = Pairing([], [], [p for n, g in reports.items() if n not in baselines for p in g], [])
    for name, group in baselines.items():
        baseline = latest(group)
        pairing.passed_over.extend(_passed_over(group, baseline, new, new_side=False))
        if name not in reports:
            pairing.missing.append(baseline)
            continue
        report = latest(reports[name])
        pairing.pairs.append((baseline, report))
        pairing.passed_over.extend(_passed_over(reports[name], report, baseline, new_side=True))
    return pairing


def _passed_over(group: Sequence[Path], chosen: Path, other: Path, new_side: bool) -> list[str]:
    """A line for each report of `group` that is not `chosen`: what it is, and how to compare it against `other`."""
    lines = []
    for path in (p for p in group if p != chosen):
        command = f"{PROG} diff {other} {path}" if new_side else f"{PROG} diff {path} {other}"
        lines.append(
            f"not compared: {path} ({kind(path)}), since {chosen} is the newer report of that adapter; "
            f"compare it by name: {command}"
        )
    return lines
