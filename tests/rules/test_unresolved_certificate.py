"""unresolved_certificate: unknown is a notice that says how to resolve it, never a fail."""

from linter.engine import Settings, evaluate
from linter.mappings import certificate_from_arn
from linter.model import Location, Severity, Target
from linter.options import CertificateMapping, LoadOptions
from tests.modelkit import bound, certificate, only, run

RULE = "unresolved_certificate"
ARN = "arn:aws:acm:us-east-1:123456789012:certificate/0d5a1b2c"


def test_unresolved_reference_is_a_notice_with_the_reason() -> None:
    findings = run(bound(None, Target.ALB, protocol="HTTPS"))
    assert [(f.rule, f.severity) for f in findings] == [(RULE, Severity.NOTICE)]
    assert "var.certificate_arn" in findings[0].message


def test_external_arn_without_mapping_says_how_to_map_it(tmp_path) -> None:
    opts = LoadOptions.for_root(tmp_path)
    cert = certificate_from_arn(ARN, Location("main.tf", 3, 3), opts)
    findings = run(bound(cert, Target.NLB))
    notices = only(findings, RULE)
    assert len(notices) == 1 and ".certfit.hcl" in notices[0].message
    assert [f.rule for f in findings] == [RULE]  # unknown is never a failure


def test_mapping_makes_the_key_known(tmp_path) -> None:
    opts = LoadOptions.for_root(
        tmp_path, certificate_mappings={ARN: CertificateMapping(ARN, key_algorithm="RSA_4096")}
    )
    cert = certificate_from_arn(ARN, Location("main.tf", 3, 3), opts)
    findings = evaluate(bound(cert, Target.NLB), Settings())
    assert only(findings, RULE) == []
    assert [f.rule for f in findings] == ["unsupported_key_algorithm"]


def test_unknown_endpoint_kind_is_a_notice() -> None:
    from fixtures.pki import issue

    findings = only(run(bound(certificate(issue()), None)), RULE)
    assert len(findings) == 1 and "kind of endpoint" in findings[0].message


def test_iam_certificate_mapped_by_name_keeps_its_iam_origin(tmp_path) -> None:
    arn = "arn:aws:iam::123456789012:server-certificate/legacy-cert"
    opts = LoadOptions.for_root(
        tmp_path, certificate_mappings={arn: CertificateMapping(arn, key_algorithm="RSA_4096")}
    )
    cert = certificate_from_arn("legacy-cert", Location("main.tf", 3, 3), opts)
    assert cert.delivery.value == "iam"
    findings = evaluate(bound(cert, Target.NLB), Settings())
    assert [f.details.get("checked_at_attach") for f in findings] == [False]
