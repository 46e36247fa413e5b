"""Other AWS services that take an ACM certificate, in Terraform: Amplify Hosting custom
domains, Transfer Family FTPS servers, AppSync and Cognito custom domains (served through
CloudFront) and Elastic Beanstalk environments (whose load balancer's own rules apply).

Each only says which endpoint uses which certificate; the data (`aws_compat.toml`) says what
the service accepts.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from linter.model import Target
from linter.terraform.evaluate import Unknown
from linter.terraform.modules import ResourceInstance

if TYPE_CHECKING:
    from linter.terraform.extract import Extractor

AMPLIFY = "aws_amplify_domain_association"
TRANSFER = "aws_transfer_server"
APPSYNC = "aws_appsync_domain_name"
COGNITO = "aws_cognito_user_pool_domain"
BEANSTALK = "aws_elastic_beanstalk_environment"
CONSUMER_TYPES = {AMPLIFY, TRANSFER, APPSYNC, COGNITO, BEANSTALK}

_LISTENER_NS = re.compile(r"aws:(elbv2|elb):listener:(\w+)$")


def read(ex: Extractor, inst: ResourceInstance) -> None:
    {
        AMPLIFY: amplify,
        TRANSFER: transfer,
        APPSYNC: cloudfront_backed,
        COGNITO: cloudfront_backed,
        BEANSTALK: beanstalk,
    }[inst.type](ex, inst)


def amplify(ex: Extractor, inst: ResourceInstance) -> None:
    """`certificate_settings { type = "CUSTOM", custom_certificate_arn = ... }`; the default
    (AMPLIFY_MANAGED) is Amplify's own certificate, nothing to judge."""
    blk = inst.block
    settings = blk.block("certificate_settings") if blk is not None else None
    if settings is None or "custom_certificate_arn" not in settings.attrs:
        return
    scope = inst.scope()
    kind = scope.eval_attr(settings.attrs["type"], inst.file) if "type" in settings.attrs else None
    if isinstance(kind, str) and kind.upper() != "CUSTOM":
        return
    attr = settings.attrs["custom_certificate_arn"]
    ep = ex._endpoint(
        inst,
        target=Target.AMPLIFY,
        protocol="HTTPS",
        certificate_required=False,
        target_reason=f"{AMPLIFY} certificate_settings type CUSTOM",
        region="us-east-1",
    )
    ex.bind(ep, inst, attr, scope.eval_attr(attr, inst.file), "default")


def transfer(ex: Extractor, inst: ResourceInstance) -> None:
    """`certificate` is used only when `protocols` has FTPS (then it is required)."""
    blk = inst.block
    if blk is None or "certificate" not in blk.attrs:
        return
    protocols = inst.attr("protocols")
    if isinstance(protocols, list) and not any(
        isinstance(p, str) and p.upper() == "FTPS" for p in protocols
    ):
        return  # SFTP/FTP only: the certificate is not served
    reason = f"{TRANSFER} protocols include FTPS"
    if protocols is None:
        reason = f"{TRANSFER} with a certificate (protocols default to SFTP: check FTPS is on)"
    elif not isinstance(protocols, list):
        reason = f"{TRANSFER} protocols are not known ({getattr(protocols, 'reason', '')})"
    ep = ex._endpoint(inst, target=Target.TRANSFER_FTPS, protocol="FTPS", target_reason=reason)
    ex.bind(ep, inst, blk.attrs["certificate"], inst.attr("certificate"), "default")


def cloudfront_backed(ex: Extractor, inst: ResourceInstance) -> None:
    """AppSync and Cognito custom domains: `certificate_arn`, served through CloudFront."""
    blk = inst.block
    if blk is None or "certificate_arn" not in blk.attrs:
        return
    ep = ex._endpoint(
        inst,
        target=Target.CLOUDFRONT_BACKED,
        protocol="HTTPS",
        certificate_required=False,
        target_reason=f"{inst.type} (served through CloudFront)",
        region="us-east-1",
    )
    ex.bind(ep, inst, blk.attrs["certificate_arn"], inst.attr("certificate_arn"), "default")


def _lb_type(settings: list[tuple[Any, Any, Any]]) -> tuple[Target | None, str]:
    for namespace, name, value in settings:
        if namespace == "aws:elasticbeanstalk:environment" and name == "LoadBalancerType":
            if isinstance(value, Unknown) or not isinstance(value, str):
                return None, "LoadBalancerType is not known before apply"
            target = {"application": Target.ALB, "network": Target.NLB, "classic": Target.CLB}
            return target.get(value.lower()), f"LoadBalancerType {value}"
    return Target.CLB, "no LoadBalancerType: classic, the option's default"


def beanstalk(ex: Extractor, inst: ResourceInstance) -> None:
    """`setting { namespace = "aws:elbv2:listener:443", name = "SSLCertificateArns" }` on an
    application or network load balancer, `aws:elb:listener:443` `SSLCertificateId` (or the
    legacy `aws:elb:loadbalancer` `SSLCertificateId`) on a classic one."""
    blk = inst.block
    if blk is None:
        return
    scope = inst.scope()
    settings: list[tuple[Any, Any, Any]] = []
    blocks = []
    for sblk in blk.all("setting"):
        ns = (
            scope.eval_attr(sblk.attrs["namespace"], inst.file)
            if "namespace" in sblk.attrs
            else None
        )
        name = scope.eval_attr(sblk.attrs["name"], inst.file) if "name" in sblk.attrs else None
        value = scope.eval_attr(sblk.attrs["value"], inst.file) if "value" in sblk.attrs else None
        settings.append((ns, name, value))
        blocks.append(sblk)
    lb_target, lb_reason = _lb_type(settings)
    policies = {
        ns: value
        for ns, name, value in settings
        if name == "SSLPolicy" and isinstance(ns, str) and isinstance(value, str)
    }
    for (ns, name, value), sblk in zip(settings, blocks, strict=True):
        if not isinstance(ns, str):
            continue
        m = _LISTENER_NS.match(ns)
        legacy = ns == "aws:elb:loadbalancer" and name == "SSLCertificateId"
        if not legacy and not (
            m
            and (m.group(1), name) in (("elbv2", "SSLCertificateArns"), ("elb", "SSLCertificateId"))
        ):
            continue
        target: Target | None
        if legacy or (m and m.group(1) == "elb"):
            target, reason = Target.CLB, f"{ns} (classic load balancer)"
        else:
            target, reason = lb_target, f"{ns} on the environment's load balancer ({lb_reason})"
        port = m.group(2) if m else "443"
        ep = ex._endpoint(
            inst,
            target=target,
            protocol="HTTPS",
            ssl_policy=policies.get(ns),
            target_reason=reason,
        )
        ep.address = f"{inst.address} listener {port}"
        if "value" in sblk.attrs:  # without one (Terraform refuses it) the listener has none
            ex.bind(ep, inst, sblk.attrs["value"], value, "default")
