"""tflint's `--format junit`: one failing testcase per issue, classname = file.

Input errors become testcases with an `<error>` (JUnit's "could not run"), so CI test reports
show a broken file instead of a green suite.
"""

from __future__ import annotations

from xml.etree import ElementTree as ET

from linter.report import Report
from linter.reporters._common import error_text, issues_sorted, xml_document
from linter.reporters.escaping import escape_report, portable


def render_junit(report: Report, *, root: str = ".") -> str:
    del root
    report, _ = escape_report(report, portable)
    findings = issues_sorted(report.findings)
    suites = ET.Element("testsuites")
    suite = ET.SubElement(
        suites,
        "testsuite",
        {
            "name": "certfit",
            "tests": str(len(findings) + len(report.errors)),
            "failures": str(len(findings)),
            "errors": str(len(report.errors)),
            "time": "0",
        },
    )
    for f in findings:
        loc = f.location
        case = ET.SubElement(
            suite, "testcase", {"name": f.rule, "classname": loc.file, "time": "0"}
        )
        failure = ET.SubElement(case, "failure", {"message": f.message, "type": f.severity.value})
        failure.text = (
            f"line {loc.line}, col {loc.column}, {f.severity.title} - {f.message} ({f.rule})"
            + (f"\n{f.link}" if f.link else "")
        )
    for err in report.errors:
        classname = err.location.file if err.location else "certfit"
        case = ET.SubElement(
            suite, "testcase", {"name": "input_error", "classname": classname, "time": "0"}
        )
        error = ET.SubElement(case, "error", {"message": err.summary or err.message})
        error.text = error_text(err)
    return xml_document(suites)
