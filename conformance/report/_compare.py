"""Comparing reports: the diff of two reports clause by clause, the gate (the suite run on every baselined adapter, then
diffed against its baseline), and bless (a completed run copied into the baseline).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from parametrize_conformance.report._changelog import triage_line
from parametrize_conformance.report._files import (
    check_writable,
    is_subset,
    load_all,
    load_report,
    pair,
    pair_name,
    report_file_name,
    reports_in,
    selected,
    write_report,
)
from parametrize_conformance.report._model import BAD_STATUSES, DEFAULT_LEVEL, STATUSES, ReportError, level_of, rank
from parametrize_conformance.report._usage import PROG, UsageError

KINDS: tuple[str, ...] = ("unchanged", "fixed", "regressed", "added", "removed")
_DETAIL_WIDTH = 100


@dataclass(frozen=True)
class ClauseChange:
    """One clause of a diff: its statuses in the base and the new report (None where absent), its class, its level
    (the new report's, else the base's), and for a changed clause the line that explains the change (as the matrix's
    changes by version give it). A regression is one at either level: the level is shown, not gated."""

    clause: str
    kind: str
    base: str | None
    new: str | None
    statement: str
    detail: str | None
    level: str = DEFAULT_LEVEL
    line: str = ""

    @property
    def tag(self) -> str:
        """' [recommended]' for a clause below the required level; '' for a required one."""
        return "" if self.level == DEFAULT_LEVEL else f" [{self.level}]"


@dataclass(frozen=True)
class Diff:
    """Every clause of two reports, classified; `notes` say what the comparison could not gate."""

    base_adapter: str
    new_adapter: str
    changes: tuple[ClauseChange, ...]
    notes: tuple[str, ...] = ()

    def of(self, kind: str) -> tuple[ClauseChange, ...]:
        """The clauses of class `kind`."""
        return tuple(c for c in self.changes if c.kind == kind)

    @property
    def regressed(self) -> tuple[ClauseChange, ...]:
        """The clauses whose status got worse: the ones that fail a gate."""
        return self.of("regressed")

    def counts(self) -> dict[str, int]:
        """How many clauses fall in each class, in the order of KINDS."""
        return {kind: len(self.of(kind)) for kind in KINDS}


def classify(base: str | None, new: str | None) -> str:
    """The class of a clause whose status moved from `base` to `new` (None: not in that report)."""
    if base is None:
        return "added"
    if new is None:
        return "removed"
    if base == new:
        return "unchanged"
    return "regressed" if rank(new) > rank(base) else "fixed"


def diff_reports(base: dict[str, Any], new: dict[str, Any]) -> Diff:
    """Classify every clause of either report, in the new report's order then the removed ones; where a report is of
    a --clauses run, only the clauses it selected (both selected, where both are)."""
    base_clauses, new_clauses = base["clauses"], new["clauses"]
    ids = list(new_clauses) + [c for c in base_clauses if c not in new_clauses]
    chosen = _selection(base, new)
    if chosen is not None:
        # Note: a clause a --clauses run did not select is untested there by choice, never a regression.
        ids = [c for c in ids if c in chosen]
    changes = tuple(_change(c, base_clauses.get(c), new_clauses.get(c)) for c in ids)
    return Diff(base["adapter"]["name"], new["adapter"]["name"], changes, _notes(base, new))


def _selection(base: dict[str, Any], new: dict[str, Any]) -> set[str] | None:
    """The clause ids both runs selected (None: both ran every clause)."""
    sets = [set(r["run"]["clauses"]) for r in (base, new) if r["run"].get("clauses") is not None]
    return set.intersection(*sets) if sets else None


def _change(clause_id: str, base: dict[str, Any] | None, new: dict[str, Any] | None) -> ClauseChange:
    base_status = base["status"] if base else None
    new_status = new["status"] if new else None
    statement = (new or base or {}).get("statement", "")
    detail = (new.get("message") or new.get("reason")) if new else None
    return ClauseChange(
        clause_id,
        classify(base_status, new_status),
        base_status,
        new_status,
        statement,
        detail,
        level_of(clause_id, new or base),
        triage_line(base, new) if base_status != new_status else "",
    )


def _notes(base: dict[str, Any], new: dict[str, Any]) -> tuple[str, ...]:
    notes = []
    if base["adapter"]["name"] != new["adapter"]["name"]:
        notes.append(f"comparing adapter {new['adapter']['name']} against a baseline of {base['adapter']['name']}")
    notes += _selection_notes(base, new)
    base_ids, new_ids = set(base["clauses"]), set(new["clauses"])
    if _suite_label(base) != _suite_label(new) or base_ids != new_ids:
        what = "suite versions differ" if _suite_label(base) != _suite_label(new) else "clause sets differ"
        both = "" if _selection(base, new) is not None else f"compared the {len(base_ids & new_ids)} clauses both have; "
        notes.append(
            f"{what} (base {_suite_label(base)}, new {_suite_label(new)}): {both}"
            f"{len(new_ids - base_ids)} added and {len(base_ids - new_ids)} removed are not gated"
        )
    return tuple(notes)


def _selection_notes(base: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What a --clauses run on either side leaves out of the comparison."""
    chosen = _selection(base, new)
    if chosen is None:
        return []
    whose = {(False, True): "this run", (True, False): "the baseline's run", (True, True): "both runs"}[
        (base["run"].get("clauses") is not None, new["run"].get("clauses") is not None)
    ]
    count = len(chosen)
    others = len((set(base["clauses"]) | set(new["clauses"])) - chosen)
    return [
        f"compared the {count} clause{'s' * (count != 1)} {whose} selected (--clauses); {others} other "
        f"clause{'s are' if others != 1 else ' is'} not compared"
    ]


def _suite_label(report: dict[str, Any]) -> str:
    """`version commit` of a report's suite, the commit shortened (or "no commit")."""
    commit = report["suite"]["commit"]
    return f"{report['suite']['version']} {commit[:7] if commit else 'no commit'}"


def format_table(diff: Diff) -> list[str]:
    """The notes, one line per changed clause (CLASS  ID [level]  base -> new  message/reason, or for a clause now
    passed or removed what it was; the level tag only for a recommended clause), then the count line."""
    changed = [c for c in diff.changes if c.kind != "unchanged"]
    lines = [f"note: {note}" for note in diff.notes]
    id_width = max((len(c.clause + c.tag) for c in changed), default=0)
    move_width = max((len(_move(c)) for c in changed), default=0)
    for change in changed:
        row = (
            f"{change.kind:<9}  {change.clause + change.tag:<{id_width}}  {_move(change):<{move_width}}  "
            f"{_short(change.detail or change.line)}"
        )
        lines.append(row.rstrip())
    lines.append(", ".join(f"{kind} {count}" for kind, count in diff.counts().items()))
    return lines


def _move(change: ClauseChange) -> str:
    return f"{change.base or '-'} -> {change.new or '-'}"


def _short(detail: str | None) -> str:
    """`detail` on one line, cut to a terminal-friendly width."""
    text = " ".join((detail or "").split())
    return text if len(text) <= _DETAIL_WIDTH else text[: _DETAIL_WIDTH - 3] + "..."


# The diff command (gate ends with it too)


def diff_from_args(args: argparse.Namespace) -> int:
    """Print the diff of each baseline and its report; 1 when a clause regressed or a baseline lacks its report."""
    return compare(Path(args.base), Path(args.new), "diff")


def compare(base: Path, new: Path, verb: str) -> int:
    """Diff `new` against the baselines `base`, the verdict worded for the command `verb` (diff or gate)."""
    pairing = pair(base, new)
    compared = [(b, n, diff_reports(load_report(b), load_report(n))) for b, n in pairing.pairs]
    load_all(pairing.unbaselined)
    for base_path, new_path, diff in compared:
        _print_diff(base_path, new_path, diff)
    for line in pairing.passed_over:
        print(line)
    for base_path in pairing.missing:
        print(f"no report for baseline {base_path} in {new}: run that adapter and write its report there")
    for new_path in pairing.unbaselined:
        print(
            f"not gated (no baseline): {new_path}; bless it with {PROG} bless {new_path} --to {base / pair_name(new_path)}"
        )
    regressed = [(n, diff, c) for _, n, diff in compared for c in diff.regressed]
    if regressed:
        print("Regressed clauses:")
        for _, diff, change in regressed:
            print(f"  {change.clause}{change.tag} [{diff.new_adapter}] {change.base} -> {change.new}: {change.statement}")
    print(_verdict(verb, len(regressed), len(compared), len(pairing.missing)))
    return 1 if regressed or pairing.missing else 0


def _print_diff(base_path: Path, new_path: Path, diff: Diff) -> None:
    """The header and table of one diff."""
    print(f"{diff.new_adapter}: {base_path} -> {new_path}")
    for line in format_table(diff):
        print(f"  {line}")


def _verdict(verb: str, regressed: int, compared: int, missing: int) -> str:
    """The last line of a diff, worded for the command `verb` (diff or gate): whether it passed, and why not."""
    problems = []
    if regressed:
        problems.append(f"{regressed} clause{'s' * (regressed != 1)} regressed")
    if missing:
        problems.append(f"{missing} baseline{'s' * (missing != 1)} without a report")
    reports = f"{compared} report{'s' * (compared != 1)} compared"
    if problems:
        return f"{verb} failed: {', '.join(problems)} ({reports})"
    return f"{verb} passed: nothing regressed ({reports})"


DEFAULT_BASELINES = Path("reports", "baseline")
DEFAULT_OUT = Path("reports", "out")


def gate_from_args(args: argparse.Namespace) -> int:
    """Run the suite for every baseline, then diff; the suite's status when it did not run to the end."""
    base, out = Path(args.baseline), Path(args.out)
    if not base.is_dir() or not reports_in(base):
        raise UsageError(f"{base} holds no baselines; bless a completed run's report with {PROG} bless REPORT")
    if out.resolve() == base.resolve():
        raise UsageError(f"--out {out} is the baseline directory; write the gate's run elsewhere (default {DEFAULT_OUT})")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    command = gate_command(load_baselines(reports_in(base)), out, args.jobs, args.pytest_arguments)
    status = run_suite_for_gate(command)
    if status not in (0, 1):
        print(f"gate failed: the suite run ended with status {status} before the diff", file=sys.stderr)
        return status
    return compare(base, out, "gate")


def gate_command(baselines: dict[Path, dict[str, Any]], out: Path, jobs: int, pytest_arguments: Sequence[str]) -> list[str]:
    """The pytest command that re-runs the baselines' adapters into `out`."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--pyargs",
        "parametrize_conformance",
        "-p",
        "no:cacheprovider",
        "--isolate",
        "--report-dir",
        str(out),
        "--jobs",
        str(jobs),
    ]
    for path, report in baselines.items():
        spec = report["adapter"]["spec"]
        if report_file_name(spec) != path.name:
            raise ReportError(
                f"{path} is the baseline of adapter {spec!r}, whose reports are named "
                f"{report_file_name(spec)}; rename the baseline to that name"
            )
        command += ["--adapter", spec]
    profiles = {report["run"]["hypothesis_profile"] for report in baselines.values()} - {None}
    if len(profiles) == 1:
        command += ["--hypothesis-profile", profiles.pop()]
    return command + list(pytest_arguments)


def load_baselines(paths: Sequence[Path]) -> dict[Path, dict[str, Any]]:
    """Each baseline file with its report; raises ReportError for a report that is not blessed."""
    baselines = {path: load_report(path) for path in paths}
    for path, report in baselines.items():
        if "baseline" not in report:
            raise ReportError(
                f"{path} is a report, not a blessed baseline; bless it with python -m "
                f"parametrize_conformance.report bless {path}"
            )
        if is_subset(report):
            raise ReportError(
                f"{path} is the baseline of a --clauses run, whose other clauses are untested; bless a "
                f"run of every clause in its place"
            )
    return baselines


def run_suite_for_gate(command: list[str]) -> int:
    """Run the suite; its exit status (0 or 1 when it ran to the end)."""
    print("gate: " + " ".join(command[1:]), flush=True)
    return subprocess.run(command).returncode


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
