"""Reports as a Markdown clause × adapter matrix: the adapters, a legend, one table per area, and notes."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from conformance.report._styles import (
    ABSENT,
    HEADER_COLUMNS,
    Note,
    Row,
    areas,
    columns,
    counts,
    header_fields,
    labels,
    legend,
    notes,
    one_line,
    rows,
    short,
    status_of,
    symbol,
)

# Characters that Markdown would read as table separators, HTML, code or emphasis inside a line of text.
_ESCAPES = str.maketrans({"\\": "\\\\", "|": "\\|", "<": "\\<", "`": "\\`", "*": "\\*"})


def render_markdown(reports: list[dict[str, Any]]) -> str:
    """The clause × adapter matrix of `reports` as Markdown, one column per report."""
    matrix_rows = rows(reports)
    parts = [
        f"# Conformance matrix: {len(reports)} adapter(s), {len(matrix_rows)} clauses",
        _header_table(reports), _legend(), "## Clauses",
        *(_area_section(area, area_rows, reports) for area, area_rows in areas(matrix_rows).items()),
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
    status = status_of(report, clause_id)
    return symbol(status) if status == ABSENT else f"{symbol(status)} {status}"


def _area_section(area: str, area_rows: Sequence[Row], reports: Sequence[dict[str, Any]]) -> str:
    """The `###` heading of one area and its table: clause id, short statement, one cell per adapter."""
    head = ["clause", "statement", *labels(reports)]
    body = [[row.clause, short(row.statement), *(_cell(r, row.clause) for r in reports)] for row in area_rows]
    return f"### {escape(area)} ({len(area_rows)} clauses)\n\n{_table(head, body)}"


def _notes_section(cell_notes: Sequence[Note]) -> str:
    """Every non-passed cell with its reason or message, and a failure's reproducer in a fenced block."""
    if not cell_notes:
        return "## Notes\n\nEvery clause of every adapter passed."
    return "## Notes\n\n" + "\n".join(_note(n) for n in cell_notes)


def _note(note: Note) -> str:
    line = f"- {escape(note.label)} / {note.clause} ({note.status}): {escape(note.detail)}"
    return line + ("\n\n" + _fenced(note.reproducer) + "\n" if note.reproducer else "")


def _fenced(text: str, indent: str = "  ") -> str:
    """`text` in a fenced code block, indented into a list item; the fence outgrows any backtick run inside."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    lines = [f"{fence}text", *text.rstrip("\n").splitlines(), fence]
    return "\n".join(indent + line if line else "" for line in lines)
