"""A real AWS API for the tests: moto's server on 127.0.0.1, reached by real boto3 over HTTP
through AWS_ENDPOINT_URL. Nothing in boto3 or botocore is patched.

Known gaps of the emulator are worked around here, not in certfit: it writes `app/` into every
load balancer ARN (certfit asks DescribeLoadBalancers for the type, never the ARN text).
"""

from __future__ import annotations

import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from fixtures.pki import Issued, issue

REGION = "eu-west-1"


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


def aws_environment(endpoint: str) -> dict[str, str]:
    return {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }


@pytest.fixture
def aws_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A clean account for each test, and the environment that points boto3 at it."""
    request = urllib.request.Request(f"{moto_endpoint}/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=10).read()
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    env = aws_environment(moto_endpoint)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


@pytest.fixture
def boto(aws_env: dict[str, str]):  # type: ignore[no-untyped-def]
    import boto3

    return lambda service, region=REGION: boto3.client(service, region_name=region)


@pytest.fixture(scope="session")
def rsa4096() -> Issued:
    return issue("nlb.example.com", "RSA_4096")


def import_acm(boto, cert: Issued, region: str = REGION) -> str:  # type: ignore[no-untyped-def]
    acm = boto("acm", region)
    return str(
        acm.import_certificate(Certificate=cert.cert_pem, PrivateKey=cert.key_pem())[
            "CertificateArn"
        ]
    )


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


class _Deny(BaseHTTPRequestHandler):
    """Every call is refused, as AWS refuses a role without the permission."""

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        if "json" in (self.headers.get("Content-Type") or ""):
            body = json.dumps(
                {"__type": "AccessDeniedException", "message": "User is not authorized"}
            ).encode()
            ctype = "application/x-amz-json-1.1"
        else:
            body = (
                b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                b"<Message>User is not authorized</Message></Error></ErrorResponse>"
            )
            ctype = "text/xml"
        self.send_response(400)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def denying_endpoint() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Deny)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def closed_endpoint() -> str:
    """An address where nothing listens (the port was just free and is closed again)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}"
