"""The CDK's `cluster.add_manifest(...)`: Services and Ingresses inside a
Custom::AWSCDK-EKS-KubernetesResource are judged like YAML manifests, in the Aspect and in
`cdk.out`, with certificates defined beside them followed through their `Ref`s."""

from __future__ import annotations

from pathlib import Path

import aws_cdk as cdk
from aws_cdk import aws_certificatemanager as acm
from aws_cdk import aws_eks as eks

from cdk_aspect import CertFitChecks
from linter.cloudformation import load_cdk_out
from linter.engine import Settings, evaluate
from linter.model import Target
from linter.options import LoadOptions
from tests.cdk.conftest import new_app, synthesize

PARTNER = "arn:aws:acm:eu-west-1:111122223333:certificate/partner-rsa4096"
SSL_CERT = "service.beta.kubernetes.io/aws-load-balancer-ssl-cert"


def build(app: cdk.App) -> None:
    stack = cdk.Stack(app, "Shop", env=cdk.Environment(account="111122223333", region="eu-west-1"))
    cluster = eks.Cluster.from_cluster_attributes(
        stack,
        "Cluster",
        cluster_name="prod",
        kubectl_role_arn="arn:aws:iam::111122223333:role/kubectl",
    )
    legacy = acm.Certificate(
        stack,
        "Legacy",
        domain_name="legacy.example.com",
        key_algorithm=acm.KeyAlgorithm.EC_PRIME256_V1,
    )
    shop = acm.Certificate(
        stack,
        "ShopCert",
        domain_name="shop.example.com",
        key_algorithm=acm.KeyAlgorithm.EC_SECP384_R1,
    )
    partner = acm.Certificate.from_certificate_arn(stack, "Partner", PARTNER)
    cluster.add_manifest(
        "Services",
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": "legacy-api", "annotations": {SSL_CERT: legacy.certificate_arn}},
            "spec": {"type": "LoadBalancer"},
        },
        {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {
                "name": "partner-gateway",
                "annotations": {
                    SSL_CERT: partner.certificate_arn,
                    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                },
            },
            "spec": {"type": "LoadBalancer"},
        },
    )
    cluster.add_manifest(
        "Storefront",
        {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "Ingress",
            "metadata": {
                "name": "storefront",
                "annotations": {"alb.ingress.kubernetes.io/certificate-arn": shop.certificate_arn},
            },
            "spec": {"ingressClassName": "alb"},
        },
    )


def test_add_manifest_two_errors_on_the_manifest_construct_none_for_the_ingress(
    tmp_path: Path,
) -> None:
    (tmp_path / ".certfit.hcl").write_text(
        f'certificate "{PARTNER}" {{\n  key_algorithm = "RSA_4096"\n}}\n'
        'kubernetes {\n  service_load_balancer = "classic"\n}\n'
    )
    app = new_app(tmp_path / "cdk.out")
    build(app)
    synth = synthesize(app, CertFitChecks(root=tmp_path), tmp_path / "cdk.out")
    errors = synth.at("Shop/Cluster/manifest-Services/Resource/Default", "error")
    assert len(errors) == 2, synth.annotations
    assert any("Classic Load Balancer" in e and "EC P-256" in e for e in errors)
    assert any("Network Load Balancer" in e and "RSA 4096" in e for e in errors)
    assert synth.at("Shop/Cluster/manifest-Storefront/Resource/Default") == []

    # the same from cdk.out, with the config's mapping and cluster setting as options
    options = LoadOptions.for_root(tmp_path, kubernetes_service_lb="classic")
    from linter.config import load_config

    options.certificate_mappings.update(
        load_config(tmp_path / ".certfit.hcl", tmp_path).certificate_mappings
    )
    model = load_cdk_out(tmp_path / "cdk.out", options)
    targets = sorted(
        (b.endpoint.address.rsplit(" ", 2)[-2:][1], b.endpoint.target) for b in model.bindings
    )
    assert targets == [
        ("legacy-api", Target.CLB),
        ("partner-gateway", Target.NLB),
        ("storefront", Target.ALB),
    ]
    found = [f for f in evaluate(model, Settings()) if f.severity.value == "error"]
    assert len(found) == 2
    assert {f.location.construct_path for f in found} == {
        "Shop/Cluster/manifest-Services/Resource/Default"
    }


def test_validation_plugin_reads_the_manifests_and_the_cluster_setting(tmp_path: Path) -> None:
    from cdk_aspect import CertFitValidation

    (tmp_path / ".certfit.hcl").write_text(
        f'certificate "{PARTNER}" {{\n  key_algorithm = "RSA_4096"\n}}\n'
        'kubernetes {\n  service_load_balancer = "classic"\n}\n'
    )
    app = new_app(tmp_path / "cdk.out")
    build(app)
    plugin = CertFitValidation(root=tmp_path)
    cdk.Validations.of(app).add_plugins(plugin)
    try:
        app.synth()
    except RuntimeError as exc:
        assert "ValidationFailed" in str(exc)
    errors = [f for f in plugin.findings if f.severity.value == "error"]
    # as a Classic LB (the config says so), the EC P-256 Service is an error, not a warning
    assert sorted(f.message.split(" cannot use")[0] for f in errors) == [
        "Classic Load Balancer HTTPS/SSL listener",
        "Network Load Balancer TLS listener",
    ]


def test_add_helm_chart_values_annotations_are_judged(tmp_path: Path) -> None:
    app = new_app(tmp_path / "cdk.out")
    stack = cdk.Stack(app, "Gw", env=cdk.Environment(account="111122223333", region="eu-west-1"))
    cluster = eks.Cluster.from_cluster_attributes(
        stack,
        "Cluster",
        cluster_name="prod",
        kubectl_role_arn="arn:aws:iam::111122223333:role/kubectl",
    )
    cert = acm.Certificate(
        stack, "Cert", domain_name="gw.example.com", key_algorithm=acm.KeyAlgorithm.EC_SECP384_R1
    )
    cluster.add_helm_chart(
        "Gateway",
        chart="gateway",
        repository="https://charts.example.com",
        values={
            "service": {
                "annotations": {
                    SSL_CERT: cert.certificate_arn,
                    "service.beta.kubernetes.io/aws-load-balancer-type": "external",
                }
            },
            "replicas": 2,
        },
    )
    app.synth()
    model = load_cdk_out(tmp_path / "cdk.out", LoadOptions.for_root(tmp_path))
    [binding] = model.bindings
    assert binding.endpoint.target is Target.NLB
    assert binding.certificate is not None and binding.certificate.address == "Gw/Cert"
    assert "chart's templates decide" in binding.endpoint.target_reason
    assert binding.location.construct_path == "Gw/Cluster/chart-Gateway/Resource/Default"
