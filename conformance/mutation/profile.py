"""A pytest plugin (`-p parametrize_conformance.mutation.profile`) that registers the Hypothesis profile of mutation runs.

`mutation` is the suite's `ci` profile (derandomized, no deadline, no database) with EXAMPLES examples and without
the shrink phase: a mutant is killed by the first failing example, and shrinking it (often hundreds of calls) would
only burn the mutant's time limit and turn kills into timeouts.
"""

from __future__ import annotations

import pytest
from hypothesis import Phase, settings

from parametrize_conformance.mutation.relay import charge_start
from parametrize_conformance.profiles import register_profiles

PROFILE = "mutation"
# Note: fewer than ci's 15: a surviving mutant runs every test that reaches its function, and the whole run must fit
# in well under 40 minutes on two cores.
EXAMPLES = 8


def register_mutation_profile() -> None:
    """Register `mutation` on top of the suite's `ci` profile (registering the suite's profiles first)."""
    register_profiles()
    # Note: no Phase.shrink and one bug reported: the verdict (killed or not) is all a mutation run needs.
    settings.register_profile(
        PROFILE,
        settings.get_profile("ci"),
        max_examples=EXAMPLES,
        phases=(Phase.explicit, Phase.reuse, Phase.generate),
        report_multiple_bugs=False,
    )


register_mutation_profile()


@pytest.hookimpl(trylast=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> None:
    """While mutmut records its stats: a test on rank processes is charged their start (see mutation.relay)."""
    if call.when == "call" and "rank_pool" in getattr(item, "fixturenames", ()):
        charge_start(item.nodeid)
