"""Certificates that parse but hold a malformed field (found by `make fuzz`, target pem):
cryptography reads some fields only when asked, so a bad issuer name raised ValueError deep in
the rules and ended the whole run with a traceback. It is a problem with that PEM, named."""

from __future__ import annotations

from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from fixtures.pki import issue
from linter import material
from linter.cli import main
from linter.model import Location, Pem


def _issuer_not_utf8() -> bytes:
    """A real certificate whose issuer CN (a UTF8String) holds a byte that is not UTF-8."""
    cert = x509.load_pem_x509_certificate(issue("a.example", "RSA_2048").cert_pem)
    der = cert.public_bytes(serialization.Encoding.DER)
    at = der.index(cert.issuer.public_bytes()) + cert.issuer.public_bytes().index(b"a.example")
    bad = der[:at] + b"\xff" + der[at + 1 :]
    parsed = x509.load_der_x509_certificate(bad)  # loads: the issuer is read later
    return parsed.public_bytes(serialization.Encoding.PEM)


def test_a_malformed_issuer_is_a_problem_with_the_pem() -> None:
    insp = material.inspect(Pem(_issuer_not_utf8(), Location("cert.pem", 1, 1)))
    assert insp.leaf is None
    assert [p.message.split(" (")[0] for p in insp.problems] == [
        "the certificate has a PEM certificate that cannot be read"
    ]


def test_the_run_goes_on_and_names_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / ".git").mkdir()
    (tmp_path / "bad.pem").write_bytes(_issuer_not_utf8())
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_server_certificate" "c" {\n'
        '  certificate_body = file("bad.pem")\n'
        '  private_key      = "x"\n'
        "}\n"
    )
    monkeypatch.chdir(tmp_path)
    code = main(["-f", "compact", "."])
    out = capsys.readouterr().out
    assert code in (2, 3)
    assert "cannot be read" in out and "(invalid_certificate_material)" in out
