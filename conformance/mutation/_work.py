"""The scratch directory a run works in: a copy of the project's packages and mutmut's configuration."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from parametrize_conformance import layout
from parametrize_conformance.layout import PACKAGE, installed_path
from parametrize_conformance.mutation._errors import MutationError

# Note: the run mutates a copy, in a directory of its own: mutmut writes mutants/ (and reads its configuration)
# in its working directory, so the checkout, pyproject.toml included, is never touched. The copy is laid out as the
# installed package is (conformance/ as parametrize_conformance/, reference/ and adapters/ inside it), so that the
# suite imports the mutated reference under its one name, parametrize_conformance.reference.
FOLDERS = {folder: installed_path(folder) for folder in layout.FOLDERS.values()}
SOURCE = "reference"
# Note: lines that are only error-message text (a string literal, or `raise E("...`) are not mutated: the contract
# pins exception types and a few phrases, never whole messages, so mutating message text gives mutants no
# conformance check may kill (about a hundred of them, each costing a full run of the suite).
MESSAGE_LINE = r'^\s*(raise \w+\()?[rbf]*"'


def _cfg_list(values: list[str]) -> str:
    """A setup.cfg list: mutmut reads one item per line (a one-line value is one item, spaces and all)."""
    return "".join(f"\n    {v}" for v in values)


def mutmut_config(pytest_args: list[str], also_copy: list[str]) -> str:
    """The [mutmut] section: mutate the reference, copy `also_copy` beside it, run the conformance suite with
    `pytest_args`."""
    # Note: forkserver isolation: workers forked straight from a process that ran the suite hang in torch.
    return (
        f"[mutmut]\nsource_paths = {FOLDERS[SOURCE]}\npytest_add_cli_args_test_selection = {PACKAGE}\n"
        f"pytest_add_cli_args ={_cfg_list(pytest_args)}\nalso_copy ={_cfg_list(also_copy)}\n"
        f"do_not_mutate_patterns ={_cfg_list([MESSAGE_LINE])}\nprocess_isolation = forkserver\n"
    )


def _also_copy(work: Path) -> list[str]:
    """Everything of the copied package but the reference, which mutmut writes itself (each path once)."""
    return [f"{PACKAGE}/{p.name}" for p in sorted((work / PACKAGE).iterdir()) if f"{PACKAGE}/{p.name}" != FOLDERS[SOURCE]]


def message_lines(root: Path) -> dict[str, int]:
    """Per reference file, the number of lines MESSAGE_LINE matches, docstring lines aside."""
    pattern = re.compile(MESSAGE_LINE)
    return {
        f"{SOURCE}/{p.name}": sum(
            bool(pattern.search(line)) and not line.lstrip().startswith('"""') for line in p.read_text().splitlines()
        )
        for p in sorted((root / SOURCE).glob("*.py"))
    }


def prepare(root: Path, work: Path, pytest_args: list[str]) -> None:
    """Copy the packages of the checkout at `root` into the empty directory `work` and write the configuration."""
    for folder in FOLDERS:
        if not (root / folder / "__init__.py").is_file():
            raise MutationError(
                f"{root / folder} is not a package: run python -m {PACKAGE}.mutation from the "
                f"project's checkout (or pass --root CHECKOUT)"
            )
    _copy_packages(root, work, FOLDERS)
    _write_config(work, pytest_args)


def _copy_packages(root: Path, work: Path, folders: dict[str, str]) -> None:
    for folder, destination in folders.items():  # conformance/ first: the others go inside its copy
        shutil.copytree(root / folder, work / destination, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def _write_config(work: Path, pytest_args: list[str]) -> None:
    (work / "setup.cfg").write_text(mutmut_config(pytest_args, _also_copy(work)), encoding="utf-8")


def _sources(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.py"))}


def refresh(root: Path, work: Path, pytest_args: list[str]) -> None:
    """Bring a kept work directory's suite up to date with the checkout, for re-running its survivors; MutationError
    when the reference changed since (its verdicts would no longer hold) or `work` is not a work directory."""
    source = FOLDERS[SOURCE]
    if not (work / "mutants" / source).is_dir() or not (work / "setup.cfg").is_file():
        raise MutationError(
            f"--resume {work}: not a work directory of a finished run (no mutants/{source} or "
            "setup.cfg); pass the directory a --keep-work run printed"
        )
    if _sources(root / SOURCE) != _sources(work / source):
        raise MutationError(
            f"--resume {work}: {SOURCE}/ changed since that run, so its verdicts no longer hold; run without --resume"
        )
    kept = work / f"{SOURCE}.kept"  # outside the package folder, which is copied anew
    (work / source).rename(kept)
    shutil.rmtree(work / PACKAGE)
    _copy_packages(root, work, {f: d for f, d in FOLDERS.items() if f != SOURCE})
    kept.rename(work / source)
    _write_config(work, pytest_args)
    # Note: mutmut runs, for each mutant, only the tests its stats say reach the mutated function; stats of the old
    # suite would leave a new check unrun on the mutants it kills (seen: GRAD-LIVE-GRAPH's), so they are recollected.
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
