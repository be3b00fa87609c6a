"""`python -m parametrize_conformance.mutation`: mutate the reference, run the suite on each mutant, triage, score,
report."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import NoReturn

from parametrize_conformance.mutation import _mutmut, _report, _work
from parametrize_conformance.mutation._errors import MutationError
from parametrize_conformance.mutation._score import score
from parametrize_conformance.mutation._triage import check_table, triage
from parametrize_conformance.mutation.equivalent import EQUIVALENT
from parametrize_conformance.mutation.profile import PROFILE

PROG = "python -m parametrize_conformance.mutation"


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line with the fix (argparse prints the usage first)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{PROG}: error: {message}; see {PROG} --help\n")


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise ValueError(text)
    return value


_fraction.__name__ = "fraction between 0 and 1"


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise ValueError(text)
    return value


_positive.__name__ = "positive integer"


def parser() -> argparse.ArgumentParser:
    p = _Parser(prog=PROG, description=__doc__)
    p.add_argument("--out", type=Path, default=None, help="report directory (default: ROOT/reports/mutation)")
    # Note: the checkout is the working directory by default (not this package's location, which is site-packages
    # in a non-editable install).
    p.add_argument("--root", type=Path, default=Path.cwd(), help="the project checkout (default: the current directory)")
    p.add_argument("--max-children", type=_positive, default=2, help="mutants run at once (default: 2)")
    p.add_argument("--target", type=_fraction, default=0.95, help="the score to reach, 0..1 (default: 0.95)")
    p.add_argument("--keep-work", action="store_true", help="keep the work directory (mutmut's mutants/ and log)")
    # Note: a check added to the suite can only kill more mutants, so re-running the survivors of a run on an
    # unchanged reference gives the verdicts a full run would give, in a fraction of the time.
    p.add_argument(
        "--resume",
        type=Path,
        metavar="WORK",
        default=None,
        help="re-run only the untriaged survivors of a --keep-work run's directory, with the suite as it is now "
        "(refused if reference/ changed since)",
    )
    # Note: counting the rank processes' calls (mutation.relay) lets the distributed clauses kill mutants of code only
    # ranks reach, but every surviving mutant then starts rank processes; a first run without it, then --resume with
    # it over the untriaged survivors, gives the same verdicts sooner.
    p.add_argument(
        "--no-rank-coverage",
        dest="rank_coverage",
        action="store_false",
        help="do not count the functions the distributed area's rank processes call toward its tests (faster; "
        "re-run the survivors with --resume to count them)",
    )
    # Note: the triage table changes no verdict, so a kept run is scored against an edited table without running
    # anything again.
    p.add_argument(
        "--retriage",
        action="store_true",
        help="with --resume: run nothing; score the kept run's verdicts against the triage table as it is now",
    )
    return p


def _check_out(out: Path) -> None:
    """MutationError unless reports can be written into `out` (checked before the run; nothing is created)."""
    if out.exists() and not out.is_dir():
        raise MutationError(f"--out {out} is a file: give a directory, e.g. reports/mutation")
    existing = next(p for p in (out, *out.parents) if p.exists())
    if not existing.is_dir() or not _writable(existing):
        raise MutationError(f"--out {out}: cannot write under {existing}; choose a writable directory")


def _writable(directory: Path) -> bool:
    return os.access(directory, os.W_OK | os.X_OK)


def _git_commit(root: Path) -> str | None:
    done = subprocess.run(
        ["git", "-C", str(root), "describe", "--always", "--dirty", "--abbrev=12"], capture_output=True, text=True
    )
    return done.stdout.strip() or None if done.returncode == 0 else None


# Note: SEQUENCE-DIFFERENTIAL is left out: its oracle is the reference itself, so on a mutated reference it compares
# the mutant with itself, at a quarter of the suite's time.
# Note: COMPILE-FULLGRAPH, COMPILE-PER-LAYER-GRAPHS, EXPORT-PROGRAM, EXPORT-CACHED and JIT-SCRIPT-MESSAGE are left
# out: mutmut's trampolines read a ContextVar, which Dynamo cannot trace (a graph break, and strict export fails), and
# TorchScript cannot compile a trampolined forward; they fail on the unmutated copy, so they would kill every mutant.
DESELECTED = (
    "test_sequence.py",
    "test_compile.py::test_compile_fullgraph",
    "test_compile.py::test_compile_per_layer_graphs",
    "test_export.py::test_export_program",
    "test_export.py::test_export_cached",
    "test_jit.py::test_jit_script_message",
)


def _pytest_args() -> list[str]:
    # Note: -p no:cacheprovider keeps the copy clean; the mutation profile is registered by its own plugin module.
    # Note: --level recommended: the reference keeps both levels, so a mutant that breaks only a recommended clause
    # is killed too.
    deselected = [option for test in DESELECTED for option in ("--deselect", f"{_work.PACKAGE}/{test}")]
    return [
        "--adapter",
        "reference",
        "--level",
        "recommended",
        "-p",
        "no:cacheprovider",
        "-p",
        "parametrize_conformance.mutation.profile",
        "--hypothesis-profile",
        PROFILE,
        *deselected,
    ]


def _start(args: argparse.Namespace, work: Path, version: str) -> list[str] | None:
    """Prepare `work` (a fresh copy, or a kept one refreshed); the mutants to re-run (None: all of them)."""
    if args.retriage:
        print(f"{PROG}: triaging the verdicts kept in {work} again (mutmut {version}) ...", flush=True)
        return []
    if args.resume is None:
        _work.prepare(args.root, work, _pytest_args())
        print(f"{PROG}: mutating reference/ in {work} with {args.max_children} workers (mutmut {version}) ...", flush=True)
        return None
    _work.refresh(args.root, work, _pytest_args())
    # Note: only the untriaged survivors: a mutant listed as equivalent survives whatever the suite checks.
    names = [m.name for m in triage(_mutmut.collect(work), EQUIVALENT).untriaged]
    print(f"{PROG}: re-running the {len(names)} untriaged survivors in {work} (mutmut {version}) ...", flush=True)
    return names


def execute(args: argparse.Namespace) -> int:
    """Run everything; returns the exit code (0: target met, 1: not met). Raises MutationError."""
    out = args.out or args.root / "reports" / "mutation"
    if args.retriage and args.resume is None:
        raise MutationError("--retriage needs --resume WORK: the work directory of a --keep-work run")
    version = _mutmut.tool_version()
    check_table(EQUIVALENT)
    _check_out(out)
    started, clock = datetime.now(timezone.utc), time.monotonic()
    work = args.resume or Path(tempfile.mkdtemp(prefix="conformance-mutation-"))
    try:
        names = _start(args, work, version)
        if names != []:  # Note: an empty list would make mutmut run every mutant again
            _mutmut.run(work, args.max_children, names, rank_coverage=args.rank_coverage)
        mutants = _mutmut.collect(work)
    except BaseException:
        print(f"{PROG}: the work directory is kept: {work}", file=sys.stderr)
        raise
    result = triage(mutants, EQUIVALENT)
    counts = score(mutants, result)
    run = {
        "tool": "mutmut",
        "tool_version": version,
        "started": started.isoformat(timespec="seconds"),
        "duration_s": round(time.monotonic() - clock, 1),
        "git_commit": _git_commit(args.root),
        "command": "CI=true pytest --pyargs parametrize_conformance " + " ".join(_pytest_args()),
        "max_children": args.max_children,
        "target": args.target,
        "resumed": args.resume is not None,
        "rank_coverage": args.rank_coverage,
        "not_mutated": {"pattern": _work.MESSAGE_LINE, "lines": _work.message_lines(args.root)},
    }
    if args.retriage:
        run = {**run, **_kept_run(out), "retriaged": True}
    doc = _report.build(mutants, result, counts, run)
    paths = _report.write(out, doc)
    if args.keep_work or args.resume:
        print(f"{PROG}: work directory kept: {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    print(_report.markdown(doc).split("\n\n")[1])
    print(f"{PROG}: wrote {paths[0]} and {paths[1]}")
    return 0 if counts.meets(args.target) else 1


def _kept_run(out: Path) -> dict[str, object]:
    """When, how long and on which commit the run whose verdicts are triaged again ran, from its report in `out`
    (nothing when there is none)."""
    try:
        kept = json.loads((out / "mutation.json").read_text(encoding="utf-8"))["run"]
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    return {key: kept[key] for key in ("started", "duration_s", "git_commit", "resumed") if key in kept}


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return execute(args)
    except MutationError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
