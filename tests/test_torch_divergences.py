"""The torch adapter's declared divergences: each reproducer runs against torch and shows what it says."""

from __future__ import annotations

import contextlib
import io
import os
import re
from pathlib import Path

import pytest
import torch
import torch.nn.utils.parametrize as torch_parametrize

from parametrize_conformance import CLAUSES
from parametrize_conformance.adapters import Adapter, load_adapter
from parametrize_conformance.adapters._torch_divergences import TORCH_DIVERGENCES

DIVERGENCES = load_adapter("torch").divergences
# Note: the divergences of older releases only; each reproducer runs on that release's parametrize.py.
OLDER = [d for d in TORCH_DIVERGENCES if d.releases and not d.core_releases and not d.applies_to(torch.__version__)]
CORE = [d for d in TORCH_DIVERGENCES if d.core_releases]
HISTORY_RELEASES = (
    "1.9.1",
    "1.10.2",
    "1.11.0",
    "1.12.1",
    "1.13.1",
    "2.0.1",
    "2.1.2",
    "2.2.2",
    "2.3.1",
    "2.4.1",
    "2.5.1",
    "2.6.0",
    "2.7.1",
    "2.8.0",
    "2.9.1",
    "2.10.0",
    "2.11.0",
    "2.12.1",
    "2.13.0",
    "2.14.1",
    "2.15.0",
)


@pytest.fixture(autouse=True)
def swap_flag_restored():
    """Some reproducers set torch's swap flag; later tests in this worker must not inherit it."""
    before = torch.__future__.get_swap_module_params_on_conversion()
    yield
    torch.__future__.set_swap_module_params_on_conversion(before)


@pytest.mark.parametrize("divergence", DIVERGENCES, ids=lambda d: d.clause)
def test_reproducer_shows_the_divergence(divergence):
    _shows(divergence)


@pytest.fixture(scope="module")
def release_cache(tmp_path_factory) -> Path:
    """The history command's cache: PARAMETRIZE_CONFORMANCE_TORCH_CACHE, or a new one this module fills."""
    given = os.environ.get("PARAMETRIZE_CONFORMANCE_TORCH_CACHE")
    return Path(given) if given else tmp_path_factory.mktemp("torch-releases")


@pytest.mark.parametrize("divergence", OLDER, ids=lambda d: f"{d.clause}@{d.releases}")
def test_an_older_releases_reproducer_shows_it_on_that_release(divergence, release_cache, monkeypatch):
    from parametrize_conformance.releases.history import HistoryOptions, fetch

    release = re.search(r"'torch-(\d+\.\d+\.\d+)'", divergence.reproducer).group(1)
    assert divergence.applies_to(release), f"{divergence.clause}: shown on {release}, outside {divergence.releases}"
    # Note: fetched with pip download (about 40 MB a release, from PyPI); without a network the check is skipped.
    folder = fetch(release, HistoryOptions(release_cache, release_cache, Path.cwd()))
    if isinstance(folder, str):
        pytest.skip(f"torch {release}'s parametrize.py could not be had: {folder}")
    monkeypatch.setenv("PARAMETRIZE_CONFORMANCE_TORCH_CACHE", str(release_cache))
    _shows(divergence)


@pytest.mark.parametrize("divergence", CORE, ids=lambda d: f"{d.clause}@core{d.core_releases}")
def test_a_behaviour_of_an_older_torch_core_is_shown_on_that_torch(divergence):
    # Note: these need the torch release itself installed (the versions command's environments); on another torch
    # the reproducer would show nothing, so it is skipped there, saying which torch it needs.
    if not divergence.applies_to(torch.__version__.split("+")[0]):
        pytest.skip(f"shown on an installed torch {divergence.core_releases}; this is torch {torch.__version__}")
    _shows(divergence)


@pytest.mark.parametrize("release", HISTORY_RELEASES)
def test_each_release_declares_each_clause_once(release):
    adapter = Adapter.like_torch(torch_parametrize, name="torch-source", version=release, torch_release=release)
    assert adapter.divergences == tuple(d for d in TORCH_DIVERGENCES if d.applies_to(release))
    assert all(d.clause in CLAUSES for d in adapter.divergences)


def _shows(divergence) -> None:
    """Run the reproducer; its last line's '# XError' (or '# SequenceDivergence') must be what it raises."""
    assert divergence.clause in CLAUSES and divergence.reason
    last = divergence.reproducer.rstrip().splitlines()[-1]
    expected = re.search(r"#\s*(\w+(?:Error|Divergence))\b", last)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        if expected:
            with pytest.raises(Exception) as info:
                exec(divergence.reproducer, {})
            assert type(info.value).__name__ == expected.group(1), info.value
        else:
            exec(divergence.reproducer, {})
