"""The suite's pytest plugin: --adapter, the axis fixtures, declared divergences and the per-area summary.

Inert unless --adapter is given: it then loads the adapter, picks a Hypothesis profile and reports per clause.
"""

from __future__ import annotations

from collections import Counter

import pytest
import torch
from hypothesis import Phase, settings

from adapters import Adapter, AdapterError, available_adapters, load_adapter
from conformance.clauses import AREAS, CLAUSES
from conformance.profiles import default_profile, register_profiles

register_profiles()
ADAPTER = pytest.StashKey[Adapter]()
CLAUSE = pytest.StashKey[str]()
STATUS_ORDER = ("failed", "unexpected-pass", "diverged", "untested", "passed")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("parametrize-conformance")
    group.addoption("--adapter", default=None, metavar="SPEC",
                    help="implementation under test: a built-in name (reference, torch), an installed adapter "
                         "name, a module path exposing the seven names, or pkg.mod:OBJ for an Adapter")
    group.addoption("--clauses", default=None, metavar="IDS",
                    help="comma-separated clause ids or areas to run (default: all)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clause(id): the contract clause a conformance test checks")
    spec = config.getoption("--adapter")
    if spec is None:
        return
    try:
        adapter = load_adapter(spec)
    except AdapterError as exc:
        raise pytest.UsageError(f"--adapter {spec}: {exc}") from None
    config.stash[ADAPTER] = adapter
    if not config.getoption("hypothesis_profile", None):
        settings.load_profile(default_profile())
    config.pluginmanager.register(ClauseReporter(adapter), "parametrize-conformance-reporter")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    clause_items = [item for item in items if item.get_closest_marker("clause")]
    if not clause_items:
        return
    adapter = config.stash.get(ADAPTER, None)
    if adapter is None:
        raise pytest.UsageError(f"conformance tests need --adapter SPEC; available: {', '.join(available_adapters())}")
    for item in clause_items:
        item.stash[CLAUSE] = _clause_of(item)
    _select(config, items)
    for item in items:
        if CLAUSE in item.stash:
            _declare_divergence(item, adapter)


def _clause_of(item: pytest.Item) -> str:
    clause_id = item.get_closest_marker("clause").args[0]
    if clause_id not in CLAUSES:
        raise pytest.UsageError(f"{item.nodeid}: unknown clause {clause_id!r}; add it to conformance/clauses.py")
    expected = CLAUSES[clause_id].test_name
    if item.originalname != expected:
        raise pytest.UsageError(f"{item.nodeid}: clause {clause_id} must be tested by a function named {expected}")
    return clause_id


def _select(config: pytest.Config, items: list[pytest.Item]) -> None:
    wanted = config.getoption("--clauses")
    if not wanted:
        return
    keys = {w.strip() for w in wanted.split(",") if w.strip()}
    unknown = keys - set(CLAUSES) - set(AREAS)
    if unknown:
        raise pytest.UsageError(f"--clauses: unknown {', '.join(sorted(unknown))}; areas are {', '.join(AREAS)}")
    keep = [i for i in items if CLAUSE in i.stash and ({i.stash[CLAUSE], CLAUSES[i.stash[CLAUSE]].area} & keys)]
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


def _declare_divergence(item: pytest.Item, adapter: Adapter) -> None:
    divergence = adapter.divergence(item.stash[CLAUSE])
    if divergence is None:
        return
    item.add_marker(pytest.mark.xfail(reason=f"declared divergence: {divergence.reason}", strict=False))
    inner = getattr(item.obj, "hypothesis", None)
    if inner is not None:
        # Note: a declared failure is expected; shrinking it would only cost time.
        current = item.obj._hypothesis_internal_use_settings
        item.obj._hypothesis_internal_use_settings = settings(
            current, phases=[Phase.explicit, Phase.reuse, Phase.generate])


@pytest.fixture(scope="session")
def adapter(pytestconfig: pytest.Config) -> Adapter:
    """The adapter under test (from --adapter)."""
    return pytestconfig.stash[ADAPTER]


@pytest.fixture(scope="session")
def P(adapter: Adapter):  # noqa: N802 - the API namespace reads as P in every test
    """The implementation's API namespace: P.register_parametrization, P.cached, ..."""
    return adapter.api


@pytest.fixture(scope="session")
def device(adapter: Adapter) -> str:
    """The device the adapter's modules live on."""
    return adapter.device


@pytest.fixture(params=[False, True], ids=["set", "swap"])
def swap(request: pytest.FixtureRequest):
    """torch's swap-tensors flag (torch.__future__.set_swap_module_params_on_conversion), set for one test."""
    before = torch.__future__.get_swap_module_params_on_conversion()
    torch.__future__.set_swap_module_params_on_conversion(request.param)
    yield request.param
    torch.__future__.set_swap_module_params_on_conversion(before)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "dtype" in metafunc.fixturenames and ADAPTER in metafunc.config.stash:
        dtypes = metafunc.config.stash[ADAPTER].dtypes
        metafunc.parametrize("dtype", dtypes, ids=[str(d).removeprefix("torch.") for d in dtypes])


class ClauseReporter:
    """Collects one status per clause and prints the per-area summary."""

    def __init__(self, adapter: Adapter) -> None:
        self.adapter = adapter
        self.status: dict[str, str] = {}
        self.clause_of: dict[str, str] = {}

    def pytest_collection_finish(self, session: pytest.Session) -> None:
        self.clause_of = {i.nodeid: i.stash[CLAUSE] for i in session.items if CLAUSE in i.stash}

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        clause_id = self.clause_of.get(report.nodeid)
        if clause_id is None or (report.when != "call" and report.passed):
            return
        worst = min(self.status.get(clause_id, "passed"), _status(report), key=STATUS_ORDER.index)
        self.status[clause_id] = worst

    def pytest_terminal_summary(self, terminalreporter) -> None:
        if not self.status:
            return
        write = terminalreporter.write_line
        a = self.adapter
        terminalreporter.section(f"parametrize-conformance: {a.name} {a.version} on {a.device}, "
                                 f"hypothesis profile {settings._current_profile}")
        write(f"{'area':<10}" + "".join(f"{s:>17}" for s in reversed(STATUS_ORDER)))
        for area in AREAS:
            counts = Counter(s for c, s in self.status.items() if CLAUSES[c].area == area)
            if counts:
                write(f"{area:<10}" + "".join(f"{counts[s]:>17}" for s in reversed(STATUS_ORDER)))
        self._list(write, "failed", "Failing clauses:", lambda c: CLAUSES[c].statement)
        self._list(write, "diverged", "Declared divergences:", lambda c: a.divergence(c).reason)
        self._list(write, "unexpected-pass", "Declared divergences that passed (remove them from the adapter):",
                   lambda c: a.divergence(c).reason)

    def _list(self, write, status: str, title: str, text) -> None:
        ids = [c for c in CLAUSES if self.status.get(c) == status]
        if ids:
            write(title)
            for c in ids:
                write(f"  {c}: {text(c)}")


def _status(report: pytest.TestReport) -> str:
    if hasattr(report, "wasxfail"):
        return "unexpected-pass" if report.passed else "diverged"
    if report.skipped:
        return "untested"
    return "failed" if report.failed else "passed"
