"""listener_missing_certificate: an HTTPS or TLS listener with no default certificate.

Elastic Load Balancing refuses it at deploy ("A certificate must be specified for HTTPS
listeners"); SNI certificates added with aws_lb_listener_certificate do not count as default.
"""

from __future__ import annotations

from collections.abc import Iterator

from linter.engine import RuleContext
from linter.model import Finding, Severity, Target

NAME = "listener_missing_certificate"
SEVERITY = Severity.ERROR
SUMMARY = "An HTTPS or TLS listener without a default certificate"


MISSING = {
    Target.ALB: "the deployment fails with 'A certificate must be specified for HTTPS listeners'",
    Target.NLB: "the deployment fails: a TLS listener needs a default certificate",
    Target.CLB: "the deployment fails: an HTTPS/SSL listener needs a certificate",
    Target.CLOUDFRONT: (
        "CloudFront refuses alternate domain names (CNAMEs) without a viewer certificate that "
        "covers them"
    ),
    Target.APIGATEWAY_REGIONAL: "a custom domain name needs a certificate",
    Target.APIGATEWAY_EDGE: "a custom domain name needs a certificate",
}


FIX_ATTRIBUTE = {
    Target.ALB: "certificate_arn (Terraform) or Certificates (CloudFormation)",
    Target.NLB: "certificate_arn (Terraform) or Certificates (CloudFormation)",
    Target.CLB: "ssl_certificate_id (Terraform aws_elb) or SSLCertificateId (CloudFormation)",
    Target.CLOUDFRONT: (
        "viewer_certificate's acm_certificate_arn or iam_certificate_id (Terraform) or "
        "ViewerCertificate's AcmCertificateArn or IamCertificateId (CloudFormation)"
    ),
    Target.APIGATEWAY_REGIONAL: (
        "regional_certificate_arn (Terraform) or RegionalCertificateArn (CloudFormation)"
    ),
    Target.APIGATEWAY_EDGE: "certificate_arn (Terraform) or CertificateArn (CloudFormation)",
}


def _article(word: str) -> str:
    return "an" if word[:1].upper() in "AEFHILMNORSX" else "a"


def check(ctx: RuleContext) -> Iterator[Finding]:
    for endpoint in ctx.model.endpoints:
        if not endpoint.certificate_required:
            continue
        if any(b.role == "default" for b in ctx.bindings_of(endpoint)):
            continue
        what = f"{endpoint.protocol} listener" if endpoint.protocol else "TLS endpoint"
        if endpoint.target in (Target.CLOUDFRONT,):
            what = "distribution with alternate domain names"
        elif endpoint.target in (Target.APIGATEWAY_REGIONAL, Target.APIGATEWAY_EDGE):
            what = "custom domain name"
        why = (
            MISSING.get(endpoint.target, "the deployment fails")
            if endpoint.target
            else ("the deployment fails")
        )
        attribute = (
            FIX_ATTRIBUTE.get(endpoint.target, "its certificate")
            if endpoint.target
            else ("its certificate")
        )
        yield Finding(
            NAME,
            SEVERITY,
            f"{endpoint.address} is {_article(what)} {what} with no default certificate; {why}. "
            f"Fix: set {attribute}.",
            endpoint.location,
            callers=endpoint.callers,
            details={
                "endpoint": endpoint.address,
                "target": endpoint.target.value if endpoint.target else None,
                "protocol": endpoint.protocol,
                "as_of": ctx.as_of.isoformat(),
            },
        )
