"""The declared divergences' reproducers, kept as runnable scripts in adapters/reproducers/: read as text, never
imported.

Each file is one reproducer exactly as reports print it and tests run it, head included, so that it runs as is
(`python FILE.py`; its last line shows the divergent behaviour) and its text is the reproducer byte for byte: ruff
format leaves the folder alone, ruff check and mypy read it with the few rules its terse style breaks relaxed.

- `CLAUSE.py` (assign_no_grad.py): a divergence of torch 2.13, run on the installed torch.
- `CLAUSE_X_Y.py` (multi_originals_1_9.py): one of torch X.Y's parametrize.py, which the script loads as P from the
  history command's cache, PARAMETRIZE_CONFORMANCE_TORCH_CACHE; or one of torch X.Y's core, run on that torch
  installed (compile_fullgraph_2_4.py). A file may serve several clauses that one behaviour breaks.
"""

from __future__ import annotations

from importlib import resources

# Note: reproducers/ has no __init__.py: the scripts are package data (pyproject's package-data ships them), not
# modules, so no tool imports them and their imports (sequences, distributed) are no dependencies of the adapters.
_FOLDER = "reproducers"
_PACKAGE = __name__.rpartition(".")[0]


def script(name: str) -> str:
    """The text of reproducers/`name`.py, byte for byte the reproducer."""
    # Note: a reproducer of an older release starts with that release's head (the lines that load its parametrize.py
    # as P) written out in full, so nothing is prepended or spliced in here.
    return (resources.files(_PACKAGE) / _FOLDER / f"{name}.py").read_text(encoding="utf-8")
