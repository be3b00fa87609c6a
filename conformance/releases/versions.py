"""python -m parametrize_conformance.report versions: the suite's torch adapter on each torch release installable here.

For each candidate version: ask pip what installing it would fetch (a dry run), install it into an environment of its
own, run the suite there (Hypothesis profile ci), and keep the report when the run completed. Then write versions.json
(what ran, and why the others did not) and the clause × version matrix.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path
from typing import Any

from parametrize_conformance.releases.installs import env_python, env_size_mb, install_torch
from parametrize_conformance.releases.pip import Plan, plan_install, torch_releases
from parametrize_conformance.report import (
    RUNS_FILE,
    RUNS_FORMAT,
    ReportError,
    command_line,
    load_report,
    load_runs,
    missing_matplotlib,
    release_list,
    render_html,
    render_markdown,
    version_columns,
    version_key,
    write_atomically,
    write_heatmap,
)

DEFAULT_OUT = Path("reports", "out", "versions")
DEFAULT_ENVS = Path(".nox", "torch_versions-envs")
DEFAULT_FLOOR = "torch>=2.4"


@dataclass
class Outcome:
    """What became of one version: ran, skipped, not installable, below the floor, install failed or run failed."""

    version: str
    status: str
    reason: str = ""
    report: str | None = None
    install_s: float | None = None
    run_s: float | None = None
    env_mb: float | None = None


@dataclass(frozen=True)
class Options:
    """What the versions command was asked to do."""

    out: Path
    envs: Path
    project: Path
    download: bool
    keep_envs: bool
    pytest_arguments: tuple[str, ...] = ()


def project_floor() -> str:
    """The project's torch requirement (from its installed metadata), e.g. 'torch>=2.4'."""
    try:
        found = [r for r in requires("parametrize-conformance") or () if re.match(r"torch\b", r)]
    except PackageNotFoundError:
        found = []
    return found[0].replace(" ", "") if found else DEFAULT_FLOOR


def floor_version(floor: str) -> str:
    """The version of a 'torch>=X' requirement ('0' when it has no lower bound)."""
    match = re.search(r">=\s*([\d.]+)", floor)
    return match.group(1) if match else "0"


def candidates(releases: Sequence[str]) -> list[str]:
    """The newest patch release of each minor version, oldest first (local builds such as +cpu folded in)."""
    newest: dict[tuple[int, ...], str] = {}
    for release in releases:
        public = release.split("+")[0]
        if not re.fullmatch(r"\d+\.\d+(\.\d+)?", public):
            continue  # Note: pre-releases are no candidates.
        minor = version_key(public)[0][:2]
        if minor not in newest or version_key(public) > version_key(newest[minor]):
            newest[minor] = public
    return sorted(newest.values(), key=version_key)


def run_versions(versions: Sequence[str], options: Options, floor: str, command: str = "") -> list[Outcome]:
    """Each version's outcome, in order; a version that cannot be installed or run never stops the others. With a
    `command`, versions.json is written after each version, so a campaign stopped halfway keeps what ran."""
    outcomes = []
    for version in versions:
        if version_key(version) < version_key(floor_version(floor)):
            outcomes.append(Outcome(version, "below floor", f"below the project's floor {floor} in pyproject.toml"))
        else:
            outcomes.append(_one_version(version, options))
        print(progress(outcomes[-1]), flush=True)
        if command:
            write_runs(options.out, outcomes[-1:], floor, command)
    return outcomes


def progress(outcome: Outcome, first: str = "install") -> str:
    """The line printed when a version is done: its status, the times of its `first` step (install or fetch) and
    of its run, and the reason."""
    times = "".join(f", {k} {v:.0f} s" for k, v in ((first, outcome.install_s), ("run", outcome.run_s)) if v)
    return f"torch {outcome.version}: {outcome.status}{times}" + (f" ({outcome.reason})" if outcome.reason else "")


def _one_version(version: str, options: Options) -> Outcome:
    """Plan, install, run and clean up one version."""
    print(f"torch {version}: asking pip what it needs", flush=True)
    plan = plan_install(version)
    if isinstance(plan, str):
        return Outcome(version, "not installable", f"not installable here: pip: {plan}")
    if not plan.torch_on_disk and not options.download:
        return Outcome(version, "skipped", f"skipped: {plan.describe()}, pass --download to try")
    env = options.envs / f"torch-{version}"
    try:
        return _install_and_run(version, plan, env, options)
    finally:
        if not options.keep_envs:
            # Note: a CUDA build's environment takes several GB; it is deleted after its run unless --keep-envs.
            shutil.rmtree(env, ignore_errors=True)


def _install_and_run(version: str, plan: Plan, env: Path, options: Options) -> Outcome:
    print(f"torch {version}: installing into {env} ({plan.describe()})", flush=True)
    started = time.monotonic()
    failure = install_torch(version, env, options.project)
    install_s = time.monotonic() - started
    if failure:
        return Outcome(version, "install failed", f"not installable here: pip: {failure}", install_s=install_s)
    env_mb = env_size_mb(env)
    print(f"torch {version}: running the suite", flush=True)
    started = time.monotonic()
    outcome = run_suite(version, str(env_python(env)), "torch", options.pytest_arguments, options.out, options.project)
    outcome.install_s, outcome.run_s, outcome.env_mb = install_s, time.monotonic() - started, env_mb
    return outcome


def run_suite(
    version: str,
    python: str,
    adapter: str,
    arguments: Sequence[str],
    out: Path,
    project: Path,
    log_failures_only: bool = False,
    kept: Callable[[str], str] = str,
) -> Outcome:
    """Run the suite with `python` on `adapter` (CI=true, in `project`, then `arguments`) into a temporary report, and
    keep it as OUT/torch-VERSION.json (its text through `kept`), atomically, only when the run completed. The run's
    output goes to OUT/torch-VERSION.log (when it failed only, with `log_failures_only`)."""
    name = f"torch-{version}"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{name}.", dir=out) as staging:
        report = Path(staging, f"{name}.json")
        command = [
            python,
            "-m",
            "pytest",
            "--pyargs",
            "parametrize_conformance",
            "-p",
            "no:cacheprovider",
            "--adapter",
            adapter,
            "--report",
            str(report),
            *arguments,
        ]
        done = subprocess.run(command, capture_output=True, text=True, env={**os.environ, "CI": "true"}, cwd=project)
        problem = incomplete_run(report, done.returncode)
        if problem or not log_failures_only:
            write_atomically(out / f"{name}.log", done.stdout + done.stderr)
        if problem:
            return Outcome(version, "run failed", f"{problem}; see {name}.log (an earlier report is kept)")
        write_atomically(out / f"{name}.json", kept(report.read_text(encoding="utf-8")))
    return Outcome(version, "ran", report=f"{name}.json")


def incomplete_run(report: Path, status: int) -> str:
    """Why the run's report is no result ('' when it completed; pytest's status 1 is failing clauses, a result)."""
    if status not in (0, 1):
        return f"the suite exited with status {status}"
    try:
        loaded = load_report(report)
    except ReportError as exc:
        return " ".join(str(exc).split())
    if loaded["run"]["exit"] != "completed":
        return f"the run did not complete (run.exit {loaded['run']['exit']!r})"
    return ""


def write_runs(out: Path, outcomes: Sequence[Outcome], floor: str, command: str) -> Path:
    """Write versions.json (atomically): which versions ran, and why the others did not, with the entries of earlier
    runs for versions this run did not try."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    entries = {o.version: {**_entry(o, out), "at": now, "command": command} for o in outcomes}
    return write_entries(out / RUNS_FILE, {"adapter": "torch", "floor": floor}, entries, now)


def write_entries(path: Path, head: dict[str, Any], entries: dict[str, dict[str, Any]], now: str) -> Path:
    """Write the runs file `path` (atomically): its format, `head`, the python, when it was `now` written, and the
    entries by version, `entries` over those of earlier runs."""
    # Note: a run of some versions (--versions, --releases) updates their entries and keeps the others' from earlier
    # runs.
    kept = {e["version"]: e for e in (load_runs(path) if path.is_file() else [])}
    kept.update(entries)
    runs = {
        "format": RUNS_FORMAT,
        **head,
        "python": sys.version.split()[0],
        "written": now,
        "versions": sorted(kept.values(), key=lambda e: version_key(e["version"])),
    }
    write_atomically(path, json.dumps(runs, indent=1) + "\n")
    return path


def _entry(outcome: Outcome, out: Path) -> dict[str, Any]:
    entry = {k: v for k, v in asdict(outcome).items() if v is not None}
    kept = out / f"torch-{outcome.version}.json"
    if outcome.status != "ran" and kept.is_file():
        entry["reason"] += f" (the report of an earlier run, {kept.name}, is kept and shown)"
    return entry


def versions_from_args(args: argparse.Namespace) -> int:
    """Run the suite's torch adapter on each version; write the reports, versions.json and the matrix."""
    versions = release_list(args.versions, "--versions", "version", "2.13.0,2.14.1")
    options = Options(
        Path(args.out), Path(args.envs), Path.cwd(), args.download, args.keep_envs, tuple(args.pytest_arguments)
    )
    return versions_command(versions, options, command_line())


def versions_command(versions: Sequence[str] | None, options: Options, command: str) -> int:
    """Run every version, write versions.json and the matrix; 1 when a version failed to install or run."""
    floor = project_floor()
    chosen = list(versions) if versions else _default_versions()
    outcomes = run_versions(chosen, options, floor, command)
    return summarize(write_runs(options.out, outcomes, floor, command), outcomes, ("install failed", "run failed"))


def summarize(runs_path: Path, outcomes: Sequence[Outcome], failing: Sequence[str]) -> int:
    """Print the runs file written and the matrix rendered beside it, and the versions whose status is one of
    `failing`; 1 when there are any."""
    print(runs_path)
    for path in render_versions(runs_path.parent, runs_path.name):
        print(path)
    failed = [o.version for o in outcomes if o.status in failing]
    if failed:
        print(f"failed: torch {', '.join(failed)} (see {runs_path})", file=sys.stderr)
    return 1 if failed else 0


def _default_versions() -> list[str]:
    releases = torch_releases()
    if isinstance(releases, str):
        raise ReportError(f"cannot list torch releases (pip: {releases}); name them with --versions 2.13.0,2.14.1")
    return candidates(releases)


def render_versions(out: Path, runs_file: str = RUNS_FILE) -> list[Path]:
    """Write matrix.md and matrix.html of the version reports in `out`, with its runs file (versions.json, or the
    history command's history.json), and the heat map matrix.png where matplotlib is installed; the paths written."""
    files = sorted(out.glob("torch-*.json"))
    if not files:
        return []
    reports = [load_report(f) for f in files]
    runs = load_runs(out / runs_file) if (out / runs_file).is_file() else None
    written = []
    for name, render in (("matrix.md", render_markdown), ("matrix.html", render_html)):
        write_atomically(out / name, render(reports, by_version=True, runs=runs))
        written.append(out / name)
    if missing_matplotlib() is None:
        write_heatmap(version_columns(reports), out / "matrix.png", by_version=True)
        written.append(out / "matrix.png")
    return written
