"""Running a third-party library's tests in a pytest subprocess, on torch itself or with an adapter standing in for
torch.nn.utils.parametrize (the plugin module), and reading each test's outcome from the run's JUnit XML."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from parametrize_conformance.clients.third_party.libraries import BINDINGS_VARIABLE, MODULES_VARIABLE, SPEC_VARIABLE, Library

PLUGIN = "parametrize_conformance.clients.third_party.plugin"
OUTCOMES = ("passed", "failed", "skipped", "error")
# Note: the project's own pytest plugins (installed as entry points) are kept out of the library's run, so its tests
# run as they would in the library's own checkout.
OWN_PLUGINS = ("-p", "no:parametrize_conformance", "-p", "no:parametrize_conformance_bench")


@dataclass
class Run:
    """One pytest run of a library's tests: each test's outcome and first failure line, or why the run failed."""

    label: str
    outcomes: dict[str, tuple[str, str]] = field(default_factory=dict)
    returncode: int | None = None
    wall_s: float = 0.0
    problem: str = ""
    bindings: dict[str, list[str]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        found = [outcome for outcome, _ in self.outcomes.values()]
        return {outcome: found.count(outcome) for outcome in OUTCOMES}


def command(library: Library, junit: Path, spec: str | None) -> list[str]:
    """The pytest command line for `library`'s tests (plus the substitution plugin when `spec` is an adapter)."""
    plugin = ["-p", PLUGIN] if spec else []
    # Note: `python -m pytest` puts the run directory on sys.path, as a library's own checkout runs its tests
    # (orthogonium's import `tests.test_orthogonality_conv`).
    return [
        sys.executable,
        "-m",
        "pytest",
        *plugin,
        *OWN_PLUGINS,
        "-p",
        "no:cacheprovider",
        "-q",
        f"--junitxml={junit}",
        "-o",
        "junit_family=xunit1",
        *library.pytest_args(),
    ]


def run_tests(library: Library, run_dir: Path, label: str, spec: str | None, log_dir: Path) -> Run:
    """Run `library`'s tests in `run_dir`: on torch when `spec` is None, else with adapter `spec` in place."""
    junit = log_dir / f"{library.name}.{label}.xml"
    found = log_dir / f"{library.name}.{label}.bindings.json"
    env = {k: v for k, v in os.environ.items() if k not in (SPEC_VARIABLE, MODULES_VARIABLE, BINDINGS_VARIABLE)}
    if spec:
        env.update({SPEC_VARIABLE: spec, MODULES_VARIABLE: ",".join(library.modules), BINDINGS_VARIABLE: str(found)})
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    run, start = Run(label), time.monotonic()
    try:
        done = subprocess.run(
            command(library, junit, spec), cwd=run_dir, env=env, capture_output=True, text=True, timeout=library.timeout_s
        )
    except subprocess.TimeoutExpired:
        run.problem = (
            f"timed out after {library.timeout_s} s (raise timeout_s in conformance/clients/third_party/libraries.py)"
        )
        return run
    finally:
        run.wall_s = round(time.monotonic() - start, 1)
    (log_dir / f"{library.name}.{label}.log").write_text(done.stdout + done.stderr, encoding="utf-8")
    run.returncode = done.returncode
    if junit.is_file():
        run.outcomes = read_junit(junit)
    if not run.outcomes:
        run.problem = f"pytest exited {done.returncode} without running a test: {last_line(done.stdout + done.stderr)}"
    elif spec:
        check_bindings(run, found)
    return run


def check_bindings(run: Run, path: Path) -> None:
    """Read what the plugin saw the library bind; a problem when it bound torch's own objects (or saw nothing)."""
    if not path.is_file():
        run.problem = f"the substitution plugin wrote no {path.name}: was it loaded (-p {PLUGIN})?"
        return
    run.bindings = json.loads(path.read_text(encoding="utf-8"))
    if run.bindings.get("torch"):
        run.problem = (
            f"bound torch's own parametrize objects, not the stand-in's: {', '.join(run.bindings['torch'])}; "
            f"they were imported before the substitution"
        )


def last_line(text: str) -> str:
    """The first `ERROR`/`E ` line of pytest's output, else its last non-empty line."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith(("ERROR", "E "))]
    return (errors or lines or ["(no output)"])[0 if errors else -1]


def read_junit(path: Path) -> dict[str, tuple[str, str]]:
    """Each test case in the JUnit XML at `path`: test id -> (outcome, first line of its failure or skip message)."""
    cases = {}
    for case in ET.parse(path).getroot().iter("testcase"):
        test = f"{case.get('classname', '')}::{case.get('name', '')}".lstrip(":")
        cases[test] = _outcome(case)
    return cases


def _outcome(case: ET.Element) -> tuple[str, str]:
    # Note: a test that failed and then errored in teardown counts as failed; an error alone (setup, collection)
    # as error.
    for tag, outcome in (("failure", "failed"), ("error", "error"), ("skipped", "skipped")):
        found = case.find(tag)
        if found is not None:
            return outcome, first_line(found)
    return "passed", ""


def first_line(element: ET.Element) -> str:
    """The first line of a JUnit failure/error/skip: its message, else the first `E ` line of its text."""
    message = (element.get("message") or "").strip()
    if message:
        return message.splitlines()[0]
    text = element.text or ""
    marked = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    return (marked or [line.strip() for line in text.splitlines() if line.strip()] or [""])[0]


def regressions(baseline: Run, other: Run) -> list[tuple[str, str]]:
    """The tests that pass in `baseline` (torch) and do not pass in `other`, with `other`'s first failure line."""
    found = []
    for test, (outcome, _) in baseline.outcomes.items():
        got, line = other.outcomes.get(test, ("missing", other.problem or "not run"))
        if outcome == "passed" and got != "passed":
            found.append((test, f"{got}: {line}"))
    return found
