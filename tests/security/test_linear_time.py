"""Inputs on which a regex or a lookup used to take quadratic time (minutes for a few hundred
KB): each run must now end well inside the subprocess timeout, with the same answers as the
old pattern gave on ordinary text."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.pki import issue
from linter import material
from linter.cloudformation.intrinsics import _SUB_VAR
from linter.terraform.blocks import _literal_key
from tests.security import hostile
from tests.security.bounded import PLANTED_RULE, PLANTED_TF, TIMEOUT_S, run_bounded

OLD_LITERAL_KEY = re.compile(r'private_key\w*[ \t]*=[ \t]*(?:<<|"(?!\$\{file))')


def test_recursive_discovery_over_a_large_file_of_module_blocks(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "mods").mkdir(parents=True)
    block = 'module "m" {\n  source = "registry.example.com/x/y/aws"\n}\n'
    (root / "mods" / "many.tf").write_text(block * 25_000)  # 1.2 MB
    (root / "main.tf").write_text(PLANTED_TF)
    run = run_bounded(root, "--recursive", ".")
    assert [i["range"]["filename"] for i in run.issues(PLANTED_RULE)] == ["main.tf"]


def test_a_large_tf_json_file_is_indexed_in_linear_time(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    buckets = {f"b{i}": {"bucket": f"b{i}", "acl": "private"} for i in range(20_000)}
    listener = {"last": {"protocol": "HTTPS", "port": 443}}
    doc = {"resource": {"aws_s3_bucket": buckets, "aws_lb_listener": listener}}
    (root / "main.tf.json").write_text(json.dumps(doc, indent=2))  # 1.7 MB
    run = run_bounded(root, ".")
    [found] = run.issues(PLANTED_RULE)
    # Positions are still exact: the listener is written on its own line, at the end.
    lines = (root / "main.tf.json").read_text().splitlines()
    assert '"last"' in lines[found["range"]["start"]["line"] - 1]


def test_pem_blocks_are_those_the_old_pattern_found() -> None:
    old = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\r?\n(.*?)-----END \1-----", re.DOTALL)
    cert = issue("app.example.com", "EC_prime256v1")
    data = (
        b"junk\n-----BEGIN X-----\n"
        + cert.cert_pem
        + b"-----BEGIN RSA PRIVATE KEY-----\r\nabc\n-----END RSA PRIVATE KEY-----\n"
        + cert.key_pem()
        + b"-----END X-----\n-----BEGIN CERTIFICATE-----\nno end\n"
    )
    assert material._blocks(data) == [(m.group(1).decode(), m.group(0)) for m in old.finditer(data)]


def test_a_file_of_begin_lines_is_read_in_linear_time(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "bad.pem").write_bytes(b"-----BEGIN CERTIFICATE-----\n" * 20_000)  # 560 KB
    (root / "main.tf").write_text(
        PLANTED_TF
        + """
resource "aws_acm_certificate" "bad" {
  certificate_body = file("bad.pem")
  private_key      = file("bad.pem")
}
"""
    )
    run = run_bounded(root, ".")
    assert run.issues("invalid_certificate_material")
    assert len(run.issues(PLANTED_RULE)) == 1


def test_a_providers_map_with_a_long_name(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "child").mkdir(parents=True)
    (root / "child" / "main.tf").write_text(
        PLANTED_TF
        + """
resource "aws_acm_certificate" "regional" {
  domain_name = "example.com"
}

resource "aws_lb_listener" "regional" {
  protocol        = "HTTPS"
  port            = 443
  certificate_arn = aws_acm_certificate.regional.arn
}
"""
    )
    word = "p" * 40_000  # in a comment: no `=` after it, so the old pattern backtracked
    (root / "main.tf").write_text(
        f'module "child" {{\n  source = "./child"\n  providers = {{\n    # {word}\n'
        "    aws = aws.east\n  }\n}\n"
    )
    run = run_bounded(root, ".")
    assert len(run.issues(PLANTED_RULE)) == 1


def test_literal_private_keys_are_those_the_old_pattern_found() -> None:
    cases = [
        'private_key = "abc"',
        "private_key_pem = <<EOF",
        'private_key = file("x")',
        "x = private_key",
        'my_private_key="x"',
        'private_keyprivate_key = "q"',
        'private_key = "${file("a")}"',
        'private_key =   "${filebase64("a")}"',
    ]
    assert [_literal_key(c) for c in cases] == [bool(OLD_LITERAL_KEY.search(c)) for c in cases]


def test_a_long_word_of_private_key_is_checked_in_linear_time(tmp_path: Path) -> None:
    code = "from linter.terraform.blocks import _holds_secret; _holds_secret('private_key' * 40000)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=TIMEOUT_S, cwd=tmp_path)


def test_sub_variables_are_those_the_old_pattern_found() -> None:
    old = re.compile(r"\$\{([^}!][^}]*)\}")
    text = "arn:${AWS::Partition}:s3:::${Bucket}/${!Literal}-${Cert.Arn}${ x }"
    assert _SUB_VAR.findall(text) == old.findall(text)


def test_an_fn_sub_of_unclosed_variables(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "planted.json").write_text(hostile.PLANTED_TEMPLATE)
    doc = {"Resources": {"Topic": {"Type": "AWS::SNS::Topic", "Properties": {}}}}
    listener = dict(hostile.LISTENER, Properties={"Protocol": "HTTPS", "Port": 443})
    listener["Properties"]["Certificates"] = [{"CertificateArn": {"Fn::Sub": "${a" * 60_000}}]
    doc["Resources"]["Unclosed"] = listener
    (root / "unclosed.json").write_text(json.dumps(doc))
    run = run_bounded(root, ".")
    assert [i["range"]["filename"] for i in run.issues(PLANTED_RULE)] == ["planted.json"]


@pytest.mark.parametrize("n", [20_000])
def test_many_locals_are_looked_up_in_linear_time(tmp_path: Path, n: int) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    text = "locals {\n" + "".join(f'  l{i} = "x"\n' for i in range(n)) + "}\n"
    refs = ", ".join(f"local.l{i}" for i in range(n))
    text += (
        'resource "aws_lb_listener" "many" {\n  protocol = "HTTPS"\n  port = 443\n'
        f'  certificate_arn = join(",", [{refs}])\n}}\n'
    )
    (root / "main.tf").write_text(text + PLANTED_TF)
    run = run_bounded(root, ".")
    [unresolved] = run.issues("unresolved_certificate")
    assert "aws_lb_listener.many" in unresolved["message"]
    assert len(run.issues(PLANTED_RULE)) == 1
