"""Real inputs for end-to-end CLI runs: a CloudFormation template with inline IAM server
certificates made by fixtures/pki.py, so the real engine produces several kinds of findings."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
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


def _clean_environment(m: pytest.MonkeyPatch, tmp_path: Path, env: dict[str, str]) -> None:
    for key in list(os.environ):
        if key.startswith(("GITHUB_", "CERTFIT_")) or key in ("NO_COLOR", "TF_CLI_ARGS"):
            m.delenv(key)
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    m.setenv("HOME", str(home))
    m.setenv("CERTFIT_CACHE_DIR", str(tmp_path / "cache"))
    for key, value in env.items():
        m.setenv(key, value)


@pytest.fixture
def certfit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Callable[..., Run]:
    """Run `certfit` (linter.cli.main) in this process, in `cwd`, with a clean environment
    and captured output: the same code path as the console script, without paying for a new
    interpreter per run."""
    from linter.cli import main

    def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
        out, err = io.StringIO(), io.StringIO()
        with monkeypatch.context() as m:
            m.chdir(cwd)
            _clean_environment(m, tmp_path, env or {})
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(list(args))
                except SystemExit as exc:  # argparse: --help, usage errors
                    code = exc.code if isinstance(exc.code, int) else 0
        return Run(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture
def certfit_process(tmp_path: Path) -> Callable[..., Run]:
    """Run the real console entry point in a subprocess (for what only a new process shows)."""

    def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> Run:
        base = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GITHUB_", "CERTFIT_")) and k != "NO_COLOR"
        }
        base.update({"HOME": str(tmp_path), "CERTFIT_CACHE_DIR": str(tmp_path / "cache")})
        proc = subprocess.run(
            [str(Path(sys.executable).parent / "certfit"), *args],
            cwd=cwd,
            env={**base, **(env or {})},
            capture_output=True,
            text=True,
            timeout=120,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run
