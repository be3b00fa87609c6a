"""cached() and threads: a thread's cached() context serves that thread alone, and each thread's context keeps its
own values until it exits."""

from __future__ import annotations

import threading
from collections.abc import Callable

import torch
from hypothesis import given
from hypothesis import strategies as st

from parametrize_conformance.checks import assert_close, assert_equal, assert_same, assert_true, chain_value, originals_of
from parametrize_conformance.drawing import note_case
from parametrize_conformance.profiles import costly
from parametrize_conformance.strategies import Case, cases, computes, seeded_randn

# Seconds any wait on another thread may take before the test fails (instead of hanging).
_TIMEOUT = 10.0


def _computing_parameter_cases(dtype: torch.dtype) -> st.SearchStrategy[Case]:
    """Cases on a Parameter (weight or bias, so the value has a graph to backward through) whose chain computes a new
    tensor (an Identity-only chain returns the original itself, on which object checks say nothing)."""
    return cases(dtypes=(dtype,), names=("weight", "bias")).filter(lambda c: computes(c.chain))


class _Worker:
    """A daemon thread running `body`, which records any exception it raises in `error` (and then calls `on_error`,
    so that threads waiting on it are released at once instead of timing out)."""

    def __init__(self, name: str, body: Callable[[], None], on_error: Callable[[], None]) -> None:
        self.name, self.body, self.on_error = name, body, on_error
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, name=name, daemon=True)

    def _run(self) -> None:
        try:
            self.body()
        except BaseException as exc:  # reported by the main thread in check()
            self.error = exc
            self.on_error()

    def join(self) -> None:
        """Wait for the thread; fail if it is still running after the timeout."""
        self.thread.join(timeout=_TIMEOUT)
        assert_true(
            not self.thread.is_alive(),
            f"thread {self.name} still runs {_TIMEOUT} s after it was released (a hang inside cached() or a read)",
        )

    def check(self) -> None:
        """Re-raise, as an assertion naming the thread, what the thread raised."""
        if self.error is not None:
            raise AssertionError(f"thread {self.name} raised {type(self.error).__name__}({self.error})") from self.error


def _wait(event: threading.Event, what: str) -> None:
    assert_true(event.wait(timeout=_TIMEOUT), f"{what} did not happen within {_TIMEOUT} s")


def _backward(value: torch.Tensor, weights: torch.Tensor, what: str) -> None:
    """Backward through (value * weights).sum(); a failure is reported as an assertion naming `what`."""
    try:
        (value * weights).sum().backward()
    except RuntimeError as exc:
        raise AssertionError(f"{what}: got RuntimeError({exc}), expected the backward to pass") from exc


@costly()
@given(data=st.data())
def test_threads_cache_local(P, adapter, device, dtype, data):
    case = data.draw(_computing_parameter_cases(dtype), label="case")
    name = case.name
    note_case(
        case,
        adapter,
        device,
        f"\nthen thread 'holder' enters P.cached(), reads module.{name} and "
        f"waits; meanwhile a new thread 'reader' (which never entered a cached()) reads module.{name} twice, adds 1 to "
        "the original in place, reads, and backwards through two reads",
    )
    module = case.build(P, device)
    original = module.parametrizations[name].original
    entered, release = threading.Event(), threading.Event()

    def hold() -> None:
        with P.cached():
            getattr(module, name)
            entered.set()
            if not release.wait(timeout=_TIMEOUT):
                raise TimeoutError("the main thread never released the holder")

    holder = _Worker("holder", hold, entered.set)
    holder.thread.start()
    try:
        _wait(entered, "the holder's read inside cached()")
        holder.check()
        # Note: THREADS-CACHE-LOCAL: the reads run in a thread that never entered a cached(), which has no state of
        # its own for an implementation to find (the main thread has entered many).
        reader = _Worker("reader", lambda: _check_uncached_reads(module, case, original), lambda: None)
        reader.thread.start()
        reader.join()
        if reader.error is not None:
            raise reader.error  # as it was raised: its message is the clause's failure
    finally:
        release.set()
        holder.join()
    holder.check()


def _check_uncached_reads(module: torch.nn.Module, case: Case, original: torch.Tensor) -> None:
    """In a thread outside any cached(): two reads are two objects, an in-place update shows, backward runs twice."""
    name, where = case.name, "in a thread outside cached() while another thread holds one open"
    first, second = getattr(module, name), getattr(module, name)
    assert_true(
        first is not second,
        f"two reads of module.{name} {where} returned one object, expected two (no caching in this thread)",
    )
    with torch.no_grad():
        original.add_(1.0)
    expected = chain_value(case.fresh_chain(), original.detach().clone())
    assert_close(getattr(module, name), expected, f"module.{name} read {where}, after original.add_(1.0)")
    weights = seeded_randn(case.shape, case.host.dtype, str(original.device), case.host.seed)
    leaf = original.detach().clone().requires_grad_(True)
    for i in range(2):
        _backward(getattr(module, name), weights, f"backward {i + 1} through a new read of module.{name} {where}")
        (chain_value(case.fresh_chain(), leaf) * weights).sum().backward()
    assert_close(original.grad, leaf.grad, f"parametrizations.{name}.original.grad after two backwards {where}")


class _ThreadLog(list):
    """The log of Logged parametrizations, each entry tagged with the name of the thread that made the call."""

    def append(self, item) -> None:
        super().append((threading.current_thread().name, item))

    def forwards(self, thread: str) -> int:
        return sum(1 for who, (call, _) in self if who == thread and call == "fwd")


@costly()
@given(data=st.data())
def test_threads_own_cache(P, adapter, device, dtype, data):
    case = data.draw(_computing_parameter_cases(dtype), label="case")
    name = case.name
    note_case(
        case,
        adapter,
        device,
        f"\n(each parametrization wrapped in Logged) then threads 'a' and "
        f"'b' each enter P.cached(): a reads module.{name}, then b reads it; each reads it again; each backwards "
        "through its read; a exits; b reads again inside its still-open context",
    )
    log = _ThreadLog()
    module = case.build(P, device, chain=case.logged_chain(log))
    log.clear()
    weights = seeded_randn(case.shape, case.host.dtype, device, case.host.seed)
    seen: dict[str, list] = {"a": [], "b": []}
    a_read, a_left, done = threading.Event(), threading.Event(), threading.Barrier(2, timeout=_TIMEOUT)

    def a() -> None:
        with P.cached():
            seen["a"] += [getattr(module, name)]
            a_read.set()
            done.wait()  # b has read too
            seen["a"] += [getattr(module, name)]
            _backward(seen["a"][0], weights, f"thread a's backward through its cached module.{name}")
            done.wait()  # b has read again
        a_left.set()

    def b() -> None:
        with P.cached():
            _wait(a_read, "thread a's first read")
            seen["b"] += [getattr(module, name)]
            done.wait()
            seen["b"] += [getattr(module, name)]
            done.wait()
            _wait(a_left, "thread a's exit from its cached()")
            seen["b"] += [getattr(module, name)]
            _backward(seen["b"][0], weights, f"thread b's backward through its cached module.{name}, after thread a's")

    def release() -> None:
        done.abort()
        a_read.set()
        a_left.set()

    workers = [_Worker("a", a, release), _Worker("b", b, release)]
    for w in workers:
        w.thread.start()
    for w in workers:
        w.join()
    for w in workers:
        w.check()
    _check_own_values(module, case, log, seen)


def _check_own_values(module: torch.nn.Module, case: Case, log: _ThreadLog, seen: dict[str, list]) -> None:
    """Each thread read its own object at every read, computed once in that thread, holding the chain's value."""
    name = case.name
    with torch.no_grad():
        expected = chain_value(case.fresh_chain(), *(t.detach().clone() for t in originals_of(module, name)))
    for thread, reads in seen.items():
        for i, value in enumerate(reads[1:], start=2):
            later = " (after thread a exited its cached())" if (thread, i) == ("b", 3) else ""
            assert_same(value, reads[0], f"thread {thread}'s read {i} of module.{name} inside its cached(){later}")
        assert_close(reads[0], expected, f"thread {thread}'s module.{name} inside its cached()")
        assert_equal(
            log.forwards(thread),
            len(case.chain),
            f"forward calls made by thread {thread} for {len(reads)} reads inside its cached()",
        )
    assert_true(
        seen["a"][0] is not seen["b"][0],
        f"threads a and b read one object as module.{name} inside their "
        "own cached() contexts, expected each thread its own value",
    )
