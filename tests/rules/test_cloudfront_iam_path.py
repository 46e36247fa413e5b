"""cloudfront_iam_path: failing and passing cases."""

from fixtures.pki import issue
from linter.model import Delivery, Severity, Target
from tests.modelkit import bound, certificate, only, run

RULE = "cloudfront_iam_path"


def iam(path: str | None):
    cert = certificate(issue(), Delivery.IAM, address="aws_iam_server_certificate.cdn")
    cert.iam_path = path
    return cert


def test_default_path_fails_on_cloudfront() -> None:
    findings = only(run(bound(iam("/"), Target.CLOUDFRONT)), RULE)
    assert [f.severity for f in findings] == [Severity.ERROR]
    assert "/cloudfront/" in findings[0].message


def test_cloudfront_path_passes_and_other_targets_do_not_care() -> None:
    assert only(run(bound(iam("/cloudfront/app/"), Target.CLOUDFRONT)), RULE) == []
    assert only(run(bound(iam("/"), Target.ALB)), RULE) == []
    assert only(run(bound(iam(None), Target.CLOUDFRONT)), RULE) == []
