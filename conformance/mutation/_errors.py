"""The one error type of the driver: a one-line message saying what is wrong and how to fix it."""

from __future__ import annotations


class MutationError(Exception):
    """A bad option, a missing tool or a failed run; `str(error)` is one line naming the problem and the fix."""
