"""The gate (no adapter more than 10% slower than torch on any case, nor compiled into more graphs or more eager
fallbacks than torch) and the reported, ungated targets."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parametrize_conformance.bench.targets import IMPL, TORCH

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


def _extra_graphs(r: dict) -> int | None:
    return None if r.get("torch_graphs") is None else r["graphs"] - r["torch_graphs"]


def _le_value(value: float | None, limit: float) -> bool | None:
    return None if value is None else value <= limit


GOALS: tuple[Goal, ...] = (
    Goal(
        "not-slower-than-torch",
        "not slower than torch on any case (min time ratio <= 1.0)",
        (IMPL,),
        lambda r: True,
        lambda r: r["ratio_vs_torch"],
        1.0,
        _le("ratio_vs_torch", 1.0),
    ),
    Goal(
        "read-overhead",
        "uncached read: overhead over the floor at most half of torch's",
        (IMPL,),
        lambda r: r["op"] == "read",
        lambda r: r["overhead_vs_torch"],
        0.5,
        _half_of_torch_overhead,
    ),
    Goal(
        "cached-read",
        "read inside cached(): at most 2x a plain attribute access",
        (IMPL,),
        lambda r: r["op"] == "read-cached",
        lambda r: r["ratio_over_floor"],
        2.0,
        _le("ratio_over_floor", 2.0),
    ),
    Goal(
        "compile-graphs",
        "compiled cases: no more graphs than torch (graphs - torch's <= 0)",
        (IMPL,),
        lambda r: r.get("graphs") is not None,
        _extra_graphs,
        0,
        lambda r: _le_value(_extra_graphs(r), 0),
    ),
    Goal(
        "gpu-overhead",
        "gpu-forward: overhead under 5% of the raw compute",
        (IMPL, TORCH),
        lambda r: r["op"] == "gpu-forward",
        lambda r: r["ratio_over_floor"],
        1.05,
        _le("ratio_over_floor", 1.05),
    ),
)


def with_torch_overhead(rows: list[dict]) -> list[dict]:
    """`rows`, each with `torch_overhead_s` and `torch_graphs`: torch's overhead and graphs on the same case and
    device (for the goals)."""
    torch_rows = {(r["case"], r["device"]): r for r in rows if r["role"] == TORCH}
    return [
        {
            **r,
            "torch_overhead_s": torch_rows.get((r["case"], r["device"]), {}).get("overhead_s"),
            "torch_graphs": torch_rows.get((r["case"], r["device"]), {}).get("graphs"),
        }
        for r in rows
    ]


def evaluate_goals(rows: list[dict]) -> list[dict[str, Any]]:
    """Per goal and adapter it applies to: passed (None when no case could be judged), cases judged, failures."""
    rows = with_torch_overhead(rows)
    results = []
    for goal in GOALS:
        adapters = dict.fromkeys(r["adapter"] for r in rows if r["role"] in goal.roles)
        for adapter in adapters:
            checked = [r for r in rows if r["adapter"] == adapter and goal.applies(r)]
            verdicts = [(r, goal.meets(r)) for r in checked]
            failures = [
                {"case": r["label"], "value": goal.value(r), "limit": goal.limit} for r, ok in verdicts if ok is False
            ]
            known = sum(1 for _, ok in verdicts if ok is not None)
            results.append(
                {
                    "id": goal.id,
                    "adapter": adapter,
                    "description": goal.description,
                    "limit": goal.limit,
                    "checked": known,
                    "passed": (not failures) if known else None,
                    "failures": failures,
                }
            )
    return results


def evaluate_gate(rows: list[dict], limit: float = GATE_LIMIT) -> dict[str, Any]:
    """The gate: every non-torch adapter within `limit` x torch's min time on every case it was measured on, and on
    a compiled case no more graphs and no more eager fallbacks than torch."""
    failures = []
    torch_counts = {(r["case"], r["device"]): r for r in rows if r["role"] == TORCH}
    for r in rows:
        if r["role"] != IMPL:
            continue
        failures += compile_failures(r, torch_counts.get((r["case"], r["device"])))
        if r["ratio_vs_torch"] is None:
            # Note: no torch measurement to compare with is a failure: a gate must not pass for lack of data.
            failures.append(f"{r['adapter']} {r['label']}: no torch measurement on {r['device']} to compare with")
        elif r["ratio_vs_torch"] > limit:
            failures.append(f"{r['adapter']} {r['label']}: {_over(r['ratio_vs_torch'], limit)}x torch (limit {limit:.2f})")
    checked = sum(1 for r in rows if r["role"] == IMPL)
    return {"limit": limit, "checked": checked, "passed": not failures, "failures": failures}


def compile_failures(r: dict, torch_row: dict | None) -> list[str]:
    """Why row `r` of a compiled case fails the gate against torch's row of the case: more graphs, or more frames
    run eagerly (the recompile limit hit), than torch; none for a row without compile counts."""
    if r.get("graphs") is None:
        return []
    if torch_row is None or torch_row.get("graphs") is None:
        return [f"{r['adapter']} {r['label']}: no torch compile counts on {r['device']} to compare with"]
    return [
        f"{r['adapter']} {r['label']}: {r[key]} {what}, torch {torch_row[key]}"
        for key, what in (("graphs", "graphs"), ("eager_fallbacks", "frames run eagerly"))
        if r[key] > torch_row[key]
    ]


def _over(ratio: float, limit: float) -> str:
    """`ratio` with two decimals, or three when two would not show it above `limit` (1.104, not 1.10)."""
    shown = f"{ratio:.2f}"
    return shown if float(shown) > limit else f"{ratio:.3f}"
