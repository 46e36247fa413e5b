"""A cheap scanner that finds a file's top-level blocks and checks its structure, without
parsing it.

python-hcl2 reads about 0.07 MB/s, and a monorepo holds thousands of files of which a few touch
certificates. This scanner makes one linear pass over a file, jumping between the only
characters that change nesting (brackets, quotes, comments, heredoc markers, template
interpolations) with compiled regular expressions, so the cost of a file is little more than
reading it. The same pass is the file's structural check: every bracket closes with its own
kind, every string, heredoc and block comment is closed, so a broken file is reported with its
line even when nothing in it is ever parsed. Only the blocks a certificate or a binding needs
are later handed to the splitter or python-hcl2 (see `blocks.py`).

The pass is in two tiers: most blocks are matched whole by one generated regular expression
(the fast path, no Python per bracket or string); the rest go through an exact state machine,
which also says what is wrong with a broken block. Both give the same answer on any input.

HCL's own rules, not an editor's habits: a newline is `\\r?\\n`; a heredoc ends at the first
line that is its marker once surrounding whitespace is trimmed (only outside `${...}`/`%{...}`);
`$${` and `%%{` are literal text; identifiers are Unicode; block labels may be quoted or bare,
with or without space before them; a top-level block may be indented.
"""

from __future__ import annotations

import itertools
import re
from functools import lru_cache
from sys import intern
from typing import NamedTuple

_IDENT = r"[^\W\d][\w-]*"  # Unicode ID_Start (or _) then ID_Continue or '-', as HCL
# At the top level: identifiers, quoted labels, braces, comments are all that matter.
_TOP = re.compile(
    r"[ \t\r\n]+|#[^\n]*|//[^\n]*|/\*.*?\*/"
    r'|"[^"\\\n]*(?:\\[^\n][^"\\\n]*)*"'
    rf"|{_IDENT}|\{{|.",
    re.S,
)
# At the top level, between blocks: whitespace and comments, in one match.
_TOP_SPACE = re.compile(r"(?:[ \t\r\n]++|#[^\n]*+|//[^\n]*+|/\*.*?\*/)*+", re.S)
# The usual block header, in one match (anything else goes token by token through `_TOP`).
_HEADER = re.compile(rf'({_IDENT})((?:[ \t]*+(?:"[^"\\\n]*+"|{_IDENT}))*+)[ \t]*+\{{')
_HEADER_LABEL = re.compile(rf'"([^"\\\n]*)"|({_IDENT})')
# Inside brackets or an interpolation: skip (possessively, so never backtracking) everything
# that cannot change nesting, plain strings and comments included, to the next token that can:
# a bracket, a quote that opens a template, a heredoc opener, an unclosed comment.
_PLAIN_STRING = r'"[^"\\$%\n]*+(?:(?:\\[^\n]|\$\$\{|%%\{|\$(?!\{)|%(?!\{))[^"\\$%\n]*+)*+"'
_INNER = re.compile(
    r"(?:[^{}()\[\]\"#/<]++|"
    + _PLAIN_STRING
    + r"|#[^\n]*+|//[^\n]*+|/\*.*?\*/|/(?![/*])|<(?!<-?"
    + _IDENT
    + r"\r?\n))*+"
    + r"([{}()\[\]\"]|<<-?"
    + _IDENT
    + r"\r?\n|/\*)",
    re.S,
)
# Inside a quoted template: an escape, the closing quote, a newline, or an opener.
_IN_STRING = re.compile(r'\\[^\n]|\$\$\{|%%\{|\$\{|%\{|"|\n')
_OPENERS = {"{": "}", "(": ")", "[": "]"}
_INTERP = "i"  # stack frame: a ${...} or %{...} that returns to a string or heredoc
_QUOTE = "q"  # stack frame: inside a quoted template


# The fast path: a whole top-level block in one match, for the usual case, with no Python per
# bracket or string. `re` cannot recurse, so the body's pattern is generated for a bounded depth of
# brackets and interpolations (`_FAST_DEPTH`); a block nested deeper goes to the bracket stack
# below, a block holding anything else the pattern leaves out to the exact state machine. What the
# pattern accepts it reads as `_skip_body` does, token for token (same classes, same string escapes,
# same comments, same heredoc ends), and it is stricter, never looser: ASCII identifiers and heredoc
# markers, quoted labels only, no comment in the header, no whitespace after a heredoc's closing
# marker (so the fixes are always none). Possessive repetitions only, and no two alternatives start
# alike except the simple and the nested interpolation: no backtracking, linear time on any input.
# Loops are unrolled, `plain*+(?:special plain*+)*+` rather than `(?:plain++|special)*+`: `re` runs
# a one-character repetition in a tight loop, and only the rarer special tokens pay for a turn of
# the outer one.
_F_PLAIN = r'[^{}()\[\]"#/<]*+'  # what cannot change nesting, between brackets
_F_COMMENT = r"/\*(?:[^*]++|\*(?!/))*+\*/"  # /\*.*?\*/, possessively
_F_OTHER = rf"#[^\n]*+|//[^\n]*+|{_F_COMMENT}|/(?![/*])|<(?!<)"
_F_STRING_PLAIN = r'[^"\\$%\n]*+'
_F_STRING_ESCAPE = r"\\[^\n]|\$\$\{|%%\{|\$(?!\{)|%(?!\{)"
_F_SIMPLE_INTERP = r'[$%]\{[^{}()\[\]"#/<]*+\}'  # "${var.x}": costs no depth
_F_HEREDOC_PLAIN = r"[^$%\n]*+"
_F_HEREDOC_ESCAPE = r"\$\$\{|%%\{|[$%](?!\{)"
_FAST_DEPTH = 3
_FAST_HEREDOC_DEPTH = _FAST_DEPTH - 1  # heredocs: in a body or one bracket down, not deeper
_heredoc_names = itertools.count()


def _fast_body(depth: int) -> str:
    """What may lie between a bracket and its closer, nesting at most `depth` deeper."""
    if depth == 0:
        special = rf"{_F_STRING_ESCAPE}|{_F_SIMPLE_INTERP}"
        string = rf'"{_F_STRING_PLAIN}(?:(?:{special}){_F_STRING_PLAIN})*+"'
        return rf"{_F_PLAIN}(?:(?:{string}|{_F_OTHER}){_F_PLAIN})*+"
    inner = [_fast_body(depth - 1) for _ in range(4)]  # one each: a heredoc names a group
    special = rf"{_F_STRING_ESCAPE}|{_F_SIMPLE_INTERP}|[$%]\{{{inner[0]}\}}"
    string = rf'"{_F_STRING_PLAIN}(?:(?:{special}){_F_STRING_PLAIN})*+"'
    brackets = rf"\{{{inner[1]}\}}|\({inner[2]}\)|\[{inner[3]}\]"
    heredoc = _fast_heredoc() + "|" if depth >= _FAST_HEREDOC_DEPTH else ""
    return rf"{_F_PLAIN}(?:(?:{string}|{brackets}|{heredoc}{_F_OTHER}){_F_PLAIN})*+"


def _fast_heredoc() -> str:
    """`<<EOT` or `<<-EOT` to its closing line as `_heredoc_stop` finds it: the first line
    outside `${...}`/`%{...}` that is the marker with only whitespace around it. Only a closing
    line with nothing after the marker but `\\r` (no fix to record); interpolations without
    brackets (`_fast_body(0)`)."""
    name = f"h{next(_heredoc_names)}"
    marker = rf"[^\S\n]*+(?P={name})"
    special = rf"{_F_HEREDOC_ESCAPE}|{_F_SIMPLE_INTERP}|[$%]\{{{_fast_body(0)}\}}"
    line = rf"{_F_HEREDOC_PLAIN}(?:(?:{special}){_F_HEREDOC_PLAIN})*+\n"
    return (
        rf"<<-?(?P<{name}>{_ASCII_IDENT})\r?\n"
        rf"(?:(?!{marker}[^\S\n]*+(?:\n|\Z)){line})*+"
        rf"{marker}\r?(?=\n|\Z)"
    )


_ASCII_IDENT = r"[A-Za-z_][A-Za-z0-9_-]*+"
# Groups: 1 the block type, 2 the rest of the header: quoted labels, the opening brace.
_F_HEADER = (
    rf"[ \t\r\n]*+(?:(?:#[^\n]*+|//[^\n]*+|{_F_COMMENT})[ \t\r\n]*+)*+"
    rf'({_ASCII_IDENT})((?:[ \t]*+"[^"\\\n]*+")*+[ \t]*+\{{)'
)
_FAST_STACK = 64  # deeper than that is no usual block: the state machine reads it


class _FastPatterns(NamedTuple):
    block: re.Pattern[str]  # a whole block
    header: re.Pattern[str]  # its header, when the block is nested past the bound
    step: re.Pattern[str]  # what `_skip_nested` skips, to the next bracket


@lru_cache(maxsize=1)
def _fast_patterns() -> _FastPatterns:
    """Compiled on first use (tens of milliseconds): a run without Terraform does not pay."""
    return _FastPatterns(
        re.compile(_F_HEADER + _fast_body(_FAST_DEPTH) + r"\}"),
        re.compile(_F_HEADER),
        re.compile(_fast_body(_FAST_DEPTH - 1) + r"[{}()\[\]]"),
    )


def _skip_nested(text: str, pos: int) -> int:
    """A block nested deeper than the whole-block pattern's bound (`jsonencode([{ ... [{ ...
    }] }])`), from just after its opening brace to just after its closing one: a stack of
    brackets in Python, but each step skips whole sub-expressions up to the bound, to the next
    bracket it could not skip. -1 where only the state machine can say: a string or heredoc
    nested deeper, a wrong closer, more than `_FAST_STACK` open brackets, the end of the file."""
    stack = ["}"]
    step = _fast_patterns().step.match
    while True:
        m = step(text, pos)
        if m is None:
            return -1
        pos = m.end()
        c = text[pos - 1]  # the bracket the step stopped at
        if c in "{([":
            if len(stack) == _FAST_STACK:
                return -1
            stack.append(_OPENERS[c])
        elif c != stack.pop():
            return -1
        elif not stack:
            return pos


class ScanError(Exception):
    """The file's structure is broken (unclosed bracket, string, heredoc or comment)."""

    def __init__(self, message: str, line: int, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.block_line = line  # the first line whose blocks are not read


class TopBlock:
    """A top-level block: its type and labels, and where its text lies in the file."""

    __slots__ = (
        "_end",
        "_fixes",
        "_src",
        "body",
        "column",
        "file",
        "labels",
        "line",
        "start",
        "type",
    )

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
        fixes: tuple[tuple[int, int, str], ...] = (),
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
        self._fixes = fixes  # (start, end, replacement) of text: see `text`

    @property
    def end(self) -> int:
        """Offset just after the closing brace."""
        if self._end is None:
            self._end = _skip_body(self._src, self.body, "}", [])
        return self._end

    @property
    def end_line(self) -> int:
        return self.line + self._src.count("\n", self.start, self.end)

    @property
    def text(self) -> str:
        """The block's text as python-hcl2 and the splitter should read it, where python-hcl2
        refuses valid HCL: whitespace after a heredoc's closing marker is dropped (HCL trims
        it), a /* comment */ between the block's labels becomes spaces. Every line and every
        column of what python-hcl2 reports stays the file's."""
        text = self._src[self.start : self.end]
        for a, b, new in reversed(self._fixes):
            text = text[: a - self.start] + new + text[b - self.start :]
        return text

    def __repr__(self) -> str:
        return f"TopBlock({self.type} {self.labels} {self.file}:{self.line})"


@lru_cache(maxsize=256)
def _heredoc_stop(marker: str) -> re.Pattern[str]:
    """In a heredoc: an interpolation/directive opener, or the line that closes it (its
    trailing whitespace captured, to be dropped for python-hcl2)."""
    return re.compile(
        r"\$\$\{|%%\{|\$\{|%\{|^[^\S\n]*" + re.escape(marker) + r"([^\S\n]*)$",
        re.M,
    )


def _position(text: str, pos: int) -> tuple[int, int]:
    line = 1 + text.count("\n", 0, pos)
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _fail(message: str, text: str, pos: int) -> ScanError:
    return ScanError(message, *_position(text, pos))


def _skip_body(text: str, pos: int, closer: str, fixes: list[tuple[int, int, str]]) -> int:
    """From just after an opening bracket to just after the one that closes it. One pass,
    no recursion: a stack holds open brackets, quoted templates, interpolations and heredocs.
    Appends to `fixes` the whitespace after each heredoc's closing marker. Raises ScanError
    at a string, heredoc or comment left open, at a bracket of the wrong kind, or at the
    outermost bracket when the file ends inside it."""
    stack: list[tuple[str, int, str]] = [(closer, pos - 1, "")]  # (kind, opened at, marker)
    inner = _INNER.match
    in_string = _IN_STRING.search
    while True:
        kind, opened, marker = stack[-1]
        if kind == _QUOTE:
            m = in_string(text, pos)
            if m is None or m.group() == "\n":
                raise _fail("unterminated string", text, opened)
            tok = m.group()
            pos = m.end()
            if tok == '"':
                stack.pop()
            elif tok in ("${", "%{"):
                stack.append((_INTERP, m.start(), ""))
            continue
        if marker:  # a heredoc
            m = _heredoc_stop(marker).search(text, pos)
            if m is None:
                raise _fail(f"heredoc {marker} is never closed", text, opened)
            pos = m.end()
            tok = m.group()
            if tok in ("${", "%{"):
                stack.append((_INTERP, m.start(), ""))
            elif tok not in ("$${", "%%{"):  # the closing marker line
                # python-hcl2 takes `EOT\r\n` but not `EOT \n`: drop what is before the \r
                trail_end = m.end(1) - m.group(1).endswith("\r")
                if trail_end > m.start(1):
                    fixes.append((m.start(1), trail_end, ""))
                stack.pop()
            continue
        m = inner(text, pos)
        if m is None:  # the end of the file: report the outermost bracket left open
            kind, opened, _ = stack[0]
            raise _fail(f"'{_opener_of(kind)}' is never closed", text, opened)
        tok = m.group(1)
        pos = m.end()
        c = tok[0]
        if c in "{([":
            stack.append((_OPENERS[c], m.start(1), ""))
        elif c in "})]":
            want = "}" if kind == _INTERP else kind
            if c != want:
                raise _fail(f"unexpected '{c}' (expected '{want}')", text, m.start(1))
            stack.pop()
            if not stack:
                return pos
        elif c == '"':
            stack.append((_QUOTE, m.start(1), ""))
        elif c == "<":
            name = tok[2:].lstrip("-").rstrip("\r\n")
            stack.append(("h", m.start(1), name))
        else:
            raise _fail("unclosed comment", text, m.start(1))


def _opener_of(closer: str) -> str:
    return {"}": "{", ")": "(", "]": "["}[closer]


def scan(
    text: str, file: str = "", *, fast: bool = True
) -> tuple[list[TopBlock], ScanError | None]:
    """Top-level blocks of `text`, and the first structural error (blocks before it are kept).

    Each block is first tried whole by one match in the regex engine, then, if nested past
    that pattern's bound, by `_skip_nested`'s stack of brackets. Where neither is sure (a
    comment or a bare label in the header, a heredoc or string nested deep, a broken block)
    that block goes through `_scan_steps`, the exact state machine, and the next is tried fast
    again. `fast=False` runs the state machine alone: the reference the differential test
    (tests/terraform/test_scanner_differential.py) holds the fast path to."""
    blocks: list[TopBlock] = []
    if not fast:
        return blocks, _scan_steps(text, file, blocks, 0, 1, 0, once=False)[2]
    pos = 0
    n = len(text)
    line, last = 1, 0  # line of offset `last`: line numbers are counted forward, once
    patterns = _fast_patterns()
    match = patterns.block.match
    count = text.count
    rfind = text.rfind
    append = blocks.append
    while pos < n:
        m = match(text, pos)
        if m is not None:
            end = m.end()
        elif (m := patterns.header.match(text, pos)) is not None:
            end = _skip_nested(text, m.end())
        if m is None or end < 0:
            if _TOP_SPACE.match(text, pos).end() == n:  # type: ignore[union-attr]
                break  # only space and comments after the last block
            pos, line, err = _scan_steps(text, file, blocks, pos, line, last, once=True)
            if pos < 0:
                return blocks, err
            last = blocks[-1].start
            continue
        type_, rest = m.group(1, 2)
        type_ = intern(type_)
        start = m.start(1)
        line += count("\n", last, start)
        last = start
        pos = end
        append(
            TopBlock(
                type_,
                # quoted labels only: no '"' inside one. Interned, like the type: a tree
                # repeats them (`resource`, `aws_s3_bucket`) hundreds of thousands of times.
                tuple(map(intern, rest.split('"')[1::2])),
                start,
                start + len(type_) + len(rest),
                line,
                start - rfind("\n", 0, start),
                file,
                text,
                pos,
            )
        )
    return blocks, None


def _scan_steps(
    text: str, file: str, blocks: list[TopBlock], pos: int, line: int, last: int, once: bool
) -> tuple[int, int, ScanError | None]:
    """The exact state machine, from `pos` (between two top-level blocks; `line` is the line
    of offset `last`): appends the blocks it reads to `blocks`. With `once`, returns after the
    first block: (the offset after it, its line, None). At the end of the text or at the first
    error: (-1, 0, the error or None)."""
    n = len(text)
    header: list[str] = []
    header_start = -1
    fixes: list[tuple[int, int, str]] = []
    match = _TOP.match
    while True:
        if not header:
            pos = _TOP_SPACE.match(text, pos).end()  # type: ignore[union-attr]
            h = _HEADER.match(text, pos)
            if h is not None:
                header_start = pos
                header = [h.group(1)]
                for lm in _HEADER_LABEL.finditer(h.group(2)):
                    q = lm.group(1)
                    header.append(q if q is not None else lm.group(2))
                pos = h.end() - 1  # the brace: handled below
        if pos >= n:
            break
        m = match(text, pos)
        assert m is not None
        tok = m.group()
        c = tok[0]
        if c in " \t\r\n" or c == "#" or tok.startswith(("//", "/*")):
            if header and tok.startswith("/*"):  # between labels: python-hcl2 refuses it there
                fixes.append((m.start(), m.end(), re.sub(r"[^\n]", " ", tok)))
            pos = m.end()
            continue
        if c == "{":
            if not header:
                return -1, 0, _fail("a block without a type", text, m.start())

            try:
                end = _skip_body(text, m.end(), "}", fixes)
            except ScanError as e:
                e.block_line = text.count("\n", 0, header_start) + 1
                return -1, 0, e
            line += text.count("\n", last, header_start)
            last = header_start
            col = header_start - (text.rfind("\n", 0, header_start) + 1) + 1
            blocks.append(
                TopBlock(
                    intern(header[0]),
                    tuple(map(intern, header[1:])),
                    header_start,
                    m.end(),
                    line,
                    col,
                    file,
                    text,
                    end,
                    tuple(fixes),
                )
            )
            header = []
            fixes = []
            pos = end
            if once:
                return pos, line, None
            continue
        if c == '"' and len(tok) > 1:
            if not header:
                return -1, 0, _fail("a quoted label without a block type", text, m.start())
            header.append(tok[1:-1])
        elif m.end() - m.start() > 1 or c.isalpha() or c == "_":  # an identifier
            if not header:
                header_start = m.start()
            header.append(tok)
        elif tok == "/" and text.startswith("/*", pos):
            return -1, 0, _fail("unclosed comment", text, pos)
        elif tok == '"':
            return -1, 0, _fail("unterminated string", text, pos)
        elif tok == "=" and header:
            return -1, 0, _fail("attribute at the top level", text, header_start)
        else:
            return -1, 0, _fail(f"unexpected '{tok}'", text, m.start())
        pos = m.end()
    if header:
        return -1, 0, _fail("block without a body", text, header_start)
    return -1, 0, None


def index(text: str, file: str = "") -> tuple[list[TopBlock], ScanError | None]:
    """Top-level blocks of `text` with the file's structural check (see `scan`)."""
    return scan(text, file)
