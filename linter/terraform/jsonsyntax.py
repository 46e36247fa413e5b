"""Terraform's JSON configuration syntax (`*.tf.json`, what CDK for Terraform synthesizes).

Each top-level block becomes the same structure python-hcl2 blocks are reduced to (attribute
expression text + nested blocks), so everything downstream is shared. JSON strings are
templates in this syntax ("${aws_lb.x.arn}"), so they are written back as HCL quoted strings.
Whether an object is a nested block or an object-valued attribute is not in the JSON; the
nested block types of the resources this linter reads are listed here.
"""

from __future__ import annotations

import bisect
import json
import re
from typing import Any

from linter.terraform.blocks import Attr, Block
from linter.terraform.scanner import ScanError, TopBlock

NESTED_BLOCKS = {
    "listener",
    "viewer_certificate",
    "domain_name_configuration",
    "endpoint_configuration",
    "default_action",
    "fixed_response",
    "subject",
    "attribute",
    "policy_attribute",
    "dynamic",
    "content",
    "lifecycle",
    "origin",
    "default_cache_behavior",
    "restrictions",
    "geo_restriction",
    "custom_origin_config",
    "mutual_authentication",
    "validation_option",
    "options",
}
_LABELLED = {"resource": 2, "data": 2, "variable": 1, "output": 1, "module": 1, "provider": 1}


class JsonTopBlock(TopBlock):
    """A top-level block read from JSON: already in parsed form."""

    __slots__ = ("prebuilt",)

    def __init__(self, type_: str, labels: tuple[str, ...], line: int, file: str, block: Block):
        super().__init__(type_, labels, 0, 0, line, 1, file, "", end=0)
        self.prebuilt = block


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"(\s*:)?')


class _Lines:
    """Positions of keys: the first occurrence of a key after a given offset.

    Every object key of the text is indexed in one pass (decoded, so an escaped key is found
    too), and lines by their offsets: each lookup is a bisection. Searching the text from
    each block for each key was quadratic on a large file."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.keys: dict[str, list[int]] = {}
        for m in _STRING.finditer(text):
            if m.group(1) is None:
                continue  # a value, not a key
            raw = text[m.start() : m.start(1)]
            try:
                key = json.loads(raw) if "\\" in raw else raw[1:-1]
            except ValueError:
                continue
            self.keys.setdefault(key, []).append(m.start())

    def line(self, pos: int) -> int:
        return bisect.bisect_left(self.newlines, pos) + 1

    def find(self, key: str, after: int) -> tuple[int, int, int]:
        positions = self.keys.get(key, [])
        i = bisect.bisect_left(positions, after)
        if i == len(positions):
            return after, 0, 0
        pos = positions[i]
        line = self.line(pos)
        start = self.newlines[line - 2] + 1 if line > 1 else 0
        return pos, line, pos - start + 1


_ESC = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _template(value: str) -> str:
    """A JSON string as an HCL quoted template: literal parts escaped, interpolations
    (`${...}`, `%{...}`) copied as written, since they are expressions."""
    out = ['"']
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if (
            c in "$%"
            and value.startswith("{", i + 1)
            and not value.startswith(c, i - 1 if i else n)
        ):
            j = _close(value, i + 2)
            out.append(value[i:j])
            i = j
            continue
        out.append(_ESC.get(c, c))
        i += 1
    out.append('"')
    return "".join(out)


def _close(value: str, i: int) -> int:
    """Index after the brace closing an interpolation opened before `i` (strings inside it
    may hold braces)."""
    depth, n = 1, len(value)
    while i < n:
        c = value[i]
        if c == '"':
            i += 1
            while i < n and value[i] != '"':
                i += 2 if value[i] == "\\" else 1
        elif c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return n


def to_hcl(value: Any) -> str:
    """HCL expression text for a JSON value (strings stay templates)."""
    if isinstance(value, str):
        return _template(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(to_hcl(v) for v in value) + "]"
    return "{" + ", ".join(f"{json.dumps(k)} = {to_hcl(v)}" for k, v in value.items()) + "}"


def _body(
    type_: str, labels: tuple[str, ...], body: Any, lines: _Lines, at: int, line: int
) -> Block:
    blk = Block(type_, labels, line, 1)
    if not isinstance(body, dict):
        return blk
    for key, value in body.items():
        if key == "//":
            continue
        pos, ln, col = lines.find(key, at)
        if key in NESTED_BLOCKS and isinstance(value, dict | list):
            items = value if isinstance(value, list) else [value]
            for item in items:
                if key == "dynamic" and isinstance(item, dict):
                    for label, inner in item.items():
                        blk.blocks.append(_body("dynamic", (label,), inner, lines, pos, ln))
                else:
                    blk.blocks.append(_body(key, (), item, lines, pos, ln))
            continue
        expr = to_hcl(value)
        if key in ("provider", "depends_on") and isinstance(value, str):
            expr = value  # a reference, written as a string in JSON
        blk.attrs[key] = Attr(key, expr, ln, col, ln, col)
    return blk


def index_json(text: str, file: str) -> tuple[list[TopBlock], ScanError | None]:
    """Top-level blocks of a .tf.json file."""
    try:
        return _index_json(text, file)
    except RecursionError:
        return [], ScanError("nested too deeply for certfit to read", 1, 1)


def _index_json(text: str, file: str) -> tuple[list[TopBlock], ScanError | None]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        return [], ScanError(f"invalid JSON: {e.msg}", e.lineno, e.colno)
    if not isinstance(doc, dict):
        return [], ScanError("a .tf.json file must hold an object", 1, 1)
    lines = _Lines(text)
    out: list[TopBlock] = []
    for kind, content in doc.items():
        kpos, kline, _ = lines.find(kind, 0)
        depth = _LABELLED.get(kind, 0)
        if kind == "locals":
            blocks = content if isinstance(content, list) else [content]
            for b in blocks:
                out.append(
                    JsonTopBlock(kind, (), kline, file, _body(kind, (), b, lines, kpos, kline))
                )
            continue
        if kind not in _LABELLED:
            continue
        for labels, body, pos, line in _walk(content, depth, lines, kpos):
            bodies = body if isinstance(body, list) else [body]
            for b in bodies:
                block = _body(kind, labels, b, lines, pos, line)
                out.append(JsonTopBlock(kind, labels, line, file, block))
    return out, None


def _walk(
    content: Any, depth: int, lines: _Lines, at: int
) -> list[tuple[tuple[str, ...], Any, int, int]]:
    if depth == 0 or not isinstance(content, dict):
        return [((), content, at, lines.line(at))]
    out = []
    for key, value in content.items():
        pos, line, _ = lines.find(key, at)
        for labels, body, p, ln in _walk(value, depth - 1, lines, pos):
            out.append(((key, *labels), body, p, ln if labels else line))
    return out
