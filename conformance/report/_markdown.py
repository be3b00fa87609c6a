"""Reports as a Markdown clause × adapter matrix: the adapters, a legend, one table per area, and notes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from parametrize_conformance.report._causes_view import causes_markdown
from parametrize_conformance.report._changelog import Release, changelog
from parametrize_conformance.report._matrix import (
    ABSENT,
    HEADER_COLUMNS,
    Change,
    Note,
    Row,
    areas,
    changes,
    columns,
    counts,
    header_fields,
    labels,
    legend,
    level_tag,
    notes,
    one_line,
    rows,
    run_line,
    short,
    status_of,
    symbol,
    version_columns,
)

# Characters that Markdown would read as table separators, HTML, code or emphasis inside a line of text.
_ESCAPES = str.maketrans({"\\": "\\\\", "|": "\\|", "<": "\\<", "`": "\\`", "*": "\\*"})


def render_markdown(
    reports: list[dict[str, Any]], *, by_version: bool = False, runs: Sequence[dict[str, Any]] | None = None
) -> str:
    """The clause × adapter matrix of `reports` as Markdown, one column per report.

    With `by_version`, the reports are one adapter's at several versions: a column per version, oldest first, the
    clauses whose status changes marked Δ and listed first; `runs` (a versions file's entries) adds which versions
    ran and why the others did not.
    """
    if by_version:
        reports = version_columns(reports)
    matrix_rows = rows(reports)
    changed = changes(reports) if by_version else None
    releases = changelog(reports) if by_version else None
    what = f"{reports[0]['adapter']['spec']} at {len(reports)} version(s)" if by_version else f"{len(reports)} adapter(s)"
    parts = [
        f"# Conformance matrix: {what}, {len(matrix_rows)} clauses",
        _header_table(reports),
        _legend(),
        _runs_section(runs) if runs is not None else "",
        _changes_section(releases) if releases is not None else "",
        causes_markdown(reports),
        "## Clauses",
        *(_area_section(area, area_rows, reports, changed) for area, area_rows in areas(matrix_rows).items()),
        _notes_section(notes(reports, matrix_rows)) if reports else "",
    ]
    return "\n\n".join(p for p in parts if p) + "\n"


def escape(text: str) -> str:
    """`text` on one line, safe inside a Markdown table cell or list item."""
    return one_line(text).translate(_ESCAPES)


def _table(head: Sequence[str], body: Sequence[Sequence[str]]) -> str:
    """A Markdown table; the cells are escaped here."""
    lines = [_table_row(head), "|" + "---|" * len(head)]
    return "\n".join(lines + [_table_row(cells) for cells in body])


def _table_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(escape(c) or " " for c in cells) + " |"


def _header_table(reports: Sequence[dict[str, Any]]) -> str:
    """One row per adapter: where and how it ran, and its status counts."""
    if not reports:
        return "No reports."
    body = [[label, *header_fields(r), _summary(r)] for label, r in columns(reports)]
    return _table([*HEADER_COLUMNS, "summary"], body)


def _summary(report: dict[str, Any]) -> str:
    parts = [f"{symbol(s)} {n} {s}" for s, n in counts(report)]
    return ", ".join(parts) or "no clauses"


def _legend() -> str:
    return "**Legend:** " + " · ".join(f"{symbol(s)} {escape(meaning)}" for s, meaning in legend())


def _cell(report: dict[str, Any], clause_id: str) -> str:
    return _status_cell(status_of(report, clause_id))


def _area_section(
    area: str, area_rows: Sequence[Row], reports: Sequence[dict[str, Any]], changed: Sequence[Change] | None = None
) -> str:
    """The `###` heading of one area and its table: clause id (tagged [recommended] for a recommended clause), short
    statement, one cell per adapter (and, by version, a last column marking Δ the clauses whose status changes)."""
    head = ["clause", "statement", *labels(reports), *(["changes"] if changed is not None else [])]
    marked = {c.clause for c in changed or ()}
    body = [
        [
            row.clause + level_tag(row.clause, {"level": row.level}),
            short(row.statement),
            *(_cell(r, row.clause) for r in reports),
            *(["Δ" if row.clause in marked else ""] if changed is not None else []),
        ]
        for row in area_rows
    ]
    return f"### {escape(area)} ({len(area_rows)} clauses)\n\n{_table(head, body)}"


def _runs_section(runs: Sequence[dict[str, Any]]) -> str:
    """Which versions ran, and why each of the others did not."""
    body = [list(run_line(entry)) for entry in runs]
    return "## Versions\n\n" + (_table(["version", "status", "detail"], body) if body else "No versions recorded.")


def _changes_section(releases: Sequence[Release]) -> str:
    """For each version, the clauses whose status differs from the version before, each with its explaining line."""
    moved = [r for r in releases if r.steps]
    if not moved:
        return "## Changes by version\n\nEvery clause has the same status in every version."
    total = sum(len(r.steps) for r in releases)
    quiet = ", ".join(r.label for r in releases if not r.steps)
    parts = [
        f"## Changes by version\n\nEach version against the one before it: {total} change(s) in {len(moved)} of "
        f"{len(releases)} version(s) (the clauses marked Δ below). An unexpected-pass marks a declared divergence "
        "whose releases are wrong." + (f" No change in {escape(quiet)}." if quiet else ""),
        *(_release(r) for r in moved),
    ]
    return "\n\n".join(parts)


def _release(release: Release) -> str:
    """`### label (N since previous)`, then one line per clause: its move and why."""
    lines = [
        f"- {s.clause}: {_status_cell(s.before)} → {_status_cell(s.after)}" + (f": {escape(s.line)}" if s.line else "")
        for s in release.steps
    ]
    head = f"### {escape(release.label)} ({len(release.steps)} since {escape(release.previous)})"
    return head + "\n\n" + "\n".join(lines)


def _status_cell(status: str) -> str:
    return symbol(status) if status == ABSENT else f"{symbol(status)} {status}"


def _notes_section(cell_notes: Sequence[Note]) -> str:
    """Every non-passed cell with its reason or message, and a failure's reproducer in a fenced block."""
    if not cell_notes:
        return "## Notes\n\nEvery clause of every adapter passed."
    return "## Notes\n\n" + "\n".join(_note(n) for n in cell_notes)


def _note(note: Note) -> str:
    line = (
        f"- {escape(note.label)} / {note.clause}{level_tag(note.clause, note.entry)} ({note.status}): {escape(note.detail)}"
    )
    return line + ("\n\n" + _fenced(note.reproducer) + "\n" if note.reproducer else "")


def _fenced(text: str, indent: str = "  ") -> str:
    """`text` in a fenced code block, indented into a list item; the fence outgrows any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    lines = [f"{fence}text", *text.rstrip("\n").splitlines(), fence]
    return "\n".join(indent + line if line else "" for line in lines)
