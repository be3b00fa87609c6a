"""The state machine of SEQUENCE-DIFFERENTIAL: it finds a planted divergence that takes three operations, shrinks it
to those three, prints a reproducer that runs, and replays cleanly where there is no difference."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import torch
from conftest import ROOT
from sequence_planted import FIRST_REMOVE_ONLY, STACKED_REMOVE

from parametrize_conformance.adapters import load_adapter
from parametrize_conformance.sequences import Differential, FlakyOracle, SequenceDivergence, Step, replay, run_sequences
from parametrize_conformance.sequences.observe import differences, error_key

SEARCH = {"max_examples": 200, "derandomize": True, "database": None, "deadline": None}


@pytest.fixture(scope="module")
def found() -> SequenceDivergence:
    with pytest.raises(SequenceDivergence) as caught:
        run_sequences(STACKED_REMOVE, torch.float64, False, **SEARCH)
    return caught.value


def test_planted_divergence_is_found_and_shrunk_to_three_operations(found):
    operations = [step.code.split("(")[0] for step in found.steps[1:]]
    assert operations == ["P.register_parametrization", "P.register_parametrization", "P.remove_parametrizations"], str(
        found
    )
    assert "leave_parametrized=True" in found.steps[-1].code
    assert re.search(r"shrunk from \d+ steps to 4", str(found)), str(found)
    assert "got tensor" in str(found) and "expected tensor" in str(found)


def test_printed_reproducer_runs_and_shows_the_divergence(found, tmp_path):
    script = (
        str(found)
        .split("Reproducer (replays the steps on the adapter and on the reference, failing at the first difference):\n")[1]
        .rsplit(" (shrunk from", 1)[0]
    )
    path = tmp_path / "reproducer.py"
    path.write_text("\n".join(line.removeprefix("    ") for line in script.splitlines()) + "\n")
    env = {"PYTHONPATH": str(ROOT / "tests"), "PATH": ""}
    result = subprocess.run([sys.executable, str(path)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "SequenceDivergence: after step 4 `P.remove_parametrizations(m0" in result.stderr, result.stderr[-2000:]


def test_the_same_steps_agree_on_the_reference(found, capsys):
    replay("reference", found.steps)
    assert "agree after every step" in capsys.readouterr().out


def test_a_step_that_raises_and_changes_a_model_is_a_divergence():
    steps = [
        Step("m0 = HostSpec('linear', n=3, m=3, dtype=torch.float64, seed=0).build('cpu')"),
        Step("m0.bias.data.add_(1.0); raise ValueError('refused, but after a change')", atomic=True),
    ]
    with pytest.raises(
        SequenceDivergence, match="the reference raised ValueError: refused, but after a change and changed a model"
    ):
        replay("reference", steps)


def test_torch_declared_divergence_is_dropped_not_reported(capsys):
    # torch resizes on a wrong-shape assignment (declared ASSIGN-SHAPE-CHECKED); the reference refuses: dropped.
    steps = [
        Step("m0 = HostSpec('linear', n=3, m=3, dtype=torch.float64, seed=0).build('cpu')"),
        Step("P.register_parametrization(m0, 'weight', Scale(2.0))", atomic=True),
        Step(
            "m0.weight = seeded_randn((4, 3), torch.float64, 'cpu', 1)",
            True,
            ("ASSIGN-SHAPE-CHECKED", "may not change the shape"),
        ),
    ]
    replay("torch", steps)
    with pytest.raises(
        SequenceDivergence,
        match=r"m0\.weight = seeded_randn.*the step succeeded; on the reference "
        r"it raised ValueError",
    ):
        replay("torch", [*steps[:2], Step(steps[2].code, atomic=True)])


def test_differences_name_the_place_and_both_values():
    got = {"parameters": [("bias", True)], "values": {"weight": torch.ones(2)}}
    expected = {"parameters": [("bias", False)], "values": {"weight": torch.zeros(2)}}
    found = differences(got, expected, "m0")
    assert found[0] == "m0['parameters'][0]: got ('bias', True), expected ('bias', False)"
    assert found[1] == "m0['values']['weight']: got tensor([1., 1.]), expected tensor([0., 0.]) (max abs difference 1)"


def test_error_keys_keep_type_and_phrase():
    assert error_key(ValueError("Module Linear does not have a parametrization on weight")) == (
        "ValueError",
        "does not have a parametrization on",
    )
    assert error_key(KeyError("x")) == ("KeyError", "")


@pytest.mark.parametrize("spec", ["reference", "torch"])
def test_machine_passes_on_the_builtin_adapters(spec):
    run_sequences(load_adapter(spec), torch.float32, True, max_examples=5, derandomize=True, database=None)


def test_a_difference_its_replay_does_not_show_is_a_flaky_oracle_not_a_divergence():
    with pytest.raises(
        FlakyOracle, match="oracle is not deterministic: .* replaying its \\d+ steps on fresh models showed no difference"
    ) as caught:
        run_sequences(FIRST_REMOVE_ONLY, torch.float64, False, **SEARCH)
    assert not isinstance(caught.value, SequenceDivergence)


def _use_counts(world) -> list[tuple[str, int]]:
    """(model.tensor path, use count) of every tensor the world's models hold, originals included."""
    return [
        (f"{m}.{n}", t._use_count())
        for m in world.names
        for n, t in [*world.model(m).named_parameters(), *world.model(m).named_buffers()]
        if t is not None
    ]


def test_both_sides_see_the_same_use_counts_before_every_step(monkeypatch):
    """What the machine holds between steps is the same on both sides: swap_tensors' use_count checks (which refuse
    a tensor something else references) then see the same counts on the adapter and on the reference."""
    seen, step = [], Differential.step

    def checked(self, next_step):
        subject, expected = _use_counts(self.subject), _use_counts(self.reference)
        assert subject == expected, f"before `{next_step.code}`: adapter {subject}, reference {expected}"
        seen.append(len(expected))
        return step(self, next_step)

    monkeypatch.setattr(Differential, "step", checked)
    for swap in (False, True):
        run_sequences(load_adapter("reference"), torch.float64, swap, max_examples=25, derandomize=True, database=None)
    assert sum(seen) > 500, f"only {sum(seen)} tensors compared"
