"""python -m parametrize_conformance.report history: every torch release's own parametrize.py, run by the suite on this
torch.

For each minor release from 1.9 (the first that shipped parametrize) to the newest pip lists: download the release's
smallest wheel (`pip download torch==X --no-deps`, for another Python or platform where this one has none), keep only
torch/nn/utils/parametrize.py in the cache folder the user names, load it as the adapter `torch-release:FOLDER` on
the installed torch and run the suite with a report. Then write history.json (what ran, and why the others did not)
and the clause × release matrix. The cached files are torch's code: they stay in the cache, never in the reports.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from parametrize_conformance.releases.pip import pip_reason
from parametrize_conformance.releases.versions import (
    Outcome,
    candidates,
    progress,
    render_versions,
    run_suite,
    summarize,
    write_entries,
)
from parametrize_conformance.report import UsageError, command_line, release_list, version_key, write_atomically

# Note: the adapter's own names, written out here so that the report commands import neither torch nor adapters.
PREFIX, SOURCE_FILE, INFO_FILE = "torch-release:", "parametrize.py", "source.json"
HISTORY_FILE = "history.json"
FIRST_RELEASE = "1.9"
DEFAULT_OUT = Path("reports", "history", "source")
MEMBER = "torch/nn/utils/parametrize.py"
# Note: the wheels tried for a release, smallest first (macOS builds carry no CUDA libraries): parametrize.py is pure
# Python and the same file in every wheel of a release.
TARGETS: tuple[tuple[str, str], ...] = tuple(
    (python, platform)
    for platform in ("macosx_14_0_arm64", "macosx_11_0_arm64", "macosx_10_9_x86_64")
    for python in ("3.11", "3.10", "3.9", "3.8")
) + (("3.11", "manylinux_2_28_x86_64"),)


class HistoryError(Exception):
    """The history command cannot go on (pip lists no release); the message says what to do."""


@dataclass(frozen=True)
class HistoryOptions:
    """What the history command was asked to do."""

    cache: Path
    out: Path
    project: Path
    ignore_pip_config: bool = False
    pytest_arguments: tuple[str, ...] = ()


def _pip(arguments: Sequence[str], options: HistoryOptions) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if options.ignore_pip_config:
        # Note: --ignore-pip-config: pip reads no configuration file (a local constraint file may cap torch at the
        # builds that lie on disk); nothing is installed, only one file of each wheel is kept.
        env["PIP_CONFIG_FILE"] = os.devnull
        env.pop("PIP_CONSTRAINT", None)
    return subprocess.run([sys.executable, "-m", "pip", *arguments], capture_output=True, text=True, env=env)


def list_releases(options: HistoryOptions) -> list[str]:
    """The newest patch of each minor release pip lists for any target, from FIRST_RELEASE on, oldest first."""
    seen: set[str] = set()
    for python, platform in TARGETS:
        done = _pip(
            ["index", "versions", "torch", "--only-binary=:all:", "--python-version", python, "--platform", platform],
            options,
        )
        found = re.search(r"^Available versions: (.+)$", done.stdout, re.MULTILINE)
        if found:
            seen |= {v.strip() for v in found.group(1).split(",")}
    if not seen:
        raise HistoryError(
            "pip lists no torch release for any target; check the network, or name them with --releases 1.9.1,2.0.1"
        )
    return [v for v in candidates(sorted(seen)) if version_key(v) >= version_key(FIRST_RELEASE)]


def fetch(release: str, options: HistoryOptions) -> Path | str:
    """The cache folder holding `release`'s parametrize.py (downloaded unless cached), or why it could not be had."""
    folder = options.cache / f"torch-{release}"
    if (folder / SOURCE_FILE).is_file() and (folder / INFO_FILE).is_file():
        return folder
    reasons = []
    for python, platform in TARGETS:
        with tempfile.TemporaryDirectory(prefix=".download.", dir=_made(options.cache)) as staging:
            done = _pip(
                [
                    "download",
                    f"torch=={release}",
                    "--no-deps",
                    "--only-binary=:all:",
                    "--python-version",
                    python,
                    "--platform",
                    platform,
                    "--dest",
                    staging,
                    "--quiet",
                ],
                options,
            )
            wheels = list(Path(staging).glob("torch-*.whl"))
            if done.returncode or not wheels:
                reasons.append(pip_reason(done.stderr or done.stdout))
                continue
            return _extract(wheels[0], folder, release)
    return f"no wheel could be downloaded (pip: {reasons[-1] if reasons else 'no target'})"


def _made(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def _extract(wheel: Path, folder: Path, release: str) -> Path | str:
    """Keep the wheel's parametrize.py and a source.json in `folder`; the wheel itself is deleted with its staging."""
    with zipfile.ZipFile(wheel) as archive:
        if MEMBER not in archive.namelist():
            return f"{wheel.name} has no {MEMBER}"
        text = archive.read(MEMBER)
    _made(folder)
    write_atomically(folder / SOURCE_FILE, text.decode("utf-8"))
    info = {"release": release, "wheel": wheel.name, "sha256": hashlib.sha256(text).hexdigest()}
    write_atomically(folder / INFO_FILE, json.dumps(info, indent=1) + "\n")
    return folder


def run_release(release: str, options: HistoryOptions) -> Outcome:
    """Fetch, load and run one release; its outcome (a release that cannot be had or loaded never stops the rest)."""
    started = time.monotonic()
    folder = fetch(release, options)
    fetch_s = time.monotonic() - started
    if isinstance(folder, str):
        return Outcome(release, "not available", folder)
    from parametrize_conformance.adapters import AdapterError, release_adapter

    try:
        release_adapter(folder)
    except AdapterError as exc:
        return Outcome(release, "not loadable", str(exc), install_s=fetch_s)
    started = time.monotonic()
    outcome = _run_suite(release, folder, options)
    outcome.install_s, outcome.run_s = fetch_s, time.monotonic() - started
    return outcome


def _run_suite(release: str, folder: Path, options: HistoryOptions) -> Outcome:
    """Run the suite on the release's file in `folder`; its report kept without the cache's path, its log when the
    run failed."""
    # Note: the verdict profile (ci without shrinking) unless the arguments after -- name another: an old release
    # fails dozens of clauses, and shrinking each took 7 of the 1.9.1 run's 8 minutes.
    profile = (
        []
        if any(a.startswith("--hypothesis-profile") for a in options.pytest_arguments)
        else ["--hypothesis-profile", "verdict"]
    )
    return run_suite(
        release,
        sys.executable,
        f"{PREFIX}{folder}",
        [*profile, *options.pytest_arguments],
        options.out,
        options.project,
        log_failures_only=True,
        kept=lambda text: _without_cache_path(text, folder),
    )


def _without_cache_path(text: str, folder: Path) -> str:
    """The report with the user's cache folder written as CACHE (it names this machine's disk, not the result)."""
    return text.replace(str(folder.parent), "CACHE")


def write_history(out: Path, outcomes: Sequence[Outcome], command: str, cache: Path) -> Path:
    """Write history.json: each release's outcome with its wheel and the file's sha256; entries of releases this
    run did not try are kept."""
    now = datetime.now(timezone.utc).isoformat(timespec="seconds")
    entries = {}
    for outcome in outcomes:
        entry = {k: v for k, v in asdict(outcome).items() if v is not None}
        # Note: the torch each release's file ran on is kept per entry: a later run on another torch (for a release
        # whose file needs a newer core) updates its own entries only.
        entry.update(_source_of(cache / f"torch-{outcome.version}"), torch=_installed_torch(), at=now, command=command)
        if "install_s" in entry:
            entry["fetch_s"] = entry.pop("install_s")
        entries[outcome.version] = entry
    return write_entries(out / HISTORY_FILE, {"adapter": "torch-source", "torch": _installed_torch()}, entries, now)


def _source_of(folder: Path) -> dict[str, Any]:
    try:
        info = json.loads((folder / INFO_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {"wheel": info.get("wheel", ""), "sha256": info.get("sha256", "")}


def _installed_torch() -> str:
    import torch

    return torch.__version__


def render_history(out: Path) -> list[Path]:
    """Write matrix.md and matrix.html of the release reports in `out`, with its history.json; the paths written."""
    return render_versions(out, HISTORY_FILE)


def history_from_args(args: argparse.Namespace) -> int:
    """Run the suite on each release's parametrize.py; write the reports, history.json and the matrix."""
    releases = release_list(args.releases, "--releases")
    cache = Path(args.cache).expanduser().resolve()
    if _inside(cache, Path.cwd()) and (Path.cwd() / ".git").exists():
        raise UsageError(
            f"--cache {args.cache} is inside this repository; torch's files must not be committed: "
            f"give a folder outside it, such as ~/.cache/parametrize-conformance/torch"
        )
    options = HistoryOptions(cache, Path(args.out), Path.cwd(), args.ignore_pip_config, tuple(args.pytest_arguments))
    try:
        return history_command(releases, options, command_line())
    except HistoryError as exc:
        raise UsageError(str(exc)) from None


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def history_command(releases: Sequence[str] | None, options: HistoryOptions, command: str) -> int:
    """Run every release, write history.json and the matrix; 1 when a release's run failed."""
    chosen = list(releases) if releases else list_releases(options)
    outcomes = []
    for release in chosen:
        print(f"torch {release}: fetching and running", flush=True)
        outcomes.append(run_release(release, options))
        print(progress(outcomes[-1], "fetch"), flush=True)
        # Note: history.json is written after each release, so a campaign stopped halfway keeps what ran.
        write_history(options.out, outcomes[-1:], command, options.cache)
    return summarize(write_history(options.out, outcomes, command, options.cache), outcomes, ("run failed",))
