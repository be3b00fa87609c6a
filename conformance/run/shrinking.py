"""How much shrinking a run spends: verdict first, and a small, bounded shrink for what the report shows.

A clause's verdict needs its first failing example only; shrinking only makes the reproducer smaller. On an
implementation that fails most clauses, shrinking every failing test is most of the run (hours on a half-written
port). So a run shrinks only the first failing test of each clause (the one whose reproducer the report shows), each
for at most `PER_TEST_S` seconds, and all of them together for at most --shrink-budget seconds (by default
`PER_CLAUSE_S` for each clause the run collected, at least `PER_TEST_S`: a run of a few clauses gets a budget in
proportion, so its verdict stays close to the reference's time); after that, failures are reported with the example
that failed first, unshrunk (still a runnable reproducer). Profiles without a shrink
phase (verdict) are left as they are; `thorough` shrinks without a budget.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import Phase, settings

# Note: Hypothesis's engine stops a shrink at this module global (MAX_SHRINKING_SECONDS, 300 s by default); there
# is no public setting for it. A Hypothesis without it shrinks as it always did, with only the budget's skip left.
try:
    from hypothesis.internal.conjecture import engine as _engine
except ImportError:  # pragma: no cover - a Hypothesis whose internals moved
    _engine = None  # type: ignore[assignment]  # the installed Hypothesis has the module

PER_TEST_S = 5.0
PER_CLAUSE_S = 0.25
UNBOUNDED_PROFILES = ("thorough",)
_NO_SHRINK = tuple(p for p in Phase if p not in (Phase.shrink, Phase.explain))


def add_option(group) -> None:
    """--shrink-budget, in the suite's option group."""
    group.addoption(
        "--shrink-budget",
        type=float,
        default=None,
        metavar="SECONDS",
        help=f"seconds a run may spend shrinking failing examples, all tests together (default {PER_CLAUSE_S:g} for "
        f"each clause collected, at least {PER_TEST_S:g}; "
        f"at most {PER_TEST_S:g} per test; only the first failing test of each clause is shrunk; 0: none; "
        f"the thorough profile: no limit)",
    )


class ShrinkBudget:
    """The run's shrink budget, spent test by test."""

    def __init__(self, budget_s: float | None, clause_of, scaled: bool = False) -> None:
        self.left = float("inf") if budget_s is None else max(budget_s, 0.0)
        self.clause_of = clause_of
        self.scaled = scaled
        self.failed: set[str] = set()

    @classmethod
    def for_run(cls, config: pytest.Config, clause_of) -> ShrinkBudget:
        """The budget --shrink-budget and the loaded profile give (scaled to the collected clauses by default)."""
        given = config.getoption("--shrink-budget", None)
        if given is not None:
            return cls(given, clause_of)
        if settings._current_profile in UNBOUNDED_PROFILES:
            return cls(None, clause_of)
        return cls(PER_TEST_S, clause_of, scaled=True)

    @staticmethod
    def scaled_budget(clauses: int) -> float:
        """The default budget of a run that collected `clauses` clauses."""
        return max(PER_TEST_S, PER_CLAUSE_S * clauses)

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        if self.scaled:
            clauses = {self.clause_of(item) for item in session.items} - {None}
            self.left = self.scaled_budget(len(clauses))

    def allows(self, clause: str | None) -> bool:
        """Whether a failing test of `clause` may be shrunk now."""
        return clause not in self.failed and self.left > 0

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_call(self, item: pytest.Item):
        test = getattr(item, "obj", None)
        current = getattr(test, "_hypothesis_internal_use_settings", None)
        clause = self.clause_of(item)
        if test is None or current is None or clause is None or Phase.shrink not in current.phases:
            return (yield)
        shrink = self.allows(clause)
        limit = getattr(_engine, "MAX_SHRINKING_SECONDS", None)
        if not shrink:
            test._hypothesis_internal_use_settings = settings(current, phases=_NO_SHRINK)
        elif _engine is not None and limit is not None and self.left != float("inf"):
            # Note: typed int, but Hypothesis only adds it to a time.perf_counter() reading.
            _engine.MAX_SHRINKING_SECONDS = min(PER_TEST_S, self.left)  # type: ignore[assignment]  # seconds, a float
        start = time.monotonic()
        try:
            return (yield)
        except BaseException:
            self.failed.add(clause)
            if shrink:
                # Note: the failing test's whole call counts as shrinking (its first failing example is found fast,
                # since every clause test draws few examples): the budget errs towards less shrinking.
                self.left -= time.monotonic() - start
            raise
        finally:
            test._hypothesis_internal_use_settings = current
            if limit is not None:
                _engine.MAX_SHRINKING_SECONDS = limit
