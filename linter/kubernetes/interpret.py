"""Kubernetes Services and Ingresses -> TLS endpoints and certificate bindings.

One interpretation shared by every front end that meets Kubernetes objects: YAML manifests,
Terraform (`kubernetes_service_v1`, `kubernetes_ingress_v1`, `kubernetes_manifest`, Helm
values) and CloudFormation/CDK (`Custom::AWSCDK-EKS-KubernetesResource`). Each front end turns
what it read into `K8sObject`s (values with where they were written) and hands in a resolver
that turns one certificate reference (a literal ARN, or its own reference to a certificate it
defines) into a Certificate. Which annotation means what, and which controller makes which load
balancer, is data (`data/kubernetes.toml`), read here. Nothing here judges.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from linter.model import Binding, Certificate, Endpoint, Location, Model, Target

Resolver = Callable[[Any, Location, str], tuple[Certificate | None, str | None]]

SERVICE_LB_CHOICES = ("classic", "nlb")  # .certfit.hcl kubernetes { service_load_balancer }
# K8sObject.fields key a front end sets when the whole annotations map is not known
UNKNOWN_ANNOTATIONS = "(annotations)"


@dataclass(frozen=True)
class Value:
    """A value as a front end read it (a string, or the front end's own reference or unknown
    value) and where it was written."""

    value: Any
    location: Location


@dataclass
class K8sObject:
    """The parts of one Kubernetes object that decide a load balancer and its certificates."""

    kind: str  # Service, Ingress, IngressClass, IngressClassParams
    name: str
    address: str  # how findings name it: "Service default/web", "kubernetes_service_v1.web"
    location: Location
    annotations: dict[str, Value] = field(default_factory=dict)
    fields: dict[str, Value] = field(default_factory=dict)  # spec fields, by their YAML name
    callers: tuple[Location, ...] = ()


@cache
def data() -> dict[str, Any]:
    text = resources.files("linter").joinpath("data/kubernetes.toml").read_text("utf-8")
    return tomllib.loads(text)


def _reason(value: Any) -> str:
    reason = getattr(value, "reason", None)
    return reason if isinstance(reason, str) else "its value is not known before deploy"


def _text(v: Value | None) -> str | None:
    return v.value.strip() if v is not None and isinstance(v.value, str) else None


def split_list(value: Any) -> list[Any]:
    """A comma-separated annotation's items; a value that is not text stays one item."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(",") if item.strip()]
    if isinstance(value, list):
        return [i for v in value for i in split_list(v)]
    return [value]


class Interpreter:
    """Turns the objects of one unit (a manifest file, a root module, a stack) into the model.
    IngressClass and IngressClassParams objects of the same unit are used for Ingresses."""

    def __init__(self, resolve: Resolver, service_load_balancer: str | None = None) -> None:
        self.resolve = resolve
        self.service_load_balancer = service_load_balancer
        self.model = Model()
        self.data = data()

    # -- entry -----------------------------------------------------------------------------
    def run(self, objects: list[K8sObject]) -> Model:
        classes = {o.name: o for o in objects if o.kind == "IngressClass"}
        params = {o.name: o for o in objects if o.kind == "IngressClassParams"}
        for o in objects:
            if o.kind == "Service":
                self.service(o)
            elif o.kind == "Ingress":
                self.ingress(o, classes, params)
        return self.model

    # -- helpers ---------------------------------------------------------------------------
    def bind_list(self, ep: Endpoint, v: Value, what: str, callers: tuple[Location, ...]) -> None:
        items = split_list(v.value)
        if not items:
            self.model.bindings.append(
                Binding(ep, None, v.location, unresolved_reason=f"{what} is empty", callers=callers)
            )
        for i, item in enumerate(items):
            cert, reason = self.resolve(item, v.location, what)
            role = "default" if i == 0 else "additional"
            self.model.bindings.append(
                Binding(ep, cert, v.location, role, unresolved_reason=reason, callers=callers)
            )

    def endpoint(self, o: K8sObject, target: Target | None, reason: str, **kw: Any) -> Endpoint:
        ep = Endpoint(
            address=o.address,
            target=target,
            location=o.location,
            target_reason=reason,
            callers=o.callers,
            **kw,
        )
        self.model.endpoints.append(ep)
        return ep

    # -- Services --------------------------------------------------------------------------
    def service_target(self, o: K8sObject) -> tuple[Target | None, str, tuple[Target, ...]] | None:
        """(target, why, other possible targets), or None when no AWS controller makes it."""
        svc = self.data["service"]
        cls_v = o.fields.get("loadBalancerClass")
        if cls_v is not None and cls_v.value is not None:
            cls = _text(cls_v)
            if cls is None:
                return None, f"spec.loadBalancerClass: {_reason(cls_v.value)}", ()
            for entry in svc["class"]:
                if entry["value"] == cls:
                    why = f"loadBalancerClass {cls}: an NLB made by {entry['controller']}"
                    return Target(entry["target"]), why, ()
            return None  # another controller's class: not an AWS load balancer we know
        type_v = o.annotations.get(svc["lb_type"])
        lb_type = _text(type_v)
        if type_v is not None and lb_type is None:
            return None, f"{svc['lb_type']}: {_reason(type_v.value)}", ()
        for entry in svc["type"]:
            if entry["value"] == (lb_type or "").lower():
                why = f"aws-load-balancer-type {lb_type}: an NLB made by {entry['controller']}"
                return Target(entry["target"]), why, ()
        default = svc["default"]
        how = "no loadBalancerClass" + ("" if lb_type else " and no aws-load-balancer-type")
        if self.service_load_balancer == "classic":
            return Target.CLB, f"{how}; .certfit.hcl says such Services are Classic LBs", ()
        if self.service_load_balancer == "nlb":
            return Target.NLB, f"{how}; .certfit.hcl says such Services are NLBs", ()
        why = (
            f"{how}: a Classic LB made by {default['controller']}, or an NLB where "
            f"{default['alternative_controller']} runs (set kubernetes "
            '{ service_load_balancer = "classic" | "nlb" } in .certfit.hcl to say which)'
        )
        return Target(default["target"]), why, (Target(default["alternative"]),)

    def service(self, o: K8sObject) -> None:
        svc = self.data["service"]
        cert_v = o.annotations.get(svc["ssl_cert"]) or o.fields.get(UNKNOWN_ANNOTATIONS)
        if cert_v is None:
            return
        type_v = o.fields.get("type")
        spec_type = _text(type_v)
        if type_v is not None and spec_type is None:
            spec_type = "LoadBalancer"  # not known: judged as if it were, and said below
        if spec_type != "LoadBalancer":
            return  # ClusterIP/NodePort: no load balancer, the annotation does nothing
        decided = self.service_target(o)
        if decided is None:
            return
        target, why, alternatives = decided
        if type_v is not None and _text(type_v) is None:
            why += f" (spec.type: {_reason(type_v.value)})"
        policy = _text(o.annotations.get(svc["ssl_policy"]))
        ep = self.endpoint(
            o,
            target,
            why,
            protocol="SSL" if target == Target.CLB else "TLS",
            ssl_policy=policy,
            alternatives=alternatives,
        )
        if not self.unknown_annotations(ep, cert_v, o):
            self.bind_list(ep, cert_v, svc["ssl_cert"], o.callers)

    def unknown_annotations(self, ep: Endpoint, v: Value, o: K8sObject) -> bool:
        """A binding that says the annotations (and so the certificates) are not known."""
        if o.fields.get(UNKNOWN_ANNOTATIONS) is not v:
            return False
        reason = (
            f"its annotations are not known before apply ({_reason(v.value)}), so neither "
            "are its certificates; give them values (tfvars) or map the ARNs in .certfit.hcl"
        )
        self.model.bindings.append(
            Binding(ep, None, v.location, unresolved_reason=reason, callers=o.callers)
        )
        return True

    # -- Ingresses -------------------------------------------------------------------------
    def ingress_class(
        self, o: K8sObject, classes: Mapping[str, K8sObject]
    ) -> tuple[bool | None, str, K8sObject | None, Mapping[str, Any] | None]:
        """(is an ALB?, why, its IngressClass object, its controller entry)."""
        ing = self.data["ingress"]
        name_v = o.fields.get("ingressClassName") or o.annotations.get(ing["class_annotation"])
        name = _text(name_v)
        controllers = {c["value"]: c for c in ing["controller"]}
        if name_v is not None and name is None:
            return None, f"the ingress class: {_reason(name_v.value)}", None, None
        if name is None:  # the cluster's default class, when the input defines one
            for candidate in classes.values():
                flag = candidate.annotations.get(ing["default_class_annotation"])
                if _text(flag) == "true":
                    name = candidate.name
        if name is None:
            return None, "no ingress class", None, None
        cls = classes.get(name)
        if cls is not None:
            controller = _text(cls.fields.get("controller"))
            entry = controllers.get(controller or "")
            if entry is None:
                return False, f"IngressClass {name} belongs to {controller}", cls, None
            return True, f"IngressClass {name}: an ALB made by {entry['controller']}", cls, entry
        if name in ing["default_class_names"]:
            return (
                True,
                f"ingress class {name}: an ALB made by the AWS Load Balancer Controller",
                None,
                None,
            )
        return False, f"ingress class {name} is not known to be an AWS controller's", None, None

    def ingress(
        self,
        o: K8sObject,
        classes: Mapping[str, K8sObject],
        params: Mapping[str, K8sObject],
    ) -> None:
        ing = self.data["ingress"]
        is_alb, why, cls, entry = self.ingress_class(o, classes)
        cert_v = o.annotations.get(ing["certificate_arn"]) or o.fields.get(UNKNOWN_ANNOTATIONS)
        policy_v = o.annotations.get(ing["ssl_policy"])
        param_obj = None
        if cls is not None and entry is not None:
            ref = cls.fields.get("parameters")
            param_name = ref.value.get("name") if ref and isinstance(ref.value, Mapping) else None
            param_obj = params.get(param_name) if isinstance(param_name, str) else None
        if param_obj is not None and entry is not None:
            # The parameters' fields override the Ingress annotations.
            cert_v = param_obj.fields.get(entry["params_certificates"]) or cert_v
            policy_v = param_obj.fields.get(entry["params_ssl_policy"]) or policy_v
        if is_alb is False:
            return  # nginx, traefik, ...: not an AWS load balancer
        unknown = cert_v is not None and cert_v is o.fields.get(UNKNOWN_ANNOTATIONS)
        if is_alb is None and (cert_v is None or unknown):
            return  # no AWS class and no AWS certificate annotation: nothing of ours
        if is_alb is None:
            # Only the AWS controllers read alb.ingress.kubernetes.io/certificate-arn.
            why = f"{why}, but {ing['certificate_arn']} is read only by the ALB controllers"
        https = cert_v is not None or self._asks_https(o)
        if not https:
            return
        ep = self.endpoint(o, Target.ALB, why, protocol="HTTPS", ssl_policy=_text(policy_v))
        if cert_v is not None:
            if not self.unknown_annotations(ep, cert_v, o):
                self.bind_list(ep, cert_v, "certificate-arn", o.callers)
            return
        reason = (
            "no certificate ARN is given, so the controller discovers certificates in ACM by the "
            "Ingress's host names when it deploys; name them with the "
            f"{ing['certificate_arn']} annotation to have them checked"
        )
        # where HTTPS is asked for: the listen-ports annotation, else spec.tls
        asked = o.annotations.get(ing["listen_ports"]) or o.fields.get("tls")
        where = asked.location if asked is not None else o.location
        self.model.bindings.append(
            Binding(ep, None, where, unresolved_reason=reason, callers=o.callers)
        )

    def _asks_https(self, o: K8sObject) -> bool:
        """An Ingress with spec.tls, or listen-ports naming HTTPS, has an HTTPS listener."""
        if "tls" in o.fields:
            return True
        ports = _text(o.annotations.get(self.data["ingress"]["listen_ports"]))
        if ports is None:
            return False
        try:
            parsed = json.loads(ports)
        except ValueError:
            return "HTTPS" in ports.upper()
        return isinstance(parsed, list) and any(
            isinstance(p, Mapping) and any(str(k).upper() == "HTTPS" for k in p) for p in parsed
        )


def interpret(
    objects: list[K8sObject], resolve: Resolver, service_load_balancer: str | None = None
) -> Model:
    """The endpoints and bindings of `objects` (certificates come from `resolve`)."""
    return Interpreter(resolve, service_load_balancer).run(objects)


# -- objects from manifests (dicts, as YAML, JSON, kubernetes_manifest and CDK give them) ----

Locate = Callable[[Any, str | None], Location]


def objects_from_manifest(
    doc: Any,
    locate: Locate,
    address: Callable[[str, str], str] | None = None,
    callers: tuple[Location, ...] = (),
    depth: int = 0,
) -> list[K8sObject]:
    """The K8sObjects in one manifest document: an object, or a `List` (`kind: List`,
    `ServiceList`, ...) of them. `locate(container, key)` says where a key was written."""
    if not isinstance(doc, Mapping) or depth > 5:
        return []
    kind = doc.get("kind")
    items = doc.get("items")
    if isinstance(kind, str) and kind.endswith("List") and isinstance(items, list):
        out: list[K8sObject] = []
        for item in items:
            out.extend(objects_from_manifest(item, locate, address, callers, depth + 1))
        return out
    if kind not in ("Service", "Ingress", "IngressClass", "IngressClassParams"):
        return []
    meta = doc.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    spec = doc.get("spec")
    spec = spec if isinstance(spec, Mapping) else {}
    name = meta.get("name") if isinstance(meta.get("name"), str) else "(unnamed)"
    ns = meta.get("namespace")
    full = f"{ns}/{name}" if isinstance(ns, str) and kind in ("Service", "Ingress") else str(name)
    obj = K8sObject(
        kind=str(kind),
        name=str(name),
        address=address(str(kind), full) if address else f"{kind} {full}",
        location=locate(doc, "kind"),
        callers=callers,
    )
    annotations = meta.get("annotations")
    if isinstance(annotations, Mapping):
        for key, value in annotations.items():
            obj.annotations[str(key)] = Value(value, locate(annotations, str(key)))
    for key, value in spec.items():
        obj.fields[str(key)] = Value(value, locate(spec, str(key)))
    return [obj]


# -- Helm chart values (Terraform helm_release, the CDK's add_helm_chart) --------------------
# A chart's templates decide what its values become, and certfit does not render charts. What
# is sound without them: an `annotations` map in the values that holds a certificate annotation
# belongs to the object that annotation is read on (a Service for ssl-cert, an ALB Ingress for
# certificate-arn), so it is judged as that object with its sibling annotations; the Service's
# type and class stay unknown (judged as the unannotated case: Classic LB or NLB, both).


class ChartDecides:
    """A value only the chart's templates know."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


def annotation_maps(
    node: Any, path: tuple[str, ...] = (), depth: int = 0
) -> list[tuple[tuple[str, ...], Mapping[str, Any]]]:
    """Every mapping under a key `annotations` in parsed chart values, with its path."""
    found: list[tuple[tuple[str, ...], Mapping[str, Any]]] = []
    if isinstance(node, Mapping) and depth < 40:
        for key, value in node.items():
            if key == "annotations" and isinstance(value, Mapping):
                found.append((path, value))
            else:
                found.extend(annotation_maps(value, (*path, str(key)), depth + 1))
    elif isinstance(node, list) and depth < 40:
        for i, item in enumerate(node):
            found.extend(annotation_maps(item, (*path, str(i)), depth + 1))
    return found


def objects_from_chart_values(
    groups: Mapping[tuple[str, ...], Mapping[str, Value]],
    location: Location,
    address: str,
    callers: tuple[Location, ...] = (),
) -> list[K8sObject]:
    """The Services and Ingresses that annotation maps (by their path in the values) stand
    for: only those holding a certificate annotation."""
    cert_keys = {
        data()["service"]["ssl_cert"]: "Service",
        data()["ingress"]["certificate_arn"]: "Ingress",
    }
    objects: list[K8sObject] = []
    for path, found in groups.items():
        for kind in sorted({cert_keys[k] for k in found if k in cert_keys}):
            where = ".".join(path) or "values"
            obj = K8sObject(
                kind=kind,
                name=where,
                address=f"{address} ({where})",
                location=location,
                annotations=dict(found),
                callers=callers,
            )
            if kind == "Service":
                reason = "the chart's templates decide the Service's type"
                obj.fields["type"] = Value(ChartDecides(reason), location)
            objects.append(obj)
    return objects
