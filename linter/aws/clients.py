"""One boto3 client per service and region, made once and shared by the threads of a run.

The standard credential chain and region settings apply (AWS_PROFILE, AWS_REGION,
AWS_ENDPOINT_URL and the per-service endpoint variables are read by boto3 itself). Retries use
the SDK's standard mode, so throttling is retried before a call is reported as failed; the
timeouts keep an unreachable endpoint from holding a run.
"""

from __future__ import annotations

import threading
from typing import Any

from linter.aws import LookupFailed, require_boto3

GLOBAL_REGION = "us-east-1"  # IAM and CloudFront answer there


class Clients:
    def __init__(self, default_region: str | None = None, max_attempts: int = 4) -> None:
        require_boto3()
        import boto3
        from botocore.config import Config

        self._session = boto3.session.Session()
        self.default_region = default_region or self._session.region_name or GLOBAL_REGION
        self._config = Config(
            retries={"mode": "standard", "max_attempts": max_attempts},
            connect_timeout=5,
            read_timeout=20,
            user_agent_extra="certfit",
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self._lock = threading.Lock()

    def get(self, service: str, region: str | None = None) -> Any:
        region = region or self.default_region
        key = (service, region)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._session.client(
                    service, region_name=region, config=self._config
                )
            return self._clients[key]


def call(client: Any, operation: str, **kwargs: Any) -> Any:
    """client.<operation>(**kwargs), with any failure turned into LookupFailed naming the call
    (`acm DescribeCertificate`) and the reason AWS or the network gave."""
    try:
        return getattr(client, operation)(**kwargs)
    except Exception as exc:
        raise _failure(client, operation, exc) from None


def paginate(client: Any, operation: str, key: str, **kwargs: Any) -> list[Any]:
    """Every item of a list call, pagination followed to the end (`key` may be dotted, as in
    CloudFront's `DistributionList.Items`)."""
    items: list[Any] = []
    try:
        if not client.can_paginate(operation):
            return _dig(getattr(client, operation)(**kwargs), key)
        for page in client.get_paginator(operation).paginate(**kwargs):
            items.extend(_dig(page, key))
    except Exception as exc:
        raise _failure(client, operation, exc) from None
    return items


def _failure(client: Any, operation: str, exc: Exception) -> Exception:
    from botocore.exceptions import BotoCoreError, ClientError

    api = "".join(part.capitalize() for part in operation.split("_"))
    service = client.meta.service_model.service_name
    if isinstance(exc, ClientError):
        # The code only: AWS's message echoes the ARN asked for (which may be a tainted value)
        # and the caller's role ARN, neither of which belongs in a public CI log.
        code = exc.response.get("Error", {}).get("Code") or "error"
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return LookupFailed(
            f"{service} {api} failed: {code}" + (f" (HTTP {status})" if status else "")
        )
    if isinstance(exc, BotoCoreError):
        return LookupFailed(f"{service} {api} failed: {_one_line(str(exc))}")
    return exc


def _dig(page: Any, key: str) -> list[Any]:
    value = page
    for part in key.split("."):
        value = value.get(part, {}) if isinstance(value, dict) else {}
    return list(value) if isinstance(value, list) else []


def _one_line(text: str) -> str:
    return " ".join(str(text).split())[:300]
