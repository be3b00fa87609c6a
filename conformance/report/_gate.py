"""The gate: run the suite on every baselined adapter, each in a process of its own, under the baselines' Hypothesis
profile, and diff the run against the baselines."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parametrize_conformance.report._diff import compare
from parametrize_conformance.report._files import is_subset, load_report, report_file_name
from parametrize_conformance.report._folders import reports_in
from parametrize_conformance.report._schema import ReportError
from parametrize_conformance.report._usage import PROG, UsageError

DEFAULT_BASELINES = Path("reports", "baseline")
DEFAULT_OUT = Path("reports", "out")


def gate_from_args(args: argparse.Namespace) -> int:
    """Run the suite for every baseline, then diff; the suite's status when it did not run to the end."""
    base, out = Path(args.baseline), Path(args.out)
    if not base.is_dir() or not reports_in(base):
        raise UsageError(f"{base} holds no baselines; bless a completed run's report with {PROG} bless REPORT")
    if out.resolve() == base.resolve():
        raise UsageError(f"--out {out} is the baseline directory; write the gate's run elsewhere (default {DEFAULT_OUT})")
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    command = gate_command(load_baselines(reports_in(base)), out, args.jobs, args.pytest_arguments)
    status = run_suite_for_gate(command)
    if status not in (0, 1):
        print(f"gate failed: the suite run ended with status {status} before the diff", file=sys.stderr)
        return status
    return compare(base, out, "gate")


def gate_command(baselines: dict[Path, dict[str, Any]], out: Path, jobs: int, pytest_arguments: Sequence[str]) -> list[str]:
    """The pytest command that re-runs the baselines' adapters into `out`."""
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--pyargs",
        "parametrize_conformance",
        "-p",
        "no:cacheprovider",
        "--isolate",
        "--report-dir",
        str(out),
        "--jobs",
        str(jobs),
    ]
    for path, report in baselines.items():
        spec = report["adapter"]["spec"]
        if report_file_name(spec) != path.name:
            raise ReportError(
                f"{path} is the baseline of adapter {spec!r}, whose reports are named "
                f"{report_file_name(spec)}; rename the baseline to that name"
            )
        command += ["--adapter", spec]
    profiles = {report["run"]["hypothesis_profile"] for report in baselines.values()} - {None}
    if len(profiles) == 1:
        command += ["--hypothesis-profile", profiles.pop()]
    return command + list(pytest_arguments)


def load_baselines(paths: Sequence[Path]) -> dict[Path, dict[str, Any]]:
    """Each baseline file with its report; raises ReportError for a report that is not blessed."""
    baselines = {path: load_report(path) for path in paths}
    for path, report in baselines.items():
        if "baseline" not in report:
            raise ReportError(
                f"{path} is a report, not a blessed baseline; bless it with python -m "
                f"parametrize_conformance.report bless {path}"
            )
        if is_subset(report):
            raise ReportError(
                f"{path} is the baseline of a --clauses run, whose other clauses are untested; bless a "
                f"run of every clause in its place"
            )
    return baselines


def run_suite_for_gate(command: list[str]) -> int:
    """Run the suite; its exit status (0 or 1 when it ran to the end)."""
    print("gate: " + " ".join(command[1:]), flush=True)
    return subprocess.run(command).returncode
