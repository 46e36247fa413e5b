"""Reading CloudFormation templates (JSON or YAML) into plain values that remember lines.

Findings must name the template line that makes a binding, but `json` and PyYAML's plain
loaders forget positions. Both loaders here return `LocDict`/`LocList` (ordinary dicts and
lists) that carry the 1-based line and column of each key or item, so the rest of the front
end works on ordinary Python values. YAML's short intrinsic tags (`!Ref`, `!GetAtt`, `!Sub`,
...) become their long `{"Fn::...": ...}` forms, as CloudFormation itself reads them.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from typing import Any

import yaml

from linter import limits, safe_yaml

scanstring = json.decoder.scanstring  # type: ignore[attr-defined]  # the C string scanner

Pos = tuple[int, int]  # 1-based line, column


class LocDict(dict[str, Any]):
    """A mapping that knows where it and each of its keys were written."""

    pos: Pos = (0, 0)
    key_pos: dict[str, Pos]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_pos = {}

    def where(self, key: str) -> Pos:
        return self.key_pos.get(key, self.pos)


class LocList(list[Any]):
    """A sequence that knows where it and each item were written."""

    pos: Pos = (0, 0)
    item_pos: list[Pos]

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.item_pos = []

    def where(self, index: int) -> Pos:
        return self.item_pos[index] if 0 <= index < len(self.item_pos) else self.pos


class TemplateSyntaxError(ValueError):
    """The text is not valid JSON/YAML; `line` is where the parser gave up (0 if unknown)."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class TemplateLimitError(TemplateSyntaxError):
    """The text went past one of certfit's limits (linter/limits.py): a template all the same,
    and reported as one."""


def where(container: Any, key: str | int) -> Pos:
    """Position of `key` in `container` when it is one of ours, else (0, 0)."""
    if isinstance(container, LocDict) and isinstance(key, str):
        return container.where(key)
    if isinstance(container, LocList) and isinstance(key, int):
        return container.where(key)
    return getattr(container, "pos", (0, 0))


# --------------------------------------------------------------------------- JSON


_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WS = re.compile(r"[ \t\n\r]*")


class _JsonReader:
    """A small recursive-descent JSON reader that records positions.

    Strings go through the C `scanstring` the json module uses, so most of the work is native.
    """

    def __init__(self, text: str, keep: Callable[[Any], bool] | None = None) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]
        self.keep = keep
        self.fast = json.JSONDecoder()
        self.max_depth = min(limits.current().depth, 800)  # past ~900 Python itself stops

    def member(self, i: int, depth: int, trail: tuple[str, ...]) -> tuple[Any, int]:
        """A member value; with a `keep` filter, positions are recorded only for the template's
        Metadata and the resources `keep` accepts: the rest goes through the C decoder."""
        if self.keep is None or (depth == 1 and trail[0] in ("Resources", "Metadata")):
            return self.value(i, depth, trail)
        start = self.skip(i)
        try:
            plain, end = self.fast.raw_decode(self.text, start)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.msg, exc.pos) from None
        except RecursionError:
            raise self.fail_limit(
                f"nested too deeply ({limits.raise_hint('depth')})", start
            ) from None
        if depth == 2 and trail[0] == "Resources" and self.keep(plain):
            return self.value(start, depth, trail)
        return plain, end

    def pos(self, index: int) -> Pos:
        line = bisect.bisect_left(self.newlines, index)
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, index - start + 1

    def fail(self, message: str, index: int) -> TemplateSyntaxError:
        line, col = self.pos(index)
        return TemplateSyntaxError(f"{message} at line {line} column {col}", line, col)

    def fail_limit(self, message: str, index: int) -> TemplateLimitError:
        line, col = self.pos(index)
        return TemplateLimitError(f"{message} at line {line} column {col}", line, col)

    def string(self, i: int) -> tuple[str, int]:
        """The string starting at the quote at `i` (a property name or a value): a control
        character or a bad escape in either is a syntax error at its position."""
        try:
            return scanstring(self.text, i + 1)
        except json.JSONDecodeError as exc:
            raise self.fail(exc.msg, exc.pos) from None

    def skip(self, i: int) -> int:
        return _WS.match(self.text, i).end()  # type: ignore[union-attr]

    def value(self, i: int, depth: int = 0, trail: tuple[str, ...] = ()) -> tuple[Any, int]:
        if depth > self.max_depth:
            raise self.fail_limit(
                f"nested more than {self.max_depth} deep ({limits.raise_hint('depth')})", i
            )
        text = self.text
        i = self.skip(i)
        if i >= len(text):
            raise self.fail("unexpected end of input", i)
        ch = text[i]
        if ch == "{":
            obj = LocDict()
            obj.pos = self.pos(i)
            i = self.skip(i + 1)
            if text.startswith("}", i):
                return obj, i + 1
            while True:
                if not text.startswith('"', i):
                    raise self.fail("expected a property name", i)
                key_index = i
                key, i = self.string(i)
                i = self.skip(i)
                if not text.startswith(":", i):
                    raise self.fail("expected ':'", i)
                if depth < 2 and self.keep is not None:
                    val, i = self.member(i + 1, depth + 1, (*trail, key))
                else:
                    val, i = self.value(i + 1, depth + 1)
                obj[key] = val
                obj.key_pos[key] = self.pos(key_index)
                i = self.skip(i)
                if text.startswith(",", i):
                    i = self.skip(i + 1)
                    continue
                if text.startswith("}", i):
                    return obj, i + 1
                raise self.fail("expected ',' or '}'", i)
        if ch == "[":
            arr = LocList()
            arr.pos = self.pos(i)
            i = self.skip(i + 1)
            if text.startswith("]", i):
                return arr, i + 1
            while True:
                item_index = self.skip(i)
                val, i = self.value(item_index, depth + 1)
                arr.append(val)
                arr.item_pos.append(self.pos(item_index))
                i = self.skip(i)
                if text.startswith(",", i):
                    i += 1
                    continue
                if text.startswith("]", i):
                    return arr, i + 1
                raise self.fail("expected ',' or ']'", i)
        if ch == '"':
            return self.string(i)
        for literal, value in (("true", True), ("false", False), ("null", None)):
            if text.startswith(literal, i):
                return value, i + len(literal)
        m = _NUMBER.match(text, i)
        if m and m.end() > i:
            s = m.group()
            return (float(s) if any(c in s for c in ".eE") else int(s)), m.end()
        raise self.fail("unexpected character", i)


def load_json(text: str, keep: Callable[[Any], bool] | None = None) -> Any:
    """Parse JSON with positions; `keep(resource)` limits them to the resources that need them
    (a cdk.out template is mostly resources nobody reports on: the C decoder reads those)."""
    reader = _JsonReader(text, keep)
    value, end = reader.value(0)
    if reader.skip(end) != len(text):
        raise reader.fail("extra data after the document", reader.skip(end))
    return value


# --------------------------------------------------------------------------- YAML

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """SafeLoader with positions and CloudFormation's short tags; never builds objects."""


def _mark(node: yaml.Node) -> Pos:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LocDict:
    loader.flatten_mapping(node)
    out = LocDict()
    out.pos = _mark(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str):
            key = str(key)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_pos[key] = _mark(key_node)
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LocList:
    out = LocList(loader.construct_object(child, deep=True) for child in node.value)
    out.pos = _mark(node)
    out.item_pos = [_mark(child) for child in node.value]
    return out


def _construct_str(loader: _Loader, node: yaml.ScalarNode) -> str:
    # Dates such as AWSTemplateFormatVersion: 2010-09-09 stay strings, as CloudFormation reads them.
    return str(node.value)


_FUNCTION_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:::[A-Za-z][A-Za-z0-9]*)*")


def _construct_tagged(loader: _Loader, name: str, node: yaml.Node) -> LocDict:
    """`!Name value` -> `{"Fn::Name": value}` (`!Ref`, `!Condition` keep their names), for
    every `!` tag, as cfn-lint's loader reads them (decode/cfn_yaml.py `multi_constructor`):
    the rule functions (`!Contains`, `!EachMemberEquals`, `!EachMemberIn`, `!RefAll`,
    `!ValueOf`, `!ValueOfAll`) and any function added later need no list kept here. A function
    certfit does not know evaluates to unknown, never to a guess."""
    if not _FUNCTION_NAME.fullmatch(name):
        # a tag may carry %-escaped bytes (newlines...): never let them into a message
        raise yaml.constructor.ConstructorError(
            None, None, "a YAML tag that is not a CloudFormation function name", node.start_mark
        )
    key = name if name in ("Ref", "Condition") else f"Fn::{name}"
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if name == "GetAtt" and isinstance(value, str):
            value = LocList(value.split(".", 1))
            value.pos = _mark(node)
    elif isinstance(node, yaml.SequenceNode):
        value = _construct_sequence(loader, node)
    else:
        value = _construct_mapping(loader, node)  # type: ignore[arg-type]
    out = LocDict({key: value})
    out.pos = _mark(node)
    out.key_pos[key] = _mark(node)
    return out


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)
_Loader.add_multi_constructor("!", _construct_tagged)


def load_yaml(text: str) -> Any:
    try:
        return safe_yaml.load(text, _Loader)  # aliases and nesting bounded (safe_yaml.py)
    except safe_yaml.YamlLimitError as exc:
        raise TemplateLimitError(str(exc), exc.line, exc.column) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = exc.problem or exc.context or "invalid YAML"
        if "nesting depth" in problem:  # libyaml's own bound, below ours past 1000
            raise TemplateLimitError(
                f"{problem} ({limits.raise_hint('depth')} only up to 1000)", line, col
            ) from None
        raise TemplateSyntaxError(problem, line, col) from None
    except RecursionError:  # the pure-Python loader, deeper than Python recurses
        raise TemplateLimitError(f"nested too deeply ({limits.raise_hint('depth')})") from None
    except yaml.YAMLError as exc:
        raise TemplateSyntaxError(str(exc)) from None


def load_text(text: str, suffix: str = "", keep: Callable[[Any], bool] | None = None) -> Any:
    """JSON when it looks like JSON (or the file says so), else YAML (a superset)."""
    if suffix.lower() == ".json" or text.lstrip().startswith(("{", "[")):
        try:
            return load_json(text, keep)
        except TemplateSyntaxError:
            if suffix.lower() == ".json":
                raise
    return load_yaml(text)
