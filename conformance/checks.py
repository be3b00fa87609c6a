"""Assertions that explain themselves ("got X, expected Y"), snapshots of a module's whole observable state, and the
expected values the tests compute by hand (without the implementation under test)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, cast

import pytest
import torch
from hypothesis.errors import HypothesisException
from torch import Tensor, nn
from torch.func import functional_call

from parametrize_conformance.library import inverse_of

if sys.version_info < (3, 11):  # Hypothesis depends on the backport there
    from exceptiongroup import ExceptionGroup  # type: ignore[import-not-found]  # (not installed on 3.11)

if TYPE_CHECKING:
    from parametrize_conformance.strategies import Case

_TOLERANCE = {
    torch.float16: (1e-2, 1e-2),
    torch.bfloat16: (3e-2, 3e-2),
    torch.float32: (2e-4, 2e-4),
    torch.float64: (1e-8, 1e-8),
}


def tolerance(dtype: torch.dtype) -> tuple[float, float]:
    """(rtol, atol) for comparing values of `dtype` (exact for non-float dtypes)."""
    return _TOLERANCE.get(dtype, (0.0, 0.0))


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
        raise AssertionError(
            f"{what}: got object id {id(got)} ({type(got).__name__}), expected the same object id {id(expected)}"
        )


def assert_close(got: torch.Tensor, expected: torch.Tensor, what: str) -> None:
    """Fail unless the tensors have equal shape and dtype and values within the dtype's tolerance."""
    assert_equal(tuple(got.shape), tuple(expected.shape), f"{what} shape")
    assert_equal(got.dtype, expected.dtype, f"{what} dtype")
    rtol, atol = tolerance(got.dtype)
    got_, expected_ = got.detach().cpu(), expected.detach().cpu()
    if not torch.allclose(got_, expected_, rtol=rtol, atol=atol, equal_nan=True):
        diff = (got_.double() - expected_.double()).abs().max().item()
        raise AssertionError(f"{what}: got {got_}, expected {expected_} (max abs difference {diff:.3g})")


def assert_grads(
    originals: Sequence[Tensor], leaves: Sequence[Tensor], what: str, missing: str = "", who: str = "original"
) -> None:
    """Each of `originals` that requires grad got the gradient its by-hand copy in `leaves` got: "<who> <i>.grad
    <what>" names it, and one with no gradient fails with "<who> <i>.grad <missing>" (by default "is None <what>,
    expected the chain's gradient")."""
    missing = missing or f"is None {what}, expected the chain's gradient"
    for i, (original, leaf) in enumerate(zip(originals, leaves, strict=True)):
        if original.requires_grad:
            if original.grad is None:
                raise AssertionError(f"{who} {i}.grad {missing}")
            assert leaf.grad is not None, f"the by-hand {who} {i}.grad is None (the suite's computation reaches each leaf)"
            assert_close(original.grad, leaf.grad, f"{who} {i}.grad {what}")


def assert_on_device(tensor: torch.Tensor, device: str, what: str) -> None:
    """Fail unless `tensor` lives on `device` (a device given without an index, such as 'cuda', matches any index)."""
    want = torch.device(device)
    if tensor.device.type != want.type or (want.index is not None and tensor.device.index != want.index):
        raise AssertionError(f"{what}: got a tensor on {tensor.device}, expected one on {want}")


@contextmanager
def raises(exc_type: type[BaseException], phrase: str | tuple[str, ...] = "", what: str = "the call") -> Iterator[None]:
    """Fail unless the block raises `exc_type` whose message contains `phrase` (each of them, for a tuple).
    `raises(Exception)` asks only that the block raise, where no documentation or upstream test fixes the type."""
    phrases = (phrase,) if isinstance(phrase, str) else phrase
    expected = ("an exception" if exc_type is Exception else exc_type.__name__) + (
        f" containing {phrase!r}" if any(phrases) else ""
    )
    try:
        yield
    except exc_type as exc:
        if not all(p in str(exc) for p in phrases):
            raise AssertionError(
                f"{what}: got {type(exc).__name__}({str(exc)!r}), expected its message to contain {phrase!r}"
            ) from exc
    except Exception as exc:
        raise AssertionError(f"{what}: got {type(exc).__name__}({str(exc)!r}), expected {expected}") from exc
    else:
        raise AssertionError(f"{what}: got no exception, expected {expected}")


@contextmanager
def all_checks() -> Iterator[Callable[[], AbstractContextManager[None]]]:
    """Run every `with check():` block of the body, even after one fails, then raise what failed: one failure as
    itself, several as one exception group. A declared divergence covers a group only when it covers each failure
    (Divergence.matches), so a check after the divergent one is never blind. A failure is any Exception, or
    pytest.fail's (a pytest.raises that saw nothing)."""
    failures: list[BaseException] = []

    @contextmanager
    def check() -> Iterator[None]:
        try:
            yield
        except HypothesisException:
            raise
        except (Exception, pytest.fail.Exception) as exc:  # a failed check, or an error of the implementation
            failures.append(exc)

    try:
        yield check
    except HypothesisException:
        raise
    except (Exception, pytest.fail.Exception) as exc:
        failures.append(exc)
    if len(failures) == 1:
        raise failures[0]
    if failures:
        raise ExceptionGroup(f"{len(failures)} checks failed", [_as_exception(f) for f in failures])


def _as_exception(failure: BaseException) -> Exception:
    """pytest.fail's exception (a BaseException, which an ExceptionGroup cannot hold and the suite takes for an
    abort) as the AssertionError of a failed check, its message kept."""
    if isinstance(failure, Exception):
        return failure
    converted = AssertionError(str(failure))
    converted.__cause__ = failure
    return converted


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
                a[0] == b[0] and a[1].shape == b[1].shape and a[1].dtype == b[1].dtype and torch.equal(a[1], b[1])
                for a, b in zip(old, new, strict=True)
            )
        else:
            same = old == new
        if not same:
            raise AssertionError(f"{what}, the module's {field.name} changed: got {_brief(new)}, expected {_brief(old)}")


def assert_list_unchanged(before: ModuleState, module: nn.Module, name: str, chain: list, what: str) -> None:
    """The whole module is as it was, and its list still holds exactly the parametrizations of `chain`."""
    assert_unchanged(before, module, what)
    plist = plist_of(module, name)
    assert_equal(len(plist), len(chain), f"the list's length {what}")
    for i, p in enumerate(chain):
        assert_same(plist[i], p, f"parametrizations[{name!r}][{i}] {what}")


def _brief(items: tuple) -> str:
    return repr([(i[0], *(x if not isinstance(x, torch.Tensor) else x.tolist() for x in i[1:])) for i in items])


# Reading what an implementation holds, and computing by hand (without it) what it should hold.


def kind_of(module: nn.Module, name: str) -> str:
    """Where `name` lives in `module`: 'parameter', 'buffer', or 'neither'."""
    if name in module._parameters:
        return "parameter"
    return "buffer" if name in module._buffers else "neither"


def assert_same_tensor(module: nn.Module, name: str, tensor: Tensor, kind: str, requires_grad: bool) -> None:
    """module.<name> is `tensor` again, registered as the same `kind` (see kind_of), with the same requires_grad."""
    assert_same(getattr(module, name), tensor, f"module.{name} after removal")
    assert_equal(kind_of(module, name), kind, f"where {name!r} is registered after removal")
    assert_equal(isinstance(tensor, nn.Parameter), kind == "parameter", f"module.{name} is an nn.Parameter")
    assert_equal(tensor.requires_grad, requires_grad, f"module.{name}.requires_grad")


def plist_of(module: nn.Module, name: str) -> nn.ModuleList:
    """module.parametrizations[name], typed as the ModuleList it is."""
    # Note: torch types a module's attributes as Tensor | Module, hence the casts.
    return cast(nn.ModuleList, cast(nn.ModuleDict, module.parametrizations)[name])


def original_of(module: nn.Module, name: str) -> Tensor:
    """module.parametrizations[name].original, the original of a parametrization of one."""
    return cast(Tensor, plist_of(module, name).original)


def original_names(plist: nn.Module) -> list[str]:
    """The names starting with 'original' that the list has as attributes (registered tensors, or any other kind, so an
    original kept outside _parameters and _buffers shows too), in index order: original, original0, original1, ..."""
    return sorted((n for n in dir(plist) if n.startswith("original")), key=lambda n: (len(n), n))


def originals_of(module: nn.Module, name: str) -> list[Tensor]:
    """The originals of module.parametrizations[name], in index order (see original_names)."""
    plist = plist_of(module, name)
    return [getattr(plist, n) for n in original_names(plist)]


def read_value(module: nn.Module, name: str, what: str) -> Tensor:
    """module.<name>, detached; a failing read is reported as an assertion that names `what`."""
    try:
        with torch.no_grad():
            return getattr(module, name).detach().clone()
    except Exception as exc:
        raise AssertionError(f"reading {what}.{name}: got {type(exc).__name__}({exc}), expected its value") from exc


def transfer(api: Any, from_module: nn.Module, to_module: nn.Module, tensor_name: str | None = None) -> nn.Module:
    """api.transfer_parametrizations_and_params, which must succeed and return to_module."""
    try:
        returned = api.transfer_parametrizations_and_params(from_module, to_module, tensor_name)
    except Exception as exc:
        raise AssertionError(
            f"transfer_parametrizations_and_params(..., tensor_name={tensor_name!r}): got "
            f"{type(exc).__name__}({exc}), expected it to succeed"
        ) from exc
    assert_same(returned, to_module, "transfer_parametrizations_and_params's return value")
    return returned


def chain_value(chain: Sequence[nn.Module], *originals: Tensor) -> Tensor:
    """The chain's forward applied to the originals, computed without the implementation."""
    value = chain[0](*originals)
    for p in chain[1:]:
        value = p(value)
    return value


def composed_inverse(chain: Sequence[nn.Module], value: Tensor) -> tuple[Tensor, ...]:
    """The chain's right_inverses applied last to first (without the implementation, under no_grad), as a tuple."""
    with torch.no_grad():
        for p in reversed(chain):
            value = inverse_of(p, value)
    return (value,) if isinstance(value, Tensor) else tuple(value)


def plain_forward(case: Case, device: str, value: Tensor, x: Tensor) -> Tensor:
    """The host's forward on `x` with case.name holding `value`, computed without the implementation: torch's
    functional_call on a plain host (no parametrization) built alike."""
    return functional_call(case.host.build(device), {case.name: value}, (x,))


def forward_by_hand(
    case: Case, device: str, originals: list[Tensor], x: Tensor, chain: list[nn.Module] | None = None
) -> Tensor:
    """The host's forward on `x` with case.name holding the chain (or `chain`) applied to `originals`, by hand."""
    return plain_forward(case, device, chain_value(chain or case.fresh_chain(), *originals), x)


def leaves_like(tensors: Sequence[Tensor]) -> list[Tensor]:
    """Detached copies of `tensors`, requiring grad where the tensor does (the by-hand computation's inputs)."""
    return [t.detach().clone().requires_grad_(t.requires_grad) for t in tensors]


def own_leaves(module: nn.Module, name: str) -> list[Tensor]:
    """Detached copies of the module's originals, requiring grad where the original does."""
    return leaves_like(originals_of(module, name))


@contextmanager
def swap_flag(on: bool) -> Iterator[None]:
    """torch's swap-tensors flag set to `on` inside the block, restored after."""
    before = torch.__future__.get_swap_module_params_on_conversion()
    torch.__future__.set_swap_module_params_on_conversion(on)
    try:
        yield
    finally:
        torch.__future__.set_swap_module_params_on_conversion(before)


@contextmanager
def raises_itself(error: Exception, what: str) -> Iterator[None]:
    """Fail unless the block raises `error` itself, the very object a parametrization raised."""
    try:
        yield
    except Exception as got:
        if got is not error:
            raise AssertionError(
                f"{what}: got {type(got).__name__}({str(got)!r}), expected the "
                f"{type(error).__name__}({str(error)!r}) raised inside the parametrization, that "
                "very object"
            ) from got
    else:
        raise AssertionError(
            f"{what}: got no exception, expected the {type(error).__name__}({str(error)!r}) raised "
            "inside the parametrization"
        )
