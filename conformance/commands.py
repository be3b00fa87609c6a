"""python -m parametrize_conformance.report: render the matrix, diff, gate a run against a baseline, bless a run as the
baseline (report/), and run the suite on torch releases (versions, history: releases/).

Exit status: 0 success (no regression), 1 a regression or a baseline without a report, 2 a usage error. Every
usage error is one line on stderr; a failing command writes nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from parametrize_conformance.releases.history import DEFAULT_OUT as DEFAULT_HISTORY_OUT
from parametrize_conformance.releases.history import history_from_args
from parametrize_conformance.releases.versions import DEFAULT_ENVS, versions_from_args
from parametrize_conformance.releases.versions import DEFAULT_OUT as DEFAULT_VERSIONS_OUT
from parametrize_conformance.report import (
    DEFAULT_BASELINES,
    DEFAULT_OUT,
    PROG,
    RUNS_FILE,
    ReportError,
    UsageError,
    bless_from_args,
    diff_from_args,
    gate_from_args,
    render_from_args,
)
from parametrize_conformance.suggest import did_you_mean

COMMANDS = ("render", "diff", "gate", "bless")
# Note: versions runs the suite rather than reading reports; it is kept apart so that messages about reports name
# the report commands only.
RUN_COMMANDS = ("versions", "history")


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one-line UsageErrors ending in a hint, rather than usage and exit."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message}; run {self.prog} --help")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line `argv` (default: sys.argv[1:]); returns the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        try:
            args = _parse(argv)
        except SystemExit as exc:  # --help
            return exc.code if isinstance(exc.code, int) else 0
        run: Callable[[argparse.Namespace], int] = args.run
        return run(args)
    except (UsageError, ReportError) as exc:
        print(f"{PROG}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2


def _parse(argv: list[str]) -> argparse.Namespace:
    """The parsed arguments; a first argument that is a report (or a render option) means `render`."""
    parser, commands = _parser()
    head, tail = (argv[: argv.index("--")], argv[argv.index("--") + 1 :]) if "--" in argv else (argv, [])
    args, extras = parser.parse_known_args(_with_command(head))
    if extras:
        raise UsageError(_unrecognized(extras[0], commands[args.command]))
    if tail and args.command not in ("gate", *RUN_COMMANDS):
        raise UsageError(
            f"arguments after -- are for the suite run of gate, versions or history only; remove them from {args.command}"
        )
    args.pytest_arguments = tail
    return args


def _parser() -> tuple[_Parser, dict[str, _Parser]]:
    """The top-level parser and the parser of each command."""
    parser = _Parser(
        prog=PROG,
        description="Render, compare and bless parametrize-conformance reports.",
        epilog=f"With no command, the arguments are reports to render: {PROG} reports/out/. Exit status: 0 "
        f"done, 1 diff found a regression or a baseline without a report, 2 a usage error.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    render = sub.add_parser(
        "render",
        help="write the conformance matrix (matrix.md and matrix.html) of reports",
        description="Write the conformance matrix of reports as Markdown and HTML.",
    )
    render.add_argument(
        "reports", nargs="+", metavar="REPORT_OR_DIR", help="report files, or directories whose *.json reports are all taken"
    )
    render.add_argument(
        "--out", metavar="DIR", help="where matrix.md and matrix.html go (default: the first report's directory)"
    )
    render.add_argument("--markdown", metavar="PATH", help="the Markdown file (default: DIR/matrix.md)")
    render.add_argument("--html", metavar="PATH", help="the HTML file (default: DIR/matrix.html)")
    render.add_argument(
        "--by",
        choices=("adapter", "version"),
        default="adapter",
        help="a column per adapter (default), or per version of one adapter (oldest first, the "
        "clauses whose status changes marked)",
    )
    render.add_argument(
        "--runs",
        metavar="PATH",
        help="with --by version: the versions file to show (default: "
        f"{RUNS_FILE} in the first directory given, when there is one)",
    )
    render.set_defaults(run=render_from_args)
    diff = sub.add_parser(
        "diff",
        help="compare reports with baselines: exit 1 when a clause got worse",
        description="Compare reports with their baselines clause by clause. BASE and NEW are two "
        "report files, a baseline file and a directory holding a report of the same name, or two "
        "directories paired by file name (a --clauses run's NAME.subset.json pairs as NAME.json; of "
        "two reports of one adapter the newer is compared). A --clauses run is compared on the "
        "clauses it selected. Exit 0: nothing regressed; 1: a clause regressed or a baseline has no "
        "report; 2: a usage error.",
    )
    diff.add_argument("base", metavar="BASE", help="the baseline report, or a directory of baselines")
    diff.add_argument("new", metavar="NEW", help="the new report, or a directory of reports")
    diff.set_defaults(run=diff_from_args)
    gate = sub.add_parser(
        "gate",
        help="run the suite on every baselined adapter and diff against the baselines",
        description="Run the suite on the adapter of every baseline in --baseline, each in its own "
        "process and under the baselines' Hypothesis profile, write the reports to --out, and diff "
        "them against the baselines. Arguments after -- go to pytest. Exit status as for diff; the "
        "suite's own status when it did not run to the end.",
    )
    gate.add_argument(
        "--baseline",
        metavar="DIR",
        default=str(DEFAULT_BASELINES),
        help=f"the blessed baselines (default: {DEFAULT_BASELINES})",
    )
    gate.add_argument(
        "--out", metavar="DIR", default=str(DEFAULT_OUT), help=f"where the run's reports go (default: {DEFAULT_OUT})"
    )
    gate.add_argument("--jobs", metavar="N", type=int, default=2, help="adapters run at once (default: 2)")
    gate.set_defaults(run=gate_from_args)
    bless = sub.add_parser(
        "bless",
        help="make a completed run's report the baseline that diff gates against",
        description="Copy the report of a completed run of every clause (no --clauses) into a blessed baseline.",
    )
    bless.add_argument("report", metavar="REPORT", help="the report of a completed run of every clause")
    bless.add_argument(
        "--to", metavar="PATH", help=f"the baseline to write (default: {DEFAULT_BASELINES}/<REPORT's file name>)"
    )
    bless.set_defaults(run=bless_from_args)
    versions = _versions_parser(sub)
    history = _history_parser(sub)
    return parser, {"render": render, "diff": diff, "gate": gate, "bless": bless, "versions": versions, "history": history}


def _versions_parser(sub: argparse._SubParsersAction[_Parser]) -> _Parser:
    """The parser of the versions command."""
    versions = sub.add_parser(
        "versions",
        help="run the torch adapter on each installable torch release and render the clause x version matrix",
        description="For each torch version (default: the "
        "newest patch of every minor release pip lists), install it into an environment of its "
        "own, run the suite's torch adapter there under the ci profile, and write "
        "OUT/torch-VERSION.json, OUT/versions.json (what ran, why the others did not) and the "
        "matrix by version. Versions whose wheels are not on this machine's disk are skipped "
        "unless --download. Arguments after -- go to pytest. Exit 1 when a version failed to "
        "install or run.",
    )
    versions.add_argument("--versions", metavar="X,Y", help="the torch versions to try, comma-separated")
    versions.add_argument(
        "--download",
        action="store_true",
        help="also install versions whose large wheels (a CUDA build: several GB) pip would download",
    )
    versions.add_argument(
        "--out",
        metavar="DIR",
        default=str(DEFAULT_VERSIONS_OUT),
        help=f"where reports and the matrix go (default: {DEFAULT_VERSIONS_OUT})",
    )
    versions.add_argument(
        "--envs",
        metavar="DIR",
        default=str(DEFAULT_ENVS),
        help=f"where each version's environment is made (default: {DEFAULT_ENVS})",
    )
    versions.add_argument(
        "--keep-envs",
        action="store_true",
        help="keep each environment after its run (a CUDA build's takes several GB; by default it is deleted)",
    )
    versions.set_defaults(run=versions_from_args)
    return versions


def _history_parser(sub: argparse._SubParsersAction[_Parser]) -> _Parser:
    """The parser of the history command."""
    history = sub.add_parser(
        "history",
        help="run the suite on each torch release's own parametrize.py and render the clause x release matrix",
        description="For each torch release (default: the newest "
        "patch of every minor release from 1.9 that pip lists), download its smallest wheel, keep "
        "only torch/nn/utils/parametrize.py in --cache, run the suite on it (adapter "
        "torch-release:CACHE/torch-X) on the installed torch under the ci profile, and write "
        "OUT/torch-X.json, OUT/history.json and the matrix by release. Arguments after -- go to "
        "pytest. Exit 1 when a release's run failed.",
    )
    history.add_argument(
        "--cache",
        metavar="DIR",
        required=True,
        help="where each release's parametrize.py is kept (torch's code: outside the repository, never committed)",
    )
    history.add_argument("--releases", metavar="X,Y", help="the torch releases to run, comma-separated")
    history.add_argument(
        "--out",
        metavar="DIR",
        default=str(DEFAULT_HISTORY_OUT),
        help=f"where reports and the matrix go (default: {DEFAULT_HISTORY_OUT})",
    )
    history.add_argument(
        "--ignore-pip-config",
        action="store_true",
        help="let pip read no configuration file for its "
        "listing and downloads (a local constraint file may cap torch at the builds on disk)",
    )
    history.set_defaults(run=history_from_args)
    return history


def _with_command(argv: list[str]) -> list[str]:
    """`argv`, with `render` put in front when it starts with a report, a directory or a render option."""
    if not argv:
        raise UsageError(
            f"no command given: use render REPORT_OR_DIR..., diff BASE NEW, gate or bless REPORT; run {PROG} --help"
        )
    first = argv[0]
    if first in COMMANDS + RUN_COMMANDS or first in ("-h", "--help"):
        return argv
    if first.startswith("-") or Path(first).exists() or first.endswith(".json") or "/" in first:
        return ["render", *argv]
    guess = did_you_mean(first, COMMANDS + RUN_COMMANDS)
    if guess:
        raise UsageError(f"{first!r} is not a command{guess}; run {PROG} --help")
    raise UsageError(
        f"{first!r} is neither a command ({', '.join(COMMANDS)}) nor a report file or directory "
        f"(versions runs the suite per torch release); run {PROG} --help"
    )


def _unrecognized(argument: str, parser: _Parser) -> str:
    """The error for an argument `parser` does not take, naming a close option when there is one."""
    if not argument.startswith("-"):
        return f"unexpected argument {argument!r}; run {parser.prog} --help"
    name = argument.split("=")[0]
    options = [o for action in parser._actions for o in action.option_strings]
    return f"unrecognized option {name}{did_you_mean(name, options)}; run {parser.prog} --help"
