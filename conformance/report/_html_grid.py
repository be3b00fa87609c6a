"""The compact clause × column grid of the HTML page: one small coloured cell per clause and column, the rows grouped
by area under a summary row that folds them, the header row and the clause column fixed while scrolling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from typing import Any

from parametrize_conformance.report._matrix import ABSENT, Note, Row, areas, columns, level_tag, status_of, symbol
from parametrize_conformance.report._model import STATUSES


def e(text: Any) -> str:
    """`text` escaped for HTML text and quoted attributes."""
    return escape(str(text), quote=True)


def grid(
    reports: Sequence[dict[str, Any]],
    matrix_rows: Sequence[Row],
    note_ids: Mapping[tuple[str, str], str],
    step_counts: Sequence[int] | None = None,
) -> str:
    """The grid; `note_ids` name each non-passed cell's note, `step_counts` (by version) each column's changes."""
    by_version = step_counts is not None
    heads = "".join(_head(i, label, r, step_counts) for i, (label, r) in enumerate(columns(reports)))
    differing = {row.clause for row in matrix_rows if len({status_of(r, row.clause) for r in reports}) > 1}
    groups = "\n".join(
        _area_group(area, area_rows, reports, note_ids, differing) for area, area_rows in areas(matrix_rows).items()
    )
    kind = "matrix by-version" if by_version else "matrix"
    return (
        f'<table class="{kind}"><thead><tr><th class="clause-id corner">clause</th><th class="statement">statement</th>'
        f"{heads}</tr></thead>\n{groups}\n</table>"
    )


def _head(index: int, label: str, report: dict[str, Any], step_counts: Sequence[int] | None) -> str:
    """A column's header: its label on its side (the version alone, by version), and a link to its changes."""
    short = (report["adapter"]["version"] or label) if step_counts is not None else label
    title = f"{label} · {report['adapter']['version'] or '-'} · {report['adapter']['device']}"
    link = ""
    if step_counts is not None and index > 0:
        count = step_counts[index - 1]
        link = f'<a class="step" href="#changes-{index}" title="{count} change(s) since the column before">{count}</a>'
        link = link if count else "<a>&#183;</a>"
    return f'<th class="col" data-adapter="{e(label)}" title="{e(title)}"><span>{e(short)}</span>{link}</th>'


def _area_group(
    area: str,
    area_rows: Sequence[Row],
    reports: Sequence[dict[str, Any]],
    note_ids: Mapping[tuple[str, str], str],
    differing: set[str],
) -> str:
    """One tbody: the area's summary row (worst status and count of non-passed clauses per column), then its rows."""
    changed = sum(row.clause in differing for row in area_rows)
    summary = "".join(_area_cell(area, area_rows, label, r) for label, r in columns(reports))
    heading = (
        f'<tr class="area-row"><th class="clause-id"><button type="button" aria-expanded="true">&#9662; {e(area)}'
        f'</button></th><td class="statement">{len(area_rows)} clauses · {changed} differ between columns</td>'
        f"{summary}</tr>"
    )
    rows_html = "\n".join(_clause_row(row, reports, note_ids, row.clause in differing) for row in area_rows)
    return f'<tbody class="area" data-area="{e(area)}">\n{heading}\n{rows_html}\n</tbody>'


def _area_cell(area: str, area_rows: Sequence[Row], label: str, report: dict[str, Any]) -> str:
    """The worst status of the area's clauses in one column, with how many are not passed."""
    statuses = [status_of(report, row.clause) for row in area_rows]
    present = [s for s in statuses if s != ABSENT]
    worst = max(present, key=STATUSES.index) if present else ABSENT
    bad = sum(s not in ("passed", ABSENT) for s in statuses)
    counts = ", ".join(f"{statuses.count(s)} {s}" for s in (*STATUSES, ABSENT) if s in statuses)
    return f'<td class="area-cell s-{worst}" title="{e(f"{area} in {label}: {counts}")}">{bad or ""}</td>'


def _clause_row(row: Row, reports: Sequence[dict[str, Any]], note_ids: Mapping[tuple[str, str], str], changed: bool) -> str:
    statuses = " ".join(dict.fromkeys(status_of(r, row.clause) for r in reports))
    cells = "".join(_cell(label, r, row.clause, note_ids.get((label, row.clause))) for label, r in columns(reports))
    mark = ' class="clause changed" data-changed="yes"' if changed else ' class="clause"'
    basis = f" — {row.level}: {row.basis}" if row.basis else ""
    clause_id = (
        f'<th class="clause-id" title="{e(row.statement + basis)}">{e(row.clause)}{_level_chip(row.clause, row.level)}</th>'
    )
    return (
        f'<tr{mark} data-area="{e(row.area)}" data-clause="{e(row.clause)}" data-level="{e(row.level)}" '
        f'data-statuses="{statuses}">{clause_id}<td class="statement" title="{e(row.statement)}">{e(row.statement)}</td>'
        f"{cells}</tr>"
    )


def _level_chip(clause_id: str, level: str) -> str:
    """The level of a clause below the required level, after its id; nothing for a required clause."""
    tag = level_tag(clause_id, {"level": level}).strip(" []")
    return f'<span class="level" title="clause level">{e(tag)}</span>' if tag else ""


def _cell(label: str, report: dict[str, Any], clause_id: str, note_id: str | None) -> str:
    """One clause × column cell: the status's colour and symbol; its reason or message (and reproducer) in a tooltip,
    and, on a click, in the panel (from the cell's note)."""
    status = status_of(report, clause_id)
    attrs = f'class="cell s-{status}" data-status="{status}" data-adapter="{e(label)}" data-clause="{e(clause_id)}"'
    if status in ("passed", ABSENT):
        what = "passed" if status == "passed" else "absent from this report"
        return f'<td {attrs} title="{e(f"{label} / {clause_id}: {what}")}">{symbol(status)}</td>'
    note = Note(label, clause_id, report["clauses"][clause_id])
    tooltip = f"{label} / {clause_id} ({status}): {note.detail}" + (f"\n\n{note.reproducer}" if note.reproducer else "")
    return f'<td {attrs} data-note="{note_id}" title="{e(tooltip)}">{symbol(status)}</td>'
