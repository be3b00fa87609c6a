"""A declared divergence: a clause an implementation knowingly breaks, with the signature of its failure.

This module depends on nothing of the package above it: the adapter, torch's declared divergences and their history
all import it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import torch
from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version


class AdapterError(Exception):
    """An adapter could not be loaded or is malformed; the message says what to fix."""


@dataclass(frozen=True)
class Divergence:
    """A clause the implementation knowingly breaks: its id, why, a short reproducer, the releases it holds for, and
    its signature: what its failure looks like.

        `releases` is a PEP 440 specifier set over the implementation's version (">=2.0,<2.3"); `core_releases` one
        over the installed torch's, for a behaviour of torch's core rather than of the implementation's own code (a
        torch release's parametrize.py run on another torch); empty means every release.

        The signature is `raises`, the exception's class names (one of them must be in the raised exception's MRO:
        "AssertionError" for a check of the suite, "RuntimeError" for an error of the implementation), and `match`, a
        regular expression searched in its message (for a check, its subject and values: "original0.requires_grad: got
        True"). A failure of the clause that does not match is a failure, never the declared divergence. A divergence
        with neither is unsigned: it covers any failure of its clause (adapters warn about it).
    """

    clause: str
    reason: str
    reproducer: str
    releases: str = ""
    core_releases: str = ""
    raises: tuple[str, ...] | str = ()
    match: str = ""

    def __post_init__(self) -> None:
        if isinstance(self.raises, str):
            # Note: a single class name is the one-element tuple; the dataclass is frozen.
            object.__setattr__(self, "raises", tuple(self.raises.split()))
        if not all(isinstance(name, str) and name.isidentifier() for name in self.raises):
            raise AdapterError(
                f"divergence {self.clause}: raises {self.raises!r} must be exception class names "
                f"such as ('AssertionError',) or ('RuntimeError', 'ValueError')"
            )
        try:
            re.compile(self.match)
        except re.error as exc:
            raise AdapterError(
                f"divergence {self.clause}: match {self.match!r} is not a regular expression ({exc}); "
                f"escape it with re.escape, or give a key phrase"
            ) from None
        for field_name in ("releases", "core_releases"):
            try:
                SpecifierSet(getattr(self, field_name))
            except InvalidSpecifier:
                raise AdapterError(
                    f"divergence {self.clause}: {field_name} {getattr(self, field_name)!r} is not a "
                    f"version specifier set; give one such as '>=2.0,<2.3', or '' for every "
                    f"release"
                ) from None

    @property
    def signed(self) -> bool:
        """Whether the divergence says what its failure looks like (else it covers any failure of its clause)."""
        return bool(self.raises or self.match)

    @property
    def signature(self) -> str:
        """The signature in words: "AssertionError matching /got True/" ("any failure" when unsigned)."""
        if not self.signed:
            return "any failure (unsigned)"
        kinds = " or ".join(self.raises) or "any exception"
        return f"{kinds} matching /{self.match}/" if self.match else kinds

    def matches(self, exc: BaseException) -> bool:
        """Whether `exc` is this divergence's failure: its type and message fit the signature (always when unsigned); an
        exception group is when each of its exceptions is."""
        names = {cls.__name__ for cls in type(exc).__mro__}
        inner = getattr(exc, "exceptions", None)
        if "BaseExceptionGroup" in names and isinstance(inner, tuple) and inner:
            return all(self.matches(e) for e in inner)
        if self.raises and not names & set(self.raises):
            return False
        return re.search(self.match, f"{exc}", re.DOTALL) is not None

    def applies_to(self, version: str) -> bool:
        """Whether the divergence holds for an implementation at `version` on the installed torch."""
        return _within(version, self.releases) and _within(torch.__version__, self.core_releases)


def _within(version: str, releases: str) -> bool:
    """Whether `version` is in the specifier set `releases` ('' or a version that is no release: always)."""
    if not releases:
        return True
    try:
        parsed = Version(version)
    except InvalidVersion:
        return True
    # Note: a local build (2.13.0+cpu) or a pre-release belongs to its release.
    return SpecifierSet(releases).contains(Version(parsed.base_version), prereleases=True)
