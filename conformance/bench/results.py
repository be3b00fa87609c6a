"""Turning the run's measurements into rows with ratios, and the rows into the bench JSON document.

Every ratio compares `min` times measured in the same run (the most stable statistic on a shared machine):
`ratio_vs_torch` = min / torch's min on the same device; `ratio_over_floor` = min / the floor's min;
`overhead_s` = min - the floor's min; `overhead_vs_torch` = overhead_s / torch's overhead_s (None unless torch's
overhead is positive).
"""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import torch

from parametrize_conformance.bench.cases import Case
from parametrize_conformance.bench.run import Measurement, Settings, best_of_passes
from parametrize_conformance.bench.targets import FLOOR, TORCH, Target
from parametrize_conformance.clauses import CLAUSES
from parametrize_conformance.report import adapter_info, environment_info, suite_info

BENCH_SCHEMA_VERSION = 1
# What a compiled operation's row counts (ops.compile_counts); None in the other rows.
COMPILE_COUNTS = ("graphs", "recompiles", "eager_fallbacks")


def build_rows(measurements: list[Measurement], targets: list[Target]) -> list[dict[str, Any]]:
    """One row per case and target (the best of its passes), in measuring order, with its ratios to torch and to
    the floor of its device."""
    measurements = best_of_passes(measurements)
    by_name = {t.name: t for t in targets}
    index = {(m.case, m.target): m for m in measurements}
    out = []
    for m in measurements:
        target = by_name[m.target]
        torch_m = _on_device(index, targets, m.case, target.device, TORCH)
        floor_m = _on_device(index, targets, m.case, target.device, FLOOR)
        out.append(row(m, target, torch_m, floor_m))
    return out


def _on_device(index: dict, targets: list[Target], case: Case, device: str, role: str) -> Measurement | None:
    name = next((t.name for t in targets if t.role == role and t.device == device), None)
    return index.get((case, name))


def row(m: Measurement, target: Target, torch_m: Measurement | None, floor_m: Measurement | None) -> dict[str, Any]:
    """The row of measurement `m` of `target`, given torch's and the floor's measurements of the same case."""
    overhead = m.min_s - floor_m.min_s if floor_m and target.role != FLOOR else None
    torch_overhead = torch_m.min_s - floor_m.min_s if torch_m and floor_m else None
    return {
        "op": m.case.op,
        "size": f"{m.case.size}x{m.case.size}",
        "parametrization": m.case.parametrization,
        "chain": m.case.chain,
        "case": m.case.id,
        "label": m.case.label,
        "adapter": target.name,
        "role": target.role,
        "device": target.device,
        "min_s": m.min_s,
        "median_s": m.median_s,
        "rounds": m.rounds,
        "ratio_vs_torch": _ratio(m.min_s, torch_m.min_s) if torch_m and target.role != FLOOR else None,
        "ratio_over_floor": _ratio(m.min_s, floor_m.min_s) if floor_m and target.role != FLOOR else None,
        "overhead_s": overhead,
        "overhead_vs_torch": _ratio(overhead, torch_overhead) if overhead is not None and torch_overhead else None,
        **{key: (m.compiled or {}).get(key) for key in COMPILE_COUNTS},
    }


def _ratio(numerator: float, denominator: float | None) -> float | None:
    # Note: a non-positive denominator (a floor slower than torch, by noise) makes a ratio meaningless: None.
    return numerator / denominator if denominator is not None and denominator > 0 else None


def document(
    rows: list[dict],
    targets: list[Target],
    skipped: dict[str, str],
    settings: Settings,
    passes: int,
    goals: list[dict],
    gate: dict | None,
) -> dict[str, Any]:
    """The bench JSON document (schema conformance/report/bench.schema.json)."""
    devices = list(dict.fromkeys(t.device for t in targets))
    return {
        "schema": BENCH_SCHEMA_VERSION,
        "kind": "bench",
        "suite": suite_info(len(CLAUSES)),
        "date": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "machine": machine(devices),
        "settings": {
            "statistic": "min",
            "max_time_s": settings.max_time,
            "min_rounds": settings.min_rounds,
            "passes": passes,
            "torch_threads": torch.get_num_threads(),
        },
        "adapters": [target_info(t, skipped.get(t.name)) for t in targets],
        "rows": rows,
        "targets": goals,
        "gate": gate,
    }


def machine(devices: list[str]) -> dict[str, Any]:
    """Where the run happened: platform, CPU count, Python, torch, pytest-benchmark and each device."""
    environment = environment_info("cpu")
    return {
        "platform": environment["platform"],
        "processor": platform.processor() or platform.machine(),
        "cpu_count": os.cpu_count() or 0,
        "python": environment["python"],
        "torch": environment["torch"] or "",
        "pytest_benchmark": _version("pytest-benchmark"),
        "devices": [environment_info(d)["device"] for d in devices],
    }


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return "unknown"


def target_info(target: Target, skipped: str | None) -> dict[str, Any]:
    """A target as the document lists it: the adapter's description (or the floor's), its role, why it was skipped."""
    info = {
        "name": target.name,
        "spec": target.spec,
        "version": "",
        "device": target.device,
        "dtypes": ["float32"],
        "import_line": "",
        "declared": 0,
    }
    if target.adapter is not None:
        described = adapter_info(target.adapter, target.spec)
        # Note: only the fields the bench schema knows, so a field added to conformance reports cannot break it.
        info.update({key: described[key] for key in info if key in described})
    return {**info, "role": target.role, "skipped": skipped}
