"""ssl_policy_mismatch: failing and passing cases."""

from fixtures.pki import issue
from linter.model import Severity, Target
from tests.modelkit import bound, certificate, only, run

RULE = "ssl_policy_mismatch"
RSA_ONLY = frozenset({"ECDHE-RSA-AES128-GCM-SHA256", "AES128-SHA"})
ECDSA_ONLY = frozenset({"ECDHE-ECDSA-AES128-GCM-SHA256"})


def test_classic_custom_policy_without_ecdsa_cannot_serve_ec() -> None:
    model = bound(
        certificate(
            issue(key_spec="EC_prime256v1"),
        ),
        Target.CLB,
        ssl_policy="my-policy",
        cipher_suites=RSA_ONLY,
    )
    findings = only(run(model), RULE)
    assert [f.severity for f in findings] == [Severity.WARNING]
    assert "ECDHE-ECDSA" in findings[0].message


def test_classic_custom_policy_without_rsa_cannot_serve_rsa() -> None:
    model = bound(certificate(issue(key_spec="RSA_2048")), Target.CLB, cipher_suites=ECDSA_ONLY)
    assert len(only(run(model), RULE)) == 1


def test_matching_policies_pass() -> None:
    rsa = bound(certificate(issue(key_spec="RSA_2048")), Target.CLB, cipher_suites=RSA_ONLY)
    assert only(run(rsa), RULE) == []
    tls13 = bound(
        certificate(issue(key_spec="EC_prime256v1")),
        Target.ALB,
        ssl_policy="ELBSecurityPolicy-TLS13-1-3-2021-06",
    )
    assert only(run(tls13), RULE) == []


def test_cnsa2_policy_with_p256_is_an_unconfirmed_warning() -> None:
    model = bound(
        certificate(issue(key_spec="EC_prime256v1")),
        Target.ALB,
        ssl_policy="ELBSecurityPolicy-TLS13-1-3-CNSA2-INTEROP1-FIPS-PQ-2026-07",
    )
    findings = only(run(model), RULE)
    assert len(findings) == 1 and findings[0].details["confirmed"] is False
    p384 = bound(
        certificate(issue(key_spec="EC_secp384r1")),
        Target.ALB,
        ssl_policy="ELBSecurityPolicy-TLS13-1-3-CNSA2-INTEROP1-FIPS-PQ-2026-07",
    )
    assert only(run(p384), RULE) == []


def test_tls13_suites_serve_either_key_and_anonymous_suites_serve_none() -> None:
    tls13 = frozenset({"TLS_AES_128_GCM_SHA256", "ECDHE-RSA-AES128-GCM-SHA256"})
    ec = bound(certificate(issue(key_spec="EC_prime256v1")), Target.CLB, cipher_suites=tls13)
    assert only(run(ec), RULE) == []
    anon = frozenset({"ADH-AES128-SHA", "ECDHE-ECDSA-AES128-SHA"})
    rsa = bound(certificate(issue(key_spec="RSA_2048")), Target.CLB, cipher_suites=anon)
    assert len(only(run(rsa), RULE)) == 1


def test_rsa_psk_and_null_cipher_rsa_suites_authenticate_with_rsa() -> None:
    for suites in ({"RSA-PSK-AES128-GCM-SHA256"}, {"NULL-SHA"}, {"SRP-RSA-AES-128-CBC-SHA"}):
        rsa = bound(
            certificate(issue(key_spec="RSA_2048")), Target.CLB, cipher_suites=frozenset(suites)
        )
        assert only(run(rsa), RULE) == [], suites
    plain_psk = bound(
        certificate(issue(key_spec="RSA_2048")),
        Target.CLB,
        cipher_suites=frozenset({"PSK-AES128-CBC-SHA"}),
    )
    assert len(only(run(plain_psk), RULE)) == 1


def test_export_anonymous_and_static_ecdh_suites_do_not_serve_rsa() -> None:
    for suite in ("EXP-ADH-DES-CBC-SHA", "ECDH-RSA-AES128-SHA"):
        rsa = bound(
            certificate(issue(key_spec="RSA_2048")), Target.CLB, cipher_suites=frozenset({suite})
        )
        assert len(only(run(rsa), RULE)) == 1, suite
    ec = bound(
        certificate(issue(key_spec="EC_prime256v1")),
        Target.CLB,
        cipher_suites=frozenset({"ECDH-RSA-AES128-SHA"}),
    )
    assert only(run(ec), RULE) == []
