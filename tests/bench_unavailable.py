"""An adapter that says it cannot run here (as a CUDA adapter does on a machine without CUDA), for the benchmarks'
skip and --require-adapter handling. Use as `--bench-adapter bench_unavailable:ADAPTER`."""

from __future__ import annotations

from parametrize_conformance import reference
from parametrize_conformance.adapters import Adapter

REASON = "the bench tests' stand-in accelerator is switched off"


class UnavailableAdapter(Adapter):
    """The reference, declaring itself unavailable."""

    def unavailable_reason(self) -> str | None:
        return REASON


ADAPTER = UnavailableAdapter(name="offline", api=reference, version="0")
