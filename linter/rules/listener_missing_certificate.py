"""listener_missing_certificate: an HTTPS or TLS listener with no default certificate.

Elastic Load Balancing refuses it at deploy ("A certificate must be specified for HTTPS
listeners"); SNI certificates added with aws_lb_listener_certificate do not count as default.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine import RuleContext
from linter.model import Finding, Severity

NAME = "listener_missing_certificate"
SEVERITY = Severity.ERROR
SUMMARY = "An HTTPS or TLS listener without a default certificate"


def check(ctx: RuleContext) -> Iterator[Finding]:
    for endpoint in ctx.model.endpoints:
        if not endpoint.certificate_required:
            continue
        if any(b.role == "default" for b in ctx.bindings_of(endpoint)):
            continue
        proto = endpoint.protocol or "TLS"
        yield Finding(
            NAME,
            SEVERITY,
            f"{endpoint.address} is a {proto} listener with no default certificate; the "
            "deployment fails with 'A certificate must be specified for HTTPS listeners'. "
            "Fix: set the listener's certificate (certificate_arn, Certificates, "
            "ssl_certificate_id).",
            endpoint.location,
            callers=endpoint.callers,
            details={
                "endpoint": endpoint.address,
                "target": endpoint.target.value if endpoint.target else None,
                "protocol": endpoint.protocol,
                "as_of": ctx.as_of.isoformat(),
            },
        )
