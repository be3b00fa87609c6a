"""Reports of conformance runs: what they hold and their files, rendering them, and comparing them (diff, gate, bless).

Reading, rendering and diffing reports need jsonschema alone: nothing imported here imports torch, pytest or
Hypothesis, so `python -m parametrize_conformance.report render` runs in an environment with none of them.
"""

from typing import Any

from parametrize_conformance.report._compare import (
    DEFAULT_BASELINES,
    DEFAULT_OUT,
    ClauseChange,
    Diff,
    bless_from_args,
    diff_from_args,
    diff_reports,
    format_table,
    gate_from_args,
)
from parametrize_conformance.report._files import (
    check_writable,
    destination_note,
    load_report,
    report_destination,
    report_file_name,
    write_atomically,
    write_report,
)
from parametrize_conformance.report._heatmap import missing_matplotlib, write_heatmap
from parametrize_conformance.report._html import render_html
from parametrize_conformance.report._markdown import render_markdown
from parametrize_conformance.report._matrix import (
    RUNS_FILE,
    RUNS_FORMAT,
    Change,
    changes,
    load_runs,
    version_columns,
    version_key,
)
from parametrize_conformance.report._model import (
    BAD_STATUSES,
    OUTCOMES,
    SCHEMA_VERSION,
    STATUSES,
    ReportError,
    build_report,
    clause_status,
    counted_levels,
    rank,
    schema,
    validate,
    validate_bench,
)
from parametrize_conformance.report._render import render_from_args
from parametrize_conformance.report._text import summary_lines
from parametrize_conformance.report._usage import PROG, UsageError, command_line, release_list

__all__ = [
    "missing_matplotlib",
    "write_heatmap",
    "DEFAULT_BASELINES",
    "DEFAULT_OUT",
    "PROG",
    "RUNS_FILE",
    "RUNS_FORMAT",
    "UsageError",
    "bless_from_args",
    "command_line",
    "diff_from_args",
    "gate_from_args",
    "load_runs",
    "release_list",
    "render_from_args",
    "version_key",
    "validate_bench",
    "report_destination",
    "destination_note",
    "counted_levels",
    "BAD_STATUSES",
    "OUTCOMES",
    "SCHEMA_VERSION",
    "STATUSES",
    "Change",
    "ClauseChange",
    "Diff",
    "ReportError",
    "adapter_info",
    "build_report",
    "changes",
    "check_writable",
    "clause_status",
    "diff_reports",
    "environment_info",
    "format_table",
    "load_report",
    "rank",
    "render_html",
    "render_markdown",
    "report_file_name",
    "schema",
    "suite_info",
    "summary_lines",
    "unloaded_adapter_info",
    "validate",
    "version_columns",
    "write_atomically",
    "write_report",
]

# Note: _meta imports pytest and Hypothesis (and, when asked, torch) to describe a run; only the plugin and the
# isolating runner need it, so its names are imported on first use.
_META = ("adapter_info", "environment_info", "suite_info", "unloaded_adapter_info")


def __getattr__(name: str) -> Any:
    if name in _META:
        from parametrize_conformance.report import _meta

        return getattr(_meta, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
