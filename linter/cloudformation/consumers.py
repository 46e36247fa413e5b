"""Other AWS services that take an ACM certificate, in CloudFormation (and so in `cdk.out`,
the Aspect and the plugin): Amplify Hosting custom domains, Transfer Family FTPS servers,
AppSync and Cognito custom domains (served through CloudFront) and Elastic Beanstalk
environments (whose load balancer's own rules apply). Only describes; the data judges.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING

from linter.cloudformation.intrinsics import Unknown
from linter.model import Target

if TYPE_CHECKING:
    from linter.cloudformation.resources import _Builder

AMPLIFY = "AWS::Amplify::Domain"
TRANSFER = "AWS::Transfer::Server"
APPSYNC = "AWS::AppSync::DomainName"
COGNITO = "AWS::Cognito::UserPoolDomain"
BEANSTALK = "AWS::ElasticBeanstalk::Environment"
APIGW_PRIVATE = "AWS::ApiGateway::DomainNameV2"  # custom domains of private REST APIs
CONSUMER_TYPES = frozenset({AMPLIFY, TRANSFER, APPSYNC, COGNITO, BEANSTALK, APIGW_PRIVATE})

_LISTENER_NS = re.compile(r"aws:(elbv2|elb):listener:(\w+)$")


def read(b: _Builder, lid: str) -> None:
    {
        AMPLIFY: amplify,
        TRANSFER: transfer,
        APPSYNC: appsync,
        COGNITO: cognito,
        BEANSTALK: beanstalk,
        APIGW_PRIVATE: apigateway_private,
    }[b.rtype(lid)](b, lid)


def apigateway_private(b: _Builder, lid: str) -> None:
    """`AWS::ApiGateway::DomainNameV2` `CertificateArn`: an ACM certificate in the API's
    region."""
    cert = b.value(lid, "CertificateArn")
    if cert is None:
        return
    policy = b.value(lid, "SecurityPolicy")
    ep = b.endpoint(
        lid,
        Target.APIGATEWAY_PRIVATE,
        f"{APIGW_PRIVATE} (private custom domain)",
        protocol="HTTPS",
        ssl_policy=policy if isinstance(policy, str) else None,
        certificate_required=False,
        region=b.source.region,
    )
    b.bind(ep, cert, b.loc(lid, "CertificateArn"), "CertificateArn")


def amplify(b: _Builder, lid: str) -> None:
    """`CertificateSettings: {CertificateType: CUSTOM, CustomCertificateArn}`."""
    kind = b.value(lid, "CertificateSettings", "CertificateType")
    arn = b.value(lid, "CertificateSettings", "CustomCertificateArn")
    if arn is None or (isinstance(kind, str) and kind.upper() != "CUSTOM"):
        return
    ep = b.endpoint(
        lid,
        Target.AMPLIFY,
        f"{AMPLIFY} CertificateType CUSTOM",
        protocol="HTTPS",
        certificate_required=False,
        region="us-east-1",
    )
    where = b.loc(lid, "CertificateSettings", "CustomCertificateArn")
    b.bind(ep, arn, where, "CertificateSettings.CustomCertificateArn")


def transfer(b: _Builder, lid: str) -> None:
    """`Certificate` is served only when `Protocols` has FTPS."""
    cert = b.value(lid, "Certificate")
    if cert is None:
        return
    protocols = b.value(lid, "Protocols")
    if isinstance(protocols, list) and not any(
        isinstance(p, str) and p.upper() == "FTPS" for p in protocols
    ):
        return
    reason = f"{TRANSFER} Protocols include FTPS"
    if protocols is None:
        reason = f"{TRANSFER} with a Certificate (Protocols default to SFTP: check FTPS is on)"
    elif isinstance(protocols, Unknown):
        reason = f"{TRANSFER} Protocols are not known ({protocols.reason})"
    ep = b.endpoint(lid, Target.TRANSFER_FTPS, reason, protocol="FTPS", region=b.source.region)
    b.bind(ep, cert, b.loc(lid, "Certificate"), "Certificate")


def _cloudfront_backed(b: _Builder, lid: str, *path: str) -> None:
    cert = b.value(lid, *path)
    if cert is None:
        return
    ep = b.endpoint(
        lid,
        Target.CLOUDFRONT_BACKED,
        f"{b.rtype(lid)} (served through CloudFront)",
        protocol="HTTPS",
        certificate_required=False,
        region="us-east-1",
    )
    b.bind(ep, cert, b.loc(lid, *path), ".".join(path))


def appsync(b: _Builder, lid: str) -> None:
    _cloudfront_backed(b, lid, "CertificateArn")


def cognito(b: _Builder, lid: str) -> None:
    _cloudfront_backed(b, lid, "CustomDomainConfig", "CertificateArn")


def beanstalk(b: _Builder, lid: str) -> None:
    """`OptionSettings`: `aws:elbv2:listener:<port>` `SSLCertificateArns` on the environment's
    `LoadBalancerType` (application or network), `aws:elb:listener:<port>` `SSLCertificateId`
    (or the legacy `aws:elb:loadbalancer` one) on a classic load balancer."""
    options = b.value(lid, "OptionSettings")
    if not isinstance(options, list):
        return
    items = [o if isinstance(o, Mapping) else {} for o in options]
    lb_target: Target | None = Target.CLB
    lb_reason = "no LoadBalancerType: classic, the option's default"
    policies: dict[str, str] = {}
    for o in items:
        ns, name, value = o.get("Namespace"), o.get("OptionName"), o.get("Value")
        if ns == "aws:elasticbeanstalk:environment" and name == "LoadBalancerType":
            if isinstance(value, str):
                lb_target = {
                    "application": Target.ALB,
                    "network": Target.NLB,
                    "classic": Target.CLB,
                }.get(value.lower())
                lb_reason = f"LoadBalancerType {value}"
            else:
                lb_target, lb_reason = None, "LoadBalancerType is not known before deploy"
        if name == "SSLPolicy" and isinstance(ns, str) and isinstance(value, str):
            policies[ns] = value
    for i, o in enumerate(items):
        ns, name = o.get("Namespace"), o.get("OptionName")
        if not isinstance(ns, str):
            continue
        m = _LISTENER_NS.match(ns)
        legacy = ns == "aws:elb:loadbalancer" and name == "SSLCertificateId"
        wanted = m is not None and (m.group(1), name) in (
            ("elbv2", "SSLCertificateArns"),
            ("elb", "SSLCertificateId"),
        )
        if not (legacy or wanted):
            continue
        target: Target | None
        if legacy or (m is not None and m.group(1) == "elb"):
            target, reason = Target.CLB, f"{ns} (classic load balancer)"
        else:
            target, reason = lb_target, f"{ns} on the environment's load balancer ({lb_reason})"
        port = m.group(2) if m is not None else "443"
        ep = b.endpoint(
            lid,
            target,
            reason,
            address=f"{b.address(lid)} listener {port}",
            protocol="HTTPS",
            ssl_policy=policies.get(ns),
            region=b.source.region,
        )
        b.bind(ep, o.get("Value"), b.loc(lid, "OptionSettings", i, "Value"), f"{ns} {name}")
