"""cloudfront_iam_path: an IAM server certificate on CloudFront not uploaded under /cloudfront/.

CloudFront lists only IAM server certificates whose path starts with `/cloudfront/`; one
uploaded with the default path `/` cannot be selected, and the distribution fails to deploy.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine import RuleContext
from linter.model import Delivery, Finding, Severity, Target
from linter.rules.common import related_of

NAME = "cloudfront_iam_path"
SEVERITY = Severity.ERROR
SUMMARY = "An IAM certificate used by CloudFront must be uploaded with a /cloudfront/ path"


def check(ctx: RuleContext) -> Iterator[Finding]:
    for b in ctx.model.bindings:
        cert = b.certificate
        if cert is None or b.endpoint.target != Target.CLOUDFRONT:
            continue
        if cert.delivery != Delivery.IAM or cert.iam_path is None:
            continue  # the path is not known: nothing to say about it
        if cert.iam_path.startswith("/cloudfront/"):
            continue
        yield Finding(
            NAME,
            SEVERITY,
            f"{cert.address} is uploaded to IAM with path '{cert.iam_path}', but CloudFront "
            "only uses IAM server certificates whose path starts with /cloudfront/. Fix: set "
            'path = "/cloudfront/" (Terraform) or Path: /cloudfront/ (CloudFormation); the '
            "certificate must be uploaded again.",
            b.location,
            related=related_of(cert, b),
            callers=b.callers,
            details={
                "certificate": cert.address,
                "endpoint": b.endpoint.address,
                "target": "cloudfront",
                "iam_path": cert.iam_path,
                "as_of": ctx.as_of.isoformat(),
            },
        )
