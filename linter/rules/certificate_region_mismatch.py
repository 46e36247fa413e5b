"""certificate_region_mismatch: an ACM certificate in a region the endpoint cannot reach.

CloudFront and edge-optimized API Gateway domains use ACM certificates from us-east-1 only;
load balancers and regional API Gateway domains use certificates from their own region. The
deploy fails with `CertificateNotFound` or an invalid viewer certificate. Judged only where both
regions are known (from the ARN, the provider or the stack environment).
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine import RuleContext
from linter.model import Delivery, Finding, Severity, Target
from linter.rules.common import related_of, target_label

NAME = "certificate_region_mismatch"
SEVERITY = Severity.ERROR
SUMMARY = "An ACM certificate in a region the endpoint cannot use (CloudFront needs us-east-1)"

GLOBAL_TARGETS = {
    Target.CLOUDFRONT,
    Target.APIGATEWAY_EDGE,
    Target.AMPLIFY,  # Amplify Hosting custom certificates: ACM in us-east-1
    Target.CLOUDFRONT_BACKED,  # AppSync and Cognito custom domains: ACM in us-east-1
}
ACM = {Delivery.ACM_IMPORT, Delivery.ACM_REQUEST, Delivery.ACM_UNKNOWN}


def check(ctx: RuleContext) -> Iterator[Finding]:
    for b in ctx.model.bindings:
        cert, ep = b.certificate, b.endpoint
        if cert is None or ep.target is None or cert.delivery not in ACM or not cert.region:
            continue
        needed = "us-east-1" if ep.target in GLOBAL_TARGETS else ep.region
        if not needed or needed == cert.region:
            continue
        why = (
            f"{target_label(ep.target.value)} uses ACM certificates from us-east-1 only"
            if ep.target in GLOBAL_TARGETS
            else f"{target_label(ep.target.value)} in {needed} uses ACM certificates from "
            f"{needed} only ('CertificateNotFound')"
        )
        yield Finding(
            NAME,
            SEVERITY,
            f"{cert.address} is an ACM certificate in {cert.region}, but {why}. Fix: "
            f"request or import the certificate in {needed} (in Terraform, with a provider "
            f"alias for {needed}).",
            b.location,
            related=related_of(cert, b),
            callers=b.callers,
            details={
                "certificate": cert.address,
                "endpoint": ep.address,
                "target": ep.target.value,
                "certificate_region": cert.region,
                "required_region": needed,
                "as_of": ctx.as_of.isoformat(),
            },
        )
