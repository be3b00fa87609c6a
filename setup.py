"""The package layout: the repository's folders under one import name of the project's own (see pyproject.toml)."""

from setuptools import find_packages, setup

# Note: conformance/ is the package parametrize_conformance; reference/ and adapters/ are its subpackages. Every
# package under these folders is found here, never listed by hand.
FOLDERS = {
    "parametrize_conformance": "conformance",
    "parametrize_conformance.reference": "reference",
    "parametrize_conformance.adapters": "adapters",
}

setup(
    package_dir=FOLDERS,
    packages=[f"{name}.{sub}" if sub else name for name, folder in FOLDERS.items() for sub in ("", *find_packages(folder))],
)
