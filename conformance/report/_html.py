"""Reports as one self-contained HTML page: a compact clause × column grid (header row and clause column fixed), the
changes by version first, the runs, the notes, and a panel that shows a cell's reason, message and reproducer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from parametrize_conformance.report._causes_view import causes_html
from parametrize_conformance.report._changelog import Release, changelog
from parametrize_conformance.report._html_assets import CSS, SCRIPT
from parametrize_conformance.report._html_grid import e, grid
from parametrize_conformance.report._matrix import (
    ABSENT,
    HEADER_COLUMNS,
    STATUS_COLOUR,
    Note,
    Row,
    areas,
    columns,
    counts,
    header_fields,
    labels,
    legend,
    level_tag,
    notes,
    rows,
    run_line,
    status_of,
    symbol,
    version_columns,
    version_of,
)
from parametrize_conformance.report._model import STATUSES

_ABSENT_COLOUR = "#ffffff"
_DARK_INK, _LIGHT_INK = "#1b1f24", "#ffffff"
# Note: with more columns than this the runs table would fill the first screen, so it starts folded.
_OPEN_RUNS = 4


def render_html(
    reports: list[dict[str, Any]], *, by_version: bool = False, runs: Sequence[dict[str, Any]] | None = None
) -> str:
    """The clause × adapter matrix of `reports` as one self-contained HTML page (inline CSS and JS only).

    With `by_version`, a column per version, oldest first: the changes by version come first, and the grid shows
    only the clauses whose status changes until the reader turns that filter off; `runs` adds which versions ran.
    """
    if by_version:
        reports = version_columns(reports)
    matrix_rows = rows(reports)
    cell_notes = notes(reports, matrix_rows)
    note_ids = {(n.label, n.clause): f"note-{i}" for i, n in enumerate(cell_notes)}
    releases = changelog(reports) if by_version else None
    names = ", ".join(labels(reports)) or "no reports"
    body = [
        "<h1>Conformance matrix</h1>",
        f'<p class="sub">{e(_columns_line(reports, by_version))} · {len(matrix_rows)} clauses in '
        f"{len(areas(matrix_rows))} areas</p>",
        _bar(matrix_rows, by_version),
        _runs_box(reports, runs),
        *([_changelog_section(releases)] if releases is not None else []),
        causes_html(reports),
        grid(reports, matrix_rows, note_ids, [len(r.steps) for r in releases] if releases is not None else None),
        _notes_section(cell_notes, note_ids, _differing(reports, matrix_rows)) if reports else "",
        '<aside id="panel" hidden><button type="button" id="panel-close" title="close (Esc)">&#215;</button>'
        '<div id="panel-body"></div></aside>',
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Conformance matrix: {e(names)}</title>",
            f"<style>{_status_css()}{CSS}</style>",
            "</head>",
            "<body>",
            *body,
            f"<script>{SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _columns_line(reports: Sequence[dict[str, Any]], by_version: bool) -> str:
    """'3 adapter(s): a, b, c', or by version 'torch at 21 version(s): 1.9.1, ...' (the versions alone)."""
    if by_version and reports:
        name = reports[0]["adapter"]["name"].removesuffix(" " + version_of(reports[0]))
        return f"{name} at {len(reports)} version(s): " + ", ".join(version_of(r) for r in reports)
    return f"{len(reports)} adapter(s): " + (", ".join(labels(reports)) or "no reports")


def _differing(reports: Sequence[dict[str, Any]], matrix_rows: Sequence[Row]) -> set[str]:
    """The clauses whose status is not the same in every column."""
    return {row.clause for row in matrix_rows if len({status_of(r, row.clause) for r in reports}) > 1}


def _bar(matrix_rows: Sequence[Row], by_version: bool) -> str:
    """One line: the legend, the area and status filters, and the 'changed rows only' switch (on, by version)."""
    chips = "".join(_chip(s, f"{symbol(s)} {s}", meaning) for s, meaning in legend())
    area_options = "".join(f'<option value="{e(a)}">{e(a)} ({len(r)})</option>' for a, r in areas(matrix_rows).items())
    status_options = "".join(f'<option value="{s}">with a cell {s}</option>' for s in (*STATUSES, ABSENT))
    what = "clauses that change between versions" if by_version else "clauses that differ between columns"
    return (
        f'<div class="bar"><span class="legend">{chips}</span>'
        f'<label>Area<select id="area-filter"><option value="">all areas</option>{area_options}</select></label>'
        '<label>Status<select id="status-filter"><option value="">all clauses</option>'
        f'<option value="non-passing">only non-passing</option>{status_options}</select></label>'
        f'<label><input type="checkbox" id="changed-only"{" checked" if by_version else ""}> only {what}</label>'
        '<span id="shown-count"></span></div>'
    )


def _runs_box(reports: Sequence[dict[str, Any]], runs: Sequence[dict[str, Any]] | None) -> str:
    """Where and how each column's run went, and which versions ran: open for a few columns, folded for many."""
    opened = " open" if len(reports) <= _OPEN_RUNS else ""
    extra = f" · {len(runs)} versions tried" if runs is not None else ""
    return (
        f'<details class="box runs-box"{opened}><summary>Runs <span>{len(reports)} column(s): device, torch, suite, '
        f"profile, duration and counts{extra}</span></summary>{_adapters_table(reports)}"
        f"{_runs_table(runs) if runs is not None else ''}</details>"
    )


def _runs_table(runs: Sequence[dict[str, Any]]) -> str:
    """Which versions ran, and why each of the others did not."""
    trs = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in run_line(entry)) + "</tr>" for entry in runs)
    return (
        '<h2>Versions</h2><table class="runs"><thead><tr><th>version</th><th>status</th><th>detail</th></tr>'
        f"</thead><tbody>{trs}</tbody></table>"
    )


def _changelog_section(releases: Sequence[Release]) -> str:
    """For each version, the clauses whose status differs from the version before, each with its explaining line;
    the versions without a change in one line."""
    moved = [r for r in releases if r.steps]
    quiet = ", ".join(r.label.rsplit(" ", 1)[-1] for r in releases if not r.steps)
    total = sum(len(r.steps) for r in releases)
    head = (
        f'<section id="changelog"><h2>Changes by version</h2><p class="sub">Each version against the one before it: '
        f"{total} change(s) in {len(moved)} of {len(releases)} version(s). An unexpected-pass marks a declared "
        "divergence whose releases are wrong.</p>"
    )
    entries = "".join(_release(i, r) for i, r in enumerate(releases, start=1) if r.steps)
    tail = f'<p class="quiet">No change in {e(quiet)}.</p>' if quiet else ""
    return f"{head}{entries or '<p>Every clause has the same status in every version.</p>'}{tail}</section>"


def _release(index: int, release: Release) -> str:
    """One version's changes: a summary line (how many, which way), opening a table of clause, move and reason."""
    moves = [f"{s.before} → {s.after}" for s in release.steps]
    how = ", ".join(f"{moves.count(m)} {m}" for m in dict.fromkeys(moves))
    trs = "".join(
        f'<tr data-clause="{e(s.clause)}"><td class="clause-id">{e(s.clause)}</td>'
        f"<td>{_chip(s.before, symbol(s.before), s.before)}→{_chip(s.after, symbol(s.after), s.after)}</td>"
        f'<td class="line">{e(s.line)}</td></tr>'
        for s in release.steps
    )
    return (
        f'<details class="release" id="changes-{index}" data-version="{e(release.label)}"><summary><b>'
        f"{e(release.label)}</b> {len(release.steps)} clause(s) changed since {e(release.previous)}: {e(how)}</summary>"
        f'<table class="changes"><tbody>{trs}</tbody></table></details>'
    )


def luminance(colour: str) -> float:
    """The WCAG relative luminance of "#rrggbb"."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ink(colour: str) -> str:
    """The text colour, dark or white, of higher contrast on the background `colour` ("#rrggbb")."""
    background = luminance(colour) + 0.05
    on_dark_ink = background / (luminance(_DARK_INK) + 0.05)
    on_white = (luminance(_LIGHT_INK) + 0.05) / background
    return _DARK_INK if on_dark_ink > on_white else _LIGHT_INK


def _status_css() -> str:
    """One custom property and one class per status, from STATUS_COLOUR."""
    colours = {**STATUS_COLOUR, ABSENT: _ABSENT_COLOUR}
    props = " ".join(f"--{s}: {c};" for s, c in colours.items())
    classes = "\n".join(f".s-{s} {{ background: var(--{s}); color: {ink(c)}; }}" for s, c in colours.items())
    borders = "\n".join(f'.notes li[data-status="{s}"] {{ border-left-color: var(--{s}); }}' for s in STATUS_COLOUR)
    return f"\n:root {{ {props} }}\n{classes}\n{borders}"


def _chip(status: str, text: str, title: str = "") -> str:
    title_attr = f' title="{e(title)}"' if title else ""
    return f'<span class="chip s-{status}" data-status="{status}"{title_attr}>{e(text)}</span>'


def _adapters_table(reports: Sequence[dict[str, Any]]) -> str:
    """One row per adapter: where and how it ran, and its status counts."""
    head = "".join(f"<th>{h}</th>" for h in (*HEADER_COLUMNS, "summary"))
    body = "\n".join(_adapter_row(label, r) for label, r in columns(reports))
    return f'<table class="adapters"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>'


def _adapter_row(label: str, report: dict[str, Any]) -> str:
    chips = "".join(_chip(s, f"{symbol(s)} {n} {s}") for s, n in counts(report))
    tds = "".join(f"<td>{e(c)}</td>" for c in (label, *header_fields(report)))
    return f'<tr data-adapter="{e(label)}">{tds}<td class="summary">{chips}</td></tr>'


def _notes_section(cell_notes: Sequence[Note], note_ids: dict[tuple[str, str], str], differing: set[str]) -> str:
    """Every non-passed cell, readable without the grid (folded); a cell's click shows its note in the panel."""
    if not cell_notes:
        return '<h2>Notes</h2><p class="sub">Every clause of every adapter passed.</p>'
    items = "".join(_note_item(n, note_ids[n.label, n.clause], n.clause in differing) for n in cell_notes)
    return (
        f'<details class="box notes-box"><summary>Notes <span>{len(cell_notes)} cells not passed, each with its '
        f'reason or message and reproducer</span></summary>\n<ul class="notes">\n{items}</ul></details>'
    )


def _note_item(note: Note, note_id: str, changed: bool = False) -> str:
    """`adapter / CLAUSE (status): reason or message`, then the reproducer when there is one."""
    reproducer = f"<pre>{e(note.reproducer)}</pre>" if note.reproducer else ""
    flag = ' data-changed="yes"' if changed else ""
    return (
        f'<li class="note" id="{note_id}" data-area="{e(note.entry["area"])}" data-status="{note.status}"{flag} '
        f'data-statuses="{note.status}">{_chip(note.status, symbol(note.status))} '
        f'<span class="where">{e(note.label)} / {e(note.clause)}{e(level_tag(note.clause, note.entry))}</span> '
        f"({note.status}): {e(note.detail)}"
        f"{reproducer}</li>\n"
    )
