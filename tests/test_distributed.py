"""The distributed area's machinery: the rank pool reports a rank that raises, dies or hangs (and never hangs
itself), and the suite turns that into a failed, crashed or timeout clause."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import rank_bodies as bodies
import torch.distributed as dist

from parametrize_conformance.distributed import RankFailure, RankPool, distributed_problem
from parametrize_conformance.report import load_report

pytestmark = pytest.mark.skipif(distributed_problem() is not None, reason=str(distributed_problem()))


@pytest.fixture(scope="module")
def pool():
    ranks = RankPool(2, "reference", timeout_s=5.0)
    yield ranks
    ranks.shutdown()


def _failure(pool: RankPool, body) -> tuple[RankFailure, float]:
    start = time.monotonic()
    with pytest.raises(RankFailure) as info:
        pool.run(body)
    return info.value, time.monotonic() - start


def test_every_rank_runs_the_task_in_one_group(pool):
    assert pool.run(bodies.total, 0.5) == [1.5, 1.5]


def test_shutdown_removes_the_rank_logs():
    ranks = RankPool(1, "reference", timeout_s=5.0)
    assert ranks.run(bodies.total, 1.0) == [1.0]
    logs = ranks._logs
    assert (logs / "rank0.log").exists()
    ranks.shutdown()
    assert not logs.exists() and not ranks.running


def test_a_pool_left_open_removes_its_logs_at_exit(tmp_path):
    """A reproducer script runs a pool and exits without closing it: the interpreter's exit removes the logs."""
    script = tmp_path / "left_open.py"
    script.write_text(
        "from parametrize_conformance.distributed import RankPool\n"
        "from parametrize_conformance.distributed.worker import task_ids\n"
        'if __name__ == "__main__":\n'
        '    pool = RankPool(1, "reference", 5.0)\n'
        "    print(pool.run(task_ids, 1), pool._logs)\n"
    )
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    answer, logs = done.stdout.split()
    assert answer == "[True]" and not Path(logs).exists(), done.stdout


def test_a_raising_rank_fails_with_its_traceback_and_the_pool_recovers(pool):
    failure, _ = _failure(pool, bodies.raise_on_rank_one)
    assert failure.outcome == "failed"
    first = str(failure).splitlines()[0]
    assert first == "rank 1 of 2 raised in raise_on_rank_one: ValueError: planted failure on rank one", first
    assert 'rank_bodies.py", line' in str(failure) and "in raise_on_rank_one" in str(failure)
    # Note: every rank raised at one point, so the group is kept for the next task.
    assert pool.run(bodies.total, 0.0) == [1.0, 1.0], "the next task after a raise"


def test_a_dying_rank_is_crashed_with_its_exit_code(pool):
    failure, _ = _failure(pool, bodies.exit_on_rank_one)
    assert failure.outcome == "crashed"
    assert str(failure).startswith("rank 1 of 2 crashed in exit_on_rank_one: died during exit_on_rank_one (exit code 7)"), (
        str(failure)[:300]
    )
    assert pool.run(bodies.total, 0.0) == [1.0, 1.0]


def test_a_hanging_rank_times_out_with_its_stack(pool):
    failure, took = _failure(pool, bodies.hang_on_rank_one)
    assert failure.outcome == "timeout"
    assert re.match(
        r"rank 1 of 2 timed out in hang_on_rank_one: still running hang_on_rank_one after \d+ s "
        r"\(--distributed-timeout 5\)",
        str(failure),
    ), str(failure)[:300]
    assert 'rank_bodies.py", line' in str(failure) and "in hang_on_rank_one" in str(failure), str(failure)
    assert took < 15, f"the hang was reported after {took:.1f} s, expected about 5"
    assert pool.run(bodies.total, 0.0) == [1.0, 1.0]


@pytest.mark.parametrize(
    ("adapter", "status", "phrase"),
    [
        ("broken:RANK1_HANG", "timeout", "rank 1 of 2 timed out in fsdp_type_before"),
        ("broken:RANK1_EXIT_PROCESS", "crashed", "rank 1 of 2 crashed in fsdp_type_before"),
    ],
)
def test_the_suite_reports_a_hung_or_dead_rank_for_the_clause(suite, tmp_path, adapter, status, phrase):
    report_path = tmp_path / "r.json"
    start = time.monotonic()
    result = suite(
        "--pyargs",
        "parametrize_conformance",
        "--adapter",
        adapter,
        "--clauses",
        "DISTRIBUTED-FSDP-TYPE-BEFORE",
        "--distributed-world-sizes",
        "2",
        "--distributed-timeout",
        "5",
        "--report",
        str(report_path),
        pythonpath=[Path(__file__).parent],
        timeout=300,
    )
    took = time.monotonic() - start
    assert result.returncode == 1, result.stdout[-3000:]
    entry = load_report(report_path)["clauses"]["DISTRIBUTED-FSDP-TYPE-BEFORE"]
    assert entry["status"] == status, entry
    message = entry["tests"][0]["message"] if "tests" in entry else str(entry)
    assert phrase in message, message
    assert took < 240, f"the run took {took:.0f} s"


@pytest.mark.parametrize("sizes", ["", "two", "0", "2,17"])
def test_bad_world_sizes_are_a_one_line_usage_error(suite, sizes):
    result = suite(
        "--pyargs",
        "parametrize_conformance",
        "--adapter",
        "reference",
        "--clauses",
        "distributed",
        f"--distributed-world-sizes={sizes}",
    )
    assert result.returncode == 4, result.stdout[-2000:]
    assert f"--distributed-world-sizes {sizes!r}: give comma-separated integers from 1 to 16" in result.stderr


def test_distributed_problem_names_what_is_missing(monkeypatch):
    """The reason the distributed area's fixture skips with (plugin.rank_pools) where torch lacks it."""
    monkeypatch.setattr(dist, "is_gloo_available", lambda: False)
    assert distributed_problem() == (
        "torch.distributed has no gloo backend in this build of torch; install a build with gloo"
    )
    monkeypatch.setattr(dist, "is_available", lambda: False)
    assert distributed_problem().startswith("torch.distributed is not available")
