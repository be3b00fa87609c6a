"""The "did you mean" hint of the suite's usage errors (a misspelt adapter, option, command or profile)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, names: Iterable[str], *, quoted: bool = False, cutoff: float = 0.6) -> str:
    """' (did you mean NAME?)' for the one of `names` closest to `word` (NAME in quotes if `quoted`), or '' when none
    is as close as `cutoff` (difflib's ratio, 0 to 1)."""
    close = difflib.get_close_matches(word, list(names), n=1, cutoff=cutoff)
    if not close:
        return ""
    return f" (did you mean {close[0]!r}?)" if quoted else f" (did you mean {close[0]}?)"
