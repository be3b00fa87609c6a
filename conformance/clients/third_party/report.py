"""The third-party client results as JSON (reports/out/third_party.json) and a short Markdown table beside it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from parametrize_conformance.clients.third_party.libraries import Library
from parametrize_conformance.clients.third_party.run import OUTCOMES, Run, regressions
from parametrize_conformance.report import write_atomically

# Note: no top-level "schema" field: the report renderer takes every *.json in reports/out that has one for a clause
# report, and this file is not one.
FORMAT = "parametrize-conformance third-party clients/1"


def library_entry(library: Library, runs: list[Run], notes: list[str]) -> dict[str, Any]:
    """One library's results: what ran, the counts and outcomes per run, and the regressions against the first run."""
    baseline = runs[0] if runs else None
    return {
        "name": library.name,
        "version": library.version,
        "uses": library.uses,
        "notes": notes,
        "tests": library.tests_dir and f"sdist:{library.tests_dir}/" or f"installed package: {library.pyargs}",
        "deselected": dict(library.deselect),
        "runs": {run.label: _run_entry(run) for run in runs},
        "fails_only_on": {
            run.label: [{"test": t, "first_failure": line} for t, line in regressions(baseline, run)] for run in runs[1:]
        }
        if baseline
        else {},
    }


def _run_entry(run: Run) -> dict[str, Any]:
    return {
        "counts": run.counts(),
        "returncode": run.returncode,
        "wall_s": run.wall_s,
        "problem": run.problem,
        "bindings": run.bindings,
        "outcomes": {test: {"outcome": o, "first_line": line} for test, (o, line) in sorted(run.outcomes.items())},
    }


def write(out: Path, document: dict[str, Any]) -> list[Path]:
    """Write third_party.json and third_party.md into `out`; their paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "third_party.json", out / "third_party.md"]
    write_atomically(paths[0], json.dumps({"format": FORMAT, **document}, indent=2) + "\n")
    write_atomically(paths[1], markdown(document))
    return paths


def counts_table(document: dict[str, Any]) -> list[str]:
    """A Markdown table: one row per library and run, with the outcome counts."""
    rows = [
        "| library | implementation | " + " | ".join(OUTCOMES) + " | wall s | note |",
        "| --- | --- | " + " | ".join("---:" for _ in OUTCOMES) + " | ---: | --- |",
    ]
    for lib in document["libraries"]:
        for label, run in lib["runs"].items():
            counts = " | ".join(str(run["counts"][o]) for o in OUTCOMES)
            rows.append(f"| {lib['name']} {lib['version']} | {label} | {counts} | {run['wall_s']} | {run['problem']} |")
        for error in lib["notes"]:
            rows.append(f"| {lib['name']} {lib['version']} | - | " + " | ".join("-" for _ in OUTCOMES) + f" | - | {error} |")
    return rows


def markdown(document: dict[str, Any]) -> str:
    """The short Markdown summary: the counts table, then each test that passes on torch and fails on an adapter."""
    lines = [
        "# Third-party clients of torch.nn.utils.parametrize",
        "",
        f"torch {document['torch']}, Python {document['python']}; `{document['command']}`; "
        f"{document['wall_s']} s; load before: {document['load']}",
        "",
        *counts_table(document),
        "",
    ]
    for lib in document["libraries"]:
        for label, failing in lib["fails_only_on"].items():
            lines.append(f"## {lib['name']}: passes on torch, not on {label} ({len(failing)})")
            lines += [f"- `{f['test']}`: {f['first_failure']}" for f in failing] or ["- none"]
            lines.append("")
    return "\n".join(lines)
