"""weak_key: an RSA (or DSA) key under 2048 bits.

AWS Config's acm-certificate-rsa-check and Security Hub control ACM.2 flag these; ACM still
imports RSA 1024, so nothing stops them before an audit does.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine import RuleContext
from linter.model import Finding, Severity
from linter.rules.common import certificate_anchor, key_details, related_of

NAME = "weak_key"
SEVERITY = Severity.WARNING
SUMMARY = "RSA key under 2048 bits (AWS Config and Security Hub ACM.2 flag it)"
MIN_BITS = 2048


def check(ctx: RuleContext) -> Iterator[Finding]:
    for cert in ctx.certificates():
        key = ctx.key_of(cert)
        if key is None or key.family not in ("RSA", "RSA-PSS", "DSA") or key.size is None:
            continue
        if key.size >= MIN_BITS:
            continue
        yield Finding(
            rule=NAME,
            severity=SEVERITY,
            message=(
                f"{cert.address} has a weak {key.description} key; AWS Config "
                "(acm-certificate-rsa-check) and Security Hub ACM.2 flag RSA keys under "
                f"{MIN_BITS} bits. Fix: reissue with RSA 2048 or stronger, or ECDSA P-256."
            ),
            location=certificate_anchor(cert),
            related=related_of(cert),
            callers=cert.callers,
            details={
                "certificate": cert.address,
                "as_of": ctx.as_of.isoformat(),
                **key_details(key),
            },
        )
