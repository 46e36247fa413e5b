"""tflint's `--format compact`: one line per issue.

The line is exactly tflint's, so setup-tflint's problem matcher
`^(.+):(\\d+):(\\d+):\\s(Error|Warning|Notice)\\s-\\s(.+)\\s\\((.+)\\)$` and reviewdog's
errorformat `%f:%l:%c: %m` read it unchanged. A message never spans lines here: a newline
would cut the matcher's line in two.
"""

from __future__ import annotations

from linter.report import Report
from linter.reporters._common import issues_sorted, one_line
from linter.reporters.escaping import defuse_commands, display, escape_report


def render_compact(report: Report, *, root: str = ".") -> str:
    del root
    report, _ = escape_report(report, display)
    findings = issues_sorted(report.findings)
    lines: list[str] = []
    if findings:
        lines += [f"{len(findings)} issue(s) found:", ""]
    for f in findings:
        loc = f.location
        lines.append(
            f"{loc.file}:{loc.line}:{loc.column}: {f.severity.title} - {one_line(f.message)} "
            f"({f.rule})"
        )
    for err in report.errors:
        # tflint prints HCL diagnostics as `file:line:col: Error - summary. detail`.
        text = f"{one_line(err.summary)}. {one_line(err.message)}".rstrip(". ")
        if err.location is not None:
            loc = err.location
            lines.append(f"{loc.file}:{loc.line}:{loc.column}: {err.severity.title} - {text}")
        else:
            lines.append(f"{err.severity.title}: {text}")
    return defuse_commands("".join(line + "\n" for line in lines))
