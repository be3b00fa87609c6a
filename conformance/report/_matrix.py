"""What the matrix renderers share: each status's symbol and colour, the rows, columns and notes, and the clause ×
version columns (one adapter at several versions, oldest first) with their changes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parametrize_conformance.report._model import BAD_STATUSES, DEFAULT_LEVEL, STATUSES, ReportError, level_of

# Plain-text symbols (no emoji), so a matrix reads the same in a terminal, in Markdown and in a browser.
STATUS_SYMBOL: dict[str, str] = {
    "passed": "✓",
    "unexpected-pass": "!",
    "diverged": "~",
    "untested": "?",
    "failed": "✗",
    "aborted": "⊘",
    "timeout": "◷",
    "crashed": "☠",
}
# Cell backgrounds of the HTML matrix, one distinct colour per status.
STATUS_COLOUR: dict[str, str] = {
    "passed": "#1f8a3e",
    "unexpected-pass": "#8ecdf2",
    "diverged": "#f0a830",
    "untested": "#c2c7ce",
    "failed": "#d93636",
    "aborted": "#9e1b32",
    "timeout": "#6f3fa0",
    "crashed": "#3e1538",
}
ABSENT = "absent"
ABSENT_SYMBOL = "—"
ABSENT_MEANING = "absent (the clause is not in that report's suite)"


@dataclass(frozen=True)
class Row:
    """One clause of the matrix: its id, area, statement, level and its basis (from the first report holding it)."""

    clause: str
    area: str
    statement: str
    level: str = DEFAULT_LEVEL
    basis: str = ""


@dataclass(frozen=True)
class Note:
    """One non-passed cell: the adapter's column label, the clause and the report's entry for it."""

    label: str
    clause: str
    entry: dict[str, Any]

    @property
    def status(self) -> str:
        status: str = self.entry["status"]
        return status

    @property
    def detail(self) -> str:
        """On one line: a failure's message, a divergence's declared reason, or why there is neither."""
        entry = self.entry
        first, second = ("message", "reason") if self.status in BAD_STATUSES else ("reason", "message")
        text = one_line(entry.get(first) or entry.get(second) or "")
        if self.status == "unexpected-pass":
            return f"passed although declared as a divergence: {text or 'no reason given'}"
        if self.status == "untested":
            return text or "no test of this clause ran"
        return text or "no reason or message recorded"

    @property
    def reproducer(self) -> str | None:
        return self.entry.get("reproducer") or None


def level_tag(clause_id: str, entry: dict[str, Any] | None = None) -> str:
    """' [recommended]' after the id of a clause below the required level; '' for a required clause."""
    level = level_of(clause_id, entry)
    return "" if level == DEFAULT_LEVEL else f" [{level}]"


def symbol(status: str) -> str:
    """The symbol of `status`, or of an absent clause."""
    return ABSENT_SYMBOL if status == ABSENT else STATUS_SYMBOL[status]


def legend() -> list[tuple[str, str]]:
    """(status, meaning) from best to worst, then the absent cell."""
    return [(s, s) for s in STATUSES] + [(ABSENT, ABSENT_MEANING)]


def one_line(text: str) -> str:
    """`text` with every run of whitespace, newlines included, made one space."""
    return " ".join(text.split())


def short(text: str, width: int = 110) -> str:
    """`text` on one line, cut to `width` characters with an ellipsis."""
    text = one_line(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def rows(reports: Sequence[dict[str, Any]]) -> list[Row]:
    """Every clause of any report, grouped by area (areas in order of first appearance, clauses likewise)."""
    seen: dict[str, Row] = {}
    for report in reports:
        for clause_id, entry in report["clauses"].items():
            seen.setdefault(
                clause_id,
                Row(clause_id, entry["area"], entry["statement"], level_of(clause_id, entry), entry.get("basis") or ""),
            )
    return [row for group in areas(list(seen.values())).values() for row in group]


def areas(matrix_rows: Sequence[Row]) -> dict[str, list[Row]]:
    """The rows of each area, areas in the rows' order."""
    grouped: dict[str, list[Row]] = {}
    for row in matrix_rows:
        grouped.setdefault(row.area, []).append(row)
    return grouped


def labels(reports: Sequence[dict[str, Any]]) -> list[str]:
    """One column label per report: the adapter's name, numbered where several reports share it."""
    names = [r["adapter"]["name"] for r in reports]
    return [f"{n} #{names[:i].count(n) + 1}" if names.count(n) > 1 else n for i, n in enumerate(names)]


def columns(reports: Sequence[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """(column label, report) for each report, in order."""
    return list(zip(labels(reports), reports, strict=True))


def status_of(report: dict[str, Any], clause_id: str) -> str:
    """The clause's status in `report`, or ABSENT."""
    entry = report["clauses"].get(clause_id)
    return entry["status"] if entry else ABSENT


def notes(reports: Sequence[dict[str, Any]], matrix_rows: Sequence[Row]) -> list[Note]:
    """Every cell that is present and not passed, by adapter then in the rows' order."""
    return [
        Note(label, row.clause, report["clauses"][row.clause])
        for label, report in columns(reports)
        for row in matrix_rows
        if status_of(report, row.clause) not in ("passed", ABSENT)
    ]


HEADER_COLUMNS: tuple[str, ...] = ("adapter", "version", "device", "torch", "suite", "hypothesis profile", "run")


def header_fields(report: dict[str, Any]) -> list[str]:
    """The values of HEADER_COLUMNS after the adapter's label: where and how the report's run went."""
    return [
        report["adapter"]["version"] or "-",
        _device(report),
        report["environment"]["torch"] or "-",
        f"{_suite(report)}, {report['summary']['total']} clauses",
        _profile(report),
        _run(report),
    ]


def _suite(report: dict[str, Any]) -> str:
    """`version @ short commit` of the report's suite."""
    commit = report["suite"]["commit"]
    return f"{report['suite']['version']} @ {commit[:7]}" if commit else f"{report['suite']['version']} (no commit)"


def _device(report: dict[str, Any]) -> str:
    """The adapter's device, with the GPU's name when there is one."""
    gpu = report["environment"]["device"].get("gpu")
    return f"{report['adapter']['device']} ({gpu})" if gpu else report["adapter"]["device"]


def _profile(report: dict[str, Any]) -> str:
    """The Hypothesis profile, with the seed when one was given."""
    run = report["run"]
    profile = run["hypothesis_profile"] or "default"
    return profile if run["hypothesis_seed"] is None else f"{profile}, seed {run['hypothesis_seed']}"


def _run(report: dict[str, Any]) -> str:
    """How the run ended and how long it took."""
    run = report["run"]
    text = f"{run['exit']} in {run['duration_s']:.1f} s"
    return text + (f", {run['restarts']} restarts" if run["restarts"] else "")


def counts(report: dict[str, Any]) -> list[tuple[str, int]]:
    """(status, count) for every status the report has, best first."""
    return [(s, report["summary"][s]) for s in STATUSES if report["summary"][s]]


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
