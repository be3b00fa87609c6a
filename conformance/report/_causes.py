"""Failing clauses grouped by cause: the exception their failures come down to, with numbers, addresses and tensor
values normalised, so that one bug that takes down many clauses reads as one group, led by its most direct clause."""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

# Wrappers around the failure that caused them, outermost first: each pattern's group 1 is the inner failure.
_WRAPPERS = (
    re.compile(r"^ExceptionGroup: .*?; the first: (.*)$", re.S),
    re.compile(r"^RankFailure: rank \d+ of \d+ raised in \w+: (.*)$", re.S),
    # A check that got an exception where it expected something else: "...: got TypeError('msg'), expected ...".
    re.compile(r"^AssertionError: .*?\bgot ([A-Z]\w*(?:Error|Exception|Failure|Unsupported)\b.*?)(?:, expected .*)?$", re.S),
)
_EMBEDDED = re.compile(r"^([A-Z]\w*)\((.*)\)$", re.S)
_NORMALISE = (
    (re.compile(r"tensor\((?:[^()]|\([^()]*\))*\)", re.S), "tensor(…)"),
    (re.compile(r"tensor\([^)]*$"), "tensor(…"),  # a value cut at the end of the first line
    (re.compile(r"0x[0-9a-fA-F]+"), "<address>"),
    (re.compile(r"\d+(?:\.\d+)?(?:e[-+]?\d+)?"), "N"),
    (re.compile(r"\s+"), " "),
)


@dataclass(frozen=True)
class Cause:
    """What a failure comes down to (`key`: its exception type and normalised message) and how many wrappers
    (`depth`: an assertion that got it, a Hypothesis group, a rank) stood between it and the clause."""

    key: str
    depth: int


def cause_of(message: str) -> Cause:
    """The cause of a clause's failure message (the first line of what its test raised)."""
    text, depth = message.strip(), 0
    while True:
        inner = next((m.group(1) for w in _WRAPPERS if (m := w.match(text))), None)
        if inner is None:
            break
        text, depth = _as_raised(inner.strip()), depth + 1
    return Cause(_normalised(text.split("\n")[0]), depth)


def _as_raised(text: str) -> str:
    """`TypeError('msg')` (as a check quotes what it got) written as raised: `TypeError: msg`."""
    match = _EMBEDDED.match(text)
    if not match:
        return text
    name, argument = match.groups()
    try:  # a quoted message, as repr() writes one; else the message itself, which may begin with a quote
        unquoted = ast.literal_eval(argument.strip())
    except (ValueError, SyntaxError):
        unquoted = None
    return f"{name}: {unquoted if isinstance(unquoted, str) else argument.strip()}"


def _normalised(text: str) -> str:
    for pattern, replacement in _NORMALISE:
        text = pattern.sub(replacement, text)
    return text.strip()


def group_causes(clauses: Mapping[str, Mapping[str, Any]], bad: frozenset[str]) -> list[dict[str, Any]]:
    """One group per cause of the clauses whose status is in `bad`, largest first: the cause, the lead clause (where
    the cause shows most directly: fewest wrappers, then fewest lines of reproducer code, then table order) and every
    clause it takes down, the lead's area first, then in table order."""
    order = {clause_id: i for i, clause_id in enumerate(clauses)}
    by_key: dict[str, list[tuple[str, Cause]]] = {}
    for clause_id, entry in clauses.items():
        if entry["status"] in bad:
            cause = cause_of(entry.get("message") or f"{entry['status']} (no message)")
            by_key.setdefault(cause.key, []).append((clause_id, cause))
    groups = [_group(key, members, clauses, order) for key, members in by_key.items()]
    return sorted(groups, key=lambda g: (-len(g["clauses"]), order[g["lead"]]))


def _group(
    key: str, members: list[tuple[str, Cause]], clauses: Mapping[str, Mapping[str, Any]], order: Mapping[str, int]
) -> dict[str, Any]:
    def directness(item: tuple[str, Cause]) -> tuple[int, int, int]:
        clause_id, cause = item
        return cause.depth, _code_lines(clauses[clause_id].get("reproducer")), order[clause_id]

    lead = min(members, key=directness)[0]
    area = clauses[lead]["area"]
    ids = sorted((c for c, _ in members), key=lambda c: (clauses[c]["area"] != area, order[c]))
    return {"cause": key, "lead": lead, "clauses": ids}


def _code_lines(reproducer: str | None) -> int:
    """The lines of code of a reproducer (not its heading, blank lines or the notes in parentheses under it)."""
    lines = (line.strip() for line in (reproducer or "").splitlines())
    return sum(1 for line in lines if line and line != "Reproducer:" and not line.startswith(("(", "#")))
