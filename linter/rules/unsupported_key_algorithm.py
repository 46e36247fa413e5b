"""unsupported_key_algorithm: the target cannot use the certificate's key algorithm.

Judged twice: where the certificate must first get in (ACM import, ACM request, IAM upload),
and on every endpoint it is bound to, against the dated facts in data/aws_compat.toml.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from linter import compat
from linter.compat import Status, Verdict
from linter.engine import RuleContext
from linter.model import Binding, Certificate, Delivery, Finding, KeyInfo, Location, Severity
from linter.rules.common import (
    key_details,
    key_label,
    related_of,
    source_label,
    target_label,
    verdict_details,
)

NAME = "unsupported_key_algorithm"
SEVERITY = Severity.ERROR
SUMMARY = "The target (ALB, NLB, Classic LB, CloudFront, API Gateway, ACM, IAM) cannot use the key"


def check(ctx: RuleContext) -> Iterator[Finding]:
    refused: set[int] = set()  # certificates that cannot get into ACM/IAM at all
    for cert in ctx.certificates():
        key = ctx.key_of(cert)
        target = compat.service_target(cert.delivery)
        if key is None or target is None:
            continue
        if cert.arn is not None and not cert.has_material:
            continue  # an existing certificate named by its ARN: the service already took it
        v = ctx.data.verdict(target.value, "any", key.key_id, ctx.as_of)
        if v.status == Status.NO_DATA:
            yield _no_data(ctx, target.value, key, cert, None, ())
        elif v.status in (Status.REJECTED, Status.UNCONFIRMED):
            yield _finding(v, key, cert, None, cert.location)
        if v.status == Status.REJECTED:
            refused.add(id(cert))
    for binding in ctx.model.bindings:
        bound = binding.certificate
        endpoint_target = binding.endpoint.target
        if bound is None or endpoint_target is None or id(bound) in refused:
            continue  # a certificate that never exists is reported once, at its cause
        bound_key = ctx.key_of(bound)
        if bound_key is None or not compat.sources_for(bound.delivery):
            continue
        ev = endpoint_verdict(ctx, endpoint_target.value, bound.delivery, bound_key)
        if binding.endpoint.alternatives:
            yield from _each_possible_target(ctx, binding, bound, bound_key, ev)
            continue
        if ev.status == Status.NO_DATA:
            missing = tuple(s for s, st in ev.split if st == Status.NO_DATA) or (ev.source,)
            yield _no_data(ctx, endpoint_target.value, bound_key, bound, binding, missing)
        elif ev.status in (Status.REJECTED, Status.UNCONFIRMED):
            yield _finding(ev, bound_key, bound, binding, binding.location)


def _each_possible_target(
    ctx: RuleContext, binding: Binding, cert: Certificate, key: KeyInfo, first: Verdict
) -> Iterator[Finding]:
    """An endpoint that may be one of several targets (a Kubernetes Service: a Classic LB or
    an NLB, depending on the cluster's controllers) is judged as each. All refusing is a
    refusal; some refusing is a warning that names which would and which would not."""
    ep = binding.endpoint
    verdicts = [first] + [
        endpoint_verdict(ctx, t.value, cert.delivery, key) for t in ep.alternatives
    ]
    bad = [v for v in verdicts if v.status in (Status.REJECTED, Status.UNCONFIRMED)]
    if not bad:
        if first.status == Status.NO_DATA:
            yield _no_data(ctx, first.target, key, cert, binding, (first.source,))
        return
    worst = next((v for v in bad if v.status == Status.REJECTED), bad[0])
    finding = _finding(worst, key, cert, binding, binding.location)
    labels = " or ".join(target_label(v.target) for v in verdicts)
    if len(bad) == len(verdicts):
        finding.message = f"{ep.address} is a {labels}, and neither can use it: {finding.message}"
        return_severity = finding.severity
    else:
        ok = ", ".join(target_label(v.target) for v in verdicts if v not in bad)
        finding.message = (
            f"{ep.address} may be a {labels}, depending on the cluster ({ep.target_reason}); "
            f"as a {ok} it would work, but: {finding.message}"
        )
        return_severity = Severity.WARNING
    finding.severity = return_severity
    finding.details["possible_targets"] = [v.target for v in verdicts]
    finding.details["verdicts"] = {v.target: v.status.value for v in verdicts}
    yield finding


def endpoint_verdict(ctx: RuleContext, target: str, delivery: Delivery, key: KeyInfo) -> Verdict:
    """The verdict for a key from `delivery` on `target`.

    When the certificate's origin is not known (an ACM ARN: imported or issued; an ARN of
    neither service: ACM or IAM), every possible source is judged (issued only for keys ACM
    can issue): all refusing is a refusal, anything else mixed (including a source with no
    data) is unconfirmed, with each source's verdict kept in `split`."""
    sources = compat.sources_for(delivery)
    if delivery in (Delivery.ACM_UNKNOWN, Delivery.EXTERNAL):
        issuable = ctx.data.verdict("acm-request", "any", key.key_id, ctx.as_of)
        if issuable.status != Status.ACCEPTED:
            sources = tuple(s for s in sources if s != "acm-issued")
    verdicts = [ctx.data.verdict(target, s, key.key_id, ctx.as_of) for s in sources]
    if len(verdicts) == 1:
        return verdicts[0]
    statuses = {v.status for v in verdicts}
    origin = "acm" if delivery == Delivery.ACM_UNKNOWN else "unknown"
    split = tuple((v.source, v.status) for v in verdicts)
    if len(statuses) == 1:  # all agree: say so for the origin, not for one guess
        # the least confirmed verdict speaks, so an unconfirmed refusal stays a warning
        base = min(verdicts, key=lambda v: v.confirmed)
        return replace(base, source=origin, split=split)
    if Status.REJECTED not in statuses and Status.UNCONFIRMED not in statuses:
        # accepted where there is data, no data elsewhere: not judged, and said so
        return Verdict(Status.NO_DATA, target, origin, key.key_id, ctx.as_of, None, split=split)
    worst = next(v for v in verdicts if v.status in (Status.REJECTED, Status.UNCONFIRMED))
    return Verdict(
        Status.UNCONFIRMED, target, origin, key.key_id, ctx.as_of, worst.fact, split=split
    )


def _alternative(data: compat.CompatData, v: Verdict) -> str:
    """'IAM would take it' when the data says so: the incident's real fix, derived, not typed."""
    if v.source in ("acm-imported", "acm-issued", "acm"):
        iam = data.verdict(v.target, "iam", v.key_id, v.as_of)
        if iam.status == Status.ACCEPTED:
            return (
                "An IAM server certificate with the same key is accepted here: import it into "
                "IAM instead."
            )
    return ""


def _finding(
    v: Verdict, key: KeyInfo, cert: Certificate, binding: Binding | None, where: Location
) -> Finding:
    what = target_label(v.target)
    src = source_label(v.source)
    frm = f" from {src}" if src else ""
    if v.source == "acm":
        frm = " from ACM"
    elif v.source == "unknown":
        frm = " from ACM or IAM"
    accepted = ", ".join(v.accepted) or "nothing"
    as_of = v.as_of.isoformat()
    fact = v.fact
    if v.status == Status.REJECTED and v.silent:
        head = (
            f"{what} accepts a certificate with key {key_label(key)}{frm} at attach but "
            "cannot serve it: the listener breaks later"
        )
    elif v.status == Status.REJECTED:
        verb = "cannot import" if v.target == "acm-import" else "cannot use"
        if v.target == "acm-request":
            verb = "cannot issue"
        if not v.confirmed:
            verb = f"probably {verb} (unconfirmed)"
        head = f"{what} {verb} a certificate with key {key_label(key)}{frm}"
    elif v.split:
        how = "; ".join(f"{status.value} from {source_label(src)}" for src, status in v.split)
        head = (
            f"{what} may not be able to use a certificate with key {key_label(key)}{frm}: "
            f"it depends on where the certificate lives ({how})"
        )
    else:
        head = (
            f"it is not confirmed that {what} can use a certificate with key {key_label(key)}{frm}"
        )
    # A split lists each source's verdict; one source's accepted set would mislead.
    parts = [
        f"{head} (as of {as_of})." if v.split else f"{head} (as of {as_of} it accepts {accepted})."
    ]
    if fact and fact.note:
        parts.append(fact.note)
    alt = ""
    if v.status == Status.REJECTED and not (fact and "IAM" in fact.fix):
        alt = _alternative(compat.load(), v)
    if alt:
        parts.append(alt)
    if fact and fact.fix:
        parts.append(f"Fix: {fact.fix}")
    # Unconfirmed facts lean towards a warning (aws-facts.md).
    severity = Severity.ERROR if v.status == Status.REJECTED and v.confirmed else Severity.WARNING
    details = {**verdict_details(v), **key_details(key), "certificate": cert.address}
    if cert.arn:
        details["arn"] = cert.arn
    if binding is not None:
        details["endpoint"] = binding.endpoint.address
        details["role"] = binding.role
    if v.silent:
        details["checked_at_attach"] = False
    return Finding(
        rule=NAME,
        severity=severity,
        message=" ".join(parts),
        location=where,
        related=related_of(cert, binding),
        callers=binding.callers if binding else cert.callers,
        details=details,
    )


def _no_data(
    ctx: RuleContext,
    target: str,
    key: KeyInfo,
    cert: Certificate,
    binding: Binding | None,
    sources: tuple[str, ...],
) -> Finding:
    """No fact covers this target and these sources on this date (before the target existed,
    say): unknown is never a pass, so say it, as a notice."""
    frm = " or ".join(source_label(s) for s in sources)
    what = target_label(target)
    message = (
        f"certfit has no data on whether {what} accepted a certificate with key "
        f"{key_label(key)}{' from ' + frm if frm else ''} as of {ctx.as_of.isoformat()} "
        "(it may not have existed then), so it is not judged."
    )
    details = {
        "target": target,
        "source": "/".join(sources),
        "verdict": "no-data",
        "as_of": ctx.as_of.isoformat(),
        **key_details(key),
        "certificate": cert.address,
    }
    if binding is not None:
        details["endpoint"] = binding.endpoint.address
    return Finding(
        rule=NAME,
        severity=Severity.NOTICE,
        message=message,
        location=binding.location if binding else cert.location,
        related=related_of(cert, binding),
        callers=binding.callers if binding else cert.callers,
        details=details,
    )
