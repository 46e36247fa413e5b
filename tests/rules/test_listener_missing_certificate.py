"""listener_missing_certificate: failing and passing cases."""

from fixtures.pki import issue
from linter.model import Binding, Endpoint, Location, Model, Severity, Target
from tests.modelkit import bound, certificate, only, run

RULE = "listener_missing_certificate"


def test_https_listener_without_certificate_fails() -> None:
    ep = Endpoint("aws_lb_listener.https", Target.ALB, Location("main.tf", 5, 1), protocol="HTTPS")
    findings = only(run(Model(endpoints=[ep])), RULE)
    assert [f.severity for f in findings] == [Severity.ERROR]
    assert findings[0].location.line == 5


def test_sni_only_is_still_missing_the_default() -> None:
    ep = Endpoint("aws_lb_listener.tls", Target.NLB, Location("main.tf", 5, 1), protocol="TLS")
    cert = certificate(issue())
    model = Model([cert], [ep], [Binding(ep, cert, Location("main.tf", 20, 3), role="additional")])
    assert len(only(run(model), RULE)) == 1


def test_listener_with_a_certificate_or_an_unresolved_one_passes() -> None:
    assert only(run(bound(certificate(issue()), Target.ALB, protocol="HTTPS")), RULE) == []
    assert only(run(bound(None, Target.ALB, protocol="HTTPS")), RULE) == []


def test_message_names_what_the_target_needs() -> None:
    cf = Endpoint("aws_cloudfront_distribution.cdn", Target.CLOUDFRONT, Location("cdn.tf", 1, 1))
    (finding,) = only(run(Model(endpoints=[cf])), RULE)
    assert "alternate domain names" in finding.message and "HTTPS listeners" not in finding.message
    nlb = Endpoint("aws_lb_listener.tls", Target.NLB, Location("main.tf", 5, 1), protocol="TLS")
    (finding,) = only(run(Model(endpoints=[nlb])), RULE)
    assert "a TLS listener" in finding.message
