"""A clean-room reference implementation of the parametrization API of `torch.nn.utils` (torch 2.13 contract)."""

# Note (implementation): the project's one version; a planted copy of this package (an importable package of its
# own) reads it from the installed project too.
from parametrize_conformance._version import __version__  # noqa: F401 - handed on as the reference's version

from ._cache import cached
from ._class import is_parametrized, type_before_parametrizations
from ._list import ParametrizationList
from ._register import register_parametrization
from ._remove import remove_parametrizations
from ._transfer import transfer_parametrizations_and_params

__all__ = [
    "cached",
    "ParametrizationList",
    "register_parametrization",
    "is_parametrized",
    "remove_parametrizations",
    "type_before_parametrizations",
    "transfer_parametrizations_and_params",
]
