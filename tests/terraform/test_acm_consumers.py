"""Amplify, Transfer Family FTPS, AppSync, Cognito and Elastic Beanstalk in Terraform: each
binding judged against its own service's facts, at the attribute that makes it."""

from __future__ import annotations

import shutil
from pathlib import Path

from linter.model import Target
from tests.terraform.conftest import REPO, findings, load, where, write_tree


def test_fixture_tree_one_finding_per_consumer(tmp_path: Path) -> None:
    tree = tmp_path / "acm_consumers"
    shutil.copytree(REPO / "fixtures/terraform/acm_consumers", tree)
    model = load(tree)
    assert model.errors == []
    targets = {b.endpoint.address: b.endpoint.target for b in model.bindings}
    assert targets == {
        "aws_amplify_domain_association.site": Target.AMPLIFY,
        "aws_transfer_server.files": Target.TRANSFER_FTPS,
        "aws_appsync_domain_name.graphql": Target.CLOUDFRONT_BACKED,
        "aws_cognito_user_pool_domain.login": Target.CLOUDFRONT_BACKED,
        "aws_elastic_beanstalk_environment.web listener 443": Target.NLB,
        "aws_elastic_beanstalk_environment.legacy listener 443": Target.CLB,
    }
    assert [(s, r, line) for s, r, _f, line, _c in where(findings(model))] == [
        ("error", "unsupported_key_algorithm", 134),  # Amplify: no P-384
        ("error", "unsupported_key_algorithm", 145),  # Transfer FTPS: no RSA 3072
        ("warning", "unsupported_key_algorithm", 151),  # AppSync: CloudFront's rules, unconfirmed
        ("error", "certificate_region_mismatch", 158),  # Cognito: us-east-1 only
        ("error", "unsupported_key_algorithm", 173),  # Beanstalk NLB: no RSA 4096
        ("error", "unsupported_key_algorithm", 183),  # Beanstalk classic: no ACM EC
    ]


def test_what_is_not_served_is_not_judged(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path,
        {
            "main.tf": """
resource "aws_transfer_server" "sftp_only" {
  protocols   = ["SFTP"]
  certificate = "arn:aws:acm:eu-west-1:111122223333:certificate/unused"
}
resource "aws_amplify_domain_association" "managed" {
  app_id      = "d1"
  domain_name = "example.com"
  certificate_settings {
    type = "AMPLIFY_MANAGED"
  }
}
resource "aws_elastic_beanstalk_environment" "app" {
  name        = "app"
  application = "shop"
  setting {
    namespace = "aws:elasticbeanstalk:environment"
    name      = "LoadBalancerType"
    value     = "application"
  }
  setting {
    namespace = "aws:elbv2:listener:443"
    name      = "SSLPolicy"
    value     = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  }
  setting {
    namespace = "aws:elbv2:listener:443"
    name      = "SSLCertificateArns"
    value     = "arn:aws:acm:eu-west-1:111122223333:certificate/app"
  }
}
"""
        },
    )
    model = load(tree)
    [binding] = model.bindings
    assert binding.endpoint.target is Target.ALB
    assert binding.endpoint.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-2021-06"
    assert binding.location.line == 29


def test_private_api_gateway_domain_is_regional_not_edge(tmp_path: Path) -> None:
    """A PRIVATE domain's certificate_arn is a certificate in the API's region: judged as a
    private custom domain, never as an edge domain that needs us-east-1."""
    tree = write_tree(
        tmp_path,
        {
            "main.tf": """
provider "aws" {
  region = "eu-west-1"
}
resource "aws_api_gateway_domain_name" "internal" {
  domain_name     = "internal.example.com"
  certificate_arn = "arn:aws:acm:eu-west-1:111122223333:certificate/internal"
  endpoint_configuration {
    types = ["PRIVATE"]
  }
}
"""
        },
    )
    model = load(tree)
    [binding] = model.bindings
    assert binding.endpoint.target is Target.APIGATEWAY_PRIVATE
    assert [f.rule for f in findings(model)] == ["unresolved_certificate"]  # key unknown only


def test_a_beanstalk_certificate_setting_without_a_value_is_a_listener_without_one(
    tmp_path: Path,
) -> None:
    # found by fuzzing: this was an internal error (KeyError) that lost the resource
    tree = write_tree(
        tmp_path,
        {
            "main.tf": """
resource "aws_elastic_beanstalk_environment" "web" {
  name        = "web"
  application = "shop"
  setting {
    namespace = "aws:elbv2:listener:443"
    name      = "SSLCertificateArns"
  }
}
"""
        },
    )
    model = load(tree)
    assert model.errors == []
    assert [(s, r) for s, r, *_ in where(findings(model))] == [
        ("error", "listener_missing_certificate")
    ]
