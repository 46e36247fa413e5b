"""Amplify, Transfer Family FTPS, AppSync, Cognito and Elastic Beanstalk in CloudFormation
(what cdk.out and the CDK Aspect read): the fixture template, judged."""

from __future__ import annotations

import shutil
from pathlib import Path

from linter.cloudformation import load_template
from linter.config import load_config
from linter.engine import Settings, evaluate
from linter.model import Target
from linter.options import LoadOptions

REPO = Path(__file__).resolve().parents[2]


def test_fixture_template_one_finding_per_consumer(tmp_path: Path) -> None:
    for name in ("acm_consumers.yaml", ".certfit.hcl"):
        shutil.copy(REPO / "fixtures/cloudformation" / name, tmp_path / name)
    options = LoadOptions.for_root(tmp_path)
    options.certificate_mappings.update(
        load_config(tmp_path / ".certfit.hcl", tmp_path).certificate_mappings
    )
    model = load_template(tmp_path / "acm_consumers.yaml", options)
    assert model.errors == []
    assert {b.endpoint.address: b.endpoint.target for b in model.bindings} == {
        "Site": Target.AMPLIFY,
        "Files": Target.TRANSFER_FTPS,
        "Graphql": Target.CLOUDFRONT_BACKED,
        "Login": Target.CLOUDFRONT_BACKED,
        "Web listener 443": Target.CLB,
        "Api listener 443": Target.ALB,
    }
    found = sorted(evaluate(model, Settings()), key=lambda f: f.sort_key())
    assert [(f.severity.value, f.rule, f.location.line) for f in found] == [
        ("error", "unsupported_key_algorithm", 18),  # Amplify: no P-384
        ("error", "unsupported_key_algorithm", 26),  # Transfer FTPS: no RSA 3072
        ("warning", "unsupported_key_algorithm", 36),  # AppSync: CloudFront's, unconfirmed
        ("error", "certificate_region_mismatch", 43),  # Cognito: us-east-1 only
        ("error", "unsupported_key_algorithm", 56),  # Beanstalk classic: no ACM EC
    ]


def test_private_domain_name_v2(tmp_path: Path) -> None:
    (tmp_path / "private.yaml").write_text(
        "Resources:\n"
        "  Cert:\n"
        "    Type: AWS::CertificateManager::Certificate\n"
        "    Properties:\n"
        "      DomainName: internal.example.com\n"
        "      KeyAlgorithm: EC_prime256v1\n"
        "  Domain:\n"
        "    Type: AWS::ApiGateway::DomainNameV2\n"
        "    Properties:\n"
        "      DomainName: internal.example.com\n"
        "      CertificateArn: !Ref Cert\n"
        "      EndpointConfiguration:\n"
        "        Types: [PRIVATE]\n"
    )
    model = load_template(tmp_path / "private.yaml", LoadOptions.for_root(tmp_path))
    [binding] = model.bindings
    assert binding.endpoint.target is Target.APIGATEWAY_PRIVATE
    [finding] = evaluate(model, Settings())
    # EC keys are not documented for API Gateway custom domains: a warning, at the attribute
    assert (finding.severity.value, finding.location.line) == ("warning", 11)
