"""The adapter through which parametrize-conformance tests toy-parametrize, with its one declared divergence."""

import toy_parametrize
from parametrize_conformance.adapters import Adapter, Divergence

ADAPTER = Adapter(
    name="toy",
    api=toy_parametrize,
    version=toy_parametrize.__version__,
    import_line="import toy_parametrize as P",
    divergences=(
        Divergence(
            clause="REMOVE-KEEPS-ORDER",
            reason="remove_parametrizations puts the tensor back last in _parameters, so state_dict order changes",
            reproducer="m = nn.Linear(2, 2); P.register_parametrization(m, 'weight', Identity()); "
            "P.remove_parametrizations(m, 'weight'); list(m.state_dict()) == ['bias', 'weight']",
            # What the suite's check reports when the order changed: any other failure of the clause still fails.
            raises="AssertionError",
            match=r"names after a register/remove round trip: got|\(parameter names, buffer names, state_dict keys\) "
            r"after registering on",
        ),
    ),
)
