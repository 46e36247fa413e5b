"""YAML loading that a hostile document cannot turn into a hang or a blow-up.

PyYAML's safe loaders build no objects, but they still expand aliases: nine levels of ten
aliases each (the "billion laughs") is a 1 KB file that stands for 10^9 nodes, and whatever
walks the result (an evaluator, `str()` of a mapping key, a JSON dump) walks them all. They also
recurse once per nesting level, so a deeply nested document ends in RecursionError.

Here every document's node graph is checked before anything is constructed, in time linear in
its distinct nodes: aliases may add at most `limits.yaml_alias_nodes` nodes once expanded, an
alias may not contain itself (mapping keys count like values: a key that is an alias bomb
hangs `str(key)`), and nesting stops at
`limits.depth`. A document past a limit raises `YamlLimitError` with the line and column of the
node that went past it. Any front end reading YAML (CloudFormation, Kubernetes) uses `load` or
`load_all` with its own loader class.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import yaml

from linter import limits
from linter.limits import LimitExceeded

SafeLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlLimitError(LimitExceeded):
    """A document past a limit; `line` and `column` are 1-based (0 when unknown)."""

    def __init__(self, name: str, message: str, node: yaml.Node | None) -> None:
        super().__init__(name, message)
        mark = node.start_mark if node is not None else None
        self.line = mark.line + 1 if mark else 0
        self.column = mark.column + 1 if mark else 0


def check(root: yaml.Node, bounds: limits.Limits | None = None) -> None:
    """Refuse a node graph whose aliases expand past the limit, that refers to itself, or
    that nests deeper than the limit."""
    bounds = bounds or limits.current()
    size: dict[int, int] = {}  # id(node) -> nodes it stands for once aliases are expanded
    distinct = 0
    # Iterative post-order walk: (node, depth, children done?). `open_` holds the nodes on the
    # current path, so an alias back to one of them is a cycle.
    open_: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        if done:
            open_.discard(key)
            total = 1 + sum(size[id(c)] for c in _children(node))
            size[key] = total
            if total - distinct > bounds.yaml_alias_nodes:
                raise YamlLimitError(
                    "yaml_alias_nodes",
                    f"YAML aliases expand this document past {bounds.yaml_alias_nodes:,} "
                    "extra nodes",
                    node,
                )
            continue
        if key in size:
            continue  # an alias to a node already measured
        if key in open_:
            raise YamlLimitError("yaml_alias_nodes", "a YAML alias refers to itself", node)
        if depth > bounds.depth:
            raise YamlLimitError("depth", f"YAML nested more than {bounds.depth} deep", node)
        distinct += 1
        open_.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load(text: str, loader: type | None = None) -> Any:
    """The single document in `text`, checked, then constructed by `loader` (a PyYAML loader
    class; default the safe one)."""
    instance = (loader or SafeLoader)(text)
    try:
        node = instance.get_single_node()
        if node is None:
            return None
        check(node)
        return instance.construct_document(node)
    finally:
        instance.dispose()


def load_all(text: str, loader: type | None = None) -> Iterator[Any]:
    """Every document in `text` (a Kubernetes manifest stream), each checked first."""
    instance = (loader or SafeLoader)(text)
    try:
        while instance.check_node():
            node = instance.get_node()
            check(node)
            yield instance.construct_document(node)
    finally:
        instance.dispose()
