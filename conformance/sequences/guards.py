"""What the machine steers clear of for an adapter that declares a divergence: each declared clause, the situation
that exposes it, so that a known divergence is not reported again as a difference of a sequence."""

from __future__ import annotations

# Clause -> the situation the machine avoids (or, for the last group, how it compares) when the adapter declares it.
AVOIDED: dict[str, str] = {
    "COPY-INDEPENDENT": "registering a new name on, or removing from, a model whose generated class another live "
    "model shares (a deepcopy)",
    "BUFFER-PERSISTENCE-KEPT": "parametrizing the non-persistent buffer 'scratch'",
    "REMOVE-MULTI-KEEPS-KIND": "removing a multi-input parametrization while one of its originals is frozen",
    "ASSIGN-MULTI-ATOMIC": "a failing assignment to a multi-input parametrization (value of the wrong shape or dtype)",
    "REGISTER-ATOMIC": "a failing first registration (dropped when the reference refuses it)",
    "ASSIGN-SHAPE-CHECKED": "an assignment the reference refuses for its shape (dropped)",
    "TRANSFER-SELF": "a transfer from a model to itself",
    "TRANSFER-ATOMIC": "a transfer the reference refuses (dropped)",
    "TRANSFER-BUFFER": "transferring a parametrized buffer to a model that lacks it",
    "GRAD-LIVE-GRAPH": "under the swap flag, registering on, assigning to or removing from a Parameter that a live "
    "graph holds",
    "REMOVE-VIEW-VALUE": "under the swap flag, removing with leave_parametrized=True when the value is a view of the "
    "original, or registering first a right_inverse that returns a view",
    "FUNCTIONAL-CACHED": "functional_call inside cached() after the model's tensors were read",
    "INIT-ASSIGN-LOAD": "load_state_dict(assign=True) inside cached() after the model's tensors were read",
    "CACHE-REPLACED-ORIGINAL": "replacing a model's originals (functional_call, load_state_dict(assign=True)) inside "
    "cached() after its tensors were read",
    "REMOVE-KEEPS-ORDER": "comparing tensor and state_dict names in order (they are compared as sets)",
}


class Guards:
    """The adapter's declared clauses that the machine must steer clear of."""

    def __init__(self, declared: frozenset[str]) -> None:
        self.declared = declared

    def avoid(self, clause: str, situation: bool) -> bool:
        """Whether to skip a step: the situation that exposes `clause` is at hand and the adapter declares it."""
        if clause not in AVOIDED:
            raise KeyError(f"{clause} is not a clause the sequences know how to avoid; add it to AVOIDED")
        return situation and clause in self.declared

    def refusal(self, clause: str, phrase: str = "") -> tuple[str, str]:
        """A Step's `refusal` for `clause`: the step is dropped when the reference refuses it (an error whose key
        phrase holds `phrase`) and the adapter declares `clause` divergent."""
        if clause not in AVOIDED:
            raise KeyError(f"{clause} is not a clause the sequences know how to avoid; add it to AVOIDED")
        return clause, phrase

    @property
    def ordered(self) -> bool:
        return "REMOVE-KEEPS-ORDER" not in self.declared
