"""The report schema that ships with the package, and validation against it."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any

import jsonschema


class ReportError(Exception):
    """A report cannot be read, validated or written; the message names the file and the fix."""


@cache
def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(files("parametrize_conformance.report").joinpath(name).read_text())
    return loaded


def schema() -> dict[str, Any]:
    """The JSON Schema of a report (schema version 1)."""
    return _load("schema.json")


def bench_schema() -> dict[str, Any]:
    """The JSON Schema of a benchmark run's document (bench.json, schema version 1)."""
    return _load("bench.schema.json")


def validate(report: Any, where: str = "report") -> None:
    """Raise ReportError naming the first violation unless `report` matches the report schema."""
    _validate(report, schema(), where, "report")


def validate_bench(document: Any, where: str = "bench document") -> None:
    """Raise ReportError naming the first violation unless `document` matches the bench schema."""
    _validate(document, bench_schema(), where, "bench document")


def _validate(document: Any, against: dict[str, Any], where: str, kind: str) -> None:
    if isinstance(document, dict) and document.get("schema") not in (None, 1):
        raise ReportError(
            f"{where} has schema {document.get('schema')!r}; this version of parametrize-conformance "
            f"reads {kind} schema 1: upgrade parametrize-conformance to read it"
        )
    validator = jsonschema.Draft202012Validator(against)
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ReportError(f"{where} is not a valid parametrize-conformance {kind}: at {path}: {error.message}")
