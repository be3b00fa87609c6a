"""A pool of rank processes (torch.multiprocessing spawn, gloo on 127.0.0.1) that runs one task on every rank at once,
each rank bounded by a timeout; a rank that raises, dies or hangs is reported with its traceback. RankPools holds a
test module's pools, one per --distributed-world-sizes value."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import tempfile
import time
import weakref
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

from parametrize_conformance.adapters import Adapter
from parametrize_conformance.mutation.relay import record_hits, started

# Seconds a raising rank's peers get to finish before they are taken for stuck in a collective and the pool restarts.
_GRACE_S = 3.0


class RankFailure(AssertionError):
    """A rank raised (`outcome` "failed"), died ("crashed") or passed its timeout ("timeout") in a task."""

    def __init__(self, outcome: str, message: str) -> None:
        super().__init__(message)
        self.outcome = outcome


def distributed_problem() -> str | None:
    """Why the distributed area cannot run here (no torch.distributed, no gloo), in one line; None when it can."""
    if not dist.is_available():
        return "torch.distributed is not available in this build of torch; install a build with distributed support"
    if not dist.is_gloo_available():
        return "torch.distributed has no gloo backend in this build of torch; install a build with gloo"
    return None


def fsdp2_problem() -> str | None:
    """Why fully_shard (FSDP2) and DTensor cannot be used here, in one line; None when both are public in this torch."""
    try:
        from torch.distributed.fsdp import fully_shard  # noqa: F401
        from torch.distributed.tensor import DTensor  # noqa: F401
    except ImportError as exc:
        # Note: DISTRIBUTED-FSDP-*, -DTENSOR-*, -CHECKPOINT: torch 2.4 and 2.5 have FSDP2 only under a private path
        # (torch.distributed._composable.fsdp); the contract covers the public API, so these clauses are untested.
        return f"torch {torch.__version__} has no public fully_shard and DTensor ({exc}); FSDP2 is public from torch 2.6"
    return None


class RankPool:
    """`world_size` spawned ranks in one gloo process group over a TCPStore on 127.0.0.1 (the port picked by the OS),
    each with the adapter `spec` loaded. run() is used for every example of a clause module: the group is made once."""

    def __init__(self, world_size: int, spec: str, timeout_s: float) -> None:
        self.world_size, self.spec, self.timeout_s = world_size, spec, timeout_s
        self._procs: list[Any] = []
        self._tasks: list[Any] = []
        self._logs = Path(tempfile.mkdtemp(prefix=f"pc-ranks{world_size}-"))
        # Note: the ranks' logs live as long as the pool (they are read into failure messages), then go: shutdown(),
        # the pool's collection or the interpreter's exit removes the folder, so runs leave nothing in the temp dir.
        self._forget_logs = weakref.finalize(self, shutil.rmtree, self._logs, True)
        self._store: dist.TCPStore | None = None
        self._task_id = 0
        self._marks = [0] * world_size

    # --- lifetime ------------------------------------------------------------------------------------------------
    def _start(self) -> None:
        from parametrize_conformance.distributed.worker import serve

        begun = time.monotonic()
        ctx = mp.get_context("spawn")
        # Note: the parent holds the store, on a port the OS picked, so there is no race for a free port.
        self._store = dist.TCPStore(
            "127.0.0.1",
            0,
            self.world_size + 1,
            is_master=True,
            timeout=timedelta(seconds=self.timeout_s),
            wait_for_workers=False,
        )
        self._results = ctx.Queue()
        self._tasks = [ctx.SimpleQueue() for _ in range(self.world_size)]
        self._procs = [
            ctx.Process(
                target=serve,
                daemon=True,
                name=f"rank{r}",
                args=(
                    r,
                    self.world_size,
                    self._store.port,
                    self.spec,
                    self.timeout_s,
                    str(self._log(r)),
                    self._tasks[r],
                    self._results,
                ),
            )
            for r in range(self.world_size)
        ]
        for p in self._procs:
            p.start()
        # Note: a rank's start (spawn, import torch, the process group) may be slow on a loaded machine.
        replies = self._collect(-1, max(self.timeout_s, 120.0), "start")
        started(time.monotonic() - begun)
        failed = [r for r in replies.values() if r[0] != "ok"]
        if failed:
            self.close()
            raise RankFailure(*_verdict(failed, self.world_size, "its start (process group, adapter)"))

    def _log(self, rank: int) -> Path:
        return self._logs / f"rank{rank}.log"

    def close(self) -> None:
        """Stop every rank (at once: a rank may be stuck in a collective) and drop the store."""
        for p in self._procs:
            if p.is_alive():
                p.kill()
        for p in self._procs:
            p.join(timeout=10)
        self._procs, self._tasks, self._store = [], [], None

    def shutdown(self) -> None:
        """Stop the ranks and remove their logs: the pool is not used again."""
        self.close()
        self._forget_logs()

    @property
    def running(self) -> bool:
        return bool(self._procs) and all(p.is_alive() for p in self._procs)

    # --- tasks ---------------------------------------------------------------------------------------------------
    def run(self, body: Callable[..., Any], *args: Any) -> list[Any]:
        """Call body(rank, *args) on every rank at once and return their results by rank; raise RankFailure (and
        restart the ranks on the next call) when a rank raises, dies or passes the timeout."""
        if not self.running:
            self.close()
            self._start()
        self._task_id += 1
        self._marks = [_size(self._log(r)) for r in range(self.world_size)]
        for q in self._tasks:
            q.put((self._task_id, body, args))
        replies = self._collect(self._task_id, self.timeout_s, getattr(body, "__name__", "task"))
        bad = [r for r in replies.values() if r[0] != "ok"]
        if bad:
            # Note: a rank that died or hung, or a group that no longer agrees (a collective one rank left half-done),
            # gets fresh ranks for the next task; when every rank raised at the same point the group is kept, since
            # restarting it after each declared divergence cost most of the area's time on torch.
            if any(r[0] != "raised" for r in bad) or not self._in_step():
                self.close()
            raise RankFailure(*_verdict(bad, self.world_size, getattr(body, "__name__", "task")))
        return [replies[r][2] for r in range(self.world_size)]

    def _in_step(self) -> bool:
        """Whether every rank still answers a collective with the same task id (the group is not out of step)."""
        from parametrize_conformance.distributed.worker import task_ids

        self._task_id += 1
        for q in self._tasks:
            q.put((self._task_id, task_ids, (self._task_id,)))
        replies = self._collect(self._task_id, min(self.timeout_s, 10.0), "the check that the ranks are in step")
        return all(kind == "ok" and value for kind, _, value in replies.values())

    def _collect(self, task_id: int, timeout_s: float, what: str) -> dict[int, tuple]:
        """Each rank's reply to task `task_id`: ("ok", rank, value), ("raised", rank, text), ("crashed", rank, text)
        or ("timeout", rank, text)."""
        replies: dict[int, tuple] = {}
        start = time.monotonic()
        deadline = start + timeout_s
        while len(replies) < self.world_size:
            try:
                kind, tid, rank, payload = self._results.get(timeout=0.1)
                if kind == "hits":  # the reference functions the rank called (see mutation.relay)
                    record_hits(payload)
                elif tid == task_id:
                    replies[rank] = (kind, rank, payload)
                    if kind != "ok":
                        deadline = min(deadline, time.monotonic() + _GRACE_S)
                continue
            except queue.Empty:
                pass
            for rank, p in enumerate(self._procs):
                if rank not in replies and not p.is_alive():
                    replies[rank] = ("crashed", rank, self._death(rank, p.exitcode, what))
            if time.monotonic() > deadline:
                for rank in set(range(self.world_size)) - set(replies):
                    replies[rank] = ("timeout", rank, self._hang(rank, time.monotonic() - start, what))
        return replies

    def _death(self, rank: int, code: int | None, what: str) -> str:
        how = f"signal {signal.Signals(-code).name}" if code is not None and code < 0 else f"exit code {code}"
        return f"died during {what} ({how}); its last output:\n{_tail(self._log(rank), self._marks[rank])}"

    def _hang(self, rank: int, waited_s: float, what: str) -> str:
        """Ask the stuck rank for its stacks (faulthandler on SIGUSR1) and return them. `waited_s` is less than the
        timeout when another rank failed first (its peers get a short grace)."""
        proc = self._procs[rank]
        if proc.is_alive() and proc.pid:
            os.kill(proc.pid, signal.SIGUSR1)
            time.sleep(0.5)
        return (
            f"still running {what} after {waited_s:.0f} s (--distributed-timeout {self.timeout_s:g}); where it "
            "was:\n"
            f"{_tail(self._log(rank), self._marks[rank])}"
        )


def world_sizes(config: pytest.Config) -> list[int]:
    """The --distributed-world-sizes values; a usage error for anything but integers from 1 to 16."""
    text = config.getoption("--distributed-world-sizes")
    try:
        sizes = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        sizes = []
    if not sizes or any(not 1 <= n <= 16 for n in sizes):
        raise pytest.UsageError(
            f"--distributed-world-sizes {text!r}: give comma-separated integers from 1 to 16, such as 2,4"
        )
    return list(dict.fromkeys(sizes))


class RankPools:
    """The rank pools of one test module, one per world size, started on first use and stopped with the module."""

    def __init__(self, config: pytest.Config, adapter: Adapter) -> None:
        self.sizes, self.spec = world_sizes(config), adapter.spec
        self.timeout_s = config.getoption("--distributed-timeout")
        self._pools: dict[int, RankPool] = {}

    def get(self, world_size: int) -> RankPool:
        if world_size not in self._pools:
            self._pools[world_size] = RankPool(world_size, self.spec, self.timeout_s)
        return self._pools[world_size]

    def other(self, world_size: int) -> RankPool:
        """The pool of the next world size of --distributed-world-sizes (the same one when it is the only one)."""
        at = self.sizes.index(world_size) if world_size in self.sizes else -1
        return self.get(self.sizes[(at + 1) % len(self.sizes)])

    def close(self) -> None:
        for pool in self._pools.values():
            pool.shutdown()


def _verdict(bad: list[tuple], world_size: int, what: str) -> tuple[str, str]:
    """The task's outcome and message: a death first (its peers then fail on the broken group), then a raise (its
    peers then wait in a collective), then a hang."""
    for kind, outcome in (("crashed", "crashed"), ("raised", "failed"), ("timeout", "timeout")):
        first = [r for r in bad if r[0] == kind]
        if first:
            return outcome, _describe(first[0], bad, world_size, what)
    raise AssertionError(f"no failing rank among {bad}")


def _describe(first: tuple, bad: list[tuple], world_size: int, what: str) -> str:
    """One message for every rank that did not finish: the first line says which rank and how."""
    head = {"raised": "raised", "crashed": "crashed", "timeout": "timed out", "failed": "failed"}
    lines = [
        f"rank {first[1]} of {world_size} {head.get(first[0], first[0])} in {what}: "
        f"{_exception_line(first[2]) if first[0] == 'raised' else first[2].splitlines()[0]}"
    ]
    for kind, rank, text in sorted(bad, key=lambda r: r[1]):
        lines.append(f"--- rank {rank} ({kind}) ---\n{text.rstrip()}")
    return "\n".join(lines)


def _exception_line(text: str) -> str:
    """The first line of the exception a formatted traceback ends with ("AssertionError: x.grad: got ..."), not the
    last line of its message (a tensor's repr spans several)."""
    lines = text.strip().splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last)")]
    after = lines[starts[-1] + 1 :] if starts else lines
    return next((line for line in after if line and not line[0].isspace()), lines[-1] if lines else "")


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _tail(path: Path, start: int = 0, limit: int = 3000) -> str:
    """What the rank wrote to its log since `start` (the task's start), at most its last `limit` characters."""
    try:
        with path.open("rb") as log:
            log.seek(start)
            text = log.read().decode(errors="replace")
    except OSError:
        return "(no output)"
    return text[-limit:].rstrip() or "(no output)"


def reproducer(spec: str, world_size: int, timeout_s: float, body: Callable[..., Any], *args: Any) -> str:
    """A script that runs `body` with `args` on `world_size` fresh ranks of adapter `spec` (every arg's repr is code)."""
    lines = [
        "import torch",
        "from parametrize_conformance.distributed import RankPool",
        f"from {body.__module__} import {body.__name__}",
        "from parametrize_conformance.strategies import Case",
        "from parametrize_conformance.hosts import HostSpec",
        "from parametrize_conformance.library import *",
        'if __name__ == "__main__":  # the ranks are spawned',
        f"    print(RankPool({world_size}, {spec!r}, {timeout_s:g}).run({body.__name__}, "
        f"{', '.join(repr(a) for a in args)}))",
    ]
    return "Reproducer:\n    " + "\n    ".join(lines)
