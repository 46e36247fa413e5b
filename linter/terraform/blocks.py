"""Parse one top-level block, on demand, through a content-keyed cache.

python-hcl2 is the slow part of reading Terraform (a Lark grammar, ~0.07 MB/s), so it only ever
sees the text of a block that a certificate or a binding needs. What it gives back is reduced to
a small structure: attribute names with their source text and positions, and nested blocks. The
expressions themselves are evaluated by `expressions.py` from that source text, which keeps the
exact quoting, heredocs and positions.

That structure is first asked of `splitter.py`, which finds it without python-hcl2 when it is
sure; python-hcl2 stays the reference for everything else, syntax errors included.
CERTFIT_FAST_BLOCKS=0 switches the splitter off (and ignores cache entries it made), to tell
the two apart when debugging.

The cache is keyed by the block's text; a block whose text holds private key material is never
written to it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from linter.safe_files import read_regular
from linter.terraform.scanner import TopBlock
from linter.terraform.splitter import split_block

CACHE_FORMAT = "certfit-tf-block-2"  # an entry is {"via": "split" | "hcl2", "block": ...}
# A private key given as a literal (a heredoc or a quoted string, maybe base64 without PEM
# armour, maybe inside base64decode(...)) is never cached either; a reference such as
# file(...) holds no key.
_LONG_BASE64 = re.compile(r"[A-Za-z0-9+/]{64,}")  # key material in any wrapping
_KEY_ASSIGNED = re.compile(r'\w*[ \t]*=[ \t]*(?:<<|"(?!\$\{file))')  # after "private_key"
_WORD_REST = re.compile(r"\w*")


@dataclass
class ParseStats:
    """Parse work: bytes handed to python-hcl2 against bytes in the tree. Read by benchmarks.

    A block the splitter answered counts in bytes_split / blocks_split, never in bytes_parsed;
    a block it was unsure of counts in bytes_parsed (python-hcl2 parsed it)."""

    bytes_in_tree: int = 0
    bytes_parsed: int = 0  # given to python-hcl2 (cache misses only)
    bytes_from_cache: int = 0
    files_read: int = 0
    files_scanned: int = 0
    blocks_parsed: int = 0  # by python-hcl2
    cache_hits: int = 0
    bytes_split: int = 0  # split by the fast path, without python-hcl2 (cache misses only)
    blocks_split: int = 0

    @property
    def parse_ratio(self) -> float:
        return self.bytes_parsed / self.bytes_in_tree if self.bytes_in_tree else 0.0

    def add(self, other: ParseStats) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Attr:
    name: str
    expr: str  # the expression's source text
    line: int
    column: int
    end_line: int
    end_column: int
    file: str | None = None  # set when it comes from another file (an override file)


@dataclass
class Block:
    type: str
    labels: tuple[str, ...]
    line: int
    column: int
    attrs: dict[str, Attr] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    file: str | None = None

    def from_file(self, file: str) -> Block:
        """A copy whose attributes and nested blocks say they come from `file`."""
        b = Block(self.type, self.labels, self.line, self.column, file=file)
        b.attrs = {
            k: Attr(a.name, a.expr, a.line, a.column, a.end_line, a.end_column, file)
            for k, a in self.attrs.items()
        }
        b.blocks = [c.from_file(file) for c in self.blocks]
        return b

    def block(self, type_: str) -> Block | None:
        return next((b for b in self.blocks if b.type == type_), None)

    def all(self, type_: str) -> list[Block]:
        return [b for b in self.blocks if b.type == type_]


class BlockParseError(Exception):
    """python-hcl2 refused the block. Carries a position, never the offending text (it might
    be key material)."""

    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def _expr_text(text: str, start: int, end: int) -> str:
    src = text[start:end]
    eq = src.index("=")
    return src[eq + 1 :].strip()


def _convert(view: Any, text: str, labels: tuple[str, ...], type_: str) -> Block:
    meta = view.raw._meta
    blk = Block(type_, labels, meta.line, meta.column)
    for a in view.attributes():
        m = a.raw._meta
        blk.attrs[a.name] = Attr(
            a.name,
            _expr_text(text, m.start_pos, m.end_pos),
            m.line,
            m.column,
            m.end_line,
            m.end_column,
        )
    for b in view.blocks():
        labs = tuple(str(x) for x in b.labels)
        blk.blocks.append(_convert(b, text, labs[1:], labs[0]))
    return blk


def _to_json(b: Block) -> Any:
    return [
        b.type,
        list(b.labels),
        b.line,
        b.column,
        [[a.name, a.expr, a.line, a.column, a.end_line, a.end_column] for a in b.attrs.values()],
        [_to_json(c) for c in b.blocks],
    ]


def _from_json(d: Any, dl: int, first_col: int) -> Block:
    def col(line: int, c: int) -> int:
        return c + first_col if line == 1 else c

    t, labels, line, column, attrs, blocks = d
    b = Block(t, tuple(labels), line + dl, col(line, column))
    for name, expr, ln, c, el, ec in attrs:
        b.attrs[name] = Attr(name, expr, ln + dl, col(ln, c), el + dl, col(el, ec))
    b.blocks = [_from_json(c, dl, first_col) for c in blocks]
    return b


def _parse_text(text: str) -> Block:
    from hcl2.query.body import DocumentView  # imported late: costly, and often not needed

    try:
        doc = DocumentView.parse(text)
    except RuntimeError as e:  # python-hcl2 raises bare RuntimeError on duplicates
        raise BlockParseError(f"invalid block: {type(e).__name__}", 1, 0) from None
    except Exception as e:
        line = int(getattr(e, "line", 1) or 1)
        col = int(getattr(e, "column", 0) or 0)
        raise BlockParseError("syntax error", max(line, 1), max(col, 0)) from None
    views = list(doc.blocks())
    if len(views) != 1:
        raise BlockParseError("expected one block", 1, 0)
    v: Any = views[0]
    labs = tuple(str(x) for x in v.labels)
    return _convert(v, text, labs[1:], labs[0])


def _literal_key(text: str) -> bool:
    """Is a `private_key...` attribute given a literal (a string or heredoc, not file())?
    Each word holding "private_key" is looked at once: a regex search would start again at
    every "private_key" inside one long word and rescan the rest of it (quadratic)."""
    pos = 0
    while (i := text.find("private_key", pos)) >= 0:
        if _KEY_ASSIGNED.match(text, i + len("private_key")):
            return True
        word_end = _WORD_REST.match(text, i + len("private_key"))
        pos = word_end.end() if word_end else i + 1
    return False


def _holds_secret(text: str) -> bool:
    return "PRIVATE KEY" in text or _literal_key(text) or _LONG_BASE64.search(text) is not None


def fast_blocks_enabled(environ: Mapping[str, str]) -> bool:
    """The splitter is on unless CERTFIT_FAST_BLOCKS is 0 (or false/no/off)."""
    return environ.get("CERTFIT_FAST_BLOCKS", "1").strip().lower() not in (
        "0",
        "false",
        "no",
        "off",
    )


def parse_block(
    top: TopBlock, cache_dir: Path | None, stats: ParseStats, fast: bool = True
) -> Block:
    """The parsed structure of `top`, with lines and columns of the file. `fast`: try the
    splitter before python-hcl2.

    Only python-hcl2's results are cached: the splitter is as fast as reading a cache entry
    back, and writing one entry per split block cost a cold run of the dense benchmark tree
    0.17 s (0.56 s against 0.39 s without the cache)."""
    text = top.text
    dl, dc = top.line - 1, top.column - 1
    data = split_block(text) if fast else None
    if data is not None:
        stats.blocks_split += 1
        stats.bytes_split += len(text.encode())
        return _from_json(data, dl, dc)
    path: str | None = None
    if cache_dir is not None:  # a block with key material is never written, so never found
        key = hashlib.sha256(f"{CACHE_FORMAT}\0{text}".encode()).hexdigest()
        path = os.path.join(cache_dir, key[:2], f"{key}.json")  # str: Path costs here
        try:  # certfit's own cache (named by the environment), still a regular file only
            entry = json.loads(read_regular(path, limit=None))
            block = _from_json(entry["block"], dl, dc)
            stats.cache_hits += 1
            stats.bytes_from_cache += len(text)
            return block
        except (OSError, ValueError, KeyError, TypeError):
            pass
    stats.blocks_parsed += 1
    stats.bytes_parsed += len(text.encode())
    try:
        rel = _parse_text(text)
    except BlockParseError as e:
        col = e.column + top.column - 1 if e.line == 1 and e.column else e.column
        raise BlockParseError(str(e), e.line + top.line - 1, col) from None
    data = _to_json(rel)
    if path is not None and not _holds_secret(text):
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            tmp = f"{path}.{os.getpid()}.tmp"
            with open(tmp, "w", encoding="utf-8") as f:
                f.write(json.dumps({"via": "hcl2", "block": data}))
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only or full cache never stops a run
    return _from_json(data, dl, dc)
