"""Turn resource instances into the shared model: certificates, endpoints and bindings.

This is where Terraform's resource types are understood. Nothing here judges: a key that is
known becomes a KeyInfo (or PEM bytes for the engine to inspect), what is not known becomes an
`unknown_reason` or an `unresolved_reason` that says how to make it known.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from linter.keys import key_info_from_acm_name, key_info_from_tls_private_key
from linter.kubernetes.interpret import K8sObject, interpret
from linter.mappings import certificate_from_arn
from linter.model import (
    Binding,
    Certificate,
    Delivery,
    Endpoint,
    KeySource,
    LiveLookup,
    Location,
    MaterialProblem,
    Model,
    Pem,
    Target,
)
from linter.taint import WHY_HIDDEN, as_written, cert_key, is_tainted, named, plain, taint
from linter.terraform import consumers
from linter.terraform.blocks import Attr, Block
from linter.terraform.consumers import CONSUMER_TYPES
from linter.terraform.evaluate import Computed, Text, Unknown
from linter.terraform.kubernetes import K8S_TYPES, k8s_objects
from linter.terraform.modules import (
    FileProblem,
    Loader,
    ModuleCall,
    ModuleInstance,
    ResourceCollection,
    ResourceInstance,
    Scope,
    expand,
)
from linter.terraform.reach import (
    Call,
    DirFacts,
    LazyFacts,
    calls_of,
    cycle_error,
    local_call,
    reaches_relevant,
)

LISTENER_TYPES = {"aws_lb_listener", "aws_alb_listener"}
LISTENER_CERT_TYPES = {"aws_lb_listener_certificate", "aws_alb_listener_certificate"}
ENDPOINT_TYPES = LISTENER_TYPES | {
    "aws_elb",
    "aws_cloudfront_distribution",
    "aws_api_gateway_domain_name",
    "aws_apigatewayv2_domain_name",
}
CERT_TYPES = {"aws_acm_certificate", "aws_iam_server_certificate"}
RELEVANT_TYPES = ENDPOINT_TYPES | LISTENER_CERT_TYPES | CERT_TYPES | K8S_TYPES | CONSUMER_TYPES
HOW = (
    "pass it with --var/--var-file or a tfvars file, lint a plan file, or map the ARN in "
    ".certfit.hcl"
)


def _s(v: Any) -> str | None:
    return v if isinstance(v, str) else None


class Extractor:
    def __init__(self, loader: Loader, facts: Mapping[str, DirFacts] | None = None) -> None:
        self.loader = loader
        self._known = facts or {}  # directories a survey has read: their facts
        self.model = Model()
        self._certs: dict[int, Certificate] = {}
        self._arn_certs: dict[Any, Certificate] = {}
        self._endpoints: dict[int, list[Endpoint]] = {}
        self._walked: set[int] = set()
        self._k8s: list[K8sObject] = []
        self._relevant: dict[str, bool] = {}  # module directory -> defines what is read

    # -- walk -------------------------------------------------------------------------------
    def walk(self, mod: ModuleInstance) -> None:
        for coll in mod.resource_collections(RELEVANT_TYPES):
            for inst in coll.instances().values():
                self.instance(inst)
        for name in mod.dir.module_calls:
            if not self.relevant(mod, name):
                continue
            call = mod.module_call(name)
            if not isinstance(call, ModuleCall):
                continue
            instances = call.instances()
            if isinstance(instances, Unknown):
                continue
            for child in instances.values():
                self.walk(child)

    def relevant(self, mod: ModuleInstance, name: str) -> bool:
        """Does the module called `name` (or anything it calls) define certificates or
        endpoints? Decided by the scanner alone, without parsing, once per directory."""
        path = local_call(self.loader, mod.dir, mod.dir.module_calls[name])
        if not isinstance(path, Path):
            return path
        key = str(path)
        if key not in self._relevant:
            self._relevant[key] = reaches_relevant(
                key,
                str(mod.dir.path),
                self._facts,
                self.loader.options.limits.depth,
                self._cycle,
            )
        return self._relevant[key]

    def _facts(self, key: str) -> DirFacts | LazyFacts:
        known = self._known.get(key)
        if known is not None:
            return known
        child = self.loader.dir(Path(key))
        relevant = child.defines_any(RELEVANT_TYPES)
        return LazyFacts(relevant, calls_of(self.loader, child))

    def _cycle(self, call: Call) -> None:
        e = cycle_error(call)
        self.loader.error(e.summary, e.message, e.location)

    def instance(self, inst: ResourceInstance) -> None:
        if id(inst) in self._walked:
            return
        self._walked.add(id(inst))
        model = self.model
        marks = (len(model.endpoints), len(model.bindings))
        try:
            self._instance(inst)
        except Exception as e:  # a bug here must not stop the rest of the tree
            # What the failed read added is taken back: a listener read half-way would be
            # judged as one without a certificate. The error says it was not read.
            del model.endpoints[marks[0] :]
            del model.bindings[marks[1] :]
            self._endpoints.pop(id(inst), None)
            self.loader.error(
                "resource could not be read",
                f"{inst.address}: internal error ({type(e).__name__}); please report it",
                inst.location(),
            )

    def _instance(self, inst: ResourceInstance) -> None:
        t = inst.type
        if inst.mode == "managed" and t in CERT_TYPES:
            self.certificate(inst)
        elif t in LISTENER_TYPES:
            self.listener(inst)
        elif t in LISTENER_CERT_TYPES:
            self.listener_certificate(inst)
        elif t == "aws_elb":
            self.classic_lb(inst)
        elif t == "aws_cloudfront_distribution":
            self.cloudfront(inst)
        elif t == "aws_api_gateway_domain_name":
            self.api_gateway(inst)
        elif t == "aws_apigatewayv2_domain_name":
            self.api_gateway_v2(inst)
        elif t in K8S_TYPES:
            self._k8s.extend(k8s_objects(inst))
        elif t in CONSUMER_TYPES and inst.mode == "managed":
            consumers.read(self, inst)

    def finish(self) -> None:
        """Kubernetes objects are interpreted together (an Ingress names its IngressClass)."""
        if not self._k8s:
            return

        def resolve(value: Any, loc: Location, what: str) -> tuple[Certificate | None, str | None]:
            return self.cert_for(value, loc)

        found = interpret(self._k8s, resolve, self.loader.options.kubernetes_service_lb)
        self.model.endpoints.extend(found.endpoints)
        self.model.bindings.extend(found.bindings)
        self._k8s = []

    # -- certificates -----------------------------------------------------------------------
    def certificate(self, inst: ResourceInstance) -> Certificate:
        if id(inst) in self._certs:
            return self._certs[id(inst)]
        blk = inst.block
        attrs = blk.attrs if blk else {}
        t = inst.type
        if inst.mode == "data":
            cert = self._data_certificate(inst, attrs)
        elif t == "aws_iam_server_certificate" or (
            "certificate_body" in attrs or "private_key" in attrs
        ):
            delivery = Delivery.IAM if t == "aws_iam_server_certificate" else Delivery.ACM_IMPORT
            cert = Certificate(inst.address, delivery, inst.location(), callers=inst.mod.callers)
            if t == "aws_iam_server_certificate":
                path = inst.attr("path")
                cert.iam_path = path if isinstance(path, str) else ("/" if path is None else None)
            self._material(inst, cert, attrs)
        else:
            cert = Certificate(
                inst.address, Delivery.ACM_REQUEST, inst.location(), callers=inst.mod.callers
            )
            algo = inst.attr("key_algorithm")
            if algo is None:
                algo = "RSA_2048"
            if isinstance(algo, str):
                cert.key = key_info_from_acm_name(algo, KeySource.ACM_KEY_ALGORITHM)
                if cert.key is None:
                    cert.unknown_reason = (
                        f"key_algorithm {named(algo, _expr(attrs, 'key_algorithm'))} is not one "
                        f"of ACM's names" + (f" ({WHY_HIDDEN})" if is_tainted(algo) else "")
                    )
            else:
                cert.unknown_reason = f"key_algorithm is not known: {_reason(algo)}"
        if cert.delivery is not Delivery.IAM:
            cert.region = inst.region
        self._certs[id(inst)] = cert
        self.model.certificates.append(cert)
        return cert

    def _data_certificate(self, inst: ResourceInstance, attrs: dict[str, Attr]) -> Certificate:
        if inst.type == "aws_iam_server_certificate":
            cert = Certificate(
                inst.address, Delivery.IAM, inst.location(), callers=inst.mod.callers
            )
            cert.unknown_reason = (
                "an existing IAM server certificate looked up by name: map its ARN in "
                ".certfit.hcl, lint a plan, or run with --aws"
            )
            name = inst.attr("name")
            if isinstance(name, str) and name:
                cert.lookup = LiveLookup("iam-name", name)
            return cert
        cert = Certificate(
            inst.address, Delivery.ACM_UNKNOWN, inst.location(), callers=inst.mod.callers
        )
        types = inst.attr("key_types")
        cert.lookup = _acm_search(inst, types)
        if types is None:
            cert.key = key_info_from_acm_name("RSA_2048", KeySource.ACM_DEFAULT)
        elif isinstance(types, list) and len(types) == 1 and isinstance(types[0], str):
            cert.key = key_info_from_acm_name(types[0], KeySource.KEY_TYPES_FILTER)
            if cert.key is None:
                cert.unknown_reason = (
                    f"key_types names {named(types[0], _expr(attrs, 'key_types'))}, not an ACM "
                    "key type" + (f" ({WHY_HIDDEN})" if is_tainted(types[0]) else "")
                )
        elif isinstance(types, list) and not types:
            cert.key = key_info_from_acm_name("RSA_2048", KeySource.ACM_DEFAULT)
        elif isinstance(types, list):
            cert.unknown_reason = (
                "key_types lists several key types: the certificate found may have any of them"
            )
        else:
            cert.unknown_reason = f"key_types is not known: {_reason(types)}"
        return cert

    def _material(self, inst: ResourceInstance, cert: Certificate, attrs: dict[str, Attr]) -> None:
        for name, slot in (
            ("certificate_body", "certificate_pem"),
            ("certificate_chain", "chain_pem"),
            ("private_key", "private_key_pem"),
        ):
            attr = attrs.get(name)
            if attr is None:
                continue
            loc = inst.location(attr)
            value = inst.attr(name)
            if isinstance(value, FileProblem):
                cert.problems.append(MaterialProblem(value.reason, loc))
            elif isinstance(value, Text) and value.origin is not None:
                setattr(cert, slot, Pem(value.encode("latin-1"), value.origin))
                cert.related.append(value.origin)
            elif isinstance(value, str):
                setattr(cert, slot, Pem(value.encode("utf-8"), loc))
            elif isinstance(value, Computed) and name == "certificate_body":
                self._tls_key(value, cert)
            elif isinstance(value, Unknown) and name == "certificate_body":
                cert.unknown_reason = f"certificate_body is not known: {value.reason}"
            elif isinstance(value, Unknown) and cert.key is None and not cert.unknown_reason:
                cert.unknown_reason = f"{name} is not known: {value.reason}"

    def _tls_key(self, value: Computed, cert: Certificate) -> None:
        """certificate_body = tls_self_signed_cert.x.cert_pem (or tls_locally_signed_cert):
        the key is the tls_private_key behind it."""
        owner = value.owner
        if not isinstance(owner, ResourceInstance) or value.attr != "cert_pem":
            cert.unknown_reason = f"{value.describe()} is only known after apply"
            return
        key_ref: Any = None
        if owner.type == "tls_self_signed_cert":
            key_ref = owner.attr("private_key_pem")
        elif owner.type == "tls_locally_signed_cert":
            req = owner.attr("cert_request_pem")
            if isinstance(req, Computed) and isinstance(req.owner, ResourceInstance):
                cert.related.append(req.owner.location())
                key_ref = req.owner.attr("private_key_pem")
        else:
            cert.unknown_reason = f"{value.describe()} is only known after apply"
            return
        cert.related.append(owner.location())
        if isinstance(key_ref, Computed) and isinstance(key_ref.owner, ResourceInstance):
            key = key_ref.owner
            if key.type == "tls_private_key" and key_ref.attr.startswith("private_key_pem"):
                cert.related.append(key.location())
                algo, bits, curve = (
                    key.attr("algorithm"),
                    key.attr("rsa_bits"),
                    key.attr("ecdsa_curve"),
                )
                for what, v in (("algorithm", algo), ("rsa_bits", bits), ("ecdsa_curve", curve)):
                    if isinstance(v, Unknown):
                        cert.unknown_reason = f"{key.address}.{what} is not known: {v.reason}"
                        return
                if not isinstance(algo, str):
                    cert.unknown_reason = f"{key.address}.algorithm is not set"
                    return
                cert.key = key_info_from_tls_private_key(
                    algo, int(bits) if isinstance(bits, int | float) else None, _s(curve)
                )
                if cert.key is None:
                    cert.unknown_reason = f"tls_private_key algorithm {named(algo)} is not known"
                return
        cert.unknown_reason = (
            f"the private key behind {owner.address} is not a tls_private_key in this "
            f"configuration: {_reason(key_ref)}"
        )

    def cert_for(
        self, value: Any, loc: Location, expr: str = ""
    ) -> tuple[Certificate | None, str | None]:
        """The certificate a binding attribute names, or why it cannot be told. A tainted
        reference is still followed (a mapping may know it) and named by `expr`."""
        if is_tainted(value) and expr:
            value = taint(plain(value), as_written(expr))
        if isinstance(value, Computed) and isinstance(value.owner, ResourceInstance):
            owner = value.owner
            if owner.type in CERT_TYPES:
                return self.certificate(owner), None
            return None, (f"{value.describe()} is not a certificate this linter can follow; {HOW}")
        if isinstance(value, str) and value:
            key = cert_key(value)
            if key not in self._arn_certs:
                cert = certificate_from_arn(value, loc, self.loader.options)
                self._arn_certs[key] = cert
                self.model.certificates.append(cert)
            return self._arn_certs[key], None
        if isinstance(value, Unknown):
            hint = "" if "set it with" in value.reason else f"; {HOW}"
            return None, f"{value.reason}{hint}"
        if isinstance(value, list):
            return None, "the certificate reference is a list, not one certificate"
        return None, f"the certificate reference could not be evaluated; {HOW}"

    def bind(
        self, endpoint: Endpoint, inst: ResourceInstance, attr: Attr, value: Any, role: str
    ) -> None:
        loc = inst.location(attr)
        cert, reason = self.cert_for(value, loc, attr.expr)
        lookup = _ssm_lookup(value) if cert is None else None
        self.model.bindings.append(
            Binding(endpoint, cert, loc, role, reason, callers=inst.mod.callers, lookup=lookup)
        )

    # -- endpoints --------------------------------------------------------------------------
    def _endpoint(self, inst: ResourceInstance, **kw: Any) -> Endpoint:
        kw.setdefault("region", inst.region)
        ep = Endpoint(inst.address, location=inst.location(), callers=inst.mod.callers, **kw)
        self.model.endpoints.append(ep)
        return ep

    def listener(self, inst: ResourceInstance) -> Endpoint | None:
        if id(inst) in self._endpoints:
            eps = self._endpoints[id(inst)]
            return eps[0] if eps else None
        self._endpoints[id(inst)] = []
        blk = inst.block
        if blk is None:
            return None
        proto = inst.attr("protocol")
        proto_s = proto.upper() if isinstance(proto, str) else None
        cert_attr = blk.attrs.get("certificate_arn")
        if proto_s not in ("HTTPS", "TLS") and not (proto_s is None and cert_attr):
            return None
        target, reason = self._lb_target(inst, proto_s)
        policy = inst.attr("ssl_policy")
        ep = self._endpoint(
            inst,
            target=target,
            protocol=proto_s,
            ssl_policy=_s(policy),
            certificate_required=proto_s in ("HTTPS", "TLS"),
            target_reason=reason,
        )
        lb = inst.attr("load_balancer_arn")
        if isinstance(lb, str) and lb.startswith("arn:"):
            ep.lookup = LiveLookup("load-balancer", lb, inst.region)
        self._endpoints[id(inst)] = [ep]
        if cert_attr is not None:
            value = inst.attr("certificate_arn")
            if value is not None and value != "":
                self.bind(ep, inst, cert_attr, value, "default")
        return ep

    def _lb_target(self, inst: ResourceInstance, proto: str | None) -> tuple[Target | None, str]:
        lb = inst.attr("load_balancer_arn")
        why = ""
        if isinstance(lb, Computed) and isinstance(lb.owner, ResourceInstance):
            owner = lb.owner
            if owner.type in ("aws_lb", "aws_alb") and owner.mode == "managed":
                t = owner.attr("load_balancer_type")
                if t is None:
                    return Target.ALB, f"{owner.address} load_balancer_type defaults to application"
                if isinstance(t, str):
                    m = {"application": Target.ALB, "network": Target.NLB}
                    if t in m:
                        return m[t], f'{owner.address} load_balancer_type = "{t}"'
                    why = f"load_balancer_type {t!r}"
                else:
                    why = (
                        f"load_balancer_type is not known ({t.reason})"
                        if isinstance(t, Unknown)
                        else "load_balancer_type is not a string"
                    )
            else:
                why = f"the load balancer is {owner.address}"
        elif isinstance(lb, Unknown):
            why = f"the load balancer is not known ({lb.reason})"
        elif isinstance(lb, str) and target_from_arn(lb) is not None:
            return target_from_arn(lb), "the load balancer ARN names its type"
        else:
            why = "the load balancer is not in this configuration"
        if proto == "HTTPS":
            return Target.ALB, f"protocol HTTPS ({why})"
        if proto == "TLS":
            return Target.NLB, f"protocol TLS ({why})"
        return None, why

    def listener_certificate(self, inst: ResourceInstance) -> None:
        blk = inst.block
        if blk is None or "certificate_arn" not in blk.attrs:
            return
        listener = inst.attr("listener_arn")
        ep: Endpoint | None = None
        if (
            isinstance(listener, Computed)
            and isinstance(listener.owner, ResourceInstance)
            and listener.owner.type in LISTENER_TYPES
        ):
            ep = self.listener(listener.owner)
        if ep is None:
            reason = listener.reason if isinstance(listener, Unknown) else "not in this module"
            ep = self._endpoint(
                inst,
                target=target_from_arn(listener) if isinstance(listener, str) else None,
                certificate_required=False,
                target_reason=f"the listener could not be followed: {reason}",
            )
        self.bind(
            ep, inst, blk.attrs["certificate_arn"], inst.attr("certificate_arn"), "additional"
        )

    def classic_lb(self, inst: ResourceInstance) -> None:
        blk = inst.block
        if blk is None:
            return
        for i, (lblk, scope) in enumerate(_dynamic(inst, blk, "listener")):
            proto = (
                scope.eval_attr(lblk.attrs["lb_protocol"], inst.file)
                if ("lb_protocol" in lblk.attrs)
                else None
            )
            proto_s = proto.upper() if isinstance(proto, str) else None
            cert_attr = lblk.attrs.get("ssl_certificate_id")
            if proto_s not in ("HTTPS", "SSL") and not (proto_s is None and cert_attr):
                continue
            port = (
                scope.eval_attr(lblk.attrs["lb_port"], inst.file) if "lb_port" in lblk.attrs else i
            )
            policy, suites = self._clb_policy(inst, port)
            ep = Endpoint(
                f"{inst.address} listener {port if isinstance(port, int | str) else i}",
                Target.CLB,
                inst.location(lblk),
                protocol=proto_s,
                ssl_policy=policy,
                cipher_suites=suites,
                certificate_required=proto_s in ("HTTPS", "SSL"),
                target_reason="aws_elb (Classic Load Balancer)",
                region=inst.region,
                callers=inst.mod.callers,
            )
            self.model.endpoints.append(ep)
            if cert_attr is not None:
                value = scope.eval_attr(cert_attr, inst.file)
                if value is not None and value != "":
                    self.bind(ep, inst, cert_attr, value, "default")

    def _clb_policy(
        self, elb: ResourceInstance, port: Any
    ) -> tuple[str | None, frozenset[str] | None]:
        """The SSL negotiation policy of a Classic LB listener, from
        aws_lb_ssl_negotiation_policy or aws_load_balancer_policy + _listener_policy in the
        same module: a predefined policy's name, or a custom policy's cipher suites."""
        name = elb.attr("name")

        def is_this_lb(v: Any) -> bool:
            if isinstance(v, Computed):
                return v.owner is elb
            return isinstance(v, str) and v == name

        mod = elb.mod
        for inst in _instances_of(mod, "aws_lb_ssl_negotiation_policy"):
            if is_this_lb(inst.attr("load_balancer")) and inst.attr("lb_port") == port:
                return _negotiation(inst, "attribute", _s(inst.attr("name")) or inst.address)
        wanted: list[Any] = []
        for inst in _instances_of(mod, "aws_load_balancer_listener_policy"):
            if (
                is_this_lb(inst.attr("load_balancer_name"))
                and inst.attr("load_balancer_port") == port
            ):
                names = inst.attr("policy_names")
                wanted = names if isinstance(names, list) else []
        for inst in _instances_of(mod, "aws_load_balancer_policy"):
            if inst.attr("policy_type_name") != "SSLNegotiationPolicyType":
                continue
            if inst.attr("policy_name") in wanted or any(
                isinstance(w, Computed) and w.owner is inst for w in wanted
            ):
                return _negotiation(
                    inst, "policy_attribute", _s(inst.attr("policy_name")) or inst.address
                )
        return None, None

    def cloudfront(self, inst: ResourceInstance) -> None:
        blk = inst.block
        if blk is None:
            return
        for vblk, scope in _dynamic(inst, blk, "viewer_certificate"):
            policy = (
                scope.eval_attr(vblk.attrs["minimum_protocol_version"], inst.file)
                if "minimum_protocol_version" in vblk.attrs
                else None
            )
            acm = vblk.attrs.get("acm_certificate_arn")
            iam = vblk.attrs.get("iam_certificate_id")
            given = [scope.eval_attr(a, inst.file) for a in (acm, iam) if a is not None]
            ep = Endpoint(
                inst.address,
                Target.CLOUDFRONT,
                inst.location(vblk),
                protocol="HTTPS",
                ssl_policy=_s(policy),
                # alternate domain names need a certificate of their own; the default
                # *.cloudfront.net one (cloudfront_default_certificate) is refused for them
                certificate_required=_known_nonempty(inst.attr("aliases"))
                and all(_absent(v) for v in given),
                target_reason="aws_cloudfront_distribution",
                region="us-east-1",
                callers=inst.mod.callers,
            )
            self.model.endpoints.append(ep)
            for attr, value in zip([a for a in (acm, iam) if a is not None], given, strict=True):
                if value is not None and value != "":
                    self.bind(ep, inst, attr, value, "default")

    def api_gateway(self, inst: ResourceInstance) -> None:
        blk = inst.block
        if blk is None:
            return
        policy = _s(inst.attr("security_policy"))
        # A PRIVATE domain (private REST APIs) takes its regional certificate in certificate_arn.
        conf = blk.block("endpoint_configuration")
        types = (
            inst.scope().eval_attr(conf.attrs["types"], inst.file)
            if conf is not None and "types" in conf.attrs
            else None
        )
        private = isinstance(types, list) and "PRIVATE" in [str(t).upper() for t in types]
        # certificate_name/_body: the deprecated upload of the certificate itself (edge)
        given = ("certificate_arn", "regional_certificate_arn", "certificate_name")
        if all(_absent(inst.attr(n)) for n in (*given, "certificate_body")):
            # no certificate at all: API Gateway refuses the domain name at deploy
            regional = _regional_domain(inst, blk)
            target = Target.APIGATEWAY_REGIONAL if regional else Target.APIGATEWAY_EDGE
            self._endpoint(
                inst,
                target=Target.APIGATEWAY_PRIVATE if private else target,
                protocol="HTTPS",
                ssl_policy=policy,
                certificate_required=True,
                target_reason="aws_api_gateway_domain_name endpoint_configuration "
                + ("REGIONAL/PRIVATE" if regional else "EDGE (the default)"),
            )
            return
        for name, target in (
            ("certificate_arn", Target.APIGATEWAY_PRIVATE if private else Target.APIGATEWAY_EDGE),
            ("regional_certificate_arn", Target.APIGATEWAY_REGIONAL),
        ):
            attr = blk.attrs.get(name)
            if attr is None:
                continue
            value = inst.attr(name)
            if value is None or value == "":
                continue
            ep = self._endpoint(
                inst,
                target=target,
                protocol="HTTPS",
                ssl_policy=policy,
                certificate_required=False,
                target_reason=f"aws_api_gateway_domain_name {name}"
                + (" (endpoint type PRIVATE)" if private else ""),
            )
            self.bind(ep, inst, attr, value, "default")

    def api_gateway_v2(self, inst: ResourceInstance) -> None:
        blk = inst.block
        if blk is None:
            return
        configs = _dynamic(inst, blk, "domain_name_configuration")
        configured_otherwise = "domain_name_configuration" in blk.attrs or any(
            b.type == "dynamic" for b in blk.blocks
        )
        if not configs and not configured_otherwise:
            configs = [(blk, inst.scope())]  # no configuration: no certificate either
        for cblk, scope in configs:
            attr = cblk.attrs.get("certificate_arn") if cblk is not blk else None
            value = scope.eval_attr(attr, inst.file) if attr is not None else None
            policy = (
                scope.eval_attr(cblk.attrs["security_policy"], inst.file)
                if "security_policy" in cblk.attrs
                else None
            )
            ep = Endpoint(
                inst.address,
                Target.APIGATEWAY_REGIONAL,
                inst.location(cblk),
                protocol="HTTPS",
                ssl_policy=_s(policy),
                certificate_required=_absent(value),
                target_reason="aws_apigatewayv2_domain_name (regional)",
                region=inst.region,
                callers=inst.mod.callers,
            )
            self.model.endpoints.append(ep)
            if attr is not None and value is not None and value != "":
                self.bind(ep, inst, attr, value, "default")


def _absent(value: Any) -> bool:
    """Not set, null or empty: a certificate attribute that gives no certificate. An unknown
    value is not absent (it may be set at apply)."""
    return value is None or value == "" or value == []


def _known_nonempty(value: Any) -> bool:
    return isinstance(value, list) and any(not _absent(v) for v in value)


def _regional_domain(inst: ResourceInstance, blk: Block) -> bool:
    """aws_api_gateway_domain_name: endpoint_configuration { types = ["REGIONAL"] } (or
    PRIVATE) is a regional domain; none, or EDGE, is edge-optimized."""
    for cblk, scope in _dynamic(inst, blk, "endpoint_configuration"):
        types = scope.eval_attr(cblk.attrs["types"], inst.file) if "types" in cblk.attrs else None
        if isinstance(types, list) and any(
            isinstance(t, str) and t.upper() in ("REGIONAL", "PRIVATE") for t in types
        ):
            return True
    return False


def _dynamic(inst: ResourceInstance, blk: Block, type_: str) -> list[tuple[Block, Scope]]:
    """Nested blocks of `type_`, static and from `dynamic "type_"` (one per element)."""
    out: list[tuple[Block, Scope]] = [(b, inst.scope()) for b in blk.all(type_)]
    for dyn in blk.all("dynamic"):
        if dyn.labels[:1] != (type_,):
            continue
        content = dyn.block("content")
        if content is None:
            continue
        iterator = type_
        if "iterator" in dyn.attrs:
            iterator = dyn.attrs["iterator"].expr.strip()
        exp = expand(inst.scope(), dyn, inst.file, inst.mod.loader)
        for _key, names in exp.items():
            each = names.get("each", {})
            out.append((content, inst.scope({iterator: each})))
    return out


def _acm_search(inst: ResourceInstance, key_types: Any) -> LiveLookup | None:
    """What `--aws` asks ListCertificates for a `data "aws_acm_certificate"` (the provider's
    own filters), or None when the domain is not known."""
    domain = inst.attr("domain")
    if not isinstance(domain, str) or not domain:
        return None
    filters: list[tuple[str, tuple[str, ...]]] = []
    for name, value in (
        ("statuses", inst.attr("statuses")),
        ("types", inst.attr("types")),
        ("key_types", key_types),
    ):
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            filters.append((name, tuple(value)))
        elif value is not None:
            return None  # a filter that is not known: the search would not be the provider's
    most_recent = inst.attr("most_recent")
    if isinstance(most_recent, bool):
        filters.append(("most_recent", ("true" if most_recent else "false",)))
    return LiveLookup("acm-search", domain, inst.region, tuple(filters))


def _ssm_lookup(value: Any) -> LiveLookup | None:
    """`certificate_arn = data.aws_ssm_parameter.x.value`: where `--aws` finds the ARN."""
    if not isinstance(value, Computed) or not isinstance(value.owner, ResourceInstance):
        return None
    owner = value.owner
    if (
        owner.mode != "data"
        or owner.type != "aws_ssm_parameter"
        or value.attr
        not in (
            "value",
            "insecure_value",
        )
    ):
        return None
    name = owner.attr("name")
    return LiveLookup("ssm", name, owner.region) if isinstance(name, str) and name else None


def target_from_arn(arn: str) -> Target | None:
    """ALB or NLB from an Elastic Load Balancing ARN: loadbalancer/app/..., listener/net/..."""
    if not arn.startswith("arn:") or ":elasticloadbalancing:" not in arn:
        return None
    resource = arn.split(":", 5)[-1]
    kind = resource.split("/")[1] if resource.count("/") >= 2 else ""
    return {"app": Target.ALB, "net": Target.NLB}.get(kind)


def _instances_of(mod: ModuleInstance, type_: str) -> list[ResourceInstance]:
    out: list[ResourceInstance] = []
    for mode, t, name in list(mod.dir.resources):
        if mode == "managed" and t == type_:
            coll = mod.resource(mode, t, name)
            if isinstance(coll, ResourceCollection):
                out.extend(coll.instances().values())
    return out


def _negotiation(
    inst: ResourceInstance, block_type: str, policy_name: str
) -> tuple[str | None, frozenset[str] | None]:
    blk = inst.block
    if blk is None:
        return None, None
    attrs: dict[str, Any] = {}
    for ablk, scope in _dynamic(inst, blk, block_type):
        if "name" in ablk.attrs:
            key = scope.eval_attr(ablk.attrs["name"], inst.file)
            value = (
                scope.eval_attr(ablk.attrs["value"], inst.file) if "value" in ablk.attrs else None
            )
            if isinstance(key, str):
                attrs[key] = value
    reference = attrs.get("Reference-Security-Policy")
    if isinstance(reference, str):
        return reference, None
    if any(isinstance(v, Unknown) for v in attrs.values()):
        return policy_name, None  # which suites are on is not known
    suites = frozenset(
        k
        for k, v in attrs.items()
        if (v if isinstance(v, str) else str(v)).lower() == "true"
        and not k.startswith("Protocol-")
        and k != "Server-Defined-Cipher-Order"
    )
    return policy_name, suites


def _expr(attrs: dict[str, Attr], name: str) -> str | None:
    attr = attrs.get(name)
    return attr.expr if attr is not None else None


def _reason(v: Any) -> str:
    if isinstance(v, Unknown):
        return v.reason
    if v is None:
        return "not set"
    return "not a plain value"
