"""The torch adapter's declared divergences: each reproducer runs against torch and shows what it says."""

from __future__ import annotations

import contextlib
import io
import re

import pytest
import torch

from adapters import load_adapter
from conformance import CLAUSES

DIVERGENCES = load_adapter("torch").divergences


@pytest.fixture(autouse=True)
def swap_flag_restored():
    """Some reproducers set torch's swap flag; later tests in this worker must not inherit it."""
    before = torch.__future__.get_swap_module_params_on_conversion()
    yield
    torch.__future__.set_swap_module_params_on_conversion(before)


@pytest.mark.parametrize("divergence", DIVERGENCES, ids=lambda d: d.clause)
def test_reproducer_shows_the_divergence(divergence):
    assert divergence.clause in CLAUSES and divergence.reason
    last = divergence.reproducer.rstrip().splitlines()[-1]
    expected = re.search(r"#\s*(\w+Error)\b", last)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        if expected:
            with pytest.raises(Exception) as info:
                exec(divergence.reproducer, {})
            assert type(info.value).__name__ == expected.group(1), info.value
        else:
            exec(divergence.reproducer, {})
