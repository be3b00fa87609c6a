"""A pytest plugin (`-p verdict_profile`) for project tests that need each clause's verdict only: the profile `verdict`
is the suite's `ci` profile (same examples, derandomized, no database) without the shrink phase."""

from __future__ import annotations

from hypothesis import Phase, settings

from conformance.profiles import register_profiles

PROFILE = "verdict"

register_profiles()
# Note: whether a check fails is decided by its first failing example; shrinking it only makes the report shorter,
# and in a run on torch it was most of the time (the plain-module full run: 7-13 minutes with it, 1 without).
settings.register_profile(PROFILE, settings.get_profile("ci"), phases=(Phase.explicit, Phase.reuse, Phase.generate))
