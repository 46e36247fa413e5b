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
    # after 2023-06: CloudFront's RSA maximum goes from 2048 to 4096 (date unconfirmed):
    # refused before, not known in between, accepted as the docs were checked late 2026.
    (date(2022, 1, 1), "cloudfront", "acm-imported", "RSA_4096", Status.REJECTED),
    (date(2023, 7, 1), "cloudfront", "acm-imported", "RSA_4096", Status.UNCONFIRMED),
    (date(2026, 11, 1), "cloudfront", "acm-imported", "RSA_4096", Status.ACCEPTED),
    # API Gateway takes ACM certificates only.
    (date(2026, 11, 1), "apigateway-regional", "iam", "RSA_2048", Status.REJECTED),
]


@pytest.mark.parametrize(("as_of", "target", "source", "key", "expected"), TIMELINE)
def test_timeline_row(as_of: date, target: str, source: str, key: str, expected: Status) -> None:
    assert status(target, source, key, as_of) == expected


# Today's matrix (aws-facts.md, "Today").
TODAY_ROWS = [
    (
        "alb",
        "acm-imported",
        ["RSA_2048", "RSA_3072", "RSA_4096", "EC_prime256v1", "EC_secp384r1", "EC_secp521r1"],
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
    assert status("alb", "acm-imported", "RSA_1024", TODAY) == Status.UNCONFIRMED
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


def test_strict_2026_policies_are_unconfirmed() -> None:
    p = D.policy("ELBSecurityPolicy-TLS13-1-3-CNSA2-INTEROP1-FIPS-PQ-2026-07", TODAY)
    assert p is not None and not p.confirmed and p.allowed == {"EC_secp384r1"}
    assert D.policy("ELBSecurityPolicy-TLS13-1-2-2021-06", TODAY) is None
