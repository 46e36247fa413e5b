"""A cheap scanner that finds a file's top-level blocks without parsing them.

python-hcl2 reads about 0.07 MB/s, and a monorepo holds thousands of files of which a few touch
certificates. This scanner jumps between the only characters that change nesting (braces,
brackets, quotes, comments, heredoc markers) with compiled regular expressions, so the cost of a
file is little more than reading it. Only the blocks a certificate or a binding needs are later
handed to python-hcl2 (see `blocks.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# At the top level: identifiers, quoted labels, braces, comments, heredocs are all that matter.
_TOP = re.compile(
    r'[ \t\r\n]+|#[^\n]*|//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|[A-Za-z_][\w-]*|\{|\}|.',
    re.S,
)
# Inside a block: only the characters that open or close something.
_INNER = re.compile(r'[{}()\[\]"#/<]')
# Inside a quoted string: an escape, the closing quote, or an interpolation/directive opener.
_IN_STRING = re.compile(r'\\.|"|\$\{|%\{|\n', re.S)
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][\w-]*)[ \t]*\r?\n")


class ScanError(Exception):
    """The file's structure is broken (unterminated block, string or heredoc)."""

    def __init__(self, message: str, line: int, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


@dataclass
class TopBlock:
    """A top-level block: its type and labels, and where its text lies in the file."""

    type: str
    labels: tuple[str, ...]
    start: int  # offset of the block type keyword
    end: int  # offset just after the closing brace
    line: int  # 1-based line of the block type keyword
    column: int
    end_line: int
    file: str = ""  # path relative to the project root
    text: str = field(default="", repr=False)


def _line_of(text: str, pos: int, cache: list[int]) -> int:
    """1-based line of `pos`; `cache` = [last_pos, last_line] makes forward scans linear."""
    last_pos, last_line = cache
    if pos >= last_pos:
        line = last_line + text.count("\n", last_pos, pos)
    else:
        line = 1 + text.count("\n", 0, pos)
    cache[0], cache[1] = pos, line
    return line


def _skip_string(text: str, pos: int) -> int:
    """`pos` is just after an opening quote; returns the offset after the closing one."""
    while True:
        m = _IN_STRING.search(text, pos)
        if m is None:
            raise ScanError("unterminated string", 0)
        tok = m.group()
        if tok == '"':
            return m.end()
        if tok == "\n":
            raise ScanError("newline in a quoted string", 0)
        pos = _skip_nested(text, m.end(), "}") if tok in ("${", "%{") else m.end()


def _skip_heredoc(text: str, m: re.Match[str]) -> int:
    marker = m.group(2)
    end = re.compile(r"^[ \t]*" + re.escape(marker) + r"[ \t]*$", re.M).search(text, m.end())
    if end is None:
        raise ScanError(f"heredoc {marker} is never closed", 0)
    return end.end()


def _skip_nested(text: str, pos: int, closer: str) -> int:
    """Skip to just after the bracket that closes the one before `pos`."""
    stack = [closer]
    pairs = {"{": "}", "(": ")", "[": "]"}
    while stack:
        m = _INNER.search(text, pos)
        if m is None:
            raise ScanError("unclosed '" + {"}": "{", ")": "(", "]": "["}[stack[0]] + "'", 0)
        ch = m.group()
        pos = m.end()
        if ch in pairs:
            stack.append(pairs[ch])
        elif ch in "})]":
            if ch != stack[-1]:
                raise ScanError(f"unexpected '{ch}'", 0, 0) from None
            stack.pop()
        elif ch == '"':
            pos = _skip_string(text, pos)
        elif ch == "#":
            nl = text.find("\n", pos)
            pos = len(text) if nl < 0 else nl
        elif ch == "/":
            nxt = text[pos : pos + 1]
            if nxt == "/":
                nl = text.find("\n", pos)
                pos = len(text) if nl < 0 else nl
            elif nxt == "*":
                close = text.find("*/", pos + 1)
                if close < 0:
                    raise ScanError("unclosed comment", 0)
                pos = close + 2
        elif ch == "<":
            hd = _HEREDOC.match(text, m.start())
            if hd:
                pos = _skip_heredoc(text, hd)
    return pos


def scan(text: str, file: str = "") -> tuple[list[TopBlock], ScanError | None]:
    """Top-level blocks of `text`, and the first structural error (blocks before it are kept)."""
    blocks: list[TopBlock] = []
    pos = 0
    n = len(text)
    lines = [0, 1]
    header: list[str] = []
    header_start = -1
    while pos < n:
        m = _TOP.match(text, pos)
        assert m is not None
        tok = m.group()
        c = tok[0]
        if c in " \t\r\n" or c == "#" or tok.startswith(("//", "/*")):
            pos = m.end()
            continue
        if c == "{":
            if not header:
                return blocks, _err("a block without a type", text, m.start(), lines)
            try:
                end = _skip_nested(text, m.end(), "}")
            except ScanError as e:
                return blocks, _err(str(e), text, header_start, lines)
            line = _line_of(text, header_start, lines)
            col = header_start - (text.rfind("\n", 0, header_start) + 1) + 1
            end_line = _line_of(text, end, lines)
            blocks.append(
                TopBlock(
                    header[0],
                    tuple(header[1:]),
                    header_start,
                    end,
                    line,
                    col,
                    end_line,
                    file,
                    text[header_start:end],
                )
            )
            header = []
            pos = end
            continue
        if c == '"' and len(tok) > 1:
            header.append(tok[1:-1])
        elif c.isalpha() or c == "_":
            if not header:
                header_start = m.start()
            header.append(tok)
        else:
            # A top-level attribute (tfvars files) or stray text: skip to the end of the line
            # unless it opens something; tfvars are read whole elsewhere.
            if tok == "=" and header:
                return blocks, _err("attribute at the top level", text, header_start, lines)
            return blocks, _err(f"unexpected '{tok}'", text, m.start(), lines)
        pos = m.end()
    if header:
        return blocks, _err("block without a body", text, header_start, lines)
    return blocks, None


def _err(message: str, text: str, pos: int, lines: list[int]) -> ScanError:
    line = 1 + text.count("\n", 0, max(pos, 0))
    col = pos - (text.rfind("\n", 0, pos) + 1) + 1
    return ScanError(message, line, col)
