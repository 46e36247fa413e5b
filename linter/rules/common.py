"""Helpers the rules share: how a finding names a key, a target and its facts."""

from __future__ import annotations

from typing import Any

from linter.compat import SOURCE_LABELS, TARGET_LABELS, Verdict
from linter.model import Binding, Certificate, KeyInfo, Location


def key_label(key: KeyInfo) -> str:
    if key.acm_name and key.acm_name not in key.description:
        return f"{key.description} ({key.acm_name})"
    return key.description


def target_label(target: str) -> str:
    return TARGET_LABELS.get(target, target)


def source_label(source: str) -> str:
    return SOURCE_LABELS.get(source, source)


def key_details(key: KeyInfo | None) -> dict[str, Any]:
    if key is None:
        return {"key_algorithm": None, "key": None}
    return {
        "key_algorithm": key.acm_name,
        "key": key.description,
        "key_id": key.key_id,
        "key_learnt_from": key.learnt_from.value,
    }


def verdict_details(v: Verdict) -> dict[str, Any]:
    return {
        "target": v.target,
        "source": v.source,
        "verdict": v.status.value,
        "as_of": v.as_of.isoformat(),
        "since": v.fact.since.isoformat() if v.fact else None,
        "since_confirmed": v.fact.date_confirmed if v.fact else None,
        "accepted": list(v.accepted),
        "confirmed": v.confirmed,
        "sources": [s.url for s in v.fact.sources] if v.fact else [],
    }


def certificate_anchor(cert: Certificate) -> Location:
    """Where a finding about the certificate itself (its key, its dates) is reported."""
    if cert.certificate_pem is None:
        return cert.location
    return anchor(cert, cert.certificate_pem.location)


def anchor(cert: Certificate, material_location: Location) -> Location:
    """Where a finding about material is reported: in the configuration that names the
    material (so an inline ignore there works and the pull request diff shows it), unless the
    material sits in that same file or there is no configuration (`certfit inspect`). The PEM
    file itself stays a related location."""
    if not cert.location.file or material_location.file == cert.location.file:
        return material_location
    return cert.location


def related_of(cert: Certificate | None, binding: Binding | None = None) -> tuple[Location, ...]:
    """The endpoint, the certificate's definition and its PEM files (the engine drops repeats
    and anything on the finding's own line)."""
    locs: list[Location] = []
    if binding is not None:
        locs.append(binding.endpoint.location)
        locs.extend(binding.related)
    if cert is not None:
        locs.append(cert.location)
        for pem in (cert.certificate_pem, cert.chain_pem, cert.private_key_pem):
            if pem is not None:
                locs.append(pem.location)
        locs.extend(cert.related)
    return tuple(locs)
