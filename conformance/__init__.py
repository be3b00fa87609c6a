"""The conformance suite for torch.nn.utils.parametrize: clause table, strategies and pytest plugin."""

from conformance.clauses import AREAS, CLAUSES, LEVELS, Clause

__version__ = "0.1.0"
__all__ = ["AREAS", "CLAUSES", "LEVELS", "Clause", "__version__"]
