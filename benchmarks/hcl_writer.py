"""A tiny HCL writer that lays out blocks the way `terraform fmt` does.

The generated trees must look like code people commit (so `terraform fmt -check` reads them
without complaint and their sizes are realistic), and aligning `=` by hand in every template
would be error-prone.
"""

from __future__ import annotations

from dataclasses import dataclass, field

Item = "Attr | Block | Blank | Raw"


@dataclass
class Attr:
    """`name = value`; `value` is HCL source, possibly several lines (maps, heredocs)."""

    name: str
    value: str


@dataclass
class Blank:
    """An empty line: it ends a group of aligned attributes, as in hand-written code."""


@dataclass
class Raw:
    """Source copied as it is (comments, `dynamic` blocks written by hand)."""

    text: str


@dataclass
class Block:
    type: str
    labels: tuple[str, ...] = ()
    body: list[Attr | Block | Blank | Raw] = field(default_factory=list)


def q(text: str) -> str:
    """A quoted HCL string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hcl_list(values: list[str], indent: int = 0, wrap: int = 4) -> str:
    """`[a, b]` on one line when short, one element a line when long (as people write it)."""
    if len(values) <= wrap:
        return "[" + ", ".join(values) + "]"
    pad = "  " * (indent + 1)
    inner = "".join(f"{pad}{v},\n" for v in values)
    return "[\n" + inner + "  " * indent + "]"


def hcl_map(pairs: list[tuple[str, str]], indent: int = 0) -> str:
    """A multi-line map with aligned `=`."""
    if not pairs:
        return "{}"
    width = max(len(k) for k, _ in pairs)
    pad = "  " * (indent + 1)
    inner = "".join(f"{pad}{k.ljust(width)} = {v}\n" for k, v in pairs)
    return "{\n" + inner + "  " * indent + "}"


def render(blocks: list[Block | Raw | Blank], header: str = "") -> str:
    """Source text of a file made of top-level blocks, separated by one blank line."""
    parts: list[str] = []
    if header:
        parts.append(header.rstrip("\n") + "\n")
    for item in blocks:
        if isinstance(item, Blank):
            continue
        if isinstance(item, Raw):
            parts.append(item.text.rstrip("\n") + "\n")
        else:
            parts.append(_block(item, 0))
    return "\n".join(parts)


def _block(block: Block, depth: int) -> str:
    pad = "  " * depth
    head = " ".join([block.type, *(q(label) for label in block.labels)])
    if not block.body:
        return f"{pad}{head} {{\n{pad}}}\n"
    lines = [f"{pad}{head} {{\n"]
    group: list[Attr] = []

    def flush() -> None:
        if not group:
            return
        width = max(len(a.name) for a in group)
        for a in group:
            value = _reindent(a.value, depth + 1)
            lines.append(f"{pad}  {a.name.ljust(width)} = {value}\n")
        group.clear()

    previous_was_block = False
    for item in block.body:
        if isinstance(item, Attr):
            if previous_was_block:
                lines.append("\n")
            if "\n" in item.value and not item.value.startswith("<<"):
                # terraform fmt aligns only runs of one-line attributes: a multi-line value
                # stands alone and ends the run.
                flush()
                group.append(item)
                flush()
            else:
                group.append(item)
            previous_was_block = False
            continue
        flush()
        if isinstance(item, Blank):
            lines.append("\n")
            previous_was_block = False
        elif isinstance(item, Raw):
            lines.append("".join(f"{pad}  {line}\n" for line in item.text.splitlines()))
            previous_was_block = True
        else:
            if len(lines) > 1 and lines[-1] != "\n":
                lines.append("\n")
            lines.append(_block(item, depth + 1))
            previous_was_block = True
    flush()
    lines.append(f"{pad}}}\n")
    return "".join(lines)


def _reindent(value: str, depth: int) -> str:
    """Nested lines of a multi-line value move with the block they sit in."""
    if "\n" not in value or value.lstrip().startswith("<<"):
        return value
    first, *rest = value.split("\n")
    pad = "  " * depth
    return "\n".join([first, *(pad + line if line else line for line in rest)])
