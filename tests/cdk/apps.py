"""Real CDK apps (aws-cdk-lib, no mocks), one stack per construct family the Aspect must read.

Each builder takes the stack and the PEM directory; tests synthesize them once per session and
assert the annotations on construct paths.
"""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_apigatewayv2 as apigw2
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_elasticloadbalancing as elb
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_iam as iam

MAPPED_RSA4096_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/mapped-rsa-4096"
MAPPED_EC256_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/mapped-ec-256"
UNMAPPED_ARN = "arn:aws:acm:eu-west-1:123456789012:certificate/unmapped"
EDGE_EC384_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/edge-ec-384"
MAPPINGS = {
    MAPPED_RSA4096_ARN: "RSA_4096",
    MAPPED_EC256_ARN: "EC_prime256v1",
    EDGE_EC384_ARN: "EC_secp384r1",
}
ENV = cdk.Environment(account="123456789012", region="eu-west-1")


def _vpc(stack: cdk.Stack) -> ec2.IVpc:
    # A VPC without NAT gateways keeps the templates small.
    return ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)


def nlb_stack(app: cdk.App) -> cdk.Stack:
    """NLB TLS listener with an ACM-issued EC P-384 certificate (key_algorithm), plus
    listener.add_certificates with an ARN mapped to RSA 4096 and an unmapped one."""
    stack = cdk.Stack(app, "Nlb", env=ENV)
    vpc = _vpc(stack)
    lb = elbv2.NetworkLoadBalancer(stack, "LB", vpc=vpc)
    cert = acm.Certificate(
        stack, "Cert", domain_name="nlb.example.com", key_algorithm=acm.KeyAlgorithm.EC_SECP384_R1
    )
    group = elbv2.NetworkTargetGroup(
        stack, "Targets", vpc=vpc, port=443, target_type=elbv2.TargetType.IP
    )
    listener = lb.add_listener(
        "Tls",
        port=443,
        certificates=[elbv2.ListenerCertificate.from_certificate_manager(cert)],
        default_target_groups=[group],
    )
    listener.add_certificates(
        "Extra",
        [
            elbv2.ListenerCertificate.from_arn(MAPPED_RSA4096_ARN),
            elbv2.ListenerCertificate.from_arn(UNMAPPED_ARN),
        ],
    )
    return stack


def alb_stack(app: cdk.App, pem_dir: Path) -> cdk.Stack:
    """ALB HTTPS listener: default ACM certificate with the default key (RSA 2048),
    Certificate.from_certificate_arn (mapped EC P-256), and an IAM server certificate whose
    bodies the app reads from PEM files (an expired one). A nested stack holds an HTTP API
    domain with an unmapped certificate."""
    stack = cdk.Stack(app, "Alb", env=ENV)
    vpc = _vpc(stack)
    lb = elbv2.ApplicationLoadBalancer(stack, "LB", vpc=vpc)
    issued = acm.Certificate(stack, "Issued", domain_name="alb.example.com")
    imported = acm.Certificate.from_certificate_arn(stack, "Imported", MAPPED_EC256_ARN)
    server = iam.CfnServerCertificate(
        stack,
        "Expired",
        certificate_body=(pem_dir / "expired.crt.pem").read_text(),
        private_key=(pem_dir / "expired.key.pem").read_text(),
        path="/",
    )
    listener = lb.add_listener(
        "Https",
        port=443,
        certificates=[issued],
        default_action=elbv2.ListenerAction.fixed_response(200),
    )
    listener.add_certificates(
        "More",
        [
            elbv2.ListenerCertificate.from_certificate_manager(imported),
            elbv2.ListenerCertificate.from_arn(server.attr_arn),
        ],
    )
    # A nested stack has its own template; its resources are judged with it.
    inner = cdk.NestedStack(stack, "Inner")
    apigw2.DomainName(
        inner,
        "HttpDomain",
        domain_name="inner.example.com",
        certificate=acm.Certificate.from_certificate_arn(inner, "Unmapped", UNMAPPED_ARN),
    )
    return stack


def clb_stack(app: cdk.App, pem_dir: Path) -> cdk.Stack:
    """Classic LB: one HTTPS listener with an ACM ARN mapped to EC P-256 (Classic LB cannot
    serve ACM EC certificates), one SSL listener with an IAM EC P-256 certificate (accepted)."""
    stack = cdk.Stack(app, "Clb", env=ENV)
    vpc = _vpc(stack)
    server = iam.CfnServerCertificate(
        stack,
        "IamEc",
        certificate_body=(pem_dir / "ec256.crt.pem").read_text(),
        private_key=(pem_dir / "ec256.key.pem").read_text(),
    )
    lb = elb.LoadBalancer(stack, "LB", vpc=vpc, internet_facing=True)
    lb.add_listener(
        external_port=443,
        external_protocol=elb.LoadBalancingProtocol.HTTPS,
        internal_port=80,
        ssl_certificate_arn=MAPPED_EC256_ARN,
    )
    lb.add_listener(
        external_port=8443,
        external_protocol=elb.LoadBalancingProtocol.SSL,
        internal_port=80,
        ssl_certificate_arn=server.attr_arn,
    )
    return stack


def edge_stack(app: cdk.App) -> cdk.Stack:
    """us-east-1: CloudFront with an EC P-384 certificate (CloudFront takes P-256 only), an
    edge-optimized API Gateway domain with the same, a regional REST domain with a mapped
    RSA 4096 certificate (regional domains take at most 2048 bits), an HTTP API domain with
    an ACM-issued EC P-256 one."""
    stack = cdk.Stack(app, "Edge", env=cdk.Environment(account="123456789012", region="us-east-1"))
    ec384 = acm.Certificate(
        stack,
        "Ec384",
        domain_name="www.example.com",
        key_algorithm=acm.KeyAlgorithm.EC_SECP384_R1,
    )
    cloudfront.Distribution(
        stack,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.HttpOrigin("origin.example.com")
        ),
        domain_names=["www.example.com"],
        certificate=ec384,
    )
    apigw.DomainName(
        stack,
        "EdgeDomain",
        domain_name="api.example.com",
        certificate=acm.Certificate.from_certificate_arn(stack, "EdgeCert", EDGE_EC384_ARN),
        endpoint_type=apigw.EndpointType.EDGE,
    )
    apigw.DomainName(
        stack,
        "RegionalDomain",
        domain_name="regional.example.com",
        certificate=acm.Certificate.from_certificate_arn(stack, "Rsa4096", MAPPED_RSA4096_ARN),
        endpoint_type=apigw.EndpointType.REGIONAL,
    )
    apigw2.DomainName(
        stack,
        "HttpDomain",
        domain_name="http.example.com",
        certificate=acm.Certificate(
            stack,
            "HttpCert",
            domain_name="http.example.com",
            key_algorithm=acm.KeyAlgorithm.EC_PRIME256_V1,
        ),
    )
    return stack


def cross_stack(app: cdk.App) -> tuple[cdk.Stack, ...]:
    """A certificate in one stack used by others: a same-region reference (Fn::ImportValue) on
    an NLB, and a cross-region reference (the CDK's SSM-backed reader) on CloudFront."""
    east = cdk.Environment(account="123456789012", region="us-east-1")
    certs = cdk.Stack(app, "Certs", env=east, cross_region_references=True)
    cert = acm.Certificate(
        certs,
        "Shared",
        domain_name="shared.example.com",
        key_algorithm=acm.KeyAlgorithm.EC_SECP384_R1,
    )
    lb_stack = cdk.Stack(app, "SharedLb", env=east)
    vpc = _vpc(lb_stack)
    nlb = elbv2.NetworkLoadBalancer(lb_stack, "LB", vpc=vpc)
    nlb.add_listener(
        "Tls",
        port=443,
        certificates=[elbv2.ListenerCertificate.from_certificate_manager(cert)],
        default_target_groups=[
            elbv2.NetworkTargetGroup(
                lb_stack, "Targets", vpc=vpc, port=443, target_type=elbv2.TargetType.IP
            )
        ],
    )
    site = cdk.Stack(app, "Site", env=ENV, cross_region_references=True)
    cloudfront.Distribution(
        site,
        "Cdn",
        default_behavior=cloudfront.BehaviorOptions(
            origin=origins.HttpOrigin("origin.example.com")
        ),
        domain_names=["shared.example.com"],
        certificate=cert,
    )
    return certs, lb_stack, site


def l1_stack(app: cdk.App) -> cdk.Stack:
    """L1 constructs with a CfnParameter and CfnConditions: the listener's certificate is chosen
    by Fn::If on the parameter's default (prod: the mapped RSA 4096 ARN, which NLB refuses);
    a certificate whose Condition is false (it would ask ACM for RSA 4096) is left out."""
    stack = cdk.Stack(app, "L1", env=ENV)
    env = cdk.CfnParameter(stack, "Env", default="prod")
    cdk.CfnCondition(
        stack, "IsProd", expression=cdk.Fn.condition_equals(env.value_as_string, "prod")
    )
    chosen = cdk.Fn.condition_if("IsProd", MAPPED_RSA4096_ARN, UNMAPPED_ARN).to_string()
    elbv2.CfnListener(
        stack,
        "Tls",
        default_actions=[],
        port=443,
        protocol="TLS",
        load_balancer_arn="arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/x/y",
        certificates=[elbv2.CfnListener.CertificateProperty(certificate_arn=chosen)],
    )
    dev_only = acm.CfnCertificate(
        stack, "DevOnly", domain_name="dev.example.com", key_algorithm="RSA_4096"
    )
    dev_only.cfn_options.condition = cdk.CfnCondition(
        stack, "IsDev", expression=cdk.Fn.condition_equals(env.value_as_string, "dev")
    )
    return stack
