"""Tainted values: what came from a file's content or from outside the code, never shown.

A value read from a file (`file()`, `templatefile()`, `data.local_file`, ...) or given from
outside the committed code (tfvars, `--var-file`, `--var`, `TF_VAR_*`, a plan's sensitive
values) may hold a secret: a private key, a token in `.git/config`, a password in a CI var
file. certfit may *use* such a value (compare it, look it up, inspect a PEM) but must never
print or store it. Two mechanisms make that hold without every function having to know:

- The value itself is marked: `TaintedStr`, `TaintedInt`, `TaintedFloat`, `TaintedList`,
  `TaintedDict` render as a placeholder naming where they came from (`<value of
  file("key.pem")>`) in `repr()`, `format()` and f-strings (how every message here is
  written), so a message that embeds one cannot carry its content. `str()` is a conversion:
  it keeps the content and the mark, as str's own methods do (`upper()`, `split()`, slicing,
  `+`). `plain()` is the one explicit way back to the content, for use.
- Anything computed from a tainted value is tainted: the evaluator counts every tainted value
  it meets (`note`), and a result whose evaluation met one is marked (`taint`) centrally, so a
  new function, operator or conditional keeps the taint without a line of its own.

`scrub()` is the last line, applied to every Finding: a tainted object that reached a message
or `details` as itself (not through a format) is replaced by its placeholder.
"""

from __future__ import annotations

from typing import Any


class Tainted:
    """Mixin marking a value whose content must never be shown; `source` names it."""

    __slots__ = ()
    source: str

    def shown(self) -> str:
        return f"<value of {self.source}>"

    def __repr__(self) -> str:
        return self.shown()

    def __str__(self) -> str:
        return self.shown()

    def __format__(self, spec: str) -> str:
        return self.shown()


class TaintedStr(Tainted, str):
    source: str

    def __new__(cls, value: str, source: str) -> TaintedStr:
        obj = str.__new__(cls, str.__str__(value))  # str(tainted) would be its placeholder
        obj.source = source
        return obj

    def __reduce__(self) -> Any:  # to a worker process and back (never to disk)
        return (TaintedStr, (str.__str__(self), self.source))

    def __str__(self) -> str:  # a conversion, not a display: the value itself, still tainted
        return self

    def __radd__(self, other: Any) -> Any:  # "prefix" + tainted stays tainted
        if isinstance(other, str):
            return TaintedStr(str.__add__(other, self), self.source)
        return NotImplemented


def _keeps_taint(name: str) -> Any:
    base = getattr(str, name)

    def method(self: TaintedStr, *args: Any, **kwargs: Any) -> Any:
        return _retaint(base(self, *args, **kwargs), self.source)

    method.__name__ = name
    return method


def _retaint(v: Any, source: str) -> Any:
    if isinstance(v, str) and not isinstance(v, Tainted):
        return TaintedStr(v, source)
    if isinstance(v, list | tuple):
        return type(v)(_retaint(x, source) for x in v)
    return v


# str's methods that make strings from a tainted one return tainted strings, so code outside
# the evaluator (`value.upper()`, `arn.split(":")[3]`, `value + "/x"`) cannot launder one.
for _name in (
    "__add__", "__getitem__", "__mod__", "__mul__", "__rmul__", "capitalize", "casefold",
    "center", "expandtabs", "format", "join", "ljust", "lower", "lstrip", "partition",
    "removeprefix", "removesuffix", "replace", "rjust", "rpartition", "rsplit", "rstrip",
    "split", "splitlines", "strip", "swapcase", "title", "translate", "upper", "zfill",
):  # fmt: skip
    setattr(TaintedStr, _name, _keeps_taint(_name))


class TaintedInt(Tainted, int):
    source: str

    def __new__(cls, value: int, source: str) -> TaintedInt:
        obj = int.__new__(cls, value)
        obj.source = source
        return obj

    def __reduce__(self) -> Any:
        return (TaintedInt, (int(self), self.source))

    def __str__(self) -> str:
        return TaintedStr(int.__repr__(self), self.source)


class TaintedFloat(Tainted, float):
    source: str

    def __new__(cls, value: float, source: str) -> TaintedFloat:
        obj = float.__new__(cls, value)
        obj.source = source
        return obj

    def __reduce__(self) -> Any:
        return (TaintedFloat, (float(self), self.source))

    def __str__(self) -> str:
        return TaintedStr(float.__repr__(self), self.source)


class TaintedList(Tainted, list):
    source: str

    def __init__(self, value: list[Any], source: str) -> None:
        super().__init__(value)
        self.source = source


class TaintedDict(Tainted, dict):
    source: str

    def __init__(self, value: dict[Any, Any], source: str) -> None:
        super().__init__(value)
        self.source = source


def is_tainted(v: Any) -> bool:
    return isinstance(v, Tainted)


def taint(v: Any, source: str) -> Any:
    """`v` marked as tainted (itself when already marked). Booleans and null cannot be marked
    (Python's bool is final); the evaluator's counter still taints what is computed from them
    within one expression, and they are never shown as values."""
    if isinstance(v, Tainted | bool) or v is None:
        return v
    if isinstance(v, str):
        return TaintedStr(v, source)
    if isinstance(v, int):
        return TaintedInt(v, source)
    if isinstance(v, float):
        return TaintedFloat(v, source)
    if isinstance(v, list):
        return TaintedList([taint(x, source) for x in v], source)
    if isinstance(v, dict):
        return TaintedDict({taint(k, source): taint(x, source) for k, x in v.items()}, source)
    return v  # Unknown, Computed, namespaces: carry no content of their own


def plain(v: Any) -> Any:
    """The content of a tainted value, for use (never for display)."""
    if isinstance(v, TaintedStr):
        return str.__str__(v)
    if isinstance(v, TaintedInt):
        return int(v)
    if isinstance(v, TaintedFloat):
        return float(v)
    return v


def shown(v: Any) -> Any:
    """`v` as it may appear in output: a tainted value as its placeholder."""
    return v.shown() if isinstance(v, Tainted) else v


def scrub(v: Any) -> Any:
    """`v` (a message, a details value) with every tainted object inside replaced by its
    placeholder: what an output format may serialise."""
    if isinstance(v, Tainted):
        return v.shown()
    if isinstance(v, dict):
        return {scrub(k): scrub(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return type(v)(scrub(x) for x in v) if isinstance(v, list) else tuple(scrub(x) for x in v)
    return v


class _Counter:
    """How many tainted values evaluation has met so far in this process (monotonic), and the
    name of the last one: a result whose evaluation moved the count is tainted."""

    __slots__ = ("count", "last")

    def __init__(self) -> None:
        self.count = 0
        self.last = "a file's content"


COUNTER = _Counter()


def note(v: Any) -> Any:
    """Record that `v` (already marked) was met; returns `v`."""
    if isinstance(v, Tainted):
        COUNTER.count += 1
        COUNTER.last = v.source
    return v


def note_source(source: str) -> None:
    """Record that a tainted value that cannot be marked (a bool, null) was met."""
    COUNTER.count += 1
    COUNTER.last = source


WHY_HIDDEN = "its value is read from a file or given from outside the code, so it is not shown"


def as_written(expr: str, limit: int = 120) -> str:
    """An expression's source text for a message: on one line, bounded."""
    text = " ".join(expr.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def named(v: Any, expr: str | None = None) -> str:
    """How a message names value `v`: quoted when it may be shown, else by the expression that
    gave it (as written in the source when known)."""
    if isinstance(v, Tainted):
        return f"`{as_written(expr) if expr else v.source}`"
    return repr(v)


def cert_key(v: Any) -> Any:
    """A key to share one Certificate per reference: a tainted one also by its name, so that
    two expressions are never reported under each other's name (nor shown to be equal)."""
    return (str.__str__(v), v.source) if isinstance(v, TaintedStr) else v
