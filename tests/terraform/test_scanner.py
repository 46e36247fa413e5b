"""The cheap scanner: it must find the same top-level blocks python-hcl2 would, through the
constructs that hide braces (strings, interpolations, heredocs, comments)."""

from __future__ import annotations

from hcl2.query.body import DocumentView

from linter.terraform.scanner import scan

TRICKY = """# a comment with { braces
/* block comment } */
resource "aws_lb_listener" "a" {
  description = "a } brace and a ${lookup(var.m, "k}", "{")} interpolation"
  policy = <<-EOT
    {"Statement": [ { "x": "}" }
  EOT
  // another } comment
  tags = { for k, v in var.t : k => "${v}}" }
}

locals {
  heredoc = <<EOF
}
EOF
  n = 1
}

module "m" {
  source = "./mod"
}
"""


def test_finds_blocks_and_lines_like_python_hcl2() -> None:
    blocks, err = scan(TRICKY, "main.tf")
    assert err is None
    assert [(b.type, b.labels, b.line, b.end_line) for b in blocks] == [
        ("resource", ("aws_lb_listener", "a"), 3, 10),
        ("locals", (), 12, 17),
        ("module", ("m",), 19, 21),
    ]
    doc = DocumentView.parse(TRICKY)
    assert [b.raw._meta.line for b in doc.blocks()] == [b.line for b in blocks]
    # each block's text parses alone
    for b in blocks:
        assert len(list(DocumentView.parse(b.text).blocks())) == 1


def test_an_unclosed_block_reports_its_line_and_keeps_the_blocks_before() -> None:
    text = 'variable "a" {}\n\nresource "x" "y" {\n  a = "b"\n'
    blocks, err = scan(text)
    assert [b.labels for b in blocks] == [("a",)]
    assert err is not None and err.line == 3


def test_an_unterminated_heredoc_is_an_error_at_its_opener() -> None:
    blocks, err = scan("locals {\n  a = <<EOT\n  text\n}\n")
    assert blocks == [] and err is not None and (err.line, err.column) == (2, 7)
    assert err.block_line == 1


def test_stray_text_at_top_level_is_an_error_with_its_line() -> None:
    _, err = scan('variable "a" {}\n}\n')
    assert err is not None and err.line == 2


def test_a_trailing_space_marker_in_a_crlf_file_keeps_its_carriage_return() -> None:
    """Found by the long fuzz run: the normalised text dropped the marker line's \\r too, so
    the expression text was no longer the file's (python-hcl2 reads `EOT\\r\\n` as it is)."""
    [block], err = scan('a "b" {\r\n  x = <<EOT\r\nhi\r\nEOT  \r\n}\r\n')
    assert err is None
    assert block.text == 'a "b" {\r\n  x = <<EOT\r\nhi\r\nEOT\r\n}'
