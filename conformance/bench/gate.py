"""The gate (no adapter more than 10% slower than torch on any case) and the reported, ungated targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from conformance.bench.targets import IMPL, TORCH

GATE_LIMIT = 1.10


@dataclass(frozen=True)
class Goal:
    """A reported target: which rows it checks, the value shown, and whether a row meets it."""

    id: str
    description: str
    roles: tuple[str, ...]
    applies: Callable[[dict], bool]
    value: Callable[[dict], float | None]
    limit: float
    meets: Callable[[dict], bool | None]


def _le(key: str, limit: float) -> Callable[[dict], bool | None]:
    return lambda r: None if r[key] is None else r[key] <= limit


def _half_of_torch_overhead(r: dict) -> bool | None:
    # Note: compared on overheads in seconds rather than their ratio, so a torch overhead lost in noise (<= 0)
    # still gives an answer: the implementation must then show no overhead either.
    torch_overhead = r.get("torch_overhead_s")
    if r["overhead_s"] is None or torch_overhead is None:
        return None
    return r["overhead_s"] <= 0.5 * torch_overhead


GOALS: tuple[Goal, ...] = (
    Goal("not-slower-than-torch", "not slower than torch on any case (min time ratio <= 1.0)", (IMPL,),
         lambda r: True, lambda r: r["ratio_vs_torch"], 1.0, _le("ratio_vs_torch", 1.0)),
    Goal("read-overhead", "uncached read: overhead over the floor at most half of torch's", (IMPL,),
         lambda r: r["op"] == "read", lambda r: r["overhead_vs_torch"], 0.5, _half_of_torch_overhead),
    Goal("cached-read", "read inside cached(): at most 2x a plain attribute access", (IMPL,),
         lambda r: r["op"] == "read-cached", lambda r: r["ratio_over_floor"], 2.0, _le("ratio_over_floor", 2.0)),
    Goal("gpu-overhead", "gpu-forward: overhead under 5% of the raw compute", (IMPL, TORCH),
         lambda r: r["op"] == "gpu-forward", lambda r: r["ratio_over_floor"], 1.05, _le("ratio_over_floor", 1.05)),
)


def with_torch_overhead(rows: list[dict]) -> list[dict]:
    """`rows`, each with `torch_overhead_s`: torch's overhead on the same case and device (for the goals)."""
    torch_overhead = {(r["case"], r["device"]): r["overhead_s"] for r in rows if r["role"] == TORCH}
    return [{**r, "torch_overhead_s": torch_overhead.get((r["case"], r["device"]))} for r in rows]


def evaluate_goals(rows: list[dict]) -> list[dict[str, Any]]:
    """Per goal and adapter it applies to: passed (None when no case could be judged), cases judged, failures."""
    rows = with_torch_overhead(rows)
    results = []
    for goal in GOALS:
        adapters = dict.fromkeys(r["adapter"] for r in rows if r["role"] in goal.roles)
        for adapter in adapters:
            checked = [r for r in rows if r["adapter"] == adapter and goal.applies(r)]
            verdicts = [(r, goal.meets(r)) for r in checked]
            failures = [{"case": r["label"], "value": goal.value(r), "limit": goal.limit}
                        for r, ok in verdicts if ok is False]
            known = sum(1 for _, ok in verdicts if ok is not None)
            results.append({
                "id": goal.id, "adapter": adapter, "description": goal.description, "limit": goal.limit,
                "checked": known, "passed": (not failures) if known else None, "failures": failures,
            })
    return results


def evaluate_gate(rows: list[dict], limit: float = GATE_LIMIT) -> dict[str, Any]:
    """The gate: every non-torch adapter within `limit` x torch's min time on every case it was measured on."""
    failures = []
    for r in rows:
        if r["role"] != IMPL:
            continue
        if r["ratio_vs_torch"] is None:
            # Note: no torch measurement to compare with is a failure: a gate must not pass for lack of data.
            failures.append(f"{r['adapter']} {r['label']}: no torch measurement on {r['device']} to compare with")
        elif r["ratio_vs_torch"] > limit:
            failures.append(f"{r['adapter']} {r['label']}: {_over(r['ratio_vs_torch'], limit)}x torch "
                            f"(limit {limit:.2f})")
    checked = sum(1 for r in rows if r["role"] == IMPL)
    return {"limit": limit, "checked": checked, "passed": not failures, "failures": failures}


def _over(ratio: float, limit: float) -> str:
    """`ratio` with two decimals, or three when two would not show it above `limit` (1.104, not 1.10)."""
    shown = f"{ratio:.2f}"
    return shown if float(shown) > limit else f"{ratio:.3f}"
