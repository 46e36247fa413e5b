"""What a key is: from a public key, an ACM algorithm name, or a `tls_private_key` resource.

Every key is mapped to ACM's KeyAlgorithm name when it has one, and otherwise to a canonical
descriptor (RSA_8192, EC_secp224r1, ED25519, ...) that the compatibility data can name.
"""

from __future__ import annotations

from cryptography.hazmat.primitives.asymmetric import dh, dsa, ec, ed448, ed25519, rsa, x448, x25519

from linter.model import KeyInfo, KeySource

ACM_RSA_SIZES = (1024, 2048, 3072, 4096)

# cryptography's curve name -> ACM's name (None: ACM has none) and a readable label.
CURVES: dict[str, tuple[str | None, str]] = {
    "secp256r1": ("EC_prime256v1", "P-256"),
    "prime256v1": ("EC_prime256v1", "P-256"),
    "secp384r1": ("EC_secp384r1", "P-384"),
    "secp521r1": ("EC_secp521r1", "P-521"),
    "secp224r1": (None, "P-224"),
    "secp192r1": (None, "P-192"),
    "secp256k1": (None, "secp256k1"),
}

ACM_NAMES: tuple[str, ...] = (
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
)

# Terraform tls_private_key's ecdsa_curve values -> cryptography curve names.
TLS_PROVIDER_CURVES = {
    "P224": "secp224r1",
    "P256": "secp256r1",
    "P384": "secp384r1",
    "P521": "secp521r1",
}


def rsa_key(bits: int, learnt_from: KeySource, pss: bool = False) -> KeyInfo:
    if pss:
        return KeyInfo(
            "RSA-PSS", bits, None, None, f"RSA_PSS_{bits}", f"RSA-PSS {bits}", learnt_from
        )
    acm = f"RSA_{bits}" if bits in ACM_RSA_SIZES else None
    return KeyInfo("RSA", bits, None, acm, f"RSA_{bits}", f"RSA {bits}", learnt_from)


def ec_key(curve: str, learnt_from: KeySource, size: int | None = None) -> KeyInfo:
    acm, label = CURVES.get(curve, (None, curve))
    canonical = "secp256r1" if curve == "prime256v1" else curve
    key_id = acm or f"EC_{canonical}"
    description = f"EC {label}" if acm or label == curve else f"EC {label} ({canonical})"
    return KeyInfo("EC", size, canonical, acm, key_id, description, learnt_from)


def key_info_from_public_key(
    public_key: object, learnt_from: KeySource = KeySource.PEM, pss: bool = False
) -> KeyInfo:
    """KeyInfo for a `cryptography` public (or private) key object."""
    if isinstance(public_key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        return rsa_key(public_key.key_size, learnt_from, pss=pss)
    if isinstance(public_key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        return ec_key(public_key.curve.name, learnt_from, public_key.curve.key_size)
    if isinstance(public_key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey):
        return KeyInfo("Ed25519", 256, None, None, "ED25519", "Ed25519", learnt_from)
    if isinstance(public_key, ed448.Ed448PublicKey | ed448.Ed448PrivateKey):
        return KeyInfo("Ed448", 456, None, None, "ED448", "Ed448", learnt_from)
    if isinstance(public_key, dsa.DSAPublicKey | dsa.DSAPrivateKey):
        bits = public_key.key_size
        return KeyInfo("DSA", bits, None, None, f"DSA_{bits}", f"DSA {bits}", learnt_from)
    if isinstance(public_key, x25519.X25519PublicKey | x448.X448PublicKey | dh.DHPublicKey):
        name = type(public_key).__name__.replace("PublicKey", "")
        return KeyInfo(name, None, None, None, name.upper(), name, learnt_from)
    name = type(public_key).__name__
    return KeyInfo("unknown", None, None, None, "UNKNOWN", name, learnt_from)


def key_info_from_acm_name(name: str, learnt_from: KeySource) -> KeyInfo | None:
    """KeyInfo for an ACM KeyAlgorithm name (`RSA_2048`, `EC_prime256v1`, ...); None when the
    string is not one of ACM's names (the caller reports it)."""
    if name not in ACM_NAMES:
        return None
    family, _, arg = name.partition("_")
    if family == "RSA":
        return rsa_key(int(arg), learnt_from)
    return ec_key(arg, learnt_from, {"prime256v1": 256, "secp384r1": 384, "secp521r1": 521}[arg])


def key_info_from_tls_private_key(
    algorithm: str, rsa_bits: int | None = None, ecdsa_curve: str | None = None
) -> KeyInfo | None:
    """KeyInfo for Terraform's `tls_private_key` (hashicorp/tls). Defaults are the provider's:
    rsa_bits 2048 and ecdsa_curve **P224**, a curve nothing in AWS accepts. None for an
    algorithm the provider does not have."""
    algorithm = algorithm.upper()
    src = KeySource.TLS_PRIVATE_KEY
    if algorithm == "RSA":
        return rsa_key(rsa_bits or 2048, src)
    if algorithm == "ECDSA":
        curve = TLS_PROVIDER_CURVES.get((ecdsa_curve or "P224").upper())
        if curve is None:
            return None
        return ec_key(curve, src, int(curve[4:7]))
    if algorithm == "ED25519":
        return KeyInfo("Ed25519", 256, None, None, "ED25519", "Ed25519", src)
    return None
