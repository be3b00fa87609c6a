"""A torch release's own parametrize.py as an adapter: `torch-release:FOLDER`, a folder that the history command
(python -m parametrize_conformance.report history) filled with that one file and a source.json naming the release."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import torch

from parametrize_conformance.adapters._adapter import Adapter
from parametrize_conformance.adapters._divergence import AdapterError

PREFIX = "torch-release:"
SOURCE_FILE = "parametrize.py"
INFO_FILE = "source.json"
# Note: one adapter name for every release, so their reports form one clause × release matrix (by adapter.version).
ADAPTER_NAME = "torch-source"


def release_info(folder: Path) -> dict[str, str]:
    """The release a cached folder holds (source.json: release, wheel, sha256); AdapterError saying what is wrong."""
    info_path, source = folder / INFO_FILE, folder / SOURCE_FILE
    if not source.is_file() or not info_path.is_file():
        raise AdapterError(
            f"{folder} holds no cached torch release ({SOURCE_FILE} and {INFO_FILE}): fetch it with "
            f"python -m parametrize_conformance.report history --cache {folder.parent}"
        )
    try:
        info = json.loads(info_path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise AdapterError(f"{info_path} is not JSON ({exc}): delete {folder} and fetch it again") from None
    if not isinstance(info, dict) or not isinstance(info.get("release"), str):
        raise AdapterError(f"{info_path} names no release: delete {folder} and fetch it again")
    return info


def release_adapter(folder: str | Path) -> Adapter:
    """The adapter for the torch release cached in `folder`, declaring torch's divergences of that release."""
    folder = Path(folder).expanduser().resolve()
    release = release_info(folder)["release"]
    module = _load_source(folder / SOURCE_FILE, release)
    spec = f"{PREFIX}{folder}"
    return Adapter.like_torch(
        module,
        name=ADAPTER_NAME,
        spec=spec,
        version=release,
        torch_release=release,
        import_line=f"from {__package__} import load_adapter; P = load_adapter({spec!r}).api",
    )


def _module_name(release: str) -> str:
    return "torch_release_" + re.sub(r"\W", "_", release)


def _load_source(path: Path, release: str) -> ModuleType:
    """Execute the release's file as a module of its own (kept in sys.modules, so its classes pickle by name)."""
    name = _module_name(release)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    # Note: `path` is always a .py file (SOURCE_FILE), for which there is always a spec with a source loader.
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except ImportError as exc:
        raise AdapterError(
            f"torch {release}'s parametrize.py is not loadable on torch {torch.__version__}: "
            f"{_what_is_missing(exc)}; run it on the release itself (python -m "
            f"parametrize_conformance.report versions)"
        ) from None
    except Exception as exc:  # any failure of the old file is reported, in one line
        raise AdapterError(
            f"torch {release}'s parametrize.py is not loadable on torch {torch.__version__}: it raised "
            f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
        ) from None
    sys.modules[name] = module
    return module


def _what_is_missing(exc: ImportError) -> str:
    """'it needs NAME from MODULE, which this torch lacks' (or the module), from an ImportError."""
    found = re.search(r"cannot import name '([^']+)' from '([^']+)'", str(exc))
    if found:
        return f"it needs {found.group(1)} from {found.group(2)}, which this torch lacks"
    return f"it needs module {exc.name or str(exc)}, which this torch lacks"
