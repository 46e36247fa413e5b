"""The result of a run: findings plus the errors met reading the input."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from linter.model import Finding, InputError, Severity


@dataclass
class Report:
    findings: list[Finding] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)
    as_of: date | None = None
    root: str = "."
    # Findings an ignore, suppression or acknowledgement silenced (details["suppressed"] says
    # which and why): kept for the JSON report's audit trail, never counted.
    suppressed: list[Finding] = field(default_factory=list)

    def sorted_findings(self) -> list[Finding]:
        return sorted(self.findings, key=Finding.sort_key)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)
