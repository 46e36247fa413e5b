"""`certfit audit`: what is already deployed, judged by the same engine and rules.

The account's TLS endpoints become the same model the front ends make: ELBv2 HTTPS/TLS
listeners with every listener certificate (SNI), Classic LB HTTPS/SSL listeners, CloudFront
distributions, API Gateway and API Gateway v2 custom domains. Every location is the resource's
ARN (or id), so a finding names what to change in the console or the code that made it. The
worst failure in the facts, an NLB broken by an RSA 4096 IAM certificate, is found here: no code
change would show it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from linter.aws import LookupFailed
from linter.aws.clients import GLOBAL_REGION, call, paginate
from linter.aws.lookups import Aws
from linter.mappings import certificate_from_arn
from linter.model import (
    Binding,
    Certificate,
    Endpoint,
    InputError,
    Location,
    Model,
    Severity,
    Target,
)
from linter.options import LoadOptions

MAX_WORKERS = 4  # concurrent calls: AWS's read limits are per account, shared with others
_ELBV2_TARGETS = {"application": Target.ALB, "network": Target.NLB}

Progress = Callable[[str], None]


class _Audit:
    def __init__(self, aws: Aws, options: LoadOptions, progress: Progress | None) -> None:
        self.aws = aws
        self.options = options
        self.progress = progress or (lambda _text: None)
        self.model = Model()
        self._certs: dict[str, Certificate] = {}
        self._lock = threading.Lock()
        self._account: str | None = None

    # ------------------------------------------------------------------ model helpers

    def certificate(self, arn: str, where: Location) -> Certificate:
        with self._lock:
            if arn not in self._certs:
                cert = certificate_from_arn(arn, where, self.options)
                self._certs[arn] = cert
                self.model.certificates.append(cert)
            return self._certs[arn]

    def endpoint(self, address: str, target: Target, region: str, **kw: Any) -> Endpoint:
        ep = Endpoint(address, target, Location(address), region=region, **kw)
        with self._lock:
            self.model.endpoints.append(ep)
        return ep

    def bind(self, ep: Endpoint, arn: str, role: str = "default") -> None:
        cert = self.certificate(arn, ep.location)
        with self._lock:
            self.model.bindings.append(Binding(ep, cert, ep.location, role))

    def account(self) -> str:
        """The account id, for the ARNs of Classic LBs (their API returns names only).
        sts:GetCallerIdentity needs no permission."""
        if self._account is None:
            try:
                sts = self.aws.clients.get("sts")
                self._account = str(call(sts, "get_caller_identity").get("Account", ""))
            except LookupFailed:
                self._account = ""
        return self._account

    def failed(self, what: str, exc: LookupFailed) -> None:
        self.model.errors.append(
            InputError("AWS call failed", f"{what}: {exc}", Location("aws"), Severity.NOTICE)
        )

    # ------------------------------------------------------------------ services

    def elbv2(self, region: str) -> None:
        client = self.aws.clients.get("elbv2", region)
        try:
            lbs = paginate(client, "describe_load_balancers", "LoadBalancers")
        except LookupFailed as exc:
            return self.failed(f"load balancers in {region}", exc)
        for lb in lbs:
            target = _ELBV2_TARGETS.get(lb.get("Type", ""))
            if target is None:
                continue  # a Gateway Load Balancer has no TLS listeners
            try:
                listeners = paginate(
                    client, "describe_listeners", "Listeners", LoadBalancerArn=lb["LoadBalancerArn"]
                )
            except LookupFailed as exc:
                self.failed(f"listeners of {lb['LoadBalancerArn']}", exc)
                continue
            for listener in listeners:
                if listener.get("Protocol") not in ("HTTPS", "TLS"):
                    continue
                self.progress(f"{region}: listener {listener['ListenerArn'].rsplit('/', 3)[-3]}")
                ep = self.endpoint(
                    listener["ListenerArn"],
                    target,
                    region,
                    protocol=listener.get("Protocol"),
                    ssl_policy=listener.get("SslPolicy"),
                    target_reason=f"DescribeLoadBalancers Type {lb.get('Type')}",
                )
                try:
                    certs = paginate(
                        client,
                        "describe_listener_certificates",
                        "Certificates",
                        ListenerArn=listener["ListenerArn"],
                    )
                except LookupFailed as exc:
                    certs = listener.get("Certificates", [])
                    self.failed(f"certificates of {listener['ListenerArn']}", exc)
                for c in certs:
                    if c.get("CertificateArn"):
                        role = "default" if c.get("IsDefault", True) else "additional"
                        self.bind(ep, c["CertificateArn"], role)

    def classic(self, region: str) -> None:
        client = self.aws.clients.get("elb", region)
        try:
            lbs = paginate(client, "describe_load_balancers", "LoadBalancerDescriptions")
        except LookupFailed as exc:
            return self.failed(f"Classic load balancers in {region}", exc)
        for lb in lbs:
            for desc in lb.get("ListenerDescriptions", []):
                listener = desc.get("Listener", {})
                if listener.get("Protocol", "").upper() not in ("HTTPS", "SSL"):
                    continue
                address = (
                    f"arn:aws:elasticloadbalancing:{region}:{self.account()}:loadbalancer/"
                    f"{lb.get('LoadBalancerName')} port {listener.get('LoadBalancerPort')}"
                )
                ep = self.endpoint(
                    address,
                    Target.CLB,
                    region,
                    protocol=listener.get("Protocol", "").upper(),
                    target_reason="DescribeLoadBalancers (Classic)",
                )
                if listener.get("SSLCertificateId"):
                    self.bind(ep, listener["SSLCertificateId"])

    def cloudfront(self) -> None:
        client = self.aws.clients.get("cloudfront", GLOBAL_REGION)
        try:
            items = paginate(client, "list_distributions", "DistributionList.Items")
        except LookupFailed as exc:
            return self.failed("CloudFront distributions", exc)
        for dist in items:
            viewer = dist.get("ViewerCertificate", {})
            arn = viewer.get("ACMCertificateArn") or viewer.get("IAMCertificateId")
            if not arn:
                continue  # the *.cloudfront.net default certificate
            ep = self.endpoint(
                dist.get("ARN") or dist.get("Id", "cloudfront"),
                Target.CLOUDFRONT,
                GLOBAL_REGION,
                protocol="HTTPS",
                ssl_policy=viewer.get("MinimumProtocolVersion"),
                certificate_required=False,
                target_reason="ListDistributions",
            )
            self.bind(ep, arn)

    def domain(
        self, region: str, name: str, target: Target, arn: str, policy: str | None, why: str
    ) -> None:
        """An API Gateway custom domain (v1 or v2) and its certificate."""
        ep = self.endpoint(
            f"arn:aws:apigateway:{region}::/domainnames/{name}",
            target,
            region,
            protocol="HTTPS",
            ssl_policy=policy,
            certificate_required=False,
            target_reason=why,
        )
        self.bind(ep, arn)

    def api_gateway(self, region: str) -> None:
        client = self.aws.clients.get("apigateway", region)
        try:
            domains = paginate(client, "get_domain_names", "items")
        except LookupFailed as exc:
            return self.failed(f"API Gateway domain names in {region}", exc)
        for d in domains:
            types = (d.get("endpointConfiguration") or {}).get("types") or []
            edge = Target.APIGATEWAY_PRIVATE if "PRIVATE" in types else Target.APIGATEWAY_EDGE
            for key, target in (
                ("certificateArn", edge),
                ("regionalCertificateArn", Target.APIGATEWAY_REGIONAL),
            ):
                if d.get(key):
                    name, policy = d.get("domainName", ""), d.get("securityPolicy")
                    self.domain(region, name, target, d[key], policy, f"GetDomainNames {key}")

    def api_gateway_v2(self, region: str) -> None:
        client = self.aws.clients.get("apigatewayv2", region)
        try:
            domains = paginate(client, "get_domain_names", "Items")
        except LookupFailed as exc:
            return self.failed(f"API Gateway v2 domain names in {region}", exc)
        for d in domains:
            for conf in d.get("DomainNameConfigurations", []):
                if conf.get("CertificateArn"):
                    name, policy = d.get("DomainName", ""), conf.get("SecurityPolicy")
                    target, arn = Target.APIGATEWAY_REGIONAL, conf["CertificateArn"]
                    self.domain(region, name, target, arn, policy, "GetDomainNames (v2)")


def audit_model(
    aws: Aws, regions: list[str], options: LoadOptions, progress: Progress | None = None
) -> Model:
    """The deployed endpoints of `regions` (and CloudFront, which is global), with their
    certificates resolved through `aws`."""
    from linter.aws.resolve import resolve_models

    audit = _Audit(aws, options, progress)
    jobs: list[Callable[[], None]] = [audit.cloudfront]
    for region in regions:
        jobs += [
            lambda r=region: audit.elbv2(r),  # type: ignore[misc]
            lambda r=region: audit.classic(r),  # type: ignore[misc]
            lambda r=region: audit.api_gateway(r),  # type: ignore[misc]
            lambda r=region: audit.api_gateway_v2(r),  # type: ignore[misc]
        ]
    # Listing is concurrent across services and regions; the model is appended to under the
    # GIL by whole objects, and its order is made stable before judging.
    with ThreadPoolExecutor(max_workers=MAX_WORKERS) as pool:
        list(pool.map(lambda job: job(), jobs))
    audit.model.endpoints.sort(key=lambda e: e.address)
    audit.model.bindings.sort(key=lambda b: (b.endpoint.address, b.role))
    if progress is not None:
        progress(f"reading {len(audit.model.certificates)} certificates")
    resolve_models([audit.model], aws, options)
    return audit.model
