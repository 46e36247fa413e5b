"""A small pool of real certificates and keys, copied into generated trees.

Generating thousands of RSA keys would dominate the generator's run time, and the linter reads
each PEM independently anyway, so a handful of (certificate, chain, key) sets is reused.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fixtures import pki


@dataclass(frozen=True)
class PemSet:
    """One certificate as it sits in a repository: leaf, chain and the private key."""

    spec: str
    cert: bytes
    chain: bytes
    key: bytes


# The key kinds a monorepo really holds: mostly RSA 2048 and P-256, one RSA 4096 (the NLB trap)
# and one P-384.
SPECS = ("RSA_2048", "EC_prime256v1", "RSA_4096", "EC_secp384r1")


@cache
def pool() -> dict[str, PemSet]:
    """Issue one chain per key spec (cached: RSA 4096 generation takes about a second)."""
    root = pki.issue("Bench Root CA", "RSA_2048", ca=True)
    inter = pki.issue("Bench Intermediate CA", "RSA_2048", issuer=root, ca=True)
    sets = {}
    for spec in SPECS:
        leaf = pki.issue(f"{spec.lower().replace('_', '-')}.bench.example.com", spec, issuer=inter)
        sets[spec] = PemSet(spec, leaf.cert_pem, pki.pem_bundle(inter, root), leaf.key_pem())
    return sets
