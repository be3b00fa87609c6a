"""Running mutmut in the work directory and reading back every mutant's verdict."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from parametrize_conformance.mutation import relay
from parametrize_conformance.mutation._errors import MutationError
from parametrize_conformance.mutation._model import KILLED_STATUSES, Mutant
from parametrize_conformance.mutation._parse import locate, parse_diff, parse_results

INSTALL = "pip install 'mutmut>=3.8' (or pip install -e '.[mutation]' in a checkout)"
# Statuses of an unfinished run: no verdict to score.
UNFINISHED = ("not checked", "skipped", "check was interrupted by user")


def tool_version() -> str:
    """mutmut's version; MutationError when it is missing or older than mutmut 3."""
    try:
        version = metadata.version("mutmut")
    except metadata.PackageNotFoundError:
        raise MutationError(f"mutmut is not installed in {sys.executable}: {INSTALL}") from None
    if not version.split(".")[0].isdigit() or int(version.split(".")[0]) < 3:
        raise MutationError(f"mutmut {version} is too old (the driver reads mutmut 3's output): {INSTALL}")
    return version


def _mutmut(work: Path, *args: str, log: Path | None = None, rank_coverage: bool = True) -> subprocess.CompletedProcess:
    """`python -m mutmut ARGS` in `work`; output captured, or sent to `log`."""
    # Note: CI=true so the suite's plugin is in its ci mode; one torch thread per worker, as the workers already
    # use the machine's cores between them.
    env = {**os.environ, "CI": "true", "OMP_NUM_THREADS": "1", relay.SWITCH: "1" if rank_coverage else "0"}
    command = [sys.executable, "-m", "mutmut", *args]
    if log is None:
        return subprocess.run(command, cwd=work, env=env, capture_output=True, text=True)
    with log.open("w", encoding="utf-8") as out:
        return subprocess.run(command, cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)


def _last_line(log: Path) -> str:
    """The last non-blank line (after the spinner's carriage returns) of a log."""
    lines = [line.strip() for line in log.read_text(encoding="utf-8", errors="replace").replace("\r", "\n").splitlines()]
    return next((line for line in reversed(lines) if line), "(no output)")


def run(work: Path, max_children: int, names: list[str] | None = None, rank_coverage: bool = True) -> None:
    """`mutmut run` over every mutant (or over `names` only), the rank processes' calls counted or not (see
    mutation.relay); MutationError naming the log when it fails."""
    log = work / "mutmut-run.log"
    args = ("run", "--max-children", str(max_children), *(names or []))
    done = _mutmut(work, *args, log=log, rank_coverage=rank_coverage)
    if done.returncode != 0:
        raise MutationError(
            f"mutmut run failed (exit {done.returncode}): {_last_line(log)[:300]}; the full output is in {log}"
        )


def collect(work: Path) -> list[Mutant]:
    """Every mutant with its status; the survivors with their changed lines."""
    done = _mutmut(work, "results", "--all", "true")
    statuses = parse_results(done.stdout)
    if done.returncode != 0 or not statuses:
        raise MutationError(
            f"mutmut results gave no mutants (exit {done.returncode}): {(done.stderr or done.stdout).strip()[-300:]}"
        )
    unfinished = sorted(n for n, s in statuses.items() if s in UNFINISHED)
    if unfinished:
        raise MutationError(
            f"the run did not finish: {len(unfinished)} mutants have no verdict (e.g. "
            f"{unfinished[0]}); run python -m parametrize_conformance.mutation again"
        )
    return [_mutant(work, name, status) for name, status in sorted(statuses.items())]


def _mutant(work: Path, name: str, status: str) -> Mutant:
    file, function = locate(name)
    if status in KILLED_STATUSES:
        return Mutant(name, file, function, status)
    done = _mutmut(work, "show", name)
    if done.returncode != 0:
        raise MutationError(f"mutmut show {name} failed (exit {done.returncode}): {done.stderr.strip()[-300:]}")
    original, mutated = parse_diff(done.stdout)
    return Mutant(name, file, function, status, original, mutated)
