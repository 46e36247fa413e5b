"""A report with several findings of every severity, shared by the golden tests.

Hand-built findings keep the golden files deterministic (no dates, no absolute paths); the
end-to-end tests in tests/cli run real PEMs through the engine.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from linter.model import Finding, InputError, Location, Severity
from linter.report import Report

LINK = "https://github.com/certfit/certfit/blob/main/docs/rules/{}.md"

MAIN_TF = """\
resource "aws_acm_certificate" "imported" {
  private_key      = file("certs/ec.key")
  certificate_body = file("certs/ec.pem")
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn
  port              = 443
  protocol          = "HTTPS"
  certificate_arn   = aws_acm_certificate.imported.arn
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
}

resource "aws_lb_listener" "tls" {
  protocol        = "TLS"
  certificate_arn = var.external_arn
}
"""

TEMPLATE_YAML = """\
Resources:
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      Protocol: HTTPS
      Certificates:
        - CertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc
"""


def sample_report() -> Report:
    findings = [
        Finding(
            rule="unsupported_key_algorithm",
            severity=Severity.ERROR,
            message=(
                "Certificate aws_acm_certificate.imported has an EC P-256 key; an ALB did not "
                "accept imported EC certificates as of 2020-04-13"
            ),
            location=Location("main.tf", 10, 3, 10, 56),
            link=LINK.format("unsupported_key_algorithm"),
            related=(Location("main.tf", 1, 1, 4, 2), Location("certs/ec.pem", 1, 1)),
            details={
                "target": "alb",
                "key_algorithm": "EC_prime256v1",
                "key": "EC P-256",
                "as_of": "2020-04-13",
                "fix": "Use an RSA 2048 key, or import the certificate after 2020-10-13.",
            },
        ),
        Finding(
            rule="certificate_expiring",
            severity=Severity.WARNING,
            message="Certificate certs/ec.pem expires on 2020-05-01, in 18 days (window: 30)",
            location=Location("main.tf", 3, 3, 3, 50),
            link=LINK.format("certificate_expiring"),
            details={"not_after": "2020-05-01", "days_left": 18},
        ),
        Finding(
            rule="unresolved_certificate",
            severity=Severity.NOTICE,
            message=(
                "The certificate behind var.external_arn is not known: give it a value with "
                '--var-file, or map the ARN in .certfit.hcl with certificate "ARN" { ... }'
            ),
            location=Location("main.tf", 16, 3, 16, 36),
            link=LINK.format("unresolved_certificate"),
            callers=(Location("envs/prod/main.tf", 4, 1, 4, 20),),
            details={"target": "nlb"},
        ),
        Finding(
            rule="weak_key",
            severity=Severity.WARNING,
            message="Key 100% weak: RSA 1024, a,b:c\nsecond line",
            location=Location("template.yaml", 6, 7, 6, 19, construct_path="App/Stack/Listener"),
            link=LINK.format("weak_key"),
            details={"key": "RSA 1024"},
        ),
    ]
    errors = [
        InputError(
            summary="Unclosed configuration block",
            message="There is no closing brace for this block",
            location=Location("broken.tf", 2, 1),
        ),
        InputError(summary="No input", message="Directory empty/ holds no .tf files"),
    ]
    return Report(findings=findings, errors=errors, as_of=date(2020, 4, 13), root=".")


@pytest.fixture
def report() -> Report:
    return sample_report()


@pytest.fixture
def source_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The files the sample findings point at, for the excerpts of the default format."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    (tmp_path / "main.tf").write_text(MAIN_TF)
    (tmp_path / "template.yaml").write_text(TEMPLATE_YAML)
    return tmp_path
