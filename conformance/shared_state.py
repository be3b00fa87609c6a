"""What every check shares with every other: the classes that existed before the implementation ran (torch.nn's module
classes, the suite's hosts and parametrizations, the user's module classes) and torch's global switches and hooks.

`SharedState.take()` snapshots them; `changes_since(before)` lists what differs, and `restore(before)` undoes it. The
plugin takes a snapshot before each check and restores it after (parametrize_conformance.run.plugin), so no implementation,
however broken, can change the outcome of a check other than the one it is in; what it changed is reported under the clause
ISOLATION-SHARED-STATE (conformance/test_isolation.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.nn.modules import module as _module

# torch's module-global hook registries (torch.nn.modules.module), each an OrderedDict of handle id -> hook.
_HOOK_DICTS: tuple[str, ...] = (
    "_global_buffer_registration_hooks",
    "_global_module_registration_hooks",
    "_global_parameter_registration_hooks",
    "_global_backward_pre_hooks",
    "_global_backward_hooks",
    "_global_forward_pre_hooks",
    "_global_forward_hooks",
    "_global_forward_hooks_always_called",
    "_global_forward_hooks_with_kwargs",
)
# Note (ISOLATION-SHARED-STATE): torch.nn.modules.module._global_is_full_backward_hook is not watched: torch sets it
# when a global backward hook is registered and never clears it, so it tells nothing once the hooks are gone.
_HOOK_FLAGS: tuple[str, ...] = ()
# Caches the interpreter itself writes on a class: copyreg's __slotnames__ (by copy and pickle).
_CACHES: frozenset[str] = frozenset({"__slotnames__"})
_MISSING = object()


@dataclass(frozen=True)
class Switch:
    """A global switch of torch: how to read it and how to set it back."""

    name: str
    get: Callable[[], Any]
    set: Callable[[Any], object]


SWITCHES: tuple[Switch, ...] = (
    Switch(
        "torch.__future__.get_swap_module_params_on_conversion()",
        torch.__future__.get_swap_module_params_on_conversion,
        torch.__future__.set_swap_module_params_on_conversion,
    ),
    Switch(
        "torch.__future__.get_overwrite_module_params_on_conversion()",
        torch.__future__.get_overwrite_module_params_on_conversion,
        torch.__future__.set_overwrite_module_params_on_conversion,
    ),
    Switch("torch.is_grad_enabled()", torch.is_grad_enabled, torch.set_grad_enabled),
    Switch("torch.get_default_dtype()", torch.get_default_dtype, torch.set_default_dtype),
    Switch("torch.is_anomaly_enabled()", torch.is_anomaly_enabled, torch.set_anomaly_enabled),
)


def watched_classes() -> list[type]:
    """Every nn.Module subclass that exists now (torch's, the suite's, the user's), plus nn.Parameter and
    torch.Tensor: the classes an implementation may read but never write."""
    # Note (ISOLATION-SHARED-STATE): the set is taken once, before the first check, so a class an implementation
    # generates later (Parametrized<Cls>) is its own to write; a class that existed before it ran is not.
    seen: dict[type, None] = {nn.Module: None, nn.Parameter: None, torch.Tensor: None}
    todo = [nn.Module]
    while todo:
        for sub in type.__subclasses__(todo.pop()):
            if sub not in seen:
                seen[sub] = None
                todo.append(sub)
    return list(seen)


@dataclass(frozen=True)
class SharedState:
    """A snapshot: each watched class's bases and attribute dict, torch's global hooks and switches."""

    classes: dict[type, tuple[tuple[type, ...], dict[str, Any]]]
    hooks: dict[str, list[tuple[Any, Any]]]
    flags: dict[str, Any]
    switches: dict[str, Any]

    @classmethod
    def take(cls, classes: list[type]) -> SharedState:
        return cls(
            classes={c: (c.__bases__, dict(vars(c))) for c in classes},
            # Note: a registry this torch lacks (2.4 has no _global_forward_hooks_with_kwargs) is not watched.
            hooks={n: list(getattr(_module, n).items()) for n in _HOOK_DICTS if hasattr(_module, n)},
            flags={n: getattr(_module, n, _MISSING) for n in _HOOK_FLAGS},
            switches={s.name: s.get() for s in SWITCHES},
        )


def changes_since(before: SharedState) -> list[str]:
    """One line per difference between `before` and now: "nn.Linear.weight was added (a property)", ..."""
    found = []
    for cls, (bases, attributes) in before.classes.items():
        found += _class_changes(cls, bases, attributes)
    for name, items in before.hooks.items():
        now = list(getattr(_module, name).items())
        if now != items:
            found.append(
                f"torch.nn.modules.module.{name} holds {len(now)} hook(s), expected {len(items)} "
                f"(a global module hook was left registered or removed)"
            )
    for name, value in before.flags.items():
        if getattr(_module, name, _MISSING) is not value:
            found.append(f"torch.nn.modules.module.{name} is {getattr(_module, name, None)!r}, expected {value!r}")
    for switch in SWITCHES:
        now = switch.get()
        if now != before.switches[switch.name]:
            found.append(f"{switch.name} is {now!r}, expected {before.switches[switch.name]!r}")
    return found


def _class_changes(cls: type, bases: tuple[type, ...], attributes: dict[str, Any]) -> list[str]:
    name = qualified(cls)
    found = [f"{name}.__bases__ is {cls.__bases__!r}, expected {bases!r}"] if cls.__bases__ != bases else []
    now = vars(cls)
    for key in now.keys() - attributes.keys() - _CACHES:
        found.append(f"{name}.{key} was added ({_kind(now[key])})")
    for key, value in attributes.items():
        if key not in now:
            found.append(f"{name}.{key} was deleted (it was {_kind(value)})")
        elif now[key] is not value:
            found.append(f"{name}.{key} was replaced ({_kind(value)} -> {_kind(now[key])})")
    return found


def restore(before: SharedState) -> None:
    """Put every watched class, hook registry and switch back as `before` has it."""
    for cls, (bases, attributes) in before.classes.items():
        if cls.__bases__ != bases:
            cls.__bases__ = bases
        now = vars(cls)
        for key in now.keys() - attributes.keys():
            delattr(cls, key)
        for key, value in attributes.items():
            if now.get(key, _MISSING) is not value:
                setattr(cls, key, value)
    for name, items in before.hooks.items():
        registry = getattr(_module, name)
        registry.clear()
        registry.update(items)
    for name, value in before.flags.items():
        if value is not _MISSING:
            setattr(_module, name, value)
    for switch in SWITCHES:
        if switch.get() != before.switches[switch.name]:
            switch.set(before.switches[switch.name])


def qualified(cls: type) -> str:
    """`cls` as a reader knows it: nn.Linear, torch.Tensor, parametrize_conformance.hosts.WithBuffers."""
    if cls.__module__.startswith("torch.nn.modules"):
        return f"nn.{cls.__qualname__}"
    if cls is nn.Parameter:
        return "nn.Parameter"
    if cls is torch.Tensor:
        return "torch.Tensor"
    return f"{cls.__module__}.{cls.__qualname__}"


def _kind(value: Any) -> str:
    if isinstance(value, property):
        return "a property"
    return f"a {type(value).__name__}"
