"""Small pieces every format shares, so that they agree on ranges and names."""

from __future__ import annotations

from typing import Any

from linter.model import Finding, InputError, Location, Severity

# tflint's JSON and checkstyle call a notice "info" (formatter.toSeverity); we keep that so
# tools that already read tflint's output read ours unchanged.
TFLINT_SEVERITY = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "info"}


def end_of(loc: Location) -> tuple[int, int]:
    """The end of a range; an unknown end is the start (a point), as tflint does."""
    if loc.end_line:
        return loc.end_line, loc.end_column or loc.column
    return loc.line, loc.column


def json_range(loc: Location) -> dict[str, Any]:
    end_line, end_column = end_of(loc)
    return {
        "filename": loc.file,
        "start": {"line": loc.line, "column": loc.column},
        "end": {"line": end_line, "column": end_column},
    }


def issues_sorted(findings: list[Finding]) -> list[Finding]:
    return sorted(findings, key=Finding.sort_key)


def error_text(err: InputError) -> str:
    """One line for an input error: `file:line: summary: message` (tflint's shape)."""
    where = str(err.location) + ": " if err.location else ""
    if err.summary and err.message and err.summary != err.message:
        return f"{where}{err.summary}: {err.message}"
    return f"{where}{err.summary or err.message}"
