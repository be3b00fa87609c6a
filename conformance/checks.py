"""Assertions that explain themselves ("got X, expected Y") and snapshots of a module's whole observable state."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Any

import torch
from torch import nn

_TOLERANCE = {
    torch.float16: (1e-2, 1e-2),
    torch.bfloat16: (3e-2, 3e-2),
    torch.float32: (2e-4, 2e-4),
    torch.float64: (1e-8, 1e-8),
}


def assert_equal(got: Any, expected: Any, what: str) -> None:
    """Fail with "what: got X, expected Y" unless got == expected."""
    if not got == expected:
        raise AssertionError(f"{what}: got {got!r}, expected {expected!r}")


def assert_true(condition: bool, what: str) -> None:
    """Fail with `what` (which should say what was seen and what was expected) unless condition holds."""
    if not condition:
        raise AssertionError(what)


def assert_same(got: Any, expected: Any, what: str) -> None:
    """Fail unless got is expected (the same object)."""
    if got is not expected:
        raise AssertionError(f"{what}: got object id {id(got)} ({type(got).__name__}), "
                             f"expected the same object id {id(expected)}")


def assert_close(got: torch.Tensor, expected: torch.Tensor, what: str) -> None:
    """Fail unless the tensors have equal shape and dtype and values within the dtype's tolerance."""
    assert_equal(tuple(got.shape), tuple(expected.shape), f"{what} shape")
    assert_equal(got.dtype, expected.dtype, f"{what} dtype")
    rtol, atol = _TOLERANCE.get(got.dtype, (0.0, 0.0))
    got_, expected_ = got.detach().cpu(), expected.detach().cpu()
    if not torch.allclose(got_, expected_, rtol=rtol, atol=atol, equal_nan=True):
        diff = (got_.double() - expected_.double()).abs().max().item()
        raise AssertionError(f"{what}: got {got_}, expected {expected_} (max abs difference {diff:.3g})")


@contextmanager
def raises(exc_type: type[BaseException], phrase: str = "", what: str = "the call") -> Iterator[None]:
    """Fail unless the block raises `exc_type` whose message contains `phrase`."""
    try:
        yield
    except exc_type as exc:
        if phrase not in str(exc):
            raise AssertionError(f"{what}: got {type(exc).__name__}({str(exc)!r}), expected its message to "
                                 f"contain {phrase!r}") from exc
    except Exception as exc:
        raise AssertionError(f"{what}: got {type(exc).__name__}({str(exc)!r}), expected {exc_type.__name__} "
                             f"containing {phrase!r}") from exc
    else:
        raise AssertionError(f"{what}: got no exception, expected {exc_type.__name__} containing {phrase!r}")


@dataclass(frozen=True)
class ModuleState:
    """Everything a user can observe of a module tree, to compare before and after a call."""

    classes: tuple
    parameters: tuple
    buffers: tuple
    non_persistent: tuple
    state_dict_keys: tuple
    flags: tuple
    values: tuple


def snapshot(module: nn.Module) -> ModuleState:
    """The observable state of `module` and its submodules (classes, tensors by name and id, values, flags)."""
    subs = list(module.named_modules(remove_duplicate=False))
    params = list(module.named_parameters(remove_duplicate=False))
    buffers = [(n, b) for n, b in module.named_buffers(remove_duplicate=False) if b is not None]
    return ModuleState(
        classes=tuple((n, type(m)) for n, m in subs),
        parameters=tuple((n, id(p), p.requires_grad) for n, p in params),
        buffers=tuple((n, id(b), type(b).__name__, b.requires_grad) for n, b in buffers),
        non_persistent=tuple((n, tuple(sorted(m._non_persistent_buffers_set))) for n, m in subs),
        state_dict_keys=tuple(module.state_dict().keys()),
        flags=tuple((n, m.training, getattr(m, "unsafe", None)) for n, m in subs),
        values=tuple((n, t.detach().cpu().clone()) for n, t in params + buffers),
    )


def assert_unchanged(before: ModuleState, module: nn.Module, what: str = "after the failing call") -> None:
    """Fail naming the first aspect of `module` that differs from the snapshot `before`."""
    after = snapshot(module)
    for field in fields(ModuleState):
        old, new = getattr(before, field.name), getattr(after, field.name)
        if field.name == "values":
            same = len(old) == len(new) and all(
                a[0] == b[0] and a[1].shape == b[1].shape and a[1].dtype == b[1].dtype
                and torch.equal(a[1], b[1]) for a, b in zip(old, new, strict=True))
        else:
            same = old == new
        if not same:
            raise AssertionError(f"{what}, the module's {field.name} changed: got {_brief(new)}, "
                                 f"expected {_brief(old)}")


def _brief(items: tuple) -> str:
    return repr([(i[0], *(x if not isinstance(x, torch.Tensor) else x.tolist() for x in i[1:])) for i in items])
