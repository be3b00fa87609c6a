"""What the parts of a run share: the stash keys and the options read from the command line (--clauses, --report and
--report-dir). The plugin, the recorder and the isolating runner all read them from here; this module imports none of
them.
"""

from __future__ import annotations

import pytest

from parametrize_conformance.adapters import Adapter
from parametrize_conformance.clauses import AREAS, CLAUSES

ADAPTER = pytest.StashKey[Adapter]()
CLAUSE = pytest.StashKey[str]()
UNAVAILABLE = pytest.StashKey[str]()


def report_options(config: pytest.Config) -> tuple[str | None, str | None]:
    """--report and --report-dir, of which at most one may be given."""
    report, directory = config.getoption("--report"), config.getoption("--report-dir")
    if report and directory:
        raise pytest.UsageError("--report and --report-dir both given: keep one (--report PATH names the file)")
    return report, directory


def clause_keys(config: pytest.Config) -> set[str] | None:
    """The clause ids and areas --clauses names (None when it is not given); a usage error for an unknown one."""
    wanted = config.getoption("--clauses")
    if not wanted:
        return None
    keys = {w.strip() for w in wanted.split(",") if w.strip()}
    unknown = keys - set(CLAUSES) - set(AREAS)
    if unknown:
        raise pytest.UsageError(f"--clauses: unknown {', '.join(sorted(unknown))}; areas are {', '.join(AREAS)}")
    return keys


def selected_clauses(config: pytest.Config) -> list[str] | None:
    """The sorted ids of the clauses --clauses selects (areas expanded); None for a run of every clause."""
    keys = clause_keys(config)
    if keys is None:
        return None
    selected = sorted(c for c, clause in CLAUSES.items() if c in keys or clause.area in keys)
    # Note: a selection that names every clause (every area, say) is a full run, and its report a full report.
    return None if len(selected) == len(CLAUSES) else selected
