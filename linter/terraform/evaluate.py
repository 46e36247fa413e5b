"""Evaluate HCL expression trees to values, or to an explicit Unknown with the reason.

Values are plain Python (str, int/float, bool, None, list, dict), `Text` (a string that
remembers the file it was read from, so a PEM keeps its location), `Computed` (an attribute
only known after apply, such as a certificate's ARN: it still says which resource it belongs
to, which is what a binding needs), namespace objects that resolve traversals lazily, and
`Unknown`. Unknown is never a pass and never a fail: whatever touches it becomes Unknown, and
the first reason travels with it.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Protocol

from linter import limits
from linter.limits import LimitExceeded, check_length, check_size
from linter.model import Location
from linter.taint import COUNTER, Tainted, TaintedStr, taint
from linter.terraform.expressions import Node

_spend = limits.spend
_TEMPLATE_DEPTH: ContextVar[int] = ContextVar("certfit_template_depth", default=0)


@dataclass(frozen=True)
class Unknown:
    reason: str

    def __repr__(self) -> str:
        return f"Unknown({self.reason!r})"


class Text(TaintedStr):
    """A string read from a file: `origin` is that file's location (line 1). Tainted: it is
    shown only by `source`, the expression that read it (`file("certs/key.pem")`)."""

    origin: Location | None

    def __new__(
        cls, value: str, origin: Location | None = None, source: str = "a file's content"
    ) -> Text:
        obj = str.__new__(cls, str.__str__(value))  # str(tainted) would be its placeholder
        obj.source = source
        obj.origin = origin
        return obj

    def __reduce__(self) -> Any:
        return (Text, (str.__str__(self), self.origin, self.source))


@dataclass(frozen=True, eq=False)
class Computed:
    """`owner.attr` that only exists after apply (an ARN, an id). `owner` is the resource
    instance it belongs to."""

    owner: Any
    attr: str

    def describe(self) -> str:
        return f"{self.owner.address}.{self.attr}"


class Traversable(Protocol):
    def get_attr(self, name: str) -> Any: ...

    def get_index(self, key: Any) -> Any: ...


def first_unknown(*vals: Any) -> Unknown | None:
    _spend(len(vals))  # a value may share its parts: walking it is work (limits.work)
    for v in vals:
        if isinstance(v, Unknown):
            return v
        if isinstance(v, list):
            u = first_unknown(*v)
            if u:
                return u
        elif isinstance(v, dict):
            u = first_unknown(*v.values())
            if u:
                return u
    return None


def as_string(v: Any, what: str = "value") -> str | Unknown:
    """Terraform's conversion of a value to a string (for templates and string functions)."""
    if isinstance(v, Unknown):
        return v
    if isinstance(v, Computed):
        return Unknown(f"{v.describe()} is only known after apply")
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float):
        return _num(v)
    if isinstance(v, str):
        return v
    if v is None:
        return Unknown(f"{what} is null")
    return Unknown(f"{what} is not a string")


def _num(v: int | float) -> str:
    if isinstance(v, float) and v.is_integer():
        return int.__repr__(int(v))
    return int.__repr__(v) if isinstance(v, int) else float.__repr__(v)  # str() of a tainted
    # number is its placeholder


def _truthy(v: Any) -> bool | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, bool):
        return v
    if isinstance(v, str) and v in ("true", "false"):
        return v == "true"
    return Unknown("a condition is not a bool")


def _number(v: Any) -> float | int | Unknown:
    if isinstance(v, Unknown):
        return v
    if isinstance(v, bool):
        return Unknown("a bool where a number is needed")
    if isinstance(v, int | float):
        return v
    if isinstance(v, str):
        try:
            return int(v)
        except ValueError:
            try:
                return float(v)
            except ValueError:
                pass
    return Unknown("not a number")


def _equal(a: Any, b: Any) -> bool | Unknown:
    u = first_unknown(a, b)
    if u:
        return u
    if isinstance(a, Computed) or isinstance(b, Computed):
        if a is b:
            return True
        return Unknown("comparison with a value only known after apply")
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return bool(a == b)


class Scope(Protocol):
    """What an expression can see: root names and the functions' file access."""

    def root(self, name: str) -> Any: ...

    def with_vars(self, names: dict[str, Any]) -> Scope: ...

    def read_file(self, path: str, func: str) -> Text | Unknown: ...

    def template_scope(self, variables: dict[str, Any]) -> Scope: ...


def evaluate(node: Node, scope: Scope) -> Any:
    """The value of `node`. Taint is kept here, for every kind of node at once: a result whose
    evaluation met a tainted value (an argument, an operand, a condition, a key, a collection)
    is tainted, whatever function or operator made it."""
    before = COUNTER.count
    v = _evaluate(node, scope)
    if isinstance(v, Tainted):
        COUNTER.count += 1
        COUNTER.last = v.source
    elif COUNTER.count != before:
        v = taint(v, COUNTER.last)
    return v


def _evaluate(node: Node, scope: Scope) -> Any:
    _spend()  # every node is a step of the attribute's work budget (limits.work)
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "tmpl":
        return _template(node[1], scope)
    if kind == "name":
        return scope.root(node[1])
    if kind == "attr":
        return get_attr(evaluate(node[1], scope), node[2])
    if kind == "index":
        return get_index(evaluate(node[1], scope), evaluate(node[2], scope))
    if kind == "splat":
        return _splat(evaluate(node[1], scope), node[2], scope)
    if kind == "call":
        return call(node[1], node[2], node[3], scope)
    if kind == "cond":
        c = _truthy(evaluate(node[1], scope))
        if isinstance(c, Unknown):
            return c
        return evaluate(node[2] if c else node[3], scope)
    if kind == "unop":
        v = evaluate(node[2], scope)
        if node[1] == "!":
            t = _truthy(v)
            return t if isinstance(t, Unknown) else not t
        n = _number(v)
        return n if isinstance(n, Unknown) else -n
    if kind == "binop":
        return _binop(node[1], evaluate(node[2], scope), evaluate(node[3], scope))
    if kind == "tuple":
        return [evaluate(x, scope) for x in node[1]]
    if kind == "object":
        out: dict[str, Any] = {}
        for k, v in node[1]:
            key = as_string(evaluate(k, scope), "an object key")
            if isinstance(key, Unknown):
                return key
            out[key] = evaluate(v, scope)
        return out
    if kind == "for":
        return _for(node, scope)
    return Unknown(f"unsupported expression {kind}")


def _is_directive(part: Any) -> bool:
    return isinstance(part, tuple) and isinstance(part[0], str) and part[0].startswith("%")


def _template(parts: list[Any], scope: Scope) -> Any:
    if len(parts) == 1 and not isinstance(parts[0], str) and not _is_directive(parts[0]):
        return evaluate(parts[0], scope)  # "${x}" keeps x's type
    out, _end, stop = _render(parts, 0, scope, ())
    if stop is not None:
        return Unknown(f"template: %{{{stop[1:]}}} without its opening directive")
    return out


def _render(
    parts: list[Any], i: int, scope: Scope, stops: tuple[str, ...]
) -> tuple[str | Unknown, int, str | None]:
    """Render parts from `i` until a directive in `stops` (not consumed) or the end."""
    out: list[str] = []
    size = 0  # characters in `out`, bounded by limits.string_size as it grows
    unknown: Unknown | None = None
    while i < len(parts):
        p = parts[i]
        if isinstance(p, str):
            out.append(p)
            i += 1
            continue
        if not _is_directive(p):
            s = as_string(evaluate(p, scope), "an interpolated value")
            if isinstance(s, Unknown):
                unknown = unknown or s
            else:
                out.append(s)
                size += len(s)
                check_length(size, "a template")
            i += 1
            continue
        kind = p[0]
        if kind in stops or kind in ("%else", "%endif", "%endfor"):
            return (unknown or "".join(out)), i, kind
        if kind == "%if":
            cond = _truthy(evaluate(p[1], scope))
            then, i, stop = _render(parts, i + 1, scope, ("%else", "%endif"))
            other: str | Unknown = ""
            if stop == "%else":
                other, i, stop = _render(parts, i + 1, scope, ("%endif",))
            if stop != "%endif":
                return Unknown("template: %{if} without %{endif}"), len(parts), None
            i += 1
            chosen = cond if isinstance(cond, Unknown) else (then if cond else other)
            if isinstance(chosen, Unknown):
                unknown = unknown or chosen
            else:
                out.append(chosen)
                size += len(chosen)
                check_length(size, "a template")
            continue
        # %for: render the body once per element
        _, key_var, val_var, coll_node = p
        end = _matching_endfor(parts, i + 1)
        if end is None:
            return Unknown("template: %{for} without %{endfor}"), len(parts), None
        body = parts[i + 1 : end]
        coll = evaluate(coll_node, scope)
        if hasattr(coll, "as_collection"):
            coll = coll.as_collection()
        if isinstance(coll, Unknown):
            unknown = unknown or coll
        elif isinstance(coll, dict | list):
            items = list(coll.items()) if isinstance(coll, dict) else list(enumerate(coll))
            for k, v in items:
                names = {val_var: v, **({key_var: k} if key_var else {})}
                text, _, _ = _render(body, 0, scope.with_vars(names), ())
                if isinstance(text, Unknown):
                    unknown = unknown or text
                else:
                    out.append(text)
                    size += len(text)
                    check_length(size, "a template's %{for}")
        else:
            unknown = unknown or Unknown("template: %{for} over a value that is not a collection")
        i = end + 1
    return (unknown or "".join(out)), i, None


def _matching_endfor(parts: list[Any], i: int) -> int | None:
    depth = 1
    while i < len(parts):
        p = parts[i]
        if _is_directive(p):
            if p[0] == "%for":
                depth += 1
            elif p[0] == "%endfor":
                depth -= 1
                if depth == 0:
                    return i
        i += 1
    return None


def get_attr(obj: Any, name: str) -> Any:
    if isinstance(obj, Unknown):
        return obj
    if hasattr(obj, "get_attr"):
        return obj.get_attr(name)
    if isinstance(obj, dict):
        if name in obj:
            return obj[name]
        return Unknown(f"no attribute {name!r}")
    if isinstance(obj, Computed):
        return Unknown(f"{obj.describe()}.{name} is only known after apply")
    if obj is None:
        return Unknown(f"attribute {name!r} of null")
    return Unknown(f"cannot read attribute {name!r} of a {type(obj).__name__}")


def get_index(obj: Any, key: Any) -> Any:
    if isinstance(obj, Unknown):
        return obj
    if isinstance(key, Unknown):
        if hasattr(obj, "get_index"):
            return obj.get_index(key)
        return key
    if hasattr(obj, "get_index"):
        return obj.get_index(key)
    if isinstance(obj, dict):
        k = as_string(key, "a key")
        if isinstance(k, Unknown):
            return k
        return obj[k] if k in obj else Unknown(f"no key {k!r}")
    if isinstance(obj, list):
        n = _number(key)
        if isinstance(n, Unknown):
            return n
        if n != n or n in (float("inf"), float("-inf")):
            return Unknown(f"index {n} is not a whole number")
        i = int(n)
        return obj[i] if 0 <= i < len(obj) else Unknown(f"index {i} out of range")
    if isinstance(obj, Computed):
        return Unknown(f"{obj.describe()} is only known after apply")
    return Unknown(f"cannot index a {type(obj).__name__}")


def _apply_ops(v: Any, ops: list[Node], scope: Scope) -> Any:
    for op in ops:
        v = get_attr(v, op[1]) if op[0] == "attr" else get_index(v, evaluate(op[1], scope))
    return v


def _splat(obj: Any, ops: list[Node], scope: Scope) -> Any:
    if isinstance(obj, Unknown):
        return obj
    if hasattr(obj, "splat"):
        obj = obj.splat()
        if isinstance(obj, Unknown):
            return obj
    if obj is None:
        return []
    if isinstance(obj, dict):
        obj = [obj]
    if not isinstance(obj, list):
        obj = [obj]
    return [_apply_ops(v, ops, scope) for v in obj]


def _binop(op: str, a: Any, b: Any) -> Any:
    if op in ("==", "!="):
        eq = _equal(a, b)
        if isinstance(eq, Unknown):
            return eq
        return eq if op == "==" else not eq
    if op in ("&&", "||"):
        ta, tb = _truthy(a), _truthy(b)
        if op == "&&" and (ta is False or tb is False):
            return False
        if op == "||" and (ta is True or tb is True):
            return True
        u = first_unknown(ta, tb)
        return u if u else (ta and tb if op == "&&" else ta or tb)
    nx, ny = _number(a), _number(b)
    u = first_unknown(nx, ny)
    if u:
        return u
    assert not isinstance(nx, Unknown) and not isinstance(ny, Unknown)
    x: float = nx
    y: float = ny
    if op == "+":
        return x + y
    if op == "-":
        return x - y
    if op == "*":
        if isinstance(x, int) and isinstance(y, int) and x.bit_length() + y.bit_length() > 1100:
            return Unknown("a product too large to evaluate")
        return x * y
    if op == "/":
        return x / y if y else Unknown("division by zero")
    if op == "%":
        return x % y if y else Unknown("modulo by zero")
    if op == "<":
        return x < y
    if op == ">":
        return x > y
    if op == "<=":
        return x <= y
    if op == ">=":
        return x >= y
    return Unknown(f"operator {op}")


def _for(node: Node, scope: Scope) -> Any:
    _, kind, key_var, val_var, coll_node, key_node, val_node, cond_node, group = node
    coll = evaluate(coll_node, scope)
    if hasattr(coll, "as_collection"):
        coll = coll.as_collection()
    if isinstance(coll, Unknown):
        return coll
    if isinstance(coll, dict):
        items = list(coll.items())
    elif isinstance(coll, list):
        items = list(enumerate(coll))
    else:
        return Unknown("a for expression over a value that is not a collection")
    out_list: list[Any] = []
    out_map: dict[str, Any] = {}
    for k, v in items:
        names = {val_var: v}
        if key_var:
            names[key_var] = k
        inner = scope.with_vars(names)
        if cond_node is not None:
            c = _truthy(evaluate(cond_node, inner))
            if isinstance(c, Unknown):
                return c
            if not c:
                continue
        value = evaluate(val_node, inner)
        if kind == "tuple":
            out_list.append(value)
            continue
        key = as_string(evaluate(key_node, inner), "a for expression key")
        if isinstance(key, Unknown):
            return key
        if group:
            out_map.setdefault(key, []).append(value)
        else:
            out_map[key] = value
    result = out_list if kind == "tuple" else out_map
    check_size(result, "a for expression")
    return result


# -- functions ------------------------------------------------------------------------------


def call(name: str, arg_nodes: list[Node], expand: bool, scope: Scope) -> Any:
    name = name.removeprefix("provider::terraform::")
    if name == "try":
        for a in arg_nodes:
            v = evaluate(a, scope)
            if not first_unknown(v):
                return v
        return Unknown("try(): no argument could be evaluated")
    if name == "can":
        v = evaluate(arg_nodes[0], scope) if arg_nodes else None
        return Unknown("can() of an unknown value") if first_unknown(v) else True
    args = [evaluate(a, scope) for a in arg_nodes]
    if expand and args:
        last = args.pop()
        if isinstance(last, Unknown):
            return last
        if not isinstance(last, list):
            return Unknown(f"{name}(...) expansion of a value that is not a list")
        args.extend(last)
    if name in ("file", "filebase64", "templatefile"):
        return _file_function(name, args, scope)
    fn = FUNCTIONS.get(name)
    if fn is None:
        return Unknown(f"function {name}() is not evaluated")
    try:
        result = fn(*args)
    except _UnknownArg as e:
        return e.unknown
    except (TypeError, ValueError, KeyError, IndexError, ArithmeticError) as e:
        return Unknown(f"{name}() could not be evaluated: {type(e).__name__}")
    check_size(result, f"{name}()")
    return result


class _UnknownArg(Exception):
    def __init__(self, unknown: Unknown) -> None:
        self.unknown = unknown


def _s(v: Any) -> str:
    s = as_string(v)
    if isinstance(s, Unknown):
        raise _UnknownArg(s)
    return s


def _known(*vals: Any) -> None:
    u = first_unknown(*vals)
    if u:
        raise _UnknownArg(u)


def _file_function(name: str, args: list[Any], scope: Scope) -> Any:
    if not args:
        return Unknown(f"{name}() without a path")
    path = as_string(args[0], f"the path given to {name}()")
    if isinstance(path, Unknown):
        return path
    content = scope.read_file(path, name)
    if isinstance(content, Unknown):
        return content
    if name == "file":
        return content
    if name == "filebase64":
        return Text(
            base64.b64encode(content.encode("latin-1")).decode(),
            content.origin,
            content.source,
        )
    variables = args[1] if len(args) > 1 else {}
    if isinstance(variables, Unknown):
        return variables
    if not isinstance(variables, dict):
        return Unknown("templatefile() variables are not an object")
    from linter.terraform.expressions import ExprError, parse_template

    try:
        parts, _ = parse_template(content, 0, quoted=False)
    except ExprError:  # its message may quote the template, which is a file's content
        return Unknown(f"{content.source}: the template does not parse")
    depth = _TEMPLATE_DEPTH.get()
    if depth >= limits.current().template_nesting:
        raise LimitExceeded("template_nesting", f"templatefile() calls nest more than {depth} deep")
    token = _TEMPLATE_DEPTH.set(depth + 1)
    try:
        result = _template(parts, scope.template_scope(variables))
    finally:
        _TEMPLATE_DEPTH.reset(token)
    if isinstance(result, str):
        return Text(result, content.origin, content.source)
    return result


def _coalesce(*vals: Any) -> Any:
    for v in vals:
        if isinstance(v, Unknown):
            return v
        if v is not None and v != "":
            return v
    return Unknown("coalesce(): every argument is null or empty")


def _lookup(m: Any, key: Any, *default: Any) -> Any:
    _known(key)
    if isinstance(m, Unknown):
        return m
    if not isinstance(m, dict):
        return Unknown("lookup() of a value that is not a map")
    k = _s(key)
    if k in m:
        return m[k]
    return default[0] if default else Unknown(f"lookup(): no key {k!r}")


def _merge(*maps: Any) -> Any:
    out: dict[str, Any] = {}
    for m in maps:
        if isinstance(m, Unknown):
            return m
        if m is None:
            continue
        if not isinstance(m, dict):
            return Unknown("merge() of a value that is not a map")
        out.update(m)
    return out


def _one(v: Any) -> Any:
    if hasattr(v, "splat"):
        v = v.splat()
    if isinstance(v, Unknown):
        return v
    if not isinstance(v, list):
        return Unknown("one() of a value that is not a list")
    if len(v) == 0:
        return None
    if len(v) == 1:
        return v[0]
    return Unknown("one() of a list with more than one element")


def _kind(x: Any) -> str:
    """What toset() compares within: 1 and 1.0 are one number, "a" and Text("a") one string,
    but "1" and 1 (and true and 1) stay apart."""
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, int | float):
        return "number"
    if isinstance(x, str):
        return "string"
    return type(x).__name__


def _toset(v: Any) -> Any:
    _known(v)
    if not isinstance(v, list):
        return Unknown("toset() of a value that is not a list")
    out: list[Any] = []
    seen: set[tuple[str, Any]] = set()  # linear for the usual strings and numbers
    for x in v:
        try:
            key = (_kind(x), x)
            if key in seen:
                continue
            seen.add(key)
        except TypeError:  # a list or an object: compared with what came before
            _spend(len(out))
            if x in out:
                continue
        out.append(x)
    return out


def _tomap(v: Any) -> Any:
    if isinstance(v, Unknown | dict):
        return v
    return Unknown("tomap() of a value that is not an object")


def _format(fmt: Any, *args: Any) -> Any:
    f = _s(fmt)
    _known(*args)
    out: list[str] = []
    i = 0
    argi = 0
    while i < len(f):
        c = f[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        if f[i + 1 : i + 2] == "%":
            out.append("%")
            i += 2
            continue
        j = i + 1
        while j < len(f) and not f[j].isalpha():
            j += 1
        verb = f[j : j + 1]
        if argi >= len(args):
            return Unknown("format(): too few arguments")
        a = args[argi]
        argi += 1
        if verb == "s" or verb == "v":
            out.append(_s(a))
        elif verb == "d":
            out.append(str(int(_number(a))))  # type: ignore[arg-type]
        elif verb == "q":
            out.append(json.dumps(_s(a)))
        else:
            return Unknown(f"format(): verb %{verb} is not evaluated")
        i = j + 1
    return "".join(out)


def _join(sep: Any, *lists: Any) -> Any:
    s = _s(sep)
    items: list[str] = []
    for lst in lists:
        _known(lst)
        if not isinstance(lst, list):
            return Unknown("join() of a value that is not a list")
        items.extend(_s(x) for x in lst)
    check_length(sum(map(len, items)) + len(s) * max(len(items) - 1, 0), "join()")
    return s.join(items)


def _element(lst: Any, idx: Any) -> Any:
    _known(lst, idx)
    if not isinstance(lst, list) or not lst:
        return Unknown("element() of an empty or non-list value")
    return lst[int(idx) % len(lst)]


def _concat(*lists: Any) -> Any:
    out: list[Any] = []
    for lst in lists:
        if isinstance(lst, Unknown):
            return lst
        if not isinstance(lst, list):
            return Unknown("concat() of a value that is not a list")
        out.extend(lst)
    return out


def _keys(m: Any) -> Any:
    _known(m)
    return sorted(m) if isinstance(m, dict) else Unknown("keys() of a value that is not a map")


def _values(m: Any) -> Any:
    if isinstance(m, Unknown):
        return m
    if not isinstance(m, dict):
        return Unknown("values() of a value that is not a map")
    return [m[k] for k in sorted(m)]


def _flatten(v: Any) -> Any:
    if isinstance(v, Unknown):
        return v
    out: list[Any] = []
    _spend(len(v))
    for x in v:
        if isinstance(x, list):
            f = _flatten(x)
            if isinstance(f, Unknown):
                return f
            out.extend(f)
        else:
            out.append(x)
    return out


def _length(v: Any) -> Any:
    if hasattr(v, "splat"):
        v = v.splat()
    _known(v)
    if isinstance(v, list | dict | str):
        return len(v)
    return Unknown("length() of a value without a length")


def _base64decode(v: Any) -> Any:
    s = _s(v)
    if isinstance(v, Text):
        return Text(base64.b64decode(s).decode("latin-1"), v.origin, v.source)
    return base64.b64decode(s).decode("latin-1")


def _trimspace(v: Any) -> Any:
    s = _s(v).strip()
    return Text(s, v.origin, v.source) if isinstance(v, Text) else s


def _contains(lst: Any, v: Any) -> Any:
    _known(lst, v)
    return v in lst if isinstance(lst, list) else Unknown("contains() of a non-list")


def _zipmap(keys: Any, vals: Any) -> Any:
    if isinstance(keys, Unknown):
        return keys
    if isinstance(vals, Unknown):
        return vals
    return {_s(k): v for k, v in zip(keys, vals, strict=False)}


def _tostring(v: Any) -> Any:
    return v if isinstance(v, Unknown) else _s(v)


def _tolist(v: Any) -> Any:
    if isinstance(v, Unknown | list):
        return v
    return Unknown("tolist() of a value that is not a list")


def _replace(s: Any, old: Any, new: Any) -> Any:
    a, b, c = _s(s), _s(old), _s(new)
    if len(b) > 1 and b.startswith("/") and b.endswith("/"):
        return Unknown("replace() with a regular expression is not evaluated")
    if len(c) > len(b):
        check_length(len(a) + (len(c) - len(b)) * (a.count(b) if b else len(a) + 1), "replace()")
    return a.replace(b, c)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "coalesce": _coalesce,
    "lookup": _lookup,
    "merge": _merge,
    "one": _one,
    "toset": _toset,
    "tomap": _tomap,
    "tolist": _tolist,
    "tostring": _tostring,
    "format": _format,
    "join": _join,
    "element": _element,
    "concat": _concat,
    "keys": _keys,
    "values": _values,
    "flatten": _flatten,
    "length": _length,
    "lower": lambda s: _s(s).lower(),
    "upper": lambda s: _s(s).upper(),
    "trimspace": _trimspace,
    "chomp": lambda s: _s(s).rstrip("\r\n"),
    "replace": _replace,
    "split": lambda sep, s: _s(s).split(_s(sep)),
    "base64decode": _base64decode,
    "base64encode": lambda s: base64.b64encode(_s(s).encode()).decode(),
    "contains": _contains,
    "zipmap": _zipmap,
    "compact": lambda lst: (
        [x for x in lst if x not in (None, "")]
        if isinstance(lst, list)
        else Unknown("compact() of a non-list")
    ),
    "distinct": _toset,
    "nonsensitive": lambda v: v,
    "sensitive": lambda v: v,
    "abspath": lambda s: _s(s),
    "trimprefix": lambda s, p: _s(s).removeprefix(_s(p)),
    "trimsuffix": lambda s, p: _s(s).removesuffix(_s(p)),
    "startswith": lambda s, p: _s(s).startswith(_s(p)),
    "endswith": lambda s, p: _s(s).endswith(_s(p)),
    "substr": lambda s, o, n: _s(s)[int(o) : (int(o) + int(n)) if int(n) >= 0 else None],
    "min": lambda *a: min(a),
    "max": lambda *a: max(a),
    "tonumber": lambda v: _number(v),
    "tobool": lambda v: _truthy(v),
}
