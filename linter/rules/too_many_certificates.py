"""too_many_certificates: more than 25 certificates on one ALB or NLB listener.

Elastic Load Balancing allows up to 25 certificates per listener besides the default one;
the 26th fails with `TooManyCertificates`, often only when a for_each map grows.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine import RuleContext
from linter.model import Finding, Severity, Target

NAME = "too_many_certificates"
SEVERITY = Severity.ERROR
SUMMARY = "More than 25 certificates (besides the default) on one ALB or NLB listener"
LIMIT = 25


def check(ctx: RuleContext) -> Iterator[Finding]:
    for ep in ctx.model.endpoints:
        if ep.target not in (Target.ALB, Target.NLB):
            continue
        extra = [b for b in ctx.bindings_of(ep) if b.role == "additional"]
        certs = {id(b.certificate) if b.certificate else id(b) for b in extra}
        if len(certs) <= LIMIT:
            continue
        first_over = extra[LIMIT]
        yield Finding(
            NAME,
            SEVERITY,
            f"{ep.address} has {len(certs)} certificates besides its default one; a listener "
            f"takes at most {LIMIT} ('TooManyCertificates'). Fix: use fewer certificates (a "
            "certificate can cover many names), or split the hosts across listeners or load "
            "balancers.",
            first_over.location,
            related=(ep.location,),
            callers=first_over.callers,
            details={
                "endpoint": ep.address,
                "target": ep.target.value,
                "certificates": len(certs),
                "limit": LIMIT,
                "as_of": ctx.as_of.isoformat(),
            },
        )
