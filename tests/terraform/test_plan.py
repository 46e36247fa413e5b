"""Plan JSON: the real terraform-compliance plans (format 0.1, Terraform 0.12) vendored under
tests/data (origin and licence in its README), and a format 1.x plan in the layout newer
Terraform writes."""

from __future__ import annotations

import json
from pathlib import Path

from fixtures import pki
from linter.model import Delivery, Target
from linter.options import LoadOptions
from linter.terraform.plan import is_plan_json, load_plan
from tests.terraform.conftest import findings

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "tests" / "data" / "terraform-plan"


def corpus_plan(name: str):  # type: ignore[no-untyped-def]
    path = CORPUS / f"terraform-compliance-{name}.plan.json"
    return load_plan(path, LoadOptions.for_root(CORPUS.parent.parent))


def test_every_corpus_file_is_recognised_as_a_plan() -> None:
    plans = sorted(CORPUS.glob("*.plan.json"))
    assert len(plans) == 4
    assert all(is_plan_json(p) for p in plans)
    assert not is_plan_json(REPO / "pyproject.toml")
    assert not is_plan_json(CORPUS / "LICENSE.terraform-compliance")


def test_classic_elb_with_a_literal_iam_certificate() -> None:
    model = corpus_plan("issue-126")
    [b] = model.bindings  # the port-80 http listener is not an endpoint
    assert b.endpoint.target is Target.CLB
    assert b.endpoint.protocol == "HTTPS"
    assert b.certificate is not None
    assert b.certificate.delivery is Delivery.IAM
    assert b.certificate.arn == "arn:aws:iam::123456789012:server-certificate/certName"
    [notice] = findings(model)
    assert notice.rule == "unresolved_certificate"
    assert notice.location.file == "data/terraform-plan/terraform-compliance-issue-126.plan.json"
    text = (CORPUS / "terraform-compliance-issue-126.plan.json").read_text()
    assert text[notice.location.column - 1 :].startswith('"address":"aws_elb.bar"')


def test_tcp_and_udp_listeners_need_no_certificate() -> None:
    model = corpus_plan("issue-171")
    assert model.endpoints == [] and model.bindings == [] and model.errors == []


def test_https_listener_inside_a_child_module() -> None:
    model = corpus_plan("issue-249-has")
    [b] = model.bindings
    assert b.endpoint.address == "module.alb.aws_alb_listener.alb"
    assert b.endpoint.target is Target.ALB
    assert b.endpoint.ssl_policy == "ELBSecurityPolicy-2016-08"
    assert b.certificate is not None and b.certificate.delivery is Delivery.ACM_UNKNOWN
    # the provider's region comes from var.aws_region, whose value the plan records
    assert b.endpoint.region == "us-east-1"


def test_requested_acm_certificate_defaults_to_rsa_2048() -> None:
    model = corpus_plan("issue-427")
    [cert] = model.certificates
    assert cert.delivery is Delivery.ACM_REQUEST
    assert cert.key is not None and cert.key.key_id == "RSA_2048"
    assert cert.region == "us-west-1"  # provider_config region constant


def _plan_v1(cert_pem: str, key_pem: str) -> dict:  # type: ignore[type-arg]
    """What Terraform 1.x writes for an imported certificate on an NLB TLS listener created in
    the same apply: the ARN is unknown, the configuration says where it comes from."""
    return {
        "format_version": "1.2",
        "terraform_version": "1.9.5",
        "planned_values": {
            "root_module": {
                "child_modules": [
                    {
                        "address": "module.edge",
                        "resources": [
                            {
                                "address": "module.edge.aws_acm_certificate.this",
                                "mode": "managed",
                                "type": "aws_acm_certificate",
                                "name": "this",
                                "values": {
                                    "certificate_body": cert_pem,
                                    "private_key": key_pem,
                                    "certificate_chain": None,
                                },
                                "sensitive_values": {},
                            },
                            {
                                "address": "module.edge.aws_lb.this",
                                "mode": "managed",
                                "type": "aws_lb",
                                "name": "this",
                                "values": {"load_balancer_type": "network"},
                            },
                            {
                                "address": "module.edge.aws_lb_listener.tls",
                                "mode": "managed",
                                "type": "aws_lb_listener",
                                "name": "tls",
                                "values": {"port": 443, "protocol": "TLS"},
                            },
                        ],
                    }
                ]
            }
        },
        "resource_changes": [
            {
                "address": "module.edge.aws_lb_listener.tls",
                "change": {
                    "actions": ["create"],
                    "after_unknown": {"certificate_arn": True, "load_balancer_arn": True},
                },
            }
        ],
        "resource_drift": [],
        "relevant_attributes": [],
        "configuration": {
            "root_module": {
                "module_calls": {
                    "edge": {
                        "source": "./modules/edge",
                        "module": {
                            "resources": [
                                {
                                    "address": "aws_lb_listener.tls",
                                    "mode": "managed",
                                    "type": "aws_lb_listener",
                                    "name": "tls",
                                    "expressions": {
                                        "certificate_arn": {
                                            "references": [
                                                "aws_acm_certificate.this.arn",
                                                "aws_acm_certificate.this",
                                            ]
                                        },
                                        "load_balancer_arn": {
                                            "references": ["aws_lb.this.arn", "aws_lb.this"]
                                        },
                                    },
                                }
                            ]
                        },
                    }
                }
            }
        },
        "checks": [],
        "timestamp": "2026-11-30T01:00:00Z",
    }


def test_format_1x_follows_unknown_arns_through_the_configuration(tmp_path: Path) -> None:
    issued = pki.issue("edge.example.com", "RSA_4096")
    plan = _plan_v1(issued.cert_pem.decode(), issued.key_pem().decode())
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=2))
    assert is_plan_json(path)
    model = load_plan(path, LoadOptions.for_root(tmp_path))
    [b] = model.bindings
    assert b.endpoint.target is Target.NLB
    assert b.certificate is not None
    assert b.certificate.address == "module.edge.aws_acm_certificate.this"
    assert b.certificate.certificate_pem is not None
    result = findings(model)
    assert [(f.rule, f.severity.value) for f in result] == [("unsupported_key_algorithm", "error")]
    assert result[0].location.file == "plan.json"
    line = path.read_text().splitlines()[result[0].location.line - 1]
    assert '"module.edge.aws_lb_listener.tls"' in line


def test_a_plan_that_is_not_json_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "plan.json"
    path.write_text('{"format_version": "1.2",\n  "planned_values": {,}\n}')
    model = load_plan(path, LoadOptions.for_root(tmp_path))
    [err] = model.errors
    assert err.location is not None and err.location.line == 2


def test_unknown_arns_are_followed_through_module_inputs_and_outputs(tmp_path: Path) -> None:
    """The certificate lives in module.certs, comes out as an output, goes into module.edge as
    an input; the listener only says var.certificate_arn."""
    issued = pki.issue("edge.example.com", "RSA_4096")
    plan = _plan_v1(issued.cert_pem.decode(), issued.key_pem().decode())
    edge = plan["planned_values"]["root_module"]["child_modules"][0]
    cert = edge["resources"].pop(0)
    cert["address"] = "module.certs.aws_acm_certificate.this"
    plan["planned_values"]["root_module"]["child_modules"].append(
        {"address": "module.certs", "resources": [cert]}
    )
    calls = plan["configuration"]["root_module"]["module_calls"]
    listener = calls["edge"]["module"]["resources"][0]
    listener["expressions"]["certificate_arn"] = {"references": ["var.certificate_arn"]}
    calls["edge"]["expressions"] = {
        "certificate_arn": {"references": ["module.certs.arn", "module.certs"]}
    }
    calls["certs"] = {
        "source": "./modules/certs",
        "module": {
            "outputs": {
                "arn": {
                    "expression": {
                        "references": ["aws_acm_certificate.this.arn", "aws_acm_certificate.this"]
                    }
                }
            },
            "resources": [],
        },
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan, indent=2))
    model = load_plan(path, LoadOptions.for_root(tmp_path))
    [b] = model.bindings
    assert b.certificate is not None
    assert b.certificate.address == "module.certs.aws_acm_certificate.this"
    assert [f.rule for f in findings(model)] == ["unsupported_key_algorithm"]


def test_values_the_plan_marks_sensitive_are_used_but_never_shown(tmp_path: Path) -> None:
    """`sensitive_values` / `after_sensitive` and variables: named by address, never shown."""
    secret_arn = "arn:aws:acm:eu-west-1:111111111111:certificate/sensitive-0123456789"
    listener = {
        "address": "aws_lb_listener.https",
        "mode": "managed",
        "type": "aws_lb_listener",
        "name": "https",
        "values": {"protocol": "HTTPS", "certificate_arn": secret_arn, "ssl_policy": None},
        "sensitive_values": {"certificate_arn": True},
    }
    other = {**listener, "address": "aws_lb_listener.other", "name": "other"}
    other = {**other, "sensitive_values": {}}
    plan = {
        "format_version": "1.2",
        "variables": {"region": {"value": "eu-west-1"}},
        "planned_values": {"root_module": {"resources": [listener, other]}},
        "resource_changes": [
            {"address": "aws_lb_listener.other", "change": {"after_sensitive": {
                "certificate_arn": True}}},
        ],
    }  # fmt: skip
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan))
    model = load_plan(path, LoadOptions.for_root(tmp_path))
    result = findings(model)
    assert {f.rule for f in result} == {"unresolved_certificate"}
    assert len(result) == 2
    for f in result:
        assert secret_arn not in f.message and secret_arn not in json.dumps(f.details)
        assert "sensitive-0123456789" not in f.message
    messages = " ".join(f.message for f in result)
    assert "`aws_lb_listener.https.certificate_arn`" in messages
    assert "`aws_lb_listener.other.certificate_arn`" in messages
