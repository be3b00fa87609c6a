"""`python -m parametrize_conformance.clients.third_party`: run each third-party library's own tests on torch and with each
adapter in place of torch.nn.utils.parametrize; print the counts side by side and write reports/out/third_party.*."""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from parametrize_conformance.clients.third_party import fetch
from parametrize_conformance.clients.third_party.libraries import LIBRARIES, Library, library_named
from parametrize_conformance.clients.third_party.report import counts_table, library_entry, write
from parametrize_conformance.clients.third_party.run import Run, regressions, run_tests

PROG = "python -m parametrize_conformance.clients.third_party"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog=PROG, description=__doc__)
    p.add_argument(
        "--library",
        action="append",
        default=[],
        help="a library of conformance/clients/third_party/libraries.py (repeatable; default: all)",
    )
    p.add_argument(
        "--adapter",
        action="append",
        default=[],
        help="an adapter spec to put in place of "
        "torch.nn.utils.parametrize (repeatable; default: reference); 'torch' runs torch through the stand-in",
    )
    p.add_argument("--out", default="reports/out", help="where third_party.json and third_party.md go")
    p.add_argument(
        "--work",
        help="where sdists are downloaded and tests run (default: a temporary directory, "
        "deleted afterwards; given, it is kept)",
    )
    p.add_argument("--find-links", help="take sdists and packages from this directory only, not from PyPI (offline)")
    return p


def labels(specs: list[str]) -> list[tuple[str, str | None]]:
    """(label, adapter spec) of each run: torch itself first (no stand-in), then each adapter."""
    return [("torch", None), *((f"{s} (stand-in)" if s == "torch" else s, s) for s in specs)]


def run_library(
    library: Library, specs: list[str], work: Path, find_links: str | None = None
) -> tuple[list[Run], list[str]]:
    """Fetch, install and run `library` on torch and each adapter; its runs, or the one-line reason it could not."""
    try:
        print(f"{library.name}: {fetch.ensure_installed(library, find_links)}", flush=True)
        run_dir = fetch.prepare_tests(library, work, find_links)
    except fetch.FetchError as exc:
        print(f"{library.name}: {exc}", file=sys.stderr)
        return [], [str(exc)]
    runs = []
    for label, spec in labels(specs):
        run = run_tests(library, run_dir, re.sub(r"\W+", "_", label).strip("_"), spec, work)
        run.label = label
        print(f"{library.name} on {label}: {run.counts()} in {run.wall_s} s {run.problem}".rstrip(), flush=True)
        runs.append(run)
    return runs, []


def check_arguments(args: argparse.Namespace, libraries: tuple[Library, ...]) -> list[Library]:
    """The libraries asked for; raises SystemExit(2) with one line for an unknown library or adapter."""
    from parametrize_conformance.adapters import AdapterError, check_spec

    try:
        chosen = [library_named(n, libraries) for n in args.library] or list(libraries)
        for spec in args.adapter:
            check_spec(spec)
    except (LookupError, AdapterError) as exc:
        print(f"{PROG}: error: {str(exc).strip(chr(34) + chr(39))}", file=sys.stderr)
        raise SystemExit(2) from None
    return chosen


def main(argv: list[str] | None = None, libraries: tuple[Library, ...] = LIBRARIES) -> int:
    """Run the chosen libraries; 1 when one could not be fetched or a test passes on torch and fails on an adapter."""
    args = parser().parse_args(argv)
    chosen = check_arguments(args, libraries)
    start, load = time.monotonic(), os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="third-party-clients-") as temporary:
        work = Path(args.work or temporary)
        specs = args.adapter or ["reference"]
        results = [(lib, *run_library(lib, specs, work / lib.name, args.find_links)) for lib in chosen]
    document = _document(argv, results, round(time.monotonic() - start, 1), load)
    for path in write(Path(args.out), document):
        print(f"wrote {path}")
    print("\n".join(counts_table(document)))
    return _summary(results)


def _document(argv: list[str] | None, results: list[Any], wall_s: float, load: tuple[float, ...]) -> dict[str, Any]:
    import torch

    return {
        "torch": torch.__version__,
        "python": platform.python_version(),
        "wall_s": wall_s,
        "command": " ".join([PROG, *map(shlex.quote, sys.argv[1:] if argv is None else argv)]),
        "load": " ".join(f"{x:.2f}" for x in load),
        "load_after": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "cpus": os.cpu_count(),
        "libraries": [library_entry(lib, runs, notes) for lib, runs, notes in results],
    }


def _summary(results: list[Any]) -> int:
    status = 0
    for library, runs, notes in results:
        status |= bool(notes) or any(run.problem for run in runs)
        for run in runs[1:]:
            for test, line in regressions(runs[0], run):
                print(f"{library.name}: passes on torch, not on {run.label}: {test}: {line}")
                status = 1
    return int(status)
