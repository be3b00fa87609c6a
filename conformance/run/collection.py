"""Test modules of the suite imported under their package name, so that a run in a clone imports each module once.

pytest names a test module by its path: in a clone, conformance/test_register.py would be imported as
`conformance.test_register` (the folder's name) beside the `parametrize_conformance` package it imports, and
conformance/__init__.py would run twice. The suite's modules are imported as `parametrize_conformance.<path>`
instead, wherever the package lives (a clone, an editable install or a wheel).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from types import ModuleType

import pytest

from parametrize_conformance.layout import PACKAGE

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the package itself (this module is in run/)


def canonical_name(path: Path) -> str | None:
    """The dotted name of the suite's module at `path` (None for a file outside the package)."""
    try:
        relative = Path(path).resolve().relative_to(PACKAGE_DIR)
    except ValueError:
        return None
    parts = [*relative.parent.parts, relative.stem] if relative.suffix else list(relative.parts)
    return ".".join((PACKAGE, *(p for p in parts if p != "__init__")))


class SuiteModule(pytest.Module):
    """A test module of the suite, imported by its dotted name rather than by its path."""

    def _getobj(self) -> ModuleType:
        name = canonical_name(self.path)
        assert name is not None, "make_module makes a SuiteModule for a module of the suite only"
        try:
            module = importlib.import_module(name)
        except BaseException:
            # Note: pytest's own import gives the error its collection report (with the traceback of the test file).
            return super()._getobj()
        self.config.pluginmanager.consider_module(module)
        return module


class SuitePackage(pytest.Package):
    """A package of the suite, whose __init__ is imported by its dotted name (pytest imports it by path)."""

    def setup(self) -> None:
        # Note: the suite's packages define no setup_module or teardown_module, which is what pytest imports the
        # __init__ for; importing it by name keeps the package's one module object.
        name = canonical_name(self.path)
        assert name is not None, "make_package makes a SuitePackage for a package of the suite only"
        importlib.import_module(name)


def make_module(module_path: Path, parent: pytest.Collector) -> pytest.Module | None:
    """The collector of a suite's test module; None (pytest's default) for any other file."""
    if canonical_name(module_path) is None:
        return None
    return SuiteModule.from_parent(parent, path=module_path)


def make_package(path: Path, parent: pytest.Collector) -> pytest.Package | None:
    """The collector of a package of the suite; None (pytest's default) for any other folder."""
    if canonical_name(path) is None or not (path / "__init__.py").is_file():
        return None
    return SuitePackage.from_parent(parent, path=path)
