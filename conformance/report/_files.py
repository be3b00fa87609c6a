"""Reading and writing report files: validated on the way in, atomic on the way out, baselines never overwritten."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from parametrize_conformance.report._model import with_levels
from parametrize_conformance.report._schema import ReportError, validate

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
