"""A planted implementation for the benchmark's compile gate: the reference, except that its getter calls something
Dynamo cannot trace (torch._dynamo.graph_break(), standing for a logging or C-extension call), so a compiled model
breaks its graph at every parametrized read. Use as `--bench-adapter bench_graphs`."""

from __future__ import annotations

import torch._dynamo
from bench_slow import Getter, PlantedReads
from torch import nn

from parametrize_conformance.reference import (  # noqa: F401 - re-exported: an adapter module exposes the seven names
    ParametrizationList,
    cached,
    is_parametrized,
    transfer_parametrizations_and_params,
    type_before_parametrizations,
)


def _breaking(getter: Getter) -> Getter:
    def get(self: nn.Module) -> object:
        torch._dynamo.graph_break()
        return getter(self)

    return get


_PLANTED = PlantedReads(_breaking)
register_parametrization = _PLANTED.register_parametrization
remove_parametrizations = _PLANTED.remove_parametrizations
