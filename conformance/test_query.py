"""is_parametrized and type_before_parametrizations, before, during and after parametrization."""

from __future__ import annotations

from hypothesis import given, note
from hypothesis import strategies as st
from torch import nn

from parametrize_conformance import library as L
from parametrize_conformance.checks import assert_equal, assert_same
from parametrize_conformance.hosts import HostSpec
from parametrize_conformance.strategies import several_cases


def _check_answers(P, module, host: HostSpec, parametrized: set[str], when: str) -> None:
    assert_equal(P.is_parametrized(module), bool(parametrized), f"is_parametrized(module) {when}")
    assert_equal(P.is_parametrized(module, None), bool(parametrized), f"is_parametrized(module, None) {when}")
    for name in (*host.tensor_names(), "nonexistent", "parametrizations"):
        assert_equal(P.is_parametrized(module, name), name in parametrized, f"is_parametrized(module, {name!r}) {when}")


@given(data=st.data())
def test_query_is_parametrized(P, adapter, device, dtype, data):
    several = data.draw(several_cases((dtype,)), label="cases")
    host = several[0].host
    removal = data.draw(st.permutations([c.name for c in several]), label="removal order")
    note(f"{[c.name for c in several]} registered on {host!r}.build({device!r}), removed in the order {removal}")
    module = host.build(device)
    parametrized: set[str] = set()
    _check_answers(P, module, host, parametrized, "before any registration")
    for case in several:
        case.register_on(P, module)
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


@given(data=st.data(), nested=st.booleans())
def test_query_type_before(P, adapter, device, dtype, data, nested):
    several = data.draw(several_cases((dtype,)), label="cases")
    host = several[0].host
    note(
        f"{[(c.name, c.chain) for c in several]} registered on {host!r}.build({device!r}), then removed; "
        f"nested on original: {nested}"
    )
    module = host.build(device)
    cls = type(module)
    assert_same(P.type_before_parametrizations(module), cls, "type_before_parametrizations before registering")
    for case in several:
        case.register_on(P, module)
        assert_same(
            P.type_before_parametrizations(module), cls, f"type_before_parametrizations after parametrizing {case.name!r}"
        )
    if nested:
        # The list's single original is itself parametrized: the list's class is swapped in its turn.
        plist = module.parametrizations[several[0].name]
        list_cls = type(plist)
        assert_same(list_cls, P.ParametrizationList, "type(module.parametrizations[name])")
        P.register_parametrization(plist, "original", L.Scale(2.0))
        assert_same(
            P.type_before_parametrizations(plist),
            list_cls,
            "type_before_parametrizations of a ParametrizationList whose original is parametrized",
        )
        assert_same(P.type_before_parametrizations(module), cls, "type_before_parametrizations with a nested one")
        P.remove_parametrizations(plist, "original")
        assert_same(
            P.type_before_parametrizations(plist),
            list_cls,
            "type_before_parametrizations of the list after removing the nested parametrization",
        )
    for case in several:
        P.remove_parametrizations(module, case.name)
        assert_same(
            P.type_before_parametrizations(module), cls, f"type_before_parametrizations after removing {case.name!r}"
        )
    assert_same(type(module), cls, "type(module) after removing every parametrization")
