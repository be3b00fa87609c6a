"""The matrix as a picture: a PNG heat map of clause × column statuses, in the HTML page's colours, rows grouped by
area. Needs matplotlib (the `bench` extra), imported only when a picture is drawn."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parametrize_conformance.report._matrix import ABSENT, STATUS_COLOUR, areas, columns, rows, status_of, version_of

_ABSENT_COLOUR = "#ffffff"
_ORDER = (*STATUS_COLOUR, ABSENT)


def missing_matplotlib() -> str | None:
    """Why no picture can be drawn here (a one-line reason), or None when matplotlib imports."""
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        return f"matplotlib is not installed ({exc}); pip install 'parametrize-conformance[bench]'"
    return None


def write_heatmap(reports: Sequence[dict[str, Any]], path: Path, *, by_version: bool = False) -> None:
    """Draw the clause × column heat map of `reports` (already in column order) to the PNG `path`."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot
    from matplotlib.colors import ListedColormap
    from matplotlib.patches import Patch

    matrix_rows = rows(reports)
    grid = [[_ORDER.index(status_of(r, row.clause)) for r in reports] for row in matrix_rows]
    colours = [STATUS_COLOUR.get(s, _ABSENT_COLOUR) for s in _ORDER]
    width, height = 2.6 + 0.3 * max(len(reports), 4), 1.6 + 0.075 * len(matrix_rows)
    figure, axes = pyplot.subplots(figsize=(width, height), dpi=110)
    axes.imshow(grid, cmap=ListedColormap(colours), vmin=0, vmax=len(_ORDER) - 1, aspect="auto", interpolation="none")
    _label_axes(axes, reports, matrix_rows, by_version)
    present = {status_of(r, row.clause) for r in reports for row in matrix_rows}
    handles = [Patch(facecolor=colours[i], edgecolor="#98a2ad", label=s) for i, s in enumerate(_ORDER) if s in present]
    figure.legend(handles=handles, loc="lower center", ncol=min(len(handles), 4), fontsize=7, frameon=False)
    figure.tight_layout(rect=(0, 0.4 / height, 1, 1))
    figure.savefig(path, format="png")
    pyplot.close(figure)


def _label_axes(axes: Any, reports: Sequence[dict[str, Any]], matrix_rows: Sequence[Any], by_version: bool) -> None:
    """Columns labelled on top (the version alone, by version); an area's name at the middle of its rows, and a
    white line between areas."""
    names = [version_of(r) if by_version else label for label, r in columns(reports)]
    axes.xaxis.tick_top()
    axes.set_xticks(range(len(names)), names, rotation=90, fontsize=7)
    centres, start = [], 0
    for area, area_rows in areas(matrix_rows).items():
        centres.append((start + (len(area_rows) - 1) / 2, f"{area} ({len(area_rows)})"))
        start += len(area_rows)
        axes.axhline(start - 0.5, color="white", linewidth=1.2)
    axes.set_yticks([c for c, _ in centres], [n for _, n in centres], fontsize=6.5)
    for column in range(1, len(names)):
        axes.axvline(column - 0.5, color="white", linewidth=0.4)
    axes.tick_params(length=0)
    for spine in axes.spines.values():
        spine.set_visible(False)
