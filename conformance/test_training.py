"""Training mode: synced from the module at registration, then propagated by module.train()/eval()."""

from __future__ import annotations

import torch
from hypothesis import given
from hypothesis import strategies as st

from parametrize_conformance import library as L
from parametrize_conformance.checks import assert_close, assert_equal
from parametrize_conformance.drawing import note_case
from parametrize_conformance.strategies import cases, with_inserted


def _by_hand(chain, x: torch.Tensor, training: bool) -> torch.Tensor:
    """The chain's forward in mode `training`, whatever mode its modules are in."""
    for p in chain:
        if isinstance(p, L.TrainingScale):
            x = x * 2 if training else x
        else:
            x = p(x)
    return x


@given(data=st.data())
def test_train_sync_at_register(P, adapter, device, dtype, data):
    case = data.draw(cases(dtypes=(dtype,)), label="case")
    n = len(case.chain)
    module_modes = data.draw(st.lists(st.booleans(), min_size=n, max_size=n), label="module.training per step")
    own_modes = data.draw(st.lists(st.booleans(), min_size=n, max_size=n), label="parametrization.training")
    wrapped = data.draw(st.lists(st.booleans(), min_size=n, max_size=n), label="wrapped in Logged")
    note_case(
        case,
        adapter,
        device,
        f"\n    (before step i: module.train(modes[i]) with modes = "
        f"{module_modes}; each parametrization first set to {own_modes}; Logged wrappers {wrapped})",
    )
    module = case.host.build(device)
    log: list = []
    for i, (p, module_mode, own_mode, wrap) in enumerate(
        zip(case.fresh_chain(), module_modes, own_modes, wrapped, strict=True)
    ):
        # A wrapped parametrization has a submodule of its own: the flag must reach it as well.
        p = L.Logged(p, str(i), log) if wrap else p
        module.train(module_mode)
        p.train(own_mode)
        P.register_parametrization(module, case.name, p)
        for sub_name, sub in p.named_modules():
            assert_equal(
                sub.training,
                module_mode,
                f"parametrization {i}{'.' + sub_name if sub_name else ''}.training "
                f"after registering it (module.training={module_mode}, it was {own_mode})",
            )
    # Stacking always meets both mismatches: a parametrization in eval mode on a training module, and the reverse.
    for mode in (True, False):
        module.train(mode)
        stacked = L.Identity().train(not mode)
        P.register_parametrization(module, case.name, stacked)
        assert_equal(
            stacked.training,
            mode,
            f"a stacked parametrization's training after registering it (module.training={mode}, it was {not mode})",
        )


@given(data=st.data())
def test_train_propagates(P, adapter, device, dtype, data):
    case = data.draw(with_inserted(cases(dtypes=(dtype,), max_chain=2), L.TrainingScale()), label="case")
    modes = data.draw(st.lists(st.booleans(), min_size=1, max_size=4), label="module modes")
    note_case(case, adapter, device, f"\n    then module.train(mode) for mode in {modes}")
    chain = case.fresh_chain()
    module = case.build(P, device, chain=chain)
    original = module.parametrizations[case.name].original.detach()
    for step, mode in enumerate(modes):
        module.train(mode)
        for i, p in enumerate(chain):
            assert_equal(p.training, mode, f"parametrization {i}.training after module.train({mode}) (step {step})")
        with torch.no_grad():
            assert_close(
                getattr(module, case.name),
                _by_hand(chain, original, mode),
                f"module.{case.name} after module.train({mode}) (step {step})",
            )
