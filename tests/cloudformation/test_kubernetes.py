"""Custom::AWSCDK-EKS-KubernetesResource in a plain template: the Manifest JSON string, with
`Ref`s to certificates inside an Fn::Join, and what is said when it cannot be read."""

from __future__ import annotations

import json
from pathlib import Path

from linter.cloudformation import load_template
from linter.engine import Settings, evaluate
from linter.model import Target
from linter.options import LoadOptions

K8S = "Custom::AWSCDK-EKS-KubernetesResource"


def _service(cert: object, lb_type: str = "external") -> dict[str, object]:
    manifest_head = json.dumps(
        [
            {
                "apiVersion": "v1",
                "kind": "Service",
                "metadata": {
                    "name": "api",
                    "annotations": {
                        "service.beta.kubernetes.io/aws-load-balancer-type": lb_type,
                        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": "CUT",
                    },
                },
                "spec": {"type": "LoadBalancer"},
            }
        ]
    )
    before, after = manifest_head.split("CUT")
    return {"Type": K8S, "Properties": {"Manifest": {"Fn::Join": ["", [before, cert, after]]}}}


def _load(tmp_path: Path, resources: dict[str, object]) -> object:
    path = tmp_path / "stack.json"
    path.write_text(json.dumps({"Resources": resources}, indent=1))
    return load_template(path, LoadOptions.for_root(tmp_path))


def test_ref_inside_the_manifest_is_followed_to_the_certificate(tmp_path: Path) -> None:
    model = _load(
        tmp_path,
        {
            "Cert": {
                "Type": "AWS::CertificateManager::Certificate",
                "Properties": {"DomainName": "a.example.com", "KeyAlgorithm": "EC_secp384r1"},
            },
            "Svc": _service({"Ref": "Cert"}),
        },
    )
    [binding] = model.bindings
    assert binding.endpoint.target is Target.NLB
    assert binding.certificate is not None and binding.certificate.address == "Cert"
    assert binding.location.line > 0  # the Manifest property's line
    assert evaluate(model, Settings()) == []


def test_a_parameter_arn_is_unresolved_and_a_broken_manifest_is_an_error(tmp_path: Path) -> None:
    resources = {
        "Svc": _service({"Fn::ImportValue": "shared-cert"}),
        "Bad": {"Type": K8S, "Properties": {"Manifest": "[{not json"}},
    }
    model = _load(tmp_path, resources)
    [binding] = model.bindings
    assert binding.certificate is None and "shared-cert" in (binding.unresolved_reason or "")
    [error] = model.errors
    assert error.summary == "Kubernetes manifest does not parse" and error.location.line > 0
