"""A cheap scanner that finds a file's top-level blocks without parsing them.

python-hcl2 reads about 0.07 MB/s, and a monorepo holds thousands of files of which a few touch
certificates. This scanner jumps between the only characters that change nesting (braces,
brackets, quotes, comments, heredoc markers) with compiled regular expressions, so the cost of a
file is little more than reading it. Only the blocks a certificate or a binding needs are later
handed to python-hcl2 (see `blocks.py`).
"""

from __future__ import annotations

import re

# At the top level: identifiers, quoted labels, braces, comments, heredocs are all that matter.
_TOP = re.compile(
    r'[ \t\r\n]+|#[^\n]*|//[^\n]*|/\*.*?\*/|"(?:[^"\\\n]|\\.)*"|[A-Za-z_][\w-]*|\{|\}|.',
    re.S,
)
# Inside a block: only the characters that open or close something.
_INNER = re.compile(r'"(?:[^"\\$%\n]|\\.|\$(?!\{)|%(?!\{))*"|[{}()\[\]"#/<]')
# Inside a quoted string: an escape, the closing quote, or an interpolation/directive opener.
_IN_STRING = re.compile(r'\\.|"|\$\{|%\{|\n', re.S)
_HEREDOC = re.compile(r"<<(-?)([A-Za-z_][\w-]*)[ \t]*\r?\n")


class ScanError(Exception):
    """The file's structure is broken (unterminated block, string or heredoc)."""

    def __init__(self, message: str, line: int, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class TopBlock:
    """A top-level block: its type and labels, and where its text lies in the file.

    The end of the block is found lazily (only blocks that are parsed need it), so a file costs
    one regular-expression pass to index."""

    __slots__ = ("_end", "_src", "body", "column", "file", "labels", "line", "start", "type")

    def __init__(
        self,
        type_: str,
        labels: tuple[str, ...],
        start: int,
        body: int,
        line: int,
        column: int,
        file: str,
        src: str,
        end: int | None = None,
    ) -> None:
        self.type = type_
        self.labels = labels
        self.start = start  # offset of the block type keyword
        self.body = body  # offset just after the opening brace
        self.line = line  # 1-based line of the block type keyword
        self.column = column
        self.file = file  # path relative to the project root
        self._src = src
        self._end = end

    @property
    def end(self) -> int:
        """Offset just after the closing brace; raises ScanError (with this block's line)."""
        if self._end is None:
            try:
                self._end = _skip_nested(self._src, self.body, "}")
            except ScanError as e:
                raise ScanError(str(e), self.line, self.column) from None
        return self._end

    @property
    def end_line(self) -> int:
        return self.line + self._src.count("\n", self.start, self.end)

    @property
    def text(self) -> str:
        return self._src[self.start : self.end]

    def __repr__(self) -> str:
        return f"TopBlock({self.type} {self.labels} {self.file}:{self.line})"


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
    """Skip to just after the bracket that closes the one before `pos`. Plain strings (no
    interpolation) are consumed by the regular expression in one step."""
    depth = 1
    search = _INNER.search
    while True:
        m = search(text, pos)
        if m is None:
            raise ScanError("unclosed '" + {"}": "{", ")": "(", "]": "["}[closer] + "'", 0)
        tok = m.group()
        pos = m.end()
        c = tok[0]
        if c in "{([":
            depth += 1
        elif c in "})]":
            depth -= 1
            if depth == 0:
                return pos
        elif c == '"':
            if len(tok) == 1:
                pos = _skip_string(text, pos)
        elif c == "#":
            nl = text.find("\n", pos)
            pos = len(text) if nl < 0 else nl
        elif c == "/":
            nxt = text[pos : pos + 1]
            if nxt == "/":
                nl = text.find("\n", pos)
                pos = len(text) if nl < 0 else nl
            elif nxt == "*":
                close = text.find("*/", pos + 1)
                if close < 0:
                    raise ScanError("unclosed comment", 0)
                pos = close + 2
        elif c == "<":
            hd = _HEREDOC.match(text, m.start())
            if hd:
                pos = _skip_heredoc(text, hd)


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
            blocks.append(
                TopBlock(
                    header[0],
                    tuple(header[1:]),
                    header_start,
                    m.end(),
                    line,
                    col,
                    file,
                    text,
                    end,
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


# Fast path: `terraform fmt` puts every top-level block header at the start of a line, and
# without heredocs or block comments nothing else can start a line with a quoted label list
# and an opening brace. Such files are indexed with one regular-expression pass.
_HEADER = re.compile(r'^([A-Za-z_][\w-]*)((?:[ \t]+(?:"[^"\n]*"|[A-Za-z_][\w-]*))*)[ \t]*\{', re.M)
_LABEL = re.compile(r'"([^"\n]*)"|([A-Za-z_][\w-]*)')
_UNSAFE = re.compile(r"<<|/\*|^[ \t]+(?:resource|data|module|variable|output|locals)\b", re.M)


def index(text: str, file: str = "") -> tuple[list[TopBlock], ScanError | None]:
    """Top-level blocks of `text`; block ends are found only when needed. Falls back to the
    full `scan` when the file has heredocs, block comments or indented block headers."""
    if _UNSAFE.search(text):
        return scan(text, file)
    blocks: list[TopBlock] = []
    line, last = 1, 0
    for m in _HEADER.finditer(text):
        start = m.start()
        line += text.count("\n", last, start)
        last = start
        labels = tuple(a if a is not None else b for a, b in _LABEL.findall(m.group(2)))
        blocks.append(TopBlock(m.group(1), labels, start, m.end(), line, 1, file, text))
    return blocks, None
