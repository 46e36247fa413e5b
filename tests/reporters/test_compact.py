"""compact lines must be read by setup-tflint's problem matcher exactly as tflint's are."""

from __future__ import annotations

import re

from linter.report import Report
from linter.reporters import render

# setup-tflint's matcher, copied from conventions.md
MATCHER = re.compile(r"^(.+):(\d+):(\d+):\s(Error|Warning|Notice)\s-\s(.+)\s\((.+)\)$")


def test_problem_matcher_reads_every_issue_line(report: Report) -> None:
    out = render(report, "compact")
    lines = out.splitlines()
    assert lines[:2] == ["4 issue(s) found:", ""]
    matched = [m.groups() for line in lines if (m := MATCHER.match(line))]
    assert len(matched) == len(report.findings)
    assert matched[1][:4] == ("main.tf", "10", "3", "Error")
    assert matched[1][5] == "unsupported_key_algorithm"
    # a newline in a message is shown escaped: one line, so the matcher still sees the rule
    assert matched[3][4] == "Key 100% weak: RSA 1024, a,b:c\\nsecond line"
    assert matched[3][5] == "weak_key"
    assert "Notice" in {m[3] for m in matched}
