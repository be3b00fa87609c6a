"""Failures grouped by cause: what a failure message comes down to, how clauses group and which leads, and planted
implementations with one root cause each, whose failing clauses make one group led by a clause of that cause."""

from __future__ import annotations

from pathlib import Path

import pytest
from planted import PlantedBug, Replace
from test_report_core import RUN, TABLE, _header, _result

from parametrize_conformance import CLAUSES
from parametrize_conformance.report import (
    BAD_STATUSES,
    build_report,
    load_report,
    render_html,
    render_markdown,
    summary_lines,
    validate,
)
from parametrize_conformance.report._causes import cause_of, group_causes


@pytest.mark.parametrize(
    ("message", "key", "depth"),
    [
        ("KeyError: '1'", "KeyError: 'N'", 0),
        (
            "AttributeError: 'ParametrizationList' object has no attribute 'original0'",
            "AttributeError: 'ParametrizationList' object has no attribute 'originalN'",
            0,
        ),
        (
            "AssertionError: registering Arity(2, 3): got AttributeError(\"'ParametrizationList' object has no "
            "attribute 'original1'\"), expected TypeError containing 'positional argument'",
            "AttributeError: 'ParametrizationList' object has no attribute 'originalN'",
            1,
        ),
        (
            "ExceptionGroup: Hypothesis found 2 distinct failures. (2 sub-exceptions); the first: RankFailure: rank 1 "
            "of 2 raised in fsdp_step: RuntimeError: at 0x7f00ab12 got tensor([[1.5, -0.25],\n [3.0, 4.0]])",
            "RuntimeError: at <address> got tensor(…",
            2,
        ),
        (
            "AssertionError: module.weight after removal: got tensor([1.0, 2.0]), expected tensor([2.0, 4.0])",
            "AssertionError: module.weight after removal: got tensor(…), expected tensor(…)",
            0,
        ),
    ],
)
def test_a_failure_comes_down_to_its_exception_with_values_normalised(message, key, depth):
    cause = cause_of(message)
    assert (cause.key, cause.depth) == (key, depth)


def _entry(area: str, status: str, message: str | None, reproducer: str = "") -> dict:
    return {"area": area, "status": status, "message": message, "reproducer": reproducer, "statement": "s."}


def test_clauses_group_by_cause_largest_first_led_by_the_most_direct():
    lost = "AttributeError: 'L' object has no attribute 'original0'"
    clauses = {
        "REGISTER-A": _entry("register", "failed", lost, "a\nb\nc\nd"),
        "MULTI-A": _entry("multi", "failed", lost, "a\nb\n(a note)"),
        "MULTI-B": _entry("multi", "failed", f"AssertionError: x: got {lost.replace(': ', '(', 1)}), expected y", "a"),
        "CACHE-A": _entry("cache", "failed", lost.replace("0", "1"), "a\nb"),
        "CACHE-B": _entry("cache", "crashed", "RuntimeError: boom"),
        "CACHE-C": _entry("cache", "passed", None),
        "JIT-A": _entry("jit", "diverged", lost),
    }
    groups = group_causes(clauses, BAD_STATUSES)
    assert groups == [
        {
            "cause": "AttributeError: 'L' object has no attribute 'originalN'",
            # Depth 0 before MULTI-B's shorter but wrapped one; two code lines tie with CACHE-A: table order.
            "lead": "MULTI-A",
            "clauses": ["MULTI-A", "MULTI-B", "REGISTER-A", "CACHE-A"],
        },
        {"cause": "RuntimeError: boom", "lead": "CACHE-B", "clauses": ["CACHE-B"]},
    ]


def test_the_summary_names_shared_causes_only_with_the_leads_reproducer():
    clauses = {
        "MULTI-A": _entry("multi", "failed", "KeyError: 'a'", "Reproducer:\n    P.register(m)"),
        "SERIAL-A": _entry("serial", "failed", "KeyError: 'a'", "Reproducer:\n    P.register(m)\n    m.state_dict()"),
        "CACHE-A": _entry("cache", "failed", "RuntimeError: alone"),
    }
    for entry in clauses.values():
        entry["level"] = "required"
    report = {"clauses": clauses, "summary": {s: 0 for s in ("total", "passed", "failed")}, "run": {}}
    text = "\n".join(summary_lines({**report, "summary": _summary(clauses)}))
    assert "Failures by cause" in text
    assert "1. 2 clauses: KeyError: 'a'" in text and "shows most directly in MULTI-A" in text
    assert "also: SERIAL-A" in text and "P.register(m)" in text
    assert "RuntimeError: alone" not in text.split("Failing clauses:")[0], "a cause of one clause is not a group"


def _summary(clauses: dict) -> dict:
    from collections import Counter

    from parametrize_conformance.report import STATUSES

    counts = Counter(c["status"] for c in clauses.values())
    return {"total": len(clauses), **{s: counts[s] for s in STATUSES}}


# Root causes planted in the reference, each a slip that many clauses meet (the clause named is one of them), and
# the areas run on it.
ROOT_CAUSES = [
    (
        PlantedBug(
            "multi-originals-read-under-old-names",
            "MULTI-ORIGINALS",
            "_fast.py",
            "own_originals",
            Replace(
                "plist._original_names()",
                "(tuple(f'orig{i}' for i in range(plist.ntensors)) if not plist.is_tensor else plist._original_names())",
            ),
            "the originals of a multi-input list are read under names they were never stored under",
        ),
        "multi,assign,serial",
    ),
    (
        PlantedBug(
            "removal-calls-forget-without-the-name",
            "REMOVE-LEAVE-PARAMETRIZED",
            "_remove.py",
            "remove_parametrizations",
            Replace("_cache.forget(module, tensor_name)", "_cache.forget(module)"),
            "removal calls the cache's forget with a stale signature, which raises TypeError after the list is gone",
        ),
        "remove,nested",
    ),
]


@pytest.mark.parametrize(("bug", "areas"), ROOT_CAUSES, ids=[b.name for b, _ in ROOT_CAUSES])
def test_one_planted_root_cause_makes_one_group_led_by_its_area(bug, areas, suite, tmp_path):
    bug.build(tmp_path)
    report_path = tmp_path / "report.json"
    args = ("--adapter", bug.package, "--clauses", areas, "--report", str(report_path), "-p", "verdict_profile")
    result = suite("conformance", *args, "--hypothesis-profile", "verdict", pythonpath=[tmp_path, Path(__file__).parent])
    assert result.returncode == 1, f"{bug.name} was not rejected:\n{result.stdout[-3000:]}"
    report = load_report(report_path)
    failing = {c for c, e in report["clauses"].items() if e["status"] in BAD_STATUSES}
    shared = [g for g in report["causes"] if len(g["clauses"]) > 1]
    assert len(shared) == 1, f"{bug.name}: causes {report['causes']}, expected one shared by several clauses"
    group = shared[0]
    assert bug.clause in group["clauses"], f"{bug.name}: {bug.clause} is not in the group {group}"
    assert CLAUSES[group["lead"]].area == CLAUSES[bug.clause].area, f"{bug.name}: the group is led by {group['lead']}"
    assert len(group["clauses"]) >= max(3, len(failing) // 2), f"{bug.name}: group {group}, failing {sorted(failing)}"
    assert "Failures by cause" in result.stdout and f"shows most directly in {group['lead']}" in result.stdout


def test_the_html_and_markdown_matrices_show_shared_causes_per_column():
    lost = "AttributeError: 'L' object has no attribute 'original0'"
    report = _report_of(
        [
            _result("A-ONE", "failed", message=lost, reproducer="Reproducer:\n    P.register(m, 'w', Sum())"),
            _result("B-ONE", "failed", message=lost.replace("0", "1"), reproducer="Reproducer:\n    P.x(m)\n    m.y"),
            _result("A-TWO", "passed"),
        ]
    )
    assert report["causes"][0] == {
        "cause": "AttributeError: 'L' object has no attribute 'originalN'",
        "lead": "A-ONE",
        "clauses": ["A-ONE", "B-ONE"],
    }
    html, markdown = render_html([report]), render_markdown([report])
    assert '<section id="causes">' in html and "shows most directly in <b>A-ONE</b>; also B-ONE" in html
    assert "P.register(m, &#x27;w&#x27;, Sum())" in html, "the lead's reproducer is shown"
    assert "1. toy: 2 clauses: `AttributeError: 'L' object has no attribute 'originalN'`" in markdown
    passing = _report_of([_result("A-ONE", "passed")])
    assert passing["causes"] == []
    assert '<section id="causes">' not in render_html([passing]) and "by cause" not in render_markdown([passing])


def _report_of(results: list[dict]) -> dict:
    report = build_report(_header(), results, RUN, TABLE)
    validate(report)
    return report
