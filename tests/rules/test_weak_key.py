"""weak_key: failing and passing cases."""

from fixtures.pki import issue
from linter.model import Delivery, Severity, Target
from tests.modelkit import bound, certificate, only, run

RULE = "weak_key"


def test_rsa_1024_is_weak() -> None:
    findings = only(
        run(bound(certificate(issue(key_spec="RSA_1024"), Delivery.IAM), Target.ALB)), RULE
    )
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "Security Hub ACM.2" in findings[0].message
    # Reported where the configuration names the certificate; the PEM file is related.
    assert findings[0].location.file == "main.tf"
    assert "certs/app.pem" in [r.file for r in findings[0].related]


def test_rsa_2048_and_ec_are_not_weak() -> None:
    for spec in ("RSA_2048", "EC_prime256v1"):
        cert = certificate(issue(key_spec=spec), Delivery.IAM)
        assert only(run(bound(cert, Target.ALB)), RULE) == [], spec
