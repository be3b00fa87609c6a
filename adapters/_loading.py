"""Turning an `--adapter` spec into an Adapter: a built-in name, an entry point, a module path or `pkg.mod:OBJ`."""

from __future__ import annotations

import difflib
import importlib
import importlib.util
from importlib.metadata import entry_points
from types import ModuleType
from typing import Any

from adapters._adapter import API_NAMES, Adapter, AdapterError
from adapters._builtin import BUILTIN_ADAPTERS

ENTRY_POINT_GROUP = "parametrize_conformance.adapters"


def available_adapters() -> list[str]:
    """Names of the adapters that can run here: the usable built-ins (the CUDA ones only when CUDA is available),
    then those installed packages register."""
    # Note: installed adapters are listed without loading them; one whose device is missing is skipped (or failed,
    # under --require-adapter) when it runs, like a built-in named explicitly.
    usable = [name for name, make in BUILTIN_ADAPTERS.items() if make().unavailable_reason() is None]
    return usable + _installed()


def known_adapters() -> list[str]:
    """Names of every built-in adapter, usable here or not, then those installed packages register."""
    return list(BUILTIN_ADAPTERS) + _installed()


def _installed() -> list[str]:
    return sorted({ep.name for ep in entry_points(group=ENTRY_POINT_GROUP)} - set(BUILTIN_ADAPTERS))


def load_adapter(spec: str) -> Adapter:
    """The adapter named by `spec`; raises AdapterError with a one-line fix when it cannot be loaded."""
    if not isinstance(spec, str) or not spec.strip():
        raise AdapterError(f"empty adapter spec: give a built-in name ({', '.join(BUILTIN_ADAPTERS)}), a module path "
                           f"or pkg.mod:OBJ")
    spec = spec.strip()
    if spec in BUILTIN_ADAPTERS:
        return BUILTIN_ADAPTERS[spec]()
    registered = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if spec in registered:
        return _from_object(_load_entry_point(registered[spec]), f"entry point {spec!r}")
    if ":" in spec:
        module_name, _, attr = spec.partition(":")
        obj = getattr(_import(module_name, spec), attr, _MISSING)
        if obj is _MISSING:
            raise AdapterError(f"module {module_name!r} has no attribute {attr!r}: check the name after ':' in {spec!r}")
        return _from_object(obj, spec)
    return _from_module(_import(spec, spec), spec)


_MISSING = object()


def check_spec(spec: str) -> None:
    """Raise AdapterError (with a did-you-mean) unless `spec` names a known adapter or a findable module; imports
    nothing, so it is safe to call before running the adapter in a process of its own."""
    spec = spec.strip()
    registered = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if spec in registered and spec not in BUILTIN_ADAPTERS:
        if not _findable(registered[spec].value):
            _load_entry_point(registered[spec])
        return
    if spec in BUILTIN_ADAPTERS:
        return
    if not _findable(spec):
        raise AdapterError(f"unknown adapter {spec!r}{_did_you_mean(spec)}; known adapters: "
                           f"{', '.join(known_adapters())}; or give an importable module path or pkg.mod:OBJ")


def _findable(target: str) -> bool:
    """Whether the top-level package of `target` (module or module:attr) can be found, without importing it."""
    top = target.partition(":")[0].strip().split(".")[0]
    try:
        return bool(top) and importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _did_you_mean(spec: str) -> str:
    close = difflib.get_close_matches(spec, known_adapters(), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _load_entry_point(entry_point) -> Any:
    try:
        return entry_point.load()
    except Exception as exc:
        package = entry_point.dist.name if entry_point.dist else "its package"
        raise AdapterError(
            f"entry point {entry_point.name!r} of {package} points to {entry_point.value!r}, which cannot be loaded "
            f"({type(exc).__name__}: {exc}): reinstall {package} or fix the entry point in its metadata"
        ) from exc


def _import(module_name: str, spec: str) -> ModuleType:
    try:
        return importlib.import_module(module_name)
    except ImportError as exc:
        known = ", ".join(known_adapters())
        raise AdapterError(
            f"cannot import module {module_name!r} for adapter {spec!r} ({exc}){_did_you_mean(spec)}; "
            f"known adapters: {known}; or give an importable module path"
        ) from exc


def _from_module(module: ModuleType, spec: str) -> Adapter:
    missing = [n for n in API_NAMES if not hasattr(module, n)]
    if missing:
        raise AdapterError(
            f"module {module.__name__!r} lacks {', '.join(missing)}: an adapter module must expose all seven names "
            f"of torch.nn.utils.parametrize"
        )
    return Adapter(name=spec, api=module, import_line=f"import {module.__name__} as P")


def _from_object(obj: Any, spec: str) -> Adapter:
    if callable(obj) and not isinstance(obj, (Adapter, ModuleType)):
        obj = obj()
    if isinstance(obj, ModuleType):
        return _from_module(obj, spec)
    if not isinstance(obj, Adapter):
        raise AdapterError(
            f"{spec} is a {type(obj).__name__}, not an adapters.Adapter: export an Adapter, "
            f"a function returning one, or a module with the seven API names"
        )
    return obj
