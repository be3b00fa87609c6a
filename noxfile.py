"""Sessions of parametrize-conformance. `python -m nox -l` lists them; a bare `python -m nox` runs conformance, report,
tests and lint; arguments after `--` go to pytest (or ruff)."""

from __future__ import annotations

import os
import runpy
import shutil
from pathlib import Path

import nox

nox.options.default_venv_backend = "virtualenv"
nox.options.download_python = "never"
nox.options.sessions = ["conformance", "report", "tests", "lint"]

# Note: torch 2.13.0 is the version this suite is written against; PARAMETRIZE_CONFORMANCE_TORCH overrides it
# (for example "torch==2.12.0"). pip finds the CPU wheel on this machine's disk; an unpinned torch would pull CUDA.
TORCH = os.environ.get("PARAMETRIZE_CONFORMANCE_TORCH", "torch==2.13.0")
BUILTIN_ADAPTERS = ["reference", "torch"]
CUDA_ADAPTERS = ["reference-cuda", "torch-cuda"]
OUT = "reports/out"
# Note: the import package and the folder each of its parts lives in have one home, conformance/layout.py, run by
# path (a session may run before anything is installed).
_LAYOUT = runpy.run_path(str(Path(__file__).parent / "conformance" / "layout.py"))
PACKAGE: str = _LAYOUT["PACKAGE"]
FOLDERS: dict[str, str] = _LAYOUT["FOLDERS"]
# Note: the libraries of conformance/clients/third_party/libraries.py, pinned there and in pyproject's `clients` extra
# (tests/test_third_party_clients.py checks the three agree).
THIRD_PARTY = ["geotorch", "orthogonium", "monotonicnetworks"]


def _install(session: nox.Session, extras: str = "") -> None:
    session.install(TORCH, "-e", f".[{extras}]" if extras else ".")


@nox.session
def conformance(session: nox.Session) -> None:
    """Run the suite on the built-in adapters, each in a process of its own; one JSON report each in reports/out."""
    _install(session)
    adapters = [option for adapter in BUILTIN_ADAPTERS for option in ("--adapter", adapter)]
    session.run(
        "pytest",
        "--pyargs",
        "parametrize_conformance",
        "-p",
        "no:cacheprovider",
        *adapters,
        "--report-dir",
        OUT,
        "--jobs",
        "2",
        *session.posargs,
    )


@nox.session
def conformance_cuda(session: nox.Session) -> None:
    """Run the suite on the CUDA adapters; fails (not skips) when there is no CUDA device. Reports in reports/out/cuda."""
    _install(session)
    adapters = [option for adapter in CUDA_ADAPTERS for option in ("--adapter", adapter)]
    # Note: --require-adapter makes an adapter that cannot run here a failure, so a green run means the GPU ran it.
    session.run(
        "pytest",
        "--pyargs",
        "parametrize_conformance",
        "-p",
        "no:cacheprovider",
        *adapters,
        "--require-adapter",
        "--report-dir",
        f"{OUT}/cuda",
        *session.posargs,
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Benchmark every available adapter against torch; bench.json, bench.md, bench.png in reports/out (-- --gate)."""
    _install(session, "bench")
    session.run(
        "pytest", "--pyargs", "parametrize_conformance.bench", "-p", "no:cacheprovider", "--bench-out", OUT, *session.posargs
    )


@nox.session
def clients(session: nox.Session) -> None:
    """Run torch's own parametrizations and pruning sparsifier on each built-in adapter vs torch (-- --adapter X)."""
    _install(session)
    # Note: a client run takes one adapter (it swaps it in for torch.nn.utils.parametrize in this process), so each
    # adapter, the built-ins or those given as -- --adapter X, gets a pytest run of its own.
    adapters, rest, args = [], [], iter(session.posargs)
    for arg in args:
        if arg == "--adapter":
            adapters.append(next(args, ""))
        elif arg.startswith("--adapter="):
            adapters.append(arg.removeprefix("--adapter="))
        else:
            rest.append(arg)
    for adapter in adapters or BUILTIN_ADAPTERS:
        session.run(
            "pytest", "--pyargs", "parametrize_conformance.clients", "-p", "no:cacheprovider", "--adapter", adapter, *rest
        )


@nox.session
def third_party_clients(session: nox.Session) -> None:
    """Run the own tests of third-party libraries that use the parametrize API (geotorch, orthogonium,
    monotonicnetworks; conformance/clients/third_party/libraries.py) on torch and on the reference: reports/out/third_party.*
    (-- --adapter X --library NAME picks; needs PyPI for the sdists; orthogonium's take ~4-5 min per implementation)."""
    # Note: opt-in (not in nox.options.sessions). The pinned libraries come in through the `clients` extra, in the
    # same pip call as the pinned torch, so no library's loose torch requirement can replace it.
    _install(session, "test,clients")
    libraries = [arg for arg in session.posargs if arg == "--library" or arg.startswith("--library=")]
    names = [] if libraries else [option for name in THIRD_PARTY for option in ("--library", name)]
    session.run("python", "-m", "parametrize_conformance.clients.third_party", *names, "--out", OUT, *session.posargs)


@nox.session
def torch_versions(session: nox.Session) -> None:
    """Run the suite's torch adapter on each torch release installable here: the clause x version matrix in
    reports/out/versions (-- --download also fetches CUDA builds; -- --versions 2.12.1,2.14.1 picks versions)."""
    _install(session)
    # Note: opt-in (not in nox.options.sessions). The driver gives each version a virtual environment of its own under
    # this session's and deletes it after the run (a CUDA build's takes ~5.4 GiB).
    session.run(
        "python",
        "-m",
        "parametrize_conformance.report",
        "versions",
        "--out",
        f"{OUT}/versions",
        "--envs",
        os.path.join(session.virtualenv.location, "torch-versions"),
        *session.posargs,
    )


@nox.session
def torch_history(session: nox.Session) -> None:
    """Run the suite on each torch release's own parametrize.py (1.9 on) on the pinned torch: the clause x release
    matrix in reports/out/history (-- --releases 1.9.1,2.0.1 picks releases; -- --ignore-pip-config lists past a
    local pip cap)."""
    _install(session)
    # Note: opt-in. Each release's parametrize.py (torch's code) is kept in PARAMETRIZE_CONFORMANCE_TORCH_CACHE,
    # default ~/.cache/parametrize-conformance/torch, outside the repository; only reports are written under it.
    cache = os.environ.get(
        "PARAMETRIZE_CONFORMANCE_TORCH_CACHE",
        os.path.join(os.path.expanduser("~"), ".cache", "parametrize-conformance", "torch"),
    )
    session.run(
        "python",
        "-m",
        "parametrize_conformance.report",
        "history",
        "--cache",
        cache,
        "--out",
        f"{OUT}/history",
        *session.posargs,
    )


@nox.session
def mutation(session: nox.Session) -> None:
    """Mutation-test the reference with the suite (mutmut): score and surviving mutants in reports/mutation/."""
    _install(session, "mutation")
    session.run("python", "-m", "parametrize_conformance.mutation", *session.posargs)


@nox.session
def report(session: nox.Session) -> None:
    """Render the reports in reports/out as the clause x adapter matrix: reports/out/matrix.md and matrix.html."""
    # Note: rendering reads JSON and writes Markdown and HTML; it needs jsonschema only, not torch (nor pytest or
    # Hypothesis), so the package goes in without its dependencies (tests/test_rough_edges.py renders without torch).
    session.install("jsonschema>=4.18")
    session.install("--no-deps", "-e", ".")
    session.run("python", "-m", "parametrize_conformance.report", "render", OUT, "--out", OUT, *session.posargs)


@nox.session
def gate(session: nox.Session) -> None:
    """Run the suite on every adapter with a baseline in reports/baseline and fail on any regressed clause (for CI)."""
    _install(session)
    session.run("python", "-m", "parametrize_conformance.report", "gate", *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the project's own tests: reference unit tests, meta-tests, adapter loading, the suite on both adapters."""
    _install(session, "test,bench")
    # Note: the meta-tests run the suite once per planted bug, in subprocesses; two workers halve the wall time.
    # Note: --durations: the run is close to its 30-minute budget; the slowest tests are listed to show where it goes.
    session.run("pytest", "tests", "-p", "no:cacheprovider", "-n", "2", "--durations=25", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """The quick checks: ruff (lint and format), the spec page against the clause table, the import contracts, then
    mypy over the package's non-test modules (strict for the public API)."""
    _install(session, "lint,bench")
    session.run("ruff", "check", ".", *session.posargs)
    session.run("ruff", "format", "--check", ".")
    session.run("python", "-m", "parametrize_conformance.spec", "--check")
    tree = _installed_tree(session)
    import_contracts(session, tree)
    typecheck(session, tree)


def _installed_tree(session: nox.Session) -> Path:
    """A directory holding the package laid out as installed (the editable install's finder is invisible to the
    checkers, and it maps reference/ and adapters/ from outside conformance/)."""
    tree = Path(session.create_tmp()).resolve() / "installed"
    _link_tree(tree / PACKAGE)
    return tree


def import_contracts(session: nox.Session, tree: Path) -> None:
    """import-linter's contracts of pyproject's [tool.importlinter]: no import circles, no other package's private
    module imported."""
    config = Path("pyproject.toml").resolve()
    with session.chdir(tree):
        session.run("lint-imports", "--no-cache", str(config), env={"PYTHONPATH": str(tree)})


def typecheck(session: nox.Session, tree: Path) -> None:
    """mypy over the package as installed (see pyproject's [tool.mypy]), its messages naming the repository's files."""
    config = Path("pyproject.toml").resolve()
    with session.chdir(tree):
        output = str(session.run("mypy", "--config-file", str(config), silent=True, success_codes=[0, 1]) or "")
    for line in output.splitlines():
        print(_repository_path(line))
    if "error:" in output:
        session.error("mypy found type errors (above); fix them, or run `python -m nox -s lint` again after the fix")


def _link_tree(package: Path) -> None:
    """Lay the repository's folders out as the installed package, by symbolic links."""
    shutil.rmtree(package, ignore_errors=True)
    package.mkdir(parents=True)
    for entry in Path(FOLDERS[PACKAGE]).iterdir():
        (package / entry.name).symlink_to(entry.resolve())
    for name, folder in FOLDERS.items():
        if name != PACKAGE:
            (package / name.rpartition(".")[2]).symlink_to(Path(folder).resolve())


def _repository_path(line: str) -> str:
    """A mypy line with the installed module's path turned back into the repository file's."""
    for name, folder in sorted(FOLDERS.items(), key=lambda item: -len(item[0])):
        prefix = name.replace(".", "/") + "/"
        if line.startswith(prefix):
            return folder + "/" + line[len(prefix) :]
    return line
