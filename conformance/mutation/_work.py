"""The scratch directory a run works in: a copy of the project's packages and mutmut's configuration."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from conformance.mutation._errors import MutationError

# Note: the run mutates a copy, in a directory of its own: mutmut writes mutants/ (and reads its configuration)
# in its working directory, so the checkout, pyproject.toml included, is never touched.
PACKAGES = ("reference", "conformance", "adapters")
SOURCE = "reference"
# Note: lines that are only error-message text (a string literal, or `raise E("...`) are not mutated: the contract
# pins exception types and a few phrases, never whole messages, so mutating message text gives mutants no
# conformance check may kill (about a hundred of them, each costing a full run of the suite).
MESSAGE_LINE = r'^\s*(raise \w+\()?[rbf]*"'


def _cfg_list(values: list[str]) -> str:
    """A setup.cfg list: mutmut reads one item per line (a one-line value is one item, spaces and all)."""
    return "".join(f"\n    {v}" for v in values)


def mutmut_config(pytest_args: list[str]) -> str:
    """The [mutmut] section: mutate the reference, run the conformance suite with `pytest_args`."""
    # Note: forkserver isolation: workers forked straight from a process that ran the suite hang in torch.
    return (f"[mutmut]\nsource_paths = {SOURCE}\npytest_add_cli_args_test_selection = conformance\n"
            f"pytest_add_cli_args ={_cfg_list(pytest_args)}\nalso_copy ={_cfg_list(list(PACKAGES[1:]))}\n"
            f"do_not_mutate_patterns ={_cfg_list([MESSAGE_LINE])}\nprocess_isolation = forkserver\n")


def message_lines(root: Path) -> dict[str, int]:
    """Per reference file, the number of lines MESSAGE_LINE matches, docstring lines aside."""
    pattern = re.compile(MESSAGE_LINE)
    return {f"{SOURCE}/{p.name}": sum(bool(pattern.search(line)) and not line.lstrip().startswith('"""')
                                      for line in p.read_text().splitlines())
            for p in sorted((root / SOURCE).glob("*.py"))}


def prepare(root: Path, work: Path, pytest_args: list[str]) -> None:
    """Copy the packages of the checkout at `root` into the empty directory `work` and write the configuration."""
    for package in PACKAGES:
        if not (root / package / "__init__.py").is_file():
            raise MutationError(f"{root / package} is not a package: run python -m conformance.mutation from the "
                                f"project's checkout (or pass --root CHECKOUT)")
        shutil.copytree(root / package, work / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (work / "setup.cfg").write_text(mutmut_config(pytest_args), encoding="utf-8")



def _sources(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.py"))}


def refresh(root: Path, work: Path, pytest_args: list[str]) -> None:
    """Bring a kept work directory's suite up to date with the checkout, for re-running its survivors; MutationError
    when the reference changed since (its verdicts would no longer hold) or `work` is not a work directory."""
    if not (work / "mutants" / SOURCE).is_dir() or not (work / "setup.cfg").is_file():
        raise MutationError(f"--resume {work}: not a work directory of a finished run (no mutants/{SOURCE} or "
                            "setup.cfg); pass the directory a --keep-work run printed")
    if _sources(root / SOURCE) != _sources(work / SOURCE):
        raise MutationError(f"--resume {work}: {SOURCE}/ changed since that run, so its verdicts no longer hold; "
                            "run without --resume")
    for package in PACKAGES[1:]:
        shutil.rmtree(work / package)
        shutil.copytree(root / package, work / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (work / "setup.cfg").write_text(mutmut_config(pytest_args), encoding="utf-8")
    # Note: mutmut runs, for each mutant, only the tests its stats say reach the mutated function; stats of the old
    # suite would leave a new check unrun on the mutants it kills (seen: GRAD-LIVE-GRAPH's), so they are recollected.
    (work / "mutants" / "mutmut-stats.json").unlink(missing_ok=True)
