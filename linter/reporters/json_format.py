"""tflint's `--format json`, plus `details` and `related` per issue, and `suppressed` (the findings
that ignores, suppressions and CDK acknowledgements silenced, with how and why) when there are any.

Same keys, order and severity names as tflint (terraform-linters/tflint formatter/json.go), so
reviewdog's tflint parser and existing jq filters keep working.
"""

from __future__ import annotations

import json
from typing import Any

from linter.model import Finding
from linter.report import Report
from linter.reporters._common import TFLINT_SEVERITY, issues_sorted, json_range
from linter.reporters.escaping import escape_report, portable


def _issue(f: Finding) -> dict[str, Any]:
    return {
        "rule": {
            "name": f.rule,
            "severity": TFLINT_SEVERITY[f.severity],
            "link": f.link,
        },
        "message": f.message,
        "range": json_range(f.location),
        "callers": [json_range(c) for c in f.callers],
        "details": f.details,
        "related": [json_range(r) for r in f.related],
    }


def report_dict(report: Report) -> dict[str, Any]:
    report, _ = escape_report(report, portable)
    issues = [_issue(f) for f in issues_sorted(report.findings)]
    errors = []
    for err in report.errors:
        entry: dict[str, Any] = {}
        if err.summary:  # tflint: `summary,omitempty`
            entry["summary"] = err.summary
        entry["message"] = err.message
        entry["severity"] = TFLINT_SEVERITY[err.severity]
        if err.location is not None:  # tflint: `range,omitempty`
            entry["range"] = json_range(err.location)
        errors.append(entry)
    out: dict[str, Any] = {"issues": issues, "errors": errors}
    if report.suppressed:  # an addition to tflint's shape, only when there is something to say
        out["suppressed"] = [
            {**_issue(f), "suppression": f.details.get("suppressed", {})}
            for f in issues_sorted(report.suppressed)
        ]
    return out


def render_json(report: Report, *, root: str = ".") -> str:
    del root  # locations are already relative to the project root
    return json.dumps(report_dict(report), separators=(",", ":"), default=str) + "\n"
