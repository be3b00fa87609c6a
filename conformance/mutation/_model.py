"""What a mutation run produces: one Mutant per generated mutant, with the tool's verdict."""

from __future__ import annotations

from dataclasses import dataclass

# The tool's statuses of a detected mutant; every other one ("survived", "no tests", "suspicious") is a survivor.
# Note: a timeout or a crash is a detected mutant (the suite did not pass), as in mutmut's own score; "no tests" (no
# conformance test reaches the code) and "suspicious" count as survivors.
KILLED_STATUSES = ("killed", "timeout", "segfault", "caught by type check")


@dataclass(frozen=True)
class Mutant:
    """One mutant: the tool's name for it (not stable across runs), where it is, and its status.

    `original` and `mutated` are the changed source lines (stripped, joined by newlines), known for survivors.
    """

    name: str
    file: str
    function: str
    status: str
    original: str = ""
    mutated: str = ""

    @property
    def killed(self) -> bool:
        return self.status in KILLED_STATUSES

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The triage key, stable across runs: file, function, original line(s), mutated line(s)."""
        return (self.file, self.function, self.original, self.mutated)
