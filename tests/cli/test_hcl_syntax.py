"""Real-world HCL that editors and repositories produce, through the real CLI: each must give
the finding a user expects (or an error naming file and line), never silence.

Every test runs twice, with the fast block splitter on and off (CERTFIT_FAST_BLOCKS), so the
splitter and python-hcl2 are both held to HCL's reading of the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from fixtures.pki import Issued, issue
from tests.cli.conftest import Run

NLB = 'resource "aws_lb" "n" {\n  load_balancer_type = "network"\n}\n\n'
CERT_FROM_FILES = (
    'resource "aws_acm_certificate" "c" {\n'
    '  certificate_body = file("cert.pem")\n'
    '  private_key      = file("key.pem")\n'
    "}\n\n"
)
TLS_LISTENER = (
    'resource "aws_lb_listener" "l" {\n'
    "  load_balancer_arn = aws_lb.n.arn\n"
    '  protocol          = "TLS"\n'
    "  port              = 443\n"
    "  certificate_arn   = aws_acm_certificate.c.arn\n"
    "}\n"
)


@pytest.fixture(scope="module")
def rsa4096() -> Issued:
    """NLB refuses an RSA 4096 certificate: the finding each test expects to see."""
    return issue("nlb.example.com", "RSA_4096")


@pytest.fixture(params=["1", "0"], ids=["splitter", "python-hcl2"])
def fast(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _project(tmp_path: Path, files: dict[str, str | bytes], cert: Issued | None = None) -> Path:
    root = tmp_path / "project"
    (root / ".git").mkdir(parents=True)
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text if isinstance(text, bytes) else text.encode())
    if cert is not None:
        (root / "cert.pem").write_bytes(cert.cert_pem)
        (root / "key.pem").write_bytes(cert.key_pem())
    return root


def _lint(
    certfit: Callable[..., Run], root: Path, fast: str, *args: str
) -> tuple[int, list[Any], list[Any]]:
    run = certfit("-f", "json", *args, cwd=root, env={"CERTFIT_FAST_BLOCKS": fast})
    out = json.loads(run.out)
    return run.code, out["issues"], out["errors"]


def _rules(issues: list[Any]) -> list[tuple[str, str, int]]:
    return sorted(
        (i["rule"]["name"], i["range"]["filename"], i["range"]["start"]["line"]) for i in issues
    )


def _crlf(text: str) -> bytes:
    return text.replace("\n", "\r\n").encode()


def test_a_crlf_file_with_a_heredoc_is_read_whole(
    certfit: Callable[..., Run], tmp_path: Path, rsa4096: Issued, fast: str
) -> None:
    """Windows line endings: the heredoc closes on `EOT\\r\\n` and the blocks after it count."""
    policy = 'locals {\n  policy = <<EOT\n{"Version": "2012-10-17"}\nEOT\n}\n\n'
    root = _project(
        tmp_path, {"main.tf": _crlf(policy + NLB + CERT_FROM_FILES + TLS_LISTENER)}, rsa4096
    )
    code, issues, errors = _lint(certfit, root, fast)
    assert errors == []
    assert _rules(issues) == [("unsupported_key_algorithm", "main.tf", 20)]  # certificate_arn
    assert code == 2


def test_a_crlf_heredoc_certificate_is_read(
    certfit: Callable[..., Run], tmp_path: Path, rsa4096: Issued, fast: str
) -> None:
    pem = rsa4096.cert_pem.decode().replace("\n", "\n    ")
    cert = (
        'resource "aws_acm_certificate" "c" {\n'
        f"  certificate_body = <<-EOT\n    {pem.rstrip()}\n  EOT\n"
        '  private_key      = file("key.pem")\n'
        "}\n\n"
    )
    root = _project(tmp_path, {"main.tf": _crlf(NLB + cert + TLS_LISTENER)}, rsa4096)
    _code, issues, errors = _lint(certfit, root, fast)
    assert errors == []
    assert [i["rule"]["name"] for i in issues] == ["unsupported_key_algorithm"]


@pytest.mark.parametrize(
    "layout",
    [
        'locals { NAME = file("FILE") }\n',
        'locals {NAME = file("FILE")}\n',
        'locals {\n  NAME = file("FILE") }\n',
    ],
    ids=["one-line", "one-line unspaced", "closed on the content line"],
)
def test_a_local_in_a_one_line_locals_block_is_found(
    certfit: Callable[..., Run], tmp_path: Path, rsa4096: Issued, layout: str, fast: str
) -> None:
    locals_blocks = "".join(
        layout.replace("NAME", name).replace("FILE", file)
        for name, file in (("cert", "cert.pem"), ("key", "key.pem"))
    )
    cert = (
        'resource "aws_acm_certificate" "c" {\n'
        "  certificate_body = local.cert\n"
        "  private_key      = local.key\n"
        "}\n\n"
    )
    root = _project(tmp_path, {"main.tf": locals_blocks + NLB + cert + TLS_LISTENER}, rsa4096)
    _code, issues, errors = _lint(certfit, root, fast)
    assert errors == []
    assert [i["rule"]["name"] for i in issues] == ["unsupported_key_algorithm"]


@pytest.mark.parametrize(
    "call",
    [
        'module "alb" {\n  tags = {\n    source = "terraform"\n  }\n  source = "./alb"\n}\n',
        'module "alb" {\n  description = <<EOT\nsource = "x"\nEOT\n  source = "./alb"\n}\n',
        'module "alb" { source = "./alb" }\n',
    ],
    ids=["a map key named source", "a heredoc line", "one-line call"],
)
def test_a_module_source_is_the_call_s_own_attribute(
    certfit: Callable[..., Run], tmp_path: Path, call: str, fast: str
) -> None:
    listener = 'resource "aws_lb_listener" "https" {\n  load_balancer_arn = aws_lb.n.arn\n'
    listener += '  protocol = "HTTPS"\n}\n'
    root = _project(tmp_path, {"main.tf": call, "alb/main.tf": NLB + listener})
    _code, issues, errors = _lint(certfit, root, fast)
    assert errors == []
    assert _rules(issues) == [("listener_missing_certificate", "alb/main.tf", 5)]


def test_a_crlf_tfvars_heredoc_is_read(
    certfit: Callable[..., Run], tmp_path: Path, rsa4096: Issued, fast: str
) -> None:
    """terraform.tfvars is read by the front end's own parser: the same CRLF rule holds."""
    cert = (
        'variable "cert_pem" {\n  type = string\n}\n\n'
        'resource "aws_acm_certificate" "c" {\n'
        "  certificate_body = var.cert_pem\n"
        '  private_key      = file("key.pem")\n'
        "}\n\n"
    )
    tfvars = f"cert_pem = <<EOT\n{rsa4096.cert_pem.decode()}EOT\n"
    files = {"main.tf": NLB + cert + TLS_LISTENER, "terraform.tfvars": _crlf(tfvars)}
    root = _project(tmp_path, files, rsa4096)
    _code, issues, errors = _lint(certfit, root, fast)
    assert errors == []
    assert [i["rule"]["name"] for i in issues] == ["unsupported_key_algorithm"]


@pytest.mark.parametrize(
    "header",
    [
        "resource aws_lb_listener https {",
        'resource"aws_lb_listener" "https" {',
        'resource "aws_lb_listener"https {',
        'resource /* the public one */ "aws_lb_listener" "https" {',
        '\tresource "aws_lb_listener" "https" {',
    ],
    ids=["bare labels", "no space", "bare after quoted", "comment between labels", "tab"],
)
def test_every_way_to_write_a_block_header_is_indexed(
    certfit: Callable[..., Run], tmp_path: Path, header: str, fast: str
) -> None:
    """An HTTPS listener without a certificate must be found however its header is written."""
    listener = f'{header}\n  load_balancer_arn = aws_lb.n.arn\n  protocol = "HTTPS"\n}}\n'
    root = _project(tmp_path, {"main.tf": NLB + listener})
    code, issues, errors = _lint(certfit, root, fast)
    assert errors == []
    assert _rules(issues) == [("listener_missing_certificate", "main.tf", 5)]
    assert code == 2


def test_an_indented_provider_block_keeps_its_region(
    certfit: Callable[..., Run], tmp_path: Path, fast: str
) -> None:
    arn = "arn:aws:acm:us-east-1:123456789012:certificate/abc"
    text = (
        '  provider "aws" {\n    region = "eu-west-1"\n  }\n\n'
        + NLB
        + 'resource "aws_lb_listener" "l" {\n  load_balancer_arn = aws_lb.n.arn\n'
        + f'  protocol = "TLS"\n  certificate_arn = "{arn}"\n}}\n'
    )
    root = _project(tmp_path, {"main.tf": text})
    _code, issues, errors = _lint(certfit, root, fast)
    assert errors == []
    assert "certificate_region_mismatch" in [i["rule"]["name"] for i in issues]


@pytest.mark.parametrize("marker", ["EOT  ", "EOT\t", "  EOT "], ids=repr)
def test_a_heredoc_marker_with_trailing_whitespace_closes_it(
    certfit: Callable[..., Run], tmp_path: Path, rsa4096: Issued, marker: str, fast: str
) -> None:
    """HCL trims the closing marker's line; python-hcl2 refuses trailing whitespace there, so
    the text it is given is normalised (the finding and its lines must not move)."""
    cert = (
        'resource "aws_acm_certificate" "c" {\n'
        f"  certificate_body = <<EOT\n{rsa4096.cert_pem.decode()}{marker}\n"
        '  private_key      = file("key.pem")\n'
        "}\n\n"
    )
    root = _project(tmp_path, {"main.tf": NLB + cert + TLS_LISTENER}, rsa4096)
    _code, issues, errors = _lint(certfit, root, fast)
    assert errors == []
    [finding] = issues
    assert finding["rule"]["name"] == "unsupported_key_algorithm"
    last = NLB.count("\n") + cert.count("\n") + TLS_LISTENER.count("\n")
    assert finding["range"]["start"]["line"] == last - 1  # the certificate_arn line


BROKEN = {
    "unclosed block": ('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n\nlocals {\n}\n', 1),
    "unclosed string": ('locals {\n  a = "x\n}\n', 2),
    "unclosed heredoc": ("locals {\n  a = <<EOT\n  x\n}\n", 2),
    "unclosed comment": ("locals {\n  a = 1\n}\n/* never\nclosed\n", 4),
    "wrong bracket": ("locals {\n  a = [1, 2}\n}\n", 2),
    "stray brace": ("locals {\n  a = 1\n}\n}\n", 4),
    "unclosed interpolation": ('locals {\n  a = "${var.x"\n}\n', 2),
}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_file_nothing_needs_is_an_error_with_its_line(
    certfit: Callable[..., Run], tmp_path: Path, rsa4096: Issued, name: str, fast: str
) -> None:
    """The broken file holds nothing certfit needs: it is still an error with file and line,
    and the rest of the module is still linted."""
    text, line = BROKEN[name]
    root = _project(
        tmp_path, {"main.tf": NLB + CERT_FROM_FILES + TLS_LISTENER, "other.tf": text}, rsa4096
    )
    code, issues, errors = _lint(certfit, root, fast)
    assert [(e["range"]["filename"], e["range"]["start"]["line"]) for e in errors] == [
        ("other.tf", line)
    ]
    assert [i["rule"]["name"] for i in issues] == ["unsupported_key_algorithm"]
    assert code == 3


def test_a_broken_file_costs_no_python_hcl2_parse(tmp_path: Path) -> None:
    """The structural check is the scanner's own pass: nothing is handed to python-hcl2."""
    from linter.options import LoadOptions
    from linter.terraform import load_terraform
    from linter.terraform.modules import forget_files

    root = _project(tmp_path, {"other.tf": BROKEN["unclosed block"][0], "ok.tf": NLB})
    forget_files()
    model = load_terraform(root, LoadOptions.for_root(root))
    assert [e.location.line for e in model.errors if e.location] == [1]
    assert model.parse_stats.bytes_parsed == 0  # type: ignore[attr-defined]


SIBLINGS = {
    "byte order mark": "\ufeff" + NLB,
    "unicode identifier in a local": NLB + 'locals {\n  Zürich = "x"\n}\n',
    "one-line block": 'resource "aws_lb" "n" { load_balancer_type = "network" }\n\n',
    "escaped interpolation": NLB + 'locals {\n  a = "$${"\n  b = "%%{"\n}\n',
    "braces in directives": NLB
    + 'locals {\n  a = "%{ if var.x == "}" }{%{ else }}%{ endif }"\n}\n',
    "heredoc with a multi-line interpolation": NLB
    + 'locals {\n  a = <<EOT\n${join(",", [\n  "}",\n])}\nEOT\n}\n',
    "hash, slash and block comments": "# {\n// }\n/* { */\n" + NLB,
}


@pytest.mark.parametrize("name", sorted(SIBLINGS))
def test_valid_hcl_from_real_editors_is_not_an_error(
    certfit: Callable[..., Run], tmp_path: Path, name: str, fast: str
) -> None:
    listener = 'resource "aws_lb_listener" "https" {\n  load_balancer_arn = aws_lb.n.arn\n'
    listener += '  protocol = "HTTPS"\n}\n'
    root = _project(tmp_path, {"main.tf": SIBLINGS[name], "listener.tf": listener})
    _code, issues, errors = _lint(certfit, root, fast)
    assert errors == []
    assert _rules(issues) == [("listener_missing_certificate", "listener.tf", 1)]
