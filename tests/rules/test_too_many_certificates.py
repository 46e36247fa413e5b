"""too_many_certificates: failing and passing cases."""

from linter.keys import key_info_from_acm_name
from linter.model import (
    Binding,
    Certificate,
    Delivery,
    Endpoint,
    KeySource,
    Location,
    Model,
    Severity,
    Target,
)
from tests.modelkit import only, run

RULE = "too_many_certificates"


def listener_with(n_sni: int) -> Model:
    ep = Endpoint("aws_lb_listener.https", Target.ALB, Location("main.tf", 1, 1), protocol="HTTPS")
    key = key_info_from_acm_name("RSA_2048", KeySource.ACM_DEFAULT)
    certs = [
        Certificate(
            f"aws_acm_certificate.site[{i}]",
            Delivery.ACM_REQUEST,
            Location("main.tf", 20, 1),
            key=key,
        )
        for i in range(n_sni + 1)
    ]
    bindings = [Binding(ep, certs[0], Location("main.tf", 4, 3))]
    bindings += [
        Binding(ep, c, Location("sni.tf", 3 + i, 3), role="additional")
        for i, c in enumerate(certs[1:])
    ]
    return Model(certs, [ep], bindings)


def test_26_additional_certificates_fail_at_the_26th() -> None:
    findings = only(run(listener_with(26)), RULE)
    assert [f.severity for f in findings] == [Severity.ERROR]
    assert findings[0].location == Location("sni.tf", 3 + 25, 3)
    assert findings[0].details["certificates"] == 26


def test_25_additional_certificates_pass() -> None:
    assert only(run(listener_with(25)), RULE) == []
