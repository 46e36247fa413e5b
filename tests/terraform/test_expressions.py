"""Expressions evaluate as Terraform would, or become an Unknown that says why.

Each case is a real module on disk with `locals { x = <expression> }`, loaded the way the
linter loads any module."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from linter.options import LoadOptions
from linter.terraform.evaluate import Computed, Unknown
from linter.terraform.modules import Loader, ModuleInstance
from tests.terraform.conftest import write_tree

PRELUDE = """
variable "m" {
  default = { a = "x", b = "y" }
}
variable "l" {
  default = ["one", "two"]
}
variable "flag" {
  default = true
}
variable "unset" {}
resource "aws_acm_certificate" "many" {
  for_each    = var.m
  domain_name = "${each.key}.example.com"
}
resource "aws_acm_certificate" "one" {
  count       = 1
  domain_name = "one.example.com"
}
"""


def local_x(tmp_path: Path, expr: str, files: dict[str, str] | None = None) -> Any:
    write_tree(tmp_path, {"main.tf": PRELUDE + f"locals {{\n  x = {expr}\n}}\n", **(files or {})})
    loader = Loader(LoadOptions.for_root(tmp_path), tmp_path)
    mod = ModuleInstance(loader, loader.dir(tmp_path), "", ())
    mod.root_values = {}
    value = mod.local("x")
    assert loader.errors == []
    return value


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ('"pre-${var.m["a"]}-${upper("b")}"', "pre-x-B"),
        ('var.flag ? "yes" : "no"', "yes"),
        ('coalesce("", null, "c")', "c"),
        ('lookup(var.m, "z", "dflt")', "dflt"),
        ('try(var.unset, "fallback")', "fallback"),
        ('join(",", var.l)', "one,two"),
        ('format("%s-%d", "a", 7)', "a-7"),
        ('merge(var.m, { b = "z" })["b"]', "z"),
        ("tomap(var.m)", {"a": "x", "b": "y"}),
        ('toset(["a", "a", "b"])', ["a", "b"]),
        ('[for k, v in var.m : upper(v) if k != "a"]', ["Y"]),
        ("{ for v in var.l : v => length(v) }", {"one": 3, "two": 3}),
        ("one([var.l[1]])", "two"),
        ("one([])", None),
        ("length(aws_acm_certificate.many)", 2),
        ("[for c in aws_acm_certificate.many : c.domain_name]", ["a.example.com", "b.example.com"]),
        ("aws_acm_certificate.one[*].domain_name", ["one.example.com"]),
        ("!var.flag || 2 * 3 >= 6", True),
        ("<<-EOT\n    indented ${var.m.a}\n      more\n  EOT", "indented x\n  more\n"),
        ('"$${literal}"', "${literal}"),
        ('"%{ if var.flag }on%{ else }off%{ endif }"', "on"),
        ('"%{ for k, v in var.m }${k}=${v};%{ endfor }"', "a=x;b=y;"),
        ("<<-EOT\n    %{~ for x in var.l ~}\n    [${x}]\n    %{~ endfor ~}\n  EOT", "[one][two]"),
        ('"%%{ not a directive }"', "%{ not a directive }"),
        ("path.module", "."),
        ('"${path.root}/x"', "./x"),
    ],
)
def test_known_values(tmp_path: Path, expr: str, expected: Any) -> None:
    assert local_x(tmp_path, expr) == expected


@pytest.mark.parametrize(
    ("expr", "reason_part"),
    [
        ("var.unset", "var.unset has no default"),
        ('"prefix-${var.unset}"', "var.unset"),
        ("var.unset ? 1 : 2", "var.unset"),
        ("timestamp()", "timestamp() is not evaluated"),
        ('"%{ if var.unset }a%{ endif }"', "var.unset"),
        ('"%{ for x in var.unset }${x}%{ endfor }"', "var.unset"),
        ('"${aws_acm_certificate.one[0].arn}-x"', "only known after apply"),
        ("aws_acm_certificate.many[var.unset].arn", "var.unset"),
        ("local.x", "refers to itself"),
        ("one(var.l)", "more than one element"),
    ],
)
def test_unknown_values_say_why(tmp_path: Path, expr: str, reason_part: str) -> None:
    value = local_x(tmp_path, expr)
    assert isinstance(value, Unknown)
    assert reason_part in value.reason


def test_a_certificate_arn_stays_a_reference_to_its_resource(tmp_path: Path) -> None:
    value = local_x(tmp_path, 'aws_acm_certificate.many["b"].arn')
    assert isinstance(value, Computed)
    assert value.owner.address == 'aws_acm_certificate.many["b"]'


def test_file_and_templatefile_read_inside_the_root(tmp_path: Path) -> None:
    files = {
        "certs/x.pem": "PEM ${name}\n",
        "tpl/t.tftpl": "hello ${name}",
        "tpl/chain.tftpl": "%{ for c in certs ~}\n${c}\n%{ endfor ~}\n",
    }
    assert local_x(tmp_path, 'file("${path.module}/certs/x.pem")', files) == "PEM ${name}\n"
    assert local_x(tmp_path, 'templatefile("tpl/t.tftpl", { name = "w" })', files) == "hello w"
    chain = local_x(tmp_path, 'templatefile("tpl/chain.tftpl", { certs = ["A", "B"] })', files)
    assert chain == "A\nB\n"
    encoded = local_x(tmp_path, 'base64decode(filebase64("certs/x.pem"))', files)
    assert encoded == "PEM ${name}\n"


def test_file_outside_the_root_is_refused_without_reading(tmp_path: Path) -> None:
    root = tmp_path / "root"
    (tmp_path / "secret.pem").write_text("never read")
    value = local_x(root, 'file("../secret.pem")')
    assert isinstance(value, Unknown)
    assert "outside the project root" in value.reason
    assert "never read" not in value.reason
