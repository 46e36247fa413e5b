"""The fast block splitter against python-hcl2, the reference: on every block of every fixture
tree and of generated benchmark trees, and on the constructs most likely to trip a splitter.

Whenever the splitter answers, its skeleton (attribute names, expression text, positions,
nested blocks) must be exactly python-hcl2's; when it is unsure it must say None, and it must
never answer for a block python-hcl2 refuses (those errors are python-hcl2's to report).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate import dense, monorepo
from linter.options import LoadOptions
from linter.terraform import load_terraform
from linter.terraform.blocks import BlockParseError, _parse_text, _to_json
from linter.terraform.modules import forget_files
from linter.terraform.scanner import ScanError, index
from linter.terraform.splitter import split_block
from tests.terraform.conftest import REPO, findings, write_tree


def _block_texts(tree: Path) -> list[tuple[str, str]]:
    """(file:line, text) of every top-level block of every .tf file under `tree`."""
    out: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(tree):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".tf"):
                continue
            path = Path(dirpath, name)
            found, _err = index(path.read_text(encoding="utf-8"), name)
            for b in found:
                try:
                    out.append((f"{path.relative_to(tree)}:{b.line}", b.text))
                except ScanError:  # an unterminated block: never parsed by either path
                    continue
    return out


def _hcl2(text: str) -> object | None:
    try:
        return _to_json(_parse_text(text))
    except BlockParseError:
        return None


def _compare(blocks: list[tuple[str, str]]) -> tuple[int, int]:
    """(split, fallback) counts; fails on any block where the two paths disagree."""
    split = fallback = 0
    for where, text in blocks:
        fast = split_block(text)
        if fast is None:
            fallback += 1
            continue
        split += 1
        reference = _hcl2(text)
        assert reference is not None, f"{where}: split a block python-hcl2 refuses"
        assert fast == reference, where
    return split, fallback


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Small benchmark trees from fixed seeds: a dense one and a monorepo."""
    out = tmp_path_factory.mktemp("generated")
    dense(files=12, seed=5).write(out / "dense")
    monorepo(files=60, seed=3).write(out / "monorepo")
    return out


def test_every_fixture_block_splits_as_python_hcl2_parses_it() -> None:
    blocks = [
        (f"{d}/{w}", t)
        for d in ("fixtures/terraform", "fixtures/demo")
        for w, t in _block_texts(REPO / d)
    ]
    assert len(blocks) > 100
    split, _fallback = _compare(blocks)
    assert split >= 0.9 * len(blocks)  # the fast path really is the one used


def test_every_generated_block_splits_as_python_hcl2_parses_it(generated: Path) -> None:
    blocks = _block_texts(generated)
    assert len(blocks) > 300
    split, _fallback = _compare(blocks)
    assert split >= 0.9 * len(blocks)


def _resource(body: str) -> str:
    return f'resource "aws_lb_listener" "l" {{\n{body}}}\n'


# Each must be split (not left to python-hcl2) and give python-hcl2's skeleton.
SPLIT_CASES = {
    "heredoc": '  a = <<EOF\n  x = { not a block\n  "quote\nEOF\n  b = 1\n',
    "indented heredoc": "  a = <<-EOT\n    ${var.x}\n    }\n    EOT\n  b = 2\n",
    "heredoc last": '  a = <<EOF\nhello "${x}"\nEOF\n',
    "braces in a template": '  a = "${ {a=1}["a"] }"\n  b = "}"\n  c = "{"\n',
    "directives": '  a = "%{ if var.x }on%{ else }off%{ endif }"\n'
    '  b = "%{ for s in var.l ~}${s},%{~ endfor }"\n',
    "directive in a heredoc": "  a = <<EOF\n%{ if x }\n{\n%{ endif }\nEOF\n",
    "hash comment": "  # protocol = HTTP\n  a = 1 # trailing }\n",
    "slash comment": "  // a = {\n  a = 1 // trailing {\n",
    "block comment": "  /* a = 1\n  } */\n  a = 1\n  /* { */ b = 2\n",
    "escaped quotes": '  a = "say \\"hi\\" }"\n  b = "\\\\"\n  c = "$${literal}"\n',
    "multi-line list": '  a = [\n    "x",\n    # }\n    "y",\n  ]\n',
    "multi-line call": '  a = merge(\n    var.tags,\n    { Name = "x" },\n  )\n',
    "multi-line object": '  tags = {\n    Name = "x"\n    "b" = 2\n  }\n',
    "for with braces": "  a = { for k, v in var.m : k => { arn = v } }\n"
    "  b = [for x in var.l : { n = x } if x != null]\n",
    "conditional": '  protocol = var.tls ? "TLS" : "HTTPS"\n',
    "dynamic block": '  dynamic "certificate" {\n    for_each = var.certs\n'
    "    content {\n      arn = certificate.value\n    }\n  }\n",
    "attribute after nested block": '  default_action {\n    type = "forward"\n  }\n'
    "  certificate_arn = aws_acm_certificate.c.arn\n  port = 443\n",
    "unicode": '  a = "Zürich — 日本 🚀"\n  b = "é${var.x}ü"\n',
    "splat and index": "  a = aws_lb.x[*].arn\n  b = one(aws_acm_certificate.c[0].arn)\n",
    "empty nested block": "  x {}\n  y {\n  }\n",
    "labelled nested block": '  provisioner "local-exec" {\n    command = "true"\n  }\n',
    "tabs and CRLF": '\ta\t=\t"x"\r\n\tb = 1\r\n',
}


@pytest.mark.parametrize("name", sorted(SPLIT_CASES))
def test_construct_is_split_like_python_hcl2(name: str) -> None:
    text = _resource(SPLIT_CASES[name])
    fast = split_block(text)
    assert fast is not None, "left to python-hcl2"
    assert fast == _hcl2(text)


def test_a_block_at_the_end_of_a_line_of_the_file_keeps_its_positions() -> None:
    text = 'locals {\n  a = "x"\n\n\n  b = {\n    c = 1\n  }\n}'
    assert split_block(text) == _hcl2(text)


# python-hcl2 refuses each: the splitter must leave them to it.
REFUSED = {
    "double equals": '  protocol = = "HTTPS"\n',
    "two values": "  a = foo bar\n",
    "open paren": "  a = (1\n",
    "dangling operator": "  a = 1 +\n",
    "expansion not last": "  a = f(x..., y)\n",
    "unclosed directive": '  a = "%{ if x }y"\n',
    "crossed directives": '  a = "%{ for x in y }%{ endif }"\n',
    "double unary": "  a = --1\n",
    "empty interpolation": '  a = "${}"\n',
    "comment before a value": "  b = /* c */ 2\n",
    "space after a heredoc opener": "  a = <<EOT \n  x\nEOT\n",
    "escaped interpolation never closed": '  a = "$${"\n',
    "backslash before a newline": '  a = "x\\\n"\n',
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_what_python_hcl2_refuses_is_left_to_it(name: str) -> None:
    text = _resource(REFUSED[name])
    assert _hcl2(text) is None
    assert split_block(text) is None


# python-hcl2 reads each in a way not worth copying: the splitter says unsure.
UNSURE = {
    # ends the attribute at the next token, trailing comments included
    "binary operation": '  a = var.x == "y" # c\n  b = 1\n',
    "duplicate attribute": "  a = 1\n  a = 2\n",  # the last one wins
    "trailing block comment": "  a = 1 /* c */\n",  # kept in the expression's text
    "newline in a string": '  a = "x\n"\n',  # Terraform refuses it, python-hcl2 does not
}


@pytest.mark.parametrize("name", sorted(UNSURE))
def test_python_hcl2_quirks_are_left_to_it(name: str) -> None:
    text = _resource(UNSURE[name])
    assert split_block(text) is None
    assert _hcl2(text) is not None


def _run(tree: Path, fast: str) -> tuple[list[Any], list[Any]]:
    forget_files()  # as a new process: nothing remembered from the other run
    env = {**os.environ, "CERTFIT_FAST_BLOCKS": fast}
    model = load_terraform(tree, LoadOptions.for_root(tree, environ=env))
    stats = model.parse_stats  # type: ignore[attr-defined]
    if fast == "0":
        assert stats.blocks_split == 0 and stats.bytes_split == 0
    got = [(f.rule, f.severity.value, f.location, f.message, f.related) for f in findings(model)]
    errors = [(e.summary, e.message, e.location) for e in model.errors]
    return got, errors


def _fixture_trees(trees: Path) -> list[Path]:
    return [trees / "demo", *sorted(p for p in (trees / "terraform").iterdir() if p.is_dir())]


def test_fixture_findings_and_errors_are_the_same_with_the_fast_path_off(trees: Path) -> None:
    split_any = 0
    for tree in _fixture_trees(trees):
        assert _run(tree, "1") == _run(tree, "0"), tree.name
        forget_files()
        model = load_terraform(tree, LoadOptions.for_root(tree))
        split_any += model.parse_stats.blocks_split  # type: ignore[attr-defined]
    assert split_any > 0


def test_syntax_errors_are_still_reported_by_python_hcl2_with_file_and_line(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "main.tf": _resource('  port = 443\n  protocol = = "HTTPS"\n')
            + 'resource "aws_lb" "x" {\n  name = "x"\n}\n'
        },
    )
    on, off = _run(tmp_path, "1"), _run(tmp_path, "0")
    assert on == off
    [error] = on[1]
    assert error[0] == "block does not parse"
    assert (error[2].file, error[2].line) == ("main.tf", 3)


def test_only_python_hcl2_parses_are_cached(tmp_path: Path) -> None:
    """The splitter is as fast as a cache read, so its results are not written; debugging
    with CERTFIT_FAST_BLOCKS=0 really shows python-hcl2's reading, cached from then on."""
    tree = write_tree(
        tmp_path / "tree",
        {"main.tf": _resource('  protocol = "HTTPS"\n  certificate_arn = "arn:x"\n')},
    )
    cache = tmp_path / "cache"
    forget_files()
    env_on = {**os.environ, "CERTFIT_FAST_BLOCKS": "1"}
    cold = load_terraform(tree, LoadOptions.for_root(tree, environ=env_on, cache_dir=cache))
    assert cold.parse_stats.blocks_split == 1  # type: ignore[attr-defined]
    assert not cache.exists() or not any(p.is_file() for p in cache.rglob("*"))
    forget_files()
    env_off = {**os.environ, "CERTFIT_FAST_BLOCKS": "0"}
    off = load_terraform(tree, LoadOptions.for_root(tree, environ=env_off, cache_dir=cache))
    assert off.parse_stats.cache_hits == 0  # type: ignore[attr-defined]
    assert off.parse_stats.blocks_parsed == 1  # type: ignore[attr-defined]
    forget_files()
    again = load_terraform(tree, LoadOptions.for_root(tree, environ=env_off, cache_dir=cache))
    assert again.parse_stats.cache_hits == 1  # type: ignore[attr-defined]
    forget_files()
    warm = load_terraform(tree, LoadOptions.for_root(tree, environ=env_on, cache_dir=cache))
    assert warm.parse_stats.blocks_split == 1  # type: ignore[attr-defined]
    assert [b.location for b in warm.bindings] == [b.location for b in cold.bindings]
