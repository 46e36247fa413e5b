"""ssl_policy_mismatch: failing and passing cases."""

from cryptography.hazmat.primitives import hashes

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


CNSA2_INTEROP1 = "ELBSecurityPolicy-TLS13-1-3-CNSA2-INTEROP1-FIPS-PQ-2026-07"
CNSA2_INTEROP2 = "ELBSecurityPolicy-TLS13-1-2-CNSA2-INTEROP2-FIPS-PQ-2026-07"
RFC9151 = "ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07"


def _on(policy: str, key_spec: str, **issue_kw: object) -> list:  # type: ignore[type-arg]
    cert = certificate(issue(key_spec=key_spec, **issue_kw))  # type: ignore[arg-type]
    return only(run(bound(cert, Target.ALB, ssl_policy=policy)), RULE)


def test_cnsa2_interop1_takes_any_rsa_or_p384_and_warns_for_p256() -> None:
    [finding] = _on(CNSA2_INTEROP1, "EC_prime256v1")
    assert finding.severity == Severity.WARNING and finding.details["confirmed"] is True
    assert "P-384" in finding.message
    for key in ("EC_secp384r1", "RSA_2048", "RSA_4096"):
        assert _on(CNSA2_INTEROP1, key) == [], key


def test_cnsa2_interop2_warns_for_p256_and_p521_under_tls13_only() -> None:
    for key in ("EC_prime256v1", "EC_secp521r1"):
        [finding] = _on(CNSA2_INTEROP2, key)
        assert "TLS 1.3" in finding.message and "TLS 1.2 clients can still connect" in (
            finding.message
        )
    assert _on(CNSA2_INTEROP2, "RSA_2048") == []


def test_interop_and_pq_policies_are_not_flagged() -> None:
    for policy in (
        "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP1-FIPS-2023-07",
        "ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP4-FIPS-2023-07",
        "ELBSecurityPolicy-TLS13-1-2-CNSA2-INTEROP3-FIPS-PQ-2026-07",
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
    ):
        assert _on(policy, "EC_prime256v1") == [], policy
        assert _on(policy, "RSA_2048") == [], policy


def test_strict_rfc9151_needs_p384_or_rsa_3072_4096_and_a_sha384_signature() -> None:
    [key] = _on(RFC9151, "RSA_2048")
    assert key.details["confirmed"] is False and "(unconfirmed)" in key.message
    assert _on(RFC9151, "EC_secp384r1", signing_hash=hashes.SHA384()) == []
    assert _on(RFC9151, "RSA_3072", signing_hash=hashes.SHA384()) == []
    [signature] = _on(RFC9151, "EC_secp384r1")  # signed with sha256
    assert "signed with sha256" in signature.message and "sha384" in signature.message
    assert signature.severity == Severity.WARNING


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
