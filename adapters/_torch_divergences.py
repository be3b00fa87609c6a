"""Clauses torch 2.13 breaks on purpose or by bug, each with its reason and a reproducer (contract section 17)."""

from __future__ import annotations

from adapters._adapter import Divergence

TORCH_DIVERGENCES: tuple[Divergence, ...] = ()
