"""Comparing two reports clause by clause (what was fixed, what regressed, what the suites do not share), and the diff
command, which compares reports with their baselines."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parametrize_conformance.report._files import load_report, pair_name
from parametrize_conformance.report._folders import load_all
from parametrize_conformance.report._model import DEFAULT_LEVEL, level_of, rank
from parametrize_conformance.report._pairing import pair
from parametrize_conformance.report._usage import PROG

KINDS: tuple[str, ...] = ("unchanged", "fixed", "regressed", "added", "removed")
_DETAIL_WIDTH = 100


@dataclass(frozen=True)
class ClauseChange:
    """One clause of a diff: its statuses in the base and the new report (None where absent), its class, and its
    level (the new report's, else the base's). A regression is one at either level: the level is shown, not gated."""

    clause: str
    kind: str
    base: str | None
    new: str | None
    statement: str
    detail: str | None
    level: str = DEFAULT_LEVEL

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
    """The notes, one line per changed clause (CLASS  ID [level]  base -> new  message/reason; the level tag only
    for a recommended clause), then the count line."""
    changed = [c for c in diff.changes if c.kind != "unchanged"]
    lines = [f"note: {note}" for note in diff.notes]
    id_width = max((len(c.clause + c.tag) for c in changed), default=0)
    move_width = max((len(_move(c)) for c in changed), default=0)
    for change in changed:
        row = (
            f"{change.kind:<9}  {change.clause + change.tag:<{id_width}}  {_move(change):<{move_width}}  "
            f"{_short(change.detail)}"
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
