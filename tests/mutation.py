"""Planted bugs: a Mutant is the reference with one source edit, built as its own importable package."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

REFERENCE = Path(__file__).resolve().parent.parent / "reference"


@dataclass(frozen=True)
class Mutant:
    """One plausible bug: in reference/`file`, `old` (which must occur exactly once) becomes `new`.
    `clause` is the clause of the suite that must reject it."""

    name: str
    clause: str
    file: str
    old: str
    new: str
    bug: str

    @property
    def package(self) -> str:
        return "mutant_" + re.sub(r"\W", "_", self.name)

    def build(self, directory: Path, package: str | None = None) -> Path:
        """Write the mutated copy of the reference under `directory` as `package` (default: its own name); return
        the package path. Built as "reference", it stands in for the reference (a planted regression)."""
        target = directory / (package or self.package)
        shutil.copytree(REFERENCE, target, ignore=shutil.ignore_patterns("__pycache__"))
        path = target / self.file
        source = path.read_text()
        count = source.count(self.old)
        if count != 1:
            raise AssertionError(f"mutant {self.name}: {self.old!r} occurs {count} times in reference/{self.file}, "
                                 f"expected once; update the mutant to the reference's current code")
        path.write_text(source.replace(self.old, self.new))
        return target
