"""`python -m parametrize_conformance.sequences --adapter SPEC`: run the state machine longer than the suite does, and say
how
fast it went. Exit 1 with the shrunk reproducer at the first difference, 2 on bad options."""

from __future__ import annotations

import argparse
import sys

import torch
from hypothesis import settings

from parametrize_conformance.adapters import AdapterError, load_adapter
from parametrize_conformance.profiles import register_profiles
from parametrize_conformance.sequences.engine import SequenceDivergence
from parametrize_conformance.sequences.machine import STEPS_PER_SEQUENCE, Stats, run_sequences


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m parametrize_conformance.sequences", description=__doc__)
    parser.add_argument("--adapter", required=True, help="adapter spec, as for the suite's --adapter")
    parser.add_argument("--examples", type=int, default=50, help="sequences per dtype and swap flag (default 50)")
    parser.add_argument("--steps", type=int, default=STEPS_PER_SEQUENCE, help="steps per sequence at most")
    parser.add_argument(
        "--random",
        action="store_true",
        help="new random sequences each run (default: the same derandomized sequences every run)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    options = _parser().parse_args(argv)
    if options.examples < 1 or options.steps < 1:
        print("--examples and --steps must be at least 1", file=sys.stderr)
        return 2
    try:
        adapter = load_adapter(options.adapter)
    except AdapterError as exc:
        print(f"--adapter: {exc}", file=sys.stderr)
        return 2
    register_profiles()
    settings.load_profile("dev")
    chosen = {"max_examples": options.examples, "database": None, "derandomize": not options.random}
    total = Stats()
    for dtype in adapter.dtypes:
        for swap in (False, True):
            try:
                stats = run_sequences(adapter, dtype, swap, options.steps, **chosen)
            except SequenceDivergence as found:
                print(f"{adapter.name} {dtype} swap={swap}: {found}")
                return 1
            _add(total, stats)
            print(f"{adapter.name} {str(dtype).removeprefix('torch.')} swap={swap}: {_line(stats)}")
    print(f"{adapter.name} in all: {_line(total)}")
    return 0


def _add(total: Stats, stats: Stats) -> None:
    total.sequences += stats.sequences
    total.steps += stats.steps
    total.avoided.update(stats.avoided)
    total.seconds += stats.seconds


def _line(stats: Stats) -> str:
    avoided = ", ".join(f"{c} {n}" for c, n in sorted(stats.avoided.items())) or "none"
    return (
        f"{stats.sequences} sequences, {stats.steps} steps in {stats.seconds:.1f} s "
        f"({stats.sequences / stats.seconds:.1f} sequences/s, {stats.steps / stats.seconds:.0f} steps/s); "
        f"steps avoided for declared divergences: {avoided}"
    )


if __name__ == "__main__":
    torch.set_num_threads(1)
    sys.exit(main())
