"""Short and full descriptions of each rule, for SARIF's rule table and the job summary.

The rule docs (docs/rules/<name>.md) are the long form and every output links to them; these
sentences are what code scanning shows before a user clicks through.
"""

from __future__ import annotations

from dataclasses import dataclass

RULE_LINK = "https://github.com/certfit/certfit/blob/main/docs/rules/{}.md"


@dataclass(frozen=True)
class RuleText:
    name: str
    short: str
    full: str
    link: str


_TEXTS: dict[str, tuple[str, str]] = {
    "unsupported_key_algorithm": (
        "The certificate's key algorithm is not accepted where it is used",
        "The service that serves this certificate (ALB, NLB, Classic LB, CloudFront, API "
        "Gateway) or the way it reaches AWS (ACM import, ACM request, IAM) does not accept the "
        "certificate's key type or size, as of the date checked. Deploying it fails or the "
        "listener cannot use it.",
    ),
    "invalid_certificate_material": (
        "Certificate, chain or key material cannot be used",
        "The PEM material cannot be read or does not fit together: a file that is missing or "
        "outside the project, a key that does not match the certificate, a chain in the wrong "
        "order, an encrypted key, or bytes that are not a certificate.",
    ),
    "weak_key": (
        "The certificate's key is weaker than current practice",
        "The key is accepted by AWS but is below current recommendations (for example RSA "
        "1024), so browsers and clients may refuse it.",
    ),
    "certificate_expiring": (
        "The certificate has expired or expires soon",
        "The certificate's notAfter date is in the past or within the expiry window "
        "(config `expiry_days`, 30 by default).",
    ),
    "unresolved_certificate": (
        "The certificate behind a listener could not be determined",
        "The certificate reference could not be followed statically (a variable without a "
        "value, a data source, an ARN managed elsewhere). Give it a value with a tfvars file "
        "or a plan, or map the ARN in .certfit.hcl. Reported as a notice; "
        "--fail-on-unresolved makes it fail.",
    ),
    "listener_missing_certificate": (
        "An HTTPS or TLS listener has no certificate",
        "A listener or endpoint that terminates TLS has no certificate bound to it, which AWS "
        "rejects at deploy time.",
    ),
    "ssl_policy_mismatch": (
        "The TLS security policy does not fit the certificate's key",
        "The listener's SSL policy offers no cipher suite that can use the certificate's key "
        "type (for example an ECDSA certificate with an RSA-only policy).",
    ),
    "unused_ignore": (
        "An ignore comment or suppression matches no finding",
        "A `certfit-ignore` comment, `certfit-ignore-file` comment or suppression matched "
        "nothing in this run. Remove it so stale ignores do not hide future problems.",
    ),
}


def _summary(name: str) -> str | None:
    """The rule module's own SUMMARY: one source for the one-line description."""
    try:
        from linter.rules import by_name
    except ImportError:
        return None
    rule = by_name(name)
    summary = getattr(rule, "SUMMARY", None) if rule is not None else None
    return summary if isinstance(summary, str) and summary else None


def rule_text(name: str, link: str = "") -> RuleText:
    short, full = _TEXTS.get(name, (name.replace("_", " ").capitalize(), ""))
    short = _summary(name) or short
    return RuleText(name=name, short=short, full=full or short, link=link or RULE_LINK.format(name))
