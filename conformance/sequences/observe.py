"""What a user can observe of the models after a step, the key of an error, and the differences between two sides."""

from __future__ import annotations

from typing import Any, cast

from torch import Tensor, nn

from parametrize_conformance.checks import assert_close

# Every tensor name a model of the sequences can hold (the hosts' names; transfer can add a missing one).
TENSOR_NAMES = ("weight", "bias", "running", "scratch")

# The part of an error message that says what went wrong, shared by torch and the contract's wording.
# Note: run-time parts (module reprs, shapes, names) vary between implementations; these phrases do not.
KEY_PHRASES = (
    "does not have a parameter, a buffer, or a parametrized element",
    "does not have a parametrization on",
    "may not change the shape",
    "may not change the dtype",
    "must return a tensor",
    "does not implement right_inverse",
    "Cannot leave unparametrized",
    "Serialization of parametrized modules",
    "already exists",
    "Error(s) in loading state_dict",
    "cannot assign",
    "has no attribute",
    "does not require grad",
    "empty parameter list",
)


def error_key(exc: BaseException) -> tuple[str, str]:
    """(exception type name, the first key phrase its message holds, or '')."""
    message = str(exc)
    return type(exc).__name__, next((p for p in KEY_PHRASES if p in message), "")


def _read(module: nn.Module, name: str) -> Any:
    try:
        value = getattr(module, name)
    except Exception as exc:  # a failing read is an observation
        return ("raises", *error_key(exc))
    if not isinstance(value, Tensor):
        return ("not a tensor", type(value).__name__)
    return value.detach().clone().requires_grad_(value.requires_grad)


def _chains(module: nn.Module) -> dict[str, Any]:
    plists = module.__dict__.get("_modules", {}).get("parametrizations")
    if not isinstance(plists, nn.ModuleDict):
        return {}
    # Note: a ModuleDict types its values as Module; each is a ParametrizationList (a ModuleList).
    return {
        name: (tuple(type(p).__name__ for p in cast(nn.ModuleList, plist)), getattr(plist, "unsafe", None))
        for name, plist in plists.items()
    }


def observe_model(api: Any, module: nn.Module, ordered: bool = True) -> dict[str, Any]:
    """Classes, queries, tensor names, state_dict keys, training flags, chains, values and gradients of `module`."""
    arrange = list if ordered else sorted
    params = list(module.named_parameters())
    return {
        "class": (type(module).__name__, tuple(b.__name__ for b in type(module).__bases__)),
        "type_before_parametrizations": api.type_before_parametrizations(module).__name__,
        "is_parametrized": (api.is_parametrized(module),) + tuple(api.is_parametrized(module, n) for n in TENSOR_NAMES),
        "parameters": arrange((n, p.requires_grad) for n, p in params),
        "buffers": arrange(n for n, _ in module.named_buffers()),
        "state_dict keys": arrange(module.state_dict().keys()),
        "training": [(n, m.training) for n, m in module.named_modules()],
        "chains": _chains(module),
        "values": {n: _read(module, n) for n in TENSOR_NAMES},
        "tensors": {n: t.detach().clone() for n, t in list(params) + list(module.named_buffers())},
        "grads": {n: None if p.grad is None else p.grad.clone() for n, p in params},
    }


def differences(got: Any, expected: Any, where: str) -> list[str]:
    """Every place where `got` (the adapter's) and `expected` (the reference's) differ, as "where: got X, expected Y"."""
    if isinstance(expected, Tensor) or isinstance(got, Tensor):
        return _tensor_differences(got, expected, where)
    if isinstance(expected, dict) and isinstance(got, dict):
        if list(got) != list(expected) and set(got) != set(expected):
            return [f"{where} keys: got {sorted(got)}, expected {sorted(expected)}"]
        return [d for k in expected for d in differences(got[k], expected[k], f"{where}[{k!r}]")]
    if isinstance(expected, (list, tuple)) and isinstance(got, (list, tuple)) and len(got) == len(expected):
        if any(isinstance(x, (Tensor, dict, list, tuple)) for x in (*got, *expected)):
            pairs = enumerate(zip(got, expected, strict=True))
            return [d for i, (a, b) in pairs for d in differences(a, b, f"{where}[{i}]")]
    same = type(got) is type(expected) and got == expected
    return [] if same else [f"{where}: got {got!r}, expected {expected!r}"]


def _tensor_differences(got: Any, expected: Any, where: str) -> list[str]:
    """checks.assert_close's failure (shape, dtype, then values within the dtype's tolerance), on one line, after
    the device and requires_grad, which it does not compare; [] when the tensors agree."""
    if not (isinstance(got, Tensor) and isinstance(expected, Tensor)):
        return [f"{where}: got {_short(got)}, expected {_short(expected)}"]
    for what, a, b in (
        ("device", got.device, expected.device),
        ("requires_grad", got.requires_grad, expected.requires_grad),
    ):
        if a != b:
            return [f"{where} {what}: got {a}, expected {b}"]
    try:
        assert_close(got, expected, where)
    except AssertionError as exc:
        # Note: the divergence prints its differences joined on one line, so a matrix's rows are too.
        return [" ".join(str(exc).split())]
    return []


def _short(value: Any) -> str:
    if isinstance(value, Tensor):
        return f"tensor{tuple(value.shape)} {value.flatten()[:6].tolist()}{' ...' if value.numel() > 6 else ''}"
    return repr(value)
