"""The Adapter type: how an implementation of the parametrize API is plugged into the suite."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import torch

from parametrize_conformance.adapters._divergence import AdapterError, Divergence
from parametrize_conformance.adapters._torch_divergences import torch_divergences
from parametrize_conformance.clauses import API_NAMES


@dataclass(frozen=True)
class Adapter:
    """An implementation under test: its API namespace, device, dtypes and declared divergences.

    `spec` is what `load_adapter` loads it by (the `--adapter` value: a built-in name, an entry point, a module path
    or `pkg.mod:OBJ`); reproducers print `load_adapter(spec)`. It defaults to the name.
    """

    name: str
    api: Any
    device: str = "cpu"
    dtypes: tuple[torch.dtype, ...] = (torch.float32, torch.float64)
    divergences: tuple[Divergence, ...] = ()
    version: str = ""
    import_line: str = ""
    spec: str = ""

    @classmethod
    def like_torch(cls, api: Any, *, name: str, spec: str = "", torch_release: str | None = None, **fields: Any) -> Adapter:
        """An adapter over `api` (a namespace with the seven names, e.g. a fork of torch.nn.utils.parametrize) that
        declares torch's known divergences of `torch_release` (default: the installed torch's; see
        `torch_divergences()`); `fields` sets the others (device, version, ...)."""
        # Note: divergences given in `fields` replace torch's; add to them with torch_divergences() + (...). The
        # release is apart from `version`: a fork's own version is no torch release.
        if "divergences" not in fields:
            fields["divergences"] = torch_divergences(fields.get("device", "cpu"), torch_release)
        return cls(name=name, api=api, spec=spec, **fields)

    def __repr__(self) -> str:
        # Note: Hypothesis prints a failing test's fixtures; the full dataclass repr (every divergence) would bury the
        # failure under some 25 lines.
        count = len(self.divergences)
        return f"Adapter({self.name!r}, spec={self.spec!r}, {count} declared divergence{'' if count == 1 else 's'})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:
        # Note: Hypothesis's (and IPython's) pretty-printer lists a dataclass's fields, not its __repr__, unless the
        # class has this method.
        printer.text(repr(self))

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name.strip():
            raise AdapterError(f"adapter name must be a non-empty string, got {self.name!r}: give name='mine'")
        if not isinstance(self.spec, str):
            raise AdapterError(
                f"adapter {self.name!r}: spec must be a string (how load_adapter finds it), got {type(self.spec).__name__}"
            )
        if len(self.missing) == len(API_NAMES):
            # Note: a namespace with none of the seven names is the wrong object, not a partial implementation.
            raise AdapterError(
                f"adapter {self.name!r}: its API namespace ({type(self.api).__name__}) has none of "
                f"the seven names {', '.join(API_NAMES)}: give the module that implements them"
            )
        _check_device(self.name, self.device)
        if not self.dtypes or not all(isinstance(d, torch.dtype) for d in self.dtypes):
            raise AdapterError(f"adapter {self.name!r}: dtypes must be a non-empty tuple of torch.dtype")
        # Note: a clause may diverge in more than one way (two behaviours of one release), each with its signature;
        # the same signature twice is a mistake.
        seen = [(d.clause, d.raises, d.match) for d in self.divergences]
        if len(seen) != len(set(seen)):
            raise AdapterError(f"adapter {self.name!r}: a clause is declared divergent twice with the same signature")
        if not self.spec:
            # Note: a frozen dataclass; the default spec, the name, is filled in once, after every check passed.
            object.__setattr__(self, "spec", self.name)

    @cached_property
    def missing(self) -> tuple[str, ...]:
        """The API names this implementation lacks (a partial one); the clauses that need them are untested."""
        return tuple(n for n in API_NAMES if not hasattr(self.api, n))

    def require_full_api(self) -> None:
        """Raise AdapterError unless the API namespace has all seven names (what --strict-api asks)."""
        if self.missing:
            raise AdapterError(
                f"adapter {self.name!r}: its API namespace lacks {', '.join(self.missing)} "
                f"(--strict-api); it must expose all of {', '.join(API_NAMES)}, or run without "
                f"--strict-api to leave the clauses that need them untested"
            )

    def missing_summary(self) -> str:
        """One line on what a partial implementation lacks, or '' for a complete one."""
        if not self.missing:
            return ""
        return (
            f"adapter {self.name!r} lacks {', '.join(self.missing)}: the clauses that need "
            f"{'it' if len(self.missing) == 1 else 'them'} are untested (--strict-api makes this a load error)"
        )

    def unsigned_summary(self) -> str:
        """One warning line naming the declared divergences without a signature, or '' when every one has one."""
        unsigned = [d.clause for d in self.divergences if not d.signed]
        if not unsigned:
            return ""
        return (
            f"adapter {self.name!r} declares {', '.join(unsigned)} without a signature: "
            f"{'it covers' if len(unsigned) == 1 else 'each covers'} any failure of its clause, a new bug "
            f"included; give each Divergence raises= (exception class names) and match= (a message pattern)"
        )

    def unavailable_reason(self) -> str | None:
        """Why this adapter cannot run on this machine (its device is missing), in one line; None when it can."""
        problem = device_problem(self.device)
        return None if problem is None else f"adapter {self.name!r} needs {problem}"

    def divergence(self, clause: str) -> Divergence | None:
        """The (first) declared divergence for `clause`, or None."""
        return next((d for d in self.divergences if d.clause == clause), None)

    def divergences_of(self, clause: str) -> tuple[Divergence, ...]:
        """Every declared divergence of `clause`: each a way it is known to fail."""
        return tuple(d for d in self.divergences if d.clause == clause)

    def declared(self) -> dict[str, tuple[str, str]]:
        """{clause: (reason, signature)} of the declared divergences, a clause's several ways joined with ' | '."""
        table: dict[str, tuple[str, str]] = {}
        for clause in dict.fromkeys(d.clause for d in self.divergences):
            ways = self.divergences_of(clause)
            table[clause] = (" | ".join(d.reason for d in ways), " | ".join(d.signature for d in ways))
        return table


def _check_device(name: str, device: object) -> None:
    """Raise AdapterError unless `device` is a string torch.device accepts (whether it exists here is checked later)."""
    if not isinstance(device, str):
        raise AdapterError(
            f"adapter {name!r}: device must be a string such as 'cpu' or 'cuda', got {type(device).__name__} {device!r}"
        )
    try:
        torch.device(device)
    except (RuntimeError, ValueError) as exc:
        raise AdapterError(
            f"adapter {name!r}: device {device!r} is not a torch device ({exc}); give a string "
            f"such as 'cpu', 'cuda' or 'cuda:1'"
        ) from None


def device_problem(device: str) -> str | None:
    """What `device` lacks on this machine ("a CUDA device: ..."), or None when tensors can be made on it."""
    where = torch.device(device)
    if where.type == "cuda":
        return _cuda_problem(where)
    backend = getattr(torch, where.type, None)
    # Note: other accelerators (mps, xpu, ...) are asked through their torch.<type>.is_available(), when there is one.
    is_available = getattr(backend, "is_available", None)
    if callable(is_available) and not is_available():
        return (
            f"a device of type {where.type!r}: torch.{where.type}.is_available() is False (torch "
            f"{torch.__version__}); run it on a machine that has one"
        )
    return None


def _cuda_problem(where: torch.device) -> str | None:
    if not torch.cuda.is_available():
        build = "a build without CUDA" if torch.version.cuda is None else f"built for CUDA {torch.version.cuda}"
        return (
            f"a CUDA device: torch.cuda.is_available() is False (torch {torch.__version__}, {build}); run it on "
            f"a machine with an NVIDIA GPU and a CUDA build of torch"
        )
    count = torch.cuda.device_count()
    if where.index is not None and where.index >= count:
        return (
            f"CUDA device {where}, but torch sees {count} CUDA device(s) (cuda:0 to cuda:{count - 1}); give an "
            f"existing index, or check CUDA_VISIBLE_DEVICES"
        )
    return None
