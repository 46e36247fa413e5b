"""Kubernetes objects managed by Terraform (kubernetes provider): the same interpretation as
YAML manifests, with certificates defined beside them followed through their references."""

from __future__ import annotations

import shutil
from pathlib import Path

from linter.model import Target
from tests.terraform.conftest import REPO, findings, load, where, write_tree

CERT = """
resource "tls_private_key" "k" {
  algorithm   = "ECDSA"
  ecdsa_curve = "P256"
}
resource "tls_self_signed_cert" "k" {
  private_key_pem       = tls_private_key.k.private_key_pem
  validity_period_hours = 8760
  allowed_uses          = ["digital_signature", "server_auth"]
  subject {
    common_name = "k.example.com"
  }
}
resource "aws_acm_certificate" "k" {
  private_key      = tls_private_key.k.private_key_pem
  certificate_body = tls_self_signed_cert.k.cert_pem
}
"""


def test_done_when_tree_two_errors_at_the_annotations(tmp_path: Path) -> None:
    tree = tmp_path / "eks_k8s"
    shutil.copytree(REPO / "fixtures/terraform/eks_k8s", tree)
    model = load(tree, kubernetes_service_lb="classic")
    assert model.errors == []
    by_endpoint = {b.endpoint.address: b for b in model.bindings}
    assert {a: b.endpoint.target for a, b in by_endpoint.items()} == {
        "kubernetes_service_v1.legacy": Target.CLB,
        "kubernetes_service_v1.partner": Target.NLB,
        "kubernetes_ingress_v1.shop": Target.ALB,
    }
    assert all(b.certificate is not None for b in model.bindings)
    assert where(findings(model)) == [
        ("error", "unsupported_key_algorithm", "main.tf", 72, 7),
        ("error", "unsupported_key_algorithm", "main.tf", 94, 7),
    ]


def test_kubernetes_service_v0_and_unknown_cluster(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path,
        {
            "main.tf": CERT
            + """
resource "kubernetes_service" "old" {
  metadata {
    name = "old"
    annotations = {
      "service.beta.kubernetes.io/aws-load-balancer-ssl-cert" = aws_acm_certificate.k.arn
    }
  }
  spec {
    type = "LoadBalancer"
  }
}
"""
        },
    )
    model = load(tree)
    [ep] = model.endpoints
    assert (ep.target, ep.alternatives) == (Target.CLB, (Target.NLB,))
    [f] = findings(model)
    assert (f.severity.value, f.location.line) == ("warning", 23)
    assert f.details["verdicts"] == {"clb": "rejected", "nlb": "accepted"}


def test_kubernetes_manifest_and_ingress_class_resources(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path,
        {
            "main.tf": CERT
            + """
variable "certificate_arn" {
  default = "arn:aws:acm:eu-west-1:111122223333:certificate/abc"
}
resource "kubernetes_manifest" "svc" {
  manifest = {
    apiVersion = "v1"
    kind       = "Service"
    metadata = {
      name = "m"
      annotations = {
        "service.beta.kubernetes.io/aws-load-balancer-type"     = "external"
        "service.beta.kubernetes.io/aws-load-balancer-ssl-cert" = aws_acm_certificate.k.arn
      }
    }
    spec = {
      type = "LoadBalancer"
    }
  }
}
resource "kubernetes_ingress_class_v1" "internal" {
  metadata {
    name = "internal-alb"
  }
  spec {
    controller = "ingress.k8s.aws/alb"
  }
}
resource "kubernetes_ingress_v1" "app" {
  metadata {
    name = "app"
    annotations = {
      "alb.ingress.kubernetes.io/certificate-arn" = var.certificate_arn
    }
  }
  spec {
    ingress_class_name = "internal-alb"
  }
}
"""
        },
    )
    model = load(tree)
    assert model.errors == []
    by = {b.endpoint.address: b for b in model.bindings}
    assert by["kubernetes_manifest.svc"].endpoint.target is Target.NLB
    assert by["kubernetes_manifest.svc"].location.line == 30
    assert by["kubernetes_manifest.svc"].certificate is not None
    app = by["kubernetes_ingress_v1.app"]
    assert app.endpoint.target is Target.ALB and "IngressClass internal-alb" in (
        app.endpoint.target_reason
    )
    assert app.certificate is not None and app.certificate.arn is not None
    assert app.location.line == 50


def test_helm_release_set_and_values_annotations(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path,
        {
            "main.tf": CERT
            + """
resource "helm_release" "gateway" {
  name  = "gateway"
  chart = "./charts/gateway"
  set {
    name  = "service.annotations.service\\\\.beta\\\\.kubernetes\\\\.io/aws-load-balancer-type"
    value = "external"
  }
  set {
    name  = "service.annotations.service\\\\.beta\\\\.kubernetes\\\\.io/aws-load-balancer-ssl-cert"
    value = aws_acm_certificate.k.arn
  }
  values = [<<-EOT
    ingress:
      annotations:
        alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:eu-west-1:111122223333:certificate/i
  EOT
  ]
}
resource "helm_release" "plain" {
  name  = "plain"
  chart = "./charts/plain"
  set {
    name  = "replicas"
    value = "2"
  }
}
"""
        },
    )
    model = load(tree)
    assert model.errors == []
    by = {b.endpoint.address: b for b in model.bindings}
    assert set(by) == {
        "helm_release.gateway (service)",
        "helm_release.gateway (values.ingress)",
    }
    service = by["helm_release.gateway (service)"]
    assert service.endpoint.target is Target.NLB  # the type annotation is in the same map
    assert "chart's templates decide" in service.endpoint.target_reason
    assert service.certificate is not None and service.location.line == 28
    ingress = by["helm_release.gateway (values.ingress)"]
    assert ingress.endpoint.target is Target.ALB and ingress.location.line == 33
    assert "read only by the ALB controllers" in ingress.endpoint.target_reason


def test_annotations_not_known_before_apply_are_said_not_skipped(tmp_path: Path) -> None:
    tree = write_tree(
        tmp_path,
        {
            "main.tf": """
variable "annotations" {
  type = map(string)
}
resource "kubernetes_service_v1" "api" {
  metadata {
    name        = "api"
    annotations = var.annotations
  }
  spec {
    type                = "LoadBalancer"
    load_balancer_class = "service.k8s.aws/nlb"
  }
}
resource "kubernetes_service_v1" "internal" {
  metadata {
    name        = "internal"
    annotations = var.annotations
  }
  spec {
    type = "ClusterIP"
  }
}
"""
        },
    )
    model = load(tree)
    [binding] = model.bindings
    assert binding.endpoint.address == "kubernetes_service_v1.api"
    assert binding.certificate is None and binding.location.line == 8
    [finding] = findings(model)
    assert finding.rule == "unresolved_certificate" and "annotations are not known" in (
        finding.message
    )
