"""The human format: location, the attribute underlined, the fix; colour only when asked;
and never a line of private key material, even when a finding points into a key."""

from __future__ import annotations

from pathlib import Path

from fixtures.pki import issue
from linter.model import Finding, Location, Severity
from linter.report import Report
from linter.reporters import render


def test_underlines_the_attribute_and_shows_the_fix(report: Report, source_root: Path) -> None:
    out = render(report, "default", root=str(source_root))
    lines = out.splitlines()
    i = lines.index("    10:   certificate_arn   = aws_acm_certificate.imported.arn")
    assert lines[i + 1] == " " * 10 + "^" * 52
    assert "Fix: Use an RSA 2048 key" in out
    assert "\x1b[" not in out


def test_colour_only_when_asked(report: Report, source_root: Path) -> None:
    out = render(report, "default", root=str(source_root), color=True)
    assert "\x1b[31m" in out  # errors in red
    assert "\x1b[4m" in out  # the attribute underlined instead of carets
    assert "^^^" not in out


def test_private_key_lines_are_never_shown(tmp_path: Path) -> None:
    key_pem = issue("leaf.example", "RSA_2048").key_pem("pkcs8").decode()
    (tmp_path / "main.tf").write_text(f"locals {{\n  key = <<EOT\n{key_pem}EOT\n}}\n")
    body_line = key_pem.splitlines()[1]
    findings = [
        Finding("invalid_certificate_material", Severity.ERROR, "bad", Location("main.tf", n, 1))
        for n in range(1, 8)
    ]
    report = Report(findings=findings)
    for fmt in ("default", "sarif", "json", "github", "compact"):
        out = render(report, fmt, root=str(tmp_path))
        assert body_line not in out
        assert body_line[:20] not in out
