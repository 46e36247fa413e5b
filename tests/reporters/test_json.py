"""`--format json` keeps tflint's shape, so tools that read tflint's JSON read ours."""

from __future__ import annotations

import json

from linter.report import Report
from linter.reporters import render


def test_json_has_tflint_keys_in_order(report: Report) -> None:
    out = json.loads(render(report, "json"))
    assert list(out) == ["issues", "errors"]
    first = out["issues"][0]
    assert list(first)[:4] == ["rule", "message", "range", "callers"]
    assert list(first["rule"]) == ["name", "severity", "link"]
    assert list(first["range"]) == ["filename", "start", "end"]
    assert list(first["range"]["start"]) == ["line", "column"]


def test_json_issues_sorted_by_file_and_line_with_tflint_severity_names(report: Report) -> None:
    out = json.loads(render(report, "json"))
    where = [(i["range"]["filename"], i["range"]["start"]["line"]) for i in out["issues"]]
    assert where == [("main.tf", 3), ("main.tf", 10), ("main.tf", 16), ("template.yaml", 6)]
    assert [i["rule"]["severity"] for i in out["issues"]] == ["warning", "error", "info", "warning"]


def test_json_carries_details_related_and_callers(report: Report) -> None:
    issue = next(
        i for i in json.loads(render(report, "json"))["issues"] if i["range"]["start"]["line"] == 10
    )
    assert issue["details"]["key_algorithm"] == "EC_prime256v1"
    assert issue["range"]["end"] == {"line": 10, "column": 56}
    assert [r["filename"] for r in issue["related"]] == ["main.tf", "certs/ec.pem"]
    assert issue["rule"]["link"].endswith("/docs/rules/unsupported_key_algorithm.md")
    unresolved = next(
        i for i in json.loads(render(report, "json"))["issues"] if i["rule"]["severity"] == "info"
    )
    assert unresolved["callers"][0]["filename"] == "envs/prod/main.tf"


def test_json_errors_omit_missing_range_like_tflint(report: Report) -> None:
    errors = json.loads(render(report, "json"))["errors"]
    assert errors[0] == {
        "summary": "Unclosed configuration block",
        "message": "There is no closing brace for this block",
        "severity": "error",
        "range": {
            "filename": "broken.tf",
            "start": {"line": 2, "column": 1},
            "end": {"line": 2, "column": 1},
        },
    }
    assert "range" not in errors[1]


def test_json_empty_report_is_empty_lists() -> None:
    assert json.loads(render(Report(), "json")) == {"issues": [], "errors": []}
