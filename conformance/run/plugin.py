"""The suite's pytest plugin: --adapter and the report options, the axis fixtures and declared divergences.

Inert unless --adapter is given: it then loads the adapter, picks a Hypothesis profile and records the run (see
recording.py); with several adapters, or --isolate, it hands the run to the isolating runner (isolation.py). An
adapter that cannot run here (a CUDA adapter without a GPU) has every test skipped with the reason, or failed under
--require-adapter.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import torch
from hypothesis import settings

from parametrize_conformance.adapters import Adapter, AdapterError, available_adapters, load_adapter
from parametrize_conformance.clauses import CLAUSES, LEVELS
from parametrize_conformance.clients import plugin as client_plugin
from parametrize_conformance.distributed.pool import RankPools, distributed_problem, world_sizes
from parametrize_conformance.profiles import SUITE_PROFILES, default_profile, load_without_database, register_profiles
from parametrize_conformance.report import ReportError, check_writable, report_destination, report_file_name
from parametrize_conformance.run import collection, expectations, guard, recording, shrinking
from parametrize_conformance.run.journal import events_of, read_journal
from parametrize_conformance.run.options import (
    ADAPTER,
    CLAUSE,
    UNAVAILABLE,
    clause_keys,
    report_options,
    selected_clauses,
)
from parametrize_conformance.suggest import did_you_mean

register_profiles()


def pytest_pycollect_makemodule(module_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    return collection.make_module(module_path, parent)


@pytest.hookimpl(tryfirst=True)
def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return collection.make_package(path, parent)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("parametrize-conformance")
    group.addoption(
        "--adapter",
        action="append",
        default=None,
        metavar="SPEC",
        help="implementation under test: a built-in name (reference, torch), an installed adapter "
        "name, a module path exposing the seven names, or pkg.mod:OBJ for an Adapter; repeat it, "
        "or give 'all', to run several adapters, each in a process of its own",
    )
    group.addoption(
        "--clauses", default=None, metavar="IDS", help="comma-separated clause ids or areas to run (default: all)"
    )
    group.addoption(
        "--level",
        default="required",
        choices=LEVELS,
        help="the clause level the exit status counts: required (default) counts the required clauses "
        "alone, so a failing recommended clause is reported but does not fail the run; recommended "
        "counts both levels",
    )
    group.addoption("--report", default=None, metavar="PATH", help="write this run's JSON report to PATH")
    group.addoption(
        "--report-dir",
        default=None,
        metavar="DIR",
        help="write one JSON report per adapter, named DIR/<adapter>.json (with several adapters, "
        "default: a new temporary directory)",
    )
    group.addoption(
        "--require-adapter",
        action="store_true",
        help="fail every test, instead of skipping it, when the adapter cannot run on this machine (a "
        "CUDA adapter without a GPU), so that a green run means the adapter really ran",
    )
    group.addoption(
        "--isolate",
        action="store_true",
        help="run the adapter in a child process, so a crash, exit or hang of the implementation is "
        "reported instead of ending the run (always on with several adapters)",
    )
    group.addoption(
        "--test-timeout",
        type=float,
        default=300.0,
        metavar="SECONDS",
        help="isolated runs: a test that makes no progress for SECONDS is killed and reported as a timeout (default 300)",
    )
    group.addoption("--jobs", type=int, default=1, metavar="N", help="isolated runs: adapters run at once (default 1)")
    group.addoption(
        "--max-restarts",
        type=int,
        default=3,
        metavar="N",
        help="isolated runs: child processes started again after a crash or hang, per adapter (default 3)",
    )
    group.addoption(
        "--distributed-world-sizes",
        default="2,4",
        metavar="SIZES",
        help="comma-separated world sizes the distributed area runs on (default 2,4; each from 1 to 16)",
    )
    group.addoption(
        "--distributed-timeout",
        type=float,
        default=60.0,
        metavar="SECONDS",
        help="distributed area: a rank that has not finished a task after SECONDS is stopped and its "
        "clause reported as a timeout (default 60)",
    )
    group.addoption(
        "--strict-api",
        action="store_true",
        help="refuse an adapter that lacks any of the seven API names (by default a partial "
        "implementation loads, and the clauses that need a missing name are untested)",
    )
    shrinking.add_option(group)
    group.addoption("--journal", default=None, help=argparse.SUPPRESS)


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config, parser: pytest.Parser, args: list[str]) -> None:
    """A misspelt option of this suite gets a one-line error with the right spelling (pytest would only say that it
    does not recognise it)."""
    ours = [n for option in parser.getgroup("parametrize-conformance").options for n in option.names()]
    for argument in args:
        if argument == "--":
            return
        name = argument.split("=", 1)[0]
        if not name.startswith("--") or name in ours:
            continue
        hint = did_you_mean(name, ours, cutoff=0.75)
        if hint and not _known_option(parser, name):
            raise pytest.UsageError(
                f"unknown option {name}{hint}; pytest --help lists the options under 'parametrize-conformance'"
            )


def _known_option(parser: pytest.Parser, name: str) -> bool:
    groups = [*parser._groups, parser._anonymous]
    return any(name in option.names() for group in groups for option in group.options)


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> int | None:
    check_profile(config.getoption("hypothesis_profile", None))
    specs = adapter_specs(config)
    if len(specs) > 1 or (specs and config.getoption("isolate")):
        from parametrize_conformance.clients.selection import refuse_isolation
        from parametrize_conformance.run.isolation import plan_from_config, run_isolated

        refuse_isolation(config)
        return run_isolated(plan_from_config(config, specs))
    return None


def adapter_specs(config: pytest.Config) -> list[str]:
    """The --adapter values, with 'all' expanded and repeats dropped."""
    specs: list[str] = []
    for value in config.getoption("--adapter") or []:
        for spec in (s.strip() for s in value.split(",")):
            specs += available_adapters() if spec == "all" else [spec] if spec else []
    return list(dict.fromkeys(specs))


def check_profile(name: str | None) -> None:
    """A usage error listing the known Hypothesis profiles unless `name` (--hypothesis-profile) is None or one."""
    # Note: checked for every run, with --adapter or not, from pytest_cmdline_main: it runs after the initial
    # conftests (which may register profiles) and before any pytest_configure, where Hypothesis's own plugin would
    # load the profile and end the run in an INTERNALERROR traceback. A run this refuses could never have worked.
    if name is None or name in _profile_names():
        return
    known = _profile_names()
    hint = did_you_mean(name, known, quoted=True)
    raise pytest.UsageError(
        f"--hypothesis-profile {name}: no such Hypothesis profile{hint}; known profiles: "
        f"{', '.join(known)}; register another with settings.register_profile in a conftest.py"
    )


def _profile_names() -> list[str]:
    """The registered profiles, the suite's first."""
    # Note: Hypothesis has no public list of profiles; settings._profiles is its registry.
    registered = list(getattr(settings, "_profiles", {}))
    return [n for n in SUITE_PROFILES if n in registered] + sorted(set(registered) - set(SUITE_PROFILES))


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    # Note: tryfirst, so the profile is loaded (and its example database dropped) before Hypothesis's own plugin
    # loads --hypothesis-profile (now the copy without a database) and adds --hypothesis-verbosity on top of it.
    config.addinivalue_line("markers", "clause(id): the contract clause a conformance test checks")
    _configure_run(config)
    # Note: last, after the run's recorder: a run of the client tests switches that recorder off.
    config.pluginmanager.register(client_plugin, "parametrize-conformance-clients")


def _configure_run(config: pytest.Config) -> None:
    """Load the adapter and register the run's plugins (nothing without --adapter)."""
    specs = adapter_specs(config)
    if not specs:
        return
    spec = specs[0]
    world_sizes(config)  # a bad --distributed-world-sizes is a usage error before anything runs
    try:
        adapter = load_adapter(spec, strict_api=config.getoption("--strict-api"))
    except AdapterError as exc:
        raise pytest.UsageError(f"--adapter {spec}: {exc}") from None
    config.stash[ADAPTER] = adapter
    reason = adapter.unavailable_reason()
    if reason:
        config.stash[UNAVAILABLE] = reason
    load_without_database(config.getoption("hypothesis_profile", None) or default_profile())
    config.pluginmanager.register(recording, "parametrize-conformance-recording")
    config.pluginmanager.register(guard, "parametrize-conformance-guard")
    config.pluginmanager.register(expectations, "parametrize-conformance-expectations")
    config.pluginmanager.register(
        shrinking.ShrinkBudget.for_run(config, lambda item: item.stash.get(CLAUSE, None)),
        "parametrize-conformance-shrinking",
    )
    if hasattr(config, "workerinput"):
        return
    recording.watch_user_interrupts()
    report_path = _report_path(config, spec)
    recorder = recording.RunRecorder(config, adapter, spec, report_path, config.getoption("--journal"))
    config.pluginmanager.register(recorder, "parametrize-conformance-recorder")


def _report_path(config: pytest.Config, spec: str) -> Path | None:
    """Where this run's report goes; a usage error when it may not be written there."""
    report, directory = report_options(config)
    path = Path(report) if report else Path(directory) / report_file_name(spec) if directory else None
    if path is not None:
        try:
            # Note: a --clauses run never writes over a full report (see report_destination).
            path = report_destination(path, subset=selected_clauses(config) is not None, explicit=bool(report))
            check_writable(path)
        except ReportError as exc:
            raise pytest.UsageError(str(exc)) from None
    return path


# Note: a clause's test is named after it (Clause.test_name); its marker is derived from that name, never written.
_CLAUSE_OF_TEST = {clause.test_name: clause.id for clause in CLAUSES.values()}


def pytest_itemcollected(item: pytest.Item) -> None:
    """Mark a test of the suite's own test modules with the clause its name names; a usage error if it names none."""
    module = getattr(item, "module", None)
    package, _, name = getattr(module, "__name__", "").rpartition(".")
    if package != collection.PACKAGE or not name.startswith("test_") or not isinstance(item, pytest.Function):
        return
    clause_id = _CLAUSE_OF_TEST.get(item.originalname)
    if clause_id is None:
        raise pytest.UsageError(
            f"{item.nodeid}: no clause has a test named {item.originalname}: name it test_<clause id in lower case, "
            "- as _>, or add its record to conformance/clauses.py"
        )
    item.add_marker(pytest.mark.clause(clause_id))


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
    _skip_journalled(config, items)
    # Note: an adapter that cannot run declares nothing: its tests never run, so none may count as diverged.
    if UNAVAILABLE in config.stash:
        return
    for item in items:
        if CLAUSE in item.stash:
            _declare_divergence(item, adapter)


def _clause_of(item: pytest.Item) -> str:
    marker = item.get_closest_marker("clause")
    assert marker is not None, "called for the items the clause marker marks only"
    clause_id = marker.args[0]
    if clause_id not in CLAUSES:
        raise pytest.UsageError(f"{item.nodeid}: unknown clause {clause_id!r}; add it to conformance/clauses.py")
    expected = CLAUSES[clause_id].test_name
    if not isinstance(item, pytest.Function) or item.originalname != expected:
        raise pytest.UsageError(f"{item.nodeid}: clause {clause_id} must be tested by a function named {expected}")
    return clause_id


def _select(config: pytest.Config, items: list[pytest.Item]) -> None:
    keys = clause_keys(config)
    if keys is None:
        return
    keep = [i for i in items if CLAUSE in i.stash and ({i.stash[CLAUSE], CLAUSES[i.stash[CLAUSE]].area} & keys)]
    config.hook.pytest_deselected(items=[i for i in items if i not in keep])
    items[:] = keep


def _skip_journalled(config: pytest.Config, items: list[pytest.Item]) -> None:
    """When restarted by the isolating runner, run only the tests its journal has no result for."""
    journal = config.getoption("--journal")
    if not journal:
        return
    done = {e["nodeid"] for e in events_of(read_journal(journal), "result")}
    keep = [i for i in items if i.nodeid not in done]
    if len(keep) < len(items):
        config.hook.pytest_deselected(items=[i for i in items if i.nodeid in done])
        items[:] = keep


def _declare_divergence(item: pytest.Item, adapter: Adapter) -> None:
    divergences = adapter.divergences_of(item.stash[CLAUSE])
    if divergences:
        expectations.expect(item, divergences)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """Skip each conformance test of an adapter that cannot run here (or fail it under --require-adapter), and each
    whose clause needs a name a partial implementation lacks."""
    if CLAUSE not in item.stash:
        return
    reason = item.config.stash.get(UNAVAILABLE, None)
    if reason is not None:
        if item.config.getoption("--require-adapter"):
            pytest.fail(f"{reason} (--require-adapter: an adapter that cannot run fails the run)", pytrace=False)
        pytest.skip(reason)
    lacking = [n for n in CLAUSES[item.stash[CLAUSE]].needs if n in item.config.stash[ADAPTER].missing]
    if lacking:
        pytest.skip(lacks_reason(lacking))


def lacks_reason(names: list[str]) -> str:
    """Why a clause is untested on a partial implementation: 'lacks NAME' (', NAME' for each more)."""
    return f"lacks {', '.join(names)}"


def pytest_report_header(config: pytest.Config) -> list[str]:
    lines = [f"parametrize-conformance: {unavailable_summary(config, done=False)}"] if UNAVAILABLE in config.stash else []
    return lines + _partial_lines(config)


def _partial_lines(config: pytest.Config) -> list[str]:
    """Warnings on the adapter: the names a partial implementation lacks, the divergences declared unsigned."""
    adapter = config.stash.get(ADAPTER, None)
    if adapter is None:
        return []
    warnings = (adapter.missing_summary(), adapter.unsigned_summary())
    return [f"parametrize-conformance: warning: {w}" for w in warnings if w]


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter, config: pytest.Config) -> None:
    if UNAVAILABLE in config.stash:
        colour = "red" if config.getoption("--require-adapter") else "yellow"
        terminalreporter.write_line(f"parametrize-conformance: {unavailable_summary(config)}", **{colour: True})
    for line in _partial_lines(config):
        terminalreporter.write_line(line, yellow=True)


def unavailable_summary(config: pytest.Config, done: bool = True) -> str:
    """One line: why the adapter cannot run, and what becomes (`done`: became) of its tests."""
    reason = config.stash[UNAVAILABLE]
    if config.getoption("--require-adapter"):
        return f"{reason}; every conformance test {'failed' if done else 'fails'} (--require-adapter)"
    return (
        f"{reason}; every conformance test {'was' if done else 'is'} skipped (its clauses are untested); "
        f"--require-adapter makes this a failure"
    )


@pytest.fixture(scope="session")
def adapter(pytestconfig: pytest.Config) -> Adapter:
    """The adapter under test (from --adapter)."""
    return pytestconfig.stash[ADAPTER]


@pytest.fixture(scope="session")
def P(adapter: Adapter):  # the API namespace reads as P in every test
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


@pytest.fixture(scope="module")
def rank_pools(pytestconfig: pytest.Config, adapter: Adapter):
    """This module's rank pools; the distributed area is skipped, with the reason, where it cannot run."""
    problem = distributed_problem()
    if problem is None and adapter.device != "cpu":
        # Note: DISTRIBUTED-*: the area runs gloo on CPU tensors; on a CUDA adapter it would need NCCL or gloo over
        # CUDA tensors, which no GPU was at hand to build and check.
        problem = f"the distributed area runs on CPU adapters only; adapter {adapter.name!r} is on {adapter.device}"
    if problem is not None:
        pytest.skip(problem)
    pools = RankPools(pytestconfig, adapter)
    yield pools
    pools.close()


@pytest.fixture
def rank_pool(rank_pools: RankPools, world_size: int):
    """The ranks of this test's world size (one process group per world size, reused by every example)."""
    return rank_pools.get(world_size)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "world_size" in metafunc.fixturenames:
        sizes = world_sizes(metafunc.config)
        metafunc.parametrize("world_size", sizes, ids=[f"ranks{n}" for n in sizes])
    if "dtype" in metafunc.fixturenames and ADAPTER in metafunc.config.stash:
        dtypes = metafunc.config.stash[ADAPTER].dtypes
        metafunc.parametrize("dtype", dtypes, ids=[str(d).removeprefix("torch.") for d in dtypes])
