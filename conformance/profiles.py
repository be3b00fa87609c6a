"""Hypothesis profiles of the suite: dev (default), ci (chosen when CI is set), thorough, and verdict (ci without
shrinking); none keeps an example database."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, Phase, settings

_QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]
SUITE_PROFILES: tuple[str, ...] = ("dev", "ci", "thorough", "verdict")


def register_profiles() -> None:
    """Register dev, ci, thorough and verdict. Our ci builds on Hypothesis's own ci profile."""
    # Note: deadlines are off everywhere: first calls into torch, and device adapters, are slow. No profile keeps an
    # example database (see load_without_database).
    settings.register_profile("dev", max_examples=20, deadline=None, database=None, suppress_health_check=_QUIET)
    parent = settings.get_profile("ci")
    settings.register_profile(
        "ci",
        parent,
        max_examples=15,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=_QUIET,
    )
    settings.register_profile("thorough", max_examples=300, deadline=None, database=None, suppress_health_check=_QUIET)
    # Note: verdict decides each clause by its first failing example, as ci would; shrinking only makes a reproducer
    # smaller, and on an implementation with many failing clauses (an old torch release) it takes most of the run.
    settings.register_profile("verdict", settings.get_profile("ci"), phases=(Phase.explicit, Phase.reuse, Phase.generate))


def load_without_database(name: str) -> None:
    """Load the registered profile `name`, re-registered under the same name without an example database."""
    # Note: a conformance result must be a function of the implementation, the suite and the seed only. An example
    # database replays one implementation's failing examples on the next run of another (a broken build's failures
    # showed up as 27 failed clauses of torch), and one keyed by adapter spec cannot tell two builds of the same module
    # apart. Nothing is lost: every failure prints a runnable reproducer, and --hypothesis-seed replays a run. The
    # name is kept because reports record it and the gate re-runs under it; a profile of the user's is changed in
    # this process only.
    settings.register_profile(name, settings.get_profile(name), database=None)
    settings.load_profile(name)


def default_profile() -> str:
    """ci when the CI environment variable is set (and not false), else dev."""
    return "ci" if os.environ.get("CI", "").lower() not in ("", "0", "false", "no") else "dev"


def current_settings() -> settings:
    """settings.default: the loaded profile's settings (Hypothesis types it optional; it loads a profile on import)."""
    current = settings.default
    assert current is not None, "Hypothesis loads its default profile on import"
    return current


def costly(divisor: int = 5) -> settings:
    """Settings for a test whose every example is costly (a compile, an export, threads): the loaded profile's
    max_examples divided by `divisor`, at least 2 (ci: 3, dev: 4, thorough: 60 with the default divisor)."""
    # Note: read when the test module is imported, after pytest_configure has loaded the profile.
    return settings(max_examples=max(2, current_settings().max_examples // divisor))
