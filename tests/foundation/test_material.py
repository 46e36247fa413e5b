"""Material inspection: what ACM or IAM would refuse, found from real PEMs."""

import datetime as dt

import pytest

from fixtures.pki import NOW, chain, issue, pem_bundle
from linter import material
from linter.model import Location, Pem

LOC = Location("cert.pem", 1, 1)
KEY_LOC = Location("key.pem", 1, 1)


def pem(data: bytes, loc: Location = LOC) -> Pem:
    return Pem(data, loc)


def messages(insp: material.Inspection) -> list[str]:
    return [p.message for p in insp.problems]


def test_clean_certificate_with_matching_key_has_no_problems() -> None:
    cert = issue(key_spec="RSA_2048")
    insp = material.inspect(pem(cert.cert_pem), private_key=pem(cert.key_pem(), KEY_LOC))
    assert insp.problems == []
    assert insp.private_key_matches is True
    assert insp.private_key_format == "PKCS#8"
    assert insp.signature_algorithm == "sha256WithRSAEncryption"


@pytest.mark.parametrize(
    ("spec", "fmt", "label"),
    [
        ("RSA_2048", "pkcs1", "PKCS#1"),
        ("RSA_2048", "pkcs8", "PKCS#8"),
        ("EC_prime256v1", "sec1", "SEC1"),
        ("EC_prime256v1", "pkcs8", "PKCS#8"),
    ],
)
def test_key_formats_are_read(spec: str, fmt: str, label: str) -> None:
    cert = issue(key_spec=spec)
    insp = material.inspect(pem(cert.cert_pem), private_key=pem(cert.key_pem(fmt), KEY_LOC))
    assert insp.private_key_format == label
    assert insp.private_key_matches is True
    assert insp.problems == []


def test_text_before_the_first_block_is_tolerated_and_bundle_is_leaf_first() -> None:
    leaf, inter, root = chain("EC_prime256v1")
    data = b"subject=CN = app.example.com\nissuer=CN = Example Intermediate CA\n" + pem_bundle(
        leaf, inter, root
    )
    insp = material.inspect(pem(data))
    assert insp.leaf is not None and insp.leaf.subject == leaf.cert.subject
    assert len(insp.chain) == 2
    assert insp.key is not None and insp.key.acm_name == "EC_prime256v1"
    assert insp.problems == []


@pytest.mark.parametrize("fmt", ["pkcs8", "pkcs1"])
def test_encrypted_key_is_refused_without_being_decrypted(fmt: str) -> None:
    cert = issue(key_spec="RSA_2048")
    key = cert.key_pem(fmt, password=b"hunter2")
    insp = material.inspect(pem(cert.cert_pem), private_key=pem(key, KEY_LOC))
    assert insp.private_key_format == "encrypted"
    assert any("encrypted" in m for m in messages(insp))


def test_der_certificate_and_key_are_refused_with_the_fix() -> None:
    cert = issue()
    insp = material.inspect(pem(cert.cert_der))
    assert any("DER-encoded" in m and "openssl" in m for m in messages(insp))
    assert insp.key is None


def test_oversized_key_is_an_acm_only_problem() -> None:
    cert = issue(key_spec="RSA_8192")
    insp = material.inspect(pem(cert.cert_pem), private_key=pem(cert.key_pem(), KEY_LOC))
    sized = [p for p in insp.problems if "5120" in p.message]
    assert len(sized) == 1 and sized[0].acm_only
    assert sized[0].location == KEY_LOC


def test_key_of_another_certificate_is_a_mismatch() -> None:
    cert, other = issue(key_spec="RSA_2048"), issue(key_spec="RSA_3072")
    insp = material.inspect(pem(cert.cert_pem), private_key=pem(other.key_pem(), KEY_LOC))
    assert insp.private_key_matches is False
    assert any("does not match" in m for m in messages(insp))


def test_chain_without_the_issuer_is_broken() -> None:
    leaf, _inter, root = chain()
    unrelated = issue("Other CA", ca=True)
    insp = material.inspect(pem(leaf.cert_pem), chain=pem(pem_bundle(unrelated, root)))
    assert any("no certificate that issued" in m for m in messages(insp))


def test_chain_out_of_order_is_a_warning_and_in_order_is_clean() -> None:
    leaf, inter, root = chain()
    wrong = material.inspect(pem(leaf.cert_pem), chain=pem(pem_bundle(root, inter)))
    assert [p.severity_hint for p in wrong.problems] == ["warning"]
    right = material.inspect(pem(leaf.cert_pem), chain=pem(pem_bundle(inter, root)))
    assert right.problems == []
    # The root may be left out: that is normal, not broken.
    no_root = material.inspect(pem(leaf.cert_pem), chain=pem(inter.cert_pem))
    assert no_root.problems == []


def test_validity_window_is_judged_at_the_given_moment() -> None:
    cert = issue(not_before=NOW - dt.timedelta(days=400), not_after=NOW - dt.timedelta(days=35))
    assert any("expired" in m for m in messages(material.inspect(pem(cert.cert_pem))))
    before = material.inspect(pem(cert.cert_pem), now=NOW - dt.timedelta(days=100))
    assert before.problems == []
    future = issue(not_before=NOW + dt.timedelta(days=3))
    assert any("not yet valid" in m for m in messages(material.inspect(pem(future.cert_pem))))


def test_not_a_certificate_at_all() -> None:
    insp = material.inspect(pem(b"hello, this is not a certificate\n"))
    assert any("not a PEM certificate" in m for m in messages(insp))


def test_a_key_where_the_certificate_should_be() -> None:
    cert = issue()
    insp = material.inspect(pem(cert.key_pem()))
    assert any("'PRIVATE KEY' block where a certificate" in m for m in messages(insp))
    assert all(b"PRIVATE" not in m.encode() or "block" in m for m in messages(insp))


def test_key_material_never_appears_in_reprs_or_messages() -> None:
    cert, other = issue(key_spec="EC_prime256v1"), issue(key_spec="EC_prime256v1")
    key = other.key_pem()
    p = pem(key, KEY_LOC)
    insp = material.inspect(pem(cert.cert_pem), private_key=p)
    body = b"".join(key.splitlines()[1:-1]).decode()
    texts = [repr(p), repr(insp), *messages(insp)]
    for text in texts:
        assert body[:24] not in text
    assert "bytes" in repr(p)


def test_an_unknown_pem_label_is_not_quoted() -> None:
    """A BEGIN line is a file's content: only the standard labels are named."""
    data = b"-----BEGIN CANARY SECRET 42-----\nAAAA\n-----END CANARY SECRET 42-----\n"
    insp = material.inspect(pem(data))
    text = " ".join(messages(insp))
    assert "CANARY" not in text
    assert "a block that is not a certificate" in text
    key = issue("k.example", "RSA_2048").key_pem("pkcs8")
    assert "holds a 'PRIVATE KEY' block" in " ".join(messages(material.inspect(pem(key))))
