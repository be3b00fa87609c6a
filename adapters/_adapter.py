"""The Adapter type: how an implementation of the parametrize API is plugged into the suite."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import torch

API_NAMES: tuple[str, ...] = (
    "cached",
    "ParametrizationList",
    "register_parametrization",
    "is_parametrized",
    "remove_parametrizations",
    "type_before_parametrizations",
    "transfer_parametrizations_and_params",
)


class AdapterError(Exception):
    """An adapter could not be loaded or is malformed; the message says what to fix."""


@dataclass(frozen=True)
class Divergence:
    """A clause the implementation knowingly breaks: its id, why, and a short reproducer."""

    clause: str
    reason: str
    reproducer: str


@dataclass(frozen=True)
class Adapter:
    """An implementation under test: its API namespace, device, dtypes and declared divergences."""

    name: str
    api: Any
    device: str = "cpu"
    dtypes: tuple[torch.dtype, ...] = (torch.float32, torch.float64)
    divergences: tuple[Divergence, ...] = ()
    version: str = ""
    import_line: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        missing = [n for n in API_NAMES if not hasattr(self.api, n)]
        if missing:
            raise AdapterError(
                f"adapter {self.name!r}: its API namespace lacks {', '.join(missing)}; "
                f"it must expose all of {', '.join(API_NAMES)}"
            )
        if not self.dtypes or not all(isinstance(d, torch.dtype) for d in self.dtypes):
            raise AdapterError(f"adapter {self.name!r}: dtypes must be a non-empty tuple of torch.dtype")
        seen = [d.clause for d in self.divergences]
        if len(seen) != len(set(seen)):
            raise AdapterError(f"adapter {self.name!r}: a clause is declared divergent twice")

    def divergence(self, clause: str) -> Divergence | None:
        """The declared divergence for `clause`, or None."""
        return next((d for d in self.divergences if d.clause == clause), None)

    @property
    def api_namespace(self) -> SimpleNamespace:
        """The seven public names, as one namespace."""
        return SimpleNamespace(**{n: getattr(self.api, n) for n in API_NAMES})
