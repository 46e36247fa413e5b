"""invalid_certificate_material: failing and passing cases."""

import datetime as dt

from fixtures.pki import NOW, chain, issue, pem_bundle
from linter.model import Delivery, Location, MaterialProblem, Pem, Severity, Target
from tests.modelkit import bound, certificate, only, run

RULE = "invalid_certificate_material"


def test_clean_material_passes() -> None:
    leaf, inter, root = chain("RSA_2048")
    cert = certificate(leaf, Delivery.ACM_IMPORT, chain=pem_bundle(inter, root))
    assert only(run(bound(cert, Target.ALB)), RULE) == []


def test_front_end_problems_are_reported_where_they_were_written() -> None:
    cert = certificate(None, Delivery.ACM_IMPORT)
    where = Location("main.tf", 4, 22)
    cert.problems.append(MaterialProblem("'../../etc/passwd' is outside the project root", where))
    findings = only(run(bound(cert, Target.ALB)), RULE)
    assert [f.location for f in findings] == [where]
    assert "outside the project root" in findings[0].message


def test_expired_certificate_is_an_error() -> None:
    old = issue(not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=1))
    findings = only(run(bound(certificate(old), Target.ALB)), RULE)
    assert any("expired" in f.message and f.severity == Severity.ERROR for f in findings)


def test_key_size_limit_applies_to_acm_not_iam() -> None:
    big = issue(key_spec="RSA_8192")
    acm = only(run(bound(certificate(big, Delivery.ACM_IMPORT), Target.ALB)), RULE)
    iam = only(run(bound(certificate(big, Delivery.IAM), Target.ALB)), RULE)
    assert any("5120" in f.message for f in acm)
    assert not any("5120" in f.message for f in iam)


def test_mismatched_key_is_reported_on_the_certificate_with_the_key_file_related() -> None:
    cert = certificate(issue(), Delivery.IAM)
    other = issue(key_spec="RSA_2048", common_name="other.example.com", key=None)
    cert.private_key_pem = Pem(
        issue(key_spec="RSA_3072").key_pem(), Location("certs/other.key", 1, 1)
    )
    del other
    findings = only(run(bound(cert, Target.ALB)), RULE)
    assert [f.location.file for f in findings] == ["main.tf"]
    assert findings[0].related[0].file == "certs/other.key"
    assert "does not match" in findings[0].message


def test_chain_out_of_order_is_a_warning() -> None:
    leaf, inter, root = chain()
    cert = certificate(leaf, chain=pem_bundle(root, inter))
    findings = only(run(bound(cert, Target.ALB)), RULE)
    assert [f.severity for f in findings] == [Severity.WARNING]
