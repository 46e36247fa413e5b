"""Split one top-level block into its skeleton without python-hcl2, when that is certain.

The front end keeps only a block's skeleton from python-hcl2: attribute names, each
expression's source text with positions, and nested blocks (see `blocks.py`). On a tree where
every file binds certificates, python-hcl2 (a Lark grammar, ~0.1 MB/s) was most of a cold run.
This finds the same skeleton in one pass over the characters that change nesting, with the
positions python-hcl2 reports, about 25x faster.

python-hcl2 stays the reference: anything unusual returns None and the caller parses the block
with python-hcl2, which also reports every syntax error with its file and line. So that the
fast path never accepts what python-hcl2 would refuse, every expression is also parsed by the
front end's own expression parser (which evaluation uses anyway); an expression it refuses, or
a template whose %{...} directives do not pair up, sends the block to python-hcl2.
tests/terraform/test_splitter.py checks the two paths give identical skeletons on every block
of the fixture trees and a generated benchmark tree.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from linter.terraform.expressions import parse_expression_cached

_SPACE = re.compile(r"(?:[ \t\r\n]+|#[^\n]*|//[^\n]*|/\*.*?\*/)*", re.S)
_INLINE_SPACE = re.compile(r"[ \t]*")
# python-hcl2's identifiers are ASCII (HCL's are Unicode): anything else is left to it.
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_LABEL = re.compile(r'"((?:[^"\\\n$%]|\\.)*)"|([A-Za-z_][A-Za-z0-9_-]*)')
_VALUE = re.compile(r'"|<<|[\[\](){}]|#|//|/\*|\n')
# `$${` and `%%{` are literal text; python-hcl2 reads them so only up to a `}` on the line.
_IN_STRING = re.compile(r'\\[^\n]|"|\$\$\{[^}"\n]*\}|%%\{[^}"\n]*\}|\$\$\{|%%\{|\$\{|%\{|\n', re.S)
# python-hcl2's heredoc opener: the marker then the newline, nothing between.
_HEREDOC = re.compile(r"<<(-?)([A-Za-z][A-Za-z0-9_-]*)\r?\n")
_NEWLINE = re.compile("\n")


class _Unsure(Exception):
    """Something this fast path does not handle: the caller uses python-hcl2."""


def _skip_string(text: str, pos: int) -> int:
    """From just after an opening quote to just after its closing quote."""
    while True:
        m = _IN_STRING.search(text, pos)
        if m is None or m.group() == "\n":
            raise _Unsure
        tok = m.group()
        if tok == '"':
            return m.end()
        if tok in ("$${", "%%{"):
            raise _Unsure  # an escape python-hcl2 reads differently from HCL
        if tok in ("${", "%{"):
            pos = _skip_value(text, m.end(), closer="}")
            if pos >= len(text) or text[pos] != "}":
                raise _Unsure
            pos += 1
        else:
            pos = m.end()


def _skip_heredoc(text: str, m: re.Match[str]) -> int:
    """Past the newline that ends the closing marker line."""
    marker = m.group(2)
    pos = m.end()
    while pos < len(text):
        nl = text.find("\n", pos)
        line = text[pos : nl if nl >= 0 else len(text)]
        if line.lstrip() in (marker, marker + "\r"):  # python-hcl2: `\s*EOT\r?\n`
            return nl + 1 if nl >= 0 else len(text)
        if nl < 0:
            break
        pos = nl + 1
    raise _Unsure


def _skip_value(text: str, pos: int, closer: str | None = None) -> int:
    """The end of an expression starting at `pos`: a newline or a closing brace at depth 0
    (or `closer` inside a template interpolation). Returns the offset where it ends."""
    depth = 0
    while True:
        m = _VALUE.search(text, pos)
        if m is None:
            return len(text)
        tok = m.group()
        if tok == '"':
            pos = _skip_string(text, m.end())
        elif tok.startswith("<<"):
            hd = _HEREDOC.match(text, m.start())
            if hd is None:
                raise _Unsure
            pos = _skip_heredoc(text, hd)
            if depth == 0 and closer is None:
                return pos  # python-hcl2 ends a heredoc value after its newline
        elif tok in "([{":
            depth += 1
            pos = m.end()
        elif tok in ")]}":
            if depth == 0:
                if tok == "}":
                    return m.start()
                raise _Unsure
            depth -= 1
            pos = m.end()
        elif tok in ("#", "//"):
            if depth == 0 and closer is None:
                return m.start()
            nl = text.find("\n", m.end())
            pos = len(text) if nl < 0 else nl
            if depth == 0:
                raise _Unsure
        elif tok == "/*":
            # python-hcl2 refuses one before a value and keeps one after it in the
            # expression's text: rare enough to leave to it.
            raise _Unsure
        else:  # newline
            if depth == 0 and closer is None:
                return m.start()
            pos = m.end()


def _check_expression(expr: str) -> Any:
    """The expression's tree; raises unless python-hcl2 would accept the expression too."""
    node = parse_expression_cached(
        expr
    )  # ExprError, ValueError, RecursionError: caught by the caller
    if "%{" in expr and not _directives_pair(node):
        raise _Unsure
    return node


def _directives_pair(node: Any) -> bool:
    """Whether every template in the tree opens and closes its %{if}/%{for} directives in
    order (the expression parser reads them one by one, python-hcl2 as a structure)."""
    if isinstance(node, tuple) and node and node[0] == "tmpl":
        stack: list[str] = []
        for part in node[1]:
            if isinstance(part, str):
                continue
            kind = part[0] if part else None
            if kind == "%if":
                stack.append("if")
            elif kind == "%for":
                stack.append("for")
            elif kind == "%else":
                if not stack or stack[-1] != "if":
                    return False
                stack[-1] = "else"
            elif kind in ("%endif", "%endfor"):
                want = ("if", "else") if kind == "%endif" else ("for",)
                if not stack or stack.pop() not in want:
                    return False
            if not _directives_pair(part):
                return False
        return not stack
    if isinstance(node, (tuple, list)):
        return all(_directives_pair(x) for x in node)
    return True


class _Positions:
    def __init__(self, text: str) -> None:
        self.starts = [0] + [m.end() for m in _NEWLINE.finditer(text)]

    def __call__(self, offset: int) -> tuple[int, int]:
        line = bisect_right(self.starts, offset)
        return line, offset - self.starts[line - 1] + 1


def _body(text: str, pos: int, where: _Positions) -> tuple[list[Any], list[Any], int]:
    """Attributes and blocks of a body that starts at `pos`; returns the offset of its `}`."""
    attrs: list[Any] = []
    blocks: list[Any] = []
    names: set[str] = set()
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if pos >= len(text):
            raise _Unsure
        if text[pos] == "}":
            return attrs, blocks, pos
        ident = _IDENT.match(text, pos)
        if ident is None:
            raise _Unsure
        name, start = ident.group(), pos
        pos = _INLINE_SPACE.match(text, ident.end()).end()  # type: ignore[union-attr]
        if text.startswith("=", pos) and not text.startswith("==", pos):
            value_start = _INLINE_SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
            end = _skip_value(text, value_start)
            expr = text[value_start:end].strip()
            if not expr or expr.startswith("=") or name in names:
                raise _Unsure  # python-hcl2 refuses duplicates; let it say so
            if _check_expression(expr)[0] == "binop":
                # python-hcl2 ends an attribute whose value is a binary operation where the
                # next token starts, comments and blank lines included: let it say where.
                raise _Unsure
            names.add(name)
            stop = len(text[start:end].rstrip()) + start
            if text[start:end].endswith("\n"):
                stop = end  # a heredoc: its newline is part of the attribute
            (line, col), (end_line, end_col) = where(start), where(stop)
            attrs.append([name, expr, line, col, end_line, end_col])
            pos = end
            continue
        block, pos = _block_rest(text, name, start, pos, where)
        blocks.append(block)


def _block_rest(text: str, type_: str, start: int, pos: int, where: _Positions) -> tuple[Any, int]:
    labels: list[str] = []
    while True:
        pos = _INLINE_SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith("{", pos):
            break
        label = _LABEL.match(text, pos)
        if label is None or (label.group(1) is not None and "\\" in label.group(1)):
            raise _Unsure
        labels.append(label.group(1) if label.group(1) is not None else label.group(2))
        pos = label.end()
    attrs, blocks, close = _body(text, pos + 1, where)
    line, col = where(start)
    return [type_, labels, line, col, attrs, blocks], close + 1


def split_block(text: str) -> Any | None:
    """The block's skeleton in the front end's cache shape (`blocks._to_json`), or None when
    python-hcl2 should decide. `text` is one top-level block, as the scanner cuts it."""
    try:
        where = _Positions(text)
        pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
        ident = _IDENT.match(text, pos)
        if ident is None:
            return None
        block, end = _block_rest(text, ident.group(), pos, ident.end(), where)
        if text[end:].strip():
            return None
        return block
    except Exception:  # _Unsure, or anything the expression parser refuses: python-hcl2 decides
        return None
