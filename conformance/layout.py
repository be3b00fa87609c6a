"""Where each part of the package lives in the repository: the one map that the build, the nox sessions, the
mutation driver and the install test read.

This module imports nothing, so that setup.py and noxfile.py can run it by path before the package is installed.
"""

from __future__ import annotations

PACKAGE = "parametrize_conformance"

# Note: conformance/ is the package itself; reference/ and adapters/ are its subpackages. Keys are import names,
# values the repository folders that hold them.
FOLDERS: dict[str, str] = {
    PACKAGE: "conformance",
    f"{PACKAGE}.reference": "reference",
    f"{PACKAGE}.adapters": "adapters",
}


def installed_path(folder: str) -> str:
    """The path, relative to site-packages, at which the repository folder `folder` is installed."""
    name = next(name for name, f in FOLDERS.items() if f == folder)
    return name.replace(".", "/")
