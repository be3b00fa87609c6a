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
def schema() -> dict[str, Any]:
    """The JSON Schema of a report (schema version 1)."""
    return json.loads(files("conformance.report").joinpath("schema.json").read_text())


def validate(report: Any, where: str = "report") -> None:
    """Raise ReportError naming the first violation unless `report` matches the schema."""
    if isinstance(report, dict) and report.get("schema") not in (None, 1):
        raise ReportError(f"{where} has schema {report.get('schema')!r}; this version of parametrize-conformance reads "
                          f"schema 1: upgrade parametrize-conformance to read it")
    validator = jsonschema.Draft202012Validator(schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(report))
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ReportError(f"{where} is not a valid parametrize-conformance report: at {path}: {error.message}")


@cache
def bench_schema() -> dict[str, Any]:
    """The JSON Schema of a benchmark run's document (bench.json, schema version 1)."""
    return json.loads(files("conformance.report").joinpath("bench.schema.json").read_text())


def validate_bench(document: Any, where: str = "bench document") -> None:
    """Raise ReportError naming the first violation unless `document` matches the bench schema."""
    if isinstance(document, dict) and document.get("schema") not in (None, 1):
        raise ReportError(f"{where} has schema {document.get('schema')!r}; this version of parametrize-conformance "
                          f"reads bench schema 1: upgrade parametrize-conformance to read it")
    validator = jsonschema.Draft202012Validator(bench_schema())
    error = jsonschema.exceptions.best_match(validator.iter_errors(document))
    if error is not None:
        path = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise ReportError(f"{where} is not a valid parametrize-conformance bench document: at {path}: {error.message}")
