"""The render command: the conformance matrix (matrix.md, matrix.html and the heat map matrix.png) of the reports
named, a column per adapter or per version of one adapter."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from parametrize_conformance.report._files import (
    by_name,
    for_matrix,
    kind,
    load_all,
    looks_like_report,
    reports_in,
    write_atomically,
)
from parametrize_conformance.report._matrix import RUNS_FILE, load_runs, version_columns
from parametrize_conformance.report._usage import UsageError


def render_from_args(args: argparse.Namespace) -> int:
    """Write matrix.md, matrix.html and matrix.png of the reports; print their paths (and the reports of a directory
    left out, and why the picture was not drawn when matplotlib is missing)."""
    files, skipped = report_files(args.reports)
    loaded = load_all(files)
    out = Path(args.out) if args.out else loaded[0][0].parent
    targets = [
        Path(args.markdown) if args.markdown else out / "matrix.md",
        Path(args.html) if args.html else out / "matrix.html",
    ]
    _check_outputs(targets, [path for path, _ in loaded])
    render_markdown, render_html = _renderers()
    reports = [report for _, report in loaded]
    if args.by == "version":
        version_columns(reports, [str(path) for path, _ in loaded])
        runs = _runs(args)
        texts = [render_markdown(reports, by_version=True, runs=runs), render_html(reports, by_version=True, runs=runs)]
    else:
        if args.runs:
            raise UsageError("--runs goes with --by version; add --by version or leave --runs out")
        texts = [render_markdown(reports), render_html(reports)]
    for target, text in zip(targets, texts, strict=True):
        _write(target, text)
        print(target)
    _picture(reports, targets[1].with_suffix(".png"), args.by == "version")
    for line in skipped:
        print(line)
    return 0


def _picture(reports: list[dict[str, Any]], target: Path, by_version: bool) -> None:
    """Draw the heat map beside the HTML page and print its path, or print in one line why it was skipped."""
    from parametrize_conformance.report._heatmap import missing_matplotlib, write_heatmap

    why = missing_matplotlib()
    if why:
        print(f"skipped {target}: {why}")
        return
    try:
        write_heatmap(version_columns(reports) if by_version else reports, target, by_version=by_version)
    except OSError as exc:
        raise UsageError(f"cannot write {target} ({exc.strerror or exc}); choose a writable path") from None
    print(target)


def report_files(arguments: Iterable[str]) -> tuple[list[Path], list[str]]:
    """The report files named by `arguments` (files as given, directories expanded to one report per adapter),
    each once; and a line for each report of a directory that was left out."""
    files: dict[Path, Path] = {}
    skipped: list[str] = []
    for argument in arguments:
        path = Path(argument)
        found = reports_in(path) if path.is_dir() else [path]
        if not found:
            raise UsageError(
                f'{path} holds no reports (*.json files with a "schema" field); write one with '
                f"pytest --pyargs parametrize_conformance --adapter NAME --report {path / 'NAME.json'}"
            )
        if path.is_dir():
            # Note: a matrix has one column per adapter: a --clauses run beside a full one would be a second column
            # of mostly untested clauses, so the full run is shown and the subset named.
            found = []
            for group in by_name(path).values():
                shown = for_matrix(group)
                found.append(shown)
                skipped += [
                    f"skipped {p} ({kind(p)}): the matrix shows {shown} for that adapter; name {p} to render it"
                    for p in group
                    if p != shown
                ]
        for file in found:
            files.setdefault(file.resolve(), file)
    return list(files.values()), skipped


def _runs(args: argparse.Namespace) -> list[dict[str, Any]] | None:
    """The entries of the versions file: --runs, else versions.json in the first directory given, else None."""
    if args.runs:
        return load_runs(Path(args.runs))
    folders = [Path(a) for a in args.reports if Path(a).is_dir() and (Path(a) / RUNS_FILE).is_file()]
    return load_runs(folders[0] / RUNS_FILE) if folders else None


def _renderers() -> tuple[Any, Any]:
    """render_markdown and render_html, looked up when called (so that tests can stand in for them)."""
    from parametrize_conformance.report._html import render_html
    from parametrize_conformance.report._markdown import render_markdown

    return render_markdown, render_html


def _check_outputs(targets: list[Path], inputs: list[Path]) -> None:
    """Raise UsageError unless every target can be written without clobbering a report or each other."""
    if targets[0].resolve() == targets[1].resolve():
        raise UsageError(f"--markdown and --html both name {targets[0]}; give them different paths")
    inputs_resolved = {p.resolve() for p in inputs}
    for target in targets:
        if target.is_dir():
            raise UsageError(f"{target} is a directory; give a file path, or use --out {target}")
        if target.resolve() in inputs_resolved or (target.exists() and looks_like_report(target)):
            raise UsageError(f"{target} is a report, which the matrix would overwrite; write the matrix elsewhere")
        folder = _nearest_existing(target.parent)
        if not folder.is_dir():
            raise UsageError(f"cannot write {target}: {folder} is a file, not a directory; choose another --out")


def _nearest_existing(path: Path) -> Path:
    """`path` or its nearest ancestor that exists."""
    while not path.exists() and path.parent != path:
        path = path.parent
    return path


def _write(path: Path, text: str) -> None:
    """write_atomically, a failure turned into a UsageError."""
    try:
        write_atomically(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write {path} ({exc.strerror or exc}); choose a writable path") from None
