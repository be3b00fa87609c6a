"""Loading adapters: built-ins, entry points, module paths, pkg.mod:OBJ (and the order they are tried in), and the
error for each way it can go wrong."""

from __future__ import annotations

import sys
import textwrap
from importlib.metadata import EntryPoint

import pytest
import torch

from parametrize_conformance.adapters import (
    API_NAMES,
    ENTRY_POINT_GROUP,
    Adapter,
    AdapterError,
    Divergence,
    _loading,
    available_adapters,
    check_spec,
    known_adapters,
    load_adapter,
)
from parametrize_conformance.suggest import did_you_mean

THIRD_PARTY = """
from parametrize_conformance.reference import *  # noqa: F401,F403 - a stand-in implementation exposing the seven names
from parametrize_conformance.reference import cached, ParametrizationList, register_parametrization, is_parametrized
from parametrize_conformance.reference import remove_parametrizations, type_before_parametrizations
from parametrize_conformance.reference import transfer_parametrizations_and_params
"""


@pytest.fixture
def outside(tmp_path, monkeypatch):
    """A directory outside the repository on sys.path, where tests write modules."""
    monkeypatch.syspath_prepend(str(tmp_path))
    yield tmp_path
    for name in [m for m in sys.modules if m.startswith("thirdparty_")]:
        del sys.modules[name]


def write(directory, name: str, source: str) -> None:
    (directory / f"{name}.py").write_text(textwrap.dedent(source))


def test_builtins_load():
    assert available_adapters()[:2] == ["reference", "torch"]
    assert known_adapters()[:4] == ["reference", "torch", "reference-cuda", "torch-cuda"]
    # Note: the CUDA built-ins load everywhere; without CUDA they are only left out of available_adapters().
    for name in ("reference-cuda", "torch-cuda"):
        assert load_adapter(name).device == "cuda"
        assert (name in available_adapters()) == torch.cuda.is_available()
    ref, tor = load_adapter("reference"), load_adapter("torch")
    assert ref.name == "reference" and not ref.divergences
    assert tor.version == torch.__version__
    assert all(hasattr(tor.api, n) for n in API_NAMES)


def test_module_path_wraps_a_default_cpu_adapter(outside):
    write(outside, "thirdparty_impl", THIRD_PARTY)
    adapter = load_adapter("thirdparty_impl")
    assert (adapter.name, adapter.device, adapter.divergences) == ("thirdparty_impl", "cpu", ())


def test_object_spec_accepts_an_adapter_or_a_factory(outside):
    write(
        outside,
        "thirdparty_obj",
        """
        from parametrize_conformance import reference
        from parametrize_conformance.adapters import Adapter, Divergence
        ADAPTER = Adapter(name="mine", api=reference, divergences=(Divergence("CACHE-NESTED", "why", "code"),))
        def make():
            return ADAPTER
    """,
    )
    assert load_adapter("thirdparty_obj:ADAPTER").divergence("CACHE-NESTED").reason == "why"
    assert load_adapter("thirdparty_obj:make").name == "mine"


def test_specs_resolve_built_in_then_entry_point_then_object_then_module(outside, monkeypatch):
    write(
        outside,
        "thirdparty_order",
        """
        from parametrize_conformance import reference
        from parametrize_conformance.adapters import Adapter
        ADAPTER = Adapter(name="by-object", api=reference)
        PLUGGED = Adapter(name="by-entry-point", api=reference)
    """,
    )
    points = [
        EntryPoint(name, target, ENTRY_POINT_GROUP)
        for name, target in [
            ("torch", "no_such_package_xyz:ADAPTER"),
            ("thirdparty_order", "thirdparty_order:PLUGGED"),
            ("thirdparty_broken", "no_such_package_xyz:ADAPTER"),
        ]
    ]
    monkeypatch.setattr(_loading, "entry_points", lambda group: points)
    assert load_adapter("torch").name == "torch"
    assert load_adapter("thirdparty_order").name == "by-entry-point"
    assert load_adapter("thirdparty_order:ADAPTER").name == "by-object"
    check_spec("torch")  # the built-in, not the entry point of the same name that cannot be found
    check_spec("thirdparty_order")
    with pytest.raises(AdapterError, match="entry point 'thirdparty_broken' of its package points to"):
        check_spec("thirdparty_broken")


def test_did_you_mean_names_the_closest_or_nothing():
    assert did_you_mean("refrence", ["reference", "torch"], quoted=True) == " (did you mean 'reference'?)"
    assert did_you_mean("--adpter", ["--adapter", "--clauses"]) == " (did you mean --adapter?)"
    assert did_you_mean("--x", ["--adapter"], cutoff=0.75) == ""


@pytest.mark.parametrize(
    ("spec", "phrase"),
    [
        ("no_such_module_xyz", "cannot import module 'no_such_module_xyz'"),
        ("thirdparty_nothing", "has none of the seven names"),
        ("thirdparty_partial:NOPE", "has no attribute 'NOPE'"),
        ("thirdparty_partial:NUMBER", "is a int, not a parametrize_conformance.adapters.Adapter"),
        ("", "empty adapter spec"),
    ],
)
def test_load_errors_say_what_is_wrong(outside, spec, phrase):
    write(
        outside,
        "thirdparty_partial",
        """
        from parametrize_conformance.reference import cached, ParametrizationList, register_parametrization, is_parametrized
        from parametrize_conformance.reference import type_before_parametrizations, transfer_parametrizations_and_params
        NUMBER = 3
    """,
    )
    write(outside, "thirdparty_nothing", "NUMBER = 3\n")
    with pytest.raises(AdapterError, match=phrase.replace("(", r"\(")):
        load_adapter(spec)


def test_adapter_validates_itself():
    with pytest.raises(AdapterError, match="has none of the seven names"):
        Adapter(name="x", api=object())
    with pytest.raises(AdapterError, match="twice"):
        Adapter(
            name="x", api=load_adapter("reference").api, divergences=(Divergence("A", "r", "c"), Divergence("A", "r", "c"))
        )


def test_bad_adapter_stops_the_run_with_one_line(suite):
    result = suite("conformance", "--adapter", "no_such_module_xyz")
    assert result.returncode == 4, result.stdout + result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("ERROR")]
    assert len(errors) == 1 and "cannot import module 'no_such_module_xyz'" in errors[0], result.stderr


def test_conformance_without_adapter_is_a_usage_error(suite):
    result = suite("conformance/test_register.py")
    assert result.returncode == 4 and "need --adapter" in result.stderr, result.stdout + result.stderr


def test_module_outside_the_repository_runs_the_installed_suite(suite, tmp_path):
    write(tmp_path, "thirdparty_outside", THIRD_PARTY)
    result = suite(
        "--pyargs",
        "parametrize_conformance",
        "--adapter",
        "thirdparty_outside",
        "--clauses",
        "query,training",
        cwd=tmp_path,
        pythonpath=[tmp_path],
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "parametrize-conformance: thirdparty_outside" in result.stdout
