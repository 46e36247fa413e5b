"""Kubernetes manifests: Services and Ingresses become load balancer endpoints bound to their
certificates, judged by the same engine as listeners."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest

from linter.model import Target
from tests.cli.conftest import Run
from tests.kubernetes.conftest import judged, load_piped, load_text, where

SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: api
  annotations:
    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: {arns}
{extra}spec:
  type: LoadBalancer
{spec}  ports:
    - port: 443
"""


def service(arns: str, extra: str = "", spec: str = "") -> str:
    return SERVICE.format(arns=arns, extra=extra, spec=spec)


def test_done_when_fixture_two_errors_at_the_annotations_and_none_for_the_ingress(
    eks_app: Path, certfit: Callable[..., Run]
) -> None:
    run = certfit("-f", "compact", "manifests.yaml", cwd=eks_app)
    assert run.code == 2, run.err
    lines = [line for line in run.out.splitlines() if "manifests.yaml:" in line]
    assert [line.split(" - ")[0].split(": ")[0] for line in lines] == [
        "eks_app/manifests.yaml:11:5",
        "eks_app/manifests.yaml:31:5",
    ]
    assert all(": Error" in line for line in lines)
    assert "Classic Load Balancer" in lines[0] and "EC P-256" in lines[0]
    assert "Network Load Balancer" in lines[1] and "RSA 4096" in lines[1]


def test_recursive_finds_manifests_and_stdin_reads_helm_output(
    eks_app: Path, certfit: Callable[..., Run]
) -> None:
    run = certfit("-f", "compact", "--recursive", ".", cwd=eks_app)
    assert run.out.count("manifests.yaml:") == 2, run.out
    piped = load_piped(eks_app, (eks_app / "manifests.yaml").read_text(), {"rsa-4096": "RSA_4096"})
    assert [b.location.file for b in piped.bindings] == ["<stdin>"] * 3
    assert ("error", "unsupported_key_algorithm", 31) in where(judged(piped))


def test_unannotated_service_is_judged_as_classic_lb_and_nlb_when_the_cluster_is_unknown(
    tmp_path: Path,
) -> None:
    text = service("arn:aws:acm:eu-west-1:111122223333:certificate/ec")
    model = load_text(tmp_path, text, {"ec": "EC_prime256v1"})
    [ep] = model.endpoints
    assert (ep.target, ep.alternatives) == (Target.CLB, (Target.NLB,))
    [finding] = judged(model)
    assert (finding.severity.value, finding.location.line) == ("warning", 6)
    assert "depending on the cluster" in finding.message
    assert finding.details["verdicts"] == {"clb": "rejected", "nlb": "accepted"}
    # RSA 4096 from ACM fits neither: an error whichever controller makes it
    model = load_text(tmp_path, text.replace("/ec", "/big"), {"big": "RSA_4096"})
    [finding] = judged(model)
    assert finding.severity.value == "error" and "neither" in finding.message
    # the config says what the cluster does
    model = load_text(tmp_path, text, {"ec": "EC_prime256v1"}, service_lb="nlb")
    assert [e.target for e in model.endpoints] == [Target.NLB] and judged(model) == []


def test_load_balancer_class_and_type_annotation_pick_the_controller(tmp_path: Path) -> None:
    arn = "arn:aws:acm:eu-west-1:111122223333:certificate/k"
    cases = {
        "    service.beta.kubernetes.io/aws-load-balancer-type: external\n": ("", Target.NLB),
        "    service.beta.kubernetes.io/aws-load-balancer-type: nlb\n": ("", Target.NLB),
        "    service.beta.kubernetes.io/aws-load-balancer-type: nlb-ip\n": ("", Target.NLB),
        "": ("  loadBalancerClass: service.k8s.aws/nlb\n", Target.NLB),
        " ": ("  loadBalancerClass: eks.amazonaws.com/nlb\n", Target.NLB),
    }
    for extra, (spec, target) in cases.items():
        model = load_text(tmp_path, service(arn, extra.strip(" ") and extra, spec))
        assert [(e.target, e.alternatives) for e in model.endpoints] == [(target, ())], spec
    # another controller's class, or no load balancer at all: nothing of AWS's
    other = load_text(tmp_path, service(arn, spec="  loadBalancerClass: example.com/lb\n"))
    cluster_ip = load_text(tmp_path, service(arn).replace("LoadBalancer", "ClusterIP"))
    assert other.endpoints == [] and cluster_ip.endpoints == []


def test_several_arns_default_then_sni_and_list_kinds(tmp_path: Path) -> None:
    text = """\
    apiVersion: v1
    kind: List
    items:
      - apiVersion: v1
        kind: Service
        metadata:
          name: two
          annotations:
            service.beta.kubernetes.io/aws-load-balancer-type: external
            service.beta.kubernetes.io/aws-load-balancer-ssl-cert: "ACM/a, ACM/b"
        spec:
          type: LoadBalancer
    """
    model = load_text(tmp_path, text, {"a": "RSA_2048", "b": "RSA_4096"})
    assert [(b.role, b.certificate.arn[-1]) for b in model.bindings if b.certificate] == [
        ("default", "a"),
        ("additional", "b"),
    ]
    assert where(judged(model)) == [("error", "unsupported_key_algorithm", 10)]


def test_ingress_classes_params_and_discovery(tmp_path: Path) -> None:
    text = """\
    apiVersion: networking.k8s.io/v1
    kind: IngressClass
    metadata:
      name: shared
    spec:
      controller: ingress.k8s.aws/alb
      parameters:
        apiGroup: elbv2.k8s.aws
        kind: IngressClassParams
        name: shared-params
    ---
    apiVersion: elbv2.k8s.aws/v1beta1
    kind: IngressClassParams
    metadata:
      name: shared-params
    spec:
      certificateArn: ["arn:aws:acm:eu-west-1:111122223333:certificate/params"]
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: via-class
      annotations:
        alb.ingress.kubernetes.io/certificate-arn: ACM/ignored
    spec:
      ingressClassName: shared
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: discovered
      annotations:
        kubernetes.io/ingress.class: alb
        alb.ingress.kubernetes.io/listen-ports: '[{"HTTP": 80}, {"HTTPS": 443}]'
    ---
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: nginx
      annotations:
        alb.ingress.kubernetes.io/certificate-arn: arn:aws:acm:eu-west-1:111122223333:certificate/n
    spec:
      ingressClassName: nginx
    """
    model = load_text(tmp_path, text, {"params": "RSA_2048"})
    by_ingress = {b.endpoint.address: b for b in model.bindings}
    assert set(by_ingress) == {"Ingress via-class", "Ingress discovered"}
    assert all(b.endpoint.target is Target.ALB for b in model.bindings)
    # the IngressClassParams' certificateArn overrides the annotation, at its own line
    params = by_ingress["Ingress via-class"]
    assert params.certificate is not None and params.certificate.arn.endswith("/params")
    assert params.location.line == 17
    found = judged(model)
    assert where(found) == [("notice", "unresolved_certificate", 34)]
    assert "discovers certificates in ACM by the Ingress's host names" in found[0].message


def test_ssl_negotiation_policy_feeds_ssl_policy_mismatch(tmp_path: Path) -> None:
    extra = (
        "    service.beta.kubernetes.io/aws-load-balancer-type: external\n"
        "    service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy: "
        "ELBSecurityPolicy-TLS13-1-2-Res-RFC9151-FIPS-2023-07\n"
    )
    text = service("arn:aws:acm:eu-west-1:111122223333:certificate/p", extra)
    model = load_text(tmp_path, text, {"p": "EC_prime256v1"})
    assert [(f.rule, f.location.line) for f in judged(model)] == [("ssl_policy_mismatch", 6)]


def test_bad_yaml_is_an_error_with_its_line_and_other_files_still_count(
    eks_app: Path, certfit: Callable[..., Run]
) -> None:
    (eks_app / "broken.yaml").write_text("kind: Service\nmetadata: {name: [\n")
    run = certfit("-f", "compact", "broken.yaml", "manifests.yaml", cwd=eks_app)
    assert run.code == 3, run.out + run.err
    assert "broken.yaml:3" in run.out + run.err
    assert run.out.count("manifests.yaml:") == 2


def test_sniff_claims_only_files_with_a_service_or_ingress(eks_app: Path) -> None:
    from linter.lint import discover
    from linter.safe_files import SafeReader

    (eks_app / "deploy.yaml").write_text("kind: Deployment\nmetadata: {name: [\n")  # not parsed
    (eks_app / "stack.yaml").write_text("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n")
    units, errors = discover(eks_app, True, ".", SafeReader(eks_app.parent))
    assert errors == []
    assert sorted((u.kind, u.path.name) for u in units) == [
        ("kubernetes", "manifests.yaml"),
        ("template", "stack.yaml"),
    ]


def test_sniff_never_reads_through_a_link_out_of_the_root(tmp_path: Path) -> None:
    from linter.kubernetes import is_kubernetes_manifest
    from linter.safe_files import SafeReader

    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "svc.yaml").write_text("kind: Service\n")
    root = tmp_path / "project"
    root.mkdir()
    (root / "linked.yaml").symlink_to(outside / "svc.yaml")
    (root / "linked_dir").symlink_to(outside, target_is_directory=True)
    (root / "own.yaml").write_text("kind: Service\n")
    reader = SafeReader(root)
    assert is_kubernetes_manifest(root / "own.yaml", reader)
    assert not is_kubernetes_manifest(root / "linked.yaml", reader)
    assert not is_kubernetes_manifest(root / "linked_dir" / "svc.yaml", reader)


def test_inline_ignores_apply_to_piped_manifests_and_no_file_stands_in_for_stdin(
    eks_app: Path, monkeypatch: pytest.MonkeyPatch, certfit: Callable[..., Run]
) -> None:
    text = (eks_app / "manifests.yaml").read_text()
    annotation = "    service.beta.kubernetes.io/aws-load-balancer-ssl-cert: ACM/ec-p256"
    annotation = annotation.replace("ACM/", "arn:aws:acm:eu-west-1:111122223333:certificate/")
    marked = text.replace(
        annotation, "    # certfit-ignore: unsupported_key_algorithm # next sprint\n" + annotation
    )
    # a committed file named like standard input must not silence anything
    (eks_app / "<stdin>").write_text("# certfit-ignore-file: all\n")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(marked.encode())))
    run = certfit("-f", "compact", "-", cwd=eks_app)
    lines = [line for line in run.out.splitlines() if line.startswith("<stdin>:")]
    assert [line.split(": ")[0] for line in lines] == ["<stdin>:32:5"], run.out


def test_ingress_ssl_policy_feeds_ssl_policy_mismatch(tmp_path: Path) -> None:
    text = """\
    apiVersion: networking.k8s.io/v1
    kind: Ingress
    metadata:
      name: strict
      annotations:
        alb.ingress.kubernetes.io/ssl-policy: ELBSecurityPolicy-TLS13-1-2-Res-RFC9151-FIPS-2023-07
        alb.ingress.kubernetes.io/certificate-arn: ACM/p256
    spec:
      ingressClassName: alb
    """
    model = load_text(tmp_path, text, {"p256": "EC_prime256v1"})
    [ep] = model.endpoints
    assert ep.ssl_policy == "ELBSecurityPolicy-TLS13-1-2-Res-RFC9151-FIPS-2023-07"
    assert [(f.rule, f.location.line) for f in judged(model)] == [("ssl_policy_mismatch", 7)]
