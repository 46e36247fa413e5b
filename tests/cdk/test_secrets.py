"""The Aspect keeps a NoEcho parameter's default out of its messages and its report, as the
CloudFormation front end does (docs/security.md, "Secrets and tainted values")."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_elasticloadbalancingv2 as elbv2

from cdk_aspect import CertFitChecks
from tests.cdk.conftest import new_app, synthesize

SECRET = "CANARY-noecho-7d1f2a9c"


def test_a_noecho_parameter_default_is_never_shown(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    stack = cdk.Stack(
        app, "Secret", env=cdk.Environment(account="123456789012", region="eu-west-1")
    )
    hidden = cdk.CfnParameter(stack, "Hidden", default=SECRET, no_echo=True)
    elbv2.CfnListener(
        stack,
        "Tls",
        default_actions=[],
        port=443,
        protocol="TLS",
        load_balancer_arn="arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/net/x/y",
        certificates=[
            elbv2.CfnListener.CertificateProperty(
                certificate_arn=cdk.Fn.join(
                    "", ["arn:aws:acm:eu-west-1:1:certificate/", hidden.value_as_string]
                )
            )
        ],
    )
    synth = synthesize(app, CertFitChecks(), tmp_path / "cdk.out")
    messages = synth.at("Secret/Tls")
    assert messages and all("not shown" in m for m in messages), messages
    assert all(SECRET not in m for m in messages)
    for report in (tmp_path / "cdk.out").rglob("certfit-report.json"):
        assert SECRET not in report.read_text()
