"""unsupported_key_algorithm: failing and passing cases, and the 2020 incident."""

import datetime as dt
import tomllib
from datetime import date

from fixtures.pki import NOW, issue
from linter import compat
from linter.engine import RuleContext, Settings
from linter.keys import key_info_from_acm_name, key_info_from_tls_private_key
from linter.model import Delivery, Finding, KeySource, Model, Severity, Target
from linter.rules import unsupported_key_algorithm
from tests.modelkit import bound, certificate, only, run

RULE = "unsupported_key_algorithm"
# Material valid in 2020 and today, so only the key decides.
LONG_LIVED = dict(not_before=NOW - dt.timedelta(days=3650), not_after=NOW + dt.timedelta(days=365))


def test_incident_2020_ec_p256_imported_into_acm_refused_by_alb() -> None:
    ec = issue(key_spec="EC_prime256v1", **LONG_LIVED)
    model = bound(certificate(ec, Delivery.ACM_IMPORT), Target.ALB, protocol="HTTPS")
    then = only(run(model, date(2020, 4, 13)), RULE)
    assert [f.severity for f in then] == [Severity.ERROR]
    msg = then[0].message
    assert "Application Load Balancer" in msg and "EC P-256" in msg and "IAM" in msg
    assert then[0].location.line == 12  # the attribute that makes the binding
    assert then[0].details["key_algorithm"] == "EC_prime256v1"
    assert then[0].details["as_of"] == "2020-04-13"
    assert only(run(model), RULE) == []  # today ALB takes it


def test_incident_fix_importing_into_iam_passed_in_2020() -> None:
    ec = issue(key_spec="EC_prime256v1", **LONG_LIVED)
    model = bound(
        certificate(ec, Delivery.IAM, address="aws_iam_server_certificate.app"),
        Target.ALB,
        protocol="HTTPS",
    )
    assert only(run(model, date(2020, 4, 13)), RULE) == []


def test_nlb_rejects_rsa4096_from_acm() -> None:
    cert = certificate(issue(key_spec="RSA_4096"), Delivery.ACM_IMPORT)
    findings = only(run(bound(cert, Target.NLB, protocol="TLS")), RULE)
    assert len(findings) == 1 and findings[0].severity == Severity.ERROR
    assert "Network Load Balancer" in findings[0].message
    assert "RSA_2048" in findings[0].details["accepted"]


def test_nlb_silently_breaks_with_rsa4096_from_iam() -> None:
    cert = certificate(issue(key_spec="RSA_4096"), Delivery.IAM)
    findings = only(run(bound(cert, Target.NLB, protocol="TLS")), RULE)
    assert len(findings) == 1
    assert findings[0].details["checked_at_attach"] is False
    assert "breaks later" in findings[0].message


def test_acm_cannot_import_ed25519_or_p224() -> None:
    for spec in ("ED25519", "EC_secp224r1"):
        cert = certificate(issue(key_spec=spec), Delivery.ACM_IMPORT)
        findings = only(run(bound(cert, Target.ALB)), RULE)
        assert any(
            f.details["target"] == "acm-import" and f.severity == Severity.ERROR for f in findings
        ), spec


def test_tls_private_key_p224_default_trap() -> None:
    key = key_info_from_tls_private_key("ECDSA")
    cert = certificate(None, Delivery.ACM_IMPORT, key=key)
    findings = only(run(bound(cert, Target.ALB)), RULE)
    assert any("P-224" in f.message for f in findings)


def test_acm_request_of_rsa4096_fails_before_deploy() -> None:
    key = key_info_from_acm_name("RSA_4096", KeySource.ACM_KEY_ALGORITHM)
    cert = certificate(None, Delivery.ACM_REQUEST, key=key)
    findings = only(run(bound(cert, Target.ALB)), RULE)
    assert [f.details["target"] for f in findings] == ["acm-request"]
    assert "cannot issue" in findings[0].message


def test_cloudfront_takes_only_p256_among_curves() -> None:
    for spec, bad in (("EC_prime256v1", False), ("EC_secp384r1", True), ("EC_secp521r1", True)):
        cert = certificate(issue(key_spec=spec), Delivery.ACM_IMPORT)
        assert bool(only(run(bound(cert, Target.CLOUDFRONT)), RULE)) is bad, spec


def test_classic_lb_acm_ec_rejected_iam_ec_accepted() -> None:
    ec = issue(key_spec="EC_prime256v1")
    acm = only(run(bound(certificate(ec, Delivery.ACM_IMPORT), Target.CLB)), RULE)
    assert len(acm) == 1 and "IAM" in acm[0].message
    assert only(run(bound(certificate(ec, Delivery.IAM), Target.CLB)), RULE) == []


def test_unconfirmed_is_a_warning_not_an_error() -> None:
    # edge-optimized API Gateway: its guide still says 2048 bits, CloudFront now takes 4096
    cert = certificate(issue(key_spec="RSA_3072"), Delivery.ACM_IMPORT)
    findings = only(run(bound(cert, Target.APIGATEWAY_EDGE)), RULE)
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert findings[0].details["confirmed"] is False


# A fact the data does not confirm (none of today's is): its refusals are warnings.
UNCONFIRMED_DATA = """
[meta]
checked = "2026-12-02"
[source.s]
title = "t"
url = "https://example.com/"
[[fact]]
target = "iam"
source = "any"
since = "2010-10-14"
accepted = ["RSA_2048", "RSA_4096"]
sources = ["s"]
fix = "Use an RSA 2048 key."
[[fact]]
target = "apigateway-regional"
source = "acm-imported"
since = "2017-11-02"
accepted = ["RSA_2048"]
sources = ["s"]
fix = "Use an RSA 2048 key."
[[fact]]
target = "apigateway-regional"
source = "iam"
since = "2017-11-02"
confirmed = false
accepted = []
sources = ["s"]
fix = "Import it into ACM."
"""


def _run_with(data_text: str, model: Model) -> list[Finding]:
    data = compat._parse(tomllib.loads(data_text))
    return list(unsupported_key_algorithm.check(RuleContext(model, Settings(), data)))


def test_acm_arn_of_unknown_origin_considers_imported_and_issued() -> None:
    p384 = key_info_from_acm_name("EC_secp384r1", KeySource.KEY_TYPES_FILTER)
    cert = certificate(None, Delivery.ACM_UNKNOWN, key=p384)
    findings = only(run(bound(cert, Target.CLB)), RULE)  # issued EC also refused by CLB
    assert [f.severity for f in findings] == [Severity.ERROR]
    rsa4096 = key_info_from_acm_name("RSA_4096", KeySource.KEY_TYPES_FILTER)
    # ACM cannot issue RSA 4096, so such a certificate was imported: NLB refuses it.
    nlb = only(run(bound(certificate(None, Delivery.ACM_UNKNOWN, key=rsa4096), Target.NLB)), RULE)
    assert [f.severity for f in nlb] == [Severity.ERROR]


def test_compatible_key_passes_everywhere() -> None:
    cert = certificate(issue(key_spec="RSA_2048"), Delivery.ACM_IMPORT)
    for target in (
        Target.ALB,
        Target.NLB,
        Target.CLB,
        Target.CLOUDFRONT,
        Target.APIGATEWAY_REGIONAL,
        Target.APIGATEWAY_EDGE,
    ):
        assert only(run(bound(cert, target)), RULE) == [], target


def test_key_known_but_service_unknown_is_never_a_silent_pass() -> None:
    p256 = key_info_from_acm_name("EC_prime256v1", KeySource.CONFIG_MAPPING)
    cert = certificate(None, Delivery.EXTERNAL, key=p256, address="imported-elsewhere")
    findings = only(run(bound(cert, Target.CLB)), RULE)  # ACM: refused; IAM: accepted
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "ACM" in findings[0].message and "IAM" in findings[0].message
    ed = key_info_from_tls_private_key("ED25519")
    refused = only(run(bound(certificate(None, Delivery.EXTERNAL, key=ed), Target.ALB)), RULE)
    assert [f.severity for f in refused] == [Severity.ERROR]


def test_no_data_is_a_notice_not_a_silent_pass() -> None:
    cert = certificate(issue(key_spec="RSA_2048", **LONG_LIVED), Delivery.ACM_IMPORT)
    findings = only(run(bound(cert, Target.NLB), date(2018, 1, 1)), RULE)  # before NLB TLS
    assert [(f.severity, f.details["verdict"]) for f in findings] == [(Severity.NOTICE, "no-data")]


def test_acm_import_before_acm_import_existed_is_a_notice() -> None:
    cert = certificate(issue(key_spec="RSA_2048", **LONG_LIVED), Delivery.ACM_IMPORT)
    findings = only(run(bound(cert, Target.ALB), date(2016, 5, 1)), RULE)
    assert ("acm-import", Severity.NOTICE) in [(f.details["target"], f.severity) for f in findings]


def test_unknown_origin_with_partial_data_is_not_judged_as_one_source() -> None:
    p384 = key_info_from_acm_name("EC_secp384r1", KeySource.CONFIG_MAPPING)
    cert = certificate(None, Delivery.EXTERNAL, key=p384, address="elsewhere")
    findings = only(run(bound(cert, Target.CLOUDFRONT), date(2016, 5, 1)), RULE)
    # IAM refuses, ACM import has no data yet: a warning naming both, not an error "from IAM".
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "no-data from ACM (imported)" in findings[0].message


def test_unconfirmed_refusal_says_probably() -> None:
    cert = certificate(issue(key_spec="RSA_2048"), Delivery.IAM)
    findings = _run_with(UNCONFIRMED_DATA, bound(cert, Target.APIGATEWAY_REGIONAL))
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "probably cannot use (unconfirmed)" in findings[0].message


def test_iam_certificate_on_api_gateway_is_a_confirmed_refusal() -> None:
    # CreateDomainName: "AWS Certificate Manager is the only supported source"
    cert = certificate(issue(key_spec="RSA_2048"), Delivery.IAM)
    for target in (Target.APIGATEWAY_REGIONAL, Target.APIGATEWAY_EDGE):
        findings = only(run(bound(cert, target)), RULE)
        assert [f.severity for f in findings] == [Severity.ERROR], target
        assert "cannot use" in findings[0].message and "probably" not in findings[0].message


def test_all_refusing_but_one_unconfirmed_stays_a_warning_without_one_sources_list() -> None:
    rsa4096 = key_info_from_acm_name("RSA_4096", KeySource.CONFIG_MAPPING)
    cert = certificate(None, Delivery.EXTERNAL, key=rsa4096, address="elsewhere")
    findings = _run_with(UNCONFIRMED_DATA, bound(cert, Target.APIGATEWAY_REGIONAL))
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "it accepts" not in findings[0].message
    # with today's data both refusals are confirmed: an error
    today = only(run(bound(cert, Target.APIGATEWAY_REGIONAL)), RULE)
    assert [f.severity for f in today] == [Severity.ERROR]


def test_alb_takes_an_acm_rsa_1024_certificate_and_weak_key_still_warns() -> None:
    # ACM import prerequisites: "Application Load Balancer supports all of the algorithms
    # available from ACM", RSA_1024 among them.
    cert = certificate(issue(key_spec="RSA_1024"), Delivery.ACM_IMPORT)
    findings = run(bound(cert, Target.ALB, protocol="HTTPS"))
    assert only(findings, RULE) == []
    [weak] = only(findings, "weak_key")
    assert weak.severity == Severity.WARNING


def test_no_data_notice_names_only_the_sources_without_data() -> None:
    p256 = key_info_from_acm_name("EC_prime256v1", KeySource.CONFIG_MAPPING)
    cert = certificate(None, Delivery.EXTERNAL, key=p256, address="elsewhere")
    findings = only(run(bound(cert, Target.CLB), date(2016, 5, 1)), RULE)
    # IAM takes it on a Classic LB; ACM import did not exist yet: a notice naming ACM only.
    assert [f.severity for f in findings] == [Severity.NOTICE]
    assert "ACM (imported)" in findings[0].message and "IAM" not in findings[0].message
