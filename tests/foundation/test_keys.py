"""Every key kind maps to its ACM name, or to none with a human description."""

import pytest

from fixtures.pki import issue, make_key
from linter import material
from linter.keys import (
    key_info_from_acm_name,
    key_info_from_public_key,
    key_info_from_tls_private_key,
)
from linter.model import KeySource, Location, Pem


@pytest.mark.parametrize(
    ("spec", "acm_name", "description"),
    [
        ("RSA_1024", "RSA_1024", "RSA 1024"),
        ("RSA_2048", "RSA_2048", "RSA 2048"),
        ("RSA_3072", "RSA_3072", "RSA 3072"),
        ("RSA_4096", "RSA_4096", "RSA 4096"),
        ("EC_prime256v1", "EC_prime256v1", "EC P-256"),
        ("EC_secp384r1", "EC_secp384r1", "EC P-384"),
        ("EC_secp521r1", "EC_secp521r1", "EC P-521"),
        ("EC_secp224r1", None, "EC P-224 (secp224r1)"),
        ("EC_secp256k1", None, "EC secp256k1"),
        ("EC_brainpoolP256r1", None, "EC brainpoolP256r1"),
        ("ED25519", None, "Ed25519"),
        ("ED448", None, "Ed448"),
        ("DSA_2048", None, "DSA 2048"),
    ],
)
def test_certificate_key_maps_to_acm_name(
    spec: str, acm_name: str | None, description: str
) -> None:
    cert = issue(key_spec=spec)
    insp = material.inspect(Pem(cert.cert_pem, Location("c.pem")))
    assert insp.key is not None
    assert insp.key.acm_name == acm_name
    assert insp.key.description == description
    assert insp.key.learnt_from == KeySource.PEM


def test_rsa_8192_has_no_acm_name() -> None:
    info = key_info_from_public_key(make_key("RSA_8192").public_key())
    assert (info.acm_name, info.key_id, info.description) == (None, "RSA_8192", "RSA 8192")


def test_rsa_pss_key_is_its_own_family() -> None:
    info = key_info_from_public_key(make_key("RSA_2048").public_key(), pss=True)
    assert info.family == "RSA-PSS" and info.acm_name is None


def test_acm_names_round_trip_and_reject_others() -> None:
    for name in ("RSA_2048", "EC_prime256v1", "EC_secp521r1"):
        info = key_info_from_acm_name(name, KeySource.ACM_KEY_ALGORITHM)
        assert info is not None and info.acm_name == name
    assert key_info_from_acm_name("RSA_8192", KeySource.ACM_KEY_ALGORITHM) is None
    assert key_info_from_acm_name("EC_prime256", KeySource.ACM_KEY_ALGORITHM) is None


def test_tls_private_key_defaults_are_the_providers() -> None:
    ecdsa = key_info_from_tls_private_key("ECDSA")
    assert ecdsa is not None and ecdsa.curve == "secp224r1" and ecdsa.acm_name is None
    rsa = key_info_from_tls_private_key("RSA")
    assert rsa is not None and rsa.acm_name == "RSA_2048"
    assert key_info_from_tls_private_key("ECDSA", ecdsa_curve="P384").acm_name == "EC_secp384r1"  # type: ignore[union-attr]
    assert key_info_from_tls_private_key("ED25519").key_id == "ED25519"  # type: ignore[union-attr]
    assert key_info_from_tls_private_key("ECDSA", ecdsa_curve="P999") is None


def test_rsa_pss_certificate_has_no_acm_name(tmp_path) -> None:
    """cryptography cannot generate an RSASSA-PSS key, so openssl makes this one."""
    import shutil
    import subprocess

    openssl = shutil.which("openssl")
    assert openssl, "openssl is part of the machine image and needed to make an RSA-PSS key"
    subprocess.run(
        [
            openssl,
            "req",
            "-x509",
            "-newkey",
            "rsa-pss",
            "-pkeyopt",
            "rsa_keygen_bits:2048",
            "-keyout",
            str(tmp_path / "k.pem"),
            "-out",
            str(tmp_path / "c.pem"),
            "-nodes",
            "-subj",
            "/CN=pss.example.com",
            "-days",
            "30",
        ],
        check=True,
        capture_output=True,
    )
    insp = material.inspect(
        Pem((tmp_path / "c.pem").read_bytes(), Location("c.pem")),
        private_key=Pem((tmp_path / "k.pem").read_bytes(), Location("k.pem")),
    )
    assert insp.key is not None
    assert (insp.key.family, insp.key.acm_name, insp.key.key_id) == (
        "RSA-PSS",
        None,
        "RSA_PSS_2048",
    )
    assert insp.private_key_matches is True
