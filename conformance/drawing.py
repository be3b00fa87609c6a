"""How a clause test opens: it draws its case and notes the script that rebuilds it, which Hypothesis prints for a
failing example."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from hypothesis import note
from hypothesis import strategies as st

if TYPE_CHECKING:
    from parametrize_conformance.strategies import Case


def note_case(case: Case, adapter: Any, device: str, then: str = "") -> None:
    """Note the reproducer of `case` through `adapter` (its spec) on `device`, followed by `then`: what the test
    does next."""
    note(case.reproducer(adapter.spec, device) + then)


def draw_case(
    data: Any,
    strategy: st.SearchStrategy[Case],
    adapter: Any,
    device: str,
    then: str | Callable[[Case], str] = "",
    label: str = "case",
) -> Case:
    """Draw a case from `strategy` (as `label`) and note its reproducer followed by `then` (or by `then(case)`, for
    words that name the case's tensor)."""
    case = data.draw(strategy, label=label)
    note_case(case, adapter, device, then(case) if callable(then) else then)
    return case
