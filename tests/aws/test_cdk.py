"""The CDK Aspect with `aws=True`: an ARN the app only names is asked of AWS, so the synth that
would have carried an unusable certificate to an NLB fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixtures.pki import Issued
from tests.aws.conftest import REGION, import_acm

pytestmark = pytest.mark.cdk


def _edge_app(outdir: Path, arn: str):  # type: ignore[no-untyped-def]
    import aws_cdk as cdk
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk import aws_elasticloadbalancingv2 as elbv2

    from tests.cdk.conftest import new_app

    app = new_app(outdir)
    stack = cdk.Stack(app, "Edge", env=cdk.Environment(account="123456789012", region=REGION))
    vpc = ec2.Vpc(stack, "Vpc", max_azs=2, nat_gateways=0)
    lb = elbv2.NetworkLoadBalancer(stack, "LB", vpc=vpc)
    group = elbv2.NetworkTargetGroup(stack, "T", vpc=vpc, port=443, target_type=elbv2.TargetType.IP)
    lb.add_listener(
        "Tls",
        port=443,
        certificates=[elbv2.ListenerCertificate.from_arn(arn)],
        default_target_groups=[group],
    )
    return app


def test_aspect_with_aws_flags_an_imported_rsa4096_arn_on_an_nlb(
    tmp_path: Path, boto, rsa4096: Issued
) -> None:
    from cdk_aspect import CertFitChecks
    from tests.cdk.conftest import synthesize

    arn = import_acm(boto, rsa4096)

    plain = synthesize(_edge_app(tmp_path / "a", arn), CertFitChecks(config=False), tmp_path)
    (info,) = plain.at("Edge/LB/Tls/Resource", "info")
    assert "unresolved_certificate" in info
    assert plain.at("Edge/LB/Tls/Resource", "error") == []

    live = synthesize(
        _edge_app(tmp_path / "b", arn), CertFitChecks(config=False, aws=True), tmp_path
    )
    (error,) = live.at("Edge/LB/Tls/Resource", "error")
    assert "unsupported_key_algorithm" in error and "RSA 4096" in error
    assert live.at("Edge/LB/Tls/Resource", "info") == []
