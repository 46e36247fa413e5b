"""Differential test: the scanner's fast path (a whole block in one regex match) against its
exact state machine alone (`scan(..., fast=False)`), on generated valid and broken HCL.

Both must give the same blocks, every field (type, labels, offsets, line, column, end, the
text python-hcl2 is given, end line), and the same error (message, line, column, first line
not read). Broken HCL is valid HCL cut, or with brackets, quotes, comment and heredoc markers
inserted or deleted, or with its newlines turned into CRLF or bare CR; nesting is generated on
both sides of the fast path's depth bound.

`make test` runs a bounded, derandomised profile. The long run (random, many examples):
    HYPOTHESIS_PROFILE=fuzz .venv/bin/python -m pytest tests/terraform/test_scanner_differential.py
(FUZZ_EXAMPLES=N sets its number of examples per test; default 20000.)
"""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from linter.terraform import scanner
from linter.terraform.scanner import ScanError, TopBlock, scan
from tests.terraform.test_fuzz_hcl import JUNK, JUNK_PIECES, PROFILE, STRING_TEXT, documents

# scan() is cheap: more examples than test_fuzz_hcl.py's bounded profile, still a few seconds.
if os.environ.get("HYPOTHESIS_PROFILE") != "fuzz":
    PROFILE = settings(PROFILE, max_examples=int(os.environ.get("SCAN_EXAMPLES", "200")))


def _block(b: TopBlock) -> tuple[object, ...]:
    return (
        b.type,
        b.labels,
        b.start,
        b.body,
        b.line,
        b.column,
        b.file,
        b.end,
        b._fixes,
        b.text,
        b.end_line,
    )


def _error(e: ScanError | None) -> tuple[object, ...] | None:
    if e is None:
        return None
    return (type(e), str(e), e.line, e.column, e.block_line)


def assert_same_as_reference(text: str) -> None:
    fast_blocks, fast_err = scan(text, "x/main.tf")
    ref_blocks, ref_err = scan(text, "x/main.tf", fast=False)
    assert [_block(b) for b in fast_blocks] == [_block(b) for b in ref_blocks], repr(text)
    assert _error(fast_err) == _error(ref_err), repr(text)


# ---------------------------------------------------------------- broken HCL

BREAKERS = [
    *"{}()[]\"'#/*<$%\\\n\r\t ~é",
    "${",
    "%{",
    "$${",
    "%%{",
    "/*",
    "*/",
    "//",
    "<<EOT\n",
    "<<-EOT\r\n",
    "\nEOT\n",
    "\n  EOT  \n",
    "\nEOT\x0b\n",  # whitespace other than space and tab around a heredoc marker
    "\n\xa0EOT\n",
    "\u2028",
    '"${',
    '}"',
    "a = ",
    'b "c" {',
    "b c {",
]


@st.composite
def broken(draw: st.DrawFn) -> str:
    """A generated document, then a few edits that break (or happen to keep) its structure."""
    text, _ = draw(documents())
    for _ in range(draw(st.integers(1, 4))):
        edit = draw(st.sampled_from(["cut", "insert", "delete", "crlf", "cr"]))
        at = draw(st.integers(0, len(text)))
        if edit == "cut":
            text = text[:at]
        elif edit == "insert":
            text = text[:at] + draw(st.sampled_from(BREAKERS)) + text[at:]
        elif edit == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 3)) :]
        elif edit == "crlf":
            text = text.replace("\r\n", "\n").replace("\n", "\r\n")
        else:
            text = text.replace("\n", "\r")
    return text


# ---------------------------------------------------------------- nesting around the bound


@st.composite
def nested(draw: st.DrawFn, depth: int) -> str:
    """An expression nesting brackets of every kind, templates and interpolations up to
    `depth` levels, with comments and line breaks between."""
    leaf = st.sampled_from(
        ["var.x", "1", '"s"', '"${a}"', "f(a)", "a[0]", "# c\n", "/* } */", '"}"', '"${"{"}"']
    )
    if depth == 0:
        return draw(leaf)
    items = [draw(nested(depth - 1)) for _ in range(draw(st.integers(0, 2)))]
    sep = draw(st.sampled_from([", ", ",\n", "\r\n"]))
    kind = draw(st.sampled_from(["list", "call", "object", "template", "directive", "leaf"]))
    if kind == "list":
        return "[" + sep.join(items) + "]"
    if kind == "call":
        return "f(" + sep.join(items) + ")"
    if kind == "object":
        return "{" + "".join(f"\n  k{i} = {v}" for i, v in enumerate(items)) + "\n}"
    inner = " ".join(items) or "x"
    if kind == "template":
        return '"' + draw(STRING_TEXT) + "${" + inner + "}" + draw(STRING_TEXT) + '"'
    if kind == "directive":
        return '"%{ if ' + inner + ' }y%{ endif }"'
    return draw(leaf)


@st.composite
def nested_documents(draw: st.DrawFn) -> str:
    blocks = []
    for _ in range(draw(st.integers(1, 3))):
        depth = draw(st.integers(0, scanner._FAST_DEPTH + 2))
        header = draw(st.sampled_from(['resource "a" "b"', "locals", 'data "c" "d"', "m n"]))
        blocks.append(f"{header} {{\n  x = {draw(nested(depth))}\n}}\n")
    return draw(st.sampled_from(["", "\n", "# top\n"])).join(blocks)


@PROFILE
@given(documents())
def test_the_fast_path_reads_valid_hcl_as_the_state_machine_does(
    case: tuple[str, object],
) -> None:
    assert_same_as_reference(case[0])


@PROFILE
@given(broken())
def test_the_fast_path_reads_broken_hcl_as_the_state_machine_does(text: str) -> None:
    assert_same_as_reference(text)


@PROFILE
@given(nested_documents())
def test_the_fast_path_reads_nesting_around_its_bound_as_the_state_machine_does(
    text: str,
) -> None:
    assert_same_as_reference(text)


@PROFILE
@given(st.lists(st.sampled_from([*JUNK_PIECES, *BREAKERS]), max_size=60).map("".join))
def test_the_fast_path_reads_junk_as_the_state_machine_does(text: str) -> None:
    assert_same_as_reference(text)


@PROFILE
@given(st.lists(JUNK, min_size=1, max_size=3).map(lambda parts: 'a "b" {\n'.join(parts)))
def test_the_fast_path_reads_junk_inside_blocks_as_the_state_machine_does(text: str) -> None:
    assert_same_as_reference(text)


# ---------------------------------------------------------------- examples


def _state_machine_blocks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record the blocks the exact state machine had to read (the others were read fast)."""
    read: list[int] = []
    steps = scanner._scan_steps

    def counting(
        text: str, file: str, blocks: list[TopBlock], *rest: object, **kw: object
    ) -> object:
        before = len(blocks)
        result = steps(text, file, blocks, *rest, **kw)  # type: ignore[arg-type]
        read.extend(b.line for b in blocks[before:])
        return result

    monkeypatch.setattr(scanner, "_scan_steps", counting)
    return read


TYPICAL = """\
# header comment { [
terraform {
  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.main.arn # a comment with }
  certificate_arn   = var.certs["${var.env}-main"]
  tags = merge(local.tags, { Name = "${local.prefix}-https", Cost = "$${literal} 100%" })
  default_action {
    type = "forward"
    /* target_group_arn = "{" */
    target_group_arn = aws_lb_target_group.main[0].arn
  }
}

output "name" {
  value = "${format("%s-%s", var.a, lookup(var.m, "k}", "{"))}"
}
  indented "block" {}
"""


def test_usual_blocks_are_read_without_the_state_machine(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The speed of a large tree depends on it: the common constructs stay on the fast path."""
    read = _state_machine_blocks(monkeypatch)
    blocks, err = scan(TYPICAL, "main.tf")
    assert err is None
    assert [(b.type, b.labels, b.line, b.end_line) for b in blocks] == [
        ("terraform", (), 2, 6),
        ("resource", ("aws_lb_listener", "https"), 8, 17),
        ("output", ("name",), 19, 21),
        ("indented", ("block",), 22, 22),
    ]
    assert read == []
    assert_same_as_reference(TYPICAL)


HEREDOCS = """\
resource "aws_iam_policy" "p" {
  policy = <<-EOT
    {"Statement": [{"Resource": "${aws_s3_bucket.b.arn}/*", "x": "}"}]}
    EOT
  user_data = trimspace(<<EOF
%{ for s in var.l ~}
${s} $${literal} { [ ( "
%{ endfor ~}
  EOF2
EOF
  )
}
"""


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_usual_heredocs_are_read_without_the_state_machine(
    monkeypatch: pytest.MonkeyPatch, newline: str
) -> None:
    text = HEREDOCS.replace("\n", newline)
    read = _state_machine_blocks(monkeypatch)
    [block], err = scan(text, "main.tf")
    assert err is None
    assert (block.line, block.end_line, block.text) == (1, 12, text.rstrip())
    assert read == []
    assert_same_as_reference(text)


UNUSUAL = {
    "heredoc closed with trailing space": 'a "b" {\n  p = <<-EOT\n    }\n  EOT  \n}\n',
    "heredoc with a Unicode marker": "locals {\n  p = <<ÉOT\n  }\nÉOT\n}\n",
    "heredoc in an interpolation": 'locals {\n  p = "${trimspace(<<EOT\n}\nEOT\n)}"\n}\n',
    "heredoc interpolating brackets": "locals {\n  p = <<EOT\n${f(x)}\nEOT\n}\n",
    "bare labels": "resource aws_s3_bucket b {\n  x = 1\n}\n",
    "comment between labels": 'resource /* c */ "a" "b" {\n  x = 1\n}\n',
    "unicode type": "zürich {\n  x = 1\n}\n",
    "label on the next line": 'resource "a"\n"b" {\n}\n',
    "deep template": 'locals {\n  x = "${f([{ a = "${g(b[0])}" }])}"\n}\n',
}


@pytest.mark.parametrize("text", UNUSUAL.values(), ids=UNUSUAL.keys())
def test_unusual_blocks_go_to_the_state_machine_and_read_the_same(
    monkeypatch: pytest.MonkeyPatch, text: str
) -> None:
    read = _state_machine_blocks(monkeypatch)
    before = 'variable "v" {}\n'
    blocks, err = scan(before + text + before, "main.tf")
    assert err is None
    assert [b.line for b in blocks] == [1, 2, 2 + text.count("\n")]
    assert read == [2]  # the blocks around it stay fast
    assert_same_as_reference(before + text + before)


DEEP = """\
resource "aws_ecs_task_definition" "t" {
  container_definitions = jsonencode([
    {
      name  = "${var.name}-app"
      image = "${var.repository}:${var.release}"
      portMappings = [
        { containerPort = 9000, protocol = "tcp" }
      ]
      environment = [for k, v in var.env : { name = k, value = "${v}" }]
    }
  ])
}
"""


def test_nesting_past_the_bound_is_read_by_the_bracket_stack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """jsonencode([{ ... [{ ... }] }]) is five brackets deep: past the whole-block pattern,
    but each step of the bracket stack skips what lies within the bound."""
    read = _state_machine_blocks(monkeypatch)
    [block], err = scan(DEEP, "main.tf")
    assert err is None
    assert (block.line, block.end_line, block.text) == (1, 12, DEEP.rstrip())
    assert read == []
    assert_same_as_reference(DEEP)
    assert_same_as_reference(DEEP.replace("  ])", "  )]"))  # wrong closers, deep down


def test_past_the_bracket_stack_bound_the_state_machine_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    depth = 2 * scanner._FAST_STACK
    text = "locals {\n  x = " + "[" * depth + "]" * depth + "\n}\n"
    read = _state_machine_blocks(monkeypatch)
    _, err = scan(text)
    assert err is None and read == [1]
    assert_same_as_reference(text)


BROKEN = {
    "unclosed block": 'variable "a" {}\nresource "x" "y" {\n  a = "b"\n',
    "wrong closer": "locals {\n  a = [1, 2}\n}\n",
    "unterminated string": 'locals {\n  a = "b\n}\n',
    "newline in an interpolated string": 'locals {\n  a = "${b}\n"\n}\n',
    "unclosed interpolation": 'locals {\n  a = "${b"\n}\n',
    "unclosed comment": "locals {\n  /* a\n}\n",
    "unclosed heredoc": "locals {\n  a = <<EOT\n  b\n}\n",
    "stray closer": 'variable "a" {}\n}\n',
    "attribute at the top": 'a = 1\nvariable "a" {}\n',
    "block without a body": 'variable "a" {}\nvariable "b"\n',
    "unclosed top comment": 'variable "a" {}\n/* x\n',
    "deep and unclosed": "locals {\n  a = [[[[[[1]]]]]\n}\n",
    "deep and wrong": "locals {\n  a = [[[[[[1]]]])]\n}\n",
}


@pytest.mark.parametrize("text", BROKEN.values(), ids=BROKEN.keys())
def test_broken_files_give_the_state_machines_error(text: str) -> None:
    _, err = scan(text, "main.tf")
    assert err is not None
    assert_same_as_reference(text)


@pytest.mark.parametrize("depth", [3000, 100_000])
def test_nesting_far_past_the_bound_is_read_by_the_state_machine(depth: int) -> None:
    """`re` does not recurse: deep nesting costs the fast path nothing but a failed match."""
    for inner in ("[" * depth + "]" * depth, '"${' * depth + '"}' * depth, "{" * depth):
        assert_same_as_reference(f'a "b" {{\n  x = {inner}\n}}\n')
