"""Random sequences of operations, on the adapter and on the reference side by side (parametrize_conformance.sequences)."""

from __future__ import annotations

from parametrize_conformance.sequences import run_sequences


def test_sequence_differential(adapter, dtype, swap):
    run_sequences(adapter, dtype, swap)
