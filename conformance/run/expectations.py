"""Declared divergences as expected failures with signatures: a failure of a declared clause counts as the declared
divergence only when it matches the divergence's signature (Divergence.matches); any other failure fails the test.

Every example of a declared clause runs: a matching failure is recorded and the example counts as passing, so
Hypothesis goes on drawing and a second, undeclared bug of the same clause still fails the test (with its own shrunk
example and reproducer). At the end a test that met its declared failure is `xfailed` (the clause `diverged`), one
that never met it `xpassed` (`unexpected-pass`).
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from _pytest.outcomes import OutcomeException

from parametrize_conformance.adapters import Divergence

if sys.version_info < (3, 11):  # Hypothesis depends on the backport there
    from exceptiongroup import BaseExceptionGroup  # type: ignore[import-not-found]  # (not installed on 3.11)

EXPECTED = pytest.StashKey["Expected"]()


@dataclass
class Expected:
    """One test's declared divergences (each a way its clause is known to fail) and the matching failures met."""

    divergences: tuple[Divergence, ...]
    seen: int = 0
    first: str = ""

    @property
    def reason(self) -> str:
        return " | ".join(d.reason for d in self.divergences)

    @property
    def signature(self) -> str:
        return " | ".join(d.signature for d in self.divergences)

    def absorbs(self, exc: BaseException) -> bool:
        """Whether `exc` is a declared failure (recorded when it is)."""
        if not _is_failure(exc) or not any(d.matches(exc) for d in self.divergences):
            return False
        self.seen += 1
        self.first = self.first or first_line(exc)
        return True

    def undeclared(self, exc: BaseException) -> BaseException:
        """`exc` without its declared failures (recorded as met): a group of checks (checks.all_checks) that holds
        the declared failure beside others fails on the others alone, so its message and reproducer are theirs."""
        if not isinstance(exc, BaseExceptionGroup):
            return exc
        declared, rest = exc.split(
            lambda e: (
                not isinstance(e, BaseExceptionGroup) and _is_failure(e) and any(d.matches(e) for d in self.divergences)
            )
        )
        if declared is None or rest is None:
            return exc
        for leaf in _leaves(declared):
            self.seen += 1
            self.first = self.first or first_line(leaf)
        leaves = _leaves(rest)
        return leaves[0] if len(leaves) == 1 else rest

    def explain(self, exc: BaseException) -> None:
        """Say on `exc` (a failure that does not match) what was declared instead."""
        if _is_failure(exc) and hasattr(exc, "add_note"):
            met = f"; the declared failure was met {self.seen} time(s), first as: {self.first}" if self.seen else ""
            exc.add_note(
                f"Declared divergence of {self.divergences[0].clause}: {self.reason}\n"
                f"Its signature: {self.signature}. This failure does not match it, so it fails the "
                f"clause{met}"
            )


def _is_failure(exc: BaseException) -> bool:
    """An Exception, or pytest.fail's (a pytest.raises that saw nothing): never a skip, an exit or an interrupt, nor
    an implementation that aborted (recording.ImplementationAbort) or a rank that hung or died (RankFailure)."""
    if type(exc).__name__ == "ImplementationAbort" or getattr(exc, "outcome", None) in ("timeout", "crashed"):
        return False
    return isinstance(exc, (Exception, pytest.fail.Exception))


def _leaves(group: BaseException) -> list[BaseException]:
    inner = group.exceptions if isinstance(group, BaseExceptionGroup) else ()
    return [leaf for e in inner for leaf in _leaves(e)] if inner else [group]


def first_line(exc: BaseException) -> str:
    """ "Type: the message's first line"."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


def expect(item: pytest.Item, divergences: tuple[Divergence, ...]) -> None:
    """Declare `divergences` (of the item's clause) for `item`: a Hypothesis test's examples are watched one by one."""
    item.stash[EXPECTED] = Expected(divergences)
    hypothesis_handle = getattr(getattr(item, "obj", None), "hypothesis", None)
    if hypothesis_handle is not None and not getattr(hypothesis_handle.inner_test, "_pc_absorbing", False):
        # Note: `inner_test` is the hook Hypothesis offers plugins (pytest-trio uses it) to wrap each example's call.
        # The parametrized items of one test share it, so it is wrapped once and asks which item is running.
        hypothesis_handle.inner_test = _absorbing(hypothesis_handle.inner_test)


# The Expected of the declared test now running (none outside pytest_pyfunc_call).
_RUNNING: list[Expected] = []


def _absorbing(test: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(test)
    def run_example(*args: Any, **kwargs: Any) -> Any:
        try:
            return test(*args, **kwargs)
        except BaseException as exc:
            if not _RUNNING or (isinstance(exc, OutcomeException) and not isinstance(exc, pytest.fail.Exception)):
                raise
            if _RUNNING[-1].absorbs(exc):
                return None
            failure = _RUNNING[-1].undeclared(exc)
            _RUNNING[-1].explain(failure)
            if failure is exc:
                raise
            raise failure from None

    run_example._pc_absorbing = True  # type: ignore[attr-defined]
    return run_example


@pytest.hookimpl(wrapper=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function):
    """Decide a declared test: its declared failure met (xfail), a failure that does not match (fail), or a pass."""
    expected = pyfuncitem.stash.get(EXPECTED, None)
    if expected is None:
        return (yield)
    _RUNNING.append(expected)
    try:
        result = yield
    except BaseException as exc:
        if not expected.absorbs(exc):
            failure = expected.undeclared(exc)
            expected.explain(failure)
            if failure is exc:
                raise
            raise failure from None
        result = None
    finally:
        _RUNNING.remove(expected)
    if expected.seen:
        pytest.xfail(f"declared divergence: {expected.reason}")
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """A declared test that passed is an unexpected pass; one that met its failure carries the failure's line."""
    report = yield
    expected = item.stash.get(EXPECTED, None)
    if expected is None or call.when != "call":
        return report
    if report.passed and not hasattr(report, "wasxfail"):
        report.wasxfail = f"declared divergence: {expected.reason}"
    if expected.first:
        report.user_properties = [*report.user_properties, ("pc_declared", expected.first)]
    return report
