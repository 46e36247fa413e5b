"""The rule catalogue. Names are stable forever; each rule is one module with NAME, SEVERITY,
SUMMARY and `check(ctx) -> Iterable[Finding]`, one docs page in docs/rules/ and one test file."""

from __future__ import annotations

from types import ModuleType

from linter.rules import (
    certificate_expiring,
    certificate_region_mismatch,
    cloudfront_iam_path,
    invalid_certificate_material,
    listener_missing_certificate,
    ssl_policy_mismatch,
    too_many_certificates,
    unresolved_certificate,
    unsupported_key_algorithm,
    weak_key,
)

DOCS_BASE = "https://github.com/certfit/certfit/blob/main/docs/rules/"

RULES: tuple[ModuleType, ...] = (
    unsupported_key_algorithm,
    invalid_certificate_material,
    listener_missing_certificate,
    certificate_region_mismatch,
    cloudfront_iam_path,
    too_many_certificates,
    weak_key,
    certificate_expiring,
    ssl_policy_mismatch,
    unresolved_certificate,
)

RULE_NAMES: tuple[str, ...] = (*(r.NAME for r in RULES), "unused_ignore")


def link_for(rule: str) -> str:
    return f"{DOCS_BASE}{rule}.md"


def by_name(name: str) -> ModuleType | None:
    return next((r for r in RULES if name == r.NAME), None)
