"""The package layout: the repository's folders under one import name of the project's own (see pyproject.toml)."""

import runpy
from pathlib import Path

from setuptools import find_packages, setup

# Note: the map of import names to folders has one home, conformance/layout.py, run by path (nothing is installed
# yet). Every package under these folders is found here, never listed by hand.
FOLDERS = runpy.run_path(str(Path(__file__).parent / "conformance" / "layout.py"))["FOLDERS"]

setup(
    package_dir=FOLDERS,
    packages=[f"{name}.{sub}" if sub else name for name, folder in FOLDERS.items() for sub in ("", *find_packages(folder))],
)
