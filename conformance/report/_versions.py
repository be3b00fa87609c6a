"""python -m conformance.report versions: the suite's torch adapter on each torch release installable here.

For each candidate version: ask pip what installing it would fetch (a dry run), install it into an environment of its
own, run the suite there (Hypothesis profile ci), and keep the report when the run completed. Then write versions.json
(what ran, and why the others did not) and the clause × version matrix.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, requires
from pathlib import Path
from typing import Any

from conformance.report._by_version import RUNS_FILE, RUNS_FORMAT, load_runs, version_key
from conformance.report._files import load_report, write_atomically
from conformance.report._html import render_html
from conformance.report._markdown import render_markdown
from conformance.report._pip import Plan, pip_reason, plan_install, torch_releases
from conformance.report._schema import ReportError

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
        print(_progress(outcomes[-1]), flush=True)
        if command:
            write_runs(options.out, outcomes[-1:], floor, command)
    return outcomes


def _progress(outcome: Outcome) -> str:
    times = "".join(f", {k} {v:.0f} s" for k, v in (("install", outcome.install_s), ("run", outcome.run_s)) if v)
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
    failure = _install(version, env, options.project)
    install_s = time.monotonic() - started
    if failure:
        return Outcome(version, "install failed", f"not installable here: pip: {failure}", install_s=install_s)
    env_mb = _size_mb(env)
    print(f"torch {version}: running the suite", flush=True)
    started = time.monotonic()
    outcome = _run_suite(version, env, options)
    outcome.install_s, outcome.run_s, outcome.env_mb = install_s, time.monotonic() - started, env_mb
    return outcome


def _install(version: str, env: Path, project: Path) -> str:
    """Create `env` (unless kept from before) and install torch==version and the project there; '' on success,
    else pip's reason."""
    created = _call([sys.executable, "-m", "venv", str(env)]) if not _python(env).exists() else None
    if created and created.returncode:
        return f"could not create a virtual environment: {_last_line(created.stderr)}"
    done = _call([str(_python(env)), "-m", "pip", "install", "--quiet", f"torch=={version}", "-e", str(project)])
    return pip_reason(done.stderr) if done.returncode else ""


def _run_suite(version: str, env: Path, options: Options) -> Outcome:
    """Run the suite into a temporary report; keep it (atomically) only when the run completed."""
    name = f"torch-{version}"
    options.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=f".{name}.", dir=options.out) as staging:
        report = Path(staging, f"{name}.json")
        command = [str(_python(env)), "-m", "pytest", "--pyargs", "conformance", "-p", "no:cacheprovider",
                   "--adapter", "torch", "--report", str(report), *options.pytest_arguments]
        done = _call(command, env={**os.environ, "CI": "true"}, cwd=options.project)
        write_atomically(options.out / f"{name}.log", done.stdout + done.stderr)
        problem = incomplete_run(report, done.returncode)
        if problem:
            return Outcome(version, "run failed", f"{problem}; see {name}.log (an earlier report is kept)")
        write_atomically(options.out / f"{name}.json", report.read_text(encoding="utf-8"))
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


def _call(command: list[str], **kwargs: Any) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, **kwargs)


def _python(env: Path) -> Path:
    return env / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1].strip() if lines else "no message"


def _size_mb(path: Path) -> float:
    """The size of the files under `path`, in MiB."""
    total = sum(f.stat().st_size for f in path.rglob("*") if f.is_file() and not f.is_symlink())
    return round(total / 2**20, 1)


def write_runs(out: Path, outcomes: Sequence[Outcome], floor: str, command: str) -> Path:
    """Write versions.json (atomically): which versions ran, and why the others did not, with the entries of earlier
    runs for versions this run did not try."""
    path = out / RUNS_FILE
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    entries = {e["version"]: e for e in (load_runs(path) if path.is_file() else [])}
    # Note: a run of some versions (--versions) updates their entries and keeps the others' from earlier runs.
    entries.update({o.version: {**_entry(o, out), "at": now, "command": command} for o in outcomes})
    runs = {"format": RUNS_FORMAT, "adapter": "torch", "floor": floor, "python": sys.version.split()[0],
            "written": now, "versions": sorted(entries.values(), key=lambda e: version_key(e["version"]))}
    write_atomically(path, json.dumps(runs, indent=1) + "\n")
    return path


def _entry(outcome: Outcome, out: Path) -> dict[str, Any]:
    entry = {k: v for k, v in asdict(outcome).items() if v is not None}
    kept = out / f"torch-{outcome.version}.json"
    if outcome.status != "ran" and kept.is_file():
        entry["reason"] += f" (the report of an earlier run, {kept.name}, is kept and shown)"
    return entry


def versions_command(versions: Sequence[str] | None, options: Options, command: str) -> int:
    """Run every version, write versions.json and the matrix; 1 when a version failed to install or run."""
    floor = project_floor()
    chosen = list(versions) if versions else _default_versions()
    outcomes = run_versions(chosen, options, floor, command)
    print(write_runs(options.out, outcomes, floor, command))
    for path in render_versions(options.out):
        print(path)
    failed = [o.version for o in outcomes if o.status in ("install failed", "run failed")]
    if failed:
        print(f"failed: torch {', '.join(failed)} (see {options.out / RUNS_FILE})", file=sys.stderr)
    return 1 if failed else 0


def _default_versions() -> list[str]:
    releases = torch_releases()
    if isinstance(releases, str):
        raise ReportError(f"cannot list torch releases (pip: {releases}); name them with --versions 2.13.0,2.14.1")
    return candidates(releases)


def render_versions(out: Path, runs_file: str = RUNS_FILE) -> list[Path]:
    """Write matrix.md and matrix.html of the version reports in `out`, with its runs file (versions.json, or the
    history command's history.json); the paths written."""
    files = sorted(out.glob("torch-*.json"))
    if not files:
        return []
    reports = [load_report(f) for f in files]
    runs = load_runs(out / runs_file) if (out / runs_file).is_file() else None
    written = []
    for name, render in (("matrix.md", render_markdown), ("matrix.html", render_html)):
        write_atomically(out / name, render(reports, by_version=True, runs=runs))
        written.append(out / name)
    return written
