"""The bless command: a completed run of every clause copied into the baseline that diff and gate compare with."""

from __future__ import annotations

import argparse
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from parametrize_conformance.report._files import check_writable, load_report, selected, write_report
from parametrize_conformance.report._gate import DEFAULT_BASELINES
from parametrize_conformance.report._model import BAD_STATUSES, STATUSES
from parametrize_conformance.report._usage import PROG, UsageError


def bless_from_args(args: argparse.Namespace) -> int:
    """Write the report as a blessed baseline; print what was done and the report's counts."""
    source = Path(args.report)
    report = load_report(source)
    _check_completed(source, report)
    _check_full(source, report)
    target = Path(args.to) if args.to else DEFAULT_BASELINES / source.name
    check_writable(target, allow_baseline=True)
    replaced = _baseline_of(target)
    blessed = {
        "schema": report["schema"],
        "baseline": {"blessed_at": _now(), "source": str(source)},
        **{k: v for k, v in report.items() if k not in ("schema", "baseline")},
    }
    try:
        write_report(target, blessed, allow_baseline=True)
    except OSError as exc:
        raise UsageError(f"cannot write {target} ({exc.strerror or exc}); choose a writable --to path") from None
    for line in _bless_lines(source, target, blessed, replaced):
        print(line)
    return 0


def _check_completed(source: Path, report: dict[str, Any]) -> None:
    """Raise UsageError unless the report's run completed."""
    run = report["run"]
    if run["exit"] != "completed":
        said = f": {run['message']}" if run["message"] else ""
        raise UsageError(
            f"{source}: the run did not complete (run.exit is {run['exit']!r}{said}), so its statuses "
            f"are no baseline; rerun it to the end (pytest --pyargs parametrize_conformance --adapter "
            f"{report['adapter']['spec']} --report {source}) and bless that report"
        )


def _check_full(source: Path, report: dict[str, Any]) -> None:
    """Raise UsageError if the report is of a --clauses run, whose unselected clauses are untested."""
    chosen = selected(report)
    if chosen is not None:
        raise UsageError(
            f"{source} is a --clauses run ({len(chosen)} of {len(report['clauses'])} clauses selected), "
            f"so the other clauses are untested and it is no baseline; run every clause (pytest --pyargs "
            f"conformance --adapter {report['adapter']['spec']} --report PATH, no --clauses) and bless "
            f"that report"
        )


def _baseline_of(path: Path) -> dict[str, Any] | None:
    """The baseline field of the report at `path`, if it is a blessed baseline."""
    if not path.is_file():
        return None
    try:
        baseline: dict[str, Any] | None = json.loads(path.read_text(encoding="utf-8")).get("baseline")
    except (OSError, ValueError, AttributeError):
        return None
    return baseline


def _bless_lines(source: Path, target: Path, report: dict[str, Any], replaced: dict[str, Any] | None) -> list[str]:
    """What bless tells the user: the new baseline, its counts, what it replaced, how to gate against it."""
    adapter, suite = report["adapter"], report["suite"]
    version = f" {adapter['version']}" if adapter["version"] else ""
    commit = f" {suite['commit'][:7]}" if suite["commit"] else ""
    lines = [
        f"blessed {source} as baseline {target} (adapter {adapter['name']}{version}, suite {suite['version']}{commit})",
        _counts(report["summary"]),
    ]
    if replaced:
        lines.append(f"replaced the baseline blessed at {replaced['blessed_at']} from {replaced['source']}")
    bad = sum(report["summary"][s] for s in BAD_STATUSES)
    if bad:
        lines.append(
            f"note: this baseline accepts {bad} failing clause{'s' * (bad != 1)}; diff flags only "
            f"clauses that get worse than it"
        )
    lines.append(f"gate a run against it with: {PROG} diff {target} NEW_REPORT")
    return lines


def _counts(summary: dict[str, int]) -> str:
    """'79 clauses: 63 passed, 16 diverged' (statuses with no clause left out)."""
    counts = ", ".join(f"{summary[s]} {s}" for s in STATUSES if summary[s])
    return f"{summary['total']} clauses: {counts or 'none'}"


def _now() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
