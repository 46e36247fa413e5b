"""The fast block splitter proposed to the Terraform front end must give exactly what its
python-hcl2 path gives (names, expression text, positions, nested blocks), or step aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import generate
from benchmarks.fast_blocks import split_block
from benchmarks.fast_blocks_check import compare
from linter.terraform import blocks

REPO = Path(__file__).resolve().parents[2]

SAME = {
    "template with nested quotes": (
        'resource "a" "b" {\n  name = "${var.x ? "p" : "q"}-${local.y}"\n  other = "a\\"b"\n}'
    ),
    "for expressions": (
        'locals {\n  m = { for k, v in var.m : k => v if v != "" }\n'
        '  l = [for x in var.l : "${x}}"]\n}'
    ),
    "one-line nested block": (
        'resource "a" "b" {\n  lifecycle { ignore_changes = [tags] }\n  x = 1\n}'
    ),
    "comments everywhere": (
        'resource "a" "b" {\n  # lead\n  x = 1 // tail\n  /* block\n  comment */ y = 2\n'
        "  z = [\n    1, # in list\n    2,\n  ]\n}"
    ),
    "heredoc inside a call": (
        'resource "a" "b" {\n  p = jsonencode(<<EOT\n{"a": 1}\nEOT\n  )\n  q = 2\n}'
    ),
    "indented heredoc": 'resource "a" "b" {\n  p = <<-EOT\n    hi ${x}\n  EOT\n\n  q = 2\n}',
    "template directive": 'resource "a" "b" {\n  s = "%{ for x in var.l }${x},%{ endfor }"\n}',
    "multi-line conditional": 'resource "a" "b" {\n  x = (\n    var.a\n    ? 1\n    : 2\n  )\n}',
    "dynamic block": 'dynamic "s" {\n  for_each = var.s\n  content {\n    name = s.key\n  }\n}',
    "CRLF line ends": 'resource "a" "b" {\r\n  x = 1\r\n  y = "z"\r\n}\r\n',
    "empty body": 'resource "a" "b" {}',
}


@pytest.mark.parametrize("text", SAME.values(), ids=SAME.keys())
def test_same_skeleton_as_python_hcl2(text: str) -> None:
    assert split_block(text) == blocks._to_json(blocks._parse_text(text))


def test_invalid_block_is_left_to_python_hcl2() -> None:
    text = 'resource "a" "b" {\n  x = = 1\n}'
    with pytest.raises(blocks.BlockParseError):
        blocks._parse_text(text)
    assert split_block(text) is None


def test_every_block_of_a_generated_tree_and_the_fixtures(tmp_path: Path) -> None:
    generate.dense(12, seed=5).write(tmp_path / "dense")
    for tree in (tmp_path / "dense", REPO / "fixtures" / "terraform"):
        result = compare(tree)
        assert result["blocks"] > 20
        assert result["different"] == 0, result["first_differences"]
        assert result["identical"] >= 0.9 * result["blocks"]
