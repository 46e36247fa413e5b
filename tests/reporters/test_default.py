"""The human format: location, the attribute underlined, the fix; colour only when asked;
and never a line of private key material, even when a finding points into a key."""

from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization

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


def test_key_material_in_any_shape_is_never_shown(tmp_path: Path) -> None:
    import base64

    issued = issue("leaf.example", "EC_prime256v1")
    pem = issued.key_pem("pkcs8").decode()
    der = issued.key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    b64 = base64.b64encode(der).decode()
    one_line = pem.replace("\n", "\\n")
    (tmp_path / "main.tf").write_text(
        f'resource "x" "inline" {{\n  private_key = "{one_line}"\n}}\n'
        f'resource "x" "b64" {{\n  private_key = base64decode("{b64}")\n}}\n'
    )
    (tmp_path / "key.der").write_bytes(der)
    (tmp_path / "raw.bin").write_bytes(b"\x00" + der)
    (tmp_path / "tls.key").write_text(pem)
    findings = [
        Finding("invalid_certificate_material", Severity.ERROR, "bad", Location(f, n, 3))
        for f, n in (("main.tf", 2), ("main.tf", 5), ("key.der", 1), ("raw.bin", 1), ("tls.key", 2))
    ]
    secrets = [b64[:24], b64[-24:], pem.splitlines()[1][:24], der[:16].hex()]
    for fmt in ("default", "sarif"):
        out = render(Report(findings=findings), fmt, root=str(tmp_path))
        for secret in secrets:
            assert secret not in out
    files_only = render(Report(findings=findings[2:]), "default", root=str(tmp_path))
    assert "     1: " not in files_only and "     2: " not in files_only  # no excerpt at all
    shown = render(Report(findings=findings[:2]), "default", root=str(tmp_path))
    assert '     2:   private_key = "[private key material not shown]' in shown
    assert 'base64decode("[private key material not shown]")' in shown


def test_a_long_line_is_shown_as_a_window_around_the_column(tmp_path: Path) -> None:
    """A minified template: only a bounded window around the flagged column, with ellipses."""
    far = "ab, " * 1500
    flagged = '"Certificates": [{"CertificateArn": "arn:flagged"}]'
    line = f'{{"Resources": {{"a": "{far}", {flagged}, "z": "{far}"}}}}'
    (tmp_path / "template.json").write_text(line + "\n")
    column = line.index('"CertificateArn"') + 1
    finding = Finding(
        "unresolved_certificate", Severity.NOTICE, "m", Location("template.json", 1, column)
    )
    out = render(Report(findings=[finding]), "default", root=str(tmp_path))
    (shown,) = [ln for ln in out.splitlines() if ln.startswith("     1: ")]
    assert '"CertificateArn": "arn:flagged"' in shown
    assert shown.startswith("     1: …") and shown.endswith("…")
    assert len(shown) < 200
    carets = out.splitlines()[out.splitlines().index(shown) + 1]
    assert shown[carets.index("^")] == '"'  # the caret still points at the flagged column


def test_plans_and_values_files_are_never_quoted(tmp_path: Path) -> None:
    """A one-line plan with a password, a tfvars file, a var file, a JSON file of data (read
    with file()): located, never quoted."""
    import json

    password = "hunter2-" + "p" * 12
    plan = {
        "format_version": "1.2",
        "planned_values": {
            "root_module": {
                "resources": [
                    {
                        "address": "aws_db_instance.db",
                        "values": {"password": password},
                        "sensitive_values": {"password": True},
                    }
                ]
            }
        },
    }
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    (tmp_path / "terraform.tfvars").write_text(f'db_password = "{password}"\n')
    (tmp_path / "ci.tfvars.json").write_text(json.dumps({"db_password": password}))
    (tmp_path / "secrets.json").write_text(json.dumps({"db_password": password}))
    (tmp_path / "main.tf").write_text(f'locals {{ shown = "{password}" }}\n')
    findings = [
        Finding("unresolved_certificate", Severity.NOTICE, "m", Location(f, 1, 1))
        for f in ("plan.json", "terraform.tfvars", "ci.tfvars.json", "secrets.json")
    ]
    for fmt in ("default", "sarif"):
        out = render(Report(findings=findings), fmt, root=str(tmp_path))
        assert password not in out and "hunter2" not in out
        assert "plan.json" in out and "terraform.tfvars" in out
    source = Finding("unresolved_certificate", Severity.NOTICE, "m", Location("main.tf", 1, 3))
    assert password in render(Report(findings=[source]), "default", root=str(tmp_path))
