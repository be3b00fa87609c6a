"""Reports as one self-contained HTML page: the adapters, a legend, filters, the clause × adapter matrix, and notes."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from parametrize_conformance.report._matrix import (
    ABSENT,
    HEADER_COLUMNS,
    STATUS_COLOUR,
    Change,
    Note,
    Row,
    areas,
    changes,
    columns,
    counts,
    describe,
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
)
from parametrize_conformance.report._model import STATUSES

_ABSENT_COLOUR = "#ffffff"
_DARK_INK, _LIGHT_INK = "#1b1f24", "#ffffff"

_CSS = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b636e; --line: #d5dae0; --panel: #f5f7f9; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 32px 48px; color: var(--ink); background: #fff;
       font: 14px/1.45 "DejaVu Sans", "Segoe UI", system-ui, -apple-system, Helvetica, Arial, sans-serif; }
h1 { font-size: 22px; margin: 0 0 2px; }
h2 { font-size: 17px; margin: 26px 0 10px; }
.sub { color: var(--muted); margin: 0 0 16px; }
table { border-collapse: collapse; }
.adapters th, .adapters td { border: 1px solid var(--line); padding: 5px 10px; text-align: left; vertical-align: top; }
.adapters thead th { background: var(--panel); white-space: nowrap; }
.adapters td { white-space: nowrap; }
.adapters td.summary { white-space: normal; }
.chip { display: inline-block; padding: 1px 8px; margin: 1px 4px 1px 0; border-radius: 10px; font-size: 12px;
        font-weight: 600; white-space: nowrap; }
.legend { display: flex; flex-wrap: wrap; gap: 4px; align-items: center; margin: 14px 0; }
.legend .chip.s-absent { border: 1px solid var(--line); }
.filters { display: flex; flex-wrap: wrap; gap: 20px; align-items: center; margin: 14px 0; padding: 8px 12px;
           background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
.filters select { font: inherit; padding: 2px 4px; margin-left: 6px; }
#shown-count { color: var(--muted); }
.matrix { width: 100%; }
.matrix th, .matrix td { border: 1px solid var(--line); padding: 4px 8px; vertical-align: top; }
.matrix thead th { position: sticky; top: 0; z-index: 3; background: #e9edf1; text-align: left; }
.matrix th.adapter { text-align: center; min-width: 120px; max-width: 200px; overflow-wrap: anywhere; }
.matrix th.adapter small { display: block; font-weight: 400; color: var(--muted); }
.area-row th { background: #dfe4ea; text-align: left; font-size: 13px; }
.area-row th span { font-weight: 400; color: var(--muted); margin-left: 8px; }
.clause-id { font: 12px/1.5 "DejaVu Sans Mono", ui-monospace, monospace; white-space: nowrap; }
.level { display: inline-block; margin-left: 6px; padding: 0 6px; border: 1px solid var(--line); border-radius: 8px;
         font: 11px/1.5 "DejaVu Sans", system-ui, sans-serif; color: var(--muted); }
.statement { font-size: 13px; color: #3a424b; min-width: 280px; }
td.cell { position: relative; width: 1%; text-align: center; white-space: nowrap; font-size: 13px; font-weight: 600; }
td.cell summary { cursor: pointer; list-style: none; }
td.cell summary::-webkit-details-marker { display: none; }
td.cell summary::after { content: " \\25BE"; font-size: 10px; }
td.cell details[open] summary::after { content: " \\25B4"; }
.pop { position: absolute; right: 0; top: 100%; z-index: 5; width: 600px; max-width: 80vw; padding: 10px 12px;
       text-align: left; white-space: normal; font-weight: 400; color: var(--ink); background: #fff;
       border: 1px solid #98a2ad; border-radius: 6px; box-shadow: 0 6px 20px rgba(0, 0, 0, .2); }
.pop p { margin: 0 0 4px; }
pre { margin: 6px 0 0; padding: 8px; max-height: 22em; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere;
      font: 12px/1.4 "DejaVu Sans Mono", ui-monospace, monospace; background: var(--panel);
      border: 1px solid var(--line); border-radius: 4px; }
.notes { padding-left: 0; list-style: none; }
.notes li { margin: 4px 0; padding: 3px 0 3px 10px; border-left: 4px solid var(--line); }
.where { font-weight: 600; }
.changed .clause-id::before { content: "\\0394  "; color: #b3261e; font-weight: 700; }
.changes td, .changes th, .runs td, .runs th { border: 1px solid var(--line); padding: 4px 8px; text-align: left; }
"""

_SCRIPT = """
(() => {
  const area = document.getElementById("area-filter");
  const status = document.getElementById("status-filter");
  const shown = document.getElementById("shown-count");
  const keep = (el) => {
    const statuses = el.dataset.statuses.split(" ");
    if (area.value && el.dataset.area !== area.value) return false;
    if (status.value === "changed") return el.dataset.changed === "yes";
    if (status.value === "non-passing") return statuses.some((s) => s !== "passed" && s !== "absent");
    return !status.value || statuses.includes(status.value);
  };
  const apply = () => {
    const clauseRows = document.querySelectorAll("tr.clause");
    let count = 0;
    clauseRows.forEach((row) => { row.hidden = !keep(row); count += row.hidden ? 0 : 1; });
    document.querySelectorAll("tbody.area").forEach((group) => {
      group.hidden = !group.querySelector("tr.clause:not([hidden])");
    });
    document.querySelectorAll("li.note").forEach((note) => { note.hidden = !keep(note); });
    shown.textContent = count + " of " + clauseRows.length + " clauses shown";
  };
  const remember = () => {
    history.replaceState(null, "", "#" + new URLSearchParams({area: area.value, status: status.value}));
    apply();
  };
  const wanted = new URLSearchParams(location.hash.slice(1));
  area.value = wanted.get("area") || "";
  status.value = wanted.get("status") || "";
  if (area.selectedIndex < 0) area.value = "";
  if (status.selectedIndex < 0) status.value = "";
  area.addEventListener("change", remember);
  status.addEventListener("change", remember);
  apply();
})();
"""


def render_html(
    reports: list[dict[str, Any]], *, by_version: bool = False, runs: Sequence[dict[str, Any]] | None = None
) -> str:
    """The clause × adapter matrix of `reports` as one self-contained HTML page (inline CSS and JS only).

    With `by_version`, as render_markdown: a column per version, the clauses whose status changes marked Δ, listed
    first and selectable in the status filter; `runs` adds which versions ran and why the others did not.
    """
    if by_version:
        reports = version_columns(reports)
    matrix_rows = rows(reports)
    changed = changes(reports) if by_version else None
    marked = {c.clause for c in changed or ()}
    names = ", ".join(labels(reports)) or "no reports"
    what = "version(s)" if by_version else "adapter(s)"
    body = [
        "<h1>Conformance matrix</h1>",
        f'<p class="sub">{len(reports)} {what}: {_e(names)} · {len(matrix_rows)} clauses in '
        f"{len(areas(matrix_rows))} areas</p>",
        _adapters_table(reports),
        _legend(),
        *([_runs_section(runs)] if runs is not None else []),
        *([_changes_section(changed, reports)] if changed is not None else []),
        _filters(matrix_rows, by_version),
        _matrix(reports, matrix_rows, marked),
        _notes_section(notes(reports, matrix_rows), marked) if reports else "",
    ]
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>Conformance matrix: {_e(names)}</title>",
            f"<style>{_status_css()}{_CSS}</style>",
            "</head>",
            "<body>",
            *body,
            f"<script>{_SCRIPT}</script>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _runs_section(runs: Sequence[dict[str, Any]]) -> str:
    """Which versions ran, and why each of the others did not."""
    trs = "".join("<tr>" + "".join(f"<td>{_e(c)}</td>" for c in run_line(e)) + "</tr>" for e in runs)
    return (
        '<h2>Versions</h2><table class="runs"><thead><tr><th>version</th><th>status</th><th>detail</th></tr>'
        f"</thead><tbody>{trs}</tbody></table>"
    )


def _changes_section(changed: Sequence[Change], reports: Sequence[dict[str, Any]]) -> str:
    """The clauses whose status differs between versions, with each step in words."""
    if not changed:
        return '<h2>Changes between versions</h2><p class="sub">Every clause has the same status in every version.</p>'
    names = labels(reports)
    head = "".join(f"<th>{_e(h)}</th>" for h in ("clause", *names, "what changed"))
    trs = "".join(
        f'<tr><td class="clause-id">{_e(c.clause)}</td>'
        + "".join(f"<td>{_chip(s, f'{symbol(s)} {s}')}</td>" for s in c.statuses)
        + f"<td>{_e(describe(c, names))}</td></tr>"
        for c in changed
    )
    return (
        f'<h2>Changes between versions</h2><p class="sub">{len(changed)} clause(s), marked &#916; in the matrix. '
        "Each version declares the divergences of its release, so an unexpected-pass marks a declaration whose "
        f'releases are wrong.</p><table class="changes"><thead><tr>{head}</tr></thead><tbody>{trs}</tbody>'
        "</table>"
    )


def _e(text: Any) -> str:
    """`text` escaped for HTML text and quoted attributes."""
    return escape(str(text), quote=True)


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
    title_attr = f' title="{_e(title)}"' if title else ""
    return f'<span class="chip s-{status}" data-status="{status}"{title_attr}>{_e(text)}</span>'


def _adapters_table(reports: Sequence[dict[str, Any]]) -> str:
    """One row per adapter: where and how it ran, and its status counts."""
    head = "".join(f"<th>{h}</th>" for h in (*HEADER_COLUMNS, "summary"))
    body = "\n".join(_adapter_row(label, r) for label, r in columns(reports))
    return f'<table class="adapters"><thead><tr>{head}</tr></thead><tbody>\n{body}\n</tbody></table>'


def _adapter_row(label: str, report: dict[str, Any]) -> str:
    chips = "".join(_chip(s, f"{symbol(s)} {n} {s}") for s, n in counts(report))
    tds = "".join(f"<td>{_e(c)}</td>" for c in (label, *header_fields(report)))
    return f'<tr data-adapter="{_e(label)}">{tds}<td class="summary">{chips}</td></tr>'


def _legend() -> str:
    chips = "".join(_chip(s, f"{symbol(s)} {meaning}") for s, meaning in legend())
    return f'<div class="legend"><strong>Legend:</strong> {chips}</div>'


def _filters(matrix_rows: Sequence[Row], by_version: bool = False) -> str:
    """The area and status selects that the inline script applies to the matrix and the notes."""
    area_options = "".join(f'<option value="{_e(a)}">{_e(a)} ({len(r)})</option>' for a, r in areas(matrix_rows).items())
    status_options = "".join(f'<option value="{s}">with a cell {s}</option>' for s in (*STATUSES, ABSENT))
    return (
        '<div class="filters">'
        f'<label>Area<select id="area-filter"><option value="">all areas</option>{area_options}</select></label>'
        '<label>Status<select id="status-filter"><option value="">all clauses</option>'
        f'<option value="non-passing">only non-passing</option>{_changed_option(by_version)}'
        f"{status_options}</select></label>"
        '<span id="shown-count"></span></div>'
    )


def _changed_option(by_version: bool) -> str:
    return '<option value="changed">only clauses that change between versions</option>' if by_version else ""


def _matrix(
    reports: Sequence[dict[str, Any]], matrix_rows: Sequence[Row], marked: frozenset[str] | set[str] = frozenset()
) -> str:
    """The matrix: one tbody per area (a heading row, then a row per clause), one cell per clause × adapter."""
    heads = "".join(
        f'<th class="adapter" data-adapter="{_e(label)}">{_breakable(label)}'
        f"<small>{_e(r['adapter']['version'] or '-')} · {_e(r['adapter']['device'])}</small></th>"
        for label, r in columns(reports)
    )
    groups = "\n".join(_area_group(area, area_rows, reports, marked) for area, area_rows in areas(matrix_rows).items())
    return f'<table class="matrix"><thead><tr><th>clause</th><th>statement</th>{heads}</tr></thead>\n{groups}\n</table>'


def _breakable(label: str) -> str:
    """`label` escaped, with a line-break opportunity after each _ - . of a long adapter name."""
    return "".join(_e(c) + ("<wbr>" if c in "_-." else "") for c in label)


def _area_group(
    area: str, area_rows: Sequence[Row], reports: Sequence[dict[str, Any]], marked: set[str] | frozenset[str]
) -> str:
    not_passing = sum(any(status_of(r, row.clause) not in ("passed", ABSENT) for r in reports) for row in area_rows)
    heading = (
        f'<tr class="area-row"><th colspan="{2 + len(reports)}">{_e(area)}'
        f"<span>{len(area_rows)} clauses · {not_passing} with a cell not passed</span></th></tr>"
    )
    clause_rows = "\n".join(_clause_row(row, reports, row.clause in marked) for row in area_rows)
    return f'<tbody class="area" data-area="{_e(area)}">\n{heading}\n{clause_rows}\n</tbody>'


def _clause_row(row: Row, reports: Sequence[dict[str, Any]], changed: bool = False) -> str:
    statuses = " ".join(dict.fromkeys(status_of(r, row.clause) for r in reports))
    cells = "".join(_cell(label, r, row.clause) for label, r in columns(reports))
    mark = ' class="clause changed" data-changed="yes"' if changed else ' class="clause"'
    clause_id = f'<td class="clause-id"{_basis_title(row)}>{_e(row.clause)}{_level_chip(row.clause, row.level)}</td>'
    return (
        f'<tr{mark} data-area="{_e(row.area)}" data-clause="{_e(row.clause)}" data-level="{_e(row.level)}" '
        f'data-statuses="{statuses}">{clause_id}<td class="statement">{_e(row.statement)}</td>{cells}</tr>'
    )


def _basis_title(row: Row) -> str:
    """A tooltip with the clause's level and why it has it, when the report says."""
    return f' title="{_e(row.level)}: {_e(row.basis)}"' if row.basis else ""


def _level_chip(clause_id: str, level: str) -> str:
    """The level of a clause below the required level, after its id; nothing for a required clause."""
    tag = level_tag(clause_id, {"level": level}).strip(" []")
    return f'<span class="level" title="clause level">{_e(tag)}</span>' if tag else ""


def _cell(label: str, report: dict[str, Any], clause_id: str) -> str:
    """One clause × adapter cell: the status's symbol and word, its reason or message in a tooltip and a details."""
    status = status_of(report, clause_id)
    attrs = f'class="cell s-{status}" data-status="{status}" data-adapter="{_e(label)}" data-clause="{_e(clause_id)}"'
    if status == ABSENT:
        return f'<td {attrs} title="{_e(f"{label} / {clause_id}: absent from this report")}">{symbol(status)}</td>'
    text = f"{symbol(status)} {status}"
    if status == "passed":
        return f'<td {attrs} title="{_e(f"{label} / {clause_id}: passed")}">{text}</td>'
    note = Note(label, clause_id, report["clauses"][clause_id])
    tooltip = f"{label} / {clause_id} ({status}): {note.detail}" + (f"\n\n{note.reproducer}" if note.reproducer else "")
    return (
        f'<td {attrs} title="{_e(tooltip)}"><details><summary>{text}</summary>'
        f'<div class="pop">{_note_body(note)}</div></details></td>'
    )


def _note_body(note: Note) -> str:
    """Who and what, the reason or message, and the reproducer when there is one."""
    head = (
        f'<p><span class="where">{_e(note.label)} / {_e(note.clause)}{_e(level_tag(note.clause, note.entry))}'
        f"</span> ({note.status})</p>"
    )
    reproducer = f"<pre>{_e(note.reproducer)}</pre>" if note.reproducer else ""
    return f"{head}<p>{_e(note.detail)}</p>{reproducer}"


def _notes_section(cell_notes: Sequence[Note], marked: set[str] | frozenset[str] = frozenset()) -> str:
    """Every non-passed cell, readable without opening the matrix's cells."""
    if not cell_notes:
        return '<h2>Notes</h2><p class="sub">Every clause of every adapter passed.</p>'
    items = "".join(_note_item(n, n.clause in marked) for n in cell_notes)
    return f'<h2>Notes</h2>\n<ul class="notes">\n{items}</ul>'


def _note_item(note: Note, changed: bool = False) -> str:
    """`adapter / CLAUSE (status): reason or message`, then the reproducer when there is one."""
    reproducer = f"<pre>{_e(note.reproducer)}</pre>" if note.reproducer else ""
    flag = ' data-changed="yes"' if changed else ""
    return (
        f'<li class="note" data-area="{_e(note.entry["area"])}" data-status="{note.status}"{flag} '
        f'data-statuses="{note.status}">{_chip(note.status, symbol(note.status))} '
        f'<span class="where">{_e(note.label)} / {_e(note.clause)}{_e(level_tag(note.clause, note.entry))}</span> '
        f"({note.status}): {_e(note.detail)}"
        f"{reproducer}</li>\n"
    )
