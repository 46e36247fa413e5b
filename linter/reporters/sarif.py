"""SARIF 2.1.0 for GitHub code scanning and other SARIF viewers.

URIs are relative to the repository (uriBaseId %SRCROOT%) so code scanning can place them;
each result has a `partialFingerprints` entry that does not move when lines are added above,
so an alert survives unrelated edits.
"""

from __future__ import annotations

import hashlib
from typing import Any
from urllib.parse import quote

from linter import __version__
from linter.model import Finding, InputError, Location, Severity
from linter.report import Report
from linter.reporters._common import issues_sorted, repo_prefix, source_cache, source_lines
from linter.reporters._rules import rule_text
from linter.reporters.escaping import escape_report, portable

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/certfit/certfit"
SARIF_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.NOTICE: "note"}
FINGERPRINT_KEY = "certfitFingerprint/v1"
MAX_RESULTS = 25_000  # GitHub code scanning refuses a run with more


def artifact_uri(path: str) -> str:
    """A relative path as a URI reference (SARIF 3.10.2): `%`, spaces, `#`, `?`, `:` and
    non-ASCII percent-encoded (UTF-8), so `100%.tf` or `a:b.tf` is not misread as an escape
    or a scheme."""
    return quote(path, safe="/!$&'()*+,;=@")


def _physical(loc: Location, prefix: str) -> dict[str, Any]:
    physical: dict[str, Any] = {
        "artifactLocation": {"uri": artifact_uri(prefix + loc.file), "uriBaseId": "%SRCROOT%"}
    }
    if loc.line >= 1:
        region: dict[str, int] = {"startLine": loc.line}
        if loc.column >= 1:
            region["startColumn"] = loc.column
        if loc.end_line >= loc.line:
            region["endLine"] = loc.end_line
            if loc.end_column >= 1 and (loc.end_line > loc.line or loc.end_column > loc.column):
                region["endColumn"] = loc.end_column
        physical["region"] = region
    return physical


def _location(loc: Location, prefix: str) -> dict[str, Any]:
    out: dict[str, Any] = {"physicalLocation": _physical(loc, prefix)}
    if loc.construct_path:
        out["logicalLocations"] = [{"fullyQualifiedName": loc.construct_path, "kind": "object"}]
    return out


def _fingerprint(f: Finding, line_text: str, occurrence: int) -> str:
    """Rule, file, construct and the flagged line's text, not its number: stable across
    edits elsewhere in the file, distinct for two findings on identical lines."""
    parts = [f.rule, f.location.file, f.location.construct_path or "", line_text.strip()]
    digest = hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{digest}:{occurrence}"


def _notification(err: InputError, prefix: str) -> dict[str, Any]:
    note: dict[str, Any] = {
        "level": "error" if err.severity == Severity.ERROR else SARIF_LEVEL[err.severity],
        "message": {"text": f"{err.summary}: {err.message}" if err.summary else err.message},
    }
    if err.location is not None:
        note["locations"] = [_location(err.location, prefix)]
    return note


def _left_out(count: int) -> list[dict[str, Any]]:
    if not count:
        return []
    text = (
        f"{count} more finding(s) not included: GitHub code scanning takes at most "
        f"{MAX_RESULTS} results per run. Use --format json for all of them."
    )
    return [{"level": "warning", "message": {"text": text}}]


def sarif_dict(report: Report, root: str = ".") -> dict[str, Any]:
    report, escaper = escape_report(report, portable)
    prefix = portable(repo_prefix(root))
    everything = issues_sorted(report.findings)
    # errors first, so a capped upload keeps what matters most, then back in file order
    kept = sorted(everything, key=lambda f: -f.severity.rank)[:MAX_RESULTS]
    findings = issues_sorted(kept)
    left_out = len(everything) - len(findings)
    rule_ids = sorted({f.rule for f in findings})
    links = {f.rule: f.link for f in findings}
    rules = []
    for rid in rule_ids:
        text = rule_text(rid, links.get(rid, ""))
        rules.append(
            {
                "id": rid,
                "name": rid,
                "shortDescription": {"text": text.short},
                "fullDescription": {"text": text.full},
                "help": {
                    "text": f"{text.full}\n\nSee {text.link}",
                    "markdown": f"{text.full}\n\n[{rid}]({text.link})",
                },
                "helpUri": text.link,
            }
        )
    index = {rid: i for i, rid in enumerate(rule_ids)}
    reader_cache = source_cache(root, escaper.renamed())
    seen: dict[str, int] = {}
    results = []
    for f in findings:
        lines = source_lines(root, f.location.file, reader_cache)
        line_text = ""
        if lines is not None and 1 <= f.location.line <= len(lines):
            line_text = lines[f.location.line - 1]
        base = _fingerprint(f, line_text, 0).split(":")[0]
        occurrence = seen.get(base, 0)
        seen[base] = occurrence + 1
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": SARIF_LEVEL[f.severity],
            "message": {"text": f.message},
            "locations": [_location(f.location, prefix)],
            "partialFingerprints": {FINGERPRINT_KEY: _fingerprint(f, line_text, occurrence)},
        }
        related = [*f.related, *f.callers]
        if related:
            result["relatedLocations"] = [
                {"id": i, **_location(loc, prefix)} for i, loc in enumerate(related)
            ]
        if f.details:
            result["properties"] = {"details": f.details}
        results.append(result)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "certfit",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": rules,
            }
        },
        "results": results,
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": not any(e.severity == Severity.ERROR for e in report.errors),
                "toolExecutionNotifications": [
                    *(_notification(e, prefix) for e in report.errors),
                    *_left_out(left_out),
                ],
            }
        ],
    }
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render_sarif(report: Report, *, root: str = ".") -> str:
    import json

    return json.dumps(sarif_dict(report, root), indent=2, default=str) + "\n"
