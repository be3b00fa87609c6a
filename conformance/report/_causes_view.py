"""The failures-by-cause section of the HTML and Markdown matrices: per column, the causes that fail several clauses,
largest first, each with the clause it shows in most directly, that clause's reproducer, and the others it takes down."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from parametrize_conformance.report._causes import group_causes
from parametrize_conformance.report._matrix import columns
from parametrize_conformance.report._model import BAD_STATUSES


def shared_causes(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The report's causes (computed for a report written before it held them) shared by more than one clause."""
    causes = report.get("causes")
    if causes is None:
        causes = group_causes(report["clauses"], BAD_STATUSES)
    return [g for g in causes if len(g["clauses"]) > 1]


def causes_html(reports: Sequence[dict[str, Any]]) -> str:
    """A folded section per column whose failures share causes; '' when none do."""
    parts = [_column_html(label, report) for label, report in columns(reports) if shared_causes(report)]
    if not parts:
        return ""
    return '<section id="causes"><h2>Failures by cause</h2>' + "".join(parts) + "</section>"


def _column_html(label: str, report: dict[str, Any]) -> str:
    groups = shared_causes(report)
    items = "".join(_group_html(report, g) for g in groups)
    summary = f"{escape(label)}: {sum(len(g['clauses']) for g in groups)} clauses fail from {len(groups)} shared cause(s)"
    return f"<details open><summary>{summary}</summary><ol>{items}</ol></details>"


def _group_html(report: dict[str, Any], group: dict[str, Any]) -> str:
    lead = group["lead"]
    others = ", ".join(c for c in group["clauses"] if c != lead)
    reproducer = report["clauses"][lead].get("reproducer") or ""
    return (
        f"<li><b>{len(group['clauses'])} clauses</b>: <code>{escape(group['cause'])}</code><br>"
        f"shows most directly in <b>{escape(lead)}</b>; also {escape(others)}"
        + (f"<pre>{escape(reproducer)}</pre>" if reproducer else "")
        + "</li>"
    )


def causes_markdown(reports: Sequence[dict[str, Any]]) -> str:
    """The same as Markdown; '' when no column's failures share a cause."""
    lines = []
    for label, report in columns(reports):
        for number, group in enumerate(shared_causes(report), 1):
            lead = group["lead"]
            others = ", ".join(c for c in group["clauses"] if c != lead)
            cause = group["cause"].replace("`", "'")
            count = len(group["clauses"])
            lines.append(f"{number}. {label}: {count} clauses: `{cause}`; shows most directly in {lead}; also {others}")
    return "## Failures by cause\n\n" + "\n".join(lines) + "\n" if lines else ""
