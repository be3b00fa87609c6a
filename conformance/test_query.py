"""is_parametrized and type_before_parametrizations, before, during and after parametrization."""

from __future__ import annotations

import pytest
from hypothesis import given, note
from hypothesis import strategies as st
from torch import nn

from conformance import library as L
from conformance.checks import assert_equal, assert_same
from conformance.hosts import HostSpec
from conformance.strategies import Case, cases, chains, shape_of


@st.composite
def _several_cases(draw, dtypes) -> list[Case]:
    """A case, plus chains on a drawn subset of the host's other tensors (same host)."""
    case = draw(cases(dtypes=dtypes), label="case")
    others = [n for n in case.host.tensor_names() if n != case.name]
    extra = draw(st.lists(st.sampled_from(others), unique=True), label="extra names") if others else []
    return [case] + [Case(case.host, n, tuple(draw(chains(shape_of(case.host, n)), label=f"chain of {n}")))
                     for n in extra]


def _register(P, module, case: Case) -> None:  # noqa: N803 - the API namespace reads as P
    for p in case.fresh_chain():
        P.register_parametrization(module, case.name, p)


def _check_answers(P, module, host: HostSpec, parametrized: set[str], when: str) -> None:  # noqa: N803
    assert_equal(P.is_parametrized(module), bool(parametrized), f"is_parametrized(module) {when}")
    assert_equal(P.is_parametrized(module, None), bool(parametrized), f"is_parametrized(module, None) {when}")
    for name in (*host.tensor_names(), "nonexistent", "parametrizations"):
        assert_equal(P.is_parametrized(module, name), name in parametrized, f"is_parametrized(module, {name!r}) {when}")


@pytest.mark.clause("QUERY-IS-PARAMETRIZED")
@given(data=st.data())
def test_query_is_parametrized(P, adapter, device, dtype, data):
    several = data.draw(_several_cases((dtype,)), label="cases")
    host = several[0].host
    removal = data.draw(st.permutations([c.name for c in several]), label="removal order")
    note(f"{[c.name for c in several]} registered on {host!r}.build({device!r}), removed in the order {removal}")
    module = host.build(device)
    parametrized: set[str] = set()
    _check_answers(P, module, host, parametrized, "before any registration")
    for case in several:
        _register(P, module, case)
        parametrized.add(case.name)
        _check_answers(P, module, host, parametrized, f"after parametrizing {sorted(parametrized)}")
    for name in removal:
        P.remove_parametrizations(module, name)
        parametrized.discard(name)
        _check_answers(P, module, host, parametrized, f"after removing {name!r}")
    # A user's own attribute called 'parametrizations' that is not a ModuleDict, or an empty one, is no parametrization.
    for value in (3, nn.ModuleDict()):
        plain = host.build(device)
        plain.parametrizations = value
        _check_answers(P, plain, host, set(), f"with module.parametrizations = {value!r}")


@pytest.mark.clause("QUERY-TYPE-BEFORE")
@given(data=st.data(), nested=st.booleans())
def test_query_type_before(P, adapter, device, dtype, data, nested):
    several = data.draw(_several_cases((dtype,)), label="cases")
    host = several[0].host
    note(f"{[(c.name, c.chain) for c in several]} registered on {host!r}.build({device!r}), then removed; "
         f"nested on original: {nested}")
    module = host.build(device)
    cls = type(module)
    assert_same(P.type_before_parametrizations(module), cls, "type_before_parametrizations before registering")
    for case in several:
        _register(P, module, case)
        assert_same(P.type_before_parametrizations(module), cls,
                    f"type_before_parametrizations after parametrizing {case.name!r}")
    if nested:
        # The list's single original is itself parametrized: the list's class is swapped in its turn.
        plist = module.parametrizations[several[0].name]
        list_cls = type(plist)
        assert_same(list_cls, P.ParametrizationList, "type(module.parametrizations[name])")
        P.register_parametrization(plist, "original", L.Scale(2.0))
        assert_same(P.type_before_parametrizations(plist), list_cls,
                    "type_before_parametrizations of a ParametrizationList whose original is parametrized")
        assert_same(P.type_before_parametrizations(module), cls, "type_before_parametrizations with a nested one")
        P.remove_parametrizations(plist, "original")
        assert_same(P.type_before_parametrizations(plist), list_cls,
                    "type_before_parametrizations of the list after removing the nested parametrization")
    for case in several:
        P.remove_parametrizations(module, case.name)
        assert_same(P.type_before_parametrizations(module), cls,
                    f"type_before_parametrizations after removing {case.name!r}")
    assert_same(type(module), cls, "type(module) after removing every parametrization")
