"""Small builders for models in rule tests: real PEMs in, the shared model out."""

from __future__ import annotations

from datetime import date

from fixtures.pki import Issued
from linter.engine import Settings, evaluate
from linter.model import (
    Binding,
    Certificate,
    Delivery,
    Endpoint,
    Finding,
    KeyInfo,
    Location,
    Model,
    Pem,
    Target,
)

CERT_LOC = Location("main.tf", 1, 1)


def certificate(
    issued: Issued | None = None,
    delivery: Delivery = Delivery.ACM_IMPORT,
    *,
    key: KeyInfo | None = None,
    with_key: bool = True,
    chain: bytes | None = None,
    address: str = "aws_acm_certificate.app",
) -> Certificate:
    cert = Certificate(address, delivery, CERT_LOC, key=key)
    if issued is not None:
        cert.certificate_pem = Pem(issued.cert_pem, Location("certs/app.pem", 1, 1))
        if with_key:
            cert.private_key_pem = Pem(issued.key_pem(), Location("certs/app.key", 1, 1))
    if chain is not None:
        cert.chain_pem = Pem(chain, Location("certs/chain.pem", 1, 1))
    return cert


def bound(cert: Certificate | None, target: Target | None, **endpoint_kw: object) -> Model:
    """A model with one endpoint of `target` using `cert` (None: an unresolved reference)."""
    ep = Endpoint("aws_lb_listener.https", target, Location("main.tf", 10, 1), **endpoint_kw)  # type: ignore[arg-type]
    b = Binding(
        ep,
        cert,
        Location("main.tf", 12, 3),
        unresolved_reason=None if cert else "var.certificate_arn has no value",
    )
    return Model([cert] if cert else [], [ep], [b])


def run(model: Model, as_of: date | None = None, **kw: object) -> list[Finding]:
    return evaluate(model, Settings(as_of=as_of, **kw))  # type: ignore[arg-type]


def rules_of(findings: list[Finding]) -> list[str]:
    return [f.rule for f in findings]


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]
