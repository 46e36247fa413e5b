"""Lookups in the dated AWS compatibility data (`data/aws_compat.toml`).

`verdict(target, source, key_id, as_of)` answers "would AWS have accepted this key here, then?"
with the reason, the accepted set, the date the fact took effect and its sources. The data, not
this code, holds every AWS rule.
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass
from datetime import date
from enum import Enum
from functools import cache
from importlib import resources

from linter.model import Delivery, Target

TARGET_LABELS: dict[str, str] = {
    "acm-import": "ACM",
    "acm-request": "ACM",
    "iam": "IAM",
    "alb": "Application Load Balancer HTTPS listener",
    "nlb": "Network Load Balancer TLS listener",
    "clb": "Classic Load Balancer HTTPS/SSL listener",
    "cloudfront": "CloudFront distribution",
    "apigateway-regional": "API Gateway regional custom domain",
    "apigateway-edge": "API Gateway edge-optimized custom domain",
    "amplify": "Amplify Hosting custom domain",
    "transfer-ftps": "Transfer Family FTPS server",
    "cloudfront-backed": "CloudFront-backed custom domain (AppSync, Cognito)",
    "apigateway-private": "API Gateway private custom domain",
}

SOURCE_LABELS: dict[str, str] = {
    "acm-imported": "ACM (imported)",
    "acm-issued": "ACM (issued by ACM)",
    "iam": "IAM",
    "any": "",
}

SERVICE_TARGETS = {"acm-import", "acm-request", "iam"}


class Status(str, Enum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    UNCONFIRMED = "unconfirmed"
    NO_DATA = "no-data"


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    url: str


@dataclass(frozen=True)
class Fact:
    target: str
    source: str
    since: date
    accepted: frozenset[str]
    unconfirmed: frozenset[str]
    silent: frozenset[str]
    others: Status
    confirmed: bool
    date_confirmed: bool
    sources: tuple[Source, ...]
    note: str
    fix: str


@dataclass(frozen=True)
class PolicyFact:
    pattern: str
    since: date
    allowed: frozenset[str]
    confirmed: bool
    note: str
    sources: tuple[Source, ...]
    leaf_signature_hashes: frozenset[str] = frozenset()  # empty: any hash


@dataclass(frozen=True)
class Verdict:
    status: Status
    target: str
    source: str
    key_id: str
    as_of: date
    fact: Fact | None
    silent: bool = False
    split: tuple[tuple[str, Status], ...] = ()  # per-source statuses when the origin is unknown

    @property
    def accepted(self) -> tuple[str, ...]:
        return tuple(sorted(self.fact.accepted, key=_key_order)) if self.fact else ()

    @property
    def confirmed(self) -> bool:
        return (
            self.fact is not None
            and self.fact.confirmed
            and self.key_id not in self.fact.unconfirmed
            and self.status != Status.UNCONFIRMED
        )


def _key_order(key_id: str) -> tuple[int, str]:
    family, _, rest = key_id.partition("_")
    return (0 if family == "RSA" else 1, rest.zfill(5))


@dataclass(frozen=True)
class CompatData:
    facts: tuple[Fact, ...]
    policies: tuple[PolicyFact, ...]
    checked: str

    def facts_for(self, target: str, source: str) -> list[Fact]:
        return sorted(
            (f for f in self.facts if f.target == target and f.source == source),
            key=lambda f: f.since,
        )

    def fact_at(self, target: str, source: str, as_of: date) -> Fact | None:
        current = None
        for fact in self.facts_for(target, source):
            if fact.since <= as_of:
                current = fact
        return current

    def verdict(self, target: str, source: str, key_id: str, as_of: date) -> Verdict:
        if target in SERVICE_TARGETS:
            source = "any"
        fact = self.fact_at(target, source, as_of)
        if fact is None:
            return Verdict(Status.NO_DATA, target, source, key_id, as_of, None)
        if key_id in fact.accepted:
            return Verdict(Status.ACCEPTED, target, source, key_id, as_of, fact)
        if key_id in fact.unconfirmed:
            return Verdict(Status.UNCONFIRMED, target, source, key_id, as_of, fact)
        if key_id in fact.silent:
            return Verdict(Status.REJECTED, target, source, key_id, as_of, fact, silent=True)
        return Verdict(fact.others, target, source, key_id, as_of, fact)

    def policy(self, name: str, as_of: date) -> PolicyFact | None:
        for p in self.policies:
            if fnmatch.fnmatchcase(name, p.pattern) and p.since <= as_of:
                return p
        return None


def _parse(raw: dict[str, object]) -> CompatData:
    sources = {
        key: Source(key, str(v["title"]), str(v["url"]))
        for key, v in raw["source"].items()  # type: ignore[attr-defined]
    }

    def refs(names: list[str]) -> tuple[Source, ...]:
        return tuple(sources[n] for n in names)

    facts = tuple(
        Fact(
            target=f["target"],
            source=f["source"],
            since=f["since"] if isinstance(f["since"], date) else date.fromisoformat(f["since"]),
            accepted=frozenset(f["accepted"]),
            unconfirmed=frozenset(f.get("unconfirmed", [])),
            silent=frozenset(f.get("silent", [])),
            others=Status(f.get("others", "rejected")),
            confirmed=f.get("confirmed", True),
            date_confirmed=f.get("date_confirmed", True),
            sources=refs(f["sources"]),
            note=f.get("note", ""),
            fix=f.get("fix", ""),
        )
        for f in raw["fact"]  # type: ignore[attr-defined]
    )
    policies = tuple(
        PolicyFact(
            pattern=p["pattern"],
            since=date.fromisoformat(p["since"]),
            allowed=frozenset(p["allowed"]),
            confirmed=p.get("confirmed", True),
            note=p.get("note", ""),
            sources=refs(p["sources"]),
            leaf_signature_hashes=frozenset(p.get("leaf_signature_hashes", [])),
        )
        for p in raw.get("policy", [])  # type: ignore[attr-defined]
    )
    return CompatData(facts, policies, str(raw["meta"]["checked"]))  # type: ignore[index]


@cache
def load() -> CompatData:
    """The packaged data, parsed once per process."""
    text = resources.files("linter").joinpath("data/aws_compat.toml").read_text("utf-8")
    return _parse(tomllib.loads(text))


def sources_for(delivery: Delivery) -> tuple[str, ...]:
    """The data's certificate sources a delivery can stand for. An ACM ARN whose origin is not
    known may be either imported or issued."""
    return {
        Delivery.ACM_IMPORT: ("acm-imported",),
        Delivery.ACM_REQUEST: ("acm-issued",),
        Delivery.ACM_UNKNOWN: ("acm-imported", "acm-issued"),
        Delivery.IAM: ("iam",),
        Delivery.EXTERNAL: ("acm-imported", "acm-issued", "iam"),
    }.get(delivery, ())


def service_target(delivery: Delivery) -> Target | None:
    """The service a certificate must first get into, judged before any endpoint."""
    return {
        Delivery.ACM_IMPORT: Target.ACM_IMPORT,
        Delivery.ACM_REQUEST: Target.ACM_REQUEST,
        Delivery.IAM: Target.IAM,
    }.get(delivery)
