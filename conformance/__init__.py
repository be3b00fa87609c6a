"""The conformance suite for torch.nn.utils.parametrize: clause table, strategies and pytest plugin."""

from parametrize_conformance._version import __version__
from parametrize_conformance.clauses import AREAS, CLAUSES, LEVELS, Clause

__all__ = ["AREAS", "CLAUSES", "LEVELS", "Clause", "__version__"]
