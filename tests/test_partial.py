"""Partial implementations: an adapter lacking some of the seven names loads, with a warning, and the clauses that
need a missing name are untested with the reason; --strict-api refuses it. Also each clause's declared needs."""

from __future__ import annotations

import json
import textwrap
import types

import pytest

from parametrize_conformance import CLAUSES
from parametrize_conformance.adapters import API_NAMES, Adapter, AdapterError, load_adapter
from parametrize_conformance.clauses import Clause, by_id
from parametrize_conformance.run.recording import _missing_name

PARTIAL = """
from parametrize_conformance.reference import ParametrizationList, cached, is_parametrized, register_parametrization
from parametrize_conformance.reference import remove_parametrizations
"""
LACKING = ("type_before_parametrizations", "transfer_parametrizations_and_params")


@pytest.fixture
def partial_dir(tmp_path):
    (tmp_path / "partial_impl.py").write_text(textwrap.dedent(PARTIAL))
    return tmp_path


def test_a_partial_module_loads_and_says_what_it_lacks(partial_dir, monkeypatch):
    monkeypatch.syspath_prepend(str(partial_dir))
    adapter = load_adapter("partial_impl")
    assert adapter.missing == LACKING
    assert adapter.missing_summary() == (
        "adapter 'partial_impl' lacks type_before_parametrizations, transfer_parametrizations_and_params: the clauses "
        "that need them are untested (--strict-api makes this a load error)"
    )
    with pytest.raises(
        AdapterError,
        match="lacks type_before_parametrizations, transfer_parametrizations_and_params "
        r"\(--strict-api\)",
    ):
        load_adapter("partial_impl", strict_api=True)
    assert not load_adapter("reference", strict_api=True).missing


def test_every_clause_declares_the_names_it_needs():
    assert all(c.needs and set(c.needs) <= set(API_NAMES) for c in CLAUSES.values())
    assert {n for c in CLAUSES.values() for n in c.needs} == set(API_NAMES)
    one = Clause(id="A-ONE", area="a", statement="S.", source="docs: cached", needs=("cached",))
    with pytest.raises(ValueError, match="declared twice"):
        by_id((one, one))


def test_the_suite_on_a_partial_implementation_leaves_its_clauses_untested(suite, partial_dir, tmp_path):
    report = tmp_path / "partial.json"
    result = suite(
        "--pyargs",
        "parametrize_conformance",
        "--adapter",
        "partial_impl",
        "--clauses",
        "transfer,query,remove",
        "--report",
        str(report),
        pythonpath=[partial_dir],
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr
    assert "warning: adapter 'partial_impl' lacks type_before_parametrizations" in result.stdout
    data = json.loads(report.read_text())
    assert data["adapter"]["lacks"] == list(LACKING)
    untested = {c: e["message"] for c, e in data["clauses"].items() if e["status"] == "untested" and e["tests"]}
    expected = {
        c: "lacks " + ", ".join(n for n in clause.needs if n in LACKING)
        for c, clause in CLAUSES.items()
        if clause.area in ("transfer", "query", "remove") and set(clause.needs) & set(LACKING)
    }
    assert untested == expected and "TRANSFER-ALL" in untested and "QUERY-TYPE-BEFORE" in untested
    passed = {c for c, e in data["clauses"].items() if e["status"] == "passed"}
    assert "QUERY-IS-PARAMETRIZED" in passed and "REMOVE-LEAVE-ORIGINAL" in passed


def test_strict_api_refuses_a_partial_implementation(suite, partial_dir):
    result = suite(
        "--pyargs", "parametrize_conformance", "--adapter", "partial_impl", "--strict-api", pythonpath=[partial_dir]
    )
    assert result.returncode == 4, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "lacks type_before_parametrizations, transfer_parametrizations_and_params" in errors[0]


def test_a_missing_name_met_at_run_time_is_found_in_the_exception():
    api = types.ModuleType("partial")
    api.register_parametrization = lambda *a, **k: None
    adapter = Adapter(name="partial", api=api)
    try:
        api.cached  # noqa: B018 - the lookup that fails
    except AttributeError as exc:
        wrapped = RuntimeError("while checking")
        wrapped.__cause__ = exc
        assert _missing_name(exc, adapter) == "cached"
        assert _missing_name(wrapped, adapter) == "cached"
    assert _missing_name(AttributeError("other"), adapter) is None
    assert _missing_name(ValueError("x"), load_adapter("reference")) is None
