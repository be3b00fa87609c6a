"""Hypothesis profiles of the suite: dev (default), ci (chosen when CI is set) and thorough."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

_QUIET = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large]


def register_profiles() -> None:
    """Register dev, ci and thorough. Our ci builds on Hypothesis's own ci profile."""
    # Note: deadlines are off everywhere: first calls into torch, and device adapters, are slow.
    settings.register_profile("dev", max_examples=20, deadline=None, suppress_health_check=_QUIET)
    parent = settings.get_profile("ci")
    settings.register_profile("ci", parent, max_examples=15, derandomize=True, database=None, deadline=None,
                              print_blob=True, suppress_health_check=_QUIET)
    settings.register_profile("thorough", max_examples=300, deadline=None, suppress_health_check=_QUIET)


def default_profile() -> str:
    """ci when the CI environment variable is set (and not false), else dev."""
    return "ci" if os.environ.get("CI", "").lower() not in ("", "0", "false", "no") else "dev"
