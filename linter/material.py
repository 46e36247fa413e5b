"""Inspect certificate and key material the way ACM and IAM will at import.

Reads PEM bundles (leaf first, then chain; text before the first block is tolerated, as
openssl writes it), PKCS#1 / PKCS#8 / SEC1 private keys, and says what ACM or IAM would refuse:
DER where PEM is needed, encrypted or oversized keys, a key that is not the certificate's, a
broken chain, a certificate outside its validity window.

Private key bytes are parsed only to compare the public half with the certificate; the key
object is dropped at once and nothing about it but its format and size is kept.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID

from linter.keys import key_info_from_public_key
from linter.model import KeyInfo, KeySource, Location, Pem

ACM_MAX_KEY_BYTES = 5120
RSASSA_PSS_OID = "1.2.840.113549.1.1.10"

_PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n")
_PEM_END = re.compile(rb"-----END ([A-Z0-9 ]+)-----")


@dataclass(frozen=True)
class Problem:
    """Something ACM or IAM would refuse. `acm_only` problems do not apply to IAM uploads;
    `severity_hint` lowers problems that AWS tolerates but that break clients."""

    message: str
    location: Location
    acm_only: bool = False
    severity_hint: str = "error"


@dataclass
class Inspection:
    key: KeyInfo | None = None
    leaf: x509.Certificate | None = None
    chain: list[x509.Certificate] = field(default_factory=list)
    private_key_format: str | None = None
    private_key_matches: bool | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def not_after(self) -> datetime | None:
        return self.leaf.not_valid_after_utc if self.leaf else None

    @property
    def not_before(self) -> datetime | None:
        return self.leaf.not_valid_before_utc if self.leaf else None

    @property
    def signature_algorithm(self) -> str | None:
        if self.leaf is None:
            return None
        oid = self.leaf.signature_algorithm_oid
        return getattr(oid, "_name", None) or oid.dotted_string


def _blocks(data: bytes) -> list[tuple[str, bytes]]:
    """Each `-----BEGIN X-----` ... `-----END X-----` block, in order. Linear time: the END
    lines are indexed once, so a file of BEGIN lines with no END (where one regex with a
    backreference rescans the rest of the file from every BEGIN) stays cheap."""
    ends: dict[bytes, list[int]] = {}
    for end in _PEM_END.finditer(data):
        ends.setdefault(end.group(1), []).append(end.start())
    out: list[tuple[str, bytes]] = []
    pos = 0
    while (m := _PEM_BEGIN.search(data, pos)) is not None:
        label = m.group(1)
        positions = ends.get(label, [])
        i = bisect.bisect_left(positions, m.end())
        if i == len(positions):
            pos = m.start() + 1  # no END for it: the next BEGIN may still have one
            continue
        stop = positions[i] + len(b"-----END -----") + len(label)
        out.append((label.decode(), data[m.start() : stop]))
        pos = stop
    return out


# PEM labels a message may name (RFC 7468 and OpenSSL's); any other label is part of a file's
# content, which is never shown (docs/security.md, "Secrets and tainted values").
_KNOWN_LABELS = frozenset(
    {
        "PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY", "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE REQUEST",
        "NEW CERTIFICATE REQUEST", "X509 CRL", "TRUSTED CERTIFICATE", "PKCS7", "CMS",
        "EC PARAMETERS", "DH PARAMETERS", "OPENSSH PRIVATE KEY", "ATTRIBUTE CERTIFICATE",
    }
)  # fmt: skip


def _label(label: str) -> str:
    return f"a '{label}' block" if label in _KNOWN_LABELS else "a block that is not a certificate"


def _looks_der(data: bytes) -> bool:
    return data[:1] == b"\x30" and b"-----BEGIN" not in data


def _subject(cert: x509.Certificate) -> str:
    return cert.subject.rfc4514_string() or "(empty subject)"


def _read_now(cert: x509.Certificate) -> x509.Certificate:
    """`cert` with the fields the checks read parsed now: cryptography parses some only when
    asked, and a malformed one (an issuer name that is not UTF-8) must be a problem with this
    PEM, not an exception in a rule later."""
    for name in (
        "version",
        "issuer",
        "subject",
        "extensions",
        "not_valid_before_utc",
        "not_valid_after_utc",
    ):
        getattr(cert, name)
    return cert


def load_certificates(pem: Pem, what: str, problems: list[Problem]) -> list[x509.Certificate]:
    """All certificates in a PEM bundle, in order; problems for anything unreadable."""
    data = pem.data
    if _looks_der(data):
        try:
            x509.load_der_x509_certificate(data)
            problems.append(
                Problem(
                    f"the {what} is DER-encoded; ACM and IAM need PEM "
                    "(convert with `openssl x509 -inform der -outform pem`)",
                    pem.location,
                )
            )
        except ValueError:
            problems.append(Problem(f"the {what} is not a PEM certificate", pem.location))
        return []
    certs: list[x509.Certificate] = []
    blocks = _blocks(data)
    for label, block in blocks:
        if label != "CERTIFICATE":
            problems.append(
                Problem(
                    f"the {what} holds {_label(label)} where a certificate was expected",
                    pem.location,
                )
            )
            continue
        try:
            certs.append(_read_now(x509.load_pem_x509_certificate(block)))
        except (ValueError, x509.InvalidVersion, x509.DuplicateExtension) as exc:
            problems.append(
                Problem(
                    f"the {what} has a PEM certificate that cannot be read ({exc})", pem.location
                )
            )
    if not blocks:
        problems.append(
            Problem(
                f"the {what} is not a PEM certificate (no '-----BEGIN CERTIFICATE-----' block)",
                pem.location,
            )
        )
    return certs


def _key_info_of(cert: x509.Certificate) -> KeyInfo:
    try:
        pss = cert.public_key_algorithm_oid.dotted_string == RSASSA_PSS_OID
    except AttributeError:  # older cryptography
        pss = False
    try:
        return key_info_from_public_key(cert.public_key(), KeySource.PEM, pss=pss)
    except (UnsupportedAlgorithm, ValueError):
        oid = cert.public_key_algorithm_oid
        name = getattr(oid, "_name", None) or oid.dotted_string
        return KeyInfo(name, None, None, None, name.upper(), name, KeySource.PEM)


def _check_private_key(pem: Pem, leaf: x509.Certificate | None, insp: Inspection) -> None:
    data = pem.data
    loc = pem.location
    if _looks_der(data):
        insp.problems.append(Problem("the private key is DER-encoded; ACM and IAM need PEM", loc))
        return
    blocks = [(label, block) for label, block in _blocks(data) if "PRIVATE KEY" in label]
    if not blocks:
        insp.problems.append(Problem("the private key is not a PEM private key", loc))
        return
    label, block = blocks[0]
    if label == "ENCRYPTED PRIVATE KEY" or b"Proc-Type: 4,ENCRYPTED" in block:
        insp.private_key_format = "encrypted"
        insp.problems.append(
            Problem(
                "the private key is encrypted; ACM and IAM need an "
                "unencrypted key (decrypt it at deploy time, never commit "
                "it unencrypted)",
                loc,
            )
        )
        return
    insp.private_key_format = {
        "RSA PRIVATE KEY": "PKCS#1",
        "EC PRIVATE KEY": "SEC1",
        "PRIVATE KEY": "PKCS#8",
    }.get(label, label)
    if len(block) > ACM_MAX_KEY_BYTES:
        insp.problems.append(
            Problem(
                f"the private key is {len(block)} bytes; ACM imports keys "
                f"of at most {ACM_MAX_KEY_BYTES} bytes",
                loc,
                acm_only=True,
            )
        )
    try:
        # Only the public half is compared; skipping the RSA consistency check (primality
        # tests, seconds for RSA 8192) keeps large keys cheap.
        key = serialization.load_pem_private_key(
            block, password=None, unsafe_skip_rsa_key_validation=True
        )
    except TypeError:
        insp.private_key_format = "encrypted"
        insp.problems.append(
            Problem("the private key is encrypted; ACM and IAM need an unencrypted key", loc)
        )
        return
    except (ValueError, UnsupportedAlgorithm):
        insp.problems.append(Problem("the private key cannot be read", loc))
        return
    public = key.public_key()
    del key  # nothing of the private half outlives this check
    if insp.key is None:
        insp.key = key_info_from_public_key(public, KeySource.PEM)
    if leaf is not None:
        spki = serialization.PublicFormat.SubjectPublicKeyInfo
        der = serialization.Encoding.DER
        try:
            leaf_public = leaf.public_key().public_bytes(der, spki)
        except (UnsupportedAlgorithm, ValueError):
            return
        insp.private_key_matches = public.public_bytes(der, spki) == leaf_public
        if not insp.private_key_matches:
            insp.problems.append(Problem("the private key does not match the certificate", loc))


def _issued_by(cert: x509.Certificate, issuer: x509.Certificate) -> bool:
    if cert.issuer != issuer.subject:
        return False
    try:
        cert.verify_directly_issued_by(issuer)
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _check_chain(
    leaf: x509.Certificate, chain: list[x509.Certificate], where: Location, insp: Inspection
) -> None:
    """ACM needs the leaf's issuer among the chain's certificates. Load balancers serve the
    chain as given, so each certificate should be followed by its issuer: a wrong order is
    worth a warning (clients that do not reorder fail)."""
    if not chain or _is_self_signed(leaf):
        return
    if not any(_issued_by(leaf, other) for other in chain):
        insp.problems.append(
            Problem(
                f"the chain has no certificate that issued the certificate (its issuer is "
                f"'{leaf.issuer.rfc4514_string()}'); ACM refuses a chain that does not link",
                where,
            )
        )
        return
    ordered = [leaf, *chain]
    for child, parent in itertools.pairwise(ordered):
        if _issued_by(child, parent):
            continue
        if any(_issued_by(child, other) for other in chain if other is not child):
            insp.problems.append(
                Problem(
                    "the chain is out of order: each certificate must be followed by its issuer "
                    f"('{_subject(child)}' is followed by '{_subject(parent)}')",
                    where,
                    severity_hint="warning",
                )
            )
            return


def _is_self_signed(cert: x509.Certificate) -> bool:
    return cert.issuer == cert.subject and _issued_by(cert, cert)


def inspect(
    certificate: Pem | None,
    chain: Pem | None = None,
    private_key: Pem | None = None,
    now: datetime | None = None,
) -> Inspection:
    """Inspect the material; `now` is the moment of import/use (`--as-of`)."""
    now = now or datetime.now(UTC)
    insp = Inspection()
    if certificate is not None:
        certs = load_certificates(certificate, "certificate", insp.problems)
        if certs:
            insp.leaf, bundled = certs[0], certs[1:]
            insp.chain.extend(bundled)
            insp.key = _key_info_of(insp.leaf)
            _check_leaf(insp.leaf, certificate.location, now, insp)
    if chain is not None:
        insp.chain.extend(load_certificates(chain, "certificate chain", insp.problems))
    if insp.leaf is not None and insp.chain:
        where = chain.location if chain is not None else certificate.location  # type: ignore[union-attr]
        _check_chain(insp.leaf, insp.chain, where, insp)
    if private_key is not None:
        _check_private_key(private_key, insp.leaf, insp)
    return insp


def _check_leaf(leaf: x509.Certificate, loc: Location, now: datetime, insp: Inspection) -> None:
    if leaf.version != x509.Version.v3:
        insp.problems.append(Problem("the certificate is not X.509 version 3", loc))
    if not leaf.issuer.get_attributes_for_oid(NameOID.COMMON_NAME) and not list(leaf.issuer):
        insp.problems.append(Problem("the certificate has an empty Issuer", loc))
    if leaf.not_valid_before_utc > now:
        insp.problems.append(
            Problem(
                "the certificate is not yet valid "
                f"(notBefore {leaf.not_valid_before_utc:%Y-%m-%d})",
                loc,
            )
        )
    if leaf.not_valid_after_utc < now:
        insp.problems.append(
            Problem(f"the certificate expired on {leaf.not_valid_after_utc:%Y-%m-%d}", loc)
        )
