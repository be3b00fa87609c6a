"""The journal: an append-only file of JSON lines in which a suite process records its run as it goes, so that a
supervising process can report what it reached even when it dies."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any


class Journal:
    """Appends one event per line; each line reaches the file in one write, so a crash loses at most the line
    being written."""

    def __init__(self, path: str | os.PathLike) -> None:
        self.path = Path(path)

    def append(self, event: str, **fields: Any) -> None:
        """Record `event` with `fields`."""
        line = json.dumps({"event": event, "time": time.time(), **fields}, default=str) + "\n"
        fd = os.open(self.path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            # Note: after a writer died mid-line, start a fresh line so that this event is not glued to the torn one.
            torn = os.fstat(fd).st_size > 0 and os.pread(fd, 1, os.fstat(fd).st_size - 1) != b"\n"
            os.write(fd, (("\n" if torn else "") + line).encode("utf-8"))
        finally:
            os.close(fd)


def read_journal(path: str | os.PathLike) -> list[dict[str, Any]]:
    """The events recorded at `path` (none when it does not exist); a torn last line is ignored."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    events = []
    for line in text.splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            continue
    return events


def events_of(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    """The events of one kind, in order."""
    return [e for e in events if e.get("event") == kind]


def in_flight(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The last test that started and has no result yet, if any."""
    finished = {e["nodeid"] for e in events_of(events, "result")}
    started = [e for e in events_of(events, "start") if e["nodeid"] not in finished]
    return started[-1] if started else None
