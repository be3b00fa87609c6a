"""Recording a run: one result per test (with the clause, failure message and reproducer), journalled as it goes
and turned into a report at the end. Also turns a BaseException escaping the implementation into a failure."""

from __future__ import annotations

import re
import signal
import time
from datetime import datetime, timezone
from typing import Any

import pytest
from _pytest.outcomes import OutcomeException
from hypothesis import settings

from parametrize_conformance.adapters import Adapter
from parametrize_conformance.clauses import CLAUSES
from parametrize_conformance.profiles import current_settings
from parametrize_conformance.report import (
    adapter_info,
    build_report,
    counted_levels,
    destination_note,
    environment_info,
    suite_info,
    summary_lines,
    write_report,
)
from parametrize_conformance.run.journal import Journal
from parametrize_conformance.run.options import ADAPTER, UNAVAILABLE, selected_clauses

_FAILING_OUTCOMES = frozenset({"failed", "error", "crashed", "timeout", "aborted"})

CLAUSE_OF_TEST = {clause.test_name: clause.id for clause in CLAUSES.values()}
_USER_INTERRUPTED: list[float] = []


class ImplementationAbort(Exception):
    """The implementation raised SystemExit, KeyboardInterrupt or another BaseException from inside a call."""


def clause_of_nodeid(nodeid: str) -> str | None:
    """The clause a test checks, from its node id (test functions are named after their clause)."""
    return CLAUSE_OF_TEST.get(nodeid.split("::")[-1].split("[")[0])


def now_iso() -> str:
    """The current UTC time, ISO 8601."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def watch_user_interrupts() -> None:
    """Tell a real Ctrl-C apart from a KeyboardInterrupt the implementation raises."""
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:

        def on_sigint(signum, frame):
            _USER_INTERRUPTED.append(time.monotonic())
            raise KeyboardInterrupt

        signal.signal(signal.SIGINT, on_sigint)


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function):
    if clause_of_nodeid(pyfuncitem.nodeid) is None:
        return (yield)
    try:
        return (yield)
    except OutcomeException:
        raise
    except Exception as exc:
        lacking = _missing_name(exc, _adapter_of(pyfuncitem.config))
        if lacking:
            # Note: a clause whose needs (conformance/clauses.py) leave out a name the partial implementation lacks
            # is untested, not failed; the reason says the table is to be completed.
            pytest.skip(
                f"lacks {lacking} (found while the test ran: add it to the clause's needs in conformance/clauses.py)"
            )
        raise
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt) and _USER_INTERRUPTED:
            raise
        raise ImplementationAbort(
            f"the implementation raised {type(exc).__name__}{exc.args!r} from inside a call; an implementation must "
            f"raise an Exception, never exit or interrupt the process"
        ) from exc


def _adapter_of(config: pytest.Config) -> Adapter | None:
    return config.stash.get(ADAPTER, None)


def _missing_name(exc: BaseException, adapter: Adapter | None) -> str | None:
    """The API name a partial implementation lacks that `exc` (or an exception it holds) failed to find, if any."""
    if adapter is None or not adapter.missing:
        return None
    # Note: a group's failure may hold the group in its own context (checks.all_checks), so each is visited once.
    pending: list[BaseException] = [exc]
    visited: set[int] = set()
    while pending:
        current = pending.pop()
        if id(current) in visited:
            continue
        visited.add(id(current))
        if isinstance(current, AttributeError) and current.name in adapter.missing and current.obj is adapter.api:
            return current.name
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
        pending += list(getattr(current, "exceptions", ()))
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    report = yield
    excinfo = call.excinfo
    if excinfo is None or clause_of_nodeid(item.nodeid) is None:
        return report
    if excinfo.errisinstance(OutcomeException):
        # Note: a skip's reason, or a pytest.fail's message, says why the clause is untested or failed; it is kept
        # as it is (no "Skipped:" or "Failed:" in front).
        if excinfo.errisinstance((pytest.skip.Exception, pytest.fail.Exception)) and str(excinfo.value).strip():
            report.user_properties = [*report.user_properties, ("pc_message", str(excinfo.value).strip())]
        # Note: a pytest.raises that saw nothing fails with pytest.fail's exception, which carries the example's
        # reproducer like any other failure.
        reproducer = _reproducer(excinfo.value) if excinfo.errisinstance(pytest.fail.Exception) else ""
        if reproducer:
            report.user_properties = [*report.user_properties, ("pc_reproducer", reproducer)]
        return report
    extra = [("pc_message", _first_line(excinfo.value))]
    reproducer = _reproducer(excinfo.value)
    if reproducer:
        extra.append(("pc_reproducer", reproducer))
    outcome = "aborted" if excinfo.errisinstance(ImplementationAbort) else _rank_outcome(excinfo.value)
    if outcome:
        extra.append(("pc_outcome", outcome))
        # Note: exiting the process, or a rank that dies or hangs, is never a declared divergence: the test fails
        # even when its clause is declared.
        if hasattr(report, "wasxfail"):
            del report.wasxfail
            report.outcome = "failed"
    report.user_properties = [*report.user_properties, *extra]
    return report


def _rank_outcome(exc: BaseException) -> str | None:
    """ "timeout" or "crashed" for a rank of the distributed area that hung or died (see RankFailure), else None."""
    outcome = getattr(exc, "outcome", None)
    if outcome in ("timeout", "crashed") and type(exc).__name__ == "RankFailure":
        return outcome
    return None


def _reproducer(exc: BaseException) -> str:
    """The suite's runnable "Reproducer:" note and what follows it; all of Hypothesis's notes when there is none."""
    notes = [n for n in getattr(exc, "__notes__", []) if isinstance(n, str)]
    inner = getattr(exc, "exceptions", None)
    if isinstance(inner, tuple) and inner and not any(n.startswith("Reproducer:") for n in notes):
        return _reproducer(inner[0])
    starts = [i for i, n in enumerate(notes) if n.startswith("Reproducer:")]
    if not starts:
        # Note: SEQUENCE-DIFFERENTIAL's SequenceDivergence carries its replay script in its own message.
        at = str(exc).find("\nReproducer")
        if at >= 0:
            return re.sub(r" \(shrunk from \d+ steps? to \d+\)$", "", str(exc)[at + 1 :].rstrip())
    return "\n".join(notes[starts[0] :] if starts else notes)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    line = f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__
    inner = getattr(exc, "exceptions", None)
    if isinstance(inner, tuple) and inner:
        # Note: Hypothesis reports distinct failures as a group whose own message says only how many; the first
        # one's line is what says what failed.
        line += f"; the first: {_first_line(inner[0])}"
    return line


class RunRecorder:
    """Collects a result per test; journals them when asked; writes the report at the end when asked."""

    def __init__(self, config: pytest.Config, adapter: Adapter, spec: str, report_path=None, journal_path=None):
        self.config = config
        self.header = {
            "suite": suite_info(len(CLAUSES)),
            "adapter": adapter_info(adapter, spec),
            "environment": environment_info(adapter.device),
            "declared": {c: reason for c, (reason, _) in adapter.declared().items()},
            "signatures": {c: signature for c, (_, signature) in adapter.declared().items()},
        }
        self.report_path = report_path
        self.journal = Journal(journal_path) if journal_path else None
        self.results: list[dict[str, Any]] = []
        self._pending: dict[str, dict[str, Any]] = {}
        self._started = (now_iso(), time.monotonic())

    def run_settings(self) -> dict[str, Any]:
        """The Hypothesis settings, arguments, clause selection and counted level of this run."""
        return {
            "hypothesis_profile": settings._current_profile,
            "hypothesis_seed": self.config.getoption("hypothesis_seed", None),
            "derandomize": current_settings().derandomize,
            "arguments": _without_journal([str(a) for a in self.config.invocation_params.args]),
            "clauses": self._selection(),
            "level": self.level,
        }

    @property
    def level(self) -> str:
        """The level --level counts (required by default)."""
        return self.config.getoption("--level", None) or "required"

    def _selection(self) -> list[str] | None:
        """The clause ids --clauses selected (None: every clause)."""
        try:
            return selected_clauses(self.config)
        except pytest.UsageError:
            # Note: an unknown --clauses id is collection's usage error, and then no clause ran.
            return []

    def pytest_sessionstart(self, session: pytest.Session) -> None:
        if self.journal:
            self.journal.append("meta", header=self.header, settings=self.run_settings(), started=self._started[0])

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.journal:
            self.journal.append("collected", count=len(session.items))

    def pytest_runtest_logstart(self, nodeid: str, location) -> None:
        if self.journal:
            self.journal.append("start", nodeid=nodeid, clause=clause_of_nodeid(nodeid))

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        if report.when not in ("setup", "call", "teardown"):
            # Note: pytest-xdist reports a worker that died inside a test with when="???".
            self._finish(report.nodeid, {"outcome": "crashed", "message": str(report.longrepr).splitlines()[0]})
            return
        pending = self._pending.setdefault(report.nodeid, {"outcome": None, "duration_s": 0.0, "called": False})
        pending["duration_s"] += report.duration
        pending["called"] |= report.when == "call"
        properties = dict(report.user_properties)
        for key in ("message", "reproducer", "declared"):
            if f"pc_{key}" in properties and key not in pending:
                pending[key] = properties[f"pc_{key}"]
        pending["outcome"] = _merge(pending["outcome"], report, properties)
        if report.when == "teardown":
            self._finish(report.nodeid, self._pending.pop(report.nodeid))

    def _finish(self, nodeid: str, result: dict[str, Any]) -> None:
        called = result.pop("called", True)
        result = {"nodeid": nodeid, "clause": clause_of_nodeid(nodeid), **result}
        # Note: a test whose body never ran (--setup-only, say) is not a pass.
        result["outcome"] = result["outcome"] or ("passed" if called else "skipped")
        self.results.append(result)
        if self.journal:
            self.journal.append("result", **result)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session: pytest.Session, exitstatus: int) -> None:
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED
        if self.journal:
            self.journal.append("finish", exitstatus=int(exitstatus))
        self.report = build_report(self.header, self.results, self.run_record(interrupted))
        if self.report_path:
            write_report(self.report_path, self.report)
        if exitstatus == pytest.ExitCode.TESTS_FAILED and self._only_uncounted_failures():
            # Note: pytest counts every failed test; the suite's verdict counts the clauses of the --level alone.
            session.exitstatus = pytest.ExitCode.OK

    def _only_uncounted_failures(self) -> bool:
        """Whether every failing test of the run is a clause test of a clause at a level --level does not count (a
        failing test outside the clauses, or of a counted clause, keeps the run failed)."""
        if UNAVAILABLE in self.config.stash and self.config.getoption("--require-adapter", False):
            # Note: --require-adapter fails a run whose adapter cannot run here, whatever the clauses' levels.
            return False
        failing = [r for r in self.results if r["outcome"] in _FAILING_OUTCOMES]
        counted = counted_levels(self.level)
        return bool(failing) and all(r["clause"] in CLAUSES and CLAUSES[r["clause"]].level not in counted for r in failing)

    def pytest_terminal_summary(self, terminalreporter) -> None:
        report = getattr(self, "report", None)
        if report is None or not self.results:
            return
        a, run = report["adapter"], report["run"]
        terminalreporter.section(
            f"parametrize-conformance: {a['name']} {a['version']} on {a['device']}, "
            f"hypothesis profile {run['hypothesis_profile']}"
        )
        for line in summary_lines(report):
            terminalreporter.write_line(line)
        if self.report_path:
            terminalreporter.write_line(f"report: {self.report_path}{destination_note(self.report_path)}")

    def run_record(self, interrupted: bool) -> dict[str, Any]:
        """The report's "run" section for an in-process run."""
        started, start = self._started
        return {
            "started": started,
            "finished": now_iso(),
            "duration_s": round(time.monotonic() - start, 3),
            **self.run_settings(),
            "exit": "interrupted" if interrupted else "completed",
            "message": "interrupted by the user" if interrupted else "",
            "restarts": 0,
            "isolated": False,
        }


def _without_journal(arguments: list[str]) -> list[str]:
    if "--journal" in arguments:
        at = arguments.index("--journal")
        return arguments[:at] + arguments[at + 2 :]
    return arguments


def _merge(current: str | None, report: pytest.TestReport, properties: dict) -> str | None:
    """The test's outcome so far, after one more phase report."""
    if report.when == "teardown":
        return "error" if report.failed and current in (None, "passed", "xpassed") else current
    if current is not None:
        return current
    if properties.get("pc_outcome") in ("aborted", "timeout", "crashed"):
        return properties["pc_outcome"]
    if hasattr(report, "wasxfail"):
        return "xpassed" if report.passed else "xfailed"
    if report.when == "setup":
        return "error" if report.failed else ("skipped" if report.skipped else None)
    return report.outcome
