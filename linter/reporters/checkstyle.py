"""tflint's `--format checkstyle`: one `<file>` per file, one `<error>` per issue.

Input errors are not issues; like tflint, the CLI prints them on stderr in this format.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from linter.report import Report
from linter.reporters._common import TFLINT_SEVERITY, issues_sorted, xml_document
from linter.reporters.escaping import escape_report, portable


def render_checkstyle(report: Report, *, root: str = ".") -> str:
    del root
    report, _ = escape_report(report, portable)
    top = ET.Element("checkstyle")
    files: dict[str, ET.Element] = {}
    for f in issues_sorted(report.findings):
        name = f.location.file
        if name not in files:
            files[name] = ET.SubElement(top, "file", {"name": name})
        ET.SubElement(
            files[name],
            "error",
            {
                "source": f.rule,
                "line": str(f.location.line),
                "column": str(f.location.column),
                "severity": TFLINT_SEVERITY[f.severity],
                "message": f.message,
                "link": f.link,
            },
        )
    return xml_document(top)
