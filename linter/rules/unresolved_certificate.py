"""unresolved_certificate: a binding whose certificate or key cannot be known statically.

Unknown is never a pass and never a fail: it is said, with what could not be resolved and how
to make it known (a tfvars file, a plan file, a mapping in .certfit.hcl). A notice by default;
`--fail-on-unresolved` makes it fail.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine import RuleContext
from linter.model import Finding, Severity
from linter.rules.common import related_of

NAME = "unresolved_certificate"
SEVERITY = Severity.NOTICE
SUMMARY = "A certificate binding whose key cannot be known statically"


def check(ctx: RuleContext) -> Iterator[Finding]:
    for b in ctx.model.bindings:
        endpoint = b.endpoint
        base = {"endpoint": endpoint.address, "as_of": ctx.as_of.isoformat()}
        if b.certificate is None:
            reason = b.unresolved_reason or "the certificate reference cannot be evaluated"
            yield Finding(
                NAME,
                SEVERITY,
                f"cannot tell which certificate {endpoint.address} uses: {reason}",
                b.location,
                related=related_of(None, b),
                callers=b.callers,
                details={**base, "reason": reason},
            )
            continue
        cert = b.certificate
        if endpoint.target is None:
            yield Finding(
                NAME,
                SEVERITY,
                f"cannot tell what kind of endpoint {endpoint.address} is, so "
                f"{cert.address} cannot be judged: "
                f"{endpoint.target_reason or 'set load_balancer_type or the protocol'}",
                b.location,
                related=related_of(cert, b),
                callers=b.callers,
                details={**base, "certificate": cert.address},
            )
        if ctx.key_of(cert) is None and not cert.problems and not cert.has_material:
            reason = cert.unknown_reason or "its key cannot be read from the configuration"
            yield Finding(
                NAME,
                SEVERITY,
                f"cannot tell the key of {cert.address} used by {endpoint.address}: {reason}",
                b.location,
                related=related_of(cert, b),
                callers=b.callers,
                details={**base, "certificate": cert.address, "reason": reason},
            )
    bound = {id(b.certificate) for b in ctx.model.bindings if b.certificate is not None}
    for cert in ctx.model.certificates:
        if id(cert) in bound or cert.problems or cert.has_material or ctx.key_of(cert):
            continue
        if cert.unknown_reason is None:
            continue
        yield Finding(
            NAME,
            SEVERITY,
            f"cannot tell the key of {cert.address}: {cert.unknown_reason}",
            cert.location,
            related=related_of(cert),
            callers=cert.callers,
            details={
                "certificate": cert.address,
                "reason": cert.unknown_reason,
                "as_of": ctx.as_of.isoformat(),
            },
        )
