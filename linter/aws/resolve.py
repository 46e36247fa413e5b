"""`--aws`: fill in what the front ends could only name, from AWS, before the engine judges.

Front ends mark what AWS could tell with a `LiveLookup` (on a certificate: its ARN, a data
source's search; on a binding: the SSM parameter or export that holds the ARN). Lookups run in
parallel, once each. A failed call never becomes a finding of its own and never a false error:
the certificate or binding stays unresolved and its reason says which call failed and why.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TypeVar

from linter.aws import LookupFailed
from linter.aws.lookups import Aws, service_of
from linter.keys import key_info_from_acm_name
from linter.mappings import certificate_from_arn
from linter.model import (
    Binding,
    Certificate,
    Delivery,
    Endpoint,
    InputError,
    KeySource,
    Location,
    Model,
    Pem,
    Severity,
    Target,
)
from linter.options import LoadOptions

T = TypeVar("T")
MAX_WORKERS = 8
_DELIVERY = {
    "IMPORTED": Delivery.ACM_IMPORT,
    "AMAZON_ISSUED": Delivery.ACM_REQUEST,
    "PRIVATE": Delivery.ACM_REQUEST,
}


def resolve_models(models: Iterable[Model], aws: Aws, options: LoadOptions) -> None:
    """Resolve every lookup in `models` in place: bindings first (they may name new
    certificates), then certificates."""
    models = list(models)
    endpoints = [e for model in models for e in model.endpoints if e.lookup is not None]
    _parallel(lambda e: _resolve_endpoint(e, aws), endpoints)
    binding_jobs = [
        (model, b)
        for model in models
        for b in model.bindings
        if b.certificate is None and b.lookup is not None
    ]
    _parallel(lambda job: _resolve_binding(*job, aws, options), binding_jobs)
    certs: dict[int, Certificate] = {}
    for model in models:
        for cert in model.certificates:
            certs.setdefault(id(cert), cert)
        for b in model.bindings:
            if b.certificate is not None:
                certs.setdefault(id(b.certificate), b.certificate)
    failures: list[tuple[Certificate, str | None]] = []
    _parallel(
        lambda c: failures.append((c, resolve_certificate(c, aws))),
        [c for c in certs.values() if _wants(c)],
    )
    for cert, failure in failures:
        if failure and models:
            models[0].errors.append(
                InputError("AWS lookup failed", failure, cert.location, Severity.NOTICE)
            )


def _parallel(work: Callable[[T], object], items: Sequence[T]) -> None:
    if len(items) <= 1:
        for item in items:
            work(item)
        return
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(items))) as pool:
        list(pool.map(work, items))


def _wants(cert: Certificate) -> bool:
    """A certificate AWS can tell more about: named only, or known only from a filter or
    ACM's default, never one whose material the code holds."""
    if cert.lookup is None or cert.has_material or cert.learnt_from_aws:
        return False
    return cert.key is None or cert.key.learnt_from in (
        KeySource.ACM_DEFAULT,
        KeySource.KEY_TYPES_FILTER,
    )


_ELBV2_TARGETS = {"application": Target.ALB, "network": Target.NLB}


def _resolve_endpoint(endpoint: Endpoint, aws: Aws) -> None:
    """A literal load balancer ARN: its type as DescribeLoadBalancers says, not as the ARN's
    text suggests."""
    assert endpoint.lookup is not None
    try:
        kind = aws.load_balancer_type(endpoint.lookup.name)
    except LookupFailed as exc:
        endpoint.target_reason = f"{endpoint.target_reason} (--aws could not confirm it: {exc})"
        return
    if kind in _ELBV2_TARGETS:
        endpoint.target = _ELBV2_TARGETS[kind]
        endpoint.target_reason = f"DescribeLoadBalancers Type {kind}"


def _resolve_binding(model: Model, binding: Binding, aws: Aws, options: LoadOptions) -> None:
    lookup = binding.lookup
    assert lookup is not None
    try:
        if lookup.kind == "ssm":
            arn = aws.ssm(lookup.name, lookup.region)
        elif lookup.kind == "export":
            arn = aws.export(lookup.name, lookup.region)
        else:
            return
    except LookupFailed as exc:
        binding.unresolved_reason = f"{binding.unresolved_reason}; --aws: {exc}"
        return
    if service_of(arn) not in ("acm", "iam"):
        binding.unresolved_reason = (
            f"{binding.unresolved_reason}; --aws: {lookup.describe()} does not hold an ACM or "
            "IAM certificate ARN"
        )
        return
    cert = certificate_from_arn(arn, binding.location, options)
    cert.related.append(Location(f"aws:{lookup.kind}:{lookup.name}"))
    binding.certificate = cert
    binding.unresolved_reason = None
    model.certificates.append(cert)


def resolve_certificate(cert: Certificate, aws: Aws) -> str | None:
    """Ask AWS about one certificate. On failure the certificate keeps what the code told
    (a data source's key_types filter) or stays unknown with the failed call in its reason;
    the failure is returned when nothing else would show it."""
    lookup = cert.lookup
    assert lookup is not None
    try:
        if lookup.kind == "acm-search":
            found = aws.search_acm(lookup.name, lookup.region, dict(_lists(lookup.filters)))
            _apply_acm(cert, aws, found)
        elif lookup.kind == "iam-name":
            _apply_iam(cert, aws, lookup.name)
        elif service_of(lookup.name) == "acm":
            _apply_acm(cert, aws, lookup.name)
        elif service_of(lookup.name) == "iam":
            _apply_iam(cert, aws, lookup.name.rsplit("/", 1)[-1])
        elif lookup.kind == "arn" and lookup.name.startswith("ASCA"):
            _apply_iam(cert, aws, aws.iam_name_for_id(lookup.name))  # CloudFront's IAM id
        elif lookup.kind == "arn" and not lookup.name.startswith("arn:"):
            _apply_iam(cert, aws, lookup.name)  # an IAM certificate named by its name
    except LookupFailed as exc:
        if cert.key is not None:  # still judged on the filter; say that AWS was not asked
            return f"{cert.address}: --aws could not check it: {exc}"
        prior = cert.unknown_reason or f"{lookup.describe()} could not be read"
        cert.unknown_reason = f"{prior}; --aws: {exc}"
    return None


def _lists(filters: tuple[tuple[str, tuple[str, ...]], ...]) -> list[tuple[str, list[str]]]:
    return [(k, list(v)) for k, v in filters]


def _apply_acm(cert: Certificate, aws: Aws, arn: str) -> None:
    facts = aws.acm(arn)
    key = key_info_from_acm_name(facts.key_algorithm or "", KeySource.AWS_ACM)
    if key is None:
        raise LookupFailed(
            f"acm DescribeCertificate gave key algorithm {facts.key_algorithm!r}, not one "
            "of ACM's names"
        )
    cert.arn = cert.arn or arn
    cert.key = key
    cert.unknown_reason = None
    cert.learnt_from_aws = "aws:acm"
    cert.delivery = _DELIVERY.get(facts.type or "", cert.delivery)
    cert.renews = facts.type in ("AMAZON_ISSUED", "PRIVATE")
    cert.region = cert.region or arn.split(":")[3] or None
    if facts.not_after:
        cert.not_after = datetime.fromisoformat(facts.not_after)


def _apply_iam(cert: Certificate, aws: Aws, name: str) -> None:
    facts = aws.iam(name)
    if not facts.body.strip():
        raise LookupFailed(f"iam GetServerCertificate returned no body for {name}")
    where = Location(facts.arn or f"iam:server-certificate/{name}")
    cert.certificate_pem = Pem(facts.body.encode(), where)
    if facts.chain:
        cert.chain_pem = Pem(facts.chain.encode(), where)
    cert.arn = facts.arn or cert.arn
    cert.delivery = Delivery.IAM
    cert.iam_path = facts.path
    cert.unknown_reason = None
    cert.learnt_from_aws = "aws:iam"
