"""Real inputs for end-to-end CLI runs: a CloudFormation template with inline IAM server
certificates made by fixtures/pki.py, so the real engine produces several kinds of findings."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from fixtures.pki import NOW, Issued, issue

REPO = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    code: int
    out: str
    err: str


def _block(pem: bytes, indent: int) -> str:
    return textwrap.indent(pem.decode(), " " * indent).rstrip("\n")


def make_pki() -> dict[str, Issued]:
    """An RSA 4096 certificate (NLB cannot serve it) and one that expires in 10 days."""
    return {
        "rsa4096": issue("nlb.example.com", "RSA_4096"),
        "expiring": issue("soon.example.com", "RSA_2048", not_after=NOW + dt.timedelta(days=10)),
    }


@pytest.fixture(scope="session")
def pki() -> dict[str, Issued]:
    return make_pki()


def template_text(pki: dict[str, Issued]) -> str:
    big, soon = pki["rsa4096"], pki["expiring"]
    return f"""\
Resources:
  Nlb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Type: network
  BigCert:
    Type: AWS::IAM::ServerCertificate
    Properties:
      CertificateBody: |
{_block(big.cert_pem, 8)}
      PrivateKey: |
{_block(big.key_pem(), 8)}
  SoonCert:
    Type: AWS::IAM::ServerCertificate
    Properties:
      CertificateBody: |
{_block(soon.cert_pem, 8)}
      PrivateKey: |
{_block(soon.key_pem(), 8)}
  TlsListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Nlb
      Protocol: TLS
      Port: 443
      Certificates:
        - CertificateArn: !GetAtt BigCert.Arn
  SoonListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Nlb
      Protocol: TLS
      Port: 8443
      Certificates:
        - CertificateArn: !GetAtt SoonCert.Arn
  ExternalListener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Nlb
      Protocol: TLS
      Port: 9443
      Certificates:
        - CertificateArn: arn:aws:acm:us-east-1:123456789012:certificate/abc
"""


@pytest.fixture
def project(tmp_path: Path, pki: dict[str, Issued]) -> Path:
    """A project directory (its own git top, so it is the root) holding the template."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "stack.yaml").write_text(template_text(pki))
    return tmp_path


@pytest.fixture
def certfit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Run]:
    """Run the real `certfit` entry point in a subprocess, with a clean environment."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)

    def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "CERTFIT_", "NO_COLOR"))
        }
        base.update({"HOME": str(home), "CERTFIT_CACHE_DIR": str(tmp_path / "cache")})
        base.update(env or {})
        proc = subprocess.run(
            [sys.executable, "-m", "linter.cli", *args],
            cwd=cwd,
            env={**base, "PYTHONPATH": str(REPO)},
            capture_output=True,
            text=True,
            timeout=120,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run
