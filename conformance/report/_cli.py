"""python -m conformance.report: render the matrix, gate a run against a baseline, bless a run as the baseline.

Exit status: 0 success (no regression), 1 a regression or a baseline without a report, 2 a usage error. Every
usage error is one line on stderr; a failing command writes nothing.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple, NoReturn

from conformance.report._by_version import RUNS_FILE, load_runs, version_columns
from conformance.report._diff import Diff, diff_reports, format_table
from conformance.report._files import (
    check_writable,
    is_subset,
    load_report,
    pair_name,
    peek,
    selected,
    write_atomically,
    write_report,
)
from conformance.report._gate import gate_command, load_baselines, run_suite_for_gate
from conformance.report._history import DEFAULT_OUT as DEFAULT_HISTORY_OUT
from conformance.report._history import HistoryError, HistoryOptions, history_command
from conformance.report._model import BAD_STATUSES, STATUSES
from conformance.report._schema import ReportError
from conformance.report._versions import DEFAULT_ENVS, Options, versions_command
from conformance.report._versions import DEFAULT_OUT as DEFAULT_VERSIONS_OUT
from conformance.suggest import did_you_mean

PROG = "python -m conformance.report"
COMMANDS = ("render", "diff", "gate", "bless")
# Note: versions runs the suite rather than reading reports; it is kept apart so that messages about reports name
# the report commands only.
RUN_COMMANDS = ("versions", "history")
DEFAULT_BASELINES = Path("reports", "baseline")
DEFAULT_OUT = Path("reports", "out")
Loaded = list[tuple[Path, dict[str, Any]]]


class UsageError(Exception):
    """A mistake in the command line or its inputs; the message says what is wrong and what to do."""


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
        return args.run(args)
    except (UsageError, ReportError) as exc:
        print(f"{PROG}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2


def _parse(argv: list[str]) -> argparse.Namespace:
    """The parsed arguments; a first argument that is a report (or a render option) means `render`."""
    parser, commands = _parser()
    head, tail = (argv[:argv.index("--")], argv[argv.index("--") + 1:]) if "--" in argv else (argv, [])
    args, extras = parser.parse_known_args(_with_command(head))
    if extras:
        raise UsageError(_unrecognized(extras[0], commands[args.command]))
    if tail and args.command not in ("gate", *RUN_COMMANDS):
        raise UsageError(f"arguments after -- are for the suite run of gate, versions or history only; remove them "
                         f"from {args.command}")
    args.pytest_arguments = tail
    return args


def _parser() -> tuple[_Parser, dict[str, _Parser]]:
    """The top-level parser and the parser of each command."""
    parser = _Parser(prog=PROG, description="Render, compare and bless parametrize-conformance reports.",
                     epilog=f"With no command, the arguments are reports to render: {PROG} reports/out/. Exit status: 0 "
                     f"done, 1 diff found a regression or a baseline without a report, 2 a usage error.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    render = sub.add_parser("render", help="write the conformance matrix (matrix.md and matrix.html) of reports",
                            description="Write the conformance matrix of reports as Markdown and HTML.")
    render.add_argument("reports", nargs="+", metavar="REPORT_OR_DIR",
                        help="report files, or directories whose *.json reports are all taken")
    render.add_argument("--out", metavar="DIR", help="where matrix.md and matrix.html go (default: the first "
                        "report's directory)")
    render.add_argument("--markdown", metavar="PATH", help="the Markdown file (default: DIR/matrix.md)")
    render.add_argument("--html", metavar="PATH", help="the HTML file (default: DIR/matrix.html)")
    render.add_argument("--by", choices=("adapter", "version"), default="adapter",
                        help="a column per adapter (default), or per version of one adapter (oldest first, the "
                        "clauses whose status changes marked)")
    render.add_argument("--runs", metavar="PATH", help="with --by version: the versions file to show (default: "
                        f"{RUNS_FILE} in the first directory given, when there is one)")
    render.set_defaults(run=_render)
    diff = sub.add_parser("diff", help="compare reports with baselines: exit 1 when a clause got worse",
                          description="Compare reports with their baselines clause by clause. BASE and NEW are two "
                          "report files, a baseline file and a directory holding a report of the same name, or two "
                          "directories paired by file name (a --clauses run's NAME.subset.json pairs as NAME.json; of "
                          "two reports of one adapter the newer is compared). A --clauses run is compared on the "
                          "clauses it selected. Exit 0: nothing regressed; 1: a clause regressed or a baseline has no "
                          "report; 2: a usage error.")
    diff.add_argument("base", metavar="BASE", help="the baseline report, or a directory of baselines")
    diff.add_argument("new", metavar="NEW", help="the new report, or a directory of reports")
    diff.set_defaults(run=_diff)
    gate = sub.add_parser("gate", help="run the suite on every baselined adapter and diff against the baselines",
                          description="Run the suite on the adapter of every baseline in --baseline, each in its own "
                          "process and under the baselines' Hypothesis profile, write the reports to --out, and diff "
                          "them against the baselines. Arguments after -- go to pytest. Exit status as for diff; the "
                          "suite's own status when it did not run to the end.")
    gate.add_argument("--baseline", metavar="DIR", default=str(DEFAULT_BASELINES),
                      help=f"the blessed baselines (default: {DEFAULT_BASELINES})")
    gate.add_argument("--out", metavar="DIR", default=str(DEFAULT_OUT), help=f"where the run's reports go (default: "
                      f"{DEFAULT_OUT})")
    gate.add_argument("--jobs", metavar="N", type=int, default=2, help="adapters run at once (default: 2)")
    gate.set_defaults(run=_gate)
    bless = sub.add_parser("bless", help="make a completed run's report the baseline that diff gates against",
                           description="Copy the report of a completed run of every clause (no --clauses) into a "
                           "blessed baseline.")
    bless.add_argument("report", metavar="REPORT", help="the report of a completed run of every clause")
    bless.add_argument("--to", metavar="PATH", help=f"the baseline to write (default: {DEFAULT_BASELINES}/<REPORT's "
                       "file name>)")
    bless.set_defaults(run=_bless)
    versions = _versions_parser(sub)
    history = _history_parser(sub)
    return parser, {"render": render, "diff": diff, "gate": gate, "bless": bless, "versions": versions,
                    "history": history}


def _versions_parser(sub: Any) -> _Parser:
    """The parser of the versions command."""
    versions = sub.add_parser("versions", help="run the torch adapter on each installable torch release and render "
                              "the clause x version matrix", description="For each torch version (default: the "
                              "newest patch of every minor release pip lists), install it into an environment of its "
                              "own, run the suite's torch adapter there under the ci profile, and write "
                              "OUT/torch-VERSION.json, OUT/versions.json (what ran, why the others did not) and the "
                              "matrix by version. Versions whose wheels are not on this machine's disk are skipped "
                              "unless --download. Arguments after -- go to pytest. Exit 1 when a version failed to "
                              "install or run.")
    versions.add_argument("--versions", metavar="X,Y", help="the torch versions to try, comma-separated")
    versions.add_argument("--download", action="store_true", help="also install versions whose large wheels (a "
                          "CUDA build: several GB) pip would download")
    versions.add_argument("--out", metavar="DIR", default=str(DEFAULT_VERSIONS_OUT),
                          help=f"where reports and the matrix go (default: {DEFAULT_VERSIONS_OUT})")
    versions.add_argument("--envs", metavar="DIR", default=str(DEFAULT_ENVS), help="where each version's environment "
                          f"is made (default: {DEFAULT_ENVS})")
    versions.add_argument("--keep-envs", action="store_true", help="keep each environment after its run (a CUDA "
                          "build's takes several GB; by default it is deleted)")
    versions.set_defaults(run=_versions)
    return versions


def _history_parser(sub: Any) -> _Parser:
    """The parser of the history command."""
    history = sub.add_parser("history", help="run the suite on each torch release's own parametrize.py and render "
                             "the clause x release matrix", description="For each torch release (default: the newest "
                             "patch of every minor release from 1.9 that pip lists), download its smallest wheel, keep "
                             "only torch/nn/utils/parametrize.py in --cache, run the suite on it (adapter "
                             "torch-release:CACHE/torch-X) on the installed torch under the ci profile, and write "
                             "OUT/torch-X.json, OUT/history.json and the matrix by release. Arguments after -- go to "
                             "pytest. Exit 1 when a release's run failed.")
    history.add_argument("--cache", metavar="DIR", required=True, help="where each release's parametrize.py is kept "
                         "(torch's code: outside the repository, never committed)")
    history.add_argument("--releases", metavar="X,Y", help="the torch releases to run, comma-separated")
    history.add_argument("--out", metavar="DIR", default=str(DEFAULT_HISTORY_OUT),
                         help=f"where reports and the matrix go (default: {DEFAULT_HISTORY_OUT})")
    history.add_argument("--ignore-pip-config", action="store_true", help="let pip read no configuration file for its "
                         "listing and downloads (a local constraint file may cap torch at the builds on disk)")
    history.set_defaults(run=_history)
    return history


def _with_command(argv: list[str]) -> list[str]:
    """`argv`, with `render` put in front when it starts with a report, a directory or a render option."""
    if not argv:
        raise UsageError(f"no command given: use render REPORT_OR_DIR..., diff BASE NEW, gate or bless REPORT; "
                         f"run {PROG} --help")
    first = argv[0]
    if first in COMMANDS + RUN_COMMANDS or first in ("-h", "--help"):
        return argv
    if first.startswith("-") or Path(first).exists() or first.endswith(".json") or "/" in first:
        return ["render", *argv]
    guess = did_you_mean(first, COMMANDS + RUN_COMMANDS)
    if guess:
        raise UsageError(f"{first!r} is not a command{guess}; run {PROG} --help")
    raise UsageError(f"{first!r} is neither a command ({', '.join(COMMANDS)}) nor a report file or directory "
                     f"(versions runs the suite per torch release); run {PROG} --help")


def _unrecognized(argument: str, parser: _Parser) -> str:
    """The error for an argument `parser` does not take, naming a close option when there is one."""
    if not argument.startswith("-"):
        return f"unexpected argument {argument!r}; run {parser.prog} --help"
    name = argument.split("=")[0]
    options = [o for action in parser._actions for o in action.option_strings]
    return f"unrecognized option {name}{did_you_mean(name, options)}; run {parser.prog} --help"


# Loading reports


def _reports_in(directory: Path) -> list[Path]:
    """The reports of `directory`: its *.json files holding a JSON object with a "schema" field, sorted by name."""
    return [p for p in sorted(directory.glob("*.json")) if p.is_file() and _looks_like_report(p)]


def _looks_like_report(path: Path) -> bool:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(data, dict) and "schema" in data


def _by_name(directory: Path) -> dict[str, list[Path]]:
    """The reports of `directory` grouped by the file name they pair under: a --clauses run's NAME.subset.json
    goes with NAME.json."""
    groups: dict[str, list[Path]] = {}
    for path in _reports_in(directory):
        groups.setdefault(pair_name(path), []).append(path)
    return groups


def _finished(path: Path) -> float:
    """When the report's run finished (POSIX seconds; 0 when it does not say)."""
    run = (peek(path) or {}).get("run")
    try:
        return datetime.fromisoformat(run["finished"]).timestamp()
    except (TypeError, KeyError, ValueError):
        return 0.0


def _is_subset_file(path: Path) -> bool:
    return is_subset(peek(path) or {})


def _latest(paths: Sequence[Path]) -> Path:
    """The report of the run that finished last; a full run's on a tie."""
    return max(paths, key=lambda p: (_finished(p), not _is_subset_file(p)))


def _for_matrix(paths: Sequence[Path]) -> Path:
    """The one report of an adapter a directory's matrix shows: the latest full run, else the latest --clauses run."""
    full = [p for p in paths if not _is_subset_file(p)]
    return _latest(full or paths)


def _report_files(arguments: Iterable[str]) -> tuple[list[Path], list[str]]:
    """The report files named by `arguments` (files as given, directories expanded to one report per adapter),
    each once; and a line for each report of a directory that was left out."""
    files: dict[Path, Path] = {}
    skipped: list[str] = []
    for argument in arguments:
        path = Path(argument)
        found = _reports_in(path) if path.is_dir() else [path]
        if not found:
            raise UsageError(f"{path} holds no reports (*.json files with a \"schema\" field); write one with "
                             f"pytest --pyargs conformance --adapter NAME --report {path / 'NAME.json'}")
        if path.is_dir():
            # Note: a matrix has one column per adapter: a --clauses run beside a full one would be a second column
            # of mostly untested clauses, so the full run is shown and the subset named.
            found = []
            for group in _by_name(path).values():
                shown = _for_matrix(group)
                found.append(shown)
                skipped += [f"skipped {p} ({_kind(p)}): the matrix shows {shown} for that adapter; name {p} to "
                            f"render it" for p in group if p != shown]
        for file in found:
            files.setdefault(file.resolve(), file)
    return list(files.values()), skipped


def _kind(path: Path) -> str:
    """'a --clauses run' or 'a full run', for messages about a report file."""
    return "a --clauses run" if _is_subset_file(path) else "a full run"


def _load_all(paths: Iterable[Path]) -> Loaded:
    """Each path with its validated report; raises ReportError on the first unreadable or invalid one."""
    return [(path, load_report(path)) for path in paths]


# render


def _render(args: argparse.Namespace) -> int:
    """Write matrix.md and matrix.html of the reports; print their paths (and the reports of a directory left out)."""
    files, skipped = _report_files(args.reports)
    loaded = _load_all(files)
    out = Path(args.out) if args.out else loaded[0][0].parent
    targets = [Path(args.markdown) if args.markdown else out / "matrix.md",
               Path(args.html) if args.html else out / "matrix.html"]
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
    for line in skipped:
        print(line)
    return 0


def _runs(args: argparse.Namespace) -> list[dict[str, Any]] | None:
    """The entries of the versions file: --runs, else versions.json in the first directory given, else None."""
    if args.runs:
        return load_runs(Path(args.runs))
    folders = [Path(a) for a in args.reports if Path(a).is_dir() and (Path(a) / RUNS_FILE).is_file()]
    return load_runs(folders[0] / RUNS_FILE) if folders else None


def _renderers() -> tuple[Any, Any]:
    """render_markdown and render_html, looked up when called (so that tests can stand in for them)."""
    from conformance.report._html import render_html
    from conformance.report._markdown import render_markdown

    return render_markdown, render_html


def _check_outputs(targets: list[Path], inputs: list[Path]) -> None:
    """Raise UsageError unless every target can be written without clobbering a report or each other."""
    if targets[0].resolve() == targets[1].resolve():
        raise UsageError(f"--markdown and --html both name {targets[0]}; give them different paths")
    inputs_resolved = {p.resolve() for p in inputs}
    for target in targets:
        if target.is_dir():
            raise UsageError(f"{target} is a directory; give a file path, or use --out {target}")
        if target.resolve() in inputs_resolved or (target.exists() and _looks_like_report(target)):
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


# diff


def _diff(args: argparse.Namespace) -> int:
    """Print the diff of each baseline and its report; 1 when a clause regressed or a baseline lacks its report."""
    return _compare(Path(args.base), Path(args.new), "diff")


def _compare(base: Path, new: Path, verb: str) -> int:
    """Diff `new` against the baselines `base`, the verdict worded for the command `verb` (diff or gate)."""
    pairing = _pair(base, new)
    compared = [(b, n, diff_reports(load_report(b), load_report(n))) for b, n in pairing.pairs]
    _load_all(pairing.unbaselined)
    for base_path, new_path, diff in compared:
        _print_diff(base_path, new_path, diff)
    for line in pairing.passed_over:
        print(line)
    for base_path in pairing.missing:
        print(f"no report for baseline {base_path} in {new}: run that adapter and write its report there")
    for new_path in pairing.unbaselined:
        print(f"not gated (no baseline): {new_path}; bless it with {PROG} bless {new_path} --to "
              f"{base / pair_name(new_path)}")
    regressed = [(n, diff, c) for _, n, diff in compared for c in diff.regressed]
    if regressed:
        print("Regressed clauses:")
        for _, diff, change in regressed:
            print(f"  {change.clause}{change.tag} [{diff.new_adapter}] {change.base} -> {change.new}: {change.statement}")
    print(_verdict(verb, len(regressed), len(compared), len(pairing.missing)))
    return 1 if regressed or pairing.missing else 0


class _Pairing(NamedTuple):
    """What a diff compares: (baseline, report) pairs, baselines with no report, reports with no baseline, and a line
    for each report left out because a newer one of its adapter is compared."""

    pairs: list[tuple[Path, Path]]
    missing: list[Path]
    unbaselined: list[Path]
    passed_over: list[str]


def _pair(base: Path, new: Path) -> _Pairing:
    """How the baselines `base` (a file or a directory) pair with the reports `new`."""
    if not base.exists():
        raise UsageError(f"{base}: no such baseline; bless a completed run's report with {PROG} bless REPORT --to {base}")
    if not new.exists():
        raise UsageError(f"{new}: no such report or directory; write it with pytest --pyargs conformance --adapter "
                         f"NAME --report PATH")
    if not base.is_dir():
        if not new.is_dir():
            return _Pairing([(base, new)], [], [], []) if new.is_file() else _Pairing([], [base], [], [])
        group = _by_name(new).get(base.name)
        if not group:
            return _Pairing([], [base], [], [])
        report = _latest(group)
        return _Pairing([(base, report)], [], [], _passed_over(group, report, base, new_side=True))
    if not new.is_dir():
        raise UsageError(f"BASE {base} is a directory but NEW {new} is a file; give NEW as a directory of reports, "
                         f"or BASE as the baseline file {base / new.name}")
    baselines, reports = _by_name(base), _by_name(new)
    if not baselines:
        raise UsageError(f"{base} holds no baselines (*.json reports); bless one with {PROG} bless REPORT --to "
                         f"{base / 'NAME.json'}")
    # Note: where a directory holds an adapter's full run and a --clauses run, the diff compares the newer, the run
    # that was just made; the other is named, with the command that compares it.
    pairing = _Pairing([], [], [p for n, g in reports.items() if n not in baselines for p in g], [])
    for name, group in baselines.items():
        baseline = _latest(group)
        pairing.passed_over.extend(_passed_over(group, baseline, new, new_side=False))
        if name not in reports:
            pairing.missing.append(baseline)
            continue
        report = _latest(reports[name])
        pairing.pairs.append((baseline, report))
        pairing.passed_over.extend(_passed_over(reports[name], report, baseline, new_side=True))
    return pairing


def _passed_over(group: Sequence[Path], chosen: Path, other: Path, new_side: bool) -> list[str]:
    """A line for each report of `group` that is not `chosen`: what it is, and how to compare it against `other`."""
    lines = []
    for path in (p for p in group if p != chosen):
        command = f"{PROG} diff {other} {path}" if new_side else f"{PROG} diff {path} {other}"
        lines.append(f"not compared: {path} ({_kind(path)}), since {chosen} is the newer report of that adapter; "
                     f"compare it by name: {command}")
    return lines


def _print_diff(base_path: Path, new_path: Path, diff: Diff) -> None:
    """The header and table of one diff."""
    print(f"{diff.new_adapter}: {base_path} -> {new_path}")
    for line in format_table(diff):
        print(f"  {line}")


def _verdict(verb: str, regressed: int, compared: int, missing: int) -> str:
    """The last line of a diff, worded for the command `verb` (diff or gate): whether it passed, and why not."""
    problems = []
    if regressed:
        problems.append(f"{regressed} clause{'s' * (regressed != 1)} regressed")
    if missing:
        problems.append(f"{missing} baseline{'s' * (missing != 1)} without a report")
    reports = f"{compared} report{'s' * (compared != 1)} compared"
    if problems:
        return f"{verb} failed: {', '.join(problems)} ({reports})"
    return f"{verb} passed: nothing regressed ({reports})"


# gate


def _gate(args: argparse.Namespace) -> int:
    """Run the suite for every baseline, then diff; the suite's status when it did not run to the end."""
    base, out = Path(args.baseline), Path(args.out)
    if not base.is_dir() or not _reports_in(base):
        raise UsageError(f"{base} holds no baselines; bless a completed run's report with {PROG} bless REPORT")
    if out.resolve() == base.resolve():
        raise UsageError(f"--out {out} is the baseline directory; write the gate's run elsewhere (default {DEFAULT_OUT})")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    command = gate_command(load_baselines(_reports_in(base)), out, args.jobs, args.pytest_arguments)
    status = run_suite_for_gate(command)
    if status not in (0, 1):
        print(f"gate failed: the suite run ended with status {status} before the diff", file=sys.stderr)
        return status
    return _compare(base, out, "gate")


# versions


def _versions(args: argparse.Namespace) -> int:
    """Run the suite's torch adapter on each version; write the reports, versions.json and the matrix."""
    versions = [v.strip() for v in args.versions.split(",") if v.strip()] if args.versions else None
    if args.versions is not None and not versions:
        raise UsageError("--versions names no version; give them comma-separated, e.g. --versions 2.13.0,2.14.1")
    bad = [v for v in versions or () if not re.fullmatch(r"\d+\.\d+(\.\d+)?", v)]
    if bad:
        raise UsageError(f"--versions: {', '.join(bad)} is not a release version such as 2.13.0")
    options = Options(Path(args.out), Path(args.envs), Path.cwd(), args.download, args.keep_envs,
                      tuple(args.pytest_arguments))
    return versions_command(versions, options, " ".join([PROG, *sys.argv[1:]]))


# history


def _history(args: argparse.Namespace) -> int:
    """Run the suite on each release's parametrize.py; write the reports, history.json and the matrix."""
    releases = _release_list(args.releases, "--releases")
    cache = Path(args.cache).expanduser().resolve()
    if _inside(cache, Path.cwd()) and (Path.cwd() / ".git").exists():
        raise UsageError(f"--cache {args.cache} is inside this repository; torch's files must not be committed: "
                         f"give a folder outside it, such as ~/.cache/parametrize-conformance/torch")
    options = HistoryOptions(cache, Path(args.out), Path.cwd(), args.ignore_pip_config, tuple(args.pytest_arguments))
    try:
        return history_command(releases, options, " ".join([PROG, *sys.argv[1:]]))
    except HistoryError as exc:
        raise UsageError(str(exc)) from None


def _release_list(text: str | None, option: str) -> list[str] | None:
    """The comma-separated releases of `option` (None when it is not given); a UsageError for a malformed one."""
    if text is None:
        return None
    releases = [v.strip() for v in text.split(",") if v.strip()]
    if not releases:
        raise UsageError(f"{option} names no release; give them comma-separated, e.g. {option} 1.9.1,2.0.1")
    bad = [v for v in releases if not re.fullmatch(r"\d+\.\d+(\.\d+)?", v)]
    if bad:
        raise UsageError(f"{option}: {', '.join(bad)} is not a release version such as 2.13.0")
    return releases


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder.resolve())
    except ValueError:
        return False
    return True


# bless


def _bless(args: argparse.Namespace) -> int:
    """Write the report as a blessed baseline; print what was done and the report's counts."""
    source = Path(args.report)
    report = load_report(source)
    _check_completed(source, report)
    _check_full(source, report)
    target = Path(args.to) if args.to else DEFAULT_BASELINES / source.name
    check_writable(target, allow_baseline=True)
    replaced = _baseline_of(target)
    blessed = {"schema": report["schema"], "baseline": {"blessed_at": _now(), "source": str(source)},
               **{k: v for k, v in report.items() if k not in ("schema", "baseline")}}
    try:
        write_report(target, blessed, allow_baseline=True)
    except OSError as exc:
        raise UsageError(f"cannot write {target} ({exc.strerror or exc}); choose a writable --to path") from None
    for line in _bless_lines(source, target, blessed, replaced):
        print(line)
    return 0


def _check_completed(source: Path, report: dict[str, Any]) -> None:
    """Raise UsageError unless the report's run completed."""
    run = report["run"]
    if run["exit"] != "completed":
        said = f": {run['message']}" if run["message"] else ""
        raise UsageError(f"{source}: the run did not complete (run.exit is {run['exit']!r}{said}), so its statuses "
                         f"are no baseline; rerun it to the end (pytest --pyargs conformance --adapter "
                         f"{report['adapter']['spec']} --report {source}) and bless that report")


def _check_full(source: Path, report: dict[str, Any]) -> None:
    """Raise UsageError if the report is of a --clauses run, whose unselected clauses are untested."""
    chosen = selected(report)
    if chosen is not None:
        raise UsageError(f"{source} is a --clauses run ({len(chosen)} of {len(report['clauses'])} clauses selected), "
                         f"so the other clauses are untested and it is no baseline; run every clause (pytest --pyargs "
                         f"conformance --adapter {report['adapter']['spec']} --report PATH, no --clauses) and bless "
                         f"that report")


def _baseline_of(path: Path) -> dict[str, Any] | None:
    """The baseline field of the report at `path`, if it is a blessed baseline."""
    if not path.is_file():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("baseline")
    except (OSError, ValueError, AttributeError):
        return None


def _bless_lines(source: Path, target: Path, report: dict[str, Any], replaced: dict[str, Any] | None) -> list[str]:
    """What bless tells the user: the new baseline, its counts, what it replaced, how to gate against it."""
    adapter, suite = report["adapter"], report["suite"]
    version = f" {adapter['version']}" if adapter["version"] else ""
    commit = f" {suite['commit'][:7]}" if suite["commit"] else ""
    lines = [f"blessed {source} as baseline {target} (adapter {adapter['name']}{version}, "
             f"suite {suite['version']}{commit})", _counts(report["summary"])]
    if replaced:
        lines.append(f"replaced the baseline blessed at {replaced['blessed_at']} from {replaced['source']}")
    bad = sum(report["summary"][s] for s in BAD_STATUSES)
    if bad:
        lines.append(f"note: this baseline accepts {bad} failing clause{'s' * (bad != 1)}; diff flags only "
                     f"clauses that get worse than it")
    lines.append(f"gate a run against it with: {PROG} diff {target} NEW_REPORT")
    return lines


def _counts(summary: dict[str, int]) -> str:
    """'79 clauses: 63 passed, 16 diverged' (statuses with no clause left out)."""
    counts = ", ".join(f"{summary[s]} {s}" for s in STATUSES if summary[s])
    return f"{summary['total']} clauses: {counts or 'none'}"


def _now() -> str:
    """The current UTC time, ISO 8601, to the second."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
