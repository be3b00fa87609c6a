"""Writing a run's bench.json, bench.md and bench.png: everything rendered and validated first, each file atomic."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from parametrize_conformance.bench import render
from parametrize_conformance.report import validate_bench, write_atomically


def write_outputs(directory: Path, doc: dict[str, Any]) -> list[Path]:
    """Validate `doc`, render it, and write the three files into `directory`; returns their paths.

    Nothing is written unless all three rendered: a reader sees the previous files or the new ones.
    """
    validate_bench(doc, "the bench document")
    text, markdown, chart = json.dumps(doc, indent=1) + "\n", render.markdown(doc), render.png(doc)
    paths = [directory / "bench.json", directory / "bench.md", directory / "bench.png"]
    write_atomically(paths[0], text)
    write_atomically(paths[1], markdown)
    write_atomically(paths[2], chart)
    return paths
