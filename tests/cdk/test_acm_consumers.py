"""Amplify, Transfer Family, AppSync, Cognito, Beanstalk and private API Gateway domains in a CDK
app: the Aspect collects their L1 resources and judges them like cdk.out."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_amplify as amplify
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_appsync as appsync
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_elasticbeanstalk as beanstalk
from aws_cdk import aws_transfer as transfer

from cdk_aspect import CertFitChecks
from tests.cdk.conftest import new_app, synthesize


def test_each_consumer_is_judged_on_its_construct(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    stack = cdk.Stack(app, "Svc", env=cdk.Environment(account="111122223333", region="us-east-1"))

    def cert(name: str, algorithm: acm.KeyAlgorithm) -> str:
        c = acm.Certificate(
            stack, name, domain_name=f"{name.lower()}.example.com", key_algorithm=algorithm
        )
        return c.certificate_arn

    p384 = cert("P384", acm.KeyAlgorithm.EC_SECP384_R1)
    p256 = cert("P256", acm.KeyAlgorithm.EC_PRIME256_V1)
    amplify.CfnDomain(
        stack,
        "Site",
        app_id="d1",
        domain_name="site.example.com",
        sub_domain_settings=[
            amplify.CfnDomain.SubDomainSettingProperty(branch_name="main", prefix="")
        ],
        certificate_settings=amplify.CfnDomain.CertificateSettingsProperty(
            certificate_type="CUSTOM", custom_certificate_arn=p384
        ),
    )
    transfer.CfnServer(stack, "Files", protocols=["FTPS"], certificate=p384)
    appsync.CfnDomainName(stack, "Graphql", domain_name="g.example.com", certificate_arn=p384)
    cognito.CfnUserPoolDomain(
        stack,
        "Login",
        domain="login.example.com",
        user_pool_id="us-east-1_x",
        custom_domain_config=cognito.CfnUserPoolDomain.CustomDomainConfigTypeProperty(
            certificate_arn=p256
        ),
    )
    beanstalk.CfnEnvironment(
        stack,
        "Web",
        application_name="shop",
        option_settings=[
            beanstalk.CfnEnvironment.OptionSettingProperty(
                namespace="aws:elb:listener:443", option_name="SSLCertificateId", value=p256
            )
        ],
    )
    apigw.CfnDomainNameV2(stack, "Internal", domain_name="i.example.com", certificate_arn=p384)
    synth = synthesize(app, CertFitChecks(root=tmp_path, config=False), tmp_path / "cdk.out")
    assert len(synth.at("Svc/Site", "error")) == 1  # Amplify: no P-384
    assert synth.at("Svc/Files") == []  # Transfer FTPS takes P-384
    assert len(synth.at("Svc/Graphql", "warning")) == 1  # CloudFront's rules, unconfirmed
    assert synth.at("Svc/Login") == []  # P-256 in us-east-1
    assert len(synth.at("Svc/Web", "error")) == 1  # classic LB: no ACM EC
    assert len(synth.at("Svc/Internal", "warning")) == 1  # EC undocumented for API Gateway
