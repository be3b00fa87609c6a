"""Turning an `--adapter` spec into an Adapter: a built-in name, an entry point, a module path, `pkg.mod:OBJ`, or
`torch-release:FOLDER` (a torch release's parametrize.py, cached by the history command)."""

from __future__ import annotations

import dataclasses
import importlib
import importlib.util
import os
import traceback
from collections.abc import Callable
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import Any

from parametrize_conformance.adapters._adapter import API_NAMES, Adapter
from parametrize_conformance.adapters._builtin import BUILTIN_ADAPTERS
from parametrize_conformance.adapters._divergence import AdapterError
from parametrize_conformance.adapters._release import PREFIX as RELEASE_PREFIX
from parametrize_conformance.adapters._release import release_adapter, release_info
from parametrize_conformance.suggest import did_you_mean

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


def load_adapter(spec: str, *, strict_api: bool = False) -> Adapter:
    """The adapter named by `spec`, with `spec` as its spec; raises AdapterError with a one-line fix when it cannot be
    loaded (whatever the module or the factory raised). A partial implementation (lacking some of the seven names)
    loads, unless `strict_api`."""
    if not isinstance(spec, str) or not spec.strip():
        raise AdapterError(
            f"empty adapter spec: give a built-in name ({', '.join(BUILTIN_ADAPTERS)}), a module path or pkg.mod:OBJ"
        )
    spec = spec.strip()
    # Note: the spec is what reproducers print as load_adapter(spec), so it is the one the user gave, whatever the
    # adapter's name.
    adapter = dataclasses.replace(_load(spec), spec=spec)
    if strict_api:
        adapter.require_full_api()
    return adapter


def _resolve(spec: str) -> tuple[str, Any]:
    """What `spec` names, without importing it, first match wins: ("built-in", its factory), ("release", the folder
    after torch-release:), ("entry point", an installed EntryPoint), ("object", (module, attribute)) for
    pkg.mod:OBJ, else ("module", the module path). load_adapter and check_spec both go by it."""
    if spec in BUILTIN_ADAPTERS:
        return "built-in", BUILTIN_ADAPTERS[spec]
    if spec.startswith(RELEASE_PREFIX):
        return "release", spec.removeprefix(RELEASE_PREFIX)
    registered = {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}
    if spec in registered:
        return "entry point", registered[spec]
    if ":" in spec:
        module_name, _, attr = spec.partition(":")
        return "object", (module_name, attr)
    return "module", spec


def _load(spec: str) -> Adapter:
    kind, target = _resolve(spec)
    if kind == "built-in":
        make: Callable[[], Adapter] = target
        return make()
    if kind == "release":
        return release_adapter(target)
    if kind == "entry point":
        return _from_object(_load_entry_point(target), f"entry point {spec!r}")
    if kind == "object":
        module_name, attr = target
        return _from_object(_attribute(_import(module_name, spec), attr, spec), spec)
    return _from_module(_import(spec, spec), spec)


def _attribute(module: ModuleType, attr: str, spec: str) -> Any:
    """`module.attr`, or AdapterError when it is missing or its lookup (a module __getattr__) raises."""
    try:
        obj = getattr(module, attr, _MISSING)
    except Exception as exc:
        raise AdapterError(
            f"looking up {attr!r} in module {module.__name__!r} for adapter {spec!r} raised "
            f"{_described(exc)}{_where(exc)}: fix the module's __getattr__"
        ) from exc
    if obj is _MISSING:
        raise AdapterError(f"module {module.__name__!r} has no attribute {attr!r}: check the name after ':' in {spec!r}")
    return obj


_MISSING = object()


def check_spec(spec: str) -> None:
    """Raise AdapterError (with a did-you-mean) unless `spec` names a known adapter or a findable module; imports
    nothing, so it is safe to call before running the adapter in a process of its own."""
    spec = spec.strip()
    kind, target = _resolve(spec)
    if kind == "entry point" and not _findable(target.value):
        _load_entry_point(target)
    elif kind == "release":
        release_info(Path(target).expanduser())
    elif kind in ("object", "module") and not _findable(spec):
        raise AdapterError(
            f"unknown adapter {spec!r}{_did_you_mean(spec)}; known adapters: "
            f"{', '.join(known_adapters())}; or give an importable module path or pkg.mod:OBJ"
        )


def _findable(target: str) -> bool:
    """Whether the top-level package of `target` (module or module:attr) can be found, without importing it."""
    top = target.partition(":")[0].strip().split(".")[0]
    try:
        return bool(top) and importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _did_you_mean(spec: str) -> str:
    return did_you_mean(spec, known_adapters(), quoted=True)


def _load_entry_point(entry_point: EntryPoint) -> Any:
    try:
        return entry_point.load()
    except Exception as exc:
        package = entry_point.dist.name if entry_point.dist else "its package"
        module_name = entry_point.value.partition(":")[0].strip()
        if _not_found(exc, module_name):
            raise AdapterError(
                f"entry point {entry_point.name!r} of {package} points to {entry_point.value!r}, which cannot be "
                f"loaded ({_described(exc)}): reinstall {package} or fix the entry point in its metadata"
            ) from exc
        raise AdapterError(
            f"entry point {entry_point.name!r} of {package}: loading {entry_point.value!r} raised {_described(exc)}"
            f"{_where(exc)}: fix the module, or report it to {package}"
        ) from exc


def _import(module_name: str, spec: str) -> ModuleType:
    try:
        return importlib.import_module(module_name)
    except Exception as exc:
        if _not_found(exc, module_name):
            known = ", ".join(known_adapters())
            raise AdapterError(
                f"cannot import module {module_name!r} for adapter {spec!r} ({exc}){_did_you_mean(spec)}; "
                f"known adapters: {known}; or give an importable module path"
            ) from exc
        raise AdapterError(
            f"importing module {module_name!r} for adapter {spec!r} raised {_described(exc)}{_where(exc)}: fix the "
            f"module, or install what it needs"
        ) from exc


def _not_found(exc: BaseException, module_name: str) -> bool:
    """Whether `exc` says that `module_name` itself (or a package above it) cannot be found, rather than that the
    module was found and something in it failed."""
    # Note: a ModuleNotFoundError for another module (a dependency the adapter imports) is a failure inside the
    # module, reported with the file and line of that import. An error no user code raised (a relative name such as
    # '.x') is the name's fault.
    if isinstance(exc, SyntaxError):
        return False
    if not _user_frames(exc):
        return True
    parts = module_name.split(".")
    return isinstance(exc, ModuleNotFoundError) and exc.name in {".".join(parts[:i]) for i in range(1, len(parts) + 1)}


def _described(exc: BaseException) -> str:
    """`Type: message`, on one line (a message of several lines is joined, a long one cut)."""
    # Note: a SyntaxError's str() repeats the file and line that _where gives.
    text = " ".join(str(exc.msg if isinstance(exc, SyntaxError) else exc).split())
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _where(exc: BaseException) -> str:
    """` (at FILE:LINE)`: where `exc` was raised (for a SyntaxError, the bad line), or '' when that is unknown."""
    if isinstance(exc, SyntaxError) and exc.filename:
        return f" (at {exc.filename}:{exc.lineno})"
    frames = _user_frames(exc)
    return f" (at {frames[-1].filename}:{frames[-1].lineno})" if frames else ""


_MACHINERY = ("<", str(Path(importlib.__file__).parent) + os.sep, str(Path(__file__).parent) + os.sep)


def _user_frames(exc: BaseException) -> list[traceback.FrameSummary]:
    """The frames of `exc`'s traceback in the user's code: not in importlib (nor its frozen modules), not in
    generated code (a dataclass's __init__), not in this package (Adapter's own checks)."""
    return [f for f in traceback.extract_tb(exc.__traceback__) if not f.filename.startswith(_MACHINERY)]


def _from_module(module: ModuleType, spec: str) -> Adapter:
    if not any(hasattr(module, n) for n in API_NAMES):
        raise AdapterError(
            f"module {module.__name__!r} has none of the seven names of torch.nn.utils.parametrize "
            f"({', '.join(API_NAMES)}): an adapter module exposes them (a partial one, some of them)"
        )
    return Adapter(name=spec, api=module, import_line=f"import {module.__name__} as P")


def _from_object(obj: Any, spec: str) -> Adapter:
    if callable(obj) and not isinstance(obj, (Adapter, ModuleType)):
        obj = _called(obj, spec)
    if isinstance(obj, ModuleType):
        return _from_module(obj, spec)
    if not isinstance(obj, Adapter):
        raise AdapterError(
            f"{spec} is a {type(obj).__name__}, not a parametrize_conformance.adapters.Adapter: export an Adapter, "
            f"a function returning one, or a module with the seven API names"
        )
    return obj


def _called(factory: Any, spec: str) -> Any:
    """What the factory `spec` names returns; AdapterError, saying where, when it raises."""
    try:
        return factory()
    except Exception as exc:
        name = getattr(factory, "__qualname__", type(factory).__name__)
        raise AdapterError(
            f"calling {name}() for adapter {spec!r} raised {_described(exc)}{_where(exc)}: fix it so "
            f"that it returns a parametrize_conformance.adapters.Adapter"
        ) from exc
