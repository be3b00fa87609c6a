"""torch's own parametrize.py with one bug planted (read from the installed torch at run time, never kept in the
repository), written beside an adapters module, and a run of one clause on it under the verdict profile."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import torch.nn.utils.parametrize as torch_parametrize


def write_port(folder: Path, module: str, plant: Callable[[str], str], adapters: str) -> Path:
    """`folder` holding `module`.py (torch's file through `plant`) and `module`_adapters.py (the text `adapters`)."""
    source = Path(torch_parametrize.__file__).read_text(encoding="utf-8")
    (folder / f"{module}.py").write_text(plant(source), encoding="utf-8")
    (folder / f"{module}_adapters.py").write_text(adapters, encoding="utf-8")
    return folder


def run_clause(suite, folder: Path, adapter: str, clause: str, report: Path):
    """The suite on `clause` alone, adapter `adapter` (module:NAME) found in `folder`, report written to `report`."""
    return suite(
        "--pyargs",
        "parametrize_conformance",
        "--adapter",
        adapter,
        "--clauses",
        clause,
        "--report",
        str(report),
        "-p",
        "verdict_profile",
        "--hypothesis-profile",
        "verdict",
        pythonpath=[folder, Path(__file__).parent],
    )
