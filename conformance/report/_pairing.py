"""Which baseline a diff compares with which report: files as given, directories paired by file name (a --clauses
run's NAME.subset.json as NAME.json), the newer of two reports of one adapter."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

from parametrize_conformance.report._folders import by_name, kind, latest
from parametrize_conformance.report._usage import PROG, UsageError


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
