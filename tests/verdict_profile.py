"""A pytest plugin (`-p verdict_profile`) for project tests that need each clause's verdict only: it registers the
suite's profiles, among them `verdict` (the `ci` profile without the shrink phase)."""

from __future__ import annotations

from parametrize_conformance.profiles import register_profiles

PROFILE = "verdict"

register_profiles()
