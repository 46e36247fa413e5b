"""Parse HCL expressions (the source text of one attribute) into a small tuple tree.

python-hcl2 hands expressions back as re-serialised strings; parsing the original source text
here keeps heredocs, escapes and template parts exact, and lets the evaluator decide what is
known. The tree is plain tuples:

    ("lit", value)                       number, bool, null
    ("tmpl", parts)                      str parts, expression trees and ("%if", ...) directives
    ("name", ident)                      a root name: var, local, aws_lb, each, ...
    ("attr", obj, name) / ("index", obj, key)
    ("splat", obj, ops)                  ops: ("attr", name) / ("index", key) for each element
    ("call", name, args, expand_last)
    ("unop", op, x) / ("binop", op, a, b) / ("cond", c, a, b)
    ("tuple", items) / ("object", [(key, value)])
    ("for", kind, key_var, value_var, collection, key, value, cond, group)
"""

from __future__ import annotations

import re
from typing import Any

Node = tuple[Any, ...]


class ExprError(Exception):
    """The expression could not be parsed; `offset` is into the expression text."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


_TOKEN = re.compile(
    r"(?P<ws>(?:[ \t\r\n]+|#[^\n]*|//[^\n]*|/\*.*?\*/)+)"
    r"|(?P<heredoc><<(-?)([A-Za-z_][\w-]*)[ \t]*\r?\n)"
    r"|(?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r'|(?P<str>")'
    r"|(?P<ident>[A-Za-z_][\w-]*)"
    r"|(?P<op>\.\.\.|==|!=|<=|>=|&&|\|\||=>|\[\*\]|[-+*/%<>!?:.,=\[\](){}~])",
    re.S,
)

_BINARY = {
    "||": 1,
    "&&": 2,
    "==": 3,
    "!=": 3,
    "<": 4,
    ">": 4,
    "<=": 4,
    ">=": 4,
    "+": 5,
    "-": 5,
    "*": 6,
    "/": 6,
    "%": 6,
}
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def _shown(kind: str, value: str) -> str:
    """A token for an error message: operators as written, anything longer only by kind, so
    that a message can never carry a piece of key material."""
    if kind == "eof":
        return "end of expression"
    if kind == "op" or len(value) <= 3:
        return repr(value)
    return {"ident": "name", "num": "number", "str": "string", "heredoc": "heredoc"}.get(kind, kind)


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self._peeked: tuple[str, str, int, int, re.Match[str]] | None = None

    # -- tokens -----------------------------------------------------------------------------
    def peek(self) -> tuple[str, str, int, int, re.Match[str] | None]:
        if self._peeked is None:
            pos = self.pos
            while True:
                if pos >= len(self.text):
                    return ("eof", "", pos, pos, None)
                m = _TOKEN.match(self.text, pos)
                if m is None:
                    raise ExprError(f"unexpected character {self.text[pos]!r}", pos)
                if m.lastgroup == "ws":
                    pos = m.end()
                    continue
                kind = m.lastgroup or "op"
                self._peeked = (kind, m.group(kind), m.start(), m.end(), m)
                break
        return self._peeked

    def take(self) -> tuple[str, str, int, int, re.Match[str] | None]:
        tok = self.peek()
        self._peeked = None
        self.pos = tok[3]
        return tok

    def expect(self, value: str) -> None:
        tok = self.take()
        if tok[1] != value or tok[0] not in ("op", "ident"):
            raise ExprError(f"expected {value!r}", tok[2])

    def at(self, value: str) -> bool:
        tok = self.peek()
        return tok[0] == "op" and tok[1] == value

    # -- expressions --------------------------------------------------------------------------
    def expr(self) -> Node:
        cond = self.binary(1)
        if self.at("?"):
            self.take()
            a = self.expr()
            self.expect(":")
            b = self.expr()
            return ("cond", cond, a, b)
        return cond

    def binary(self, min_prec: int) -> Node:
        left = self.unary()
        while True:
            tok = self.peek()
            prec = _BINARY.get(tok[1]) if tok[0] == "op" else None
            if prec is None or prec < min_prec:
                return left
            self.take()
            right = self.binary(prec + 1)
            left = ("binop", tok[1], left, right)

    def unary(self) -> Node:
        if self.at("!") or self.at("-"):
            op = self.take()[1]
            return ("unop", op, self.postfix(self.primary()))  # HCL: one operator per term
        return self.postfix(self.primary())

    def postfix(self, node: Node) -> Node:
        while True:
            if self.at("."):
                self.take()
                tok = self.take()
                if tok[1] == "*":
                    return ("splat", node, self.splat_ops())
                if tok[0] == "ident":
                    node = ("attr", node, tok[1])
                elif tok[0] == "num":
                    node = ("index", node, ("lit", int(tok[1])))
                else:
                    raise ExprError("expected an attribute name", tok[2])
            elif self.at("[*]"):
                self.take()
                return ("splat", node, self.splat_ops())
            elif self.at("["):
                self.take()
                if self.at("*"):
                    self.take()
                    self.expect("]")
                    return ("splat", node, self.splat_ops())
                key = self.expr()
                self.expect("]")
                node = ("index", node, key)
            else:
                return node

    def splat_ops(self) -> list[Node]:
        ops: list[Node] = []
        while True:
            if self.at("."):
                self.take()
                tok = self.take()
                if tok[0] == "ident":
                    ops.append(("attr", tok[1]))
                elif tok[0] == "num":
                    ops.append(("index", ("lit", int(tok[1]))))
                else:
                    raise ExprError("expected an attribute name", tok[2])
            elif self.at("[") and not self.at("[*]"):
                self.take()
                key = self.expr()
                self.expect("]")
                ops.append(("index", key))
            else:
                return ops

    def primary(self) -> Node:
        kind, value, start, end, m = self.take()
        if kind == "num":
            return ("lit", float(value) if any(c in value for c in ".eE") else int(value))
        if kind == "str":
            parts, self.pos = parse_template(self.text, end, quoted=True)
            self._peeked = None
            return ("tmpl", parts)
        if kind == "heredoc":
            assert m is not None
            return self.heredoc(m)
        if kind == "ident":
            if value in ("true", "false"):
                return ("lit", value == "true")
            if value == "null":
                return ("lit", None)
            if self.at("("):
                return self.call(value)
            return ("name", value)
        if value == "(":
            node = self.expr()
            self.expect(")")
            return node
        if value == "[":
            return self.tuple_()
        if value == "{":
            return self.object_()
        raise ExprError(f"unexpected {_shown(kind, value)}", start)

    def heredoc(self, m: re.Match[str]) -> Node:
        strip, marker = m.group(3) == "-", m.group(4)
        # HCL trims the marker's line of all whitespace, \r of a CRLF file included
        close = re.compile(r"^[^\S\n]*" + re.escape(marker) + r"[^\S\n]*$", re.M).search(
            self.text, m.end()
        )
        if close is None:
            raise ExprError(f"heredoc {marker} is never closed", m.start())
        body = self.text[m.end() : close.start()]
        self.pos = close.end()
        self._peeked = None
        if strip:
            lines = body.split("\n")
            indents = [len(ln) - len(ln.lstrip(" \t")) for ln in lines if ln.strip()]
            cut = min(indents) if indents else 0
            body = "\n".join(ln[cut:] for ln in lines)
        parts, _ = parse_template(body, 0, quoted=False)
        return ("tmpl", parts)

    def call(self, name: str) -> Node:
        self.expect("(")
        args: list[Node] = []
        expand = False
        while not self.at(")"):
            args.append(self.expr())
            if self.at("..."):
                self.take()
                expand = True
                if not self.at(")"):  # only the last argument expands, as in HCL
                    raise ExprError("expected ')' after '...'", self.peek()[2])
            if self.at(","):
                self.take()
            elif not self.at(")"):
                raise ExprError("expected ',' or ')'", self.peek()[2])
        self.take()
        if "::" in name:
            pass
        return ("call", name, args, expand)

    def is_for(self) -> bool:
        tok = self.peek()
        if tok[0] != "ident" or tok[1] != "for":
            return False
        m = re.compile(r"[ \t\r\n]*[A-Za-z_]").match(self.text, tok[3])
        return m is not None

    def for_(self, kind: str) -> Node:
        self.expect("for")
        first = self.take()
        key_var, val_var = None, first[1]
        if self.at(","):
            self.take()
            key_var, val_var = first[1], self.take()[1]
        self.expect("in")
        coll = self.expr()
        self.expect(":")
        key = None
        if kind == "object":
            key = self.expr()
            self.expect("=>")
        value = self.expr()
        group = False
        if self.at("..."):
            self.take()
            group = True
        cond = None
        if self.peek()[0] == "ident" and self.peek()[1] == "if":
            self.take()
            cond = self.expr()
        self.expect("]" if kind == "tuple" else "}")
        return ("for", kind, key_var, val_var, coll, key, value, cond, group)

    def tuple_(self) -> Node:
        if self.is_for():
            return self.for_("tuple")
        items: list[Node] = []
        while not self.at("]"):
            items.append(self.expr())
            if self.at(","):
                self.take()
            elif not self.at("]"):
                raise ExprError("expected ',' or ']'", self.peek()[2])
        self.take()
        return ("tuple", items)

    def object_(self) -> Node:
        if self.is_for():
            return self.for_("object")
        items: list[tuple[Node, Node]] = []
        while not self.at("}"):
            tok = self.peek()
            if tok[0] == "ident":
                nxt = _TOKEN.match(self.text, tok[3])
                while nxt is not None and nxt.lastgroup == "ws":
                    nxt = _TOKEN.match(self.text, nxt.end())
                if nxt is not None and nxt.group() in ("=", ":"):
                    self.take()
                    key: Node = ("tmpl", [tok[1]])
                else:
                    key = self.expr()
            else:
                key = self.expr()
            if not (self.at("=") or self.at(":")):
                raise ExprError("expected '=' or ':'", self.peek()[2])
            self.take()
            items.append((key, self.expr()))
            if self.at(","):
                self.take()
        self.take()
        return ("object", items)


_PLAIN_QUOTED = re.compile(r'[^"\\$%\n]+')
_PLAIN_HEREDOC = re.compile(r"[^$%]+")


def parse_template(text: str, pos: int, quoted: bool) -> tuple[list[Any], int]:
    """Parts of a template starting at `pos` (after the opening quote when `quoted`).

    Parts are literal strings, expression trees for `${...}`, and directives for `%{...}`:
    ("%if", node), ("%else",), ("%endif",), ("%for", key_var, value_var, node), ("%endfor",).
    Strip markers (`~`) trim the whitespace next to them, as Terraform does."""
    parts: list[Any] = []
    buf: list[str] = []
    n = len(text)
    plain = _PLAIN_QUOTED if quoted else _PLAIN_HEREDOC
    strip_next = False

    def flush() -> None:
        nonlocal buf, strip_next
        if buf:
            lit = "".join(buf)
            if strip_next:
                lit = lit.lstrip()
            if lit:
                parts.append(lit)
            buf = []
            strip_next = False

    while pos < n:
        m = plain.match(text, pos)
        if m:
            buf.append(m.group())
            pos = m.end()
            continue
        c = text[pos]
        if quoted and c == '"':
            break
        if quoted and c == "\\" and pos + 1 < n:
            e = text[pos + 1]
            if e in _ESCAPES:
                buf.append(_ESCAPES[e])
                pos += 2
            elif e in "uU":
                width = 4 if e == "u" else 8
                buf.append(_code_point(text[pos + 2 : pos + 2 + width], width, pos))
                pos += 2 + width
            else:
                raise ExprError(f"invalid escape \\{e}", pos)
            continue
        if c in "$%" and text.startswith("{", pos + 1):
            if buf and buf[-1].endswith(c) and pos > 0 and text[pos - 1] == c:
                buf[-1] = buf[-1][:-1]  # $${ and %%{ are literal
                buf.append(c + "{")
                pos += 2
                continue
            p = _Parser(text)
            p.pos = pos + 2
            if p.at("~"):
                p.take()
                if buf:
                    buf = ["".join(buf).rstrip()]
            flush()
            if c == "$":
                parts.append(p.expr())
            else:
                parts.append(_directive(p))
            if p.at("~"):
                p.take()
                strip_next = True
            p.expect("}")
            pos = p.pos
            continue
        if quoted and c == "\n":
            raise ExprError("newline in a quoted string", pos)
        buf.append(c)
        pos += 1
    else:
        if quoted:
            raise ExprError("unterminated string", pos)
    flush()
    return parts, pos + 1 if quoted else pos


def _directive(p: _Parser) -> Node:
    kind, word, start, _e, _m = p.take()
    if kind != "ident" or word not in ("if", "else", "endif", "for", "endfor"):
        raise ExprError("expected if, else, endif, for or endfor in %{...}", start)
    if word == "if":
        return ("%if", p.expr())
    if word == "for":
        first = p.take()[1]
        key_var, val_var = None, first
        if p.at(","):
            p.take()
            key_var, val_var = first, p.take()[1]
        p.expect("in")
        return ("%for", key_var, val_var, p.expr())
    return ("%" + word,)


def _code_point(digits: str, width: int, pos: int) -> str:
    """The character of a \\u or \\U escape; anything but `width` hex digits naming a
    Unicode code point is a syntax error, as in Terraform (never an exception)."""
    if len(digits) == width and all(c in "0123456789abcdefABCDEF" for c in digits):
        value = int(digits, 16)
        if value <= 0x10FFFF:
            return chr(value)
    kind = "u" if width == 4 else "U"
    raise ExprError(f"invalid escape \\{kind}{digits[:width]}", pos)


def parse_expression(text: str) -> Node:
    """The tree of one expression; raises ExprError."""
    p = _Parser(text)
    node = p.expr()
    tok = p.peek()
    if tok[0] != "eof":
        raise ExprError(f"unexpected {_shown(tok[0], tok[1])} after the expression", tok[2])
    return node


_MEMO: dict[str, Node] = {}
_MEMO_MAX = 100_000


def parse_expression_cached(text: str) -> Node:
    """parse_expression, remembered by text for the process: the splitter checks every
    expression of a block it splits and evaluation then reads the same ones, and a tree repeats
    many (`aws_lb.main.arn`). Trees are never mutated, so sharing them is safe."""
    node = _MEMO.get(text)
    if node is None:
        node = parse_expression(text)
        if len(_MEMO) >= _MEMO_MAX:
            _MEMO.clear()
        _MEMO[text] = node
    return node


def parse_attributes(text: str) -> list[tuple[str, Node, int, int]]:
    """`name = expression` pairs of a .tfvars file, with 1-based line and column: the whole
    file, without python-hcl2 (a tfvars file has no blocks)."""
    p = _Parser(text)
    out: list[tuple[str, Node, int, int]] = []
    line, line_start, counted = 1, 0, 0  # lines counted up to `counted`: linear, not per name
    while True:
        kind, value, start, _end, _m = p.peek()
        if kind == "eof":
            return out
        if kind != "ident" and kind != "str":
            raise ExprError("expected a variable name", start)
        p.take()
        name = value
        if kind == "str":  # "name" = value is allowed too
            parts, p.pos = parse_template(text, _end, quoted=True)
            p._peeked = None
            name = "".join(x for x in parts if isinstance(x, str))
        p.expect("=")
        line += text.count("\n", counted, start)
        newline = text.rfind("\n", counted, start)
        line_start = newline + 1 if newline >= 0 else line_start
        counted = start
        out.append((name, p.expr(), line, start - line_start + 1))


def offset_position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of `offset` in `text`."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1
