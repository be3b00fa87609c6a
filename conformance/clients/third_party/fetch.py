"""Getting a third-party library's tests and the library itself: its sdist downloaded into a temporary directory (never
the repository), its tests copied out of it, the pinned version installed into the running environment if missing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import zipfile
from importlib import metadata
from pathlib import Path

from parametrize_conformance.clients.third_party.libraries import Library


class FetchError(Exception):
    """A library could not be downloaded, unpacked or installed; the message is one line saying what to do."""


def _pip(*args: str, find_links: str | None = None) -> subprocess.CompletedProcess[str]:
    # Note: with find_links pip reads that directory only (offline: the tests use it); without build isolation, since
    # an isolated build would fetch setuptools from the index.
    local = ["--no-index", "--find-links", find_links, "--no-build-isolation"] if find_links else []
    return subprocess.run([sys.executable, "-m", "pip", *args, *local], capture_output=True, text=True)


def _last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["(pip printed nothing)"])[-1]


def installed_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def ensure_installed(library: Library, find_links: str | None = None) -> str:
    """Install library.requirement unless that version is installed, keeping the installed torch; what was done."""
    if installed_version(library.name) == library.version:
        return f"{library.requirement} already installed"
    torch = installed_version("torch")
    # Note: torch is pinned to the installed version in the same pip call, so a library's loose `torch` requirement
    # can never make pip replace it (an unpinned torch would pull a multi-GB CUDA build).
    done = _pip("install", library.requirement, *([f"torch=={torch}"] if torch else []), find_links=find_links)
    if done.returncode:
        raise FetchError(f"pip could not install {library.requirement}: {_last_line(done.stderr + done.stdout)}")
    return f"installed {library.requirement}"


def download_sdist(library: Library, into: Path, find_links: str | None = None) -> Path:
    """The sdist of library.requirement, downloaded (no dependencies) into `into`."""
    into.mkdir(parents=True, exist_ok=True)
    done = _pip("download", library.requirement, "--no-deps", "--no-binary", ":all:", "-d", str(into), find_links=find_links)
    found = sorted(p for p in into.iterdir() if p.name.endswith((".tar.gz", ".zip")))
    if done.returncode or not found:
        raise FetchError(
            f"pip could not download the sdist of {library.requirement}: "
            f"{_last_line(done.stderr + done.stdout)} (is PyPI reachable? is the version on PyPI?)"
        )
    return found[0]


def unpack(archive: Path, into: Path) -> Path:
    """Unpack the sdist `archive` into `into`; its top directory."""
    if archive.name.endswith(".zip"):
        with zipfile.ZipFile(archive) as z:
            z.extractall(into)
    else:
        with tarfile.open(archive) as t:
            t.extractall(into, filter="data")
    tops = [p for p in into.iterdir() if p.is_dir()]
    if len(tops) != 1:
        raise FetchError(f"{archive.name} does not unpack to one directory: {sorted(p.name for p in tops)}")
    return tops[0]


def prepare_tests(library: Library, work: Path, find_links: str | None = None) -> Path:
    """A directory holding only the library's tests (its tests_dir, copied from the sdist), to run pytest in."""
    run_dir = work / "run"
    run_dir.mkdir(parents=True, exist_ok=True)
    if not library.tests_dir:
        return run_dir
    top = unpack(download_sdist(library, work / "sdist", find_links), work / "unpacked")
    source = top / library.tests_dir
    if not source.is_dir():
        raise FetchError(
            f"the sdist of {library.requirement} has no {library.tests_dir}/: fix tests_dir in "
            f"conformance/clients/third_party/libraries.py"
        )
    # Note: only the tests are copied, not the library's sources beside them: pytest puts the run directory on
    # sys.path, and the library must be imported from the installed (pinned) package.
    shutil.copytree(source, run_dir / library.tests_dir)
    return run_dir
