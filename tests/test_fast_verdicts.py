"""A broken implementation gets its verdict fast: a port whose reads ignore the chain fails nearly every clause, and
its run stays within 3x the reference's (measured side by side, as ratios), each failed clause still with a
runnable reproducer."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from planted import PlantedBug, Replace

from parametrize_conformance.report import load_report
from parametrize_conformance.run.shrinking import PER_CLAUSE_S, PER_TEST_S, ShrinkBudget

# Note: a planted bug that makes every read return the first original as it is, whatever the chain: most clauses
# fail, as on a half-written port. The areas are those where the slow answers were first met (register, cache).
CHAINLESS = PlantedBug(
    "reads-ignore-the-chain",
    "REGISTER-VALUE",
    "_list.py",
    "ParametrizationList._evaluate",
    Replace(
        "first, *rest = self._chain()\nx: Tensor = call(first, *originals)\n"
        "for module in rest:\n    x = call(module, x)\nreturn x",
        "return originals[0]",
    ),
    "every read returns the original as it is: the chain is never applied",
)
AREAS = "register,cache"
RATIO_LIMIT = 3.0


def _timed(suite, adapter: str, report: Path, pythonpath: list[Path]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.monotonic()
    result = suite(
        "--pyargs",
        "parametrize_conformance",
        "--adapter",
        adapter,
        "--clauses",
        AREAS,
        "--report",
        str(report),
        pythonpath=pythonpath,
    )
    return time.monotonic() - start, result


@pytest.mark.slow
def test_a_chainless_port_gets_its_verdict_within_3x_the_reference(suite, tmp_path):
    CHAINLESS.build(tmp_path)
    paths = [tmp_path, Path(__file__).parent]
    reference_s, reference = _timed(suite, "reference", tmp_path / "reference.json", paths)
    broken_s, broken = _timed(suite, CHAINLESS.package, tmp_path / "broken.json", paths)
    assert reference.returncode == 0, reference.stdout[-2000:]
    assert broken.returncode == 1, broken.stdout[-2000:]
    clauses = load_report(tmp_path / "broken.json")["clauses"]
    failed = {c: e for c, e in clauses.items() if e["status"] == "failed"}
    assert len(failed) >= 15, sorted(failed)
    without = [c for c, e in failed.items() if not e["reproducer"]]
    assert not without, f"failed clauses without a reproducer: {without}"
    assert broken_s <= RATIO_LIMIT * reference_s, (
        f"the chainless port's verdict took {broken_s:.1f} s, the reference's {reference_s:.1f} s: "
        f"{broken_s / reference_s:.2f}x, expected at most {RATIO_LIMIT}x"
    )


def test_a_reproducer_of_an_unshrunk_failure_runs(suite, tmp_path):
    """With no shrink budget the first failure is reported as drawn, and its reproducer still shows the bug."""
    CHAINLESS.build(tmp_path)
    result = suite(
        "--pyargs",
        "parametrize_conformance",
        "--adapter",
        CHAINLESS.package,
        "--clauses",
        "REGISTER-VALUE",
        "--shrink-budget",
        "0",
        "--report",
        str(tmp_path / "r.json"),
        pythonpath=[tmp_path, Path(__file__).parent],
    )
    assert result.returncode == 1, result.stdout[-2000:]
    entry = load_report(tmp_path / "r.json")["clauses"]["REGISTER-VALUE"]
    # Note: the script is the reproducer's indented lines; Hypothesis's own notes follow them unindented.
    lines = entry["reproducer"].removeprefix("Reproducer:").splitlines()
    script = "\n".join(line[4:] for line in lines if line.startswith("    "))
    done = subprocess.run(
        [sys.executable, "-c", script + "\nprint(module.weight)"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": f"{tmp_path}:{Path(__file__).parent.parent}"},
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def test_the_budget_shrinks_only_the_first_failure_of_a_clause():
    budget = ShrinkBudget(10.0, lambda item: "A")
    assert budget.allows("A")
    budget.failed.add("A")
    assert not budget.allows("A") and budget.allows("B")
    budget.left = 0.0
    assert not budget.allows("B")
    assert ShrinkBudget(None, lambda item: None).left == float("inf")


def test_the_default_budget_is_in_proportion_to_the_clauses_collected():
    assert ShrinkBudget.scaled_budget(1) == PER_TEST_S
    assert ShrinkBudget.scaled_budget(142) == 142 * PER_CLAUSE_S
    assert ShrinkBudget.scaled_budget(400) > ShrinkBudget.scaled_budget(142)
