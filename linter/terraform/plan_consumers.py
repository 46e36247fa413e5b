"""The resources of issue 13 in a Terraform plan (`terraform show -json`): Kubernetes Services
and Ingresses (through the shared interpretation), Amplify, Transfer Family, AppSync, Cognito,
Elastic Beanstalk and private API Gateway domains. Values come from `planned_values`; what is
known only after apply is an unresolved binding, as for listeners."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from linter.kubernetes.interpret import K8sObject, Value, interpret, objects_from_manifest
from linter.model import Certificate, Endpoint, Location, Target

if TYPE_CHECKING:
    from linter.terraform.plan import _PlanReader, _Resource

_K8S_BLOCKS = {
    "kubernetes_service": "Service",
    "kubernetes_service_v1": "Service",
    "kubernetes_ingress": "Ingress",
    "kubernetes_ingress_v1": "Ingress",
    "kubernetes_ingress_class": "IngressClass",
    "kubernetes_ingress_class_v1": "IngressClass",
}
_FIELDS = {
    "type": "type",
    "load_balancer_class": "loadBalancerClass",
    "ingress_class_name": "ingressClassName",
    "controller": "controller",
}
K8S_PLAN_TYPES = set(_K8S_BLOCKS) | {"kubernetes_manifest"}
PLAN_TYPES = K8S_PLAN_TYPES | {
    "aws_amplify_domain_association",
    "aws_transfer_server",
    "aws_appsync_domain_name",
    "aws_cognito_user_pool_domain",
    "aws_elastic_beanstalk_environment",
}


def _first(value: Any) -> Mapping[str, Any]:
    """Nested blocks are lists of one object in plan JSON."""
    if isinstance(value, list) and value and isinstance(value[0], Mapping):
        return value[0]
    return value if isinstance(value, Mapping) else {}


class _AfterApply:
    reason = "known only after apply"


def k8s_objects(p: _PlanReader, r: _Resource) -> list[K8sObject]:
    loc = p.location(r.address)
    if r.type == "kubernetes_manifest":
        manifest = r.values.get("manifest")
        return objects_from_manifest(
            manifest, lambda _c, _k: loc, address=lambda kind, name: r.address
        )
    meta, spec = _first(r.values.get("metadata")), _first(r.values.get("spec"))
    name = meta.get("name")
    obj = K8sObject(
        _K8S_BLOCKS[r.type], name if isinstance(name, str) else r.address, r.address, loc
    )
    annotations = meta.get("annotations")
    for key, value in (annotations if isinstance(annotations, Mapping) else {}).items():
        obj.annotations[str(key)] = Value(value if value is not None else _AfterApply(), loc)
    for attr, field in _FIELDS.items():
        if spec.get(attr) is not None:
            obj.fields[field] = Value(spec[attr], loc)
    if spec.get("tls"):
        obj.fields["tls"] = Value(True, loc)
    params = _first(spec.get("parameters"))
    if isinstance(params.get("name"), str):
        obj.fields["parameters"] = Value({"name": params["name"]}, loc)
    return [obj]


def interpret_k8s(p: _PlanReader, objects: list[tuple[_Resource, K8sObject]]) -> None:
    """Interpret the plan's Kubernetes objects together (an Ingress names its class)."""
    by_location = {o.location: r for r, o in objects}

    def resolve(value: Any, location: Location, what: str) -> tuple[Certificate | None, str | None]:
        owner = by_location.get(location)
        if isinstance(value, str) and owner is not None:
            return p.cert_for(owner, "metadata", value)
        return None, f"{what} is {getattr(value, 'reason', 'not a string of certificate ARNs')}"

    found = interpret([o for _, o in objects], resolve, p.options.kubernetes_service_lb)
    p.model.endpoints.extend(found.endpoints)
    p.model.bindings.extend(found.bindings)


def _endpoint(
    p: _PlanReader, r: _Resource, target: Target | None, reason: str, **kw: Any
) -> Endpoint:
    kw.setdefault("region", p.region_of(r))
    ep = Endpoint(r.address, target, p.location(r.address), target_reason=reason, **kw)
    p.model.endpoints.append(ep)
    return ep


def consumer(p: _PlanReader, r: _Resource) -> None:
    v = r.values
    if r.type == "aws_amplify_domain_association":
        cs = _first(v.get("certificate_settings"))
        if str(cs.get("type") or "").upper() == "CUSTOM":
            ep = _endpoint(
                p,
                r,
                Target.AMPLIFY,
                f"{r.type} CUSTOM",
                region="us-east-1",
                certificate_required=False,
            )
            p._bind(ep, r, "certificate_settings", cs.get("custom_certificate_arn"), "default")
    elif r.type == "aws_transfer_server":
        protocols = v.get("protocols") or []
        if "FTPS" in [str(x).upper() for x in protocols]:
            ep = _endpoint(p, r, Target.TRANSFER_FTPS, f"{r.type} protocols include FTPS")
            p._bind(ep, r, "certificate", v.get("certificate"), "default")
    elif r.type in ("aws_appsync_domain_name", "aws_cognito_user_pool_domain"):
        if v.get("certificate_arn") or "certificate_arn" in r.unknown:
            ep = _endpoint(
                p,
                r,
                Target.CLOUDFRONT_BACKED,
                f"{r.type} (through CloudFront)",
                region="us-east-1",
                certificate_required=False,
            )
            p._bind(ep, r, "certificate_arn", v.get("certificate_arn"), "default")
    elif r.type == "aws_elastic_beanstalk_environment":
        settings = [s for s in v.get("setting") or [] if isinstance(s, Mapping)]
        lb = next(
            (
                str(s.get("value"))
                for s in settings
                if s.get("namespace") == "aws:elasticbeanstalk:environment"
                and s.get("name") == "LoadBalancerType"
            ),
            "classic",
        )
        lb_target = {"application": Target.ALB, "network": Target.NLB}.get(lb.lower(), Target.CLB)
        for s in settings:
            ns, name = str(s.get("namespace") or ""), s.get("name")
            if ns.startswith("aws:elbv2:listener:") and name == "SSLCertificateArns":
                target = lb_target
            elif (ns.startswith("aws:elb:listener:") or ns == "aws:elb:loadbalancer") and (
                name == "SSLCertificateId"
            ):
                target = Target.CLB
            else:
                continue
            ep = _endpoint(p, r, target, f"{ns} (LoadBalancerType {lb})", protocol="HTTPS")
            ep.address = f"{r.address} listener {ns.rsplit(':', 1)[-1]}"
            p._bind(ep, r, "setting", s.get("value"), "default")
