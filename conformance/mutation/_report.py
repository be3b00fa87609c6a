"""The run's reports: `mutation.json` (a stable shape, SCHEMA) and `mutation.md`, written atomically."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from parametrize_conformance.mutation._model import Mutant
from parametrize_conformance.mutation._score import Score, per_file
from parametrize_conformance.mutation._triage import Triage
from parametrize_conformance.report import write_atomically

SCHEMA = "parametrize-conformance-mutation/1"
JSON_NAME, MARKDOWN_NAME = "mutation.json", "mutation.md"


def _survivor(m: Mutant, result: Triage) -> dict[str, Any]:
    return {
        "file": m.file,
        "function": m.function,
        "original": m.original,
        "mutated": m.mutated,
        "status": m.status,
        "equivalent": result.equivalent.get(m.name),
        "tool_name": m.name,
    }


def build(mutants: Sequence[Mutant], result: Triage, counts: Score, run: dict[str, Any]) -> dict[str, Any]:
    """The JSON document: run facts, counts, score, per-file counts, every survivor, stale triage entries."""
    survivors = [_survivor(m, result) for m in mutants if not m.killed]
    return {
        "schema": SCHEMA,
        "run": run,
        "counts": {
            "generated": counts.generated,
            "killed": counts.killed,
            "equivalent": counts.equivalent,
            "untriaged": counts.untriaged,
            "by_status": counts.by_status,
        },
        "score": {
            "killed": counts.killed,
            "denominator": counts.denominator,
            "value": counts.value,
            "target": run["target"],
            "met": counts.meets(run["target"]),
        },
        "files": per_file(mutants, result),
        "survivors": sorted(
            survivors, key=lambda s: (s["equivalent"] is not None, s["file"], s["function"], s["original"], s["mutated"])
        ),
        "stale_equivalents": [
            {"file": e.file, "function": e.function, "original": e.original, "mutated": e.mutated} for e in result.stale
        ],
    }


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * value:.1f}%"


def _code(text: str) -> str:
    return "`" + text.replace("\n", " ⏎ ").replace("`", "'") + "`" if text else "(nothing)"


def markdown(doc: dict[str, Any]) -> str:
    """A short summary: the score, the counts, per-file counts, untriaged survivors, equivalents by reason."""
    c, s, run = doc["counts"], doc["score"], doc["run"]
    lines = [
        f"# Mutation score of the reference: {_percent(s['value'])}",
        "",
        f"{s['killed']} killed of {s['denominator']} non-equivalent mutants ({c['generated']} generated, "
        f"{c['equivalent']} equivalent, {c['untriaged']} untriaged survivors); target {_percent(s['target'])}: "
        f"{'met' if s['met'] else 'NOT met'}.",
        "",
        f"{run['tool']} {run['tool_version']}, `{run['command']}`, {run['duration_s']:.0f} s"
        f"{' (survivors of a kept run re-run)' if run['resumed'] else ''}"
        f"{' (its verdicts triaged again later)' if run.get('retriaged') else ''}"
        f"{' (the rank processes calls not counted)' if run.get('rank_coverage') is False else ''}, "
        f"git {run['git_commit'] or 'unknown'}. By status: "
        + ", ".join(f"{k} {v}" for k, v in c["by_status"].items())
        + f". Lines of error-message text are not "
        f"mutated ({sum(run['not_mutated']['lines'].values())} lines).",
        "",
        "| file | generated | killed | equivalent | untriaged |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    lines += [
        f"| {f} | {r['generated']} | {r['killed']} | {r['equivalent']} | {r['untriaged']} |" for f, r in doc["files"].items()
    ]
    untriaged = [v for v in doc["survivors"] if v["equivalent"] is None]
    lines += ["", f"## Untriaged survivors ({len(untriaged)})", ""]
    lines += [
        f"- {v['file']} `{v['function']}` ({v['status']}): {_code(v['original'])} → {_code(v['mutated'])}" for v in untriaged
    ] or ["None."]
    reasons = Counter(v["equivalent"] for v in doc["survivors"] if v["equivalent"] is not None)
    lines += ["", f"## Equivalent mutants ({c['equivalent']}), by reason", ""]
    lines += [f"- {n} × {reason}" for reason, n in reasons.most_common()] or ["None."]
    if doc["stale_equivalents"]:
        lines += ["", f"## Stale triage entries ({len(doc['stale_equivalents'])}): matched no survivor", ""]
        lines += [
            f"- {e['file']} `{e['function']}`: {_code(e['original'])} → {_code(e['mutated'])}"
            for e in doc["stale_equivalents"]
        ]
    return "\n".join(lines) + "\n"


def write(out: Path, doc: dict[str, Any]) -> tuple[Path, Path]:
    """Write both reports into `out`, each atomically (a reader sees the old file or the whole new one)."""
    paths = out / JSON_NAME, out / MARKDOWN_NAME
    write_atomically(paths[0], json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    write_atomically(paths[1], markdown(doc))
    return paths
