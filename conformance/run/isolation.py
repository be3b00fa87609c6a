"""Running each adapter in a process of its own, so that an implementation that crashes the process, exits or hangs
is reported as such for the clause it reached, and the other adapters' reports are still written."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from parametrize_conformance.adapters import AdapterError, check_spec
from parametrize_conformance.clauses import CLAUSES
from parametrize_conformance.report import (
    BAD_STATUSES,
    ReportError,
    build_report,
    check_writable,
    counted_levels,
    destination_note,
    environment_info,
    report_destination,
    report_file_name,
    suite_info,
    summary_lines,
    unloaded_adapter_info,
    write_report,
)
from parametrize_conformance.run.journal import Journal, events_of, in_flight, read_journal
from parametrize_conformance.run.options import report_options, selected_clauses
from parametrize_conformance.run.recording import now_iso

# Options of the parent run that the child processes must not see (each child runs one adapter, serially).
_VALUED_OPTIONS = (
    "--adapter",
    "--report",
    "--report-dir",
    "--test-timeout",
    "--jobs",
    "--max-restarts",
    "--journal",
    "--junitxml",
    "--junit-xml",
    "-n",
    "--numprocesses",
    "--maxprocesses",
    "--dist",
)
_FLAG_OPTIONS = ("--isolate",)
_POLL_S = 0.1
_PROGRESS_EVERY_S = 5.0


@dataclass(frozen=True)
class IsolationPlan:
    """What an isolated run does: which adapters, where reports go, and the children's arguments and limits."""

    specs: tuple[str, ...]
    reports: dict[str, Path]
    child_arguments: tuple[str, ...]
    cwd: Path
    test_timeout: float
    max_restarts: int
    jobs: int
    junit: str | None
    clauses: tuple[str, ...] | None = None
    level: str = "required"


def plan_from_config(config: pytest.Config, specs: Sequence[str]) -> IsolationPlan:
    """The plan for `specs`, checked before anything runs; raises pytest.UsageError saying what to fix."""
    _check_limits(config)
    clauses = selected_clauses(config)
    for spec in specs:
        try:
            check_spec(spec)
        except AdapterError as exc:
            raise pytest.UsageError(f"--adapter {spec}: {exc}") from None
    try:
        reports = _report_paths(config, specs, subset=clauses is not None)
        for path in reports.values():
            check_writable(path)
    except ReportError as exc:
        raise pytest.UsageError(str(exc)) from None
    return IsolationPlan(
        specs=tuple(specs),
        reports=reports,
        child_arguments=tuple(child_arguments(config.invocation_params.args)),
        cwd=Path(config.invocation_params.dir),
        test_timeout=config.getoption("--test-timeout"),
        max_restarts=config.getoption("--max-restarts"),
        jobs=config.getoption("--jobs"),
        junit=config.getoption("xmlpath", None),
        clauses=None if clauses is None else tuple(clauses),
        level=config.getoption("--level", None) or "required",
    )


def _check_limits(config: pytest.Config) -> None:
    if config.getoption("--test-timeout") <= 0:
        raise pytest.UsageError("--test-timeout must be a positive number of seconds, e.g. --test-timeout 300")
    if config.getoption("--jobs") < 1:
        raise pytest.UsageError("--jobs must be at least 1")
    if config.getoption("--max-restarts") < 0:
        raise pytest.UsageError("--max-restarts must be 0 or more")


def _report_paths(config: pytest.Config, specs: Sequence[str], subset: bool) -> dict[str, Path]:
    """Each adapter's report file; a `subset` (--clauses) run never writes over a full report (report_destination)."""
    report, directory = report_options(config)
    if report and len(specs) > 1:
        raise pytest.UsageError("--report names one file, but several adapters run: use --report-dir DIR instead")
    if report:
        return {specs[0]: report_destination(report, subset, explicit=True)}
    base = Path(directory) if directory else Path(tempfile.mkdtemp(prefix="conformance-reports-"))
    return {spec: report_destination(base / report_file_name(spec), subset, explicit=False) for spec in specs}


def child_arguments(arguments: Sequence[str]) -> list[str]:
    """The parent's pytest arguments without the options that only the parent acts on."""
    kept, skip_next = [], False
    for argument in arguments:
        if skip_next:
            skip_next = False
        elif argument in _VALUED_OPTIONS:
            skip_next = True
        elif argument in _FLAG_OPTIONS or argument.startswith(tuple(o + "=" for o in _VALUED_OPTIONS if o[1] == "-")):
            continue
        elif argument.startswith("-n") and len(argument) > 2 and not argument.startswith("--"):
            continue
        else:
            kept.append(argument)
    return kept


def run_isolated(plan: IsolationPlan, say: Callable[[str], None] | None = None) -> int:
    """Run every adapter of `plan` in child processes, write its report, print a summary; the exit code."""
    say = say or _printer()
    stop = threading.Event()
    scratch = Path(tempfile.mkdtemp(prefix="conformance-journals-"))
    say(
        f"parametrize-conformance: {len(plan.specs)} adapter(s), each in its own process; reports in "
        f"{_common_dir(plan.reports.values())}"
    )
    restore = _stop_on_sigint(stop)
    try:
        with ThreadPoolExecutor(max_workers=plan.jobs) as pool:
            futures = [pool.submit(_run_adapter, plan, spec, scratch, stop, say) for spec in plan.specs]
            while not stop.is_set() and not all(f.done() for f in futures):
                time.sleep(_POLL_S)
            if stop.is_set():
                say("interrupted: stopping the adapters' processes and writing what they reached")
            reports = {
                spec: report for spec, f in zip(plan.specs, futures, strict=True) if (report := f.result()) is not None
            }
    finally:
        restore()
        shutil.rmtree(scratch, ignore_errors=True)
    _print_summary(plan, reports, say)
    if stop.is_set():
        return int(pytest.ExitCode.INTERRUPTED)
    # Note: only the clauses at the levels --level counts fail the run (the children get --level too).
    counted = counted_levels(plan.level)
    bad = any(
        r["run"]["exit"] != "completed" or any(r["summary"]["by_level"][lv][s] for lv in counted for s in BAD_STATUSES)
        for r in reports.values()
    )
    return int(pytest.ExitCode.TESTS_FAILED if bad else pytest.ExitCode.OK)


def _stop_on_sigint(stop: threading.Event) -> Callable[[], object]:
    """Make Ctrl-C set `stop` (in the main thread only); returns what puts the previous handler back."""
    # Note: a KeyboardInterrupt raised into the polling loop can land inside Future.done(), between the acquiring and
    # the releasing of the future's lock, and the adapter's thread then never finishes. That is the likely cause of an
    # interrupted run that never stopped (tests/test_isolation.py, twice under load). A handler that only sets the
    # event holds no lock.
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    previous = signal.signal(signal.SIGINT, lambda signum, frame: stop.set())
    return lambda: signal.signal(signal.SIGINT, previous)


def _printer() -> Callable[[str], None]:
    lock = threading.Lock()

    def say(line: str) -> None:
        with lock:
            print(line, flush=True)

    return say


def _common_dir(paths) -> str:
    return os.path.commonpath([str(p.parent.resolve()) for p in paths])


def _run_adapter(
    plan: IsolationPlan, spec: str, scratch: Path, stop: threading.Event, say: Callable[[str], None]
) -> dict[str, Any] | None:
    """Supervise one adapter's children until its tests are done; write and return its report (None when the run
    was interrupted before this adapter started)."""
    if stop.is_set():
        return None
    path = plan.reports[spec]
    journal = scratch / (path.stem + ".journal")
    log = path.with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_bytes(b"")
    started, start = now_iso(), time.monotonic()
    failures: list[tuple[str, str]] = []
    restarts = 0
    while True:
        command = _child_command(plan, spec, journal)
        progress = _Progress(spec, journal, say)
        say(f"[{spec}] started{' again' if restarts else ''}; output in {log}")
        ending, code = _run_child(command, plan, journal, log, stop, progress)
        # Note: a child refused by pytest before it journals anything (a module that raises on import is a usage
        # error in its pytest_configure) ended without a "finish": it is a refusal, with the child's own error line.
        refused = code in _PYTEST_REFUSALS and not events_of(read_journal(journal), "collected")
        if ending == "finished" or (ending == "crashed" and refused):
            if code in _PYTEST_REFUSALS:
                failures.append(("aborted", _refusal(code, log)))
                say(f"[{spec}] {failures[-1][1]}")
            break
        failure = _record_failure(spec, ending, code, journal, plan.test_timeout)
        failures.append(failure)
        say(f"[{spec}] {failure[1]}")
        if ending == "interrupted" or not _can_restart(journal, restarts, plan.max_restarts):
            break
        restarts += 1
    report = _assemble(spec, read_journal(journal), failures, restarts, started, start, plan.clauses, plan.level)
    write_report(path, report)
    say(f"[{spec}] done in {time.monotonic() - start:.0f} s: {_counts(report)}; report {path}")
    return report


# Note: pytest's own exit statuses for a run that could not go ahead; the child finished, but did not run the suite.
_PYTEST_REFUSALS = {2: "interrupted, or errors while collecting", 3: "internal error", 4: "usage error"}


def _refusal(code: int, log: Path) -> str:
    """Why pytest refused to run the child: its last "ERROR: ..." line, or the meaning of its exit status."""
    errors = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("ERROR: ")]
    said = f": {errors[-1].removeprefix('ERROR: ')}" if errors else ""
    return f"pytest exited with status {code} ({_PYTEST_REFUSALS[code]}){said}; see {log}"


def _child_command(plan: IsolationPlan, spec: str, journal: Path) -> list[str]:
    command = [sys.executable, "-m", "pytest", *plan.child_arguments, "--adapter", spec, "--journal", str(journal)]
    if plan.junit:
        junit = Path(plan.junit)
        name = junit if len(plan.specs) == 1 else junit.with_name(f"{junit.stem}-{plan.reports[spec].stem}{junit.suffix}")
        command.append(f"--junitxml={name}")
    return command


class _Progress:
    """Prints how far a child has got, at most every few seconds."""

    def __init__(self, spec: str, journal: Path, say: Callable[[str], None]) -> None:
        self.spec, self.journal, self.say = spec, journal, say
        self.last = time.monotonic()

    def __call__(self) -> None:
        if time.monotonic() - self.last < _PROGRESS_EVERY_S:
            return
        self.last = time.monotonic()
        events = read_journal(self.journal)
        results = events_of(events, "result")
        total = sum(e["count"] for e in events_of(events, "collected")[-1:]) + _results_before_last_collection(events)
        failing = sum(r["outcome"] in ("failed", "error", "crashed", "timeout", "aborted") for r in results)
        self.say(f"[{self.spec}] {len(results)}/{total or '?'} tests done, {failing} failing")


def _results_before_last_collection(events: list[dict[str, Any]]) -> int:
    last = max((i for i, e in enumerate(events) if e.get("event") == "collected"), default=None)
    return 0 if last is None else sum(e.get("event") == "result" for e in events[:last])


def _run_child(
    command: list[str], plan: IsolationPlan, journal: Path, log: Path, stop: threading.Event, progress: Callable[[], None]
) -> tuple[str, int | None]:
    """Run one child; its ending is finished, crashed, timeout or interrupted, with its exit code."""
    finished_before = len(events_of(read_journal(journal), "finish"))
    with open(log, "ab") as out:
        child = subprocess.Popen(
            command, cwd=plan.cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    size, changed = -1, time.monotonic()
    try:
        while child.poll() is None:
            if stop.is_set():
                return "interrupted", _kill(child)
            now_size = journal.stat().st_size if journal.exists() else 0
            if now_size != size:
                size, changed = now_size, time.monotonic()
                progress()
            elif time.monotonic() - changed > plan.test_timeout:
                return "timeout", _kill(child)
            time.sleep(_POLL_S)
    except BaseException:
        _kill(child)
        raise
    finished = len(events_of(read_journal(journal), "finish")) > finished_before
    return ("finished" if finished else "crashed"), child.returncode


def _kill(child: subprocess.Popen) -> int | None:
    try:
        os.killpg(child.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    return child.wait()


def _record_failure(spec: str, ending: str, code: int | None, journal: Path, timeout: float) -> tuple[str, str]:
    """Journal the test the child died in (if any) with the ending; return (ending, message)."""
    running = in_flight(read_journal(journal))
    where = f"while running {running['nodeid']}" if running else "outside any test (starting, collecting or finishing)"
    if ending == "timeout":
        message = f"no progress for {timeout:g} s {where}: killed"
    elif ending == "interrupted":
        message = f"interrupted by the user {where}"
    else:
        message = f"the suite process {_death(code)} {where}"
    if running and ending != "interrupted":
        Journal(journal).append(
            "result",
            nodeid=running["nodeid"],
            clause=running["clause"],
            outcome=ending,
            duration_s=max(time.time() - running["time"], 0.0),
            message=message,
        )
    return ending, message


def _death(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            return f"was killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"was killed by signal {-code}"
    return f"exited with status {code} (os._exit or sys.exit outside pytest's control)"


def _can_restart(journal: Path, restarts: int, max_restarts: int) -> bool:
    events = read_journal(journal)
    if restarts >= max_restarts or in_flight(events) is not None or not events_of(events, "collected"):
        return False
    last = max(i for i, e in enumerate(events) if e.get("event") == "collected")
    done_since = sum(e.get("event") == "result" for e in events[last:])
    return events[last]["count"] > done_since


def _assemble(
    spec: str,
    events: list[dict[str, Any]],
    failures: list[tuple[str, str]],
    restarts: int,
    started: str,
    start: float,
    clauses: Sequence[str] | None = None,
    level: str = "required",
) -> dict[str, Any]:
    metas = events_of(events, "meta")
    header = (
        metas[-1]["header"]
        if metas
        else {
            "suite": suite_info(len(CLAUSES)),
            "adapter": unloaded_adapter_info(spec),
            "environment": environment_info("cpu"),
            "declared": {},
        }
    )
    run_settings = (
        metas[-1]["settings"]
        if metas
        else {
            "hypothesis_profile": None,
            "hypothesis_seed": None,
            "derandomize": None,
            "arguments": [],
            "clauses": None if clauses is None else list(clauses),
            "level": level,
        }
    )
    run = {
        "started": started,
        "finished": now_iso(),
        "duration_s": round(time.monotonic() - start, 3),
        **run_settings,
        "exit": failures[-1][0] if failures else "completed",
        "message": "; ".join(m for _, m in failures),
        "restarts": restarts,
        "isolated": True,
    }
    return build_report(header, events_of(events, "result"), run)


def _counts(report: dict[str, Any]) -> str:
    summary = report["summary"]
    return ", ".join(f"{summary[s]} {s}" for s in summary if s != "total" and summary[s])


def _print_summary(plan: IsolationPlan, reports: dict[str, dict[str, Any]], say: Callable[[str], None]) -> None:
    for spec in (s for s in plan.specs if s not in reports):
        say(f"{spec}: not run (the run was interrupted before it started)")
    for spec, report in reports.items():
        a, run = report["adapter"], report["run"]
        say(
            f"{'=' * 20} {a['name']} {a['version']} on {a['device']}, hypothesis profile "
            f"{run['hypothesis_profile']}: {run['exit']} {'=' * 20}"
        )
        if run["message"]:
            say(f"run: {run['message']}")
        for line in summary_lines(report):
            say(line)
        say(f"report: {plan.reports[spec]}{destination_note(plan.reports[spec])}")
