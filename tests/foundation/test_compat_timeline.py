"""The dated data reproduces every row of aws-facts.md's timeline and today's matrix."""

from datetime import date

import pytest

from linter.compat import Status, load

TODAY = date(2026, 11, 30)
D = load()


def status(target: str, source: str, key: str, as_of: date) -> Status:
    return D.verdict(target, source, key, as_of).status


# (as_of, target, source, key, expected): one or more checks per timeline row.
TIMELINE = [
    # 2018-05-30: ALB docs: ACM RSA 4096 / EC cannot be installed; IAM is the way.
    (date(2018, 6, 1), "alb", "acm-imported", "RSA_4096", Status.REJECTED),
    (date(2018, 6, 1), "alb", "acm-imported", "EC_prime256v1", Status.REJECTED),
    (date(2018, 6, 1), "alb", "iam", "EC_prime256v1", Status.ACCEPTED),
    (date(2018, 6, 1), "alb", "acm-imported", "RSA_2048", Status.ACCEPTED),
    # 2019-01-24: NLB TLS listeners launch: no RSA > 2048, no EC.
    (date(2019, 1, 23), "nlb", "acm-imported", "RSA_2048", Status.NO_DATA),
    (date(2019, 1, 24), "nlb", "acm-imported", "RSA_2048", Status.ACCEPTED),
    (date(2019, 1, 24), "nlb", "acm-imported", "RSA_3072", Status.REJECTED),
    (date(2019, 1, 24), "nlb", "acm-imported", "EC_prime256v1", Status.REJECTED),
    (date(2019, 1, 24), "nlb", "iam", "EC_prime256v1", Status.REJECTED),
    # 2020-04: the incident: ACM-imported EC unusable on ELB; IAM works (ALB, CLB).
    (date(2020, 4, 13), "alb", "acm-imported", "EC_prime256v1", Status.REJECTED),
    (date(2020, 4, 13), "alb", "iam", "EC_prime256v1", Status.ACCEPTED),
    (date(2020, 4, 13), "clb", "acm-imported", "EC_prime256v1", Status.REJECTED),
    (date(2020, 4, 13), "clb", "iam", "EC_prime256v1", Status.ACCEPTED),
    (date(2020, 4, 13), "nlb", "acm-imported", "RSA_4096", Status.REJECTED),
    # 2021-07-14: ALB accepts ACM RSA 3072/4096 and all ECDSA; CloudFront accepts P-256.
    (date(2021, 7, 13), "alb", "acm-imported", "RSA_4096", Status.REJECTED),
    (date(2021, 7, 14), "alb", "acm-imported", "RSA_4096", Status.ACCEPTED),
    (date(2021, 7, 14), "alb", "acm-imported", "RSA_3072", Status.ACCEPTED),
    (date(2021, 7, 14), "alb", "acm-imported", "EC_secp521r1", Status.ACCEPTED),
    (date(2021, 7, 13), "cloudfront", "acm-imported", "EC_prime256v1", Status.REJECTED),
    (date(2021, 7, 14), "cloudfront", "acm-imported", "EC_prime256v1", Status.ACCEPTED),
    (date(2021, 7, 14), "cloudfront", "acm-imported", "EC_secp384r1", Status.REJECTED),
    # 2022-10-08: ALB: no Ed25519 (and ACM cannot import it at all).
    (date(2022, 10, 8), "alb", "iam", "ED25519", Status.REJECTED),
    (date(2022, 10, 8), "acm-import", "any", "ED25519", Status.REJECTED),
    # 2022-11-08: ACM can issue EC_prime256v1 and EC_secp384r1.
    (date(2022, 11, 7), "acm-request", "any", "EC_prime256v1", Status.REJECTED),
    (date(2022, 11, 8), "acm-request", "any", "EC_prime256v1", Status.ACCEPTED),
    (date(2022, 11, 8), "acm-request", "any", "EC_secp384r1", Status.ACCEPTED),
    (date(2022, 11, 8), "acm-request", "any", "EC_secp521r1", Status.REJECTED),
    # 2024-01-19: NLB accepts ACM RSA 3072 and ECDSA; RSA 4096 still excluded.
    (date(2024, 1, 18), "nlb", "acm-imported", "EC_prime256v1", Status.REJECTED),
    (date(2024, 1, 19), "nlb", "acm-imported", "EC_prime256v1", Status.ACCEPTED),
    (date(2024, 1, 19), "nlb", "acm-imported", "RSA_3072", Status.ACCEPTED),
    (date(2024, 1, 19), "nlb", "acm-imported", "RSA_4096", Status.REJECTED),
    (date(2024, 1, 19), "nlb", "acm-issued", "EC_secp384r1", Status.ACCEPTED),
    # after 2023-03-31 (the last documented 2048-bit limit): CloudFront's RSA maximum goes
    # from 2048 to 4096 (date unknown, RSA 3072 maybe first): refused before, not known in
    # between, accepted as the docs were checked late 2026.
    (date(2022, 1, 1), "cloudfront", "acm-imported", "RSA_4096", Status.REJECTED),
    (date(2023, 3, 31), "cloudfront", "acm-imported", "RSA_4096", Status.REJECTED),
    (date(2023, 3, 31), "cloudfront", "acm-imported", "RSA_3072", Status.REJECTED),
    (date(2023, 4, 1), "cloudfront", "acm-imported", "RSA_3072", Status.UNCONFIRMED),
    (date(2023, 4, 1), "cloudfront", "acm-imported", "RSA_4096", Status.UNCONFIRMED),
    (date(2026, 11, 1), "cloudfront", "acm-imported", "RSA_4096", Status.ACCEPTED),
    # API Gateway takes ACM certificates only ("the only supported source", CreateDomainName).
    (date(2026, 11, 1), "apigateway-regional", "iam", "RSA_2048", Status.REJECTED),
    (date(2026, 11, 1), "apigateway-edge", "iam", "EC_prime256v1", Status.REJECTED),
    # ACM import: 2016-10-13 RSA 1024/2048 only; RSA 4096 and EC by 2017-12 (CLI/API);
    # RSA 3072 from 2021-07-14.
    (date(2016, 10, 12), "acm-import", "any", "RSA_2048", Status.NO_DATA),
    (date(2016, 10, 13), "acm-import", "any", "RSA_1024", Status.ACCEPTED),
    (date(2016, 10, 13), "acm-import", "any", "RSA_4096", Status.REJECTED),
    (date(2016, 10, 13), "acm-import", "any", "EC_prime256v1", Status.REJECTED),
    (date(2018, 1, 1), "acm-import", "any", "RSA_4096", Status.ACCEPTED),
    (date(2018, 1, 1), "acm-import", "any", "EC_secp521r1", Status.ACCEPTED),
    (date(2018, 1, 1), "acm-import", "any", "RSA_3072", Status.REJECTED),
    (date(2021, 7, 14), "acm-import", "any", "RSA_3072", Status.ACCEPTED),
    # The 2016 ALB/Classic LB facts: RSA 3072 could not be imported then, so it is refused,
    # not unconfirmed; on a Classic LB it is unconfirmed once ACM imports it.
    (date(2020, 4, 13), "alb", "acm-imported", "RSA_3072", Status.REJECTED),
    (date(2020, 4, 13), "clb", "acm-imported", "RSA_3072", Status.REJECTED),
    (date(2021, 7, 14), "clb", "acm-imported", "RSA_3072", Status.UNCONFIRMED),
]


@pytest.mark.parametrize(("as_of", "target", "source", "key", "expected"), TIMELINE)
def test_timeline_row(as_of: date, target: str, source: str, key: str, expected: Status) -> None:
    assert status(target, source, key, as_of) == expected


# Today's matrix (aws-facts.md, "Today").
TODAY_ROWS = [
    (
        "alb",
        "acm-imported",
        [
            "RSA_1024",  # "Application Load Balancer supports all of the algorithms ... from ACM"
            "RSA_2048",
            "RSA_3072",
            "RSA_4096",
            "EC_prime256v1",
            "EC_secp384r1",
            "EC_secp521r1",
        ],
        ["ED25519", "EC_secp224r1"],
    ),
    ("alb", "iam", ["RSA_4096", "EC_secp384r1"], ["ED25519"]),
    (
        "nlb",
        "acm-imported",
        ["RSA_1024", "RSA_2048", "RSA_3072", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"],
        ["RSA_4096"],
    ),
    ("nlb", "iam", ["RSA_3072", "EC_secp521r1"], ["RSA_4096"]),
    ("clb", "acm-imported", ["RSA_2048"], ["RSA_4096", "EC_prime256v1", "EC_secp384r1"]),
    ("clb", "acm-issued", ["RSA_2048"], ["EC_prime256v1"]),
    ("clb", "iam", ["RSA_4096", "EC_prime256v1"], []),
    (
        "cloudfront",
        "acm-imported",
        ["RSA_1024", "RSA_4096", "EC_prime256v1"],
        ["EC_secp384r1", "EC_secp521r1"],
    ),
    ("cloudfront", "acm-issued", ["RSA_2048", "EC_prime256v1"], ["EC_secp384r1"]),
    ("apigateway-regional", "acm-imported", ["RSA_2048"], ["RSA_3072", "RSA_4096"]),
    (
        "acm-import",
        "any",
        ["RSA_1024", "RSA_4096", "EC_secp521r1"],
        ["ED25519", "EC_secp224r1", "RSA_8192", "ED448", "DSA_2048", "EC_secp256k1"],
    ),
    (
        "acm-request",
        "any",
        ["RSA_2048", "EC_prime256v1", "EC_secp384r1"],
        ["RSA_4096", "RSA_3072", "EC_secp521r1"],
    ),
]


@pytest.mark.parametrize(("target", "source", "ok", "refused"), TODAY_ROWS)
def test_today_matrix(target: str, source: str, ok: list[str], refused: list[str]) -> None:
    for key in ok:
        assert status(target, source, key, TODAY) == Status.ACCEPTED, key
    for key in refused:
        assert status(target, source, key, TODAY) == Status.REJECTED, key


def test_unconfirmed_rows_are_marked_not_guessed() -> None:
    assert status("clb", "acm-imported", "RSA_3072", TODAY) == Status.UNCONFIRMED
    # IAM documents no upload limits: only RSA 4096 and EC are evidenced (Classic LB guide),
    # RSA 2048 by every service that takes IAM certificates; RSA 1024/3072 by none
    for key in ("RSA_1024", "RSA_3072"):
        assert status("iam", "any", key, TODAY) == Status.UNCONFIRMED, key
    for key in ("RSA_2048", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"):
        assert status("iam", "any", key, TODAY) == Status.ACCEPTED, key
    # NLB: the 2024-01-19 change is documented "via ACM"; the IAM side's date is not
    nlb_iam = D.verdict("nlb", "iam", "RSA_3072", TODAY).fact
    assert nlb_iam is not None and nlb_iam.date_confirmed is False
    nlb_acm = D.verdict("nlb", "acm-imported", "RSA_4096", TODAY).fact
    assert nlb_acm is not None and "no public source" in nlb_acm.note
    assert (
        status("apigateway-regional", "acm-imported", "EC_prime256v1", TODAY) == Status.UNCONFIRMED
    )
    assert status("apigateway-edge", "acm-imported", "RSA_4096", TODAY) == Status.UNCONFIRMED
    assert D.verdict("cloudfront", "acm-imported", "RSA_4096", TODAY).fact.date_confirmed is False  # type: ignore[union-attr]


def test_nlb_rsa4096_from_iam_is_silent() -> None:
    v = D.verdict("nlb", "iam", "RSA_4096", TODAY)
    assert v.status == Status.REJECTED and v.silent
    assert not D.verdict("nlb", "acm-imported", "RSA_4096", TODAY).silent


def test_every_fact_is_sourced_and_names_real_keys() -> None:
    known = {
        "RSA_1024",
        "RSA_2048",
        "RSA_3072",
        "RSA_4096",
        "EC_prime256v1",
        "EC_secp384r1",
        "EC_secp521r1",
    }
    for fact in D.facts:
        assert fact.sources, fact
        assert all(s.url.startswith("https://") for s in fact.sources)
        assert fact.accepted | fact.unconfirmed | fact.silent <= known, fact
        assert fact.fix, fact


RSA_KEYS = {"RSA_1024", "RSA_2048", "RSA_3072", "RSA_4096"}


@pytest.mark.parametrize(
    "name",
    [
        "ELBSecurityPolicy-TLS13-1-2-RFC9151-FIPS-2023-07",
        "ELBSecurityPolicy-TLS13-1-3-RFC9151-FIPS-2023-07",
        "ELBSecurityPolicy-TLS13-1-2-Ext0-RFC9151-FIPS-2023-07",
    ],
)
def test_strict_rfc9151_policies_need_p384_or_rsa_3072_4096_signed_sha384(name: str) -> None:
    p = D.policy(name, TODAY)
    assert p is not None and not p.confirmed  # s2n-tls's rfc9151; no source maps ELB onto it
    assert p.allowed == {"EC_secp384r1", "RSA_3072", "RSA_4096"}
    assert p.leaf_signature_hashes == {"sha384"}
    assert D.policy(name, date(2026, 8, 3)) is None  # launched 2026-08-04


@pytest.mark.parametrize(
    "name",
    [
        *(f"ELBSecurityPolicy-TLS13-1-2-RFC9151-INTEROP{n}-FIPS-2023-07" for n in (1, 2, 3, 4)),
        "ELBSecurityPolicy-TLS13-1-2-CNSA2-INTEROP3-FIPS-PQ-2026-07",
        "ELBSecurityPolicy-TLS13-1-2-Res-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-3-FIPS-PQ-2025-09",
        "ELBSecurityPolicy-TLS13-1-2-2021-06",
    ],
)
def test_interop_and_pq_policies_restrict_nothing(name: str) -> None:
    assert D.policy(name, TODAY) is None


def test_cnsa2_interop_policies_take_any_rsa_or_p384() -> None:
    for name in (
        "ELBSecurityPolicy-TLS13-1-3-CNSA2-INTEROP1-FIPS-PQ-2026-07",
        "ELBSecurityPolicy-TLS13-1-2-CNSA2-INTEROP2-FIPS-PQ-2026-07",
    ):
        p = D.policy(name, TODAY)
        assert p is not None and p.confirmed, name  # s2n-tls names these ELB policies
        assert p.allowed == RSA_KEYS | {"EC_secp384r1"}, name
        assert not p.leaf_signature_hashes
    interop2 = D.policy("ELBSecurityPolicy-TLS13-1-2-CNSA2-INTEROP2-FIPS-PQ-2026-07", TODAY)
    assert interop2 is not None and "TLS 1.3" in interop2.note and "TLS 1.2" in interop2.note
