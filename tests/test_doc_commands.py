"""Every command of the README, CONTRIBUTING.md and docs/, as written: the short ones run (those that write, in a
scratch copy of the repository); the long ones (installs, nox sessions, whole-suite runs, the gate) are checked against
what they name."""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from parametrize_conformance.adapters import known_adapters

ROOT = Path(__file__).resolve().parent.parent
PAGES = ("README.md", "CONTRIBUTING.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")))
_BLOCK = re.compile(r"```(?:bash|sh|shell)\n(.*?)```", re.S)
# Adapter names a page writes for the reader's own implementation: they name nothing here.
_PLACEHOLDERS = ("my.module", "my.mod:ADAPTER", "mine")
_RUN_TIMEOUT = 300


def _commands() -> list[tuple[str, str]]:
    """(page, command) for each command of the pages' shell blocks: continuation lines joined, `a && b` as two."""
    found = []
    for page in PAGES:
        for block in _BLOCK.findall((ROOT / page).read_text()):
            for line in block.replace("\\\n", " ").splitlines():
                for part in " ".join(shlex.split(line, comments=True)).split(" && "):
                    if part.strip():
                        found.append((page, part.strip()))
    return found


def _long(command: str) -> str | None:
    """Why `command` is checked rather than run (None: it runs)."""
    words = shlex.split(command)
    if "install" in words and "pip" in words:
        return "an install"
    if "nox" in words:
        return "a nox session"
    if "gate" in words:
        return "the gate runs the suite on every baselined adapter"
    if "parametrize_conformance.spec" in words and "--check" not in words:
        return "writes the installed package's spec page"
    if words[:3] == ["python", "-m", "pytest"] and any(w.startswith("tests/") for w in words):
        # Note: the project's own tests, which this same run runs: collecting what the command selects shows it
        # works as written, without running the planted-bug suites a second time.
        return "the project's tests"
    suite = "conformance" in words or "parametrize_conformance" in words
    if words[0] in ("pytest", "CI=true") and suite and "--clauses" not in words:
        return "a whole-suite run"
    return None


COMMANDS = _commands()
RUN = [(page, c) for page, c in COMMANDS if _long(c) is None]
CHECKED = [(page, c) for page, c in COMMANDS if _long(c) is not None]


def test_the_pages_hold_commands_of_both_kinds():
    assert len(RUN) >= 10 and len(CHECKED) >= 10, (len(RUN), len(CHECKED))


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """A copy of the repository's tracked files, with the baselines as the runs that `diff` and `bless` read."""
    copy = tmp_path_factory.mktemp("clone")
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    for name in filter(None, listed.stdout.split("\0")):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    out = copy / "reports" / "out"
    out.mkdir(parents=True, exist_ok=True)
    for report in (ROOT / "reports" / "baseline").glob("*.json"):
        shutil.copy2(report, out / report.name)
    return copy


def _environment() -> dict[str, str]:
    """This interpreter's scripts (python, pytest) first on PATH; Hypothesis under its ci profile."""
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, "PATH": scripts + os.pathsep + os.environ.get("PATH", ""), "CI": "true"}


@pytest.mark.parametrize(("page", "command"), RUN, ids=[f"{p}: {c}"[:90] for p, c in RUN])
def test_a_short_command_runs_as_written(page, command, scratch):
    words = shlex.split(command)
    env = _environment()
    while "=" in words[0]:
        key, value = words.pop(0).split("=", 1)
        env[key] = value
    # Note: the report commands write (render --out, bless), so they run in the copy; the suite and the project's tests
    # run in the clone itself, the one the package is installed from (a copy's conformance/ is not the package).
    cwd = scratch if "parametrize_conformance.report" in words else ROOT
    done = subprocess.run(words, cwd=cwd, env=env, capture_output=True, text=True, timeout=_RUN_TIMEOUT)
    assert done.returncode == 0, f"{page}: `{command}` exited {done.returncode}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}"


@pytest.mark.parametrize(("page", "command"), CHECKED, ids=[f"{p}: {c}"[:90] for p, c in CHECKED])
def test_a_long_command_names_what_exists(page, command):
    words = shlex.split(command)
    reason = _long(command)
    if reason == "an install":
        _check_install(words)
    elif reason == "a nox session":
        _check_sessions(words)
    elif reason == "a whole-suite run":
        _check_suite_run(words)
    elif reason == "the project's tests":
        _check_selects_tests(words)
    else:
        module = words[words.index("-m") + 1]
        done = subprocess.run(
            [sys.executable, "-m", module, *words[words.index(module) + 1 :], "--help"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            env=_environment(),
        )
        assert done.returncode == 0, f"{page}: `{command}`: {done.stderr[-2000:]}"


def _check_install(words: list[str]) -> None:
    """Each local path it installs exists, with the extras it asks for."""
    extras = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])
    for word in words[words.index("install") + 1 :]:
        path, _, wanted = word.partition("[")
        if path.startswith((".", "examples")):
            assert (ROOT / path).exists(), f"`{shlex.join(words)}` installs {path}, which does not exist"
            asked = set(filter(None, wanted.rstrip("]").split(",")))
            assert asked <= extras, (
                f"`{shlex.join(words)}` asks for extras {sorted(asked - extras)}; pyproject has {sorted(extras)}"
            )


def _check_sessions(words: list[str]) -> None:
    """Each session it names is one of the noxfile's."""
    defined = set(re.findall(r"^def (\w+)\(session", (ROOT / "noxfile.py").read_text(), re.M))
    named = words[words.index("-s") + 1 :] if "-s" in words else []
    named = [w for w in named if not w.startswith("-") and w not in ("&&",)]
    named = named[: next((i for i, w in enumerate(named) if w in ("python", "pip")), len(named))]
    assert named and set(named) <= defined, (
        f"`{shlex.join(words)}` names sessions {named}; the noxfile has {sorted(defined)}"
    )


@functools.cache
def _pytest_help() -> str:
    """pytest's --help with the suite's plugin loaded (asked once per worker)."""
    return subprocess.run(
        [sys.executable, "-m", "pytest", "--help"], cwd=ROOT, capture_output=True, text=True, timeout=120, env=_environment()
    ).stdout


def _check_suite_run(words: list[str]) -> None:
    """Each option is one the plugin registers and each adapter a built-in, an installed one or a placeholder."""
    helped = _pytest_help()
    for word in words:
        if word.startswith("--") and word not in ("--pyargs",):
            assert re.search(rf"^\s+{re.escape(word.split('=')[0])}\b", helped, re.M), (
                f"`{shlex.join(words)}`: pytest knows no {word}"
            )
    # Note: toy is the example's adapter, there once examples/toy_parametrize is installed as the README shows.
    known = set(known_adapters()) | {"all", "toy"} | set(_PLACEHOLDERS)
    for i, word in enumerate(words):
        if word == "--adapter":
            assert words[i + 1] in known, f"`{shlex.join(words)}`: no adapter {words[i + 1]!r}; known: {sorted(known)}"


def _check_selects_tests(words: list[str]) -> None:
    """The command, collecting only, exits 0 having selected at least one test."""
    done = subprocess.run(
        [sys.executable, *[w for w in words[1:] if w != "-q"], "--collect-only", "-q", "-p", "no:randomly"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env=_environment(),
    )
    selected = re.search(r"(\d+)(?:/\d+)? tests? (?:collected|selected)", done.stdout)
    assert done.returncode == 0 and selected and int(selected.group(1)) > 0, (
        f"`{shlex.join(words)}` selects no test:\n{done.stdout[-2000:]}{done.stderr[-2000:]}"
    )
