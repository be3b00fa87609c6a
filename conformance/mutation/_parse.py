"""Parsing mutmut's command-line output: `mutmut results --all true` and `mutmut show NAME`."""

from __future__ import annotations

import re

from parametrize_conformance.mutation._errors import MutationError
from parametrize_conformance.mutation._work import PACKAGE

# Note: mutmut 3 names a mutant `pkg.mod.x_func__mutmut_N` or `pkg.mod.xǁClassǁmethod__mutmut_N`.
_RESULT_LINE = re.compile(r"^\s*(?P<name>\S+__mutmut_\d+): (?P<status>.+?)\s*$")
_CLASS_SEPARATOR = "ǁ"


def parse_results(text: str) -> dict[str, str]:
    """Mutant name -> status, from the output of `mutmut results --all true` (other lines are ignored)."""
    found = {}
    for line in text.splitlines():
        match = _RESULT_LINE.match(line)
        if match:
            found[match["name"]] = match["status"]
    return found


def locate(name: str) -> tuple[str, str]:
    """(file, function) of a mutant name ('parametrize_conformance.reference._list.xǁParametrizationListǁforward__mutmut_1'):
    ('reference/_list.py', 'ParametrizationList.forward'), the file as the checkout has it."""
    mangled, separator, number = name.partition("__mutmut_")
    module, _, function = mangled.rpartition(".")
    if not separator or not number.isdigit() or not module:
        raise MutationError(
            f"cannot read the mutant name {name!r}: expected MODULE.x_FUNCTION__mutmut_N; is this "
            f"mutmut 3? (pip install 'mutmut>=3.8')"
        )
    if function.startswith("x" + _CLASS_SEPARATOR):
        _, cls, method = function.split(_CLASS_SEPARATOR, 2)
        function = f"{cls}.{method}"
    elif function.startswith("x_"):
        function = function[2:]
    else:
        raise MutationError(
            f"cannot read the mutant name {name!r}: the function part {function!r} starts with "
            f"neither x_ nor x{_CLASS_SEPARATOR}; is this mutmut 3? (pip install 'mutmut>=3.8')"
        )
    return (module.replace(".", "/") + ".py").removeprefix(f"{PACKAGE}/"), function


def parse_diff(text: str) -> tuple[str, str]:
    """(original, mutated) lines of `mutmut show` output: the removed and added lines of its diff, each stripped
    and joined by newlines."""
    removed, added = [], []
    for line in text.splitlines():
        if line.startswith(("---", "+++")):
            continue
        if line.startswith("-"):
            removed.append(line[1:].strip())
        elif line.startswith("+"):
            added.append(line[1:].strip())
    if not removed and not added:
        raise MutationError("mutmut show printed no diff; re-run with --keep-work and look at the work directory")
    return "\n".join(removed), "\n".join(added)
