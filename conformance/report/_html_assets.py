"""The inline style sheet and script of the HTML matrix page (no external resource: the page works offline)."""

from __future__ import annotations

# Note: a clause row is one line of 12 px text, so that the rows of a release history fit two screens; the statement
# is cut with an ellipsis and whole in its tooltip, and a cell's reason, message and reproducer open on a click.
CSS = """
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b636e; --line: #d5dae0; --panel: #f5f7f9; --head: #e9edf1; }
* { box-sizing: border-box; }
body { margin: 0; padding: 14px 24px 32px; color: var(--ink); background: #fff;
       font: 13px/1.4 "DejaVu Sans", "Segoe UI", system-ui, -apple-system, Helvetica, Arial, sans-serif; }
h1 { font-size: 19px; margin: 0 0 2px; }
h2 { font-size: 15px; margin: 12px 0 4px; }
.sub { color: var(--muted); margin: 0 0 6px; }
table { border-collapse: collapse; }
.chip { display: inline-block; padding: 0 6px; margin: 1px 3px 1px 0; border-radius: 8px; font-size: 11px;
        font-weight: 600; white-space: nowrap; }
.chip.s-absent { border: 1px solid var(--line); }
.bar { display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: center; margin: 6px 0; padding: 4px 10px;
       background: var(--panel); border: 1px solid var(--line); border-radius: 6px; }
.bar select { font: inherit; padding: 0 2px; margin-left: 4px; }
.bar label { white-space: nowrap; }
#shown-count { color: var(--muted); }
details.box { margin: 4px 0; }
details.box > summary { cursor: pointer; font-weight: 600; }
details.box > summary span { font-weight: 400; color: var(--muted); }
.adapters th, .adapters td, .runs td, .runs th, .changes td, .changes th { border: 1px solid var(--line);
       padding: 2px 8px; text-align: left; vertical-align: top; }
.adapters thead th, .runs th { background: var(--panel); white-space: nowrap; }
.adapters td { white-space: nowrap; }
.adapters td.summary { white-space: normal; }
#changelog .quiet { color: var(--muted); }
details.release { margin: 1px 0; }
details.release > summary { cursor: pointer; }
details.release > summary b { font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: 12px; }
.changes { margin: 4px 0 8px 16px; font-size: 12px; }
.changes td.line { max-width: 900px; }
.matrix { border-collapse: separate; border-spacing: 0; }
.matrix th, .matrix td { padding: 0 4px; height: 13px; font-size: 11px; line-height: 12px; border-bottom: 1px solid #fff; }
.matrix thead th { position: sticky; top: 0; z-index: 3; background: var(--head); vertical-align: bottom;
                   padding: 3px 1px; border-bottom: 1px solid var(--line); }
.matrix thead th.col { width: 28px; min-width: 28px; max-width: 28px; font-weight: 600; }
.matrix thead th.col span { display: block; margin: 0 auto; writing-mode: vertical-rl; transform: rotate(180deg);
                            max-height: 96px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.matrix thead th.col a { display: block; margin-top: 2px; font-weight: 400; color: #b3261e; text-decoration: none; }
.matrix thead th.corner { left: 0; z-index: 4; text-align: left; }
.clause-id { position: sticky; left: 0; z-index: 2; background: #fff; text-align: left; white-space: nowrap;
             font: 11px/12px "DejaVu Sans Mono", ui-monospace, monospace; font-weight: 400; }
.statement { max-width: 460px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: #3a424b; }
.level { margin-left: 4px; padding: 0 4px; border: 1px solid var(--line); border-radius: 6px; font-size: 9px;
         color: var(--muted); font-family: "DejaVu Sans", system-ui, sans-serif; }
td.cell { width: 28px; min-width: 28px; text-align: center; cursor: pointer; font-weight: 600;
          border-right: 1px solid #fff; }
td.cell:hover { outline: 2px solid var(--ink); outline-offset: -2px; }
tr.clause:hover .clause-id, tr.clause:hover .statement { background: #fff4c2; }
.matrix.by-version tr.clause:not(.changed) td.cell { opacity: .45; }
tr.changed .clause-id::before { content: "\\0394 "; color: #b3261e; font-weight: 700; }
tr.area-row th, tr.area-row td.statement { height: 14px; background: #dfe4ea; border-bottom: 1px solid #fff; }
tr.area-row .clause-id { background: #dfe4ea; font-family: "DejaVu Sans", system-ui, sans-serif; font-weight: 600; }
tr.area-row button { font: inherit; padding: 0; border: 0; background: none; cursor: pointer; }
tr.area-row .statement { color: var(--muted); }
td.area-cell { height: 14px; text-align: center; font-size: 10px; border-right: 1px solid #fff; }
tbody.folded tr.clause { display: none; }
.notes { padding-left: 0; list-style: none; margin: 4px 0; }
.notes li { margin: 3px 0; padding: 2px 0 2px 10px; border-left: 4px solid var(--line); }
.where { font-weight: 600; }
pre { margin: 4px 0 0; padding: 6px; max-height: 22em; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere;
      font: 12px/1.4 "DejaVu Sans Mono", ui-monospace, monospace; background: var(--panel);
      border: 1px solid var(--line); border-radius: 4px; }
#panel { position: fixed; right: 16px; bottom: 16px; z-index: 10; width: 640px; max-width: 90vw; max-height: 70vh;
         overflow: auto; padding: 10px 12px; background: #fff; border: 1px solid #98a2ad; border-radius: 6px;
         box-shadow: 0 6px 20px rgba(0, 0, 0, .25); }
#panel p { margin: 0 0 4px; }
#panel-close { float: right; font: inherit; border: 0; background: none; cursor: pointer; font-size: 16px; }
"""

SCRIPT = """
(() => {
  const area = document.getElementById("area-filter");
  const status = document.getElementById("status-filter");
  const changed = document.getElementById("changed-only");
  const shown = document.getElementById("shown-count");
  const panel = document.getElementById("panel");
  const body = document.getElementById("panel-body");
  const keep = (el) => {
    const statuses = el.dataset.statuses.split(" ");
    if (area.value && el.dataset.area !== area.value) return false;
    if (changed.checked && el.dataset.changed !== "yes") return false;
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
    const state = {area: area.value, status: status.value, changed: changed.checked ? "1" : "0"};
    history.replaceState(null, "", "#" + new URLSearchParams(state));
    apply();
  };
  const wanted = new URLSearchParams(location.hash.slice(1));
  area.value = wanted.get("area") || "";
  status.value = wanted.get("status") || "";
  if (area.selectedIndex < 0) area.value = "";
  if (status.selectedIndex < 0) status.value = "";
  if (wanted.has("changed")) changed.checked = wanted.get("changed") === "1";
  [area, status, changed].forEach((el) => el.addEventListener("change", remember));
  document.querySelectorAll("tr.area-row button").forEach((button) => {
    button.addEventListener("click", () => {
      const group = button.closest("tbody");
      group.classList.toggle("folded");
      button.setAttribute("aria-expanded", String(!group.classList.contains("folded")));
    });
  });
  document.querySelectorAll("a.step").forEach((link) => {
    link.addEventListener("click", () => { document.querySelector(link.getAttribute("href")).open = true; });
  });
  document.querySelector("table.matrix").addEventListener("click", (event) => {
    const cell = event.target.closest("td.cell");
    if (!cell) return;
    const note = cell.dataset.note && document.getElementById(cell.dataset.note);
    if (note) { body.innerHTML = note.innerHTML; } else { body.textContent = cell.title; }
    panel.hidden = false;
  });
  document.getElementById("panel-close").addEventListener("click", () => { panel.hidden = true; });
  document.addEventListener("keydown", (event) => { if (event.key === "Escape") panel.hidden = true; });
  apply();
})();
"""
