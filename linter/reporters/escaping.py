"""What certfit prints comes from files a stranger may have written: messages quote ARNs and
expressions, locations name files. This module makes such text safe to print, in one place.

Every reporter passes its report through `escape_report` before it renders anything, so a
field added to a finding later is escaped without anyone remembering to:

- human formats (default, compact, github, the job summary) use `display`: a newline, a
  control character, a bidi or zero-width character, a lone surrogate (a file name that is not
  UTF-8) is shown as a visible escape (`\\n`, `\\x1b`, `\\u202e`, `\\xff`), so one value stays on
  one line and cannot move the cursor, forge a line, or crash the UTF-8 encoder;
- machine formats (json, sarif, checkstyle, junit) use `portable`: only what JSON or XML 1.0
  cannot carry (C0 controls other than tab/LF/CR, DEL, C1, surrogates, U+FFFE/U+FFFF) is
  escaped, the rest is kept exactly.

A GitHub runner reads any log line whose text, after leading whitespace, starts with `::` as a
workflow command, and any line holding `##[name]` as a legacy one (actions/runner,
ActionCommand.TryParseV2 and TryParse). `display` breaks every `##[`; `defuse_commands`, run
over the whole output of a human format, breaks a `::` that starts a line. Markdown for the job
summary gets `md_code`: a value is a code span, where neither HTML, links nor auto-links render.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import fields, is_dataclass, replace
from datetime import date
from enum import Enum
from typing import Any, TypeVar

from linter.model import Location
from linter.report import Report

Escape = Callable[[str], str]
T = TypeVar("T")

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
# Text JSON and XML 1.0 cannot carry (XML's Char production), plus DEL and C1, which are never
# meant as text in a file name or message.
_NOT_PORTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LEGACY_COMMAND = "##["  # actions/runner's v1 syntax, `##[name]data`, found anywhere in a line
_LEGACY_SHOWN = "##\\x5b"


def escape_char(ch: str) -> str:
    """One character as a visible escape. A surrogate from U+DC80 to U+DCFF is how Python
    holds a byte of a file name that is not UTF-8 (surrogateescape): it is shown as that byte."""
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def display(text: str) -> str:
    """`text` for a person to read in a log or terminal: every character Python does not call
    printable (controls, line and paragraph separators, format characters such as bidi
    overrides and zero-width spaces, spaces other than U+0020, surrogates, unassigned code
    points) becomes a visible escape, and `##[` becomes `##\\x5b`. Backslashes are left as they
    are: this is for reading, nothing parses it back. Idempotent."""
    if not text.isprintable():
        text = "".join(ch if ch.isprintable() else escape_char(ch) for ch in text)
    if _LEGACY_COMMAND in text:
        text = text.replace(_LEGACY_COMMAND, _LEGACY_SHOWN)
    return text


def portable(text: str) -> str:
    """`text` for JSON and XML: kept exactly, but for the characters those formats cannot
    carry, which become visible escapes. Idempotent."""
    if _NOT_PORTABLE.search(text) is None:
        return text
    return _NOT_PORTABLE.sub(lambda m: escape_char(m.group(0)), text)


class Escaper:
    """A report's findings and errors with every string escaped, and the way back from an
    escaped file name to the file on disk (excerpts and fingerprints read the real file)."""

    def __init__(self, escape: Escape) -> None:
        self.escape = escape
        self._files: dict[str, str | None] = {}

    def renamed(self) -> dict[str, str | None]:
        """Escaped file name -> the name on disk, for the names escaping changed; None when two
        files were escaped to the same text (then neither is read, rather than the wrong one)."""
        return dict(self._files)

    def walk(self, value: T) -> T:
        """`value` with every string inside it escaped; the same object when nothing changed."""
        walked: T = self._walk(value)
        return walked

    def _walk(self, value: Any) -> Any:
        kind = type(value)
        if kind is str:
            return self.escape(value)
        if kind in _PLAIN:
            return value
        try:
            names = _INIT_FIELDS[kind]
        except KeyError:
            names = _INIT_FIELDS[kind] = (
                tuple(f.name for f in fields(value) if f.init)
                if is_dataclass(value) and not isinstance(value, type)
                else None
            )
        if names is not None:
            return self._dataclass(value, names)
        if kind is tuple or kind is list:
            walked = [self._item(v) for v in value]
            if all(a is b for a, b in zip(walked, value, strict=True)):
                return value
            return walked if kind is list else tuple(walked)
        if kind is dict:
            items = [(self._item(k), self._item(v)) for k, v in value.items()]
            same = zip(items, value.items(), strict=True)
            if all(k is k0 and v is v0 for (k, v), (k0, v0) in same):
                return value
            return dict(items)
        if isinstance(value, (int, float, date, Enum)):  # str enums (Severity) included
            _PLAIN.add(kind)
            return value
        if isinstance(value, str):
            return self.escape(value)
        if isinstance(value, (list, tuple, set, frozenset)):
            return type(value)(self._walk(v) for v in value)
        if isinstance(value, dict):
            return {self._walk(k): self._walk(v) for k, v in value.items()}
        # Anything else would be printed through str(): escape that text.
        return self.escape(str(value))

    def _item(self, value: Any) -> Any:
        """`_walk` with the common leaves (text, numbers) handled without a second call."""
        kind = type(value)
        if kind is str:
            return self.escape(value)
        return value if kind in _PLAIN else self._walk(value)

    def _dataclass(self, value: Any, names: tuple[str, ...]) -> Any:
        changes = {}
        for name in names:
            old = getattr(value, name)
            new = self._item(old)
            if new is not old:
                changes[name] = new
        if not changes:
            return value
        new_value = replace(value, **changes)
        if isinstance(value, Location) and "file" in changes:
            seen = self._files.get(new_value.file, value.file)
            self._files[new_value.file] = value.file if seen == value.file else None
        return new_value


# Types whose values hold no text (learned as met: enums, dates); dataclass fields by type.
_PLAIN: set[type] = {int, float, bool, type(None)}
_INIT_FIELDS: dict[type, tuple[str, ...] | None] = {}  # None: not a dataclass


def escape_report(report: Report, escape: Escape) -> tuple[Report, Escaper]:
    """`report` with every string escaped by `escape` (`display` or `portable`), and the
    escaper, which knows the real file behind each escaped name."""
    escaper = Escaper(escape)
    return escaper.walk(report), escaper


def defuse_commands(text: str) -> str:
    """Human output in which no line can be read as a workflow command: a line whose text,
    after leading whitespace (the runner trims it), starts with `::` gets that first colon
    shown as `\\x3a`, and any `##[` left becomes `##\\x5b`. For formats that never print a
    command of their own (all but `github`)."""
    if "::" not in text and _LEGACY_COMMAND not in text:
        return text
    lines = text.splitlines(keepends=True)
    for i, line in enumerate(lines):
        body = line.lstrip()
        if body.startswith("::"):
            at = len(line) - len(body)
            line = line[:at] + "\\x3a" + line[at + 1 :]
        lines[i] = line.replace(_LEGACY_COMMAND, _LEGACY_SHOWN)
    return "".join(lines)


_BACKTICKS = re.compile("`+")
_LONG_BACKTICKS = re.compile("`{17,}")


def md_code(text: str, *, in_table: bool = False) -> str:
    """`text` as a Markdown code span (GitHub's job summary): inside one, HTML is not
    interpreted, `[x](y)` is no link and URLs, @mentions and #refs are not auto-linked. The
    fence is one backtick longer than any run inside; `|` is escaped in a table cell, where
    GFM splits cells before it looks for code spans."""
    text = display(text)
    if not text:
        return ""
    # cmark-gfm opens no code span with a fence of more than 80 backticks (MAXBACKTICKS): a
    # longer run inside would leave the value as Markdown. Long runs are shown as escapes.
    text = _LONG_BACKTICKS.sub(lambda m: "\\x60" * len(m.group(0)), text)
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * (longest + 1)
    # CommonMark strips one space from each side when both are there: pad so the value, and a
    # backtick at either end, survive.
    pad = " " if text[0] == "`" or text[-1] == "`" or (text[0] == " " and text[-1] == " ") else ""
    span = f"{fence}{pad}{text}{pad}{fence}"
    return span.replace("|", "\\|") if in_table else span


def display_span(text: str, start: int, stop: int) -> tuple[str, int, int]:
    """`display(text)` and where `text[start:stop]` is in it, so an underline stays under
    the same characters once they are escaped."""
    head, body, tail = display(text[:start]), display(text[start:stop]), display(text[stop:])
    past_end = max(0, stop - max(start, len(text)))  # a caret just after the line's end
    return head + body + tail, len(head), len(head) + len(body) + past_end
