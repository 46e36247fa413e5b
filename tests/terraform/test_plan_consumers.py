"""The resources of issue 13 in a `terraform show -json` plan: Kubernetes Services and
Ingresses, Transfer Family FTPS and private API Gateway domains, from planned values."""

from __future__ import annotations

import json
from pathlib import Path

from linter.engine import Settings, evaluate
from linter.model import Target
from linter.options import CertificateMapping, LoadOptions
from linter.terraform.plan import load_plan

ACM = "arn:aws:acm:eu-west-1:111122223333:certificate/"


def _resource(address: str, values: dict) -> dict:  # type: ignore[type-arg]
    rtype, name = address.split(".")
    return {"address": address, "mode": "managed", "type": rtype, "name": name, "values": values}


def test_plan_kubernetes_and_other_consumers(tmp_path: Path) -> None:
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "planned_values": {
            "root_module": {
                "resources": [
                    _resource(
                        "kubernetes_service_v1.partner",
                        {
                            "metadata": [
                                {
                                    "name": "partner",
                                    "annotations": {
                                        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": ACM
                                        + "rsa4096"
                                    },
                                }
                            ],
                            "spec": [
                                {
                                    "type": "LoadBalancer",
                                    "load_balancer_class": "service.k8s.aws/nlb",
                                }
                            ],
                        },
                    ),
                    _resource(
                        "aws_transfer_server.files",
                        {"protocols": ["FTPS"], "certificate": ACM + "rsa3072"},
                    ),
                    _resource(
                        "aws_amplify_domain_association.site",
                        {
                            "certificate_settings": [
                                {"type": "CUSTOM", "custom_certificate_arn": ACM + "site"}
                            ]
                        },
                    ),
                    _resource("aws_appsync_domain_name.graphql", {"certificate_arn": ACM + "g"}),
                    _resource(
                        "aws_elastic_beanstalk_environment.web",
                        {
                            "setting": [
                                {
                                    "namespace": "aws:elasticbeanstalk:environment",
                                    "name": "LoadBalancerType",
                                    "value": "network",
                                },
                                {
                                    "namespace": "aws:elbv2:listener:443",
                                    "name": "SSLCertificateArns",
                                    "value": ACM + "web",
                                },
                            ]
                        },
                    ),
                    _resource(
                        "aws_api_gateway_domain_name.internal",
                        {
                            "certificate_arn": ACM + "internal",
                            "endpoint_configuration": [{"types": ["PRIVATE"]}],
                        },
                    ),
                ]
            }
        },
        "resource_changes": [],
        "configuration": {"root_module": {"resources": []}},
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=1))
    options = LoadOptions.for_root(tmp_path)
    for name, algorithm in (("rsa4096", "RSA_4096"), ("rsa3072", "RSA_3072")):
        options.certificate_mappings[ACM + name] = CertificateMapping(
            ACM + name, key_algorithm=algorithm
        )
    model = load_plan(path, options)
    assert model.errors == []
    assert {b.endpoint.address: b.endpoint.target for b in model.bindings} == {
        "kubernetes_service_v1.partner": Target.NLB,
        "aws_transfer_server.files": Target.TRANSFER_FTPS,
        "aws_api_gateway_domain_name.internal": Target.APIGATEWAY_PRIVATE,
        "aws_amplify_domain_association.site": Target.AMPLIFY,
        "aws_appsync_domain_name.graphql": Target.CLOUDFRONT_BACKED,
        "aws_elastic_beanstalk_environment.web listener 443": Target.NLB,
    }
    errors = [f for f in evaluate(model, Settings()) if f.severity.value == "error"]
    assert sorted((f.rule, f.details["target"]) for f in errors) == [
        # the Amplify and AppSync certificates are in eu-west-1: both need us-east-1
        ("certificate_region_mismatch", "amplify"),
        ("certificate_region_mismatch", "cloudfront-backed"),
        ("unsupported_key_algorithm", "nlb"),
        ("unsupported_key_algorithm", "transfer-ftps"),
    ]
    assert all(f.location.line > 1 for f in errors)  # the resource's address in the plan
