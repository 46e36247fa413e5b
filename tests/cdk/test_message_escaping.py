"""The CDK prints certfit's annotations to the console, often a CI log: an ARN written in the
app cannot put a line of its own (a workflow command) there."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
import pytest
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from cdk_aspect import CertFitChecks
from tests.cdk.conftest import new_app, synthesize
from tests.reporters.workflow_commands import command_lines

pytestmark = pytest.mark.cdk

HOSTILE_ARN = "arn:aws:acm:us-east-1:123456789012:certificate/x\n::error::All good\x1b[2K"


def test_an_arn_with_a_newline_stays_on_the_annotation_line(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    stack = cdk.Stack(app, "Hostile", env=cdk.Environment(region="us-east-1"))
    nlb = elbv2.CfnLoadBalancer(stack, "Nlb", type="network")
    elbv2.CfnListener(
        stack,
        "Tls",
        load_balancer_arn=nlb.ref,
        protocol="TLS",
        port=443,
        default_actions=[{"type": "fixed-response"}],
        certificates=[elbv2.CfnListener.CertificateProperty(certificate_arn=HOSTILE_ARN)],
    )
    synth = synthesize(app, CertFitChecks(config=False), tmp_path)
    (info,) = synth.at("Hostile/Tls", "info")
    assert "\n" not in info and "\x1b" not in info
    assert "certificate/x\\n::error::All good\\x1b[2K" in info
    assert command_lines(info) == []
