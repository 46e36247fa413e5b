"""certificate_expiring: the certificate expires within the expiry window (30 days by default).

ACM never renews an imported certificate and IAM never renews anything, so an expiring imported
certificate is an outage on a date already known.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

from linter.engine import RuleContext
from linter.model import Finding, Severity
from linter.rules.common import certificate_anchor, related_of

NAME = "certificate_expiring"
SEVERITY = Severity.WARNING
SUMMARY = "The certificate expires within the expiry window (default 30 days)"


def check(ctx: RuleContext) -> Iterator[Finding]:
    now = ctx.settings.moment
    window = timedelta(days=ctx.settings.expiry_days)
    for cert in ctx.certificates():
        insp = ctx.inspection(cert)
        not_after = insp.not_after if insp is not None else None
        if not_after is None and not cert.renews:
            not_after = cert.not_after  # what ACM said, with --aws
        if not_after is None:
            continue
        left = not_after - now
        if left > window or (left < timedelta(0) and insp is not None):
            continue  # expired material: invalid_certificate_material says so
        verb = "expired" if left < timedelta(0) else "expires"
        yield Finding(
            rule=NAME,
            severity=SEVERITY,
            message=(
                f"{cert.address} {verb} on {not_after:%Y-%m-%d} ({left.days} days after "
                f"{ctx.as_of.isoformat()}); neither ACM (for imported certificates) nor IAM "
                "renews it. Fix: renew and re-import it, or request an ACM certificate that "
                "renews itself."
            ),
            location=certificate_anchor(cert),
            related=related_of(cert),
            callers=cert.callers,
            details={
                "certificate": cert.address,
                "not_after": not_after.isoformat(),
                "days_left": left.days,
                "expiry_days": ctx.settings.expiry_days,
                "as_of": ctx.as_of.isoformat(),
            },
        )
