"""The bench document as Markdown, as a PNG chart (matplotlib's Agg canvas, no pyplot state) and as terminal lines."""

from __future__ import annotations

import io
from typing import Any

from parametrize_conformance.bench.gate import GATE_LIMIT
from parametrize_conformance.bench.targets import FLOOR, IMPL, TORCH

# Note: bar colours when one adapter is compared: faster than torch, within the gate's limit, beyond it.
_VERDICT_COLORS = ("tab:green", "tab:orange", "tab:red")

_HEADER = (
    "| op | size | parametrization | chain | adapter | min (µs) | median (µs) | × torch | × floor "
    "| overhead (µs) | overhead × torch | graphs / recompiles / eager frames |"
)


def _us(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    micro = seconds * 1e6
    return f"{micro:,.3g}" if abs(micro) < 100 else f"{micro:,.0f}"


def _x(ratio: float | None) -> str:
    return "–" if ratio is None else f"{ratio:.2f}"


def _beyond(value: float | None, limit: float) -> str:
    """A failing value: two decimals, or three when two would round it onto its limit (2.003, not 2.00)."""
    if value is None:
        return "–"
    return f"{value:.2f}" if float(f"{value:.2f}") != limit else f"{value:.3f}"


def _counts(r: dict[str, Any]) -> str:
    """A compiled row's graphs / recompiles / eager frames, or a dash."""
    if r.get("graphs") is None:
        return "–"
    return f"{r['graphs']} / {r['recompiles']} / {r['eager_fallbacks']}"


def _verdict(passed: bool | None) -> str:
    return {True: "pass", False: "**FAIL**", None: "not measured"}[passed]


def markdown(doc: dict[str, Any]) -> str:
    """The document as Markdown: where it ran, the gate, the targets, every row, the skipped adapters."""
    lines = [
        "# parametrize-conformance benchmarks",
        "",
        *_preamble(doc),
        "",
        "## Gate",
        "",
        *_gate_lines(doc),
        "",
        "## Targets (reported, not gated)",
        "",
        "| adapter | target | result | cases | failing cases |",
        "| --- | --- | --- | --- | --- |",
    ]
    for goal in doc["targets"]:
        failing = "; ".join(
            f"{f['case']}: {_beyond(f['value'], f['limit'])} (limit {f['limit']:g})" for f in goal["failures"]
        )
        lines.append(
            f"| {goal['adapter']} | {goal['description']} | {_verdict(goal['passed'])} | {goal['checked']} "
            f"| {failing or '–'} |"
        )
    lines += ["", "## Results", "", _HEADER, "| --- " * 12 + "|"]
    for r in doc["rows"]:
        lines.append(
            f"| {r['op']} | {r['size']} | {r['parametrization']} | {r['chain']} | {r['adapter']} "
            f"| {_us(r['min_s'])} | {_us(r['median_s'])} | {_x(r['ratio_vs_torch'])} "
            f"| {_x(r['ratio_over_floor'])} | {_us(r['overhead_s'])} | {_x(r['overhead_vs_torch'])} "
            f"| {_counts(r)} |"
        )
    skipped = [a for a in doc["adapters"] if a["skipped"]]
    if skipped:
        lines += ["", "## Skipped", "", *(f"- {a['name']}: {a['skipped']}" for a in skipped)]
    return "\n".join(lines) + "\n"


def _preamble(doc: dict[str, Any]) -> list[str]:
    suite, m, s = doc["suite"], doc["machine"], doc["settings"]
    commit = f" ({suite['commit'][:10]})" if suite["commit"] else ""
    devices = ", ".join(d.get("gpu") or d["name"] for d in m["devices"])
    return [
        f"{suite['name']} {suite['version']}{commit}, {doc['date']}; {m['platform']}, {m['cpu_count']} CPUs, "
        f"Python {m['python']}, torch {m['torch']}, pytest-benchmark {m['pytest_benchmark']}; devices: {devices}.",
        "",
        f"Times are the {s['statistic']} over rounds (about {s['max_time_s']:g} s per measurement, at least "
        f"{s['min_rounds']} rounds, {s['torch_threads']} torch thread(s); best of {s['passes']} passes), per call. "
        "Every ratio uses min times "
        "measured in this run: × torch = min / torch's min on the same device; × floor = min / the floor's min (the "
        "same work without the API: see conformance/bench/ops.py); overhead = min − floor; overhead × torch = "
        "overhead / torch's overhead.",
    ]


def _gate_lines(doc: dict[str, Any]) -> list[str]:
    gate = doc["gate"]
    if gate is None:
        return ["Not evaluated (run with `--gate`)."]
    head = (
        f"{'Passed' if gate['passed'] else '**Failed**'}: {gate['checked']} measurements of adapters other than "
        f"torch, limit {gate['limit']:.2f}x torch."
    )
    return [head, *(["", *(f"- {f}" for f in gate["failures"])] if gate["failures"] else [])]


def summary_lines(doc: dict[str, Any], written: list[str]) -> list[str]:
    """Terminal summary: the ratios of each non-torch adapter, the targets, the gate, the files written."""
    lines = []
    for r in doc["rows"]:
        if r["role"] == IMPL:
            lines.append(
                f"  {r['adapter']} {r['label']}: {_x(r['ratio_vs_torch'])}x torch, "
                f"{_x(r['ratio_over_floor'])}x floor, overhead {_x(r['overhead_vs_torch'])} of torch's"
                + ("" if r.get("graphs") is None else f", graphs / recompiles / eager frames {_counts(r)}")
            )
    if not lines:
        lines.append("  no adapter other than torch was measured")
    lines.append("targets (reported, not gated):")
    for goal in doc["targets"]:
        lines.append(
            f"  {_verdict(goal['passed']).strip('*').upper():12} {goal['adapter']}: {goal['description']}"
            + (f" ({len(goal['failures'])} of {goal['checked']} cases fail)" if goal["failures"] else "")
        )
    for adapter in doc["adapters"]:
        if adapter["skipped"]:
            lines.append(f"skipped {adapter['name']}: {adapter['skipped']}")
    lines += [line.replace("**", "") for line in _gate_lines(doc) if line]
    lines += [f"wrote {', '.join(written)}"] if written else []
    return lines


def png(doc: dict[str, Any]) -> bytes:
    """A chart: per case, each adapter's min time over torch's (lines at 1.0 and the gate's 1.1) and over the floor."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import LogLocator, NullFormatter, ScalarFormatter

    cases = list(dict.fromkeys(r["label"] for r in doc["rows"]))
    impls = list(dict.fromkeys(r["adapter"] for r in doc["rows"] if r["role"] == IMPL))
    compared = list(dict.fromkeys(r["adapter"] for r in doc["rows"] if r["role"] in (IMPL, TORCH)))
    figure = Figure(figsize=(13, 1.6 + 0.09 * len(cases) * max(1, len(compared))), layout="constrained")
    FigureCanvasAgg(figure)
    left, right = figure.subplots(1, 2, sharey=True)
    limit = doc["gate"]["limit"] if doc["gate"] else GATE_LIMIT
    _bars(left, doc, cases, impls, "ratio_vs_torch", limit)
    who = f"{impls[0]}: " if len(impls) == 1 else ""
    left.set_title(f"{who}min time / torch's min (same device); gate limit {limit:.2f}")
    for x, style in ((1.0, "-"), (limit, "--")):
        left.axvline(x, color="black", linestyle=style, linewidth=0.8)
    if not impls:
        left.text(0.5, 0.5, "no adapter other than torch was measured", transform=left.transAxes, ha="center")
    _bars(right, doc, cases, compared, "ratio_over_floor")
    right.set_xscale("log")
    right.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    right.xaxis.set_major_formatter(ScalarFormatter())
    right.xaxis.set_minor_formatter(NullFormatter())
    right.axvline(1.0, color="black", linewidth=0.8)
    right.set_title(f"min time / the {FLOOR}'s min (log scale)")
    left.set_yticks(range(len(cases)), cases, fontsize=7)
    left.invert_yaxis()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=90)
    return buffer.getvalue()


def _bars(
    axes: Any, doc: dict[str, Any], cases: list[str], adapters: list[str], key: str, limit: float | None = None
) -> None:
    """Horizontal bars of `key` per case, one bar per adapter; with a `limit` and one adapter, coloured by verdict."""
    height = 0.8 / max(1, len(adapters))
    for i, adapter in enumerate(adapters):
        values = {r["label"]: r[key] for r in doc["rows"] if r["adapter"] == adapter and r[key] is not None}
        ys = [c + (i - (len(adapters) - 1) / 2) * height for c in range(len(cases)) if cases[c] in values]
        xs = [values[c] for c in cases if c in values]
        colors = [_VERDICT_COLORS[(x > 1.0) + (x > limit)] for x in xs] if limit and len(adapters) == 1 else None
        axes.barh(ys, xs, height=height, label=None if colors else adapter, color=colors)
    if len(adapters) > 1 or not limit:
        axes.legend(fontsize=7, loc="best")
    axes.grid(axis="x", linewidth=0.3)
