"""Reading and writing report files: validated on the way in, atomic on the way out, baselines never overwritten."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from conformance.report._schema import ReportError, validate


def report_file_name(spec: str) -> str:
    """The file name of an adapter's report in a report directory (and of its baseline)."""
    return re.sub(r"[^\w.-]+", "_", spec).strip("_") + ".json"


def load_report(path: str | os.PathLike) -> dict[str, Any]:
    """The report at `path`, validated against the schema; raises ReportError saying what is wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such report; write one with pytest --pyargs conformance --adapter NAME "
                          f"--report {path}") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read it ({exc.strerror})") from None
    try:
        report = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}: not JSON ({exc.msg} at line {exc.lineno}); is it a parametrize-conformance "
                          f"report?") from None
    validate(report, str(path))
    return report


def check_writable(path: str | os.PathLike, allow_baseline: bool = False) -> None:
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
        raise ReportError(f"{path} exists and is not a parametrize-conformance report; choose another path "
                          f"or move that file away")
    if "baseline" in existing and not allow_baseline:
        raise ReportError(f"{path} is a blessed baseline and is never overwritten by a run; write the run elsewhere "
                          f"(e.g. reports/out/) and bless it with python -m conformance.report bless")


def write_report(path: str | os.PathLike, report: dict[str, Any], allow_baseline: bool = False) -> Path:
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
