"""The read-only calls certfit makes, each answered once per run and, keyed by ARN, from the
cache directory for a short time (`--aws-cache-ttl`).

Only these actions are used (the README's least-privilege policy lists them):
acm:DescribeCertificate, acm:ListCertificates, iam:GetServerCertificate,
iam:ListServerCertificates, ssm:GetParameter, cloudformation:ListExports,
elasticloadbalancing:DescribeLoadBalancers (and, for `certfit audit`, the Describe/List calls
in `audit.py`). Nothing is ever written to AWS, and SSM parameters are never decrypted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from linter.aws import LookupFailed
from linter.aws.clients import GLOBAL_REGION, Clients, call, paginate
from linter.safe_files import read_regular

ARN = re.compile(r"^arn:aws[a-z-]*:(?P<service>[a-z0-9-]+):(?P<region>[a-z0-9-]*):\d{12}:.+$")
DEFAULT_CACHE_TTL = 300  # seconds: long enough for a pre-commit loop, short for a rotation


@dataclass(frozen=True)
class AcmFacts:
    """What DescribeCertificate says (no material: ACM never returns an imported key)."""

    arn: str
    key_algorithm: str | None
    type: str | None  # IMPORTED | AMAZON_ISSUED | PRIVATE
    status: str | None
    not_after: str | None  # ISO 8601


@dataclass(frozen=True)
class IamFacts:
    """What GetServerCertificate says: the public body and chain, never a private key."""

    arn: str
    name: str
    path: str
    body: str
    chain: str | None
    expiration: str | None


def region_of(arn: str) -> str | None:
    m = ARN.match(arn)
    return (m["region"] or None) if m else None


def service_of(arn: str) -> str | None:
    m = ARN.match(arn)
    return m["service"] if m else None


class Aws:
    """The lookups of one run: memoised, thread-safe, cached on disk by ARN."""

    def __init__(
        self,
        clients: Clients,
        cache_dir: Path | None = None,
        cache_ttl: int = DEFAULT_CACHE_TTL,
    ) -> None:
        self.clients = clients
        self.cache_dir = cache_dir / "aws" if cache_dir is not None else None
        self.cache_ttl = cache_ttl
        self._memo: dict[tuple[str, ...], Any] = {}
        self._locks: dict[tuple[str, ...], threading.Lock] = {}
        self._guard = threading.Lock()

    # ------------------------------------------------------------------ memo and cache

    def _once(self, key: tuple[str, ...], fetch: Any) -> Any:
        """fetch() once per key for the run; a failure is remembered too (no retry storm)."""
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            if key not in self._memo:
                try:
                    self._memo[key] = ("ok", fetch())
                except LookupFailed as exc:
                    self._memo[key] = ("failed", exc)
            status, value = self._memo[key]
        if status == "failed":
            raise value
        return value

    def _cache_path(self, key: str) -> Path | None:
        if self.cache_dir is None or self.cache_ttl <= 0:
            return None
        return self.cache_dir / (hashlib.sha256(key.encode()).hexdigest() + ".json")

    def _cached(self, key: str) -> dict[str, Any] | None:
        path = self._cache_path(key)
        if path is None:
            return None
        try:
            if time.time() - path.stat().st_mtime > self.cache_ttl:
                return None
            doc = json.loads(read_regular(path, limit=1024 * 1024))
        except (OSError, ValueError):
            return None
        return doc if isinstance(doc, dict) and doc.get("key") == key else None

    def _store(self, key: str, facts: dict[str, Any]) -> None:
        path = self._cache_path(key)
        if path is None:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
            tmp.write_text(json.dumps({"key": key, **facts}), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # a cache that cannot be written only costs a call next time

    # ------------------------------------------------------------------ certificates

    def acm(self, arn: str) -> AcmFacts:
        def fetch() -> AcmFacts:
            hit = self._cached("acm:" + arn)
            if hit is not None:
                return AcmFacts(**_fields(AcmFacts, hit))
            client = self.clients.get("acm", region_of(arn))
            cert = call(client, "describe_certificate", CertificateArn=arn).get("Certificate", {})
            not_after = cert.get("NotAfter")
            facts = AcmFacts(
                arn=arn,
                key_algorithm=_normalise_key_algorithm(cert.get("KeyAlgorithm")),
                type=cert.get("Type"),
                status=cert.get("Status"),
                not_after=not_after.isoformat() if isinstance(not_after, datetime) else None,
            )
            self._store("acm:" + arn, asdict(facts))
            return facts

        return self._once(("acm", arn), fetch)

    def iam(self, name: str) -> IamFacts:
        """An IAM server certificate by name (the last segment of its ARN)."""

        def fetch() -> IamFacts:
            hit = self._cached("iam:" + name)
            if hit is not None:
                return IamFacts(**_fields(IamFacts, hit))
            client = self.clients.get("iam", GLOBAL_REGION)
            got = call(client, "get_server_certificate", ServerCertificateName=name)
            sc = got.get("ServerCertificate", {})
            meta = sc.get("ServerCertificateMetadata", {})
            expiration = meta.get("Expiration")
            facts = IamFacts(
                arn=meta.get("Arn", ""),
                name=meta.get("ServerCertificateName", name),
                path=meta.get("Path", "/"),
                body=sc.get("CertificateBody", ""),
                chain=sc.get("CertificateChain"),
                expiration=expiration.isoformat() if isinstance(expiration, datetime) else None,
            )
            self._store("iam:" + name, asdict(facts))
            return facts

        return self._once(("iam", name), fetch)

    def iam_name_for_id(self, certificate_id: str) -> str:
        """CloudFront names IAM certificates by id (ASCA...): the name behind it."""

        def fetch() -> dict[str, str]:
            client = self.clients.get("iam", GLOBAL_REGION)
            items = paginate(client, "list_server_certificates", "ServerCertificateMetadataList")
            return {m["ServerCertificateId"]: m["ServerCertificateName"] for m in items}

        names: dict[str, str] = self._once(("iam-ids",), fetch)
        if certificate_id not in names:
            raise LookupFailed(
                f"iam ListServerCertificates: no server certificate has id {certificate_id}"
            )
        return names[certificate_id]

    def search_acm(self, domain: str, region: str | None, filters: dict[str, list[str]]) -> str:
        """The certificate `data "aws_acm_certificate"` would find, as the provider finds it:
        ListCertificates with the statuses (default ISSUED) and key types (default RSA_2048),
        then the domain, the types, and the most recent when several match."""
        statuses = filters.get("statuses") or ["ISSUED"]
        key_types = filters.get("key_types") or ["RSA_2048"]
        types = filters.get("types") or []
        most_recent = (filters.get("most_recent") or ["false"])[0].lower() == "true"

        def fetch() -> str:
            client = self.clients.get("acm", region)
            summaries = paginate(
                client,
                "list_certificates",
                "CertificateSummaryList",
                CertificateStatuses=statuses,
                Includes={"keyTypes": key_types},
            )
            found = [s for s in summaries if s.get("DomainName") == domain]
            if types:
                found = [s for s in found if s.get("Type") in types]
            if not found:
                raise LookupFailed(
                    f"acm ListCertificates: no certificate for {domain} with statuses "
                    f"{', '.join(statuses)} and key types {', '.join(key_types)}"
                )
            if len(found) > 1 and not most_recent:
                raise LookupFailed(
                    f"acm ListCertificates: {len(found)} certificates match {domain}; the "
                    "provider fails the same way without most_recent = true"
                )
            if len(found) > 1:
                found.sort(key=lambda s: _as_time(s.get("IssuedAt") or s.get("ImportedAt")))
            return str(found[-1]["CertificateArn"])

        key = ("acm-search", domain, region or "", repr(sorted(filters.items())))
        return self._once(key, fetch)

    # ------------------------------------------------------------------ where ARNs live

    def ssm(self, name: str, region: str | None) -> str:
        def fetch() -> str:
            client = self.clients.get("ssm", region)
            param = call(client, "get_parameter", Name=name, WithDecryption=False)["Parameter"]
            if param.get("Type") == "SecureString":
                raise LookupFailed(
                    f"ssm GetParameter: {name} is a SecureString, which certfit never decrypts"
                )
            return str(param.get("Value", ""))

        return self._once(("ssm", name, region or ""), fetch)

    def export(self, name: str, region: str | None) -> str:
        def fetch() -> dict[str, str]:
            client = self.clients.get("cloudformation", region)
            items = paginate(client, "list_exports", "Exports")
            return {e["Name"]: e["Value"] for e in items}

        exports: dict[str, str] = self._once(("exports", region or ""), fetch)
        if name not in exports:
            raise LookupFailed(f"cloudformation ListExports: no export named {name}")
        return exports[name]

    def load_balancer_type(self, arn: str) -> str:
        """application | network | gateway, as DescribeLoadBalancers says (never from the ARN
        text)."""

        def fetch() -> str:
            client = self.clients.get("elbv2", region_of(arn))
            lbs = call(client, "describe_load_balancers", LoadBalancerArns=[arn])
            found = lbs.get("LoadBalancers") or [{}]
            return str(found[0].get("Type", ""))

        return self._once(("lb", arn), fetch)


def _fields(cls: type, doc: dict[str, Any]) -> dict[str, Any]:
    """The dataclass fields of a cached answer (anything else in the file is ignored)."""
    return {f.name: doc.get(f.name) for f in fields(cls)}


def _normalise_key_algorithm(name: str | None) -> str | None:
    """DescribeCertificate spells curves `EC-prime256v1` and RSA `RSA-2048`; the API's enum and
    everything else in certfit use underscores."""
    return name.replace("-", "_") if isinstance(name, str) else None


def _as_time(value: Any) -> float:
    return value.timestamp() if isinstance(value, datetime) else 0.0
