"""Kubernetes YAML (multi-document) into plain values that remember where each key was.

All YAML reading of this front end goes through `load_documents`, one small function, so that a
hardened loader (alias limits) can replace it in one place. It never builds objects: PyYAML's
safe loader, with mappings and sequences that carry 1-based lines and columns (the
CloudFormation front end's `LocDict`/`LocList`), so findings point at the annotation's line.
"""

from __future__ import annotations

from typing import Any

import yaml

from linter import safe_yaml
from linter.cloudformation.parse import (
    LocDict,
    LocList,
    Pos,
    TemplateLimitError,
    TemplateSyntaxError,
)

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """The safe loader, with positions; timestamps stay strings (as Kubernetes reads them)."""


def _mark(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _mapping(loader: _Loader, node: yaml.MappingNode) -> LocDict:
    loader.flatten_mapping(node)
    out = LocDict()
    out.pos = _mark(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        key = key if isinstance(key, str) else str(key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_pos[key] = _mark(key_node)
    return out


def _sequence(loader: _Loader, node: yaml.SequenceNode) -> LocList:
    out = LocList(loader.construct_object(child, deep=True) for child in node.value)
    out.pos = _mark(node)
    out.item_pos = [_mark(child) for child in node.value]
    return out


def _string(loader: _Loader, node: yaml.ScalarNode) -> str:
    return str(node.value)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _string)


def load_documents(text: str) -> list[Any]:
    """Every document of a (multi-document) YAML or JSON text; TemplateSyntaxError with the
    line where the parser gave up."""
    try:
        return [doc for doc in safe_yaml.load_all(text, _Loader) if doc is not None]
    except safe_yaml.YamlLimitError as exc:  # an alias bomb, nesting past the limit: at its line
        raise TemplateLimitError(str(exc), exc.line, exc.column) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise TemplateSyntaxError(exc.problem or exc.context or "invalid YAML", line, col) from None
    except yaml.YAMLError as exc:
        raise TemplateSyntaxError(str(exc)) from None
