"""Planted bugs: a PlantedBug is the reference with one small AST edit in one function, built as its own importable
package. It is keyed like a surviving mutant of parametrize_conformance.mutation (file, qualified function name, and the
edit), so that reformatting the reference breaks none of them."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from planted_ast import Define, Drop, Edit, EditError, Insert, Negate, Replace, apply_edits

from parametrize_conformance.layout import FOLDERS, installed_path

__all__ = ["REFERENCE", "Define", "Drop", "Insert", "Negate", "PlantedBug", "PlantedBugError", "Replace"]

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
IGNORE = shutil.ignore_patterns("__pycache__")


class PlantedBugError(AssertionError):
    """A planted bug that cannot be applied; `str(error)` is one line naming the bug, what is missing, and the fix."""


@dataclass(frozen=True)
class PlantedBug:
    """One plausible bug: `edit` (one Edit, or a tuple applied in order) made in `function` of reference/`module`.

    `function` is a qualified name as parametrize_conformance.mutation keys survivors ('ParametrizationList.__init__';
    '_first' for _register._first); "" is the module's top level. `clause` is the clause of the suite that must
    reject it; `bug` says in one line what goes wrong.
    """

    name: str
    clause: str
    module: str
    function: str
    edit: Edit | tuple[Edit, ...]
    bug: str

    @property
    def edits(self) -> tuple[Edit, ...]:
        return self.edit if isinstance(self.edit, tuple) else (self.edit,)

    @property
    def package(self) -> str:
        return "planted_" + re.sub(r"\W", "_", self.name)

    def apply(self, reference: Path | None = None) -> str:
        """The text of `module` with the bug planted, from the reference at `reference` (default: REFERENCE)."""
        path = (reference or REFERENCE) / self.module
        if not path.is_file():
            raise PlantedBugError(
                f"planted bug {self.name} ({self.module}): module not found in {path.parent}; re-key "
                "it (module, function, edit) to where the code lives now in tests/planted_bugs.py"
            )
        try:
            return apply_edits(path.read_text(), self.function, self.edits)
        except EditError as error:
            raise PlantedBugError(
                f"planted bug {self.name} ({self.module}): {error}; re-key it (module, function, "
                "edit) to the reference's current code in tests/planted_bugs.py"
            ) from None

    def build(self, directory: Path, package: str | None = None, reference: Path | None = None) -> Path:
        """Write the mutated copy of the reference (default: REFERENCE) under `directory` as `package` (default: its
        own name); return the package path."""
        mutated = self.apply(reference)
        target = directory / (package or self.package)
        shutil.copytree(reference or REFERENCE, target, ignore=IGNORE)
        (target / self.module).write_text(mutated)
        return target

    def build_project(self, directory: Path) -> Path:
        """The whole project laid out as installed (parametrize_conformance/, its reference with the bug) under
        `directory`, which a PYTHONPATH puts before the installed project: it stands in for the reference (a planted
        regression); return `directory`."""
        for folder in FOLDERS.values():
            if folder != REFERENCE.name:
                shutil.copytree(
                    REFERENCE.parent / folder, directory / installed_path(folder), ignore=IGNORE, dirs_exist_ok=True
                )
        self.build(directory, package=installed_path(REFERENCE.name))
        return directory
