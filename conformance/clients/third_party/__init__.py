"""Third-party libraries' own tests run on torch and on an implementation: `python -m
parametrize_conformance.clients.third_party --help`."""

from parametrize_conformance.clients.third_party.libraries import (
    BINDINGS_VARIABLE,
    LIBRARIES,
    MODULES_VARIABLE,
    SPEC_VARIABLE,
    Library,
    library_named,
)

__all__ = ["BINDINGS_VARIABLE", "LIBRARIES", "MODULES_VARIABLE", "SPEC_VARIABLE", "Library", "library_named"]
