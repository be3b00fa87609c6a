"""The life of one rank: join the gloo group, load the adapter, then run the pool's tasks until told to stop."""

from __future__ import annotations

import faulthandler
import os
import signal
import socket
import sys
import traceback
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import Any

import torch
import torch.distributed as dist

from parametrize_conformance.mutation.relay import take_hits
from parametrize_conformance.shared_state import SharedState, changes_since, restore, watched_classes


@dataclass
class Rank:
    """What a task body gets on its rank: the rank, the world size, the adapter and its API namespace."""

    rank: int
    world_size: int
    adapter: Any
    scratch: dict[str, Any] = field(default_factory=dict)

    @property
    def P(self) -> Any:  # the API namespace reads as P, as in the tests
        return self.adapter.api

    @cached_property
    def mesh(self) -> Any:
        """A one-dimensional device mesh over every rank."""
        from torch.distributed.device_mesh import init_device_mesh

        return init_device_mesh("cpu", (self.world_size,))


def _loopback_interface() -> str:
    """The name of the loopback interface (gloo binds to it alone, never to another address)."""
    names = [name for _, name in socket.if_nameindex() if name.startswith("lo")]
    return names[0] if names else "lo"


def _redirect_output(log_path: str) -> Any:
    """Send this process's stdout and stderr (and faulthandler's stacks, on a crash or SIGUSR1) to `log_path`."""
    log = open(log_path, "a", buffering=1)  # open for the life of the process
    os.dup2(log.fileno(), 1)
    os.dup2(log.fileno(), 2)
    sys.stdout = sys.stderr = log
    # Note: the main thread's stack alone: the others are the queues' feeder threads.
    faulthandler.enable(file=log, all_threads=False)
    faulthandler.register(signal.SIGUSR1, file=log, all_threads=False)
    return log


def serve(
    rank: int, world_size: int, port: int, spec: str, timeout_s: float, log_path: str, tasks: Any, results: Any
) -> None:
    """Rank `rank`'s loop: start, answer ("ok"|"raised", task id, rank, payload) for each task, stop on None."""
    _redirect_output(log_path)
    try:
        rank_state = _join(rank, world_size, port, spec, timeout_s)
    except BaseException:  # reported to the parent, which fails the clause with it
        results.put(("raised", -1, rank, traceback.format_exc()))
        return
    results.put(("ok", -1, rank, None))
    watched = watched_classes()
    while True:
        task = tasks.get()
        if task is None:
            break
        task_id, body, args = task
        answer = _answer(rank_state, task_id, body, args, watched)
        hits = take_hits()
        if hits:  # sent before the answer, so the parent has them when the task ends
            results.put(("hits", task_id, rank, hits))
        results.put(answer)


def _answer(rank_state: Rank, task_id: int, body: Any, args: tuple, watched: list[type]) -> tuple:
    """Run one task; its reply. What the task changed of the shared state is undone after it."""
    # Note: ISOLATION-SHARED-STATE: a rank runs many checks in one process, as the suite's own process does, so the
    # same snapshot keeps one check's damage (grad mode left off, say) from failing the next one on this rank.
    before = SharedState.take(watched)
    try:
        return ("ok", task_id, rank_state.rank, body(rank_state, *args))
    except BaseException:  # a rank's failure, with its traceback, is the clause's failure
        return ("raised", task_id, rank_state.rank, traceback.format_exc())
    finally:
        if changes_since(before):
            restore(before)


def task_ids(r: Rank, task_id: int) -> bool:
    """Whether every rank is at task `task_id`: an all_gather over the group (see RankPool._in_step)."""
    mine = torch.tensor([task_id], dtype=torch.int64)
    every = [torch.zeros_like(mine) for _ in range(r.world_size)]
    dist.all_gather(every, mine)
    return all(int(t) == task_id for t in every)


def _join(rank: int, world_size: int, port: int, spec: str, timeout_s: float) -> Rank:
    from parametrize_conformance.adapters import load_adapter

    os.environ.setdefault("GLOO_SOCKET_IFNAME", _loopback_interface())
    torch.set_num_threads(1)
    store = dist.TCPStore("127.0.0.1", port, world_size + 1, is_master=False, timeout=timedelta(seconds=timeout_s))
    dist.init_process_group("gloo", store=store, rank=rank, world_size=world_size, timeout=timedelta(seconds=timeout_s))
    return Rank(rank, world_size, load_adapter(spec))
