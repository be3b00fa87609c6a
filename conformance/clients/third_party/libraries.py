"""Third-party clients of the parametrize API whose own tests ship in their PyPI package: which version, where the
tests are, and what cannot run here. `python -m parametrize_conformance.clients.third_party --help` runs them
(cli).

Candidates looked at and left out (pinned to what PyPI held when they were checked):
  deel-torchlip 1.0.5 (and 1.0.2, 1.0.4): uses register_parametrization, remove_parametrizations, is_parametrized and
    parametrizations.spectral_norm, but every test imports tests/utils_framework.py, which no sdist ships; 0.1.1
    ships no tests.
  geotorch 0.4.0: the newest release ships no tests (0.3.0, below, does).
  vocos 0.1.0, descript-audio-codec 1.0.0, encodec 0.1.1: use torch.nn.utils.weight_norm (the old hook), not the
    parametrize API; vocos's sdist does not build and encodec and vocos ship no tests.
  e3nn 0.6.0, asteroid 0.7.0, torchsde 0.2.6, linear_operator 0.6.1, mctorch-lib 0.1.0, torchlayers 0.1.1: do not use
    the parametrize API (the last two ship no tests either).
  torch-kfac, linodenet: not on PyPI.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Note: how a runner tells the plugin module (in the pytest subprocess) which adapter to put in place and which
# modules must not be imported before it is.
SPEC_VARIABLE = "PARAMETRIZE_CONFORMANCE_SUBSTITUTE"
MODULES_VARIABLE = "PARAMETRIZE_CONFORMANCE_CLIENT_MODULES"
BINDINGS_VARIABLE = "PARAMETRIZE_CONFORMANCE_BINDINGS"


@dataclass(frozen=True)
class Library:
    """A third-party client: its PyPI name and pinned version, the top-level modules it imports as, and its tests:
    `tests_dir` (copied out of the sdist) or, when empty, the tests shipped inside the installed package (`pyargs`)."""

    name: str
    version: str
    modules: tuple[str, ...]
    uses: str
    tests_dir: str = ""
    pyargs: str = ""
    # Note: only tests that cannot run here at all (network, GPU), each with its reason; never one that fails on an
    # implementation under test.
    deselect: dict[str, str] = field(default_factory=dict)
    timeout_s: int = 1800

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}"

    def pytest_args(self) -> list[str]:
        """The arguments that select the library's tests, relative to the directory its tests are copied to."""
        chosen = ["--pyargs", self.pyargs] if self.pyargs else [self.tests_dir]
        return [*chosen, *(arg for test in self.deselect for arg in ("--deselect", test))]


LIBRARIES: tuple[Library, ...] = (
    # Note: geotorch 0.3.0 is the newest release whose sdist ships its tests; on torch >= 1.10 its geotorch.parametrize
    # is `from torch.nn.utils.parametrize import *`, so it binds the seven names when first imported.
    Library(
        "geotorch",
        "0.3.0",
        ("geotorch",),
        "register_parametrization(unsafe=True), is_parametrized, cached",
        tests_dir="test",
    ),
    Library("orthogonium", "0.0.4", ("orthogonium",), "register_parametrization, cached", tests_dir="tests"),
    Library(
        "monotonicnetworks",
        "1.5.1",
        ("monotonicnetworks",),
        "register_parametrization (bound at import)",
        pyargs="monotonicnetworks.tests",
    ),
)


def library_named(name: str, libraries: tuple[Library, ...] = LIBRARIES) -> Library:
    """The library called `name` in `libraries`; raises LookupError naming the known ones."""
    for library in libraries:
        if library.name == name:
            return library
    raise LookupError(
        f"unknown third-party library {name!r}: known ones are "
        f"{', '.join(lib.name for lib in libraries)} (conformance/clients/third_party/libraries.py)"
    )
