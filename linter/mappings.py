"""Certificates named only by ARN: what the configuration's mappings say about them.

A literal ARN (or IAM server-certificate id) managed outside the code cannot be inspected
statically. The config's `certificate "ARN" { key_algorithm = ... }` or `{ pem_file = ... }`
blocks tell the key; without one the certificate is unknown, with a reason that says how to make
it known. Shared by every front end so that Terraform, CloudFormation and the CDK agree.
"""

from __future__ import annotations

from linter.keys import key_info_from_acm_name
from linter.model import (
    Certificate,
    Delivery,
    KeySource,
    LiveLookup,
    Location,
    MaterialProblem,
    Pem,
)
from linter.options import CertificateMapping, LoadOptions
from linter.safe_files import UnsafePath
from linter.taint import WHY_HIDDEN, is_tainted, taint

HOW_TO_RESOLVE = (
    'add `certificate "{arn}" {{ key_algorithm = "RSA_2048" }}` (or `pem_file = "..."`) to '
    ".certfit.hcl"
)


def delivery_from_arn(arn: str) -> Delivery:
    """ACM or IAM from the ARN's service; an ACM ARN may be imported or issued."""
    parts = arn.split(":")
    if len(parts) >= 3 and parts[0] == "arn":
        if parts[2] == "acm":
            return Delivery.ACM_UNKNOWN
        if parts[2] == "iam":
            return Delivery.IAM
    return Delivery.EXTERNAL


def region_from_arn(arn: str) -> str | None:
    parts = arn.split(":")
    region = parts[3] or None if len(parts) >= 4 and parts[0] == "arn" else None
    return taint(region, arn.source) if is_tainted(arn) else region  # type: ignore[attr-defined]


def _mapping_for(arn: str, options: LoadOptions | None) -> CertificateMapping | None:
    if options is None:
        return None
    mappings = options.certificate_mappings
    if arn in mappings:
        return mappings[arn]
    # IAM certificates are also referred to by name or id; match the ARN's last segment.
    for key, mapping in mappings.items():
        if key.rsplit("/", 1)[-1] == arn:
            return mapping
    return None


def certificate_from_arn(arn: str, location: Location, options: LoadOptions | None) -> Certificate:
    """A Certificate for an ARN met at `location`, known through a mapping or unknown."""
    mapping = _mapping_for(arn, options)
    delivery = delivery_from_arn(mapping.arn if mapping else arn)
    if mapping and mapping.delivery:
        delivery = Delivery(mapping.delivery)
    cert = Certificate(
        address=arn,
        delivery=delivery,
        location=location,
        arn=arn,
        region=region_from_arn(arn),
        lookup=LiveLookup("arn", arn, region_from_arn(arn)),
    )
    if mapping is None and is_tainted(arn):
        named = f"`{arn.source}`"  # type: ignore[attr-defined]
        cert.unknown_reason = (
            f"the certificate {named} names is managed outside this code, so its key cannot be "
            f"read ({WHY_HIDDEN}); map its ARN in .certfit.hcl"
            if arn.startswith("arn:")
            else f"{named} is not a certificate ARN ({WHY_HIDDEN})"
        )
        return cert
    if mapping is None:
        cert.unknown_reason = (
            f"the certificate {arn} is managed outside this code, so its key cannot be read; "
            + HOW_TO_RESOLVE.format(arn=arn)
        )
        return cert
    mapping_loc = Location(mapping.source)
    cert.related.append(mapping_loc)
    if mapping.key_algorithm:
        cert.key = key_info_from_acm_name(mapping.key_algorithm, KeySource.CONFIG_MAPPING)
        if cert.key is None:
            cert.unknown_reason = (
                f"the mapping for {arn} names key_algorithm '{mapping.key_algorithm}', which is "
                "not one of ACM's names (RSA_1024..RSA_4096, EC_prime256v1, EC_secp384r1, "
                "EC_secp521r1)"
            )
    elif mapping.pem_file and options is not None:
        try:
            data = options.reader.read_bytes(mapping.pem_file)
        except (UnsafePath, OSError) as exc:
            cert.problems.append(MaterialProblem(f"pem_file for {arn}: {exc}", mapping_loc))
        else:
            cert.certificate_pem = Pem(
                data,
                Location(options.reader.relative(options.reader.resolve(mapping.pem_file)), 1, 1),
            )
    return cert
