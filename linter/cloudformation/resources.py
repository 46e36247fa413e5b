"""One CloudFormation template (as parsed values) -> certificates, endpoints and bindings.

Shared by plain templates, `cdk.out` and the CDK Aspect (which hands in the resolved properties
of one stack in the same shape), so that the CLI on `cdk.out` and `cdk synth` agree.
Never judges: it only says which certificate each TLS endpoint uses and what is known about it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from linter.cloudformation import consumers
from linter.cloudformation.cdk_metadata import CdkStackMetadata, add_acknowledgements
from linter.cloudformation.consumers import CONSUMER_TYPES
from linter.cloudformation.intrinsics import (
    CROSS_REGION_READER,
    CROSS_REGION_WRITER,
    NO_VALUE,
    Imported,
    ResourceRef,
    Scope,
    SsmValue,
    Unknown,
    ssm_reference,
)
from linter.cloudformation.kubernetes import (
    HELM_RESOURCE,
    K8S_RESOURCE,
    ManifestPieces,
    helm_chart_objects,
    manifest_objects,
)
from linter.cloudformation.parse import where
from linter.keys import key_info_from_acm_name
from linter.kubernetes.interpret import K8sObject, interpret
from linter.mappings import certificate_from_arn
from linter.model import (
    Binding,
    Certificate,
    Delivery,
    Endpoint,
    InputError,
    KeySource,
    LiveLookup,
    Location,
    Model,
    Pem,
    Severity,
    Suppression,
    Target,
)
from linter.options import LoadOptions

ACM = "AWS::CertificateManager::Certificate"
IAM_CERT = "AWS::IAM::ServerCertificate"
LISTENER = "AWS::ElasticLoadBalancingV2::Listener"
LISTENER_CERT = "AWS::ElasticLoadBalancingV2::ListenerCertificate"
ELBV2 = "AWS::ElasticLoadBalancingV2::LoadBalancer"
CLB = "AWS::ElasticLoadBalancing::LoadBalancer"
CLOUDFRONT = "AWS::CloudFront::Distribution"
APIGW = "AWS::ApiGateway::DomainName"
APIGW2 = "AWS::ApiGatewayV2::DomainName"

# Resource types this front end reads; the Aspect resolves only these (and their references).
RELEVANT_TYPES = frozenset(
    {ACM, IAM_CERT, LISTENER, LISTENER_CERT, ELBV2, CLB, CLOUDFRONT, APIGW, APIGW2, K8S_RESOURCE}
    | {HELM_RESOURCE}
    | CONSUMER_TYPES
)

# Resource types that carry cross-stack references (the CDK's cross-region export/import).
LINK_TYPES = frozenset({CROSS_REGION_READER, CROSS_REGION_WRITER})

METADATA_KEY = "certfit"  # resource Metadata: {"certfit": {"suppressions": [...]}}
CDK_PATH = "aws:cdk:path"


@dataclass(frozen=True)
class TemplateSource:
    """Where a template came from: `file` for locations (relative to the project root),
    the stack's environment when known (cdk.out manifests and the Aspect know it)."""

    file: str
    region: str | None = None
    account: str | None = None
    parameters: Mapping[str, str] | None = None  # overrides options.parameters (nested stacks)
    # A CDK stack: the assembly's construct paths and acknowledgements (cdk_metadata.py).
    cdk: CdkStackMetadata | None = field(default=None, compare=False, hash=False)


def _elb_kind(arn: str) -> Target | None:
    """ALB or NLB from a listener or load balancer ARN (`.../app/...`, `.../net/...`)."""
    if ":elasticloadbalancing:" not in arn:
        return None
    for marker, target in (("/app/", Target.ALB), ("/net/", Target.NLB)):
        if f":listener{marker}" in arn or f":loadbalancer{marker}" in arn:
            return target
    return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _escape(token: str) -> str:
    """A JSON pointer reference token (RFC 6901)."""
    return token.replace("~", "~0").replace("/", "~1")


def _path_to(tree: Any, node: Any) -> tuple[str | int, ...] | None:
    """The keys that lead from `tree` to `node` (by identity), or None."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(tree, ())]
    while stack:
        here, path = stack.pop()
        if here is node:
            return path
        if isinstance(here, Mapping):
            stack.extend((v, (*path, k)) for k, v in here.items())
        elif isinstance(here, list):
            stack.extend((v, (*path, i)) for i, v in enumerate(here))
    return None


class _Builder:
    def __init__(
        self,
        template: Mapping[str, Any],
        source: TemplateSource,
        options: LoadOptions,
        exports: dict[str, tuple[_Builder, Any]] | None = None,
    ):
        self.template = template
        # Export name -> (exporting template, raw value), shared by the templates read together.
        self.linked_exports = exports if exports is not None else {}
        self.source = source
        self.options = options
        self.model = Model()
        res = template.get("Resources")
        self.resources: Mapping[str, Any] = res if isinstance(res, Mapping) else {}
        params = template.get("Parameters")
        conds = template.get("Conditions")
        maps = template.get("Mappings")
        self.scope = Scope(
            resources=self.resources,
            parameters=params if isinstance(params, Mapping) else {},
            conditions=conds if isinstance(conds, Mapping) else {},
            mappings=maps if isinstance(maps, Mapping) else {},
            parameter_values=source.parameters
            if source.parameters is not None
            else options.parameters,
            region=source.region,
            account=source.account,
            bounds=options.limits,
        )
        self._past_limits: set[int | str] = set()  # nodes (or messages) reported past a limit
        self.certs: dict[str, Certificate] = {}
        self.arn_certs: dict[str, Certificate] = {}
        self.listeners: dict[str, Endpoint] = {}
        self.lids: list[str] = []

    # ------------------------------------------------------------------ helpers

    def resource(self, lid: str) -> Mapping[str, Any]:
        r = self.resources.get(lid)
        return r if isinstance(r, Mapping) else {}

    def rtype(self, lid: str) -> str:
        return str(self.resource(lid).get("Type", ""))

    def props(self, lid: str) -> Mapping[str, Any]:
        p = self.resource(lid).get("Properties")
        return p if isinstance(p, Mapping) else {}

    def cdk_path(self, lid: str) -> str | None:
        """The resource's construct path: its `aws:cdk:path` metadata (what `cdk synth`
        writes), else what the assembly's stack metadata says (a plain `app.synth()`)."""
        md = self.resource(lid).get("Metadata")
        path = _str(md.get(CDK_PATH)) if isinstance(md, Mapping) else None
        if path is None and self.source.cdk is not None:
            path = self.source.cdk.paths.get(lid)
        return path

    def address(self, lid: str) -> str:
        path = self.cdk_path(lid)
        if path:
            return path.removesuffix("/Resource").removesuffix("/Default")
        return lid

    def loc(self, lid: str, *path: str | int) -> Location:
        """Location of the deepest part of `Resources.lid.Properties.<path>` that exists."""
        container: Any = self.resources
        line, col = where(container, lid)
        node: Any = self.resources.get(lid)
        keys: list[str | int] = ["Properties", *path] if path else []
        pointer = f"/Resources/{_escape(lid)}"
        for key in keys:
            if (isinstance(node, Mapping) and isinstance(key, str) and key in node) or (
                isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)
            ):
                line, col = where(node, key) if where(node, key)[0] else (line, col)
                node = node[key]  # type: ignore[index]
                pointer += f"/{_escape(str(key))}"
            else:
                break
        return Location(
            self.source.file, line, col, construct_path=self.cdk_path(lid), pointer=pointer
        )

    def value(self, lid: str, *path: str | int) -> Any:
        """The evaluated value at `Properties.<path>`, None when absent."""
        node: Any = self.props(lid)
        for key in path:
            node = self._evaluate(node, lid, path)
            if isinstance(node, Unknown):
                return node
            if isinstance(node, Mapping) and isinstance(key, str):
                node = node.get(key)
            elif isinstance(node, list) and isinstance(key, int):
                node = node[key] if 0 <= key < len(node) else None
            else:
                return None
        result = self._evaluate(node, lid, path)
        return None if result is NO_VALUE else result

    def _evaluate(self, node: Any, lid: str, path: tuple[str | int, ...]) -> Any:
        """scope.evaluate, and an input error at the property when it went past a limit."""
        result = self.scope.evaluate(node)
        self._report_limit(lid, path)
        return result

    def _report_limit(self, lid: str, path: tuple[str | int, ...]) -> None:
        """An input error at the property (or resource) whose evaluation went past a limit,
        once per place it happened."""
        scope = self.scope
        if scope.exceeded is None:
            return
        node = scope.exceeded_node
        key = id(node) if node is not None else scope.exceeded
        if key in self._past_limits:
            return
        self._past_limits.add(key)
        where = _path_to(self.props(lid), node) if node is not None else None
        location = self.loc(lid, *(path if where is None else where))
        self.model.errors.append(InputError("input past a limit", scope.exceeded, location))

    def included(self, lid: str) -> bool:
        """False only when the resource's Condition is decided false."""
        cond = self.resource(lid).get("Condition")
        if not isinstance(cond, str):
            return True
        decided = self.scope.condition(cond)
        self._report_limit(lid, ())
        return decided is not False

    def exports(self) -> dict[str, Any]:
        """What this template exports: Outputs with Export.Name, and the CDK's cross-region
        writer (`Custom::CrossRegionExportWriter` WriterProps.exports)."""
        found: dict[str, Any] = {}
        outputs = self.template.get("Outputs")
        for out in outputs.values() if isinstance(outputs, Mapping) else []:
            export = out.get("Export") if isinstance(out, Mapping) else None
            name = self.scope.evaluate(export.get("Name")) if isinstance(export, Mapping) else None
            if isinstance(name, str) and "Value" in out:
                found[name] = out["Value"]
        for lid in self.resources:
            if self.rtype(lid) == CROSS_REGION_WRITER:
                writer = self.props(lid).get("WriterProps")
                values = writer.get("exports") if isinstance(writer, Mapping) else None
                if isinstance(values, Mapping):
                    found.update({str(k): v for k, v in values.items()})
        return found

    def follow(self, value: Any, depth: int = 0) -> tuple[_Builder, Any]:
        """(template, value) after following an import to the template that exports it."""
        builder = self
        while isinstance(value, Imported) and depth < 10:
            linked = builder.linked_exports.get(value.export)
            if linked is None:
                break
            builder, raw = linked
            value = builder.scope.evaluate(raw)
            depth += 1
        return builder, value

    # ------------------------------------------------------------------ certificates

    def acm_certificate(self, lid: str) -> Certificate:
        cert = Certificate(
            address=self.address(lid),
            delivery=Delivery.ACM_REQUEST,
            location=self.loc(lid),
            region=self.source.region,
        )
        algorithm = self.value(lid, "KeyAlgorithm")
        if algorithm is None:
            cert.key = key_info_from_acm_name("RSA_2048", KeySource.ACM_DEFAULT)
        elif isinstance(algorithm, str):
            cert.key = key_info_from_acm_name(algorithm, KeySource.ACM_KEY_ALGORITHM)
            if cert.key is None:
                cert.unknown_reason = f"KeyAlgorithm '{algorithm}' is not one of ACM's names"
            cert.location = self.loc(lid, "KeyAlgorithm")
            cert.related.append(self.loc(lid))
        else:
            cert.unknown_reason = f"KeyAlgorithm is not known before deploy: {algorithm}"
        return cert

    def iam_certificate(self, lid: str) -> Certificate:
        cert = Certificate(
            address=self.address(lid),
            delivery=Delivery.IAM,
            location=self.loc(lid),
            region=self.source.region,
        )
        path = self.value(lid, "Path")
        cert.iam_path = path if isinstance(path, str) else None
        missing: list[str] = []
        for attr, slot in (
            ("CertificateBody", "certificate_pem"),
            ("CertificateChain", "chain_pem"),
            ("PrivateKey", "private_key_pem"),
        ):
            text = self.value(lid, attr)
            if isinstance(text, str) and text.strip():
                setattr(cert, slot, Pem(text.encode(), self.loc(lid, attr)))
            elif isinstance(text, Unknown) and attr == "CertificateBody":
                missing.append(f"{attr}: {text.reason}")
        if cert.certificate_pem is None:
            cert.unknown_reason = (
                "; ".join(missing) if missing else "the server certificate has no CertificateBody"
            )
        return cert

    def arn_certificate(self, arn: str, location: Location) -> Certificate:
        cert = self.arn_certs.get(arn)
        if cert is None:
            cert = certificate_from_arn(arn, location, self.options)
            self.arn_certs[arn] = cert
            self.model.certificates.append(cert)
        return cert

    def certificate_ref(
        self, value: Any, location: Location, what: str
    ) -> tuple[Certificate | None, str | None]:
        """The certificate `value` names, or None with the reason it cannot be followed."""
        owner, value = self.follow(value)
        if owner is not self and not isinstance(value, ResourceRef | Unknown):
            return owner.certificate_ref(value, location, what)
        if isinstance(value, ResourceRef):
            cert = owner.certs.get(value.logical_id)
            if cert is not None:
                return cert, None
            rtype = owner.rtype(value.logical_id) or "unknown type"
            return None, f"{what} refers to {value} ({rtype}), which is not a certificate"
        value = ssm_reference(value) or value
        if isinstance(value, Unknown):
            return None, f"{what}: {value.reason}"
        if isinstance(value, str) and value:
            return self.arn_certificate(value, location), None
        return None, f"{what} is empty"

    def live_lookup(self, value: Any) -> LiveLookup | None:
        """Where `--aws` can find the ARN an unresolved reference names: the SSM parameter
        or the export another stack (not read here) makes."""
        owner, value = self.follow(value)
        value = ssm_reference(value) or value
        if isinstance(value, SsmValue) and value.parameter:
            return LiveLookup("ssm", value.parameter, owner.source.region)
        if isinstance(value, Imported) and value.export:
            return LiveLookup("export", value.export, owner.source.region)
        return None

    def bind(
        self, endpoint: Endpoint, value: Any, location: Location, what: str, role: str = "default"
    ) -> None:
        cert, reason = self.certificate_ref(value, location, what)
        lookup = self.live_lookup(value) if cert is None else None
        self.model.bindings.append(
            Binding(endpoint, cert, location, role=role, unresolved_reason=reason, lookup=lookup)
        )

    # ------------------------------------------------------------------ endpoints

    def endpoint(self, lid: str, target: Target | None, reason: str, **kw: Any) -> Endpoint:
        ep = Endpoint(
            address=kw.pop("address", self.address(lid)),
            target=target,
            location=kw.pop("location", self.loc(lid)),
            target_reason=reason,
            **kw,
        )
        self.model.endpoints.append(ep)
        return ep

    def elbv2_listener(self, lid: str) -> None:
        protocol = self.value(lid, "Protocol")
        certificates = self.value(lid, "Certificates")
        protocol = protocol.upper() if isinstance(protocol, str) else protocol
        if protocol not in ("HTTPS", "TLS") and not certificates:
            return
        target, reason = None, "the load balancer's type is not known"
        owner, lb = self.follow(self.value(lid, "LoadBalancerArn"))
        if isinstance(lb, ResourceRef) and owner.rtype(lb.logical_id) == ELBV2:
            lb_type = owner.scope.evaluate(owner.props(lb.logical_id).get("Type", "application"))
            if lb_type == "application":
                target, reason = Target.ALB, f"{lb.logical_id} Type application"
            elif lb_type == "network":
                target, reason = Target.NLB, f"{lb.logical_id} Type network"
        elif isinstance(lb, str) and _elb_kind(lb):
            target, reason = _elb_kind(lb), "the load balancer ARN"
        if target is None and protocol in ("HTTPS", "TLS"):
            target = Target.ALB if protocol == "HTTPS" else Target.NLB
            reason = f"Protocol {protocol}"
        policy = self.value(lid, "SslPolicy")
        ep = self.endpoint(
            lid,
            target,
            reason,
            protocol=protocol if isinstance(protocol, str) else None,
            ssl_policy=policy if isinstance(policy, str) else None,
            certificate_required=protocol in ("HTTPS", "TLS"),
            region=self.source.region,
        )
        if isinstance(lb, str) and lb.startswith("arn:"):
            ep.lookup = LiveLookup("load-balancer", lb, self.source.region)
        self.listeners[lid] = ep
        self.bind_list(ep, lid, "Certificates", certificates, "default")

    def bind_list(self, ep: Endpoint, lid: str, attr: str, items: Any, role: str) -> None:
        """Bindings for a `Certificates: [{CertificateArn: ...}]` list."""
        if items is None:
            return
        if not isinstance(items, list):
            reason = items.reason if isinstance(items, Unknown) else "not a list"
            self.model.bindings.append(
                Binding(
                    ep, None, self.loc(lid, attr), role=role, unresolved_reason=f"{attr}: {reason}"
                )
            )
            return
        for i, item in enumerate(items):
            arn = item.get("CertificateArn") if isinstance(item, Mapping) else item
            self.bind(ep, arn, self.loc(lid, attr, i, "CertificateArn"), f"{attr}[{i}]", role)

    def listener_certificate(self, lid: str) -> None:
        owner, listener = self.follow(self.value(lid, "ListenerArn"))
        ep = owner.listeners.get(listener.logical_id) if isinstance(listener, ResourceRef) else None
        if ep is None:
            # A listener managed elsewhere (e.g. from_application_listener_attributes): its ARN
            # still says app/ or net/.
            kind = _elb_kind(listener) if isinstance(listener, str) else None
            ep = self.endpoint(
                lid,
                kind,
                f"the listener ARN {listener}"
                if kind
                else f"the listener ({listener}) is not defined in this template",
                certificate_required=False,
                region=self.source.region,
            )
        self.bind_list(ep, lid, "Certificates", self.value(lid, "Certificates"), "additional")

    def classic_lb(self, lid: str) -> None:
        listeners = self.value(lid, "Listeners")
        if not isinstance(listeners, list):
            return
        policies = self.value(lid, "Policies")
        by_name: dict[str, Mapping[str, Any]] = {}
        if isinstance(policies, list):
            by_name = {
                str(p.get("PolicyName")): p
                for p in policies
                if isinstance(p, Mapping) and p.get("PolicyType") == "SSLNegotiationPolicyType"
            }
        for i, lst in enumerate(listeners):
            if not isinstance(lst, Mapping):
                continue
            protocol = str(lst.get("Protocol", "")).upper()
            if protocol not in ("HTTPS", "SSL") and "SSLCertificateId" not in lst:
                continue
            ssl_policy, ciphers = None, None
            names = lst.get("PolicyNames")
            for name in names if isinstance(names, list) else []:
                policy = by_name.get(str(name))
                if policy is None:
                    continue
                attrs = policy.get("Attributes")
                attrs = attrs if isinstance(attrs, list) else []
                for a in attrs:
                    if isinstance(a, Mapping) and a.get("Name") == "Reference-Security-Policy":
                        ssl_policy = _str(a.get("Value"))
                enabled = {
                    str(a.get("Name"))
                    for a in attrs
                    if isinstance(a, Mapping)
                    and str(a.get("Value")).lower() == "true"
                    and not str(a.get("Name")).startswith(("Protocol-", "Server-Defined"))
                }
                if enabled and ssl_policy is None:
                    ciphers = frozenset(enabled)
                    ssl_policy = str(name)
            port = lst.get("LoadBalancerPort", i)
            ep = self.endpoint(
                lid,
                Target.CLB,
                "AWS::ElasticLoadBalancing::LoadBalancer",
                address=f"{self.address(lid)} listener {port}",
                location=self.loc(lid, "Listeners", i),
                protocol=protocol or None,
                ssl_policy=ssl_policy,
                cipher_suites=ciphers,
                certificate_required=protocol in ("HTTPS", "SSL"),
                region=self.source.region,
            )
            if "SSLCertificateId" in lst:
                self.bind(
                    ep,
                    lst["SSLCertificateId"],
                    self.loc(lid, "Listeners", i, "SSLCertificateId"),
                    f"Listeners[{i}].SSLCertificateId",
                )

    def cloudfront(self, lid: str) -> None:
        config = self.value(lid, "DistributionConfig")
        if not isinstance(config, Mapping):
            return
        viewer = config.get("ViewerCertificate")
        viewer = viewer if isinstance(viewer, Mapping) else {}
        aliases = config.get("Aliases")
        policy = viewer.get("MinimumProtocolVersion")
        ep = self.endpoint(
            lid,
            Target.CLOUDFRONT,
            "AWS::CloudFront::Distribution",
            location=self.loc(lid, "DistributionConfig", "ViewerCertificate"),
            ssl_policy=policy if isinstance(policy, str) else None,
            # alternate domain names need a certificate of their own: CloudFront refuses the
            # default *.cloudfront.net one (CloudFrontDefaultCertificate) for them
            certificate_required=isinstance(aliases, list) and any(aliases),
        )
        for attr in ("AcmCertificateArn", "IamCertificateId"):
            if attr in viewer:
                self.bind(
                    ep,
                    viewer[attr],
                    self.loc(lid, "DistributionConfig", "ViewerCertificate", attr),
                    f"ViewerCertificate.{attr}",
                )

    def apigw_domain(self, lid: str) -> None:
        types = self.value(lid, "EndpointConfiguration", "Types")
        regional_arn = self.value(lid, "RegionalCertificateArn")
        edge_arn = self.value(lid, "CertificateArn")
        if isinstance(types, list) and types:
            kind = str(types[0]).upper()
            reason = f"EndpointConfiguration.Types {kind}"
        elif regional_arn is not None and edge_arn is None:
            kind, reason = "REGIONAL", "RegionalCertificateArn is set"
        else:
            kind, reason = "EDGE", "edge-optimized (the default endpoint type)"
        policy = self.value(lid, "SecurityPolicy")
        regional = kind != "EDGE"
        ep = self.endpoint(
            lid,
            Target.APIGATEWAY_REGIONAL if regional else Target.APIGATEWAY_EDGE,
            reason,
            ssl_policy=policy if isinstance(policy, str) else None,
            region=self.source.region if regional else None,
        )
        attr = "RegionalCertificateArn" if regional else "CertificateArn"
        value = regional_arn if regional else edge_arn
        if value is not None:
            self.bind(ep, value, self.loc(lid, attr), attr)

    def apigw2_domain(self, lid: str) -> None:
        configs = self.value(lid, "DomainNameConfigurations")
        first = configs[0] if isinstance(configs, list) and configs else {}
        first = first if isinstance(first, Mapping) else {}
        policy = first.get("SecurityPolicy")
        ep = self.endpoint(
            lid,
            Target.APIGATEWAY_REGIONAL,
            "AWS::ApiGatewayV2::DomainName (regional)",
            ssl_policy=policy if isinstance(policy, str) else None,
            region=self.source.region,
        )
        if isinstance(configs, Unknown):
            self.bind(
                ep, configs, self.loc(lid, "DomainNameConfigurations"), "DomainNameConfigurations"
            )
        if "CertificateArn" in first:
            self.bind(
                ep,
                first["CertificateArn"],
                self.loc(lid, "DomainNameConfigurations", 0, "CertificateArn"),
                "DomainNameConfigurations[0].CertificateArn",
            )

    # ------------------------------------------------------------------ suppressions

    def suppressions(self, md: Any, lid: str | None) -> None:
        """`Metadata.certfit.suppressions` of a resource (CDK: applies to `scope`, the construct
        `CertFitChecks.suppress` was called on) or of the template (applies to the file)."""
        entry = md.get(METADATA_KEY) if isinstance(md, Mapping) else None
        items = entry.get("suppressions") if isinstance(entry, Mapping) else None
        if not isinstance(items, list):
            return
        own_path = self.cdk_path(lid) if lid else None
        location = Location(self.source.file, *where(md, METADATA_KEY), construct_path=own_path)
        for item in items:
            rule = item.get("rule") if isinstance(item, Mapping) else None
            reason = item.get("reason") if isinstance(item, Mapping) else None
            scope = (_str(item.get("scope")) if isinstance(item, Mapping) else None) or own_path
            if not isinstance(rule, str) or not isinstance(reason, str) or not reason.strip():
                self.model.errors.append(
                    InputError(
                        "invalid suppression",
                        f"{METADATA_KEY} suppressions need a rule and a non-empty reason",
                        location,
                    )
                )
                continue
            if lid is not None and scope is None:
                self.model.errors.append(
                    InputError(
                        "suppression ignored",
                        f"resource {lid} has a certfit suppression but no {CDK_PATH}; put it "
                        "in the template's Metadata to apply it to the whole file",
                        location,
                        Severity.WARNING,
                    )
                )
                continue
            sup = Suppression(
                rules=frozenset(r.strip() for r in rule.split(",")),
                reason=reason,
                location=location,
                construct_path=scope,
                file=None if scope else self.source.file,
            )
            if not any(
                (s.rules, s.reason, s.construct_path, s.file)
                == (sup.rules, sup.reason, sup.construct_path, sup.file)
                for s in self.model.suppressions
            ):
                self.model.suppressions.append(sup)

    def acknowledgements(self) -> None:
        """`Validations.of(scope).acknowledge(...)` of certfit ids, as the assembly recorded
        them: each applies to its construct and everything below it, like a suppression."""
        meta = self.source.cdk
        if meta is not None:
            add_acknowledgements(self.model, meta.acknowledgements, meta.file)

    # ------------------------------------------------------------------ run

    @contextmanager
    def _reading(self, lid: str) -> Iterator[None]:
        """Read one resource; a failure is an input error at it, and what it added is taken
        back (a listener read half-way would be judged as one without a certificate)."""
        model = self.model
        marks = (len(model.endpoints), len(model.bindings))
        try:
            yield
        except Exception as e:  # a bug here must not take the template's other findings
            del model.endpoints[marks[0] :]
            del model.bindings[marks[1] :]
            self.listeners.pop(lid, None)
            model.errors.append(
                InputError(
                    "resource could not be read",
                    f"{lid}: internal error ({type(e).__name__}); please report it",
                    self.loc(lid),
                )
            )

    def build_certificates(self) -> None:
        self.lids = [lid for lid in self.resources if self.included(lid)]
        for lid in self.lids:
            rtype = self.rtype(lid)
            with self._reading(lid):
                if rtype == ACM:
                    self.certs[lid] = self.acm_certificate(lid)
                elif rtype == IAM_CERT:
                    self.certs[lid] = self.iam_certificate(lid)
        self.model.certificates.extend(self.certs.values())

    def build_endpoints(self) -> None:
        handlers = {
            LISTENER: self.elbv2_listener,
            CLB: self.classic_lb,
            CLOUDFRONT: self.cloudfront,
            APIGW: self.apigw_domain,
            APIGW2: self.apigw2_domain,
        }
        for lid in self.lids:
            handler = handlers.get(self.rtype(lid))
            if handler:
                with self._reading(lid):
                    handler(lid)
            elif self.rtype(lid) in CONSUMER_TYPES:
                with self._reading(lid):
                    consumers.read(self, lid)
        self.kubernetes_manifests()

    def kubernetes_manifests(self) -> None:
        """The CDK's KubernetesManifest resources, interpreted together (an Ingress may name
        an IngressClass another manifest defines)."""
        pieces = ManifestPieces()
        objects: list[K8sObject] = []
        for lid in self.lids:
            if self.rtype(lid) == K8S_RESOURCE:
                objects.extend(manifest_objects(self, lid, pieces))
            elif self.rtype(lid) == HELM_RESOURCE:
                objects.extend(helm_chart_objects(self, lid, pieces))
        if not objects:
            return

        def resolve(
            value: Any, location: Location, what: str
        ) -> tuple[Certificate | None, str | None]:
            return pieces.resolve(self, value, location, what)

        found = interpret(objects, resolve, self.options.kubernetes_service_lb)
        for ep in found.endpoints:
            ep.region = self.source.region
        self.model.endpoints.extend(found.endpoints)
        self.model.bindings.extend(found.bindings)

    def build_rest(self) -> None:
        for lid in self.lids:
            if self.rtype(lid) == LISTENER_CERT:
                with self._reading(lid):
                    self.listener_certificate(lid)
        self.suppressions(self.template.get("Metadata"), None)
        for lid in self.lids:
            self.suppressions(self.resource(lid).get("Metadata"), lid)
        self.acknowledgements()


def model_from_templates(
    templates: Sequence[tuple[Mapping[str, Any], TemplateSource]], options: LoadOptions
) -> Model:
    """The Model for templates read together (one cloud assembly, one CDK app): an import of a
    value another of them exports (`Fn::ImportValue`, the CDK's cross-region references) is
    followed to the certificate or listener it names."""
    exports: dict[str, tuple[_Builder, Any]] = {}
    builders = [_Builder(t, source, options, exports) for t, source in templates]
    for b in builders:
        for name, raw in b.exports().items():
            exports.setdefault(name, (b, raw))
    for phase in (_Builder.build_certificates, _Builder.build_endpoints, _Builder.build_rest):
        for b in builders:
            phase(b)
    model = Model()
    for b in builders:
        model.extend(b.model)
    return model


def model_from_template(
    template: Mapping[str, Any], source: TemplateSource, options: LoadOptions
) -> Model:
    """The Model for one parsed (or CDK-resolved) template."""
    return model_from_templates([(template, source)], options)
