"""Seed corpora: the files in fixtures/ that each front end reads, and real inputs built the
way the test suite builds them (PEMs from fixtures/pki.py, a CloudFormation template, a plan,
a cloud assembly), so that the fuzzer starts from inputs that reach deep into each front end.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "fixtures"


def _files(*patterns: str) -> Iterator[bytes]:
    for pattern in patterns:
        for path in sorted(FIXTURES.rglob(pattern)):
            if path.is_file():
                yield path.read_bytes()


def _pki() -> dict[str, bytes]:
    from fixtures import pki

    rsa = pki.issue("seed.example.com", "RSA_2048")
    ec = pki.issue("ec.example.com", "EC_prime256v1")
    leaf, inter, root = pki.chain("RSA_2048")
    return {
        "rsa_cert": rsa.cert_pem,
        "rsa_key": rsa.key_pem(),
        "ec_cert": ec.cert_pem,
        "ec_key_sec1": ec.key_pem("sec1"),
        "chain": leaf.cert_pem + pki.pem_bundle(inter, root),
        "bundle": rsa.cert_pem + rsa.key_pem(),
    }


def terraform_hcl() -> Iterator[bytes]:
    yield from _files("*.tf", "*.tfvars")
    material = _pki()
    cert = material["ec_cert"].decode()
    yield (
        'resource "aws_acm_certificate" "c" {\n'
        f"  certificate_body = <<-EOT\n{cert}  EOT\n"
        '  private_key      = "x"\n}\n'
        'resource "aws_lb" "l" {\n  load_balancer_type = "network"\n}\n'
        'resource "aws_lb_listener" "tls" {\n'
        "  load_balancer_arn = aws_lb.l.arn\n"
        '  protocol          = "TLS"\n'
        "  certificate_arn   = aws_acm_certificate.c.arn\n}\n"
    ).encode()


def terraform_plan() -> Iterator[bytes]:
    material = _pki()
    try:
        from tests.terraform.test_plan import _plan_v1

        yield json.dumps(
            _plan_v1(material["rsa_cert"].decode(), material["rsa_key"].decode()), indent=1
        ).encode()
    except ImportError:
        pass
    shared = REPO.parent / "shared" / "corpus" / "terraform-plan"  # when it is there
    for path in sorted(shared.glob("*.plan.json")) if shared.is_dir() else []:
        yield path.read_bytes()
    yield json.dumps(
        {
            "format_version": "1.2",
            "planned_values": {
                "root_module": {
                    "resources": [
                        {
                            "address": "aws_lb_listener.https",
                            "mode": "managed",
                            "type": "aws_lb_listener",
                            "name": "https",
                            "values": {
                                "protocol": "HTTPS",
                                "certificate_arn": "arn:aws:acm:us-east-1:1:certificate/a",
                            },
                        }
                    ]
                }
            },
        }
    ).encode()


def cloudformation() -> Iterator[bytes]:
    try:
        from tests.cli.conftest import make_pki, template_text
        from tests.reporters.conftest import TEMPLATE_YAML

        yield template_text(make_pki()).encode()
        yield TEMPLATE_YAML.encode()
    except ImportError:
        pass
    from fuzz.targets import CDK_TEMPLATE

    yield CDK_TEMPLATE


def cdk_out() -> Iterator[bytes]:
    try:
        from tests.cloudformation.test_cdk_out import make_assembly

        with tempfile.TemporaryDirectory() as tmp:
            yield (make_assembly(Path(tmp)) / "manifest.json").read_bytes()
    except ImportError:
        pass
    yield json.dumps(
        {
            "version": "48.0.0",
            "artifacts": {
                "Stack": {
                    "type": "aws:cloudformation:stack",
                    "environment": "aws://123456789012/us-east-1",
                    "properties": {"templateFile": "Stack.template.json"},
                },
                "assembly-Prod": {
                    "type": "cdk:cloud-assembly",
                    "properties": {"directoryName": "assembly-Prod"},
                },
            },
        }
    ).encode()


def config() -> Iterator[bytes]:
    yield from _files(".certfit.hcl")
    yield (REPO / "docs" / "examples" / "certfit.hcl").read_bytes()
    yield (
        b'config {\n  as_of = "2020-04-13"\n  expiry_days = 10\n}\n'
        b'rule "weak_key" {\n  enabled = false\n}\n'
        b'certificate "arn:aws:acm:us-east-1:123456789012:certificate/abc" {\n'
        b'  key_algorithm = "RSA_4096"\n}\n'
    )


def pem() -> Iterator[bytes]:
    yield from _pki().values()


SEEDS = {
    "terraform_hcl": terraform_hcl,
    "terraform_plan": terraform_plan,
    "cloudformation": cloudformation,
    "cdk_out": cdk_out,
    "config": config,
    "pem": pem,
}


def write_seeds(target: str, directory: Path) -> int:
    """Add the target's seeds to `directory` (named by content, so reruns add nothing)."""
    directory.mkdir(parents=True, exist_ok=True)
    count = 0
    for data in SEEDS[target]():
        name = "seed-" + hashlib.sha1(data).hexdigest()[:16]
        if not (directory / name).exists():
            (directory / name).write_bytes(data)
            count += 1
    return count
