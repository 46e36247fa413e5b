"""ssl_policy_mismatch: the listener's security policy cannot serve the certificate's key.

Classic LB custom policies are judged from their cipher suites: without an ECDHE-ECDSA suite an
EC certificate cannot be served, without an RSA suite an RSA one cannot. ALB/NLB predefined
policies all serve both, except the 2026 policies in data/aws_compat.toml that restrict the key
(and, for strict RFC 9151, the hash the certificate is signed with).
"""

from __future__ import annotations

from collections.abc import Iterator

from cryptography.exceptions import UnsupportedAlgorithm

from linter.engine import RuleContext
from linter.model import Binding, Finding, KeyInfo, Severity
from linter.rules.common import key_details, key_label, related_of

NAME = "ssl_policy_mismatch"
SEVERITY = Severity.WARNING
SUMMARY = "The listener's security policy has no cipher suite for the certificate's key type"


def _authenticates_with_rsa(suite: str) -> bool:
    """OpenSSL suite names: ECDSA and DSS suites sign with other keys, static ECDH suites need
    an EC-key certificate, anonymous suites sign with none, and plain PSK/SRP suites use no
    certificate; RSA-PSK-*, SRP-RSA-* and the NULL-cipher RSA suites still authenticate with
    the RSA certificate."""
    if "ECDSA" in suite or "DSS" in suite or "ANON" in suite:
        return False
    if "ADH-" in suite or "AECDH-" in suite or suite.startswith("ECDH-"):
        return False  # anonymous (also EXP-ADH-*), or static ECDH: an EC-key certificate
    if "PSK" in suite and "RSA-PSK" not in suite:
        return False
    return not ("SRP" in suite and "SRP-RSA" not in suite)


def _suites_serve(suites: frozenset[str], key: KeyInfo) -> bool:
    """Whether a suite list can authenticate with the key. TLS 1.3 suites (TLS_AES_*,
    TLS_CHACHA20_*) do not depend on the certificate type, so they serve either."""
    names = {s.upper() for s in suites if s}
    if any(n.startswith("TLS_AES_") or n.startswith("TLS_CHACHA20_") for n in names):
        return True
    if key.family == "EC":
        return any("ECDSA" in n or n.startswith("ECDH-") for n in names)
    if key.family in ("RSA", "RSA-PSS"):
        return any(_authenticates_with_rsa(n) for n in names)
    return True


def check(ctx: RuleContext) -> Iterator[Finding]:
    for b in ctx.model.bindings:
        if b.certificate is None:
            continue
        key = ctx.key_of(b.certificate)
        if key is None:
            continue
        ep = b.endpoint
        if ep.cipher_suites is not None and not _suites_serve(ep.cipher_suites, key):
            kind = "ECDHE-ECDSA" if key.family == "EC" else "RSA"
            yield _finding(
                ctx,
                b,
                key,
                f"the security policy {ep.ssl_policy or '(custom)'} of "
                f"{ep.address} has no {kind} cipher suite, so it cannot serve the "
                f"{key_label(key)} certificate {b.certificate.address}. Fix: add "
                f"{kind} suites to the policy or use a predefined policy.",
                confirmed=True,
            )
            continue
        if ep.ssl_policy:
            policy = ctx.data.policy(ep.ssl_policy, ctx.as_of)
            signed = _leaf_hash(ctx, b)
            if (
                policy is not None
                and key.key_id in policy.allowed
                and policy.leaf_signature_hashes
                and signed is not None
                and signed not in policy.leaf_signature_hashes
            ):
                wanted = ", ".join(sorted(policy.leaf_signature_hashes))
                yield _finding(
                    ctx,
                    b,
                    key,
                    f"{ep.address} uses {ep.ssl_policy}, which may refuse the handshake with "
                    f"the certificate {b.certificate.address}, signed with {signed}: "
                    f"{policy.note} Allowed signature hash: {wanted}"
                    + ("" if policy.confirmed else " (unconfirmed)")
                    + f". Fix: have the certificate signed with {wanted}, or use another policy.",
                    confirmed=policy.confirmed,
                )
            if policy is not None and key.key_id not in policy.allowed:
                allowed = ", ".join(sorted(policy.allowed))
                yield _finding(
                    ctx,
                    b,
                    key,
                    f"{ep.address} uses {ep.ssl_policy}, which may refuse the "
                    f"handshake with a certificate with key {key_label(key)}: {policy.note} "
                    f"Allowed: {allowed}"
                    + ("" if policy.confirmed else " (unconfirmed)")
                    + ". Fix: use a certificate with an allowed key or another policy.",
                    confirmed=policy.confirmed,
                )


def _leaf_hash(ctx: RuleContext, b: Binding) -> str | None:
    """The hash the certificate itself is signed with ("sha384"), when its PEM is known."""
    insp = ctx.inspection(b.certificate) if b.certificate is not None else None
    leaf = insp.leaf if insp is not None else None
    if leaf is None:
        return None
    try:
        algorithm = leaf.signature_hash_algorithm
    except UnsupportedAlgorithm:  # a signature algorithm cryptography does not know
        return None
    return algorithm.name if algorithm is not None else None


def _finding(ctx: RuleContext, b: Binding, key: KeyInfo, message: str, confirmed: bool) -> Finding:
    return Finding(
        NAME,
        SEVERITY,
        message,
        b.location,
        related=related_of(b.certificate, b),
        callers=b.callers,
        details={
            "endpoint": b.endpoint.address,
            "ssl_policy": b.endpoint.ssl_policy,
            "target": b.endpoint.target.value if b.endpoint.target else None,
            "confirmed": confirmed,
            "as_of": ctx.as_of.isoformat(),
            **key_details(key),
        },
    )
