"""What the report commands share about their command line: its name, the usage error, and release lists."""

from __future__ import annotations

import re
import sys

PROG = "python -m parametrize_conformance.report"


class UsageError(Exception):
    """A mistake in the command line or its inputs; the message says what is wrong and what to do."""


def command_line() -> str:
    """The command line as it was typed (for the runs files, which record what made each entry)."""
    return " ".join([PROG, *sys.argv[1:]])


def release_list(text: str | None, option: str, noun: str = "release", example: str = "1.9.1,2.0.1") -> list[str] | None:
    """The comma-separated versions of `option` (None when it is not given); a UsageError, naming what the option
    takes (`noun`, e.g. `example`), for an empty or malformed list."""
    if text is None:
        return None
    releases = [v.strip() for v in text.split(",") if v.strip()]
    if not releases:
        raise UsageError(f"{option} names no {noun}; give them comma-separated, e.g. {option} {example}")
    bad = [v for v in releases if not re.fullmatch(r"\d+\.\d+(\.\d+)?", v)]
    if bad:
        raise UsageError(f"{option}: {', '.join(bad)} is not a release version such as 2.13.0")
    return releases
