"""Real clients on an implementation (conformance/clients): torch's parametrizations and pruning sparsifier, imported
afresh with the implementation standing in for torch.nn.utils.parametrize, pass on the reference, on torch and on a
third-party adapter object; a planted bug makes them fail, saying which client call saw what; the stand-in is undone
afterwards; conformance runs leave the client tests out."""

from __future__ import annotations

import sys
import textwrap
from types import SimpleNamespace

import pytest
import torch

from parametrize_conformance import reference
from parametrize_conformance.adapters import API_NAMES, Adapter
from parametrize_conformance.clients.harness import check_client
from parametrize_conformance.clients.substitute import TARGET, PrivateNameError, substituted
from parametrize_conformance.clients.test_orthogonal import orthogonal_scenario
from parametrize_conformance.clients.test_pruning import sparsify_scenario
from parametrize_conformance.clients.test_weight_norm import weight_norm_scenario

CLIENTS = ("--pyargs", "parametrize_conformance.clients")


def reference_with(**changes) -> Adapter:
    """The reference, with some of its seven names replaced: a tests-only adapter with a planted bug."""
    api = SimpleNamespace(**{n: getattr(reference, n) for n in API_NAMES})
    vars(api).update(changes)
    return Adapter(name="planted-" + "-".join(changes), api=api)


def remove_doubling(module, tensor_name, leave_parametrized=True):
    """remove_parametrizations(leave_parametrized=True) leaving twice the parametrized value."""
    result = reference.remove_parametrizations(module, tensor_name, leave_parametrized=leave_parametrized)
    if leave_parametrized:
        with torch.no_grad():
            getattr(module, tensor_name).mul_(2)
    return result


def register_renaming(module, tensor_name, parametrization, *, unsafe=False):
    """register_parametrization whose module saves `...original` under `...orig`."""

    def rename(module, state_dict, prefix, local_metadata):
        for key in [k for k in state_dict if ".original" in k]:
            state_dict[key.replace(".original", ".orig")] = state_dict.pop(key)

    result = reference.register_parametrization(module, tensor_name, parametrization, unsafe=unsafe)
    module._register_state_dict_hook(rename)
    return result


PLANTED = {
    "remove-writes-twice-the-value": (
        reference_with(remove_parametrizations=remove_doubling),
        "orthogonal(nn.Linear(4, 4))",
        orthogonal_scenario((4, 4), "householder", True),
        "after remove_parametrizations(leave_parametrized=True): module.weight: got tensor",
    ),
    "state-dict-keys-renamed": (
        reference_with(register_parametrization=register_renaming),
        "weight_norm(nn.Linear(5, 4))",
        weight_norm_scenario("Linear", 0),
        "after weight_norm(): module.state_dict(): got keys ['bias', 'parametrizations.weight.orig0', "
        "'parametrizations.weight.orig1'], expected (torch) ['bias', 'parametrizations.weight.original0', ",
    ),
    "is-parametrized-always-false": (
        reference_with(is_parametrized=lambda module, tensor_name=None: False),
        "WeightNormSparsifier.prepare / step / squash_mask",
        sparsify_scenario("WeightNormSparsifier"),
        "after prepare: model[0]: is_parametrized(module): got False, expected (torch) True",
    ),
    "type-before-is-the-class": (
        reference_with(type_before_parametrizations=type),
        "orthogonal(nn.Linear(3, 6))",
        orthogonal_scenario((6, 3), "cayley", True),
        "after orthogonal(): type_before_parametrizations(module): got 'ParametrizedLinear', expected (torch) 'Linear'",
    ),
}


@pytest.mark.parametrize("adapter_spec", ["reference", "torch"])
def test_the_clients_pass_on_the_built_in_adapters(suite, adapter_spec):
    result = suite(*CLIENTS, "--adapter", adapter_spec)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout and "failed" not in result.stdout
    # Note: the clause recorder is off in a client run: no per-area table of untested clauses.
    assert "untested" not in result.stdout


def test_a_third_party_adapter_object_runs_the_clients(suite, tmp_path):
    (tmp_path / "third_party_parametrize.py").write_text(
        textwrap.dedent("""
        from types import SimpleNamespace
        from parametrize_conformance import reference
        from parametrize_conformance.adapters import API_NAMES, Adapter
        ADAPTER = Adapter(name="third-party", api=SimpleNamespace(**{n: getattr(reference, n) for n in API_NAMES}))
    """)
    )
    result = suite(
        *CLIENTS, "--adapter", "third_party_parametrize:ADAPTER", "-k", "pruning or weight_norm", pythonpath=[tmp_path]
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


def test_a_planted_bug_fails_the_client_run_naming_the_call(suite, tmp_path):
    (tmp_path / "planted_parametrize.py").write_text(
        textwrap.dedent("""
        import torch
        from parametrize_conformance.reference import (cached, ParametrizationList, register_parametrization,
                               is_parametrized, type_before_parametrizations, transfer_parametrizations_and_params)
        from parametrize_conformance import reference
        def remove_parametrizations(module, tensor_name, leave_parametrized=True):
            reference.remove_parametrizations(module, tensor_name, leave_parametrized=leave_parametrized)
            if leave_parametrized:
                with torch.no_grad():
                    getattr(module, tensor_name).add_(1)
    """)
    )
    result = suite(*CLIENTS, "--adapter", "planted_parametrize", "-k", "sparsifier_prepare", pythonpath=[tmp_path])
    assert result.returncode == 1, result.stdout[-3000:] + result.stderr[-2000:]
    assert (
        "client WeightNormSparsifier.prepare / step / squash_mask on adapter planted_parametrize: after "
        "squash_mask: model[0]: module.weight: got tensor"
    ) in result.stdout
    assert "expected (torch) tensor" in result.stdout


@pytest.mark.parametrize("bug", list(PLANTED))
def test_each_planted_bug_makes_a_client_fail(bug):
    adapter, client, scenario, message = PLANTED[bug]
    with pytest.raises(AssertionError) as failure:
        check_client(adapter, client, scenario)
    assert str(failure.value).startswith(f"client {client} on adapter {adapter.name}: ")
    assert message in str(failure.value)


def test_the_stand_in_is_undone_on_exit_even_on_error():
    import torch.ao.pruning
    import torch.nn.utils.parametrizations
    import torch.nn.utils.parametrize

    def bound():
        return (
            sys.modules[TARGET],
            torch.nn.utils.parametrize,
            torch.nn.utils.parametrizations,
            torch.ao.pruning,
            sys.modules["torch.ao.pruning.sparsifier.utils"],
        )

    before = bound()
    with pytest.raises(RuntimeError, match="inside"):
        with substituted(reference, "reference") as clients:
            assert sys.modules[TARGET] is clients.P and torch.nn.utils.parametrize is clients.P
            assert clients.parametrizations is not before[2] and clients.pruning is not before[3]
            assert clients.pruning.sparsifier.utils.is_parametrized is reference.is_parametrized
            assert clients.parametrizations.parametrize is clients.P
            raise RuntimeError("inside")
    assert all(a is b for a, b in zip(bound(), before, strict=True))
    assert torch.nn.utils.parametrizations.parametrize is torch.nn.utils.parametrize


def test_a_client_reaching_for_a_private_name_is_told_why():
    with substituted(reference, "reference") as clients:
        with pytest.raises(PrivateNameError, match="used '_cache', which is not one of the seven API names"):
            clients.P._cache  # noqa: B018


def test_conformance_runs_do_not_collect_the_client_tests(suite):
    result = suite("--pyargs", "parametrize_conformance", "--adapter", "reference", "--collect-only")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "clients" not in result.stdout and "test_register.py" in result.stdout


def test_the_client_tests_run_one_adapter_in_process(suite):
    result = suite(*CLIENTS, "--adapter", "reference", "--adapter", "torch")
    assert result.returncode == 4
    assert "parametrize_conformance.clients runs one adapter, in this process" in result.stderr
