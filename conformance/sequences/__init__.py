"""Stateful differential testing: random sequences of API operations on an adapter and on the reference."""

from parametrize_conformance.sequences.engine import Differential, FlakyOracle, SequenceDivergence
from parametrize_conformance.sequences.machine import machine_for, run_sequences
from parametrize_conformance.sequences.replay import replay
from parametrize_conformance.sequences.world import Step

__all__ = ["Differential", "FlakyOracle", "SequenceDivergence", "Step", "machine_for", "replay", "run_sequences"]
