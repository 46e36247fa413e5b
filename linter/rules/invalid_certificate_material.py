"""invalid_certificate_material: what ACM or IAM would refuse at import.

Unreadable or missing files, paths outside the project root, DER where PEM is needed, encrypted
or oversized keys, a key that is not the certificate's, a chain that does not link, a
certificate outside its validity window.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine import RuleContext
from linter.model import Delivery, Finding, Severity
from linter.rules.common import anchor, key_details, related_of

NAME = "invalid_certificate_material"
SEVERITY = Severity.ERROR
SUMMARY = "Certificate or key material that ACM or IAM would refuse at import"


def check(ctx: RuleContext) -> Iterator[Finding]:
    for cert in ctx.certificates():
        related = related_of(cert)
        for problem in cert.problems:
            yield Finding(
                rule=NAME,
                severity=SEVERITY,
                message=f"{cert.address}: {problem.message}",
                location=problem.location,
                related=related,
                callers=cert.callers,
                details={"certificate": cert.address, "delivery": cert.delivery.value},
            )
        insp = ctx.inspection(cert)
        if insp is None:
            continue
        for p in insp.problems:
            where = anchor(cert, p.location)
            service = {
                Delivery.ACM_IMPORT: "ACM refuses it at import",
                Delivery.IAM: "IAM refuses it at upload",
            }.get(cert.delivery, "ACM and IAM refuse it")
            if p.acm_only and cert.delivery == Delivery.IAM:
                continue
            severity = Severity.WARNING if p.severity_hint == "warning" else SEVERITY
            if p.acm_only:
                service = "ACM refuses it at import"
            yield Finding(
                rule=NAME,
                severity=severity,
                message=f"{cert.address}: {p.message} ({service})"
                if severity == Severity.ERROR
                else f"{cert.address}: {p.message}",
                location=where,
                related=(p.location, *related),
                callers=cert.callers,
                details={
                    "certificate": cert.address,
                    "delivery": cert.delivery.value,
                    "as_of": ctx.as_of.isoformat(),
                    **key_details(insp.key),
                },
            )
