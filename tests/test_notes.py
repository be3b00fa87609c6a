"""Every ``# Note`` comment of reference/ is tagged: clause ids of the clause table, or a kind (speed, implementation)."""

import re
from pathlib import Path

import pytest

from parametrize_conformance.bench.cases import all_cases
from parametrize_conformance.clauses import CLAUSES

REFERENCE = Path(__file__).resolve().parent.parent / "reference"
KINDS = ("speed", "implementation")
BENCH_CASES = {case.id for case in all_cases()}
NOTE = re.compile(r"#\s*Note\b(?:\s*\((?P<kind>[^)]*)\))?\s*:?(?P<rest>.*)")


def bad_note(comment: str) -> str | None:
    """Why a ``# Note`` comment is not tagged right (a message), or None when it is."""
    match = NOTE.search(comment)
    if match is None:
        return None
    kind, rest = match["kind"], match["rest"]
    if kind is not None and kind not in KINDS:
        return f"kind {kind!r} is not one of {', '.join(KINDS)}"
    if kind == "speed":  # names the benchmark case that shows the cost
        case = rest.split(":", 1)[0].strip()
        return None if case in BENCH_CASES else f"a speed note names no benchmark case (got {case!r})"
    if kind is not None:
        return None
    if ":" not in rest:
        return "no clause id and no kind: write '# Note: CLAUSE-ID: ...' or '# Note (speed|implementation): ...'"
    unknown = [tag.strip() for tag in rest.split(":", 1)[0].split(",") if tag.strip() not in CLAUSES]
    return f"not a clause id: {', '.join(unknown)}" if unknown else None


def bad_notes(paths: list[Path]) -> list[str]:
    """``file:line: tag problem`` for every badly tagged ``# Note`` comment in ``paths``."""
    problems = []
    for path in paths:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if "#" in line and (problem := bad_note(line[line.index("#") :])):
                problems.append(f"{path.name}:{number}: {problem}")
    return problems


def test_every_note_of_the_reference_is_tagged():
    paths = sorted(REFERENCE.glob("*.py"))
    assert paths
    assert bad_notes(paths) == []


@pytest.mark.parametrize(
    "line, problem",
    [
        ("x = 1  # Note: READ-FAST: not an id", "not a clause id: READ-FAST"),
        ("# Note: CACHE-NESTED, NO-SUCH-ID: one of two", "not a clause id: NO-SUCH-ID"),
        ("# Note: a note with no tag at all", "no clause id and no kind"),
        ("# Note (hunch): a kind that is not allowed", "kind 'hunch' is not one of"),
        ("# Note (speed): faster this way", "a speed note names no benchmark case"),
    ],
)
def test_a_planted_bad_tag_is_named_with_file_and_line(tmp_path, line, problem):
    path = tmp_path / "_planted.py"
    path.write_text(f'"""A planted module."""\n\n{line}\n')
    (found,) = bad_notes([path])
    assert found.startswith("_planted.py:3: ") and problem in found


@pytest.mark.parametrize(
    "line",
    [
        "# Note: CACHE-NESTED: an id",
        "# Note: CACHE-NESTED, CACHE-GRAD: two ids",
        "# Note (speed): read-8x8-scale-chain1",
        "# Note (implementation): how, not what",
        "x = 1  # a comment with no note",
    ],
)
def test_a_well_tagged_note_passes(tmp_path, line):
    path = tmp_path / "_fine.py"
    path.write_text(line + "\n")
    assert bad_notes([path]) == []
